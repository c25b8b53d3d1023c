"""Influences: how a point of uplift on a moment spreads to the moments it feeds, along
every chain of back-stage steps (docs/model.md's F_jm), and the cycle that a plan's influences
must not have."""

from __future__ import annotations

from collections.abc import Iterable

from optimizer.plan import Influence


def landing(moment_ids: Iterable[str], influences: Iterable[Influence]
            ) -> dict[str, list[tuple[str, float]]]:
    """Where a point of uplift on each moment lands, by moment id: on the moment itself
    (factor 1.0) and on every moment a chain of influences leads to, the factor of each the
    sum over every path of the product of the factors on it (docs/model.md's F_jm). The moment's
    own factor 1.0 changes no bit of p * 1.0 * u, so every share is computed alike. The
    engine and every breakdown of its figures read this one rule. ValueError on a cycle
    (plan files and forms refuse one first: influence_cycle)."""
    ids = list(moment_ids)
    feeds: dict[str, list[tuple[str, float]]] = {moment_id: [] for moment_id in ids}
    for influence in influences:
        if influence.source in feeds:
            feeds[influence.source].append((influence.target, influence.factor))
    cycle = influence_cycle(feeds)
    if cycle:
        raise ValueError("influences form a cycle: " + " -> ".join(cycle))
    lands: dict[str, list[tuple[str, float]]] = {}

    def reach(moment_id: str) -> list[tuple[str, float]]:
        # Every moment reached from it, by the sum over paths (the graph is acyclic): the
        # moments it feeds directly, then what each of those reaches, scaled by the factor.
        if moment_id not in lands:
            totals: dict[str, float] = {moment_id: 1.0}
            for target, factor in feeds.get(moment_id, ()):
                for further, share in reach(target):
                    totals[further] = totals.get(further, 0.0) + factor * share
            lands[moment_id] = list(totals.items())
        return lands[moment_id]

    return {moment_id: reach(moment_id) for moment_id in ids}


def influence_cycle(feeds: dict[str, list[tuple[str, float]]]) -> list[str]:
    """A cycle of the influence graph (each moment's (target, factor) list) as the moments
    on it, the first again at the end; [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(moment_id: str) -> list[str]:
        state[moment_id] = 1
        path.append(moment_id)
        for target, _ in feeds.get(moment_id, ()):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if state.get(target) is None:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[moment_id] = 2
        return []

    for moment_id in sorted(feeds):
        if state.get(moment_id) is None:
            found = visit(moment_id)
            if found:
                return found
    return []


def uplift_parts(lands: dict[str, list[tuple[str, float]]],
                 effects: Iterable[tuple[str, float]], moment_id: str
                 ) -> list[tuple[str, float, float]]:
    """How an initiative's uplift (its `effects`) reaches a moment: for each moment it is
    tagged to, that moment's id, the uplift tagged and the factor along the way (1.0 on the
    moment itself); times the confidence, these add up to its effective uplift e_im."""
    return [(tagged, amount, factor) for tagged, amount in effects
            for target, factor in lands.get(tagged, ()) if target == moment_id]
