"""Why a plan has no feasible portfolio, in words naming what is involved.

Leaving every optional initiative out is always feasible, so a plan is infeasible only
through its forced-in work and what that work requires (its closure). The checks below
test that closure against each rule of docs/model.md; together they find every cause.
"""

from __future__ import annotations

import math
from itertools import combinations

from optimizer.model import Data
from optimizer.say_no import money


def _closure(data: Data) -> dict[int, list[int]]:
    """Initiatives that must be funded, each with the chain that forces it (forced first)."""
    chains: dict[int, list[int]] = {}
    queue = [i for i, ini in enumerate(data.initiatives) if ini.decision == "fund"]
    for i in queue:
        chains[i] = [i]
    while queue:
        i = queue.pop(0)
        for other in data.initiatives[i].requires:
            j = data.initiative_index[other]
            if j not in chains:
                chains[j] = chains[i] + [j]
                queue.append(j)
    return chains


def _name(data: Data, i: int) -> str:
    return f"'{data.initiatives[i].name}' ({data.initiatives[i].id})"


def _why(data: Data, chain: list[int]) -> str:
    """'A' (forced in), or 'C', required by 'B', required by forced-in 'A'."""
    if len(chain) == 1:
        return f"{_name(data, chain[0])} (forced in)"
    steps = [_name(data, chain[-1])]
    for k in range(len(chain) - 2, -1, -1):
        prefix = "forced-in " if k == 0 else ""
        steps.append(f"required by {prefix}{_name(data, chain[k])}")
    return ", ".join(steps)


def _list(data: Data, members: list[int]) -> str:
    return ", ".join(_name(data, i) for i in sorted(members))


def find_conflicts(data: Data) -> list[str]:
    chains = _closure(data)
    must = sorted(chains)
    plan, currency = data.plan, data.plan.currency
    conflicts = []
    for i in must:
        if data.initiatives[i].decision == "reject":
            conflicts.append(f"{_why(data, chains[i])} must be funded, but it is rejected by "
                             "decision.")
    must_set = set(must)
    for i, j in combinations(must, 2):
        if (data.initiatives[j].id in data.initiatives[i].excludes
                or data.initiatives[i].id in data.initiatives[j].excludes):
            conflicts.append(f"{_why(data, chains[i])} and {_why(data, chains[j])} must both "
                             "be funded, but they exclude each other.")
    cost = math.fsum(data.cost[i] for i in must)
    if plan.budget is not None and cost > plan.budget:
        conflicts.append(f"The work that must be funded ({_list(data, must)}) costs "
                         f"{money(cost, currency)}, over the budget of "
                         f"{money(plan.budget, currency)}.")
    for period in plan.periods:
        spent = math.fsum(data.initiatives[i].cost_in(period.id) for i in must)
        if period.budget is not None and spent > period.budget:
            conflicts.append(f"In period {period.id} the work that must be funded "
                             f"({_list(data, must)}) costs {money(spent, currency)}, over "
                             f"that period's budget of {money(period.budget, currency)}.")
    for resource in plan.resources:
        used = math.fsum(dict(data.initiatives[i].uses).get(resource.id, 0.0) for i in must)
        if used > resource.capacity:
            unit = f" {resource.unit}" if resource.unit else ""
            conflicts.append(f"The work that must be funded ({_list(data, must)}) needs "
                             f"{used:g}{unit} of {resource.name or resource.id}, over its "
                             f"capacity of {resource.capacity:g}{unit}.")
    conflicts += _focus_conflicts(data, chains, must_set)
    if not conflicts:  # the checks above are complete; this guards against a solver slip
        conflicts.append("The forced decisions cannot all hold together with the budget, "
                         "the capacities and the focus limit.")
    return conflicts


def _focus_conflicts(data: Data, chains: dict[int, list[int]], must: set[int]) -> list[str]:
    """Required (not forced) work must move a focus moment: can max_focus moments cover it?"""
    needy = [i for i in sorted(must) if data.initiatives[i].decision == "auto"]
    stuck = [i for i in needy if not data.uplift[i]]
    conflicts = [f"{_why(data, chains[i])} must be funded, but it moves no moment, so it can "
                 "never move a focus moment." for i in stuck]
    needy = [i for i in needy if data.uplift[i]]
    if conflicts or not needy:
        return conflicts
    fewest = _fewest_focus(data, needy)
    if fewest > data.max_focus:
        conflicts.append(f"The work that must be funded without being forced in "
                         f"({_list(data, needy)}) moves no {data.max_focus} common moments: "
                         f"covering it takes {fewest} focus moments, over the limit of "
                         f"{data.max_focus}.")
    return conflicts


def _fewest_focus(data: Data, needy: list[int]) -> int:
    """The fewest moments that every needy initiative moves at least one of (set cover)."""
    import pulp  # loaded only here: a plan that solves needs none of it

    moments = sorted({m for i in needy for m in data.uplift[i]})
    problem = pulp.LpProblem("cover", pulp.LpMinimize)
    pick = {m: problem.add_variable(f"y{m}", 0, 1, cat=pulp.LpBinary) for m in moments}
    problem.setObjective(pulp.lpSum(pick.values()))
    for i in needy:
        problem.addConstraint(pulp.lpSum(pick[m] for m in data.uplift[i]) >= 1, f"cover{i}")
    problem.solve(pulp.HiGHS(msg=False))
    return round(pulp.value(problem.objective))
