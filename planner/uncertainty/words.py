"""How another portfolio differs from the decision, in words a CX lead reads aloud:
"funds App redesign instead of Store pilot North and Store pilot South; focus on Delivery
on the promised day instead of Easy returns"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

MOST_NAMED = 5  # names listed before "and 4 more"


def listed(names: Sequence[str], most: int | None = MOST_NAMED) -> str:
    """'A', 'A and B', 'A, B and C'; past `most` (None: never), 'A, B, C, D, E and 4
    more'."""
    names = list(names)
    if most is not None and len(names) > most:
        names = [*names[:most], f"{len(names) - most} more"]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _in_order(ids: Iterable[str], order: dict[str, int]) -> list[str]:
    return sorted(set(ids), key=lambda key: (order.get(key, len(order)), key))


def differences(decision: tuple[Iterable[str], Iterable[str]],
                other: tuple[Iterable[str], Iterable[str]], inputs: dict[str, Any]) -> str:
    """What `other` (funded ids, focus ids) does differently from `decision`, with the
    names of the run's plan document `inputs`, in the plan's order."""
    initiatives = {entry["id"]: entry.get("name") or entry["id"]
                   for entry in inputs.get("initiatives", [])}
    moments = {entry["id"]: entry.get("name") or entry["id"]
               for entry in inputs.get("moments", [])}
    parts = []
    for (mine, theirs), names, verbs in (
            ((decision[0], other[0]), initiatives, ("funds", "also funds", "does without")),
            ((decision[1], other[1]), moments,
             ("focus on", "also focus on", "no focus on"))):
        order = {key: index for index, key in enumerate(names)}
        added = [names.get(key, key) for key in _in_order(set(theirs) - set(mine), order)]
        dropped = [names.get(key, key) for key in _in_order(set(mine) - set(theirs), order)]
        if added and dropped:
            parts.append(f"{verbs[0]} {listed(added)} instead of {listed(dropped)}")
        elif added:
            parts.append(f"{verbs[1]} {listed(added)}")
        elif dropped:
            parts.append(f"{verbs[2]} {listed(dropped)}")
    return "; ".join(parts) if parts else "the same portfolio and focus as the decision"
