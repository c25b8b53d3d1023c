"""What an explanation of a rejected initiative says: plain data, as stored with a run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Explanation:
    """Why one initiative was not funded, and what would change the answer."""

    id: str
    reason: str  # the say-no reason code of the run (docs/model.md)
    message: str  # what the proposing team reads, with the figures below in words
    impact: float  # the run's impact
    # The best portfolio with it forced in (decision `fund`, exempt from the say-no rule),
    # the cheapest of that impact: what optimizer.solve gives with that decision.
    impact_if_funded: float | None  # its impact; None: no portfolio can fund it
    impact_lost: float | None  # impact - impact_if_funded, or 0 when that is not less
    displaces: list[str] = field(default_factory=list)  # funded ids that portfolio drops
    brings: list[str] = field(default_factory=list)  # ids it funds that the run did not
    focus_out: list[str] = field(default_factory=list)  # focus moments it gives up
    focus_in: list[str] = field(default_factory=list)  # focus moments it takes instead
    break_even_cost: float | None = None  # highest cost at which it would be funded
    # Where that cost is a step below a round boundary at which it would only tie the run
    # (the same impact at the same cost, which does not make it the better choice): that
    # boundary, so that the words say "under EUR 60,000", not "EUR 59,999 or less".
    break_even_under: float | None = None
    break_even_uplift: float | None = None  # factor its uplifts need (None: not up to x10)
    binding: list[str] = field(default_factory=list)  # the limits in the way, in words
    conflict: str | None = None  # why no portfolio can fund it, when none can
    solves: int = 0  # solver calls this explanation took
    # Where, forced in, it would move no focus moment: the best portfolio in which it
    # counts (one of its moments in focus), when that gives less; or why none can.
    impact_if_counted: float | None = None  # that portfolio's impact
    counted_focus: list[str] = field(default_factory=list)  # its moments in focus there
    counted_conflict: str | None = None  # why no portfolio funds it with one in focus

    @property
    def focus_change(self) -> dict[str, list[str]]:
        return {"out": self.focus_out, "in": self.focus_in}

    def to_dict(self) -> dict[str, Any]:
        document = asdict(self)
        document["focus_change"] = self.focus_change
        return document


def explanation_from_dict(document: dict[str, Any]) -> Explanation:
    """An explanation from its document; one stored before a field existed gets its
    default."""
    fields = {key: value for key, value in document.items() if key != "focus_change"}
    return Explanation(**fields)
