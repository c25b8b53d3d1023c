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
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING

from optimizer.influence import landing
from optimizer.plan import Initiative, Moment, Plan

if TYPE_CHECKING:  # PuLP is loaded only when a PuLP problem is made (CBC, explanations)
    import pulp

# Effective uplifts below this are numerical dust, not effects.
EPSILON = 1e-12
# The sense of a row, as PuLP numbers them (LpConstraintLE, LpConstraintEQ).
LE, EQ = -1, 0
# The solver form (build_matrix(scaled=True)) leaves a row or column alone while its
# magnitude lies in ORDINARY, and brings it to about TARGET otherwise: far enough above the
# solver's absolute tolerances (1e-6) that they stay within the engine's check (1e-9,
# relative). A coefficient past the limit it meets is cut to CUT times that limit: funding
# that work breaks the limit all the same, by far more than any tolerance.
ORDINARY = (1.0, 1e6)
TARGET = 1e3
CUT = 1e3


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
    # moment index -> the moments a point of uplift on it reaches (itself too): the chains
    reach: list[set[int]] = field(default_factory=list)

    def moves(self, i: int) -> list[int]:
        return list(self.uplift[i])


def index_plan(plan: Plan) -> Data:
    """Index the plan and compute effective uplifts e_im (MODEL.md)."""
    moments = sorted(plan.moments, key=attrgetter("id"))
    initiatives = sorted(plan.initiatives, key=attrgetter("id"))
    moment_index = {m.id: k for k, m in enumerate(moments)}
    initiative_index = {i.id: k for k, i in enumerate(initiatives)}
    lands = {key: [(moment_index[target], factor) for target, factor in shares]
             for key, shares in landing(moment_index, plan.influences).items()}

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
                period_cost=[dict(i.cost) for i in initiatives],
                reach=[{m for m, _ in lands[moment.id]} for moment in moments])


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


def decade(largest: float) -> float:
    """1 for a magnitude in ORDINARY (or 0); else the power of ten that brings it to
    TARGET to 10 * TARGET."""
    if largest == 0 or ORDINARY[0] <= largest <= ORDINARY[1]:
        return 1.0
    return 10.0 ** (math.floor(math.log10(largest)) - math.log10(TARGET))


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
    """The model of MODEL.md, each constraint a row named by kind and internal index.

    `scaled`: the solver form the engine solves. The same portfolios keep the rules, but
    what the solver's tolerances could get wrong is written so that they cannot: a budget,
    period budget or capacity that is no limit (at least the total it limits) has no row;
    in the others, work that alone breaks the limit meets it cut to CUT times the limit,
    and a row or an improvement column whose magnitude lies outside ORDINARY is brought
    to TARGET by a power of ten, as is the objective. Explanations and the frontier change
    the plain form's rows by name, in the plan's own units.
    """
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

    def limit(name: str, terms: list[tuple[int, float]], bound: float, unit: float) -> None:
        """sum of amounts of funded work <= bound, in the plan's units divided by `unit`."""
        if not scaled:
            add(name, [i for i, _ in terms], [a / unit for _, a in terms], LE, bound / unit)
            return
        terms = [(i, a) for i, a in terms if a > 0]
        if math.fsum(a for _, a in terms) <= bound:
            return  # no limit
        if bound == 0:  # any work that needs some of it breaks it
            add(name, [i for i, _ in terms], [1.0] * len(terms), LE, 0.0)
            return
        row = unit * decade(bound / unit)
        add(name, [i for i, _ in terms], [min(a, CUT * bound) / row for _, a in terms], LE,
            bound / row)

    blocked = never_funded(data) if scaled else set()
    caps = list(data.cap)
    if scaled:  # what the work that can be funded could give
        caps = [min(cap, math.fsum(e for i, e in zip(data.moved_by[m], data.moved_uplift[m],
                                                       strict=True) if i not in blocked))
                for m, cap in enumerate(data.cap)]
    v_scale = [decade(cap) if scaled else 1.0 for cap in caps]
    for m in range(n_m):
        movers, cap, unit = data.moved_by[m], caps[m], v_scale[m]
        gains = list(zip(movers, data.moved_uplift[m], strict=True))
        if scaled:  # uplift past the cap adds nothing: it counts as CUT * cap
            gains = [(i, min(e, CUT * cap)) for i, e in gains if i not in blocked]
        # improvement comes from funded work, and only focus moments count (capped)
        add(f"from_work{m}", [v0 + m, *(i for i, _ in gains)],
            [1.0, *(-e / unit for _, e in gains)], LE, 0.0)
        add(f"focus_cap{m}", [v0 + m, y0 + m], [1.0, -cap / unit], LE, 0.0)
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

    costs = [(i, c) for i, c in enumerate(data.cost) if c]
    if plan.budget is not None:
        limit("budget", costs, plan.budget, scale)
    for t, period in enumerate(plan.periods):
        if period.budget is not None:
            limit(f"period{t}", [(i, spend[period.id]) for i, spend in
                                 enumerate(data.period_cost) if spend.get(period.id)],
                  period.budget, scale)
    # Few initiatives use resources: one pass over them collects every resource's row.
    resource_terms: dict[str, list[tuple[int, float]]] = {r.id: [] for r in plan.resources}
    for i, uses in enumerate(data.uses):
        for resource_id, amount in uses.items():
            if amount:
                resource_terms[resource_id].append((i, amount))
    for k, resource in enumerate(plan.resources):
        limit(f"resource{k}", resource_terms[resource.id], resource.capacity, 1.0)
    starts.append(len(index))

    impacts = [(v0 + m, moment.weight * v_scale[m]) for m, moment in enumerate(data.moments)
               if moment.weight > 0]
    impact_scale = decade(max((moment.weight * cap for moment, cap in
                               zip(data.moments, caps, strict=True)), default=0.0)
                          ) if scaled else 1.0
    return Matrix(
        data=data, money_scale=scale,
        columns=([f"x{i}" for i in range(n_i)] + [f"y{m}" for m in range(n_m)]
                 + [f"v{m}" for m in range(n_m)]),
        upper=([0.0 if i in blocked else 1.0 for i in range(n_i)] + [1.0] * n_m
               + [cap / unit for cap, unit in zip(caps, v_scale, strict=True)]),
        binary=v0, impact=[(k, w / impact_scale) for k, w in impacts],
        cost=[(i, c / scale) for i, c in costs], rows=rows, starts=starts, index=index,
        value=value, sense=sense, rhs=rhs, v_scale=v_scale, impact_scale=impact_scale)


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

    def chosen(self) -> tuple[set[int], set[int]]:
        """The funded initiatives and focus moments of the solution last read into it."""
        funded = {i for i, var in enumerate(self.x) if (var.varValue or 0.0) > 0.5}
        focus = {m for m, var in enumerate(self.y) if (var.varValue or 0.0) > 0.5}
        return funded, focus


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
