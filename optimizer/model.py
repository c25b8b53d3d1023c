"""Building the mixed-integer model of MODEL.md from a Plan: as arrays, and as a PuLP problem.

The model is defined once, as arrays (a Matrix: columns, rows of sparse coefficients):
HiGHS is handed those arrays as they are, and the PuLP problem (for CBC and for what
changes the model to explain it) is made from them, row for row.
Moments and initiatives are put in id order first, so that the solver sees the same
model whatever the order of the input: the answer cannot depend on it.
Variables and constraints are named by internal index (x12, y3), never by user text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING

from optimizer.plan import Initiative, Moment, Plan

if TYPE_CHECKING:  # PuLP is loaded only when a PuLP problem is made (CBC, explanations)
    import pulp

# Effective uplifts below this are numerical dust, not effects.
EPSILON = 1e-12
# The sense of a row, as PuLP numbers them (LpConstraintLE, LpConstraintEQ).
LE, EQ = -1, 0


@dataclass
class Data:
    """The plan as indexed arrays: what the model, the checks and the reasons read."""

    plan: Plan
    moments: list[Moment]  # in id order
    initiatives: list[Initiative]  # in id order
    moment_index: dict[str, int]
    initiative_index: dict[str, int]
    uplift: list[dict[int, float]]  # e_im: initiative index -> {moment index: uplift}
    moved_by: list[list[int]]  # moment index -> initiatives with e_im > 0
    moved_uplift: list[list[float]]  # moment index -> e_im of each of moved_by[m], in order
    cap: list[float]  # H_m, tightened to the most the plan's work could give
    cost: list[float]  # total cost per initiative
    budget: float | None
    max_focus: int
    excluded_by: list[list[str]]  # initiative index -> ids of initiatives that exclude it
    uses: list[dict[str, float]]  # initiative index -> {resource id: amount}
    period_cost: list[dict[str, float]]  # initiative index -> {period id: cost}

    def moves(self, i: int) -> list[int]:
        return list(self.uplift[i])


def index_plan(plan: Plan) -> Data:
    """Index the plan and compute effective uplifts e_im (MODEL.md)."""
    moments = sorted(plan.moments, key=attrgetter("id"))
    initiatives = sorted(plan.initiatives, key=attrgetter("id"))
    moment_index = {m.id: k for k, m in enumerate(moments)}
    initiative_index = {i.id: k for k, i in enumerate(initiatives)}
    # Where a point of uplift on a moment lands: on the moment itself and, one hop only,
    # on the moments it feeds (what those feed is not followed further). The moment's own
    # factor 1.0 changes no bit of p * 1.0 * u, so every share is computed alike.
    lands = {m.id: [(k, 1.0)] for k, m in enumerate(moments)}
    for influence in plan.influences:
        if influence.source in lands:
            lands[influence.source].append((moment_index[influence.target], influence.factor))

    uplift: list[dict[int, float]] = []
    moved_by: list[list[int]] = [[] for _ in moments]
    moved_uplift: list[list[float]] = [[] for _ in moments]
    excluded_by: list[list[str]] = [[] for _ in initiatives]
    # One pass: each initiative's uplifts in moment order, and each moment's movers with
    # their uplifts, which the model's rows and the caps read without looking them up.
    for i, initiative in enumerate(initiatives):
        confidence = initiative.confidence
        effective: dict[int, float] = {}
        for moment_id, amount in initiative.effects:
            for m, factor in lands[moment_id]:
                effective[m] = effective.get(m, 0.0) + confidence * factor * amount
        moves: dict[int, float] = {}
        for m in sorted(effective):
            e = effective[m]
            if e > EPSILON:
                moves[m] = e
                moved_by[m].append(i)
                moved_uplift[m].append(e)
        uplift.append(moves)
        for other in initiative.excludes:
            excluded_by[initiative_index[other]].append(initiative.id)

    cap = []
    for moment, gains in zip(moments, moved_uplift, strict=True):
        most = math.fsum(gains)
        cap.append(most if moment.headroom is None else min(moment.headroom, most))
    return Data(plan=plan, moments=moments, initiatives=initiatives, moment_index=moment_index,
                initiative_index=initiative_index, uplift=uplift, moved_by=moved_by,
                moved_uplift=moved_uplift, cap=cap,
                cost=[i.total_cost for i in initiatives], budget=plan.budget,
                max_focus=plan.max_focus, excluded_by=excluded_by,
                uses=[dict(i.uses) for i in initiatives],
                period_cost=[dict(i.cost) for i in initiatives])


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


def money_scale(plan: Plan) -> float:
    """A power of ten that brings the largest amount of money to at most 1e6.

    Budgets of billions next to uplifts of a few points make a badly scaled model;
    ordinary plans (up to millions) are left exactly as they are.
    """
    amounts = [abs(a) for i in plan.initiatives for _, a in i.cost]
    amounts += [plan.budget or 0.0] + [p.budget or 0.0 for p in plan.periods]
    largest = max(amounts, default=0.0)
    if largest <= 1e6:
        return 1.0
    return 10.0 ** math.ceil(math.log10(largest / 1e6))


def build_matrix(data: Data) -> Matrix:
    """The model of MODEL.md, each constraint a row named by kind and internal index."""
    plan = data.plan
    n_i, n_m = len(data.initiatives), len(data.moments)
    y0, v0 = n_i, n_i + n_m
    scale = money_scale(plan)
    rows: list[str] = []
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    sense: list[int] = []
    rhs: list[float] = []

    def add(name: str, columns: list[int], coefficients: list[float], kind: int,
            bound: float) -> None:
        if not columns:  # 0 <= rhs with rhs >= 0 always holds: nothing to tell the solver
            return
        rows.append(name)
        starts.append(len(index))
        index.extend(columns)
        value.extend(coefficients)
        sense.append(kind)
        rhs.append(bound)

    for m in range(n_m):
        movers = data.moved_by[m]
        # improvement comes from funded work, and only focus moments count (capped)
        add(f"from_work{m}", [v0 + m, *movers], [1.0, *(-e for e in data.moved_uplift[m])],
            LE, 0.0)
        add(f"focus_cap{m}", [v0 + m, y0 + m], [1.0, -data.cap[m]], LE, 0.0)
        # a focus moment is moved by funded work
        add(f"focus_moved{m}", [y0 + m, *movers], [1.0] + [-1.0] * len(movers), LE, 0.0)
    add("max_focus", list(range(y0, v0)), [1.0] * n_m, LE, data.max_focus)

    excluded: set[tuple[int, int]] = set()
    for i, initiative in enumerate(data.initiatives):
        if initiative.decision == "fund":
            add(f"forced_in{i}", [i], [1.0], EQ, 1.0)
        elif initiative.decision == "reject":
            add(f"forced_out{i}", [i], [1.0], EQ, 0.0)
        else:
            # the say-no rule: auto work must move a focus moment
            moves = data.uplift[i]
            add(f"say_no{i}", [i, *(y0 + m for m in moves)], [1.0] + [-1.0] * len(moves),
                LE, 0.0)
        for other in initiative.requires:
            j = data.initiative_index[other]
            add(f"requires{i}_{j}", [i, j], [1.0, -1.0], LE, 0.0)
        for other in initiative.excludes:
            j = data.initiative_index[other]
            pair = (min(i, j), max(i, j))
            if pair not in excluded:
                excluded.add(pair)
                add(f"excludes{pair[0]}_{pair[1]}", [i, j], [1.0, 1.0], LE, 1.0)

    cost = [(i, c / scale) for i, c in enumerate(data.cost) if c]
    if plan.budget is not None:
        add("budget", [i for i, _ in cost], [c for _, c in cost], LE, plan.budget / scale)
    for t, period in enumerate(plan.periods):
        if period.budget is not None:
            paying = [(i, costs[period.id]) for i, costs in enumerate(data.period_cost)
                      if costs.get(period.id)]
            add(f"period{t}", [i for i, _ in paying], [c / scale for _, c in paying], LE,
                period.budget / scale)
    # Few initiatives use resources: one pass over them collects every resource's row.
    resource_terms: dict[str, tuple[list[int], list[float]]] = {
        r.id: ([], []) for r in plan.resources}
    for i, uses in enumerate(data.uses):
        for resource_id, amount in uses.items():
            if amount:
                columns, amounts = resource_terms[resource_id]
                columns.append(i)
                amounts.append(amount)
    for k, resource in enumerate(plan.resources):
        add(f"resource{k}", *resource_terms[resource.id], LE, resource.capacity)
    starts.append(len(index))

    return Matrix(
        data=data, money_scale=scale,
        columns=([f"x{i}" for i in range(n_i)] + [f"y{m}" for m in range(n_m)]
                 + [f"v{m}" for m in range(n_m)]),
        upper=[1.0] * v0 + data.cap, binary=v0,
        impact=[(v0 + m, moment.weight) for m, moment in enumerate(data.moments)
                if moment.weight > 0],
        cost=cost, rows=rows, starts=starts, index=index, value=value, sense=sense, rhs=rhs)


@dataclass
class Model:
    """The PuLP problem with its variables, ready to solve."""

    data: Data
    problem: pulp.LpProblem
    x: list[pulp.LpVariable]  # initiative funded
    y: list[pulp.LpVariable]  # moment in focus
    v: list[pulp.LpVariable]  # improvement of the moment that counts
    impact: pulp.LpAffineExpression
    cost: pulp.LpAffineExpression
    money_scale: float
    constraints: list[pulp.LpConstraint]
    matrix: Matrix | None = None  # the arrays it was made from

    @property
    def columns(self) -> list[pulp.LpVariable]:
        return self.x + self.y + self.v


def build_model(data: Data) -> Model:
    """The model of MODEL.md as a PuLP problem, each constraint named by kind and index."""
    return model_from(build_matrix(data))


def model_from(matrix: Matrix) -> Model:
    """The PuLP problem of a Matrix: the same columns, rows and names, in the same order.

    Each row's terms go to PuLP in one go, straight into its LpConstraint: making PuLP's
    own objects (a variable, an expression and a constraint each) is most of the time.
    """
    import pulp

    problem = pulp.LpProblem("portfolio", pulp.LpMaximize)
    binary, names = matrix.binary, matrix.columns
    variables = [problem.add_variable(name, 0, 1, cat=pulp.LpBinary) for name in names[:binary]]
    variables += [problem.add_variable(name, 0, upper)
                  for name, upper in zip(names[binary:], matrix.upper[binary:], strict=True)]
    n_i = len(matrix.data.initiatives)
    n_m = len(matrix.data.moments)

    def expression(terms: list[tuple[int, float]]) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression([(variables[k], c) for k, c in terms])

    impact = expression(matrix.impact)
    problem.setObjective(impact)
    index, value, starts = matrix.index, matrix.value, matrix.starts
    constraints = {}
    for r, name in enumerate(matrix.rows):
        first, last = starts[r], starts[r + 1]
        # zip hands PuLP one (variable, coefficient) pair at a time and reuses it, so a
        # row of thousands of terms makes no tuple per term.
        terms = pulp.LpAffineExpression(zip([variables[k] for k in index[first:last]],
                                            value[first:last], strict=True))
        constraints[name] = pulp.LpConstraint(terms, matrix.sense[r], name, matrix.rhs[r])
    problem.extend(constraints)
    return Model(data=matrix.data, problem=problem, x=variables[:n_i],
                 y=variables[n_i:n_i + n_m], v=variables[n_i + n_m:],
                 impact=impact, cost=expression(matrix.cost), money_scale=matrix.money_scale,
                 constraints=list(constraints.values()), matrix=matrix)
