"""Independent checks of a portfolio against the plan: its impact, and what it breaks.

Written from docs/model.md without the solver, so that every answer can be verified.
"""

from __future__ import annotations

import math

from optimizer.model import Data

# Money and capacity sums may exceed their limit by this much (relative) through rounding.
SLACK = 1e-9


def portfolio_impact(data: Data, funded: set[int], focus: set[int]) -> float:
    """sum over focus moments of weight * min(uplift from funded work, H_m)."""
    total = []
    for m in focus:
        uplift = math.fsum(data.uplift[i][m] for i in data.moved_by[m] if i in funded)
        total.append(data.moments[m].weight * min(uplift, data.cap[m]))
    return math.fsum(total)


def portfolio_cost(data: Data, funded: set[int]) -> float:
    """What the funded initiatives cost together."""
    return math.fsum(data.cost[i] for i in funded)


def _over(used: float, limit: float) -> bool:
    return used > limit + SLACK * max(1.0, abs(limit))


def violations(data: Data, funded: set[int], focus: set[int]) -> list[str]:
    """Every constraint of docs/model.md that (funded, focus) breaks, in words; [] if none."""
    plan = data.plan
    problems = []
    if len(focus) > data.max_focus:
        problems.append(f"{len(focus)} focus moments, more than {data.max_focus}")
    for m in focus:
        if not any(i in funded for i in data.moved_by[m]):
            problems.append(f"focus moment {data.moments[m].id} is moved by no funded work")
    cost = math.fsum(data.cost[i] for i in funded)
    if plan.budget is not None and _over(cost, plan.budget):
        problems.append(f"cost {cost:g} over the budget {plan.budget:g}")
    for period in plan.periods:
        spent = math.fsum(data.initiatives[i].cost_in(period.id) for i in funded)
        if period.budget is not None and _over(spent, period.budget):
            problems.append(f"period {period.id}: {spent:g} over its budget {period.budget:g}")
    for resource in plan.resources:
        used = math.fsum(data.uses[i].get(resource.id, 0.0) for i in funded)
        if _over(used, resource.capacity):
            problems.append(f"resource {resource.id}: {used:g} over its capacity "
                            f"{resource.capacity:g}")
    for i, initiative in enumerate(data.initiatives):
        chosen = i in funded
        if initiative.decision == "fund" and not chosen:
            problems.append(f"{initiative.id} is forced in but not funded")
        if initiative.decision == "reject" and chosen:
            problems.append(f"{initiative.id} is forced out but funded")
        if not chosen:
            continue
        if initiative.decision == "auto" and not focus.intersection(data.uplift[i]):
            problems.append(f"{initiative.id} is funded but moves no focus moment")
        for other in initiative.requires:
            if data.initiative_index[other] not in funded:
                problems.append(f"{initiative.id} is funded without {other}, which it requires")
        for other in initiative.excludes:
            if data.initiative_index[other] in funded:
                problems.append(f"{initiative.id} is funded with {other}, which it excludes")
    return problems
