"""The efficient frontier: the least money that buys each optimal level of impact.

The best impact at a budget is a staircase in the budget: it rises only where some
portfolio of more impact becomes affordable. Its breakpoints are found exactly, from the
top down: the best portfolio at a budget, then the cheapest portfolio of that impact (the
tie rule of docs/model.md), gives one breakpoint, its cost; just below that cost, the next
breakpoint down is the best portfolio again, and so on until nothing more fits. Every
breakpoint is a proven optimum; between two, the best impact is that of the lower one.

One HiGHS model serves the whole walk: each step changes the budget row and the objective
in place, and the second phase starts from the first phase's portfolio. The walk is
HiGHS's whatever solver the options name: CBC can only be given a new model file per
solve, and just below a step's cost it has answered "infeasible" where the plan is not.

A plan with more breakpoints than asked for gets exact breakpoints spread over the range
instead (the breakpoint at or below each of evenly spaced budgets), and says that steps
between them are not shown.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from optimizer import say_no
from optimizer.checks import SLACK, portfolio_cost, portfolio_impact, violations
from optimizer.engine import (
    TIE_TOLERANCE,
    Options,
    best_focus,
    portfolio_values,
    validate,
    with_overrides,
)
from optimizer.model import Data, Model, build_model, index_plan
from optimizer.plan import Plan
from optimizer.result import FEASIBLE, INFEASIBLE, NO_SOLUTION, OPTIMAL
from optimizer.say_no import money
from optimizer.solvers import HighsSession

if TYPE_CHECKING:  # numpy and highspy load when a walk starts, not with the command line
    import numpy as np

DEFAULT_POINTS = 200
MAX_POINTS = 1000  # every way in refuses more: each point costs up to two solves
# Two portfolios whose costs differ by less than this (in the plan's currency) are one step:
# the next budget down lies this far below a breakpoint's cost, well clear of the solver's
# feasibility tolerance, and far below any amount a plan writes (cents).
STEP = 1e-4
INF = math.inf  # HiGHS's own infinity (kHighsInf)


@dataclass(frozen=True)
class Point:
    """One breakpoint: `impact` is the best at `budget`, and `cost` the least that buys it."""

    budget: float  # the budget it was solved at
    status: str
    impact: float | None
    cost: float | None  # where the step begins: the least money that buys `impact`
    funded: list[str] = field(default_factory=list)
    focus: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Frontier:
    plan_budget: float | None  # the plan's own budget, to mark on a chart
    total_cost: float  # the cost of every initiative: where the walk starts
    points: list[Point]  # breakpoints by rising cost (an infeasible plan: one point)
    complete: bool  # every breakpoint; False: breakpoints spread over the range
    solves: int  # solver runs, both phases counted
    seconds: float
    # Below this budget no portfolio keeps every rule (forced-in work costs more); None
    # when the empty portfolio fits.
    fits_from: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """As JSON has it; frontier_from_dict reads it back."""
        return {"plan_budget": self.plan_budget, "total_cost": self.total_cost,
                "complete": self.complete, "solves": self.solves,
                "seconds": self.seconds, "fits_from": self.fits_from,
                "points": [point.to_dict() for point in self.points]}


    def impact_at(self, budget: float) -> float | None:
        """The best impact at `budget` read off the staircase; None where nothing fits."""
        below = [p for p in self.points if p.cost is not None and p.cost <= budget + STEP]
        return below[-1].impact if below else None


def frontier_from_dict(document: dict[str, Any]) -> Frontier:
    """The frontier Frontier.to_dict wrote."""
    return Frontier(plan_budget=document["plan_budget"], total_cost=document["total_cost"],
                    points=[Point(**point) for point in document["points"]],
                    complete=document["complete"], solves=document["solves"],
                    seconds=document["seconds"], fits_from=document["fits_from"])


def frontier(plan: Plan, points: int = DEFAULT_POINTS, options: Options = Options(),
             progress: Callable[[int, int], None] | None = None) -> Frontier:
    """The frontier's breakpoints from the cost of everything down; at most `points` of
    them, spread over the range when the plan has more."""
    if not 2 <= points <= MAX_POINTS:
        raise ValueError(f"a frontier has 2 to {MAX_POINTS} points, not {points}")
    plan = validate(plan)
    total = math.fsum(initiative.total_cost for initiative in plan.initiatives)
    walk = _Walk(with_overrides(plan, budget=total), options)
    found = walk.down_from(total, points, progress)
    complete = walk.reached_bottom
    if not complete and found[-1].cost is not None:
        found = _spread(walk, found, points, plan.budget, progress)
    elif progress is not None:
        progress(points, points)  # fewer steps than points: the walk is done
    return Frontier(plan_budget=plan.budget, total_cost=total, points=found[::-1],
                    complete=complete, solves=walk.solves,
                    seconds=time.perf_counter() - walk.began, fits_from=walk.fits_from)


def _spread(walk: _Walk, walked: list[Point], points: int, plan_budget: float | None,
            progress: Callable[[int, int], None] | None) -> list[Point]:
    """The breakpoint at or below each of evenly spaced budgets, from the cheapest
    portfolio that keeps every rule to the top step, and at the plan's own budget (so that
    its line meets the steps where the run does): `points` in all. Above the lowest walked
    breakpoint the walk has them all; below it, each is a new solve."""
    lowest, top = walked[-1].cost or 0.0, walked[0].cost or 0.0
    bottom = walk.cheapest()
    spaced = points - 1  # the last is the plan's budget, or one more spaced below the top
    inside = plan_budget is not None and bottom < plan_budget < top
    if not inside:
        spaced += 1
    targets = [top - (top - bottom) * k / max(1, spaced - 1) for k in range(spaced)]
    if inside:
        targets.append(plan_budget)
    chosen: dict[float, Point] = {}
    for done, target in enumerate(sorted(targets, reverse=True), start=1):
        if target >= lowest - STEP:
            point = next(p for p in walked if (p.cost or 0.0) <= target + STEP)
        else:
            point = walk.probe(target)
        if progress is not None:
            progress(done, len(targets))
        if point.impact is not None:
            chosen.setdefault(point.cost or 0.0, point)
    return sorted(chosen.values(), key=lambda p: -(p.cost or 0.0))


class _BrokeTheRules(Exception):  # noqa: N818 (a signal inside the walk, never raised out)
    """The solver's portfolio breaks a rule of the plan (its tolerances let it through)."""


class _Walk:
    """The plan's model, solved at one budget after another."""

    def __init__(self, plan: Plan, options: Options):
        self.began = time.perf_counter()
        self.options = options
        self.data: Data = index_plan(plan)
        self.model: Model = build_model(self.data)
        self.session = HighsSession(self.model.problem, self.model.columns,
                                    self.model.constraints, options.threads)
        highs = self.session.highs
        self.scale = self.model.money_scale
        self.budget_row = self.session.row_position.get("budget")
        n = len(self.model.columns)
        self.impact_costs = self._vector(self.model.impact.items(), n)
        self.money_costs = self._vector(self.model.cost.items(), n)
        # The tie rule's row, impact >= the best less the tolerance; free until phase two.
        import numpy as np

        terms = list(self.model.impact.items())
        highs.addRow(-INF, INF, len(terms),
                     np.array([self.session.position[v.name] for v, _ in terms], np.int32),
                     np.array([c for _, c in terms], np.float64))
        self.tie_row = highs.getNumRow() - 1
        # Who requires whom, turned round in one pass (not a scan of all work per initiative).
        self.required_by: list[list[int]] = [[] for _ in self.data.initiatives]
        for j, initiative in enumerate(self.data.initiatives):
            for other in initiative.requires:
                self.required_by[self.data.initiative_index[other]].append(j)
        self.above: set[int] = set()  # the last breakpoint's portfolio: the next one's start
        self.solves = 0
        self.reached_bottom = False
        self.fits_from: float | None = None

    def _vector(self, terms, n: int) -> np.ndarray:
        import numpy as np

        vector = np.zeros(n)
        for var, coefficient in terms:
            vector[self.session.position[var.name]] = coefficient
        return vector

    def down_from(self, budget: float, points: int,
                  progress: Callable[[int, int], None] | None) -> list[Point]:
        """Breakpoints from `budget` down, at most `points`; reached_bottom when no lower
        budget buys anything else."""
        found: list[Point] = []
        while len(found) < points:
            point = self.probe(budget)
            if point.impact is None:
                if found and point.status == INFEASIBLE:
                    self.fits_from = found[-1].cost
                self.reached_bottom = point.status == INFEASIBLE or not found
                if not found:
                    found.append(point)
                return found
            found.append(point)
            if progress is not None:
                progress(len(found), points)
            if point.status != OPTIMAL:  # not proven: the steps below it are not known
                return found
            if (point.cost or 0.0) <= 0.0 or point.impact <= 0.0:
                # Nothing cheaper, or nothing of less impact: every portfolio costs at
                # least this one (forced-in work, when it costs anything).
                self.reached_bottom = True
                if (point.cost or 0.0) > 0.0:
                    self.fits_from = point.cost
                return found
            budget = point.cost - STEP * self.scale
        return found

    def probe(self, budget: float) -> Point:
        """The best portfolio at `budget`, the cheapest of its impact. Should the solver's
        tolerances let a portfolio through that breaks a rule, the step is solved again
        with them tightened, and failing that, the point says no portfolio was found."""
        try:
            return self._probe(budget)
        except _BrokeTheRules:
            highs = self.session.highs
            for option in ("primal_feasibility_tolerance", "mip_feasibility_tolerance"):
                highs.setOptionValue(option, 1e-9)
            try:
                return self._probe(budget)
            except _BrokeTheRules:
                return Point(budget=budget, status=NO_SOLUTION, impact=None, cost=None)

    def _probe(self, budget: float) -> Point:
        highs = self.session.highs
        if self.budget_row is not None:
            highs.changeRowBounds(self.budget_row, -INF, budget / self.scale)
        self._objective(self.impact_costs, maximize=True)
        highs.changeRowBounds(self.tie_row, -INF, INF)
        outcome = self._solve(self._fitted(self.above, budget))
        if not outcome.found:
            status = INFEASIBLE if outcome.infeasible else NO_SOLUTION
            return Point(budget=budget, status=status, impact=None, cost=None)
        funded, focus = self.model.chosen()
        impact = portfolio_impact(self.data, funded, focus)
        proven = outcome.proven
        if any(self.data.cost):
            start = portfolio_values(self.model, funded, focus)
            self._objective(self.money_costs, maximize=False)
            tolerance = TIE_TOLERANCE * max(1.0, abs(impact))
            highs.changeRowBounds(self.tie_row, impact - tolerance, INF)
            tie = self._solve(start)
            proven = proven and tie.proven
            if tie.found:
                cheaper, cheaper_focus = self.model.chosen()
                if (portfolio_impact(self.data, cheaper, cheaper_focus) >= impact - tolerance
                        and portfolio_cost(self.data, cheaper) < portfolio_cost(self.data, funded)
                        and self._keeps_rules(cheaper, cheaper_focus, budget)):
                    funded, focus = cheaper, cheaper_focus
        if not self._keeps_rules(funded, focus, budget):
            raise _BrokeTheRules
        self.above = funded
        return self._point(budget, OPTIMAL if proven else FEASIBLE, funded, focus)

    def _fitted(self, funded: set[int], budget: float) -> dict[str, float] | None:
        """A start for the solve at `budget`, below the portfolio above it: its work
        dropped, least impact lost per money saved first, until the rest fits. A good
        portfolio in hand lets the search prune from the start."""
        data = self.data
        kept = set(funded)
        while portfolio_cost(self.data, kept) > budget:
            options = []
            for i in kept:
                dropped = self._with_dependents(i, kept)
                if any(data.initiatives[j].decision == "fund" for j in dropped):
                    continue
                rest = kept - dropped
                loss = self._best(kept)[0] - self._best(rest)[0]
                options.append((loss / max(portfolio_cost(self.data, dropped), 1e-12), i, rest))
            if not options:
                return None
            kept = min(options, key=lambda option: option[:2])[2]
        impact, focus = self._best(kept)
        # Work that moves no focus moment adds nothing, and the say-no rule forbids it.
        for i in sorted(kept):
            if (i in kept and data.initiatives[i].decision == "auto"
                    and not focus.intersection(data.uplift[i])):
                kept -= self._with_dependents(i, kept)
        if violations(self.data, kept, focus) or portfolio_cost(self.data, kept) > budget:
            return None
        return portfolio_values(self.model, kept, focus)

    def _with_dependents(self, i: int, funded: set[int]) -> set[int]:
        """`i` and the funded work that requires it, directly or not."""
        found, todo = {i}, [i]
        while todo:
            for j in self.required_by[todo.pop()]:
                if j in funded and j not in found:
                    found.add(j)
                    todo.append(j)
        return found

    def _best(self, funded: set[int]) -> tuple[float, set[int]]:
        """The impact of a portfolio with its best focus moments, and those moments."""
        focus = best_focus(self.data, funded)
        return portfolio_impact(self.data, funded, focus), focus

    def cheapest(self) -> float:
        """The least any portfolio that keeps every rule costs (forced-in work's)."""
        highs = self.session.highs
        if self.budget_row is not None:
            highs.changeRowBounds(self.budget_row, -INF, INF)
        self._objective(self.money_costs, maximize=False)
        highs.changeRowBounds(self.tie_row, -INF, INF)
        outcome = self._solve(None)
        return portfolio_cost(self.data, self.model.chosen()[0]) if outcome.found else 0.0

    def _objective(self, costs: np.ndarray, *, maximize: bool) -> None:
        import highspy
        import numpy as np

        highs = self.session.highs
        highs.changeColsCost(len(costs), np.arange(len(costs), dtype=np.int32), costs)
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize
                                   else highspy.ObjSense.kMinimize)

    def _solve(self, start: dict[str, float] | None):
        self.solves += 1
        return self.session.solve(self.options.time_limit, start)

    def _keeps_rules(self, funded: set[int], focus: set[int], budget: float) -> bool:
        return (portfolio_cost(self.data, funded) <= budget + SLACK * max(1.0, budget)
                and not violations(self.data, funded, focus))

    def _point(self, budget: float, status: str, funded: set[int], focus: set[int]) -> Point:
        data = self.data
        focus = say_no.trim_focus(data, funded, focus)
        value = {m: data.moments[m].weight * min(
            math.fsum(data.uplift[i][m] for i in data.moved_by[m] if i in funded), data.cap[m])
            for m in focus}
        return Point(budget=budget, status=status,
                     impact=portfolio_impact(data, funded, focus),
                     cost=portfolio_cost(data, funded),
                     funded=sorted(data.initiatives[i].id for i in funded),
                     focus=[data.moments[m].id for m in sorted(focus, key=lambda m: -value[m])])


def step_words(plan: Plan, lower: Point, upper: Point, *, by_budget: bool = False) -> str:
    """What moving from one breakpoint to a higher one buys, in words; `by_budget`: from
    one budget to another (what more money buys), rather than from cost to cost."""
    currency = plan.currency
    at = (lambda point: point.budget) if by_budget else point_at
    span = f"From {money(at(lower), currency)} to {money(at(upper), currency)}"
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


def point_at(point: Point) -> float:
    """Where a point stands on the budget axis: its cost, or the budget tried if none fit."""
    return point.budget if point.cost is None else point.cost


def _and(items: list[str]) -> str:
    if len(items) > 4:
        return ", ".join(items[:3]) + f" and {len(items) - 3} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
