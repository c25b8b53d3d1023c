"""The efficient frontier: the best impact at each budget, from zero to the cost of all.

Every point is a proven optimum at its budget (not a ranking of work by impact per euro,
which misses combinations). Points are solved in rising budget order and each starts from
the portfolio of the point before: it stays feasible as the budget grows, so the solver
begins with a good portfolio in hand. Above the cost of the best portfolio at the top
budget, nothing changes: those points are that portfolio, without a solve.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from optimizer.engine import Options, solve, validate, with_overrides
from optimizer.plan import Plan
from optimizer.result import OPTIMAL, Result
from optimizer.say_no import money

DEFAULT_POINTS = 11


@dataclass(frozen=True)
class Point:
    budget: float
    status: str
    impact: float | None
    cost: float | None
    funded: list[str] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)
    solved: bool = True  # False: implied by a point above (same portfolio, no solve)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Frontier:
    plan_budget: float | None  # the plan's own budget, to mark on a chart
    total_cost: float  # the cost of every initiative: the last point's budget
    points: list[Point]

    def to_dict(self) -> dict[str, Any]:
        return {"plan_budget": self.plan_budget, "total_cost": self.total_cost,
                "points": [point.to_dict() for point in self.points]}


def budgets(total_cost: float, points: int) -> list[float]:
    """`points` budgets evenly spaced from 0 to the total cost."""
    if points < 2:
        raise ValueError("a frontier needs at least 2 points")
    return [total_cost * k / (points - 1) for k in range(points)]


def frontier(plan: Plan, points: int = DEFAULT_POINTS, options: Options = Options(),
             progress: Callable[[int, int], None] | None = None) -> Frontier:
    """The best impact at `points` budgets from 0 to the cost of every initiative."""
    plan = validate(plan)
    total = math.fsum(initiative.total_cost for initiative in plan.initiatives)
    levels = budgets(total, points)
    top = solve(with_overrides(plan, budget=total), options)
    found: list[Point] = []
    start: list[str] | None = None
    for budget in levels:
        if top.status == OPTIMAL and top.cost is not None and top.cost <= budget:
            found.append(replace(_point(budget, top), solved=budget == total))
        else:
            result = top if budget == total else solve(
                with_overrides(plan, budget=budget), options, start=start)
            found.append(_point(budget, result))
            if result.has_portfolio:
                start = result.funded
        if progress is not None:
            progress(len(found), len(levels))
    return Frontier(plan_budget=plan.budget, total_cost=total, points=found)


def _point(budget: float, result: Result) -> Point:
    return Point(budget=budget, status=result.status, impact=result.impact, cost=result.cost,
                 funded=list(result.funded), focus=list(result.focus))


def step_words(plan: Plan, lower: Point, upper: Point) -> str:
    """What moving from one point to a higher budget buys, in words."""
    currency = plan.currency
    span = (f"From {money(lower.budget, currency)} to {money(upper.budget, currency)}")
    if lower.impact is None or upper.impact is None:
        if upper.impact is None:
            return f"{span}: no portfolio keeps every rule at either budget."
        return (f"{span}: the first portfolio that keeps every rule, with impact "
                f"{upper.impact:,.1f}.")
    gain = upper.impact - lower.impact
    if gain <= 1e-9 * max(1.0, abs(upper.impact)):
        return f"{span}: no more impact; the best portfolio stays the same."
    added = [f"'{plan.initiative(i).name}'" for i in upper.funded if i not in lower.funded]
    dropped = [f"'{plan.initiative(i).name}'" for i in lower.funded if i not in upper.funded]
    words = (f"{span}, impact rises by {gain:,.1f} (from {lower.impact:,.1f} to "
             f"{upper.impact:,.1f})")
    if added:
        words += ": it adds " + _and(added)
    if dropped:
        words += (" and drops " if added else ": it drops ") + _and(dropped)
    return words + "."


def _and(items: list[str]) -> str:
    if len(items) > 4:
        return ", ".join(items[:3]) + f" and {len(items) - 3} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
