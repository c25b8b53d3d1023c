"""The say-no memo by owner: for each owner of the moments a run solved for (the plan as it
was then), its moments, the funded work that moves them and the work turned down that would
have (tagged to one of them, or to a back-stage step whose chain reaches one)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from optimizer.influence import landing
from optimizer.plan import Influence
from planner.owners.accountability import NO_OWNER, expected_points
from planner.runs.breakdown import arrivals
from planner.runs.reports import SayNoEntry


@dataclass
class OwnerMemo:
    owner: str  # NO_OWNER: the moments nobody owned
    moments: list[tuple[str, bool, float]] = field(default_factory=list)  # name, focus, points
    funded: list[tuple[str, float]] = field(default_factory=list)  # name, points on them
    not_funded: list[SayNoEntry] = field(default_factory=list)


def memo_by_owner(inputs: dict[str, Any], result: dict[str, Any],
                  entries: list[SayNoEntry]) -> list[OwnerMemo]:
    """Per owner (alphabetical, the moments nobody owned last), from a run's inputs and
    result and its say-no entries."""
    moments = inputs["moments"]
    figures = {moment["id"]: moment for moment in result.get("moments", [])}
    lands = landing([m["id"] for m in moments], [
        Influence(f["from"], f["to"], f["factor"]) for f in inputs.get("influences", [])])
    reaches = {initiative["id"]: {target for tagged in initiative.get("effects", {})
                                  for target, _ in lands.get(tagged, ())}
               for initiative in inputs["initiatives"]}
    brought = arrivals(inputs, result.get("funded", []))
    memos: dict[str, OwnerMemo] = {}
    owned: dict[str, set[str]] = {}
    for moment in moments:
        owner = (moment.get("owner") or NO_OWNER).strip()
        memo = memos.setdefault(owner, OwnerMemo(owner))
        owned.setdefault(owner, set()).add(moment["id"])
        figure = figures.get(moment["id"], {})
        memo.moments.append((moment["name"], bool(figure.get("focus")),
                             expected_points(figure)))
    for owner, memo in memos.items():
        points: dict[str, list[float]] = {}
        for moment_id in owned[owner]:
            for arrival in brought.get(moment_id, []):
                points.setdefault(arrival.name, []).append(arrival.amount)
        memo.funded = sorted(((name, math.fsum(amounts)) for name, amounts in points.items()),
                             key=lambda line: (-line[1], line[0]))
        memo.not_funded = [entry for entry in entries
                           if reaches.get(entry.key, set()) & owned[owner]]
    return sorted(memos.values(), key=lambda memo: (memo.owner == NO_OWNER,
                                                    memo.owner.casefold()))
