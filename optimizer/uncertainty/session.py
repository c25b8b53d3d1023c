"""Every sample solved exactly on one HiGHS model, changed in place from sample to sample.

The model has the columns and rows of docs/model.md for every sample at once: a row for
each moment, initiative, link and limit, whatever the sample. A sample changes only
numbers: uplifts and the caps they give, costs in the budget rows, weights in the
objective, and which work cannot be funded at all (its column's upper bound). It is then
solved twice, as the engine does (optimizer/engine.py): the best impact, then the cheapest
portfolio within 1e-9 (relative) of it. Money, improvements and the objective are scaled
once, from the highest values the plan's ranges allow, as the engine's solver form scales
them (optimizer/model/constraints.py).

Every figure is recomputed from the portfolio on the sample's own Data (optimizer.checks),
never read from the solver. Where anything is not proven, or the portfolio breaks a rule
of the sample by the engine's check, the sample is solved by `engine.solve` instead:
exactness first, speed second.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

from optimizer import say_no
from optimizer.checks import portfolio_cost, portfolio_impact, violations
from optimizer.engine import TIE_TOLERANCE, Options, best_focus, column_values, solve
from optimizer.model import CUT, Data, decade, index_plan, money_scale
from optimizer.model.matrix import fundable_caps, never_funded
from optimizer.plan import Plan
from optimizer.result import INFEASIBLE, OPTIMAL
from optimizer.uncertainty.sampler import ranged_values, sample_plan

INF = math.inf
# A portfolio within this (relative) of the bound on impact attains it: far inside the tie
# tolerance (1e-9), far above rounding in sums of a few hundred numbers (1e-16 each).
BOUND_SLACK = 1e-12
TIME_LIMIT = 60.0  # seconds per solve, as the engine's default


def outcome_of(status: str, data: Data | None = None, funded: set[int] | None = None,
               focus: set[int] | None = None) -> dict:
    """A sample's outcome document: the portfolio, its focus and figures (ids sorted)."""
    if data is None or funded is None or focus is None:
        return {"status": status, "funded": [], "focus": [], "impact": None, "cost": None}
    return {"status": status,
            "funded": sorted(data.initiatives[i].id for i in funded),
            "focus": sorted(data.moments[m].id for m in focus),
            "impact": portfolio_impact(data, funded, focus),
            "cost": portfolio_cost(data, funded)}


def upper_plan(plan: Plan) -> Plan:
    """The plan with every ranged value at its high end: what the scales are made for."""
    sample: dict = {"cost": {}, "effects": {}, "weight": {}}
    for value in ranged_values(plan):
        if value.kind == "effects":
            sample["effects"].setdefault(value.owner, {})[value.moment] = value.high
        else:
            sample[value.kind][value.owner] = value.high
    return sample_plan(plan, sample)


class SampleSession:
    """One HiGHS model for all samples of a plan; `solve(sample)` gives its outcome."""

    def __init__(self, plan: Plan, time_limit: float = TIME_LIMIT,
                 optimum: list[str] | None = None):
        """`optimum`: the funded ids of the plan's own optimum, if already solved (the
        start of every sample's first phase; solved here otherwise)."""
        import highspy
        import numpy as np

        self.plan, self.time_limit = plan, time_limit
        self.fallbacks = 0  # samples the engine solved (for benchmarks)
        top = index_plan(upper_plan(plan))
        self.base = index_plan(plan)
        n_i, n_m = len(top.initiatives), len(top.moments)
        self.n_i, self.n_m = n_i, n_m
        self.y0, self.v0 = n_i, n_i + n_m
        self.money = money_scale(top.plan)
        self.v_unit = [decade(cap) for cap in top.cap]
        self.impact_scale = decade(max((m.weight * cap for m, cap in
                                        zip(top.moments, top.cap, strict=True)), default=0.0))
        self.highs = h = highspy.Highs()
        for option, value in (("output_flag", False), ("mip_rel_gap", 0.0),
                              ("mip_abs_gap", 0.0), ("threads", 1),
                              ("mip_heuristic_run_feasibility_jump", False)):
            h.setOptionValue(option, value)
        n = n_i + 2 * n_m
        lower = np.zeros(n)
        lower[[i for i, w in enumerate(top.initiatives) if w.decision == "fund"]] = 1.0
        h.addCols(n, np.zeros(n), lower, np.ones(n), 0, np.zeros(0, np.int32),
                  np.zeros(0, np.int32), np.zeros(0))
        integer = np.arange(n_i + n_m, dtype=np.int32)
        h.changeColsIntegrality(len(integer), integer, np.ones(len(integer), np.uint8))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.coefficients: dict[tuple[int, int], float] = {}  # those a sample sets
        self.likely: set[int] | None = None  # the plan's own optimum, once solved
        if optimum is not None:
            self.likely = {self.base.initiative_index[i] for i in optimum}
        self._fixed_blocks: set[int] | None = None  # blocked whatever the sample
        self._requirers: list[tuple[int, list[int]]] = []
        self._forced = {i for i, w in enumerate(top.initiatives) if w.decision == "fund"}
        self._rows(top)

    def _add_row(self, upper: float, terms: list[tuple[int, float]],
                 lower: float = -INF) -> int:
        """A row; its first terms stay as they are, those a sample changes come in load."""
        import numpy as np

        row = self.highs.getNumRow()
        self.highs.addRow(lower, upper, len(terms), np.array([c for c, _ in terms], np.int32),
                          np.array([v for _, v in terms], np.float64))
        return row

    def _rows(self, top: Data) -> None:
        """The rows that do not change, and one of each kind whose numbers do."""
        plan, y0, v0 = top.plan, self.y0, self.v0
        self.from_work = [self._add_row(0.0, [(v0 + m, 1.0)]) for m in range(self.n_m)]
        self.focus_cap = [self._add_row(0.0, [(v0 + m, 1.0)]) for m in range(self.n_m)]
        self.focus_moved = [self._add_row(0.0, [(y0 + m, 1.0)]) for m in range(self.n_m)]
        self._add_row(top.max_focus, [(y0 + m, 1.0) for m in range(self.n_m)])
        self.say_no = {i: self._add_row(0.0, [(i, 1.0)])
                       for i, w in enumerate(top.initiatives) if w.decision == "auto"}
        index, excluded = top.initiative_index, set()
        for i, initiative in enumerate(top.initiatives):
            for other in initiative.requires:
                self._add_row(0.0, [(i, 1.0), (index[other], -1.0)])
            for other in initiative.excludes:
                pair = (min(i, index[other]), max(i, index[other]))
                if pair not in excluded:
                    excluded.add(pair)
                    self._add_row(1.0, [(pair[0], 1.0), (pair[1], 1.0)])
        # Limits: (row, bound, unit of the row, amount of each initiative in a sample).
        self.limits: list[tuple[int, float, float, Callable[[Data], list[float]]]] = []
        if plan.budget is not None:
            self._limit(plan.budget, self.money, lambda data: data.cost)
        for period in plan.periods:
            if period.budget is not None:
                self._limit(period.budget, self.money,
                            lambda data, p=period.id: [c.get(p, 0.0) for c in data.period_cost])
        for resource in plan.resources:  # use does not change between samples
            bound = resource.capacity
            unit = decade(bound) if bound > 0 else 1.0
            terms = [(i, 1.0 if bound == 0 else min(u[resource.id], CUT * bound) / unit)
                     for i, u in enumerate(top.uses) if u.get(resource.id, 0.0) > 0]
            if terms:
                self._add_row(bound / unit, terms)
        self.tie_row = self._add_row(INF, [])

    def _limit(self, bound: float, unit: float, amounts: Callable[[Data], list[float]]) -> None:
        row_unit = unit * decade(bound / unit) if bound > 0 else 1.0
        self.limits.append((self._add_row(bound / row_unit, []), bound, row_unit, amounts))

    def _blocked(self, data: Data) -> set[int]:
        """never_funded(data) (optimizer/model/matrix.py), with what no sample changes
        (decisions, resource use) read once: work no portfolio of the sample can hold."""
        if self._fixed_blocks is None:
            self._fixed_blocks = never_funded(replace(data, budget=None, plan=replace(
                data.plan, budget=None, periods=())))
            self._requirers = [(i, [data.initiative_index[j] for j in w.requires])
                               for i, w in enumerate(data.initiatives)
                               if w.decision != "fund" and w.requires]
        plan, forced = data.plan, self._forced
        blocked = set(self._fixed_blocks)
        if plan.budget is not None:
            blocked.update(i for i, c in enumerate(data.cost) if c > plan.budget)
        for period in plan.periods:
            if period.budget is not None:
                blocked.update(i for i, c in enumerate(data.period_cost)
                               if c.get(period.id, 0.0) > period.budget)
        blocked -= forced
        grown = True
        while grown:
            before = len(blocked)
            blocked.update(i for i, needs in self._requirers
                           if any(j in blocked for j in needs))
            grown = len(blocked) > before
        return blocked

    def _set(self, wanted: dict[tuple[int, int], float]) -> None:
        """Make the coefficients a sample sets those of `wanted` (changing what differs)."""
        change = self.highs.changeCoeff
        current = self.coefficients
        for key in current.keys() - wanted.keys():
            change(key[0], key[1], 0.0)
            del current[key]
        for key, value in wanted.items():
            if current.get(key) != value:
                change(key[0], key[1], value)
                current[key] = value

    def load(self, data: Data) -> tuple[list[float], list[float]]:
        """Change the model to the sample's numbers; the objective and cost columns."""
        import numpy as np

        y0, v0, n_i, n_m = self.y0, self.v0, self.n_i, self.n_m
        blocked = self._blocked(data)
        caps = fundable_caps(data, blocked)
        self.caps = caps
        wanted: dict[tuple[int, int], float] = {}
        for m in range(n_m):
            unit, cap = self.v_unit[m], caps[m]
            wanted[(self.focus_cap[m], y0 + m)] = -cap / unit
            for i, e in zip(data.moved_by[m], data.moved_uplift[m], strict=True):
                wanted[(self.focus_moved[m], i)] = -1.0
                if i not in blocked:
                    wanted[(self.from_work[m], i)] = -min(e, CUT * cap) / unit
        for i, row in self.say_no.items():
            for m in data.uplift[i]:
                wanted[(row, y0 + m)] = -1.0
        for row, bound, row_unit, amounts in self.limits:
            for i, amount in enumerate(amounts(data)):
                if amount > 0:
                    wanted[(row, i)] = 1.0 if bound == 0 else min(amount, CUT * bound) / row_unit
        objective = np.zeros(n_i + 2 * n_m)
        for m, moment in enumerate(data.moments):
            if moment.weight > 0:
                objective[v0 + m] = moment.weight * self.v_unit[m] / self.impact_scale
                wanted[(self.tie_row, v0 + m)] = objective[v0 + m]
        self._set(wanted)
        upper = np.ones(n_i + 2 * n_m)
        upper[list(blocked)] = 0.0
        upper[v0:] = [cap / unit for cap, unit in zip(caps, self.v_unit, strict=True)]
        lower = np.zeros(n_i + 2 * n_m)
        lower[[i for i, w in enumerate(data.initiatives) if w.decision == "fund"]] = 1.0
        self.highs.changeColsBounds(len(upper), np.arange(len(upper), dtype=np.int32), lower,
                                    upper)
        cost = np.zeros(n_i + 2 * n_m)
        cost[:n_i] = [c / self.money for c in data.cost]
        return objective, cost

    def _run(self, objective, maximize: bool, start=None) -> tuple[bool, list[float] | None]:
        """Solve with this objective; (proven optimal, column values if found)."""
        import highspy
        import numpy as np

        h = self.highs
        h.clearSolver()
        n = len(objective)
        h.changeColsCost(n, np.arange(n, dtype=np.int32), objective)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize
                               else highspy.ObjSense.kMinimize)
        h.setOptionValue("time_limit", self.time_limit)
        # Measured on 200 initiatives: the first phase, started from a good portfolio, is
        # fastest without presolve; the second (a tight row on impact) with it.
        h.setOptionValue("presolve", "on" if not maximize else "off")
        if start is not None:
            h.setSolution(n, np.arange(n, dtype=np.int32), np.asarray(start, np.float64))
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            return False, None
        if h.getInfo().primal_solution_status != 2:
            return False, None
        values = list(h.getSolution().col_value)
        return h.getModelStatus() == highspy.HighsModelStatus.kOptimal, values

    def _start(self, data: Data) -> list[float]:
        """The plan's own optimum (at its likely values), with the best focus for it in
        this sample: a start that is often optimal, and the same whatever sample came
        before, so that an outcome depends on its own sample alone."""
        if self.likely is None:
            result = solve(self.plan, Options(time_limit=self.time_limit))
            self.likely = {self.base.initiative_index[i] for i in result.funded}
        values = column_values(data, self.likely, best_focus(data, self.likely))
        for m, unit in enumerate(self.v_unit):
            values[self.v0 + m] /= unit
        return values

    def _choice(self, values: list[float]) -> tuple[set[int], set[int]]:
        funded = {i for i in range(self.n_i) if values[i] > 0.5}
        focus = {m for m in range(self.n_m) if values[self.y0 + m] > 0.5}
        return funded, focus

    def solve(self, sample: dict) -> dict:
        """The sample's outcome: its exact optimum (ties to the cheapest), or infeasible."""
        return self.solve_data(sample)[0]

    def solve_data(self, sample: dict) -> tuple[dict, Data]:
        """The sample's outcome, and the sample's Data (for figures of other portfolios)."""
        plan = sample_plan(self.plan, sample)
        data = index_plan(plan)
        found = self._fast(data)
        if found is None:
            self.fallbacks += 1
            found = self.engine(plan, data)
        return found, data

    def engine(self, plan: Plan, data: Data) -> dict:
        """The sample solved afresh by the engine, as `planner solve` would."""
        result = solve(plan, Options(time_limit=self.time_limit))
        if not result.has_portfolio:
            return outcome_of(result.status)
        index, moment = data.initiative_index, data.moment_index
        return outcome_of(result.status, data, {index[i] for i in result.funded},
                          {moment[m] for m in result.focus})

    def _fast(self, data: Data) -> dict | None:
        """Both phases on the shared model; None where the engine must decide."""
        import numpy as np

        objective, cost = self.load(data)
        self.highs.changeRowBounds(self.tie_row, -INF, INF)
        start = self._start(data)
        # No portfolio beats its max_focus best moments, each filled to its cap: where the
        # start does that, it is the best, proven without a solve.
        value = [m.weight * cap for m, cap in zip(data.moments, self.caps, strict=True)]
        bound = math.fsum(sorted(value, reverse=True)[:data.max_focus])
        funded, focus = self._choice(start)
        impact = portfolio_impact(data, funded, focus)
        values: list[float] | None = start
        if violations(data, funded, focus) or impact < bound * (1 - BOUND_SLACK):
            proven, values = self._run(objective, maximize=True, start=start)
            if not proven or values is None:
                return None
            funded, focus = self._choice(values)
            impact = portfolio_impact(data, funded, focus)
            if violations(data, funded, focus):
                return None  # a tolerance let a rule break: the engine decides
        if 0 < impact < self.impact_scale:
            return None  # far below what the model is scaled for: the engine rescales
        if any(data.cost):
            tolerance = TIE_TOLERANCE * abs(impact)
            least = (impact - tolerance) / self.impact_scale
            self.highs.changeRowBounds(self.tie_row, least, INF)
            self._fix_focus(value, data.max_focus, bound, impact, tolerance)
            proven, cheaper = self._run(cost, maximize=False, start=np.asarray(values))
            if not proven or cheaper is None:
                return None
            other, other_focus = self._choice(cheaper)
            if (portfolio_impact(data, other, other_focus) >= impact - tolerance
                    and not violations(data, other, other_focus)
                    and portfolio_cost(data, other) < portfolio_cost(data, funded)):
                funded, focus = other, other_focus
        return outcome_of(OPTIMAL, data, funded, say_no.trim_focus(data, funded, focus))

    def _fix_focus(self, value: list[float], max_focus: int, bound: float, impact: float,
                   tolerance: float) -> None:
        """For the second phase, where the best impact fills the max_focus best moments to
        their caps: any other set of focus moments gives at most the bound less (k-th best
        value - the next), so where that exceeds the tie tolerance every tied portfolio
        focuses on exactly those moments. Fixing them leaves the solver less to search."""
        import numpy as np

        if max_focus >= self.n_m or impact < bound * (1 - BOUND_SLACK):
            return
        order = sorted(range(self.n_m), key=lambda m: (-value[m], m))
        last, following = value[order[max_focus - 1]], value[order[max_focus]]
        if last <= 0 or last - following <= tolerance + bound * BOUND_SLACK:
            return
        level = np.zeros(self.n_m)
        level[order[:max_focus]] = 1.0
        columns = np.arange(self.y0, self.y0 + self.n_m, dtype=np.int32)
        self.highs.changeColsBounds(self.n_m, columns, level, level)


def solve_samples(plan: Plan, samples: list[dict], start: int = 0,
                  progress: Callable[[int, int], None] | None = None,
                  session: SampleSession | None = None) -> list[dict]:
    """One outcome per sample, in order: a pure function of (plan, samples), so chunks
    may be solved anywhere and joined. `start`: the first sample's number in the whole
    set (for progress only)."""
    session = session or SampleSession(plan)
    outcomes = []
    for k, sample in enumerate(samples):
        outcomes.append(session.solve(sample))
        if progress is not None:
            progress(start + k + 1, start + len(samples))
    return outcomes


__all__ = ["INFEASIBLE", "SampleSession", "outcome_of", "solve_samples"]
