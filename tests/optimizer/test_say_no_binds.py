"""The say-no reason is the limit that binds (docs/model.md, "Say-no reasons"): a budget,
a period's budget, a resource's capacity or a link that keeps the initiative out whatever
else is chosen, with its figures; `outranked` only for work that would fit."""

import dataclasses

from hypothesis import given

from optimizer import plan_from_dict, solve
from optimizer.explain import explain
from tests.optimizer.randomplans import examples, plans

MOMENTS = [{"id": "m", "name": "Checkout queue", "weight": 2, "headroom": 10},
           {"id": "n", "name": "Signage", "weight": 1}]
HARD = ("over_budget", "over_period", "over_capacity")


def _plan(initiatives, **settings):
    return plan_from_dict({"plan": "t", "currency": "EUR", "moments": MOMENTS,
                           "initiatives": initiatives, **settings})


def _rejection(plan, key):
    result = solve(plan)
    assert key not in result.funded
    return result.rejection(key)


def test_a_period_budget_it_alone_breaks_binds_with_its_figures():
    plan = _plan([{"id": "a", "name": "Self-scan", "cost": {"H1": 50_000, "H2": 10_000},
                   "effects": {"m": 3}},
                  {"id": "b", "name": "Queue app", "cost": {"H1": 90_000}, "effects": {"m": 9}}],
                 periods=[{"id": "H1", "budget": 80_000}, {"id": "H2"}])
    rejection = _rejection(plan, "b")
    assert rejection.reason == "over_period"
    assert rejection.message == ("Not funded: it needs EUR 90,000 in H1; H1's budget is "
                                 "EUR 80,000, whatever else is chosen.")
    explanation = explain(plan, solve(plan), "b")
    assert explanation.binding == ["it needs EUR 90,000 in H1; H1's budget is EUR 80,000, "
                                   "whatever else is chosen"]
    assert explanation.impact_if_funded is None  # no portfolio can fund it
    assert explanation.break_even_cost == 80_000  # a cost that fits H1 would


def test_work_funded_by_decision_counts_against_the_limit():
    plan = _plan([{"id": "f", "name": "Legal", "cost": {"H1": 30_000}, "effects": {"n": 1},
                   "decision": "fund"},
                  {"id": "b", "name": "Queue app", "cost": {"H1": 60_000}, "effects": {"m": 9}}],
                 periods=[{"id": "H1", "budget": 80_000}])
    rejection = _rejection(plan, "b")
    assert rejection.reason == "over_period"
    assert "it needs EUR 60,000 in H1; H1's budget is EUR 80,000, of which work funded by " \
           "decision takes EUR 30,000, whatever else is chosen" in rejection.message


def test_the_total_budget_binds():
    plan = _plan([{"id": "a", "name": "A", "cost": 4, "effects": {"m": 1}},
                  {"id": "b", "name": "B", "cost": 12, "effects": {"m": 9}}], budget=10)
    rejection = _rejection(plan, "b")
    assert rejection.reason == "over_budget"
    assert "it needs EUR 12; the budget is EUR 10, whatever else is chosen" in rejection.message


def test_a_capacity_binds_with_its_unit():
    plan = _plan([{"id": "a", "name": "A", "cost": 1, "effects": {"m": 1}, "uses": {"it": 1}},
                  {"id": "b", "name": "B", "cost": 1, "effects": {"m": 9}, "uses": {"it": 5}}],
                 resources=[{"id": "it", "name": "IT delivery", "capacity": 3, "unit": "FTE"}])
    rejection = _rejection(plan, "b")
    assert rejection.reason == "over_capacity"
    assert ("it needs 5 FTE of IT delivery; IT delivery's capacity is 3 FTE, whatever else "
            "is chosen") in rejection.message
    explanation = explain(plan, solve(plan), "b")
    assert explanation.break_even_cost is None  # no cost frees a capacity


def test_a_link_binds_when_what_it_requires_cannot_fit_beside_it():
    plan = _plan([{"id": "a", "name": "A", "cost": 8, "effects": {"m": 3}},
                  {"id": "b", "name": "B", "cost": 5, "effects": {"m": 4}, "requires": ["c"]},
                  {"id": "c", "name": "C", "cost": 5, "effects": {"n": 0.1}}], budget=9)
    rejection = _rejection(plan, "b")
    assert rejection.reason == "blocked"
    assert rejection.message == ("Not funded: it depends on 'C', and together they need "
                                 "EUR 10; the budget is EUR 9, whatever else is chosen.")


def test_a_link_binds_on_work_rejected_or_funded_by_decision():
    plan = _plan([{"id": "a", "name": "A", "cost": 1, "effects": {"m": 3}, "decision": "fund"},
                  {"id": "b", "name": "B", "cost": 1, "effects": {"m": 4}, "requires": ["c"]},
                  {"id": "c", "name": "C", "cost": 1, "effects": {"m": 1},
                   "decision": "reject", "reason": "brand freeze"},
                  {"id": "d", "name": "D", "cost": 1, "effects": {"m": 5}, "excludes": ["a"]}])
    result = solve(plan)
    assert result.rejection("b").message == ("Not funded: it depends on 'C', which is "
                                             "rejected by decision, whatever else is chosen.")
    assert result.rejection("d").message == ("Not funded: it conflicts with 'A', which is "
                                             "funded by decision, whatever else is chosen.")


def test_a_link_binds_on_required_work_that_moves_nothing():
    plan = _plan([{"id": "b", "name": "B", "cost": 1, "effects": {"m": 4}, "requires": ["c"]},
                  {"id": "c", "name": "C", "cost": 1, "effects": {"m": 0}}])
    rejection = _rejection(plan, "b")
    assert rejection.reason == "blocked"
    assert "it depends on 'C', which moves no moment" in rejection.message


def test_outranked_only_when_it_would_fit():
    plan = _plan([{"id": "a", "name": "A", "cost": {"H1": 6}, "effects": {"m": 5}},
                  {"id": "b", "name": "B", "cost": {"H1": 6}, "effects": {"m": 4}}],
                 periods=[{"id": "H1", "budget": 10}])
    rejection = _rejection(plan, "b")
    assert rejection.reason == "outranked"
    assert "whatever else is chosen" not in rejection.message
    assert "the H1 budget (it needs EUR 6; EUR 4 is left)" in rejection.message


def _forced_in(plan, key):
    initiatives = tuple(dataclasses.replace(i, decision="fund") if i.id == key else i
                        for i in plan.initiatives)
    return dataclasses.replace(plan, initiatives=initiatives)


@examples(60)
@given(plans())
def test_a_reason_says_whatever_else_is_chosen_exactly_when_nothing_can_fund_it(plan):
    """Forced in, work whose reason binds whatever else is chosen makes the plan
    infeasible; work said to be outranked, or blocked only by the portfolio's choice,
    fits (its links and the say-no rule of what it requires allowing)."""
    result = solve(plan)
    if not result.has_portfolio:
        return
    for rejection in result.rejected:
        if rejection.reason == "forced_out":
            continue
        hard = rejection.reason in HARD or "whatever else is chosen" in rejection.message
        assert hard == ("whatever else is chosen" in rejection.message)
        forced = solve(_forced_in(plan, rejection.id))
        assert forced.has_portfolio != hard, (rejection, forced.conflicts)


def test_a_name_in_quotes_of_its_own_is_quoted_once():
    plan = _plan([{"id": "b", "name": "B", "cost": 1, "effects": {"m": 4}, "requires": ["c"]},
                  {"id": "c", "name": '"Click & collect"', "cost": 1, "effects": {"m": 0}}])
    message = _rejection(plan, "b").message
    assert "it depends on 'Click & collect', which" in message
    assert "''" not in message and '"' not in message
