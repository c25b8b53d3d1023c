"""Small random plans and an exhaustive search over them, written from MODEL.md alone."""

import itertools
import math
import random

from optimizer import plan_from_dict


def random_document(rng: random.Random, *, max_initiatives: int = 7) -> dict:
    n_moments = rng.randint(2, 4)
    moments = []
    for m in range(n_moments):
        moment = {"id": f"m{m}", "name": f"Moment {m}", "weight": rng.choice([0, 1, 2, 3, 5]),
                  "side": rng.choice(["front", "front", "back"])}
        if rng.random() < 0.6:
            moment["headroom"] = rng.choice([1, 2.5, 4, 6, 10])
        moments.append(moment)
    influences = []  # back-stage steps feed other moments, in chains, never in a cycle
    feeds: dict[int, set[int]] = {m: set() for m in range(n_moments)}
    for source, target in itertools.permutations(range(n_moments), 2):
        if moments[source]["side"] == "back" and rng.random() < 0.4:
            factor = rng.choice([0.25, 0.5, 1])
            if not _reaches(feeds, target, source):  # else it would close a cycle
                feeds[source].add(target)
                influences.append({"from": f"m{source}", "to": f"m{target}",
                                   "factor": factor})
    periods = []
    if rng.random() < 0.4:
        periods = [{"id": "P1", "budget": rng.randint(0, 15)}, {"id": "P2"}]
    resources = [{"id": "r", "capacity": rng.randint(0, 6)}] if rng.random() < 0.5 else []
    n = rng.randint(1, max_initiatives)
    initiatives = []
    for i in range(n):
        effects = {f"m{m}": rng.choice([0, 1, 2, 3, 4.5, 6])
                   for m in rng.sample(range(n_moments), rng.randint(1, 2))}
        cost = rng.randint(0, 10)
        initiative = {"id": f"i{i}", "name": f"Initiative {i}", "effects": effects,
                      "cost": {"P1": cost, "P2": rng.randint(0, 4)} if periods else cost,
                      "confidence": rng.choice([0.5, 0.8, 1]),
                      "decision": rng.choices(["auto", "fund", "reject"], [10, 1, 1])[0]}
        if resources:
            initiative["uses"] = {"r": rng.randint(0, 3)}
        others = [f"i{j}" for j in range(n) if j != i]
        if others and rng.random() < 0.2:
            initiative["requires"] = [rng.choice(others)]
        if others and rng.random() < 0.2:
            initiative["excludes"] = [rng.choice(others)]
        initiatives.append(initiative)
    document = {"plan": "random", "max_focus": rng.randint(1, 3), "moments": moments,
                "influences": influences, "initiatives": initiatives, "periods": periods,
                "resources": resources}
    if rng.random() < 0.8:
        document["budget"] = rng.randint(0, 30)
    return document


def _reaches(feeds: dict[int, set[int]], start: int, goal: int) -> bool:
    todo, seen = [start], set()
    while todo:
        moment = todo.pop()
        if moment == goal:
            return True
        if moment not in seen:
            seen.add(moment)
            todo.extend(feeds[moment])
    return False


def random_plan(seed: int, **kwargs):
    return plan_from_dict(random_document(random.Random(seed), **kwargs))


def paths_from(plan, moment_id: str, factor: float = 1.0):
    """(moment, product of the factors) for every path from the moment, the empty one
    first: MODEL.md's F_jm, written out path by path."""
    yield moment_id, factor
    for influence in plan.influences:
        if influence.source == moment_id:
            yield from paths_from(plan, influence.target, factor * influence.factor)


def effective_uplift(plan) -> dict[tuple[str, str], float]:
    uplift: dict[tuple[str, str], float] = {}
    for initiative in plan.initiatives:
        for moment_id, amount in initiative.effects:
            for target, factor in paths_from(plan, moment_id):
                key = (initiative.id, target)
                uplift[key] = uplift.get(key, 0.0) + initiative.confidence * factor * amount
    return {key: value for key, value in uplift.items() if value > 0}


def impact_of(plan, funded: set[str], focus: set[str]) -> float:
    uplift = effective_uplift(plan)
    total = 0.0
    for moment in plan.moments:
        if moment.id not in focus:
            continue
        gained = sum(uplift.get((i, moment.id), 0.0) for i in funded)
        cap = gained if moment.headroom is None else min(gained, moment.headroom)
        total += moment.weight * cap
    return total


def feasible(plan, funded: set[str], focus: set[str]) -> bool:
    uplift = effective_uplift(plan)
    by_id = {i.id: i for i in plan.initiatives}
    if len(focus) > plan.max_focus:
        return False
    for moment_id in focus:
        if not any(uplift.get((i, moment_id), 0) > 0 for i in funded):
            return False
    cost = sum(by_id[i].total_cost for i in funded)
    if plan.budget is not None and cost > plan.budget + 1e-9:
        return False
    for period in plan.periods:
        spent = sum(by_id[i].cost_in(period.id) for i in funded)
        if period.budget is not None and spent > period.budget + 1e-9:
            return False
    for resource in plan.resources:
        if sum(dict(by_id[i].uses).get(resource.id, 0) for i in funded) > resource.capacity + 1e-9:
            return False
    for initiative in plan.initiatives:
        inside = initiative.id in funded
        if initiative.decision == "fund" and not inside:
            return False
        if initiative.decision == "reject" and inside:
            return False
        if not inside:
            continue
        if initiative.decision == "auto" and not any(
                uplift.get((initiative.id, m), 0) > 0 for m in focus):
            return False
        if any(other not in funded for other in initiative.requires):
            return False
        if any(other in funded for other in initiative.excludes):
            return False
    return True


def exhaustive(plan) -> tuple[float, float] | None:
    """(best impact, cheapest cost among the best) over every portfolio and focus; None if
    no portfolio is feasible."""
    ids = [i.id for i in plan.initiatives]
    cost = {i.id: i.total_cost for i in plan.initiatives}
    moment_ids = [m.id for m in plan.moments]
    best: tuple[float, float] | None = None
    for size in range(len(ids) + 1):
        for chosen in itertools.combinations(ids, size):
            funded = set(chosen)
            for k in range(plan.max_focus + 1):
                for focus in itertools.combinations(moment_ids, k):
                    if not feasible(plan, funded, set(focus)):
                        continue
                    value = impact_of(plan, funded, set(focus))
                    price = sum(cost[i] for i in funded)
                    if best is None or value > best[0] + 1e-9 * max(1, abs(best[0])):
                        best = (value, price)
                    elif math.isclose(value, best[0], rel_tol=1e-9, abs_tol=1e-9):
                        best = (best[0], min(best[1], price))
    return best
