"""The efficient frontier: every point a proven optimum at its budget, never falling."""

import pytest

from optimizer import solve, with_overrides
from optimizer.finance.frontier import Point, budgets, frontier, step_words
from optimizer.samples import generate_plan
from tests.optimizer.randomplans import random_plan


def _check_against_fresh_solves(plan, points):
    found = frontier(plan, points)
    total = sum(i.total_cost for i in plan.initiatives)
    assert [p.budget for p in found.points] == pytest.approx(budgets(total, points))
    assert found.total_cost == pytest.approx(total)
    previous = None
    for point in found.points:
        fresh = solve(with_overrides(plan, budget=point.budget))
        assert point.status == fresh.status
        if fresh.impact is None:
            assert point.impact is None
            continue
        assert point.impact == pytest.approx(fresh.impact, abs=1e-9)
        assert point.cost == pytest.approx(fresh.cost, abs=1e-6)  # cheapest, as solve says
        assert point.cost <= point.budget * (1 + 1e-9) + 1e-9
        assert sorted(point.funded) == point.funded
        if previous is not None:
            assert point.impact >= previous - 1e-9  # more budget never buys less
        previous = point.impact
    return found


def test_example_frontier_matches_fresh_solves(example_plan):
    found = _check_against_fresh_solves(example_plan, 9)
    assert found.plan_budget == example_plan.budget
    assert found.points[0].status == "infeasible"  # forced-in work costs money
    assert not found.points[-1].solved or found.points[-1].budget == found.total_cost


@pytest.mark.parametrize("seed", range(40))
def test_random_frontiers_match_fresh_solves(seed):
    _check_against_fresh_solves(random_plan(9100 + seed, max_initiatives=8), 5)


@pytest.mark.parametrize("share", [0.3, 0.1])
def test_generated_frontier_matches_fresh_solves(share):
    _check_against_fresh_solves(generate_plan(60, 10, seed=4, budget_share=share), 8)


def test_points_above_the_best_portfolio_are_not_solved_again():
    plan = generate_plan(60, 10, seed=4)
    found = frontier(plan, 12)
    top = found.points[-1]
    implied = [p for p in found.points if not p.solved]
    assert implied and all(p.funded == top.funded and p.impact == top.impact for p in implied)
    assert all(p.budget >= top.cost for p in implied)


def test_a_frontier_needs_two_points(example_plan):
    with pytest.raises(ValueError):
        frontier(example_plan, 1)


def test_step_words_name_what_the_money_buys(example_plan):
    low = Point(budget=100, status="optimal", impact=10.0, cost=90, funded=["fitattend"])
    high = Point(budget=200, status="optimal", impact=25.5, cost=190,
                 funded=["greeter", "selfcheck"])
    words = step_words(example_plan, low, high)
    assert words.startswith("From EUR 100 to EUR 200, impact rises by 15.5 (from 10.0 to 25.5)")
    names = {i.id: i.name for i in example_plan.initiatives}
    assert f"adds '{names['greeter']}' and '{names['selfcheck']}'" in words
    assert f"drops '{names['fitattend']}'" in words
    same = step_words(example_plan, low, Point(budget=300, status="optimal", impact=10.0,
                                               cost=90, funded=["fitattend"]))
    assert "no more impact" in same
