"""Chains of influence (docs/model.md): a back-stage step feeds another before one reaches the
customer, and uplift spreads along every path, multiplied by each factor on the way; a
cycle is refused, naming its steps."""

from __future__ import annotations

import pytest
from hypothesis import given

from optimizer import PlanError, plan_from_dict, solve
from optimizer.influence import landing
from optimizer.model import index_plan
from optimizer.plan import Influence
from tests.optimizer.randomplans import examples, exhaustive, plans


@examples(20)
@given(plans(chained=True))
def test_plans_with_chains_reach_the_exhaustive_optimum(plan):
    result = solve(plan)
    best = exhaustive(plan)  # written from docs/model.md alone: every path, factor by factor
    if best is None:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    assert result.impact == pytest.approx(best[0], rel=1e-9, abs=1e-9)
    assert result.cost == pytest.approx(best[1], abs=1e-9)


def _retail(influences):
    moments = [{"id": "greet", "name": "Greeted at the door", "weight": 2},
               {"id": "rota", "name": "Staff rota", "side": "back", "weight": 0},
               {"id": "approve", "name": "Shift approvals", "side": "back", "weight": 0}]
    return {"plan": "chain", "moments": moments, "influences": influences, "max_focus": 1,
            "initiatives": [{"id": "fast", "name": "Same-day approvals", "cost": 1,
                             "effects": {"approve": 10}, "confidence": 0.5}]}


def test_a_point_on_the_first_step_reaches_the_customer_through_the_chain():
    plan = plan_from_dict(_retail([{"from": "approve", "to": "rota", "factor": 0.5},
                                   {"from": "rota", "to": "greet", "factor": 0.4}]))
    result = solve(plan)
    assert result.funded == ["fast"] and result.focus == ["greet"]
    assert result.impact == pytest.approx(2 * 0.5 * 10 * 0.5 * 0.4)


def test_every_path_counts_once():
    """approve -> greet directly and through the rota: the two products add up."""
    lands = landing(["a", "b", "c", "d"], [Influence("a", "b", 0.5), Influence("b", "d", 0.5),
                                           Influence("a", "c", 0.25), Influence("c", "d", 1.0),
                                           Influence("a", "d", 0.1)])
    assert dict(lands["a"]) == pytest.approx({"a": 1.0, "b": 0.5, "c": 0.25,
                                              "d": 0.5 * 0.5 + 0.25 * 1.0 + 0.1})
    assert dict(lands["d"]) == {"d": 1.0}
    data = index_plan(plan_from_dict(_retail([{"from": "approve", "to": "rota", "factor": 0.5},
                                              {"from": "rota", "to": "greet", "factor": 0.4},
                                              {"from": "approve", "to": "greet",
                                               "factor": 0.1}])))
    greet = {m.id: k for k, m in enumerate(data.moments)}["greet"]
    assert data.uplift[0][greet] == pytest.approx(0.5 * 10 * (0.5 * 0.4 + 0.1))


def test_a_cycle_is_refused_naming_its_steps():
    with pytest.raises(PlanError) as refused:
        plan_from_dict(_retail([{"from": "approve", "to": "rota", "factor": 0.5},
                                {"from": "rota", "to": "approve", "factor": 0.4},
                                {"from": "rota", "to": "greet", "factor": 0.4}]))
    assert refused.value.problems == [
        'influences: a cycle: "approve" -> "rota" -> "approve"; a step cannot feed, '
        "through others, back into itself"]
    with pytest.raises(ValueError, match="cycle"):
        landing(["a", "b"], [Influence("a", "b", 1.0), Influence("b", "a", 1.0)])


def test_the_say_no_words_name_the_chain_an_initiative_reaches_a_focus_moment_through():
    plan = plan_from_dict({
        "plan": "Chain words", "budget": 100,
        "moments": [{"id": "greet", "name": "Greeted", "weight": 5, "headroom": 10},
                    {"id": "rota", "name": "Staff rota", "side": "back", "weight": 0},
                    {"id": "approvals", "name": "Approvals", "side": "back", "weight": 0}],
        "influences": [{"from": "approvals", "to": "rota", "factor": 0.5},
                       {"from": "rota", "to": "greet", "factor": 0.5}],
        "initiatives": [{"id": "a", "name": "Door greeter", "cost": 100, "effects": {"greet": 8}},
                        {"id": "b", "name": "Simpler approvals", "cost": 100,
                         "effects": {"approvals": 8}}]})
    result = solve(plan)
    assert result.funded == ["a"]
    message = result.rejection("b").message
    assert message.startswith("Not funded: it moves 'Greeted' through 'Approvals' (a focus "
                              "moment), but the budget"), message


def test_a_step_named_on_the_way_is_not_named_again_on_its_own():
    """Work tagged to a back-stage step moves the step and, through it, a moment: the words
    name the moment through the step once, not the step a second time."""
    plan = plan_from_dict({
        "plan": "Chain words", "budget": 100, "max_focus": 1,
        "moments": [{"id": "greet", "name": "Greeted", "weight": 5, "headroom": 10},
                    {"id": "stock", "name": "In stock", "weight": 1, "headroom": 10},
                    {"id": "rota", "name": "Staff rota", "side": "back", "weight": 0}],
        "influences": [{"from": "rota", "to": "stock", "factor": 0.5}],
        "initiatives": [{"id": "a", "name": "Door greeter", "cost": 100, "effects": {"greet": 8}},
                        {"id": "b", "name": "Rota", "cost": 100, "effects": {"rota": 8}}]})
    message = solve(plan).rejection("b").message
    assert message.startswith("Not funded: it moves 'In stock' through 'Staff rota', but "
                              "none of the moments"), message
