"""The robust portfolio: one exact model over all samples at once (docs/model.md,
"Uncertainty").

The funded work x and the focus y are shared by every sample; each sample s has its own
improvement v_sm of each moment, up to its cap and to what the funded work gives it in
that sample. The objective is the mean over the samples of their impact, or (`cvar`) the
mean of the worst k = ceil(0.1 |S|): t - (1/k) sum_s z_s with z_s >= t - impact_s, z_s >= 0.
Costs enter the budget rows at their mean over the samples. The answer's `value` is that
objective recomputed from the portfolio on each sample's own Data. Ties (within 1e-9,
relative) go to the least mean cost, as the model's own tie rule has it.
"""

from __future__ import annotations

import math

from optimizer import say_no
from optimizer.checks import portfolio_cost, portfolio_impact, violations
from optimizer.engine import TIE_TOLERANCE
from optimizer.model import Data, decade, index_plan, money_scale
from optimizer.plan import Plan
from optimizer.uncertainty.sampler import sample_plan

OBJECTIVES = ("mean", "cvar")
WORST_PARTS = 10  # cvar: the mean of the worst ceil(|S| / WORST_PARTS) samples
TOLERANCE = 1e-9  # the solver's feasibility tolerances: the engine's check is 1e-9
INF = math.inf


def mean_sample(plan: Plan, samples: list[dict]) -> dict:
    """Each sampled total cost and uplift at its mean over the samples (a value a sample
    does not list counts as the plan's own)."""
    costs = {i.id: i.total_cost for i in plan.initiatives}
    uplifts = {i.id: dict(i.effects) for i in plan.initiatives}
    listed_costs = {key for s in samples for key in s.get("cost", {})}
    listed_effects = {(i, m) for s in samples for i, e in s.get("effects", {}).items()
                      for m in e}
    mean: dict = {"cost": {}, "effects": {}}
    for i in sorted(listed_costs):
        mean["cost"][i] = math.fsum(float(s.get("cost", {}).get(i, costs[i]))
                                    for s in samples) / len(samples)
    for i, m in sorted(listed_effects):
        mean["effects"].setdefault(i, {})[m] = math.fsum(
            float(s.get("effects", {}).get(i, {}).get(m, uplifts[i][m]))
            for s in samples) / len(samples)
    return mean


def tail_size(count: int) -> int:
    """k = ceil(0.1 |S|), in whole numbers (0.1 * 30 is a hair above 3 in floats)."""
    return max(1, -(-count // WORST_PARTS))


def value_of(impacts: list[float], objective: str) -> float:
    """The objective of a portfolio from its impact in each sample."""
    if objective == "mean":
        return math.fsum(impacts) / len(impacts)
    worst = sorted(impacts)[:tail_size(len(impacts))]
    return math.fsum(worst) / len(worst)


def robust_portfolio(plan: Plan, samples: list[dict], objective: str = "mean",
                     time_limit: float = 600.0) -> dict:
    """{"objective", "funded", "focus", "value", "status"}: the portfolio that maximises
    the objective over the samples, solved exactly (HiGHS, relative gap 0)."""
    import highspy
    import numpy as np

    if objective not in OBJECTIVES:
        raise ValueError(f"objective: one of {', '.join(OBJECTIVES)}, not {objective!r}")
    if not samples:
        raise ValueError("the robust portfolio needs at least one sample")
    datas = [index_plan(sample_plan(plan, s)) for s in samples]
    mean = index_plan(sample_plan(plan, mean_sample(plan, samples)))
    columns, rows = _scenario_model(mean, datas, objective)
    h = highspy.Highs()
    for option, setting in (("output_flag", False), ("mip_rel_gap", 0.0), ("mip_abs_gap", 0.0),
                            ("primal_feasibility_tolerance", TOLERANCE),
                            ("mip_feasibility_tolerance", TOLERANCE),
                            ("time_limit", float(time_limit))):
        h.setOptionValue(option, setting)
    cost, lower, upper, integer = columns
    h.addCols(len(cost), np.asarray(cost), np.asarray(lower), np.asarray(upper), 0,
              np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
    h.changeColsIntegrality(integer, np.arange(integer, dtype=np.int32),
                            np.ones(integer, np.uint8))
    starts, index, value, row_lower, row_upper = rows
    h.addRows(len(row_lower), np.asarray(row_lower), np.asarray(row_upper), len(index),
              np.asarray(starts, np.int32), np.asarray(index, np.int32),
              np.asarray(value, np.float64))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    status = h.getModelStatus()
    answer = {"objective": objective, "funded": [], "focus": [], "value": None}
    if status == highspy.HighsModelStatus.kInfeasible:
        return {**answer, "status": "infeasible"}
    if h.getInfo().primal_solution_status != 2:
        return {**answer, "status": "no_solution"}
    values = list(h.getSolution().col_value)
    n_i = len(mean.initiatives)
    funded = {i for i in range(n_i) if values[i] > 0.5}
    focus = {m for m in range(len(mean.moments)) if values[n_i + m] > 0.5}
    if violations(mean, funded, focus):
        return {**answer, "status": "no_solution"}
    best = value_of([portfolio_impact(data, funded, focus) for data in datas], objective)
    proven = status == highspy.HighsModelStatus.kOptimal
    # The objective is the mean (or the tail's mean) impact in the plan's own units, so the
    # solver's bound on it says how much better a portfolio could be, when not proven.
    bound = None if proven else max(best, float(h.getInfo().mip_dual_bound))
    if proven and any(mean.cost):
        funded, focus = _cheapest_tie(h, mean, datas, objective, cost, values, best,
                                      (funded, focus))
    focus = say_no.trim_focus(mean, funded, focus)
    impacts = [portfolio_impact(data, funded, focus) for data in datas]
    answer = {"objective": objective,
              "funded": sorted(mean.initiatives[i].id for i in funded),
              "focus": sorted(mean.moments[m].id for m in focus),
              "value": value_of(impacts, objective),
              "status": "optimal" if proven else "feasible"}
    if bound is not None:  # stopped by its time limit: how far it may be from the best
        answer["bound"] = bound
    return answer


def _cheapest_tie(h, mean: Data, datas: list[Data], objective: str, weights: list[float],
                  values: list[float], best: float, chosen: tuple[set[int], set[int]]
                  ) -> tuple[set[int], set[int]]:
    """The tie rule of docs/model.md for the robust portfolio: among portfolios whose
    objective is within 1e-9 (relative) of the best, the one of least mean cost."""
    import highspy
    import numpy as np

    n, n_i = len(weights), len(mean.initiatives)
    least = best - TIE_TOLERANCE * abs(best)
    terms = [(k, w) for k, w in enumerate(weights) if w]
    h.addRow(least, INF, len(terms), np.array([k for k, _ in terms], np.int32),
             np.array([w for _, w in terms], np.float64))
    scale = money_scale(mean.plan)
    costs = np.zeros(n)
    costs[:n_i] = [c / scale for c in mean.cost]
    h.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
    h.changeObjectiveSense(highspy.ObjSense.kMinimize)
    h.setSolution(n, np.arange(n, dtype=np.int32), np.asarray(values, np.float64))
    h.run()
    if (h.getModelStatus() != highspy.HighsModelStatus.kOptimal
            or h.getInfo().primal_solution_status != 2):
        return chosen
    found = list(h.getSolution().col_value)
    funded = {i for i in range(n_i) if found[i] > 0.5}
    focus = {m for m in range(len(mean.moments)) if found[n_i + m] > 0.5}
    if (not violations(mean, funded, focus)
            and value_of([portfolio_impact(d, funded, focus) for d in datas], objective)
            >= least
            and portfolio_cost(mean, funded) < portfolio_cost(mean, chosen[0])):
        return funded, focus
    return chosen


def _scenario_model(mean: Data, datas: list[Data], objective: str) -> tuple[tuple, tuple]:
    """The model's columns (objective, lower, upper, how many are 0/1 from the first) and
    rows (starts, index, value, lower, upper)."""
    n_i, n_m, count = len(mean.initiatives), len(mean.moments), len(datas)
    cost = [0.0] * (n_i + n_m)
    lower = [1.0 if w.decision == "fund" else 0.0 for w in mean.initiatives] + [0.0] * n_m
    upper = [0.0 if w.decision == "reject" else 1.0 for w in mean.initiatives] + [1.0] * n_m
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    row_lower: list[float] = []
    row_upper: list[float] = []

    def row(terms: list[tuple[int, float]], low: float, high: float) -> None:
        starts.append(len(index))
        index.extend(k for k, _ in terms)
        value.extend(c for _, c in terms)
        row_lower.append(low)
        row_upper.append(high)

    share = 1.0 / count if objective == "mean" else 0.0
    tail: list[list[tuple[int, float]]] = [[] for _ in datas]  # each sample's impact terms
    for s, data in enumerate(datas):
        for m, moment in enumerate(data.moments):
            if moment.weight <= 0 or not data.moved_by[m]:
                continue  # it adds nothing to this sample's impact
            v = len(cost)
            cost.append(share * moment.weight)
            lower.append(0.0)
            upper.append(data.cap[m])
            tail[s].append((v, moment.weight))
            row([(v, 1.0), *[(i, -e) for i, e in zip(data.moved_by[m], data.moved_uplift[m],
                                                         strict=True)]], -INF, 0.0)
            row([(v, 1.0), (n_i + m, -data.cap[m])], -INF, 0.0)
    if objective == "cvar":
        k = tail_size(count)
        t = len(cost)
        cost.append(1.0)
        lower.append(-INF)
        upper.append(INF)
        for s in range(count):  # z_s >= t - impact_s
            z = len(cost)
            cost.append(-1.0 / k)
            lower.append(0.0)
            upper.append(INF)
            row([(z, 1.0), (t, -1.0), *tail[s]], 0.0, INF)
    for m in range(n_m):
        row([(n_i + m, 1.0), *[(i, -1.0) for i in mean.moved_by[m]]], -INF, 0.0)
    row([(n_i + m, 1.0) for m in range(n_m)], -INF, mean.max_focus)
    pairs = set()
    for i, initiative in enumerate(mean.initiatives):
        if initiative.decision == "auto":
            row([(i, 1.0), *[(n_i + m, -1.0) for m in mean.uplift[i]]], -INF, 0.0)
        for other in initiative.requires:
            row([(i, 1.0), (mean.initiative_index[other], -1.0)], -INF, 0.0)
        for other in initiative.excludes:
            pairs.add(tuple(sorted((i, mean.initiative_index[other]))))
    for a, b in sorted(pairs):
        row([(a, 1.0), (b, 1.0)], -INF, 1.0)
    plan, scale = mean.plan, money_scale(mean.plan)
    limits = [(plan.budget, mean.cost, scale)] if plan.budget is not None else []
    limits += [(p.budget, [c.get(p.id, 0.0) for c in mean.period_cost], scale)
               for p in plan.periods if p.budget is not None]
    limits += [(r.capacity, [u.get(r.id, 0.0) for u in mean.uses], 1.0)
               for r in plan.resources]
    for bound, amounts, unit in limits:
        unit = unit * decade(bound / unit) if bound > 0 else unit
        terms = [(i, a / unit) for i, a in enumerate(amounts) if a > 0]
        if terms:
            row(terms, -INF, bound / unit)
    return (cost, lower, upper, n_i + n_m), (starts, index, value, row_lower, row_upper)
