"""Small plans drawn by Hypothesis, and an exhaustive search over them, written from
docs/model.md alone."""

import itertools
import math

from hypothesis import settings
from hypothesis import strategies as st

from optimizer import plan_from_dict

# Each list starts with the value a failing plan shrinks to.
WEIGHTS = st.sampled_from([1, 2, 3, 5, 0])
HEADROOMS = st.sampled_from([10, 6, 4, 2.5, 1])
FACTORS = st.sampled_from([1, 0.5, 0.25])
AMOUNTS = st.sampled_from([1, 2, 3, 4.5, 6, 0])
CONFIDENCES = st.sampled_from([1, 0.8, 0.5])


def examples(count: int) -> settings:
    """Settings of a property that draws `count` examples in CI: a share of the loaded
    profile's, so that `HYPOTHESIS_PROFILE=explore` draws five times as many."""
    return settings(max_examples=max(1, count * settings.default.max_examples // 100))


# Seeds of optimizer.samples.generate_plan, the realistic sample plans of demos and
# benchmarks. It draws from a seed of its own, so the seed is what a property draws (and
# shrinks to): rebuilding the generator as a strategy would test a copy of it, not the
# plans it makes.
SAMPLE_SEEDS = st.integers(0, 2**16)


def _now_and_then(draw, strategy, one_in: int):
    """A value of `strategy` about once in `one_in` draws, else None (what it shrinks to)."""
    return draw(strategy) if draw(st.integers(1, one_in)) == one_in else None


@st.composite
def plan_documents(draw, *, max_initiatives: int = 7, chained: bool = False) -> dict:
    """A plan-file document of 2 to 4 moments and 1 to `max_initiatives` initiatives that
    may hold every rule a plan can: headroom, back-stage steps feeding others in chains
    (never in a cycle), a budget, periods with a budget of their own, a resource's
    capacity, forced decisions, requires and excludes. `chained`: at least 3 moments, and
    the first back-stage step feeds a second that feeds a third moment.

    Each part is drawn on its own, so that a failing plan shrinks to fewer initiatives and
    moments, and to no rule that it does not need."""
    n_moments = draw(st.integers(3 if chained else 2, 4))
    moments = []
    for m in range(n_moments):
        side = "back" if chained and m < 2 else draw(st.sampled_from(["front", "back"]))
        moment = {"id": f"m{m}", "name": f"Moment {m}", "weight": draw(WEIGHTS), "side": side}
        headroom = draw(st.none() | HEADROOMS)
        if headroom is not None:
            moment["headroom"] = headroom
        moments.append(moment)
    influences = []
    feeds: dict[int, set[int]] = {m: set() for m in range(n_moments)}

    def feed(source: int, target: int, factor: float) -> None:
        feeds[source].add(target)
        influences.append({"from": f"m{source}", "to": f"m{target}", "factor": factor})

    if chained:
        feed(0, 1, draw(FACTORS))
        feed(1, 2, draw(FACTORS))
    for source, target in itertools.permutations(range(n_moments), 2):
        if (moments[source]["side"] == "back" and target not in feeds[source]
                and not _reaches(feeds, target, source)):  # else it would close a cycle
            factor = _now_and_then(draw, FACTORS, 3)
            if factor is not None:
                feed(source, target, factor)
    periods = []
    if draw(st.booleans()):
        periods = [{"id": "P1", "budget": draw(st.integers(0, 15))}, {"id": "P2"}]
    resources = [{"id": "r", "capacity": draw(st.integers(0, 6))}] if draw(st.booleans()) else []
    drawn = draw(st.lists(_initiatives(n_moments, bool(periods), bool(resources)),
                          min_size=1, max_size=max_initiatives))
    initiatives = [{"id": f"i{i}", "name": f"Initiative {i}", **parts}
                   for i, parts in enumerate(drawn)]
    for initiative in initiatives:  # the rules between initiatives, once all are drawn
        others = [other["id"] for other in initiatives if other is not initiative]
        if others:
            for rule in ("requires", "excludes"):
                other = _now_and_then(draw, st.sampled_from(others), 5)
                if other is not None:
                    initiative[rule] = [other]
    document = {"plan": "random", "max_focus": draw(st.integers(1, 3)), "moments": moments,
                "influences": influences, "initiatives": initiatives, "periods": periods,
                "resources": resources}
    if draw(st.integers(0, 4)) > 0:
        document["budget"] = draw(st.integers(0, 30))
    return document


@st.composite
def _initiatives(draw, n_moments: int, periods: bool, resources: bool) -> dict:
    """An initiative of a plan_documents plan, but its id, name and links to others: one
    item of a list, which a failing plan shrinks by dropping."""
    targets = draw(st.lists(st.integers(0, n_moments - 1), min_size=1, max_size=2,
                            unique=True))
    effects = {f"m{m}": draw(AMOUNTS) for m in targets}
    cost = draw(st.integers(0, 10))
    initiative = {"effects": effects,
                  "cost": {"P1": cost, "P2": draw(st.integers(0, 4))} if periods else cost,
                  "confidence": draw(CONFIDENCES),
                  "decision": _now_and_then(draw, st.sampled_from(["fund", "reject"]), 6)
                  or "auto"}
    if resources:
        initiative["uses"] = {"r": draw(st.integers(0, 3))}
    return initiative


def plans(*, max_initiatives: int = 7, chained: bool = False) -> st.SearchStrategy:
    """Plans of the documents `plan_documents` draws."""
    return plan_documents(max_initiatives=max_initiatives, chained=chained).map(plan_from_dict)


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


def paths_from(plan, moment_id: str, factor: float = 1.0):
    """(moment, product of the factors) for every path from the moment, the empty one
    first: docs/model.md's F_jm, written out path by path."""
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


def impact_of(plan, funded: set[str], focus: set[str], uplift: dict | None = None) -> float:
    """`uplift`: the plan's effective_uplift, when the caller has it already."""
    uplift = effective_uplift(plan) if uplift is None else uplift
    total = 0.0
    for moment in plan.moments:
        if moment.id not in focus:
            continue
        gained = sum(uplift.get((i, moment.id), 0.0) for i in funded)
        cap = gained if moment.headroom is None else min(gained, moment.headroom)
        total += moment.weight * cap
    return total


def feasible(plan, funded: set[str], focus: set[str], uplift: dict | None = None) -> bool:
    """`uplift`: the plan's effective_uplift, when the caller has it already."""
    uplift = effective_uplift(plan) if uplift is None else uplift
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
    uplift = effective_uplift(plan)
    best: tuple[float, float] | None = None
    for size in range(len(ids) + 1):
        for chosen in itertools.combinations(ids, size):
            funded = set(chosen)
            for k in range(plan.max_focus + 1):
                for focus in itertools.combinations(moment_ids, k):
                    if not feasible(plan, funded, set(focus), uplift):
                        continue
                    value = impact_of(plan, funded, set(focus), uplift)
                    price = sum(cost[i] for i in funded)
                    if best is None or value > best[0] + 1e-9 * max(1, abs(best[0])):
                        best = (value, price)
                    elif math.isclose(value, best[0], rel_tol=1e-9, abs_tol=1e-9):
                        best = (best[0], min(best[1], price))
    return best
