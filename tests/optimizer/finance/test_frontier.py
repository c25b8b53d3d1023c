"""The efficient frontier: exactly the breakpoints of the best impact against budget."""

import itertools
import math
from dataclasses import replace

import pytest
from hypothesis import given

from optimizer import solve, with_overrides
from optimizer.finance.frontier import MAX_POINTS, Point, frontier, point_at, step_words
from optimizer.samples import generate_plan
from tests.optimizer.randomplans import effective_uplift, examples, feasible, impact_of, plans

TOLERANCE = 1e-9


def brute_force_breakpoints(plan) -> list[tuple[float, float]]:
    """(cost, impact) where the best impact rises, over every portfolio and focus: the
    least money that buys each optimal level of impact."""
    free = replace(plan, budget=None)
    ids = [i.id for i in plan.initiatives]
    cost = {i.id: i.total_cost for i in plan.initiatives}
    moments = [m.id for m in plan.moments]
    uplift = effective_uplift(plan)
    best_at_cost: dict[float, float] = {}
    for size in range(len(ids) + 1):
        for chosen in itertools.combinations(ids, size):
            funded = set(chosen)
            price = math.fsum(cost[i] for i in funded)
            for k in range(plan.max_focus + 1):
                for focus in itertools.combinations(moments, k):
                    if feasible(free, funded, set(focus), uplift):
                        value = impact_of(plan, funded, set(focus), uplift)
                        best_at_cost[price] = max(best_at_cost.get(price, -1.0), value)
    steps: list[tuple[float, float]] = []
    for price in sorted(best_at_cost):
        value = best_at_cost[price]
        if not steps or value > steps[-1][1] + TOLERANCE * max(1.0, abs(steps[-1][1])):
            steps.append((price, value))
    return steps


def _check_points_are_solves(plan, found):
    """Every point is what a fresh solve at its cost gives, and keeps every rule there."""
    for point in found.points:
        fresh = solve(with_overrides(plan, budget=point.cost))
        assert point.impact == pytest.approx(fresh.impact, abs=1e-9)
        assert point.cost == pytest.approx(fresh.cost, abs=1e-6)
        assert feasible(with_overrides(plan, budget=point.cost), set(point.funded),
                        set(point.focus))
        assert impact_of(plan, set(point.funded), set(point.focus)) == pytest.approx(
            point.impact, abs=1e-9)
        assert sorted(point.funded) == point.funded


@examples(40)
@given(plans(max_initiatives=7))
def test_breakpoints_equal_brute_force(plan):
    found = frontier(plan)
    expected = brute_force_breakpoints(plan)
    if not expected:
        assert [p.status for p in found.points] == ["infeasible"]
        return
    assert found.complete
    got = [(p.cost, p.impact) for p in found.points]
    assert len(got) == len(expected), (got, expected)
    for (cost, impact), (want_cost, want_impact) in zip(got, expected, strict=True):
        assert cost == pytest.approx(want_cost, abs=1e-6)
        assert impact == pytest.approx(want_impact, abs=1e-9)
    assert found.fits_from == (expected[0][0] if expected[0][0] > 0 else None)
    _check_points_are_solves(plan, found)


@pytest.fixture(scope="module")
def example_frontier(example_plan):
    """The worked example's frontier, which the tests below only read."""
    return frontier(example_plan)


def test_example_frontier_meets_the_run_at_the_plan_budget(example_plan, example_frontier):
    found = example_frontier
    assert found.complete and found.plan_budget == example_plan.budget
    run = solve(example_plan)
    assert found.impact_at(example_plan.budget) == pytest.approx(run.impact, abs=1e-9)
    # The run's own portfolio is the step at or below the budget.
    step = max((p for p in found.points if p.cost <= example_plan.budget),
               key=lambda p: p.cost)
    assert step.cost == pytest.approx(run.cost) and step.funded == run.funded
    assert found.fits_from == 30000  # the forced-in accessibility fixes
    assert [p.cost for p in found.points] == sorted(p.cost for p in found.points)
    assert found.solves <= 2 * len(found.points) + 1
    _check_points_are_solves(example_plan, found)


def test_the_least_money_for_each_level_is_where_the_chart_steps(example_plan,
                                                                example_frontier):
    found = example_frontier
    for lower, upper in itertools.pairwise(found.points):
        assert upper.impact > lower.impact
        # Just below a step's cost, the best is the step before.
        below = solve(with_overrides(example_plan, budget=upper.cost - 1))
        assert below.impact == pytest.approx(lower.impact, abs=1e-9)


@pytest.mark.parametrize("share", [0.3, 0.1])
def test_generated_frontier_points_are_fresh_solves(share):
    plan = generate_plan(24, 6, seed=4, budget_share=share)
    found = frontier(plan)
    assert found.complete
    _check_points_are_solves(plan, found)


def test_more_steps_than_asked_for_are_exact_points_spread_over_the_range():
    plan = generate_plan(24, 6, seed=4)
    every = frontier(plan)
    assert every.complete and len(every.points) > 12
    spread = frontier(plan, 6)
    assert not spread.complete
    assert 2 <= len(spread.points) <= 6
    exact = {(round(p.cost, 6), round(p.impact, 9)) for p in every.points}
    assert {(round(p.cost, 6), round(p.impact, 9)) for p in spread.points} <= exact
    assert spread.points[-1].cost == every.points[-1].cost  # the top is always there
    # Spread over the range: no two points share a sixth of it.
    top = every.points[-1].cost
    costs = [p.cost for p in spread.points]
    assert min(b - a for a, b in itertools.pairwise(costs)) > 0
    assert costs[0] < top / 2


def test_a_plan_no_portfolio_fits_has_one_infeasible_point(example_plan):
    both = [replace(i, decision="fund") if i.id in ("selfcheck", "mobilepos") else i
            for i in example_plan.initiatives]
    found = frontier(replace(example_plan, initiatives=both))
    assert [p.status for p in found.points] == ["infeasible"]
    assert found.points[0].impact is None and found.complete


@pytest.mark.parametrize("points", [1, MAX_POINTS + 1])
def test_point_counts_outside_the_range_are_refused(example_plan, points):
    with pytest.raises(ValueError, match=f"2 to {MAX_POINTS}"):
        frontier(example_plan, points)


def test_step_words_name_what_the_money_buys(example_plan):
    low = Point(budget=100, status="optimal", impact=10.0, cost=90, funded=["fitattend"])
    high = Point(budget=200, status="optimal", impact=25.5, cost=190,
                 funded=["greeter", "selfcheck"])
    words = step_words(example_plan, low, high)
    assert words.startswith("From EUR 90 to EUR 190, impact rises by 15.5 (from 10.0 to 25.5)")
    names = {i.id: i.name for i in example_plan.initiatives}
    assert f"adds '{names['greeter']}' and '{names['selfcheck']}'" in words
    assert f"drops '{names['fitattend']}'" in words
    same = step_words(example_plan, low, Point(budget=300, status="optimal", impact=10.0,
                                               cost=90, funded=["fitattend"]))
    assert "no more impact" in same
    assert point_at(Point(budget=50, status="infeasible", impact=None, cost=None)) == 50


@examples(8)
@given(plans(max_initiatives=6))
def test_breakpoints_at_the_largest_money_equal_brute_force(base):
    scale = 1e12 / max([i.total_cost for i in base.initiatives] + [1.0])
    plan = replace(base, budget=None, periods=(), initiatives=tuple(
        replace(i, cost=(("", i.total_cost * scale),)) for i in base.initiatives))
    found = frontier(plan)
    expected = brute_force_breakpoints(plan)
    if not expected:
        assert [p.status for p in found.points] == ["infeasible"]
        return
    assert [(round(p.cost / scale, 6), round(p.impact, 9)) for p in found.points] == [
        (round(cost / scale, 6), round(impact, 9)) for cost, impact in expected]
