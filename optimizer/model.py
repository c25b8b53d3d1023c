"""Building the mixed-integer model of MODEL.md from a Plan, as a PuLP problem.

Moments and initiatives are put in id order first, so that the solver sees the same
model whatever the order of the input: the answer cannot depend on it.
Variables are named by internal index (x12, y3), never by user text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from operator import attrgetter

import pulp

from optimizer.plan import Initiative, Moment, Plan

# Effective uplifts below this are numerical dust, not effects.
EPSILON = 1e-12


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

    @property
    def columns(self) -> list[pulp.LpVariable]:
        return self.x + self.y + self.v


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


def _row(variables: list[pulp.LpVariable], coefficients: list[float]) -> pulp.LpAffineExpression:
    """An expression made in one go from two parallel lists.

    zip hands PuLP one (variable, coefficient) pair at a time and reuses it, so a row of
    thousands of terms makes no tuple per term.
    """
    return pulp.LpAffineExpression(zip(variables, coefficients, strict=True))


def build_model(data: Data) -> Model:
    """The model of MODEL.md, each constraint named by kind and internal index.

    Each row's terms go to PuLP in one go, straight into its LpConstraint: making PuLP's
    own objects (a variable, an expression and a constraint each) is most of the time.
    """
    plan = data.plan
    problem = pulp.LpProblem("portfolio", pulp.LpMaximize)
    n_i, n_m = len(data.initiatives), len(data.moments)
    x = [problem.add_variable(f"x{i}", 0, 1, cat=pulp.LpBinary) for i in range(n_i)]
    y = [problem.add_variable(f"y{m}", 0, 1, cat=pulp.LpBinary) for m in range(n_m)]
    v = [problem.add_variable(f"v{m}", 0, data.cap[m]) for m in range(n_m)]
    scale = money_scale(plan)

    impact = pulp.LpAffineExpression([(v[m], moment.weight)
                                      for m, moment in enumerate(data.moments)
                                      if moment.weight > 0])
    problem.setObjective(impact)
    constraints: dict[str, pulp.LpConstraint] = {}

    def add(name: str, terms: list[tuple[pulp.LpVariable, float]] | pulp.LpAffineExpression,
            sense: int, rhs: float) -> None:
        if not terms:  # 0 <= rhs with rhs >= 0 always holds: nothing to tell the solver
            return
        constraints[name] = pulp.LpConstraint(terms, sense, name, rhs)

    le, eq = pulp.LpConstraintLE, pulp.LpConstraintEQ
    for m in range(n_m):
        movers = [x[i] for i in data.moved_by[m]]
        # improvement comes from funded work, and only focus moments count (capped)
        add(f"from_work{m}", _row([v[m], *movers], [1.0] + [-e for e in data.moved_uplift[m]]),
            le, 0)
        add(f"focus_cap{m}", [(v[m], 1.0), (y[m], -data.cap[m])], le, 0)
        # a focus moment is moved by funded work
        add(f"focus_moved{m}", _row([y[m], *movers], [1.0] + [-1.0] * len(movers)), le, 0)
    add("max_focus", _row(y, [1.0] * n_m), le, data.max_focus)

    for i, initiative in enumerate(data.initiatives):
        if initiative.decision == "fund":
            add(f"forced_in{i}", [(x[i], 1.0)], eq, 1)
        elif initiative.decision == "reject":
            add(f"forced_out{i}", [(x[i], 1.0)], eq, 0)
        else:
            # the say-no rule: auto work must move a focus moment
            add(f"say_no{i}", [(x[i], 1.0)] + [(y[m], -1.0) for m in data.uplift[i]], le, 0)
        for other in initiative.requires:
            j = data.initiative_index[other]
            add(f"requires{i}_{j}", [(x[i], 1.0), (x[j], -1.0)], le, 0)
        for other in initiative.excludes:
            j = data.initiative_index[other]
            name = f"excludes{min(i, j)}_{max(i, j)}"
            if name not in constraints:
                add(name, [(x[i], 1.0), (x[j], 1.0)], le, 1)

    paying = [i for i, c in enumerate(data.cost) if c]
    cost = _row([x[i] for i in paying], [data.cost[i] / scale for i in paying])
    if plan.budget is not None:
        # The cost row again. Updating from a dict copies its stored hashes; making it from
        # terms would call every variable's __hash__, which is Python code, once more.
        budget_row = pulp.LpAffineExpression()
        budget_row.update(cost)
        add("budget", budget_row, le, plan.budget / scale)
    for t, period in enumerate(plan.periods):
        if period.budget is not None:
            paying = [i for i, costs in enumerate(data.period_cost) if costs.get(period.id)]
            add(f"period{t}", _row([x[i] for i in paying],
                                   [data.period_cost[i][period.id] / scale for i in paying]),
                le, period.budget / scale)
    # Few initiatives use resources: one pass over them collects every resource's row.
    resource_terms: dict[str, list] = {r.id: [] for r in plan.resources}
    for i, uses in enumerate(data.uses):
        for resource_id, amount in uses.items():
            if amount:
                resource_terms[resource_id].append((x[i], amount))
    for k, resource in enumerate(plan.resources):
        add(f"resource{k}", resource_terms[resource.id], le, resource.capacity)

    problem.extend(constraints)
    return Model(data=data, problem=problem, x=x, y=y, v=v, impact=impact, cost=cost,
                 money_scale=scale, constraints=list(constraints.values()))
