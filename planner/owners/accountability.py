"""What each owner is accountable for this cycle: its moments, whether each is a focus
moment of the decision, the funded work that moves it (along chains of back-stage steps
too) and the improvement the decision expects of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models import Moment, Run
from planner.runs.breakdown import NO_OWNER, Arrival, arrivals, expected_points


@dataclass(frozen=True)
class Owned:
    """One moment of an owner, as the decision left it (None: not in the run's plan)."""

    moment: Moment
    focus: bool | None
    expected: float | None  # points: funded work's uplift, capped by the headroom
    arrivals: list[Arrival] = field(default_factory=list)

    @property
    def in_run(self) -> bool:
        return self.focus is not None


@dataclass
class Owner:
    name: str  # NO_OWNER: the moments nobody owns yet
    moments: list[Owned] = field(default_factory=list)

    @property
    def focus(self) -> list[Owned]:
        return [owned for owned in self.moments if owned.focus]

    @property
    def work(self) -> list[str]:
        """The funded initiatives that move any of its moments, by name, once each."""
        return sorted({arrival.name for owned in self.moments for arrival in owned.arrivals})


def owners(moments: list[Moment], run: Run | None) -> list[Owner]:
    """Every owner of these moments (by name; those nobody owns last), each with what the
    run decided for its moments."""
    figures = _figures(run)
    by_name: dict[str, Owner] = {}
    for moment in moments:
        name = moment.owner.strip()
        owner = by_name.setdefault(name, Owner(name))
        focus, expected, arrived = figures.get(moment.key, (None, None, []))
        owner.moments.append(Owned(moment, focus, expected, arrived))
    return sorted(by_name.values(), key=lambda owner: (owner.name == NO_OWNER,
                                                      owner.name.casefold()))


def _figures(run: Run | None) -> dict[str, tuple[bool, float, list[Arrival]]]:
    """Per moment id of the run: whether it is in focus, the improvement expected of it
    and the funded work that brings it."""
    if run is None or not run.result.get("moments"):
        return {}
    result: dict[str, Any] = run.result
    brought = arrivals(run.inputs, result.get("funded", []))
    figures = {}
    for moment in result["moments"]:
        expected = expected_points(moment)
        figures[moment["id"]] = (bool(moment["focus"]), expected,
                                 sorted(brought.get(moment["id"], []),
                                        key=lambda arrival: -arrival.amount))
    return figures
