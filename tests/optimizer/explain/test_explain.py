"""Explanations of rejected initiatives, checked against brute force and fresh solves."""

import dataclasses
import itertools

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from optimizer import Options, plan_from_dict, solve
from optimizer.explain import KNAPSACKS_FROM, Explainer, explain, explanation_from_dict
from optimizer.samples import generate_plan
from tests.optimizer.explain.explainplans import changed, three_moments
from tests.optimizer.randomplans import (
    SAMPLE_SEEDS,
    effective_uplift,
    examples,
    feasible,
    impact_of,
    plans,
)


def _scaled_cost(plan, initiative_id, new_cost):
    initiative = plan.initiative(initiative_id)
    total = initiative.total_cost
    cost = tuple((period, amount * new_cost / total) for period, amount in initiative.cost)
    return changed(plan, initiative_id, cost=cost)


def _scaled_uplift(plan, initiative_id, factor):
    initiative = plan.initiative(initiative_id)
    return changed(plan, initiative_id,
                 effects=tuple((m, u * factor) for m, u in initiative.effects))


def _funded(plan, initiative_id) -> bool:
    result = solve(plan)
    return result.has_portfolio and initiative_id in result.funded


def _only_through_a_tie(plan, initiative_id, run) -> bool:
    """Not funded, or funded in a portfolio that ties the run on impact and cost alike
    (the tie rule then may pick either: funding it changes nothing)."""
    result = solve(plan)
    if initiative_id not in result.funded:
        return True
    return (result.impact == pytest.approx(run.impact, abs=1e-9)
            and result.cost == pytest.approx(run.cost, abs=1e-9))


def _best_with(plan, initiative_id, decision):
    """Exhaustive: (best impact, least cost of that impact) of a portfolio that funds the
    initiative with this decision (`fund`: forced in, exempt from the say-no rule; `auto`:
    one of its moments in focus); None if none can."""
    plan = changed(plan, initiative_id, decision=decision)
    ids = [i.id for i in plan.initiatives if i.id != initiative_id]
    moments = [m.id for m in plan.moments]
    uplift = effective_uplift(plan)
    best = None
    for size in range(len(ids) + 1):
        for chosen in itertools.combinations(ids, size):
            funded = set(chosen) | {initiative_id}
            cost = sum(plan.initiative(i).total_cost for i in funded)
            for k in range(plan.max_focus + 1):
                for focus in itertools.combinations(moments, k):
                    if feasible(plan, funded, set(focus), uplift):
                        value = impact_of(plan, funded, set(focus), uplift)
                        if best is None or value > best[0] + 1e-9 * max(1, abs(best[0])):
                            best = (value, cost)
                        elif value >= best[0] - 1e-9 * max(1, abs(best[0])):
                            best = (best[0], min(best[1], cost))
    return best


def _described(result, e):
    """The portfolio the explanation describes: the run's, less what it displaces, plus the
    initiative and what it brings, with the focus swapped as it says."""
    assert not set(e.displaces) - set(result.funded)
    assert not set(e.brings) & set(result.funded) and e.id not in e.brings
    assert not set(e.focus_out) - set(result.focus) and not set(e.focus_in) & set(result.focus)
    funded = (set(result.funded) - set(e.displaces)) | set(e.brings) | {e.id}
    focus = (set(result.focus) - set(e.focus_out)) | set(e.focus_in)
    return funded, focus


def _check_described_portfolio(plan, result, e, least_cost=None):
    """The described portfolio keeps every rule with the initiative forced in and has
    exactly impact_if_funded (and, when given, the least cost of that impact)."""
    funded, focus = _described(result, e)
    forced = changed(plan, e.id, decision="fund")
    assert feasible(forced, funded, focus)
    assert impact_of(plan, funded, focus) == pytest.approx(e.impact_if_funded, abs=1e-7)
    if least_cost is not None:
        cost = sum(plan.initiative(i).total_cost for i in funded)
        assert cost == pytest.approx(least_cost, abs=1e-9)


def _counts(plan, e, focus) -> bool:
    moves = {key[1] for key in effective_uplift(plan) if key[0] == e.id}
    return bool(moves & focus)


def _check_counted(plan, result, e, forced, counted):
    """The second figure is there exactly where, forced in, the initiative moves no focus
    moment and the best portfolio in which it counts gives less (or none exists)."""
    _, focus = _described(result, e)
    if counted is not None and counted[0] >= forced[0] - 1e-9 * max(1, abs(forced[0])):
        assert e.impact_if_counted is None and e.counted_focus == [] and not e.counted_conflict
        return
    assert not _counts(plan, e, focus)
    if counted is None:
        assert e.impact_if_counted is None and e.counted_conflict
        assert e.counted_conflict in e.message
        return
    assert e.impact_if_counted == pytest.approx(counted[0], abs=1e-9)
    assert e.counted_focus and _counts(plan, e, set(e.counted_focus))
    assert not e.counted_conflict
    assert f"the best portfolio then gives {e.impact_if_counted:,.1f}." in e.message


# Work at no cost that only adds to a moment at its headroom: at any factor on its uplift,
# funding it ties the run on impact and cost, so the tie rule may fund it or not.
FREE_TIE = plan_from_dict({
    "plan": "tie", "max_focus": 1, "periods": [{"id": "P1", "budget": 0}, {"id": "P2"}],
    "moments": [{"id": "m0", "name": "Moment 0", "weight": 2, "headroom": 1},
                {"id": "m1", "name": "Moment 1", "weight": 1}],
    "initiatives": [{"id": "i0", "name": "I0", "effects": {"m0": 1, "m1": 1}, "cost": 0},
                    {"id": "i1", "name": "I1", "effects": {"m0": 1}, "cost": 0,
                     "confidence": 0.8}]})


@examples(50)
@given(plans(max_initiatives=6))
@example(FREE_TIE)
def test_explanations_match_brute_force_and_fresh_solves(plan):
    result = solve(plan)
    assume(result.has_portfolio and result.rejected)  # else nothing to explain
    explainer = Explainer(plan, result)
    # explained together, shared solves and bounds settle what each alone would solve
    together = {e.id: e for e in Explainer(plan, result).explain_all()}
    # ... and so do quick fixed-focus solves that find where a full solve starts
    quick = {e.id: e for e in Explainer(plan, result, knapsacks=True).explain_all()}
    for rejection in result.rejected:
        initiative = plan.initiative(rejection.id)
        e = explainer.explain(rejection.id)
        # alone, at most one solve each: the forced-in portfolio, the cheapest of its
        # impact (the tie rule), the best in which it counts, the two break-even figures
        assert e.solves <= 5
        for same in (together[rejection.id], quick[rejection.id]):
            assert (same.impact_if_funded, same.break_even_cost, same.break_even_uplift,
                    same.impact_if_counted) == (
                pytest.approx(e.impact_if_funded, abs=1e-9),
                pytest.approx(e.break_even_cost, abs=1e-9),
                pytest.approx(e.break_even_uplift, abs=1e-9),
                pytest.approx(e.impact_if_counted, abs=1e-9))
            assert bool(same.counted_conflict) == bool(e.counted_conflict)
        assert e.reason == rejection.reason and e.message.startswith(rejection.message)
        forced = _best_with(plan, rejection.id, "fund")
        if forced is None:
            assert e.impact_if_funded is None and e.conflict
        else:
            assert e.impact_if_funded == pytest.approx(forced[0], abs=1e-9)
            assert e.impact_lost == pytest.approx(max(0.0, result.impact - forced[0]), abs=1e-7)
            _check_described_portfolio(plan, result, e, least_cost=forced[1])
            _check_counted(plan, result, e, forced, _best_with(plan, rejection.id, "auto"))
        cost = initiative.total_cost
        if e.break_even_cost is not None:
            assert 0 <= e.break_even_cost <= cost
            if e.break_even_cost > 0:  # at 0 it may tie the run on impact and cost alike
                assert _funded(_scaled_cost(plan, rejection.id, e.break_even_cost),
                               rejection.id)
            above = e.break_even_cost + max(0.01 * cost, 1.0) * 1.001
            if above < cost:
                assert not _funded(_scaled_cost(plan, rejection.id, above), rejection.id)
        elif rejection.reason != "forced_out" and cost > 0:
            assert _only_through_a_tie(_scaled_cost(plan, rejection.id, 0.0), rejection.id,
                                       result)
        if e.break_even_uplift is not None:
            assert 1 < e.break_even_uplift <= 10
            assert _funded(_scaled_uplift(plan, rejection.id, e.break_even_uplift), rejection.id)
            below = e.break_even_uplift - 0.011
            if below > 1:
                assert _only_through_a_tie(_scaled_uplift(plan, rejection.id, below),
                                           rejection.id, result)
        elif rejection.reason != "forced_out" and e.impact_if_funded is not None and (
                not e.counted_conflict):  # a portfolio in which it counts exists
            assert _only_through_a_tie(_scaled_uplift(plan, rejection.id, 10.0), rejection.id,
                                       result)


def test_outranked_message_has_the_figures_a_team_needs():
    plan = three_moments([{"id": "a", "name": "Mobile POS", "cost": 60, "effects": {"m": 5}},
                          {"id": "b", "name": "Kiosks", "cost": 90, "effects": {"m": 4}}],
                         budget=100, max_focus=1)
    result = solve(plan)
    e = explain(plan, result, "b")
    assert e.reason == "outranked"
    assert e.impact_if_funded == pytest.approx(8) and e.impact_lost == pytest.approx(2)
    assert e.displaces == ["a"]
    # funded with "a" at 40 or less: 60 + 40 fills the budget of 100 exactly, and the two
    # give more impact than "a" alone, so the boundary itself is chosen
    assert e.break_even_cost == pytest.approx(40) and e.break_even_under is None
    assert _funded(_scaled_cost(plan, "b", 40.0), "b")
    assert "Funding it would lower total impact by 2.0 (20%) and drop 'Mobile POS'" in e.message
    assert "funded at a cost of EUR 40 or less (now EUR 90)" in e.message
    assert any("the budget" in limit for limit in e.binding)


@pytest.mark.parametrize("reason,initiatives,settings", [
    ("forced_out", [{"id": "a", "name": "A", "cost": 1, "effects": {"m": 3}},
                    {"id": "b", "name": "B", "cost": 1, "effects": {"m": 3},
                     "decision": "reject", "reason": "brand freeze"}], {}),
    ("off_focus", [{"id": "a", "name": "A", "cost": 1, "effects": {"m": 3}},
                   {"id": "b", "name": "B", "cost": 1, "effects": {"n": 1}}], {"max_focus": 1}),
    ("blocked", [{"id": "a", "name": "A", "cost": 1, "effects": {"m": 3}},
                 {"id": "b", "name": "B", "cost": 1, "effects": {"m": 4}, "excludes": ["a"],
                  "decision": "auto"},
                 {"id": "c", "name": "C", "cost": 1, "effects": {"m": 1}, "decision": "fund",
                  "requires": ["a"]}], {}),
    ("saturated", [{"id": "a", "name": "A", "cost": 1, "effects": {"m": 10}},
                   {"id": "b", "name": "B", "cost": 1, "effects": {"m": 5}}], {}),
    ("outranked", [{"id": "a", "name": "A", "cost": 6, "effects": {"m": 5}},
                   {"id": "b", "name": "B", "cost": 6, "effects": {"m": 4}}], {"budget": 10}),
])
def test_each_reason_is_explained(reason, initiatives, settings):
    plan = three_moments(initiatives, **settings)
    result = solve(plan)
    e = explain(plan, result, "b")
    assert e.reason == reason and e.binding
    assert explanation_from_dict(e.to_dict()) == e
    if reason == "forced_out":
        assert e.break_even_cost is None and e.impact_if_funded is not None
        assert "brand freeze" in e.message
    if reason == "saturated":
        # settled without a solve of its own but the tie rule's (and the break-even ones)
        assert e.impact_lost == 0 and e.solves <= 3
    if reason == "blocked":
        assert e.impact_if_funded is None
        assert "exclude each other" in e.conflict


def test_only_rejected_initiatives_are_explained(example_plan):
    result = solve(example_plan)
    explainer = Explainer(example_plan, result)
    with pytest.raises(KeyError):
        explainer.explain(result.funded[0])
    everything = explainer.explain_all()
    assert [e.id for e in everything] == [r.id for r in result.rejected]
    # the tie rule takes a solve of its own where no bound proves the cheapest portfolio
    assert sum(e.solves for e in everything) <= 4 * len(everything)


def test_explain_all_stops_starting_explanations_after_its_seconds(example_plan):
    result = solve(example_plan)
    explainer = Explainer(example_plan, result)
    assert [e.id for e in explainer.explain_all(seconds=0.0)] == [result.rejected[0].id]
    rest = [r.id for r in result.rejected[1:]]
    assert [e.id for e in explainer.explain_all(rest, seconds=60.0)] == rest


def test_an_infeasible_run_has_nothing_to_explain():
    plan = three_moments([{"id": "a", "name": "A", "cost": 9, "effects": {"m": 1},
                           "decision": "fund"}], budget=1)
    with pytest.raises(ValueError):
        Explainer(plan, solve(plan, Options()))


# Bounds alone; bounds and quick fixed-focus solves that find where a full solve starts.
OPTIONS = ({}, {"knapsacks": True})


def _compare_with_reference(plan, *options):
    """Every figure the bounds settle, with each of these options, equals the one a solve
    of its own gives. The solves each took, and the solves of the reference; None when
    the run has nothing to explain."""
    result = solve(plan)
    if not result.has_portfolio or not result.rejected:
        return None
    slow = Explainer(plan, result, shortcuts=False).explain_all()
    solves = []
    for chosen in options:
        fast = Explainer(plan, result, **chosen).explain_all()
        for quick, reference in zip(fast, slow, strict=True):
            assert quick.id == reference.id
            if reference.impact_if_funded is None:
                assert quick.impact_if_funded is None and quick.conflict
            else:
                assert quick.impact_if_funded == pytest.approx(reference.impact_if_funded,
                                                               rel=1e-9, abs=1e-9)
                assert quick.impact_lost == pytest.approx(reference.impact_lost, abs=1e-7)
                least_cost = sum(plan.initiative(i).total_cost
                                 for i in _described(result, reference)[0])
                _check_described_portfolio(plan, result, quick, least_cost)  # the tie rule's
                assert quick.impact_if_counted == pytest.approx(reference.impact_if_counted,
                                                                abs=1e-9)
                assert bool(quick.counted_conflict) == bool(reference.counted_conflict)
            assert quick.break_even_cost == pytest.approx(reference.break_even_cost,
                                                          abs=1e-6)
            assert quick.break_even_uplift == pytest.approx(reference.break_even_uplift,
                                                            abs=1e-9)
        solves.append(sum(e.solves for e in fast))
    return solves, sum(e.solves for e in slow)


@examples(6)
@given(SAMPLE_SEEDS, st.sampled_from([0.3, 0.12, 0.05]))
def test_bounds_and_knapsack_starts_give_the_figures_of_full_solves_on_generated_plans(
        seed, budget_share):
    plan = generate_plan(26, 7, seed=seed, budget_share=budget_share)
    (fast, _), slow = _compare_with_reference(plan, *OPTIONS)
    if budget_share == 0.3:  # money to spare: bounds settle most questions
        assert fast < slow


@examples(30)
@given(plans(max_initiatives=14))
def test_bounds_and_knapsack_starts_give_the_figures_of_full_solves_on_random_plans(plan):
    assume(_compare_with_reference(plan, *OPTIONS) is not None)


@pytest.mark.parametrize("budget_share,weak", [(None, False), (0.05, True)])
def test_quick_fixed_focus_solves_are_on_where_full_solves_search_long(budget_share, weak):
    plan = generate_plan(2 * KNAPSACKS_FROM, 30, seed=1)
    if budget_share is not None:  # 5% of the total cost: a relaxation 11% above the run
        total = sum(i.total_cost for i in plan.initiatives)
        plan = dataclasses.replace(plan, budget=budget_share * total)
    assert Explainer(plan, solve(plan)).knapsacks is weak


@pytest.mark.parametrize("initiatives,settings,words", [
    ([{"id": "a", "name": "A", "cost": {"H1": 6}, "effects": {"m": 5}},
      {"id": "b", "name": "B", "cost": {"H1": 6}, "effects": {"m": 4}}],
     {"periods": [{"id": "H1", "budget": 10}]}, "the H1 budget (it needs EUR 6; EUR 4 is left)"),
    ([{"id": "a", "name": "A", "cost": 1, "effects": {"m": 5}, "uses": {"it": 3}},
      {"id": "b", "name": "B", "cost": 1, "effects": {"m": 4}, "uses": {"it": 3}}],
     {"resources": [{"id": "it", "name": "IT delivery", "capacity": 4, "unit": "FTE"}]},
     "IT delivery (it needs 3 FTE; 1 FTE is left)"),
    ([{"id": "a", "name": "A", "cost": 1, "effects": {"m": 3}},
      {"id": "b", "name": "B", "cost": 1, "effects": {"n": 1}}], {"max_focus": 1},
     "the focus limit: 1 moment, which it does not move"),
    ([{"id": "a", "name": "A", "cost": 1, "effects": {"m": 3}},
      {"id": "b", "name": "B", "cost": 1, "effects": {"n": 1}},
      {"id": "c", "name": "C", "cost": 1, "effects": {"o": 2}}], {"max_focus": 2},
     "the focus limit: 2 moments, none of which it moves"),
    ([{"id": "a", "name": "A", "cost": 6, "effects": {"m": 5}},
      {"id": "c", "name": "Loyalty data", "cost": 6, "effects": {"n": 1}},
      {"id": "b", "name": "B", "cost": 1, "effects": {"m": 4}, "requires": ["c"]}],
     {"budget": 10}, "a dependency: it requires 'Loyalty data'"),
])
def test_the_binding_constraint_is_named_in_words(initiatives, settings, words):
    plan = three_moments(initiatives, **settings)
    e = explain(plan, solve(plan), "b")
    assert words in e.binding


def test_a_focus_swap_is_named_in_figures_and_words():
    # "a" holds the one focus place on "m"; "b" moves only "n", so funding it means
    # swapping the focus from "m" to "n" and dropping "a".
    plan = three_moments([{"id": "a", "name": "Mobile POS", "cost": 6, "effects": {"m": 5}},
                          {"id": "b", "name": "Wayfinding", "cost": 6, "effects": {"n": 3}}],
                         budget=10, max_focus=1)
    result = solve(plan)
    e = explain(plan, result, "b")
    assert (e.reason, e.focus_out, e.focus_in, e.displaces) == ("off_focus", ["m"], ["n"],
                                                               ["a"])
    assert e.impact_if_funded == pytest.approx(3) and e.impact_lost == pytest.approx(7)
    assert ("and drop 'Mobile POS', and would move the focus from 'Checkout queue' to "
            "'Signage'") in e.message
    _check_described_portfolio(plan, result, e)


def test_a_boundary_that_ties_reads_under_it_and_says_why():
    """Two initiatives alike in all but their id and cost: the run funds the cheaper; the
    other is the better choice only strictly cheaper, since at the same cost it only ties."""
    plan = three_moments([{"id": "a", "name": "Mobile POS", "cost": 600, "effects": {"m": 5}},
                          {"id": "b", "name": "Tablets", "cost": 900, "effects": {"m": 5}}],
                         budget=1000, max_focus=1)
    result = solve(plan)
    assert result.funded == ["a"]
    e = explain(plan, result, "b")
    assert e.break_even_cost == pytest.approx(599) and e.break_even_under == pytest.approx(600)
    assert ("It would be funded at a cost under EUR 600 (now EUR 900): at EUR 600 exactly it "
            "would only tie with the run's portfolio on impact and cost, and a tie does not "
            "make it the better choice.") in e.message
    assert _funded(_scaled_cost(plan, "b", 599.0), "b")
    assert not _funded(_scaled_cost(plan, "b", 601.0), "b")


def test_at_a_budget_of_zero_the_budget_is_named_not_the_focus():
    """Nothing fits, so no moment is chosen: the reason is the money, which binds whatever
    else is chosen, with its figures, in words that read right (no "none chosen", no
    "EUR 0..", no capital after a colon)."""
    plan = three_moments([{"id": "a", "name": "Mobile POS", "cost": 600, "effects": {"m": 5}},
                          {"id": "b", "name": "Tablets", "cost": 900, "effects": {"m": 4}}],
                         budget=0, max_focus=1)
    result = solve(plan)
    assert result.funded == [] and result.focus == []
    for rejection in result.rejected:
        assert rejection.reason == "over_budget"
        assert "none chosen" not in rejection.message
        cost = {"a": "EUR 600", "b": "EUR 900"}[rejection.id]
        assert rejection.message == (f"Not funded: it needs {cost}; the budget is EUR 0, "
                                     "whatever else is chosen.")
        e = explain(plan, result, rejection.id)
        assert e.binding == [f"it needs {cost}; the budget is EUR 0, whatever else is chosen"]
        assert not any("focus limit" in limit for limit in e.binding)
        assert ".." not in e.message and ": The" not in e.message
