"""The model of docs/model.md as arrays (a Matrix): its columns, its objective, and its rows
written family by family."""

from __future__ import annotations

import math
from dataclasses import dataclass

from optimizer.model.constraints import (
    Rows,
    decade,
    define_budget,
    define_capacities,
    define_decision,
    define_focus_moments,
    define_links,
    define_max_focus,
    define_period_budgets,
)
from optimizer.model.data import Data
from optimizer.plan import Plan


@dataclass
class Matrix:
    """The model as arrays. Columns: x (funded) for each initiative, then y (in focus) and
    v (improvement that counts) for each moment; every lower bound is 0, x and y are 0/1.
    Row r holds the terms index[starts[r]:starts[r + 1]] (with value), sense LE or EQ."""

    data: Data
    money_scale: float
    columns: list[str]  # names: x0..., y0..., v0...
    upper: list[float]  # upper bound of each column
    binary: int  # how many columns, from the first, are 0/1 (the x, then the y)
    impact: list[tuple[int, float]]  # the objective: (column, weight)
    cost: list[tuple[int, float]]  # total cost, in money / money_scale: (column, cost)
    rows: list[str]  # names: from_work3, say_no12, budget, ...
    starts: list[int]  # where each row's terms start, and one past the last term
    index: list[int]
    value: list[float]
    sense: list[int]
    rhs: list[float]
    # The solver form's scales: column v_m holds improvement / v_scale[m], and the
    # objective is impact / impact_scale (all 1 in the plain form).
    v_scale: list[float] | None = None
    impact_scale: float = 1.0


def money_scale(plan: Plan) -> float:
    """A power of ten that brings the largest amount of money to at most 1e6.

    Budgets of billions next to uplifts of a few points make a badly scaled model;
    ordinary plans (up to millions) are left exactly as they are.
    """
    amounts = [abs(a) for i in plan.initiatives for _, a in i.cost]
    # A budget past the cost of all the work it limits limits nothing: it sets no scale.
    total = math.fsum(amounts)
    amounts += [min(plan.budget or 0.0, total)]
    amounts += [min(p.budget or 0.0, total) for p in plan.periods]
    largest = max(amounts, default=0.0)
    if largest <= 1e6:
        return 1.0
    return 10.0 ** math.ceil(math.log10(largest / 1e6))


def build_matrix(data: Data, scaled: bool = False) -> Matrix:
    """The model of docs/model.md, each constraint a row named by kind and internal index.

    `scaled`: the solver form the engine solves. The same portfolios keep the rules, but
    what the solver's tolerances could get wrong is written so that they cannot: a budget,
    period budget or capacity that is no limit (at least the total it limits) has no row;
    in the others, work that alone breaks the limit meets it cut to CUT times the limit,
    and a row or an improvement column whose magnitude lies outside ORDINARY is brought
    to TARGET by a power of ten, as is the objective. Explanations and the frontier change
    the plain form's rows by name, in the plan's own units.
    """
    n_i, n_m = len(data.initiatives), len(data.moments)
    scale = money_scale(data.plan)
    blocked = never_funded(data) if scaled else set()
    caps = fundable_caps(data, blocked) if scaled else list(data.cap)
    v_scale = [decade(cap) if scaled else 1.0 for cap in caps]
    costs = [(i, c) for i, c in enumerate(data.cost) if c]

    rows = Rows(scaled)
    define_focus_moments(rows, data, caps, v_scale, blocked)
    define_max_focus(rows, data)
    excluded: set[tuple[int, int]] = set()  # the pairs of excluding work written so far
    for i in range(n_i):  # each initiative's rows together, its decision first
        define_decision(rows, data, i)
        define_links(rows, data, i, excluded)
    define_budget(rows, data, costs, scale)
    define_period_budgets(rows, data, scale)
    define_capacities(rows, data)
    rows.starts.append(len(rows.index))

    impact, impact_scale = define_impact(data, caps, v_scale, scaled)
    return Matrix(
        data=data, money_scale=scale,
        columns=([f"x{i}" for i in range(n_i)] + [f"y{m}" for m in range(n_m)]
                 + [f"v{m}" for m in range(n_m)]),
        upper=([0.0 if i in blocked else 1.0 for i in range(n_i)] + [1.0] * n_m
               + [cap / unit for cap, unit in zip(caps, v_scale, strict=True)]),
        binary=n_i + n_m, impact=impact, cost=[(i, c / scale) for i, c in costs],
        rows=rows.names, starts=rows.starts, index=rows.index, value=rows.value,
        sense=rows.sense, rhs=rows.rhs, v_scale=v_scale, impact_scale=impact_scale)


def fundable_caps(data: Data, blocked: set[int]) -> list[float]:
    """Each moment's cap, down to what the work that can be funded could give it."""
    return [min(cap, math.fsum(e for i, e in zip(data.moved_by[m], data.moved_uplift[m],
                                                 strict=True) if i not in blocked))
            for m, cap in enumerate(data.cap)]


def define_impact(data: Data, caps: list[float], v_scale: list[float],
                  scaled: bool) -> tuple[list[tuple[int, float]], float]:
    """The objective, the weighted improvement that counts, as (column, weight) terms
    divided by the impact scale; and that scale (1 in the plain form)."""
    v0 = len(data.initiatives) + len(data.moments)
    impacts = [(v0 + m, moment.weight * v_scale[m]) for m, moment in enumerate(data.moments)
               if moment.weight > 0]
    impact_scale = decade(max((moment.weight * cap for moment, cap in
                               zip(data.moments, caps, strict=True)), default=0.0)
                          ) if scaled else 1.0
    return [(k, w / impact_scale) for k, w in impacts], impact_scale


def never_funded(data: Data) -> set[int]:
    """Work no portfolio can hold: rejected, over a limit alone, or requiring such work.
    Forced-in work is left to the rows, whose conflict the solver reports as such."""
    plan = data.plan
    limits = [(plan.budget, data.cost)] if plan.budget is not None else []
    limits += [(p.budget, [costs.get(p.id, 0.0) for costs in data.period_cost])
               for p in plan.periods if p.budget is not None]
    limits += [(r.capacity, [uses.get(r.id, 0.0) for uses in data.uses])
               for r in plan.resources]
    blocked = {i for i, initiative in enumerate(data.initiatives)
               if initiative.decision == "reject"
               or any(amounts[i] > bound for bound, amounts in limits)}
    blocked -= {i for i, initiative in enumerate(data.initiatives)
                if initiative.decision == "fund"}
    grown = True
    while grown:
        before = len(blocked)
        blocked |= {i for i, initiative in enumerate(data.initiatives)
                    if initiative.decision != "fund"
                    and any(data.initiative_index[j] in blocked for j in initiative.requires)}
        grown = len(blocked) > before
    return blocked
