"""The cycle review's figures, from the published run, the delivery statuses and the
measured scores alone, by a rule anyone can redo by hand:

- A focus moment's expected improvement is the decision's: its funded work's uplift, times
  confidence, along the chains, capped by its headroom. Its measured change is its newest
  score measured after the day of the decision less its last score on or before that day.
- Each funded initiative's share of the expected improvement is its uplift on the moment
  over all the funded work's uplift on it (a headroom cap is shared pro rata).
- The measured change is credited to the delivered work alone, in proportion to those
  shares: work dropped or not delivered yet is credited nothing.
- A team's realised over expected is the sum of its credits over the sum of its delivered
  work's shares, on the focus moments measured since the decision. Its suggested confidence
  is its credits over what its shares would have been had it been sure (confidence 1),
  between MOST_DOUBT and 1: the confidence at which the decision's expectation of its
  delivered work would have come true. It is shown, never applied by itself.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.initiative import DELIVERED
from planner.runs.breakdown import arrivals

MOST_DOUBT = 0.05  # the least confidence suggested: a confidence is above 0


@dataclass(frozen=True)
class Reading:
    day: date
    score: float


@dataclass(frozen=True)
class MomentReview:
    """A focus moment of the decision: what was expected of it and what was measured."""

    key: str
    name: str
    owner: str
    expected: float  # points
    before: Reading | None  # the score at the decision
    latest: Reading | None  # the newest score since
    delivered: float  # the delivered work's shares of `expected`

    @property
    def change(self) -> float | None:
        if self.before is None or self.latest is None:
            return None
        return self.latest.score - self.before.score

    @property
    def realised(self) -> float | None:
        """The measured change over the expected improvement."""
        change = self.change
        return None if change is None or self.expected <= 0 else change / self.expected


@dataclass
class TeamReview:
    """A team's funded work by delivery status, and what its delivered work realised."""

    team: str
    statuses: Counter[str] = field(default_factory=Counter)
    expected: float = 0.0  # its delivered work's shares, on focus moments measured since
    realised: float = 0.0  # the measured change credited to it
    if_sure: float = 0.0  # its shares had its confidence been 1
    unmeasured: float = 0.0  # its delivered work's shares on moments not measured since

    @property
    def ratio(self) -> float | None:
        return self.realised / self.expected if self.expected > 0 else None

    @property
    def suggested_confidence(self) -> float | None:
        if self.if_sure <= 0:
            return None
        return min(1.0, max(MOST_DOUBT, self.realised / self.if_sure))


def review(inputs: dict[str, Any], result: dict[str, Any], day: date,
           delivery: dict[str, str], measured: dict[str, list[Reading]]
           ) -> tuple[list[MomentReview], list[TeamReview]]:
    """The review of a decision made on `day` (its run's plan document and result), with the
    funded work's delivery status by initiative id and the scores measured by moment id
    (oldest first)."""
    moments = {m["id"]: m for m in inputs["moments"]}
    work = {i["id"]: i for i in inputs["initiatives"]}
    shares = expected_shares(inputs, result)
    reviewed = []
    for figure in result.get("moments", []):
        if not figure.get("focus"):
            continue
        key, expected = figure["id"], figure["improvement"]
        readings = measured.get(key, [])
        before = [r for r in readings if r.day <= day]
        after = [r for r in readings if r.day > day]
        reviewed.append(MomentReview(
            key, moments[key]["name"], moments[key].get("owner", ""), expected,
            before[-1] if before else None, after[-1] if after else None,
            math.fsum(s for i, s in shares[key].items() if delivery.get(i) == DELIVERED)))
    return reviewed, _teams(work, result["funded"], delivery, shares,
                            {m.key: m for m in reviewed})


def expected_shares(inputs: dict[str, Any], result: dict[str, Any]
                    ) -> dict[str, dict[str, float]]:
    """{focus moment: {funded initiative: its share of the moment's expected improvement}}:
    its uplift arriving there over all the funded work's, times the expected improvement."""
    brought = arrivals(inputs, result["funded"])
    shares = {}
    for figure in result.get("moments", []):
        if not figure.get("focus"):
            continue
        uplift = Counter[str]()
        for arrival in brought.get(figure["id"], []):
            uplift[arrival.key] += arrival.amount
        total = math.fsum(uplift.values())
        shares[figure["id"]] = {i: amount * figure["improvement"] / total
                                for i, amount in uplift.items() if total > 0}
    return shares


def _teams(work: dict[str, dict[str, Any]], funded: list[str], delivery: dict[str, str],
           shares: dict[str, dict[str, float]], moments: dict[str, MomentReview]
           ) -> list[TeamReview]:
    teams: dict[str, TeamReview] = {}
    for key in funded:
        team = teams.setdefault(work[key].get("team", ""), TeamReview(work[key].get("team", "")))
        status = delivery.get(key)
        team.statuses[status or "no longer in the plan"] += 1
        if status != DELIVERED:
            continue
        for moment, share in ((m, s[key]) for m, s in shares.items() if key in s):
            reviewed = moments[moment]
            if share <= 0:
                continue
            if reviewed.change is None:
                team.unmeasured += share
                continue
            team.expected += share
            team.realised += reviewed.change * share / reviewed.delivered
            team.if_sure += share / work[key].get("confidence", 1.0)
    return sorted(teams.values(), key=lambda t: (t.team == "", t.team.casefold()))
