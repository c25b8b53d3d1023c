"""The run being explained and its HiGHS model, changed in place for each question: what
every kind of explanation, and the search among focus sets, read and change.

One model is built per run; each question changes it from its pristine state. What the
answers prove, kept for the next question, is the context's (context.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import highspy
import numpy as np

from optimizer.checks import portfolio_impact, violations
from optimizer.engine import TIE_TOLERANCE, validate
from optimizer.explain.types import Explanation
from optimizer.model import Data, Matrix, Model, build_model, index_plan
from optimizer.plan import Plan
from optimizer.result import Result
from optimizer.solvers import HighsSession, Outcome

INF = highspy.kHighsInf
BETTER = 1e-5  # relative: less than this more impact is no improvement
# Plans this large (initiatives), with a relaxation this much (relative) above the run's
# impact, find the start of a full solve with quick fixed-focus solves: smaller plans, or
# a tighter relaxation, make full solves that take little more than those (measured on
# the benchmark plans: 0.4-1.3% with money to spare, 6-11% with 5% of the total cost).
KNAPSACKS_FROM = 100
WEAK_RELAXATION = 0.03
# HiGHS settings for a search started from a good portfolio: no primal heuristics, no
# restarts.
PROVE_ONLY = (("mip_heuristic_effort", 0.0), ("mip_heuristic_run_rins", False),
              ("mip_heuristic_run_rens", False), ("mip_heuristic_run_root_reduced_cost", False),
              ("mip_allow_restart", False))

Portfolio = tuple[set[int], set[int]]  # funded initiatives, focus moments


class RunModel:
    """One run's model and session, its figures, and the changes a question makes to the
    model."""

    def __init__(self, plan: Plan, result: Result, time_limit: float, *, shortcuts: bool,
                 knapsacks: bool | None):
        self.plan = validate(plan)
        self.result = result
        self.time_limit = time_limit
        self.shortcuts = shortcuts
        self.data: Data = index_plan(self.plan)
        self.model: Model = build_model(self.data)
        self.session = HighsSession(self.model.problem, self.model.columns,
                                    self.model.constraints, threads=None)
        for option in ("primal_feasibility_tolerance", "mip_feasibility_tolerance"):
            self.session.highs.setOptionValue(option, 1e-9)
        self.session.keep_pristine()
        data = self.data
        self.funded = {data.initiative_index[i] for i in result.funded}
        self.focus = {data.moment_index[m] for m in result.focus}
        self.impact = portfolio_impact(data, self.funded, self.focus)
        self.cost = math.fsum(data.cost[i] for i in self.funded)
        self.tolerance = TIE_TOLERANCE * max(1.0, abs(self.impact))
        # "More impact" must clear the solver's feasibility tolerances to count; they are
        # tightened too, since the what-if rows compare impacts and costs at the margin.
        self.better = BETTER * max(1.0, abs(self.impact))
        self.knapsacks = self._weak_relaxation() if knapsacks is None else knapsacks
        self._decided: tuple[tuple[int, str], Data] | None = None
        self._limits: list[tuple[float, list[float]]] | None = None  # see repaired()

    def _weak_relaxation(self) -> bool:
        """Whether this is a large plan whose relaxation (fractional work and focus) is
        WEAK_RELAXATION or more above the run's impact: then a full solve searches long,
        and a good start and fewer focus moments to search pay off. Ample money makes
        near-integral relaxations, and full solves quick: then they do not."""
        if len(self.data.initiatives) < KNAPSACKS_FROM:
            return False
        highs = self.session.highs
        highs.setOptionValue("solve_relaxation", True)
        try:
            highs.run()
            relaxed = highs.getInfo().objective_function_value
            ok = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        finally:
            highs.setOptionValue("solve_relaxation", False)
        return ok and relaxed - self.impact >= WEAK_RELAXATION * max(1.0, abs(self.impact))

    def force_in(self, i: int, *, counted: bool = True) -> None:
        """Fund i in the model as it is now. `counted`: under the say-no rule (one of
        its moments in focus), else as decision `fund` would (exempt from it)."""
        highs, rows = self.session.highs, self.session.row_position
        x_i = self.session.position[self.model.x[i].name]
        highs.changeColBounds(x_i, 1.0, 1.0)
        row = rows.get(f"forced_out{i}")
        if row is not None:  # what if the rejection were lifted
            highs.changeRowBounds(row, -INF, INF)
        row = rows.get(f"say_no{i}")
        if not counted and row is not None:
            highs.changeRowBounds(row, -INF, INF)
        elif counted and row is None:  # a rejection lifted, the say-no rule kept
            columns = [x_i] + [self.session.position[self.model.y[m].name]
                               for m in self.data.uplift[i]]
            highs.addRow(-INF, 0.0, len(columns), np.array(columns, np.int32),
                         np.array([1.0] + [-1.0] * (len(columns) - 1)))

    def decided(self, i: int, decision: str) -> Data:
        """The plan's data with i's decision changed: what the checks read for a portfolio
        that forces it in (`fund`), or funds it under the say-no rule (`auto`)."""
        if self.data.initiatives[i].decision == decision:
            return self.data
        if self._decided is None or self._decided[0] != (i, decision):
            initiatives = list(self.data.initiatives)
            initiatives[i] = replace(initiatives[i], decision=decision)
            self._decided = (i, decision), replace(self.data, initiatives=initiatives)
        return self._decided[1]

    def closure(self, i: int) -> set[int]:
        """The initiative and everything it requires, directly or not."""
        needed, queue = {i}, [i]
        while queue:
            for other in self.data.initiatives[queue.pop()].requires:
                j = self.data.initiative_index[other]
                if j not in needed:
                    needed.add(j)
                    queue.append(j)
        return needed

    def repaired(self, i: int | None, decision: str, funded: set[int], focus: set[int]
                 ) -> Portfolio | None:
        """A portfolio close to this one that funds i (with this decision) and what it
        requires, and keeps every rule: a start for a search. What i excludes goes, and
        work that the say-no rule or a requirement no longer allows, then the work of
        least impact per cost until every limit holds; None if the rules still break."""
        data, plan = self.data, self.plan
        keep = set() if i is None else self.closure(i)
        ids = {data.initiatives[k].id for k in keep}
        funded = {j for j in set(funded) | keep
                  if not set(data.excluded_by[j]) & ids
                  and not set(data.initiatives[j].excludes) & ids}
        keep |= {j for j, initiative in enumerate(data.initiatives)
                 if initiative.decision == "fund"}
        exempt = {i} if i is not None and decision == "fund" else set()

        def settle() -> set[int]:  # drop what the say-no rule or a requirement forbids
            nonlocal funded
            while True:
                moved = {m for m in focus if any(j in funded for j in data.moved_by[m])}
                allowed = {j for j in funded if j in keep or (
                    (j in exempt or data.initiatives[j].decision != "auto"
                     or moved.intersection(data.uplift[j]))
                    and all(data.initiative_index[o] in funded
                            for o in data.initiatives[j].requires))}
                if allowed == funded:
                    return moved
                funded = allowed

        def worth(j: int) -> float:
            gain = math.fsum(max(0.0, data.moments[m].weight) * e
                             for m, e in data.uplift[j].items() if m in focus)
            return gain / max(data.cost[j], 1e-9)

        if self._limits is None:  # each limit and what each initiative takes of it
            self._limits = [(plan.budget, data.cost)] if plan.budget is not None else []
            self._limits += [(p.budget, [c.get(p.id, 0.0) for c in data.period_cost])
                             for p in plan.periods if p.budget is not None]
            self._limits += [(r.capacity, [u.get(r.id, 0.0) for u in data.uses])
                             for r in plan.resources]
        limits = self._limits
        moved = settle()
        for j in sorted(funded - keep, key=worth):
            if all(math.fsum(amounts[k] for k in funded) <= limit for limit, amounts in limits):
                break
            if j in funded:
                funded.discard(j)
                moved = settle()
        rules = data if i is None else self.decided(i, decision)
        return None if violations(rules, funded, moved) else (funded, moved)

    def read(self) -> Portfolio:
        return self.model.chosen()

    def solve_from(self, start: dict[str, float] | np.ndarray | None) -> Outcome:
        """A solve; from a start as good as the bounds find, the search need not look for
        portfolios of its own, and its primal heuristics and restarts cost more time than
        the proof that is left (measured in docs/benchmarks.md). `start`: values of the
        model's variables by name, or of every column of the changed model."""
        if start is None:
            return self.session.solve(self.time_limit)
        highs = self.session.highs
        if isinstance(start, np.ndarray):
            highs.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
            start = None
        kept = {option: highs.getOptionValue(option)[1] for option, _ in PROVE_ONLY}
        for option, value in PROVE_ONLY:
            highs.setOptionValue(option, value)
        try:
            return self.session.solve(self.time_limit, start)
        finally:
            for option, value in kept.items():
                highs.setOptionValue(option, value)

    def hold_focus(self, i: int | None, lower: np.ndarray, upper: np.ndarray, *,
                   counted: bool) -> None:
        """The model, pristine, with i forced in (unless None) and each moment's focus
        variable held between these bounds."""
        session = self.session
        session.reset()
        if i is not None:
            self.force_in(i, counted=counted)
        n = len(self.data.moments)
        columns = np.array([session.position[y.name] for y in self.model.y], np.int32)
        session.highs.changeColsBounds(n, columns, lower, upper)

    def fixed_focus_best(self, i: int | None, focus: set[int], explanation: Explanation,
                         *, counted: bool = True, within: bool = False) -> Portfolio | None:
        """The best portfolio (funding i, unless None, as force_in does) with exactly
        this focus (`within`: with its focus among these moments), or None."""
        fixed = np.array([float(m in focus) for m in range(len(self.data.moments))])
        self.hold_focus(i, np.zeros(len(fixed)) if within else fixed, fixed, counted=counted)
        explanation.solves += 1
        if not self.session.solve(self.time_limit).proven:
            return None
        return self.read()

    def relaxation(self) -> Relaxation | None:
        """The relaxation of the model as it is now, priced: a bound on it by weak
        duality that holds whatever the solver's tolerances; None if not solved."""
        highs = self.session.highs
        highs.setOptionValue("solve_relaxation", True)
        try:
            highs.run()
        finally:
            highs.setOptionValue("solve_relaxation", False)
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        lp = highs.getLp()
        prices = np.asarray(highs.getSolution().row_dual)
        return min(Relaxation.of(lp, prices), Relaxation.of(lp, -prices),
                   key=lambda relaxation: relaxation.bound)


def add_row(context: RunModel, terms: list[tuple[int, float]], lower: float,
             upper: float) -> None:
    context.session.highs.addRow(lower, upper, len(terms),
                                 np.array([c for c, _ in terms], np.int32),
                                 np.array([v for _, v in terms], np.float64))


def objective_on(context: RunModel, columns: dict[int, float], sense: highspy.ObjSense
                 ) -> None:
    """The objective: these columns with these coefficients, in this sense."""
    highs = context.session.highs
    n = highs.getNumCol()
    costs = np.zeros(n)
    for column, coefficient in columns.items():
        costs[column] = coefficient
    highs.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
    highs.changeObjectiveSense(sense)


def column_term(reduced: float, lower: float, upper: float) -> float:
    """The most a column of this reduced price adds within its bounds."""
    return 0.0 if reduced == 0 else max(reduced * lower, reduced * upper)


@dataclass
class Relaxation:
    """A weak-duality bound on a model: row prices, and what they leave of each column."""

    bound: float  # max (c - prices A) x + max prices (A x), over the column and row bounds
    prices: np.ndarray  # per row; a price toward an infinite bound is 0
    reduced: np.ndarray  # per column: c - prices A
    lower: np.ndarray
    upper: np.ndarray

    def changed(self, matrix: Matrix, freed: list[int], fixed: dict[int, float]) -> float:
        """The bound of the model these prices came from with these rows (of the plain
        model's matrix) freed, so priced at 0, and these columns fixed to these values:
        only the terms they touch change. Rows added since are left out (priced at 0)."""
        reduced: dict[int, float] = {}
        bound = self.bound
        for row in freed:
            price = self.prices[row]
            if price:
                bound -= price * matrix.rhs[row]
                for at in range(matrix.starts[row], matrix.starts[row + 1]):
                    column = matrix.index[at]
                    reduced[column] = (reduced.get(column, self.reduced[column])
                                       + price * matrix.value[at])
        for column in reduced.keys() | fixed.keys():
            lower, upper = self.lower[column], self.upper[column]
            bound -= column_term(self.reduced[column], lower, upper)
            if column in fixed:
                lower = upper = fixed[column]
            bound += column_term(reduced.get(column, self.reduced[column]), lower, upper)
        return bound

    @classmethod
    def of(cls, lp: highspy.HighsLp, prices: np.ndarray) -> Relaxation:
        """The bound of a maximisation with its rows priced at `prices`."""
        lower, upper = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
        prices = np.where(((prices > 0) & np.isinf(upper)) | ((prices < 0) & np.isinf(lower)),
                          0.0, prices)
        rows = np.where(prices > 0, prices * np.where(np.isinf(upper), 0.0, upper),
                        prices * np.where(np.isinf(lower), 0.0, lower))
        matrix = lp.a_matrix_
        start = np.asarray(matrix.start_)
        index, value = np.asarray(matrix.index_), np.asarray(matrix.value_)
        column_of = np.repeat(np.arange(lp.num_col_), np.diff(start))
        reduced = np.asarray(lp.col_cost_) - np.bincount(
            column_of, weights=prices[index] * value, minlength=lp.num_col_)
        column_lower, column_upper = np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)
        with np.errstate(invalid="ignore"):  # 0 * inf: a column whose price is nothing
            columns = np.maximum(reduced * column_lower, reduced * column_upper)
        columns[reduced == 0] = 0.0
        return cls(math.fsum(rows) + math.fsum(columns), prices, reduced, column_lower,
                   column_upper)
