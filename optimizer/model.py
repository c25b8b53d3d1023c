"""Building the mixed-integer model of MODEL.md from a Plan, as a PuLP problem.

Moments and initiatives are put in id order first, so that the solver sees the same
model whatever the order of the input: the answer cannot depend on it.
Variables are named by internal index (x12, y3), never by user text.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

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
    moments = sorted(plan.moments, key=lambda m: m.id)
    initiatives = sorted(plan.initiatives, key=lambda i: i.id)
    moment_index = {m.id: k for k, m in enumerate(moments)}
    feeds: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for influence in plan.influences:
        feeds[influence.source].append((influence.target, influence.factor))

    uplift: list[dict[int, float]] = []
    for initiative in initiatives:
        effective: dict[int, float] = defaultdict(float)
        for moment_id, amount in initiative.effects:
            effective[moment_index[moment_id]] += initiative.confidence * amount
            # One hop only: what a back-stage step feeds is not followed further.
            for target, factor in feeds.get(moment_id, ()):
                effective[moment_index[target]] += initiative.confidence * factor * amount
        uplift.append({m: e for m, e in sorted(effective.items()) if e > EPSILON})

    moved_by: list[list[int]] = [[] for _ in moments]
    for i, effective in enumerate(uplift):
        for m in effective:
            moved_by[m].append(i)
    cap = []
    for m, moment in enumerate(moments):
        most = math.fsum(uplift[i][m] for i in moved_by[m])
        cap.append(most if moment.headroom is None else min(moment.headroom, most))
    initiative_index = {i.id: k for k, i in enumerate(initiatives)}
    excluded_by: list[list[str]] = [[] for _ in initiatives]
    for initiative in initiatives:
        for other in initiative.excludes:
            excluded_by[initiative_index[other]].append(initiative.id)
    return Data(plan=plan, moments=moments, initiatives=initiatives, moment_index=moment_index,
                initiative_index=initiative_index, uplift=uplift, moved_by=moved_by, cap=cap,
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


def _expr(terms: list[tuple[pulp.LpVariable, float]]) -> pulp.LpAffineExpression:
    return pulp.LpAffineExpression(terms)


def build_model(data: Data) -> Model:
    """The model of MODEL.md, each constraint named by kind and internal index."""
    plan = data.plan
    problem = pulp.LpProblem("portfolio", pulp.LpMaximize)
    n_i, n_m = len(data.initiatives), len(data.moments)
    x = [problem.add_variable(f"x{i}", 0, 1, cat=pulp.LpBinary) for i in range(n_i)]
    y = [problem.add_variable(f"y{m}", 0, 1, cat=pulp.LpBinary) for m in range(n_m)]
    v = [problem.add_variable(f"v{m}", 0, data.cap[m]) for m in range(n_m)]
    scale = money_scale(plan)

    impact = _expr([(v[m], moment.weight) for m, moment in enumerate(data.moments)
                    if moment.weight > 0])
    problem.setObjective(impact)
    constraints: dict[str, pulp.LpConstraint] = {}

    def add(name: str, terms: list[tuple[pulp.LpVariable, float]], sense: int,
            rhs: float) -> None:
        if not terms:  # 0 <= rhs with rhs >= 0 always holds: nothing to tell the solver
            return
        constraints[name] = pulp.LpConstraint(_expr(terms), sense=sense, rhs=rhs, name=name)

    le, eq = pulp.LpConstraintLE, pulp.LpConstraintEQ
    for m in range(n_m):
        movers = data.moved_by[m]
        # improvement comes from funded work, and only focus moments count (capped)
        add(f"from_work{m}", [(v[m], 1.0)] + [(x[i], -data.uplift[i][m]) for i in movers], le, 0)
        add(f"focus_cap{m}", [(v[m], 1.0), (y[m], -data.cap[m])], le, 0)
        # a focus moment is moved by funded work
        add(f"focus_moved{m}", [(y[m], 1.0)] + [(x[i], -1.0) for i in movers], le, 0)
    add("max_focus", [(y[m], 1.0) for m in range(n_m)], le, data.max_focus)

    for i, initiative in enumerate(data.initiatives):
        if initiative.decision == "fund":
            add(f"forced_in{i}", [(x[i], 1.0)], eq, 1)
        elif initiative.decision == "reject":
            add(f"forced_out{i}", [(x[i], 1.0)], eq, 0)
        else:
            # the say-no rule: auto work must move a focus moment
            add(f"say_no{i}", [(x[i], 1.0)] + [(y[m], -1.0) for m in data.uplift[i]], le, 0)
        for other in initiative.requires:
            add(f"requires{i}_{data.initiative_index[other]}",
                [(x[i], 1.0), (x[data.initiative_index[other]], -1.0)], le, 0)
        for other in initiative.excludes:
            j = data.initiative_index[other]
            name = f"excludes{min(i, j)}_{max(i, j)}"
            if name not in constraints:
                add(name, [(x[i], 1.0), (x[j], 1.0)], le, 1)

    cost_terms = [(x[i], c / scale) for i, c in enumerate(data.cost) if c]
    cost = _expr(cost_terms)
    if plan.budget is not None:
        add("budget", cost_terms, le, plan.budget / scale)
    # One pass over the initiatives collects the terms of every period and resource row.
    period_terms: dict[str, list] = {p.id: [] for p in plan.periods}
    resource_terms: dict[str, list] = {r.id: [] for r in plan.resources}
    for i in range(n_i):
        for period_id, amount in data.period_cost[i].items():
            if amount and period_id in period_terms:
                period_terms[period_id].append((x[i], amount / scale))
        for resource_id, amount in data.uses[i].items():
            if amount:
                resource_terms[resource_id].append((x[i], amount))
    for t, period in enumerate(plan.periods):
        if period.budget is not None:
            add(f"period{t}", period_terms[period.id], le, period.budget / scale)
    for k, resource in enumerate(plan.resources):
        add(f"resource{k}", resource_terms[resource.id], le, resource.capacity)

    problem.extend(constraints)
    return Model(data=data, problem=problem, x=x, y=y, v=v, impact=impact, cost=cost,
                 money_scale=scale, constraints=list(constraints.values()))
