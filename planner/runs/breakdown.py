"""How each focus moment's improvement adds up: every funded initiative's uplift on it, times
its confidence, times the factor of the back-stage step it arrives through (the engine's own
rule, optimizer.influence.landing), capped by the moment's headroom; and what a run expects
of each moment, which the say-no memo and the owners' pages give per owner."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optimizer.influence import landing, uplift_parts
from optimizer.plan import Influence

NO_OWNER = ""  # the owner of the moments nobody owns yet


@dataclass(frozen=True)
class Arrival:
    """One funded initiative's share of a moment's improvement, along one way in."""

    key: str  # the initiative's id
    name: str  # the initiative's
    uplift: float  # as tagged, on the moment itself or on the step it arrives through
    confidence: float
    via: str | None  # the back-stage step's name; None when tagged to the moment itself
    factor: float  # along the way (1.0 on the moment itself)

    @property
    def amount(self) -> float:
        return self.uplift * self.confidence * self.factor


def arrivals(inputs: dict[str, Any], funded: list[str]) -> dict[str, list[Arrival]]:
    """Per moment id, what the funded work brings it, from the plan document a run solved."""
    names = {moment["id"]: moment["name"] for moment in inputs["moments"]}
    lands = landing(names, [Influence(f["from"], f["to"], f["factor"])
                            for f in inputs.get("influences", [])])
    work = {initiative["id"]: initiative for initiative in inputs["initiatives"]}
    found: dict[str, list[Arrival]] = {key: [] for key in names}
    for key in funded:
        initiative = work[key]
        effects = list(initiative.get("effects", {}).items())
        confidence = initiative.get("confidence", 1.0)
        for moment in {target for tagged, _ in effects for target, _ in lands.get(tagged, ())}:
            for tagged, uplift, factor in uplift_parts(lands, effects, moment):
                found[moment].append(Arrival(key, initiative["name"], uplift, confidence,
                                             None if tagged == moment else names[tagged],
                                             factor))
    return found


def expected_points(figure: dict[str, Any]) -> float:
    """What a run expects a moment to move (its result entry): the funded work's uplift on
    it, capped by its headroom."""
    uplift, headroom = figure.get("uplift", 0.0), figure.get("headroom")
    return uplift if headroom is None else min(uplift, headroom)
