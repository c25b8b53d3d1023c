"""Near-optimal alternatives: portfolios nearly as good as the best that differ most from
those already shown (docs/model.md, "Near-optimal alternatives").

The k-th alternative keeps every rule of the model, has an impact of at least (1 - within)
times the best, and maximises its smallest Hamming distance (initiatives funded in one and
not the other) to the optimum and to alternatives 1..k-1; of those at that distance, the
one of most impact, then the cheapest of that impact. Three phases, each solved exactly
(relative and absolute gap 0): the distance, then the impact at that distance, then the
cost at that impact (the tie rule of docs/model.md).

One HiGHS model serves every alternative: the engine's solver form (build_matrix, scaled)
with one column more, the distance `d`, one row for the impact floor, and one row per
portfolio shown, `d <= |P| - sum_{i in P} x_i + sum_{i not in P} x_i`, added as each is
found. Every figure is worked out again from the portfolio and its focus, never read from
the solver's objective; a portfolio that breaks a rule to the engine's precision, or falls
below the floor, is never reported: the alternative is solved again with the solver's
tolerances tightened, and failing that the list stops there and says why.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from optimizer import say_no
from optimizer.checks import portfolio_cost, portfolio_impact, violations
from optimizer.engine import (
    DEFAULT_TIME_LIMIT,
    TIE_TOLERANCE,
    TIGHT_TOLERANCE,
    Options,
    matrix_values,
    solve,
    validate,
)
from optimizer.model import Data, build_matrix, decade, index_plan
from optimizer.plan import Plan
from optimizer.result import Result
from optimizer.solvers import MIN_SECONDS, HighsSession, open_session

if TYPE_CHECKING:  # numpy loads with the first solve, not with the command line
    import numpy as np

DEFAULT_WITHIN = 0.02
DEFAULT_COUNT = 3
MAX_COUNT = 100  # each alternative costs up to three exact solves
INF = math.inf  # HiGHS's own infinity (kHighsInf)
# Why a list is shorter than asked for (the document's "reason").
EXHAUSTED = "exhausted"  # no other portfolio meets the tolerance
TIME_LIMIT = "time_limit"  # the time limit stopped the search first
NUMERICAL = "numerical"  # the solver's portfolio broke a rule even with tight tolerances


class NoPortfolioError(Exception):
    """The plan has no portfolio that keeps every rule (or none was found in time): there
    is nothing to offer alternatives to. `result` is the engine's answer, with its
    conflicts."""

    def __init__(self, result: Result):
        self.result = result
        words = "; ".join(result.conflicts) if result.conflicts else (
            "the time limit stopped the search before any portfolio")
        super().__init__(f"no portfolio to compare with ({result.status}): {words}")


class _Broke(Exception):  # noqa: N818 (a signal inside the search, never raised out)
    """The solver's portfolio breaks a rule or the impact floor (its tolerances let it)."""


def alternatives(plan: Plan, *, within: float = DEFAULT_WITHIN, count: int = DEFAULT_COUNT,
                 time_limit: float = DEFAULT_TIME_LIMIT) -> dict[str, Any]:
    """The optimum and up to `count` alternatives within `within` of its impact, as the
    alternatives document of docs/plan-format.md. PlanError for a plan that breaks the
    plan-file rules, ValueError for bad options, NoPortfolioError when nothing fits."""
    _check_options(within, count, time_limit)
    deadline = time.monotonic() + time_limit
    plan = validate(plan)
    result = solve(plan, Options(time_limit=time_limit))
    if not result.has_portfolio or result.impact is None:
        raise NoPortfolioError(result)
    search = _Search(plan, result, within, deadline)
    found: list[dict[str, Any]] = []
    reason = None
    while len(found) < count:
        reason, alternative = search.next()
        if alternative is None:
            break
        found.append(alternative)
    document = {"best": result.impact, "funded": list(result.funded),
                "focus": list(result.focus), "cost": result.cost, "within": within,
                "alternatives": found, "complete": len(found) == count}
    if len(found) < count:
        document["reason"] = reason
    return document


def _check_options(within: float, count: int, time_limit: float) -> None:
    problems = []
    if isinstance(within, bool) or not isinstance(within, int | float) or not (
            0 <= within <= 1):
        problems.append(f"within: a share of the best impact from 0 to 1, not {within!r}")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        problems.append(f"count: a whole number from 1 to {MAX_COUNT}, not {count!r}")
    if isinstance(time_limit, bool) or not isinstance(time_limit, int | float) or not (
            time_limit > 0 and math.isfinite(time_limit)):
        problems.append(f"time_limit: seconds, more than 0, not {time_limit!r}")
    if problems:
        raise ValueError("; ".join(problems))


class _Search:
    """The engine's model of the plan with the distance column, solved per alternative."""

    def __init__(self, plan: Plan, result: Result, within: float, deadline: float):
        import numpy as np

        self.deadline = deadline
        self.data: Data = index_plan(plan)
        data = self.data
        self.matrix = build_matrix(data, scaled=True)
        self.best = float(result.impact or 0.0)
        # impact >= (1 - within) * best, unrounded: a share of 0 asks for the best's own.
        self.floor = self.best - within * self.best
        session = open_session(self.matrix, "highs")
        assert isinstance(session, HighsSession)
        self.session = session
        highs = session.highs
        n = len(self.matrix.columns)
        self.n_i = len(data.initiatives)
        # The distance column d, whole, at least 1 (a portfolio not shown yet).
        highs.addCol(0.0, 1.0, float(max(1, self.n_i)), 0, np.zeros(0, np.int32),
                     np.zeros(0))
        self.d = n
        highs.changeColsIntegrality(1, np.array([n], np.int32), np.ones(1, np.uint8))
        # Impact in units of `unit`, brought to the solver's ordinary range as the engine
        # brings a best far below what the objective was scaled for.
        self.unit = decade(self.best) if self.best > 0 else 1.0
        factor = self.matrix.impact_scale / self.unit
        self.impact_vector = np.zeros(n + 1)
        for column, coefficient in self.matrix.impact:
            self.impact_vector[column] = coefficient * factor
        self.cost_vector = np.zeros(n + 1)
        for column, coefficient in self.matrix.cost:
            self.cost_vector[column] = coefficient
        self.distance_vector = np.zeros(n + 1)
        self.distance_vector[n] = 1.0
        terms = [k for k in range(n) if self.impact_vector[k]]
        highs.addRow(self._floor_bound(), INF, len(terms), np.array(terms, np.int32),
                     self.impact_vector[terms])
        self.floor_row = highs.getNumRow() - 1
        self.shown: list[set[int]] = []
        self._show({data.initiative_index[i] for i in result.funded})

    def next(self) -> tuple[str | None, dict[str, Any] | None]:
        """(None, the next alternative), or (why there is none, None)."""
        try:
            return self._next()
        except _Broke:
            highs = self.session.highs
            for option in ("primal_feasibility_tolerance", "mip_feasibility_tolerance"):
                highs.setOptionValue(option, TIGHT_TOLERANCE)
            try:
                return self._next()
            except _Broke:
                return NUMERICAL, None

    def _next(self) -> tuple[str | None, dict[str, Any] | None]:
        data, highs = self.data, self.session.highs
        # Phase 1: the largest smallest distance to every portfolio shown.
        highs.changeRowBounds(self.floor_row, self._floor_bound(), INF)
        highs.changeColBounds(self.d, 1.0, float(max(1, self.n_i)))
        outcome = self._solve(self.distance_vector, maximize=True, start=None)
        if outcome is None:
            return TIME_LIMIT, None
        if not outcome.found:
            return (EXHAUSTED if outcome.infeasible else TIME_LIMIT), None
        if not outcome.proven:
            return TIME_LIMIT, None
        funded, focus = self._chosen()
        distance = self._distance(funded)
        if distance < 1:
            raise _Broke
        # Phase 2: the most impact at that distance.
        highs.changeColBounds(self.d, float(distance), float(max(1, self.n_i)))
        outcome = self._solve(self.impact_vector, maximize=True,
                              start=self._start(funded, focus, distance))
        if outcome is None or not outcome.found or not outcome.proven:
            return TIME_LIMIT, None
        funded, focus = self._chosen()
        impact = portfolio_impact(data, funded, focus)
        self._check(funded, focus, impact, distance)
        # Phase 3: the cheapest of that impact (relative tolerance 1e-9, as the engine).
        if any(data.cost):
            least = max(self.floor, impact - TIE_TOLERANCE * abs(impact))
            highs.changeRowBounds(self.floor_row, least / self.unit, INF)
            outcome = self._solve(self.cost_vector, maximize=False,
                                  start=self._start(funded, focus, distance))
            if outcome is None or not outcome.found or not outcome.proven:
                return TIME_LIMIT, None
            cheaper, cheaper_focus = self._chosen()
            if (self._distance(cheaper) >= distance
                    and portfolio_impact(data, cheaper, cheaper_focus) >= least
                    and not violations(data, cheaper, cheaper_focus)
                    and portfolio_cost(data, cheaper) < portfolio_cost(data, funded)):
                funded, focus = cheaper, cheaper_focus
        alternative = self._describe(funded, focus, distance)
        self._show(funded)
        return None, alternative

    def _floor_bound(self) -> float:
        return self.floor / self.unit

    def _solve(self, objective: np.ndarray, *, maximize: bool, start):
        """One exact solve with this objective, or None when no time is left."""
        import highspy
        import numpy as np

        remaining = self.deadline - time.monotonic()
        if remaining < MIN_SECONDS:
            return None
        highs = self.session.highs
        highs.changeColsCost(len(objective), np.arange(len(objective), dtype=np.int32),
                             objective)
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize
                                   else highspy.ObjSense.kMinimize)
        return self.session.solve(remaining, start)

    def _chosen(self) -> tuple[set[int], set[int]]:
        n_i, n_m = self.n_i, len(self.data.moments)
        values = self.session.values
        funded = {i for i in range(n_i) if values[i] > 0.5}
        focus = {m for m in range(n_m) if values[n_i + m] > 0.5}
        return funded, focus

    def _start(self, funded: set[int], focus: set[int], distance: int) -> list[float]:
        """The solution in hand, every column: where the next phase starts."""
        return [*matrix_values(self.matrix, funded, focus), float(distance)]

    def _distance(self, funded: set[int]) -> int:
        return min(len(funded ^ shown) for shown in self.shown)

    def _check(self, funded: set[int], focus: set[int], impact: float, distance: int) -> None:
        """Raise _Broke unless the portfolio keeps every rule, the floor, and the distance."""
        if (violations(self.data, funded, focus) or self._distance(funded) < distance
                or impact < self.floor - TIE_TOLERANCE * abs(self.best)):
            raise _Broke

    def _show(self, funded: set[int]) -> None:
        """d <= the Hamming distance to this portfolio: |P| - sum_P x_i + sum_not-P x_i."""
        import numpy as np

        self.shown.append(set(funded))
        columns = np.array([*range(self.n_i), self.d], np.int32)
        values = np.array([1.0 if i in funded else -1.0 for i in range(self.n_i)] + [1.0])
        self.session.highs.addRow(-INF, float(len(funded)), len(columns), columns, values)

    def _describe(self, funded: set[int], focus: set[int], distance: int) -> dict[str, Any]:
        data = self.data
        focus = say_no.trim_focus(data, funded, focus)
        value = {m: portfolio_impact(data, funded, {m}) for m in focus}
        return {"funded": sorted(data.initiatives[i].id for i in funded),
                "focus": [data.moments[m].id for m in sorted(focus, key=lambda m: -value[m])],
                "impact": portfolio_impact(data, funded, focus),
                "cost": portfolio_cost(data, funded), "distance": distance}
