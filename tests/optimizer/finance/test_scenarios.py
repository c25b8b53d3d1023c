"""Scenarios: overrides applied to a copy of the plan, checked, and compared side by side."""

import copy
import json

import pytest

from optimizer import PlanError, plan_from_dict, plan_to_dict, solve
from optimizer.finance.scenarios import apply_overrides, compare, scenario_plan
from tests.conftest import EXAMPLE_PLAN


@pytest.fixture
def document():
    return json.loads(EXAMPLE_PLAN.read_text())


def test_a_scenario_never_changes_its_base_plan(document):
    before = copy.deepcopy(document)
    base = solve(plan_from_dict(document))
    overrides = {"budget": 200000, "max_focus": 2, "period_budgets": {"H1": None},
                 "weights": {"queue": 9}, "capacities": {"it": 1},
                 "decisions": {"selfcheck": "fund", "greeter": "reject"}}
    changed = solve(scenario_plan(document, overrides))
    assert document == before
    again = solve(plan_from_dict(document))
    assert (again.impact, again.funded) == (base.impact, base.funded)
    assert changed.funded != base.funded


def test_each_override_lands_where_it_should(document):
    overrides = {"budget": 123, "max_focus": 4, "period_budgets": {"H1": 5, "H2": None},
                 "weights": {"queue": 9.5}, "capacities": {"it": 7},
                 "decisions": {"selfcheck": "reject", "greeter": "auto"}}
    plan = scenario_plan(document, overrides)
    assert plan.budget == 123 and plan.max_focus == 4
    assert {p.id: p.budget for p in plan.periods} == {"H1": 5, "H2": None}
    assert plan.moment("queue").weight == 9.5
    assert {r.id: r.capacity for r in plan.resources}["it"] == 7
    assert plan.initiative("selfcheck").decision == "reject"
    assert plan.initiative("greeter").decision == "auto"
    untouched = plan_to_dict(plan)
    assert [m["id"] for m in untouched["moments"]] == [m["id"] for m in document["moments"]]
    assert scenario_plan(document, {"budget": None}).budget is None


def test_no_overrides_is_the_plan_itself(document):
    assert plan_to_dict(scenario_plan(document, {})) == plan_to_dict(plan_from_dict(document))


@pytest.mark.parametrize("overrides,expected", [
    ({"currency": "USD"}, "currency: not something a scenario can change"),
    ({"budget": -1}, "budget: must be a number >= 0"),
    ({"budget": float("inf")}, "budget: must be a number >= 0"),
    ({"max_focus": 0}, "max_focus: must be a whole number >= 1"),
    ({"max_focus": True}, "max_focus: must be a whole number >= 1"),
    ({"weights": {"fitt": 2}}, "weights['fitt']: the plan has no moment 'fitt'"),
    ({"weights": {"queue": -2}}, "weights['queue']: must be a number >= 0"),
    ({"weights": ["queue"]}, "weights: must map moment ids to values"),
    ({"period_budgets": {"Q9": 1}}, "period_budgets['Q9']: the plan has no period 'Q9'"),
    ({"capacities": {"it": "lots"}}, "capacities['it']: must be a number >= 0"),
    ({"decisions": {"greeter": "maybe"}}, "decisions['greeter']: must be one of auto, fund"),
    ({"decisions": {"nobody": "fund"}}, "decisions['nobody']: the plan has no initiative"),
])
def test_bad_overrides_name_their_field(document, overrides, expected):
    with pytest.raises(PlanError) as raised:
        apply_overrides(document, overrides)
    assert any(expected in problem for problem in raised.value.problems)


def test_a_scenario_whose_decisions_cannot_hold_is_infeasible_with_reasons(document):
    plan = scenario_plan(document, {"budget": 1000, "decisions": {"greeter": "fund"}})
    result = solve(plan)
    assert result.status == "infeasible"
    assert any("Door greeter" in conflict or "greeter" in conflict
               for conflict in result.conflicts)


def test_comparison_lists_the_work_only_some_scenarios_fund(document):
    named = [(name, plan, solve(plan)) for name, plan in (
        ("lean", scenario_plan(document, {"budget": 250000})),
        ("plan", scenario_plan(document, {})),
        ("focus 2", scenario_plan(document, {"max_focus": 2})))]
    comparison = compare(named)
    funded = [set(result.funded) for _, _, result in named]
    for initiative_id, marks in comparison.differences.items():
        assert marks == [initiative_id in chosen for chosen in funded]
        assert not all(marks) and any(marks)
    assert set(comparison.common) == set.intersection(*funded)
    assert set(comparison.differences) | set(comparison.common) == set.union(*funded)
    assert comparison.differences  # the lean budget funds less
    assert [c.name for c in comparison.columns] == ["lean", "plan", "focus 2"]
    assert all(c.returns is not None for c in comparison.columns)
    with pytest.raises(ValueError):
        compare(named[:1])
