"""The portfolio engine: validate -> build -> solve -> extract (docs/model.md)."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from optimizer import say_no
from optimizer.checks import portfolio_cost, portfolio_impact, violations
from optimizer.conflicts import find_conflicts
from optimizer.model import Data, Matrix, Model, build_matrix, decade, index_plan
from optimizer.plan import Plan
from optimizer.planfile import PlanError, known_valid, mark_valid, plan_from_dict, plan_to_dict
from optimizer.result import (
    FEASIBLE,
    INFEASIBLE,
    NO_SOLUTION,
    OPTIMAL,
    MomentResult,
    Result,
    SolverInfo,
    Usage,
)
from optimizer.solvers import DEFAULT_SOLVER, Outcome, open_session, solver_version

DEFAULT_TIME_LIMIT = 60.0
# The solver's feasibility tolerances for the second try, when the first broke a rule.
TIGHT_TOLERANCE = 1e-9
# Portfolios whose impacts differ by less than this (relative) are tied (docs/model.md).
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Options:
    solver: str = DEFAULT_SOLVER
    time_limit: float = DEFAULT_TIME_LIMIT
    threads: int | None = None
    tie_break: bool = True  # among equal-impact portfolios, choose the cheapest


def with_overrides(plan: Plan, *, budget: float | None = None,
                   max_focus: int | None = None) -> Plan:
    """The plan with a different total budget and/or focus count."""
    changes: dict = {}
    problems = []
    if budget is not None:
        if isinstance(budget, bool) or not math.isfinite(budget) or budget < 0:
            problems.append(f"budget: must be a finite number >= 0, not {budget!r}")
        changes["budget"] = budget
    if max_focus is not None:
        if isinstance(max_focus, bool) or not isinstance(max_focus, int) or max_focus < 1:
            problems.append(f"max_focus: must be a whole number >= 1, not {max_focus!r}")
        changes["max_focus"] = max_focus
    if problems:
        raise PlanError(problems)
    if not changes:
        return plan
    changed = replace(plan, **changes)
    return mark_valid(changed) if known_valid(plan) else changed


def validate(plan: Plan) -> Plan:
    """Apply the plan-file rules to a Plan however it was made; PlanError lists problems."""
    if known_valid(plan):
        return plan
    return plan_from_dict(plan_to_dict(plan))


def solve(plan: Plan, options: Options = Options(), *,
          start: list[str] | None = None) -> Result:
    """Choose the focus moments and the portfolio; `start`: funded ids to begin from."""
    deadline = time.monotonic() + options.time_limit
    plan = validate(plan)
    began = time.perf_counter()
    data = index_plan(plan)
    matrix = build_matrix(data, scaled=True)
    build_seconds = time.perf_counter() - began
    info = SolverInfo(name=options.solver, version=solver_version(options.solver),
                      seconds=0.0, build_seconds=build_seconds)
    result = _solve_matrix(matrix, options, deadline, start, info, None, first=True)
    if result is None:
        # A solver tolerance let a rule break: once more, with tolerances 1e-9.
        result = _solve_matrix(matrix, options, deadline, start, info, TIGHT_TOLERANCE)
    if result is not None and result.impact and result.impact < matrix.impact_scale:
        # The best found is far below what the objective was scaled for: what tells its
        # portfolios apart may lie under the solver's tolerances. Once more, scaled to it.
        rescaled = replace(matrix, impact_scale=decade(result.impact), impact=[
            (k, c * matrix.impact_scale / decade(result.impact)) for k, c in matrix.impact])
        better = _solve_matrix(rescaled, options, deadline, start, info, None)
        if better is not None and better.impact is not None and better.impact > (
                result.impact + TIE_TOLERANCE * result.impact):
            result = better
    if result is None:
        return _empty(data, NO_SOLUTION, info, [
            "the solver could not find a portfolio that keeps every rule of this plan to "
            "the precision the planner checks (1e-9 of each limit), even with its "
            "tolerances tightened; this is a numerical limit, not a conflict in the plan"])
    return result


def _solve_matrix(matrix: Matrix, options: Options, deadline: float, start: list[str] | None,
                  info: SolverInfo, tolerance: float | None, first: bool = False
                  ) -> Result | None:
    """Both phases on the solver form; None if the portfolio found breaks a rule. A try
    after the first has what is left of the time limit."""
    data = matrix.data
    session = open_session(matrix, options.solver, options.threads, tolerance)
    remaining = options.time_limit if first else deadline - time.monotonic()
    outcome = session.solve(remaining, _start_values(matrix, start))
    info.seconds += outcome.seconds
    if not outcome.found:
        if outcome.infeasible:
            return _empty(data, INFEASIBLE, info, find_conflicts(data))
        return _empty(data, NO_SOLUTION, info, [])

    funded, focus = _read_choice(data, session.values)
    impact = portfolio_impact(data, funded, focus)
    status = OPTIMAL if outcome.proven else FEASIBLE
    solver_bound = None if outcome.bound is None else outcome.bound * matrix.impact_scale
    bound = impact if outcome.proven else max(impact, solver_bound or impact)

    if not options.tie_break:
        info.tie_break = "off"
    elif not any(data.cost):
        info.tie_break = "skipped"  # every portfolio costs nothing: no cheaper one exists
    else:
        info.phases = 2
        funded, focus, tie_outcome = _cheapest_of_equal_impact(session, matrix, funded, focus,
                                                               impact, deadline)
        if tie_outcome is not None:
            info.seconds += tie_outcome.seconds
        info.tie_break = "proven" if tie_outcome and tie_outcome.proven else "time_limit"

    if violations(data, funded, focus):
        return None  # a solver tolerance let something through: never report it
    return _extract(data, funded, focus, status, bound, info)


def _start_values(matrix: Matrix, funded_ids: list[str] | None) -> list[float] | None:
    """A start solution from funded ids, completed with the best focus for it."""
    if funded_ids is None:
        return None
    data = matrix.data
    funded = {data.initiative_index[i] for i in funded_ids if i in data.initiative_index}
    return matrix_values(matrix, funded, best_focus(data, funded))


def column_values(data: Data, funded: set[int], focus: set[int]) -> list[float]:
    """Values of every column of the model (x, then y, then v) for a portfolio and focus."""
    values = [float(i in funded) for i in range(len(data.initiatives))]
    values += [float(m in focus) for m in range(len(data.moments))]
    for m in range(len(data.moments)):
        if m in focus:
            uplift = math.fsum(data.uplift[i][m] for i in data.moved_by[m] if i in funded)
            values.append(min(uplift, data.cap[m]))
        else:
            values.append(0.0)
    return values


def matrix_values(matrix: Matrix, funded: set[int], focus: set[int]) -> list[float]:
    """column_values in the units of a Matrix (its improvement columns may be scaled)."""
    values = column_values(matrix.data, funded, focus)
    if matrix.v_scale is not None:
        v0 = len(values) - len(matrix.v_scale)
        values[v0:] = [v / unit for v, unit in zip(values[v0:], matrix.v_scale, strict=True)]
    return values


def portfolio_values(model: Model, funded: set[int], focus: set[int]) -> dict[str, float]:
    """Values of every model variable for a portfolio and focus, by name: a solver start."""
    return dict(zip((var.name for var in model.columns),
                    column_values(model.data, funded, focus), strict=True))


def best_focus(data: Data, funded: set[int]) -> set[int]:
    """The focus moments that count most for a fixed portfolio (ties to the lower index)."""
    gains = []
    for m, moment in enumerate(data.moments):
        if any(i in funded for i in data.moved_by[m]):
            uplift = math.fsum(data.uplift[i][m] for i in data.moved_by[m] if i in funded)
            gains.append((-moment.weight * min(uplift, data.cap[m]), m))
    return {m for _, m in sorted(gains)[:data.max_focus]}


def _read_choice(data: Data, values: Sequence[float]) -> tuple[set[int], set[int]]:
    """The funded initiatives and focus moments of a solution (values of every column)."""
    n_i, n_m = len(data.initiatives), len(data.moments)
    values = list(values[:n_i + n_m])
    funded = {i for i in range(n_i) if values[i] > 0.5}
    focus = {m for m in range(n_m) if values[n_i + m] > 0.5}
    return funded, focus


def _cheapest_of_equal_impact(session, matrix: Matrix, funded: set[int], focus: set[int],
                              impact: float, deadline: float
                              ) -> tuple[set[int], set[int], Outcome | None]:
    """Second phase: the cheapest portfolio whose impact ties the best one."""
    remaining = deadline - time.monotonic()
    if remaining < 0.2:
        return funded, focus, None
    data = matrix.data
    # Relative, as docs/model.md says: a plan whose impacts are all tiny still has one best.
    tolerance = TIE_TOLERANCE * abs(impact)
    start = matrix_values(matrix, funded, focus)
    outcome = session.tie_break_columns(matrix.cost, matrix.impact,
                                        (impact - tolerance) / matrix.impact_scale,
                                        remaining, start)
    if not outcome.found:
        return funded, focus, outcome
    cheaper, cheaper_focus = _read_choice(data, session.values)
    # Keep the second answer only if it truly ties on impact and is cheaper.
    if (portfolio_impact(data, cheaper, cheaper_focus) >= impact - tolerance
            and not violations(data, cheaper, cheaper_focus)
            and portfolio_cost(data, cheaper) < portfolio_cost(data, funded)):
        return cheaper, cheaper_focus, outcome
    return funded, focus, outcome


def _usages(data: Data, funded: set[int]) -> tuple[list[Usage], list[Usage]]:
    plan = data.plan
    periods = [Usage(id=p.id, limit=p.budget,
                     used=math.fsum(data.initiatives[i].cost_in(p.id) for i in funded))
               for p in plan.periods]
    resources = [Usage(id=r.id, limit=r.capacity,
                       used=math.fsum(dict(data.initiatives[i].uses).get(r.id, 0.0)
                                      for i in funded))
                 for r in plan.resources]
    return periods, resources


def _extract(data: Data, funded: set[int], focus: set[int], status: str, bound: float,
             info: SolverInfo) -> Result:
    focus = say_no.trim_focus(data, funded, focus)
    moments = []
    for m, moment in enumerate(data.moments):
        uplift = math.fsum(data.uplift[i][m] for i in data.moved_by[m] if i in funded)
        improvement = min(uplift, data.cap[m]) if m in focus else 0.0
        moments.append(MomentResult(id=moment.id, focus=m in focus, improvement=improvement,
                                    uplift=uplift, headroom=moment.headroom,
                                    contribution=moment.weight * improvement))
    impact = math.fsum(m.contribution for m in moments)
    bound = max(bound, impact)
    gap = 0.0 if status == OPTIMAL else (bound - impact) / max(abs(bound), 1e-9)
    periods, resources = _usages(data, funded)
    focus_ids = sorted((data.moments[m].id for m in focus),
                       key=lambda mid: -next(r.contribution for r in moments if r.id == mid))
    return Result(status=status, impact=impact, bound=bound, gap=gap,
                  cost=portfolio_cost(data, funded), budget=data.budget, focus=focus_ids,
                  moments=moments,
                  funded=sorted(data.initiatives[i].id for i in funded),
                  rejected=say_no.reasons(data, funded, focus, periods, resources),
                  conflicts=[], solver=info, periods=periods, resources=resources)


def _empty(data: Data, status: str, info: SolverInfo, conflicts: list[str]) -> Result:
    return Result(status=status, impact=None, bound=None, gap=None, cost=None,
                  budget=data.budget, focus=[], moments=[], funded=[], rejected=[],
                  conflicts=conflicts, solver=info)
