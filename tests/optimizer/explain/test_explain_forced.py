"""Explanations against the action they describe: the plan solved with the rejected
initiative's decision set to `fund`, and the figure for it to count."""


import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from optimizer import solve
from optimizer.explain import Explainer, explain, explanation_from_dict
from optimizer.samples import generate_plan
from tests.optimizer.explain.explainplans import changed, three_moments
from tests.optimizer.randomplans import SAMPLE_SEEDS, examples, feasible, impact_of, plans


def _check_forced_in(plan, result, explanations):
    """Solving with each initiative forced in gives exactly impact_if_funded and the
    portfolio the explanation describes: the run's, less what it displaces, plus the
    initiative and what it brings. Where the tie rule leaves a choice (portfolios of the
    same impact and the same cost), the described one keeps every rule and ties it."""
    for e in explanations:
        forced_plan = changed(plan, e.id, decision="fund")
        forced = solve(forced_plan)
        if e.impact_if_funded is None:
            assert not forced.has_portfolio and e.conflict
            continue
        assert forced.status == "optimal"
        assert forced.impact == pytest.approx(e.impact_if_funded, rel=1e-6, abs=1e-9)
        funded = (set(result.funded) - set(e.displaces)) | set(e.brings) | {e.id}
        if set(forced.funded) != funded:
            focus = (set(result.focus) - set(e.focus_out)) | set(e.focus_in)
            assert feasible(forced_plan, funded, focus)
            assert impact_of(plan, funded, focus) == pytest.approx(forced.impact, abs=1e-9)
            cost = sum(plan.initiative(i).total_cost for i in funded)
            assert cost == pytest.approx(forced.cost, abs=1e-9)


@examples(80)
@given(plans(max_initiatives=10))
def test_forcing_it_in_gives_the_figures_and_portfolio_of_the_explanation(plan):
    result = solve(plan)
    assume(result.has_portfolio)  # else nothing to explain
    _check_forced_in(plan, result, Explainer(plan, result).explain_all())


@examples(4)
@given(SAMPLE_SEEDS, st.sampled_from([0.3, 0.05]))
def test_forcing_it_in_matches_on_generated_plans_with_quick_solves(seed, budget_share):
    # quick fixed-focus solves and the focus moments they rule out, as on large plans
    plan = generate_plan(26, 7, seed=seed, budget_share=budget_share)
    result = solve(plan)
    _check_forced_in(plan, result, Explainer(plan, result, knapsacks=True).explain_all())


def test_work_that_would_not_count_forced_in_gets_the_figure_for_it_to_count():
    # Forced in, "b" fits beside "a" once "c" goes, and the focus stays on the queue;
    # for "b" to count, "Signage" takes the one focus place, which "a" and "c" lose.
    plan = three_moments([{"id": "a", "name": "Mobile POS", "cost": 5, "effects": {"m": 5}},
                          {"id": "c", "name": "Queue display", "cost": 4, "effects": {"m": 1}},
                          {"id": "b", "name": "Wayfinding", "cost": 3, "effects": {"n": 3}}],
                         budget=10, max_focus=1)
    result = solve(plan)
    e = explain(plan, result, "b")
    assert (e.reason, e.impact_if_funded, e.impact_lost) == ("off_focus", 10, 2)
    assert (e.displaces, e.focus_out, e.focus_in) == (["c"], [], [])
    assert e.impact_if_counted == pytest.approx(3) and e.counted_focus == ["n"]
    assert ("Forced in, it would be funded without moving a focus moment (impact 10.0, "
            "2.0 less), dropping 'Queue display'; for it to count, 'Signage' would have to "
            "be a focus moment, and the best portfolio then gives 3.0.") in e.message
    assert "lower total impact" not in e.message
    _check_forced_in(plan, result, [e])


def test_work_that_can_never_count_says_so():
    plan = three_moments([{"id": "a", "name": "Mobile POS", "cost": 5, "effects": {"m": 5}},
                          {"id": "b", "name": "Posters", "cost": 1, "effects": {"n": 0}}],
                         budget=10)
    result = solve(plan)
    e = explain(plan, result, "b")
    assert e.impact_if_funded == pytest.approx(10) and e.impact_lost == 0
    assert e.impact_if_counted is None and e.counted_conflict
    assert e.break_even_uplift is None
    assert ("Forced in, it would be funded without moving a focus moment (impact 10.0, no "
            "less); it moves no moment, so it can never count.") in e.message
    _check_forced_in(plan, result, [e])


def test_work_whose_moments_cannot_be_in_focus_beside_what_must_be_funded():
    # The forced-in "f" requires "r", which counts only with the queue in focus: with one
    # focus moment, "b" can be funded forced in, never with "Signage" in focus.
    plan = three_moments([{"id": "f", "name": "Staff app", "cost": 1, "effects": {"m": 1},
                           "decision": "fund", "requires": ["r"]},
                          {"id": "r", "name": "Handhelds", "cost": 1, "effects": {"m": 2}},
                          {"id": "b", "name": "Wayfinding", "cost": 1, "effects": {"n": 3}}],
                         max_focus=1)
    result = solve(plan)
    e = explain(plan, result, "b")
    assert e.impact_if_funded == pytest.approx(result.impact)
    assert e.impact_if_counted is None
    assert "no portfolio that funds it can have one of its moments in focus" in e.message
    _check_forced_in(plan, result, [e])


def test_forced_in_work_that_lifts_what_requires_it_raises_impact():
    # "a" requires "b", which moves only "Signage": under the say-no rule the one focus
    # place cannot hold both moments, so the run funds "c" alone. Forced in, "b" is
    # exempt, and "a" comes with it on the queue.
    plan = three_moments([{"id": "a", "name": "Mobile POS", "cost": 1, "effects": {"m": 5},
                           "requires": ["b"]},
                          {"id": "b", "name": "Wayfinding", "cost": 1, "effects": {"n": 1}},
                          {"id": "c", "name": "Queue display", "cost": 1, "effects": {"m": 1}}],
                         max_focus=1)
    result = solve(plan)
    e = explain(plan, result, "b")
    assert result.impact == pytest.approx(2) and e.impact_if_funded == pytest.approx(12)
    assert e.impact_lost == 0 and e.brings == ["a"]
    assert e.impact_if_counted == pytest.approx(1)
    assert "(impact 12.0, 10.0 more)" in e.message
    _check_forced_in(plan, result, [e])


def test_the_tie_rule_decides_what_forcing_in_drops():
    # "b" does all that "a" does: forced in, the cheapest portfolio of the run's impact
    # drops "a".
    plan = three_moments([{"id": "a", "name": "Mobile POS", "cost": 5, "effects": {"m": 10}},
                          {"id": "b", "name": "Kiosks", "cost": 6, "effects": {"m": 10}}])
    result = solve(plan)
    e = Explainer(plan, result).explain_all()[0]
    assert (e.id, e.reason, e.impact_lost, e.displaces) == ("b", "saturated", 0, ["a"])
    assert "Funding it would not lower total impact, but would drop 'Mobile POS'." in e.message
    assert e.impact_if_counted is None and not e.counted_conflict
    _check_forced_in(plan, result, [e])


def test_an_explanation_stored_before_the_figure_for_it_to_count_still_loads():
    plan = three_moments([{"id": "a", "name": "A", "cost": 6, "effects": {"m": 5}},
                          {"id": "b", "name": "B", "cost": 6, "effects": {"n": 3}}],
                         budget=10, max_focus=1)
    e = explain(plan, solve(plan), "b")
    document = e.to_dict()
    assert explanation_from_dict(document) == e
    for key in ("impact_if_counted", "counted_focus", "counted_conflict"):
        del document[key]
    old = explanation_from_dict(document)
    assert (old.impact_if_counted, old.counted_focus, old.counted_conflict) == (None, [], None)
    assert old.impact_if_funded == e.impact_if_funded and old.message == e.message
