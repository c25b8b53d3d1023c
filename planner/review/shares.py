"""Default ranges proposed from a decided cycle (docs/model.md, "Uncertainty"): how wrong
the estimates of its delivered work turned out, as shares of the estimate, for the CX lead
to accept as the next plan's default shares (Plan.uncertainty).

- Uplifts: each delivered initiative's measured over planned uplift, on the focus moments
  measured since the decision (planner/review/figures.py): the measured change credited to
  it over its share of the expected improvement at confidence 1 (confidence is a chance of
  delivery, kept apart from a range; the work was delivered).
- Costs: actual over planned cost of the delivered work whose team recorded its actual
  cost with its delivery (planner/delivery), the planned cost being the one decided.
- The low share is the 10th percentile of these ratios (at most 1), the high share the 90th
  (at least 1), percentiles by linear interpolation between order statistics (numpy's
  default); nothing is proposed from fewer than MIN_BASIS initiatives.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.initiative import DELIVERED
from planner.review.figures import MomentReview, expected_shares

MIN_BASIS = 5  # initiatives a proposed share rests on, at least
LOW, HIGH = 10, 90  # percentiles of actual over planned


@dataclass(frozen=True)
class Proposal:
    """Default shares proposed for one kind of estimate ("cost", "effects"), from `basis`
    initiatives; `shares` None when none is proposed, `words` saying why or from what."""

    kind: str
    basis: int
    shares: tuple[float, float] | None
    words: str


def uplift_ratios(inputs: dict[str, Any], result: dict[str, Any],
                  reviewed: list[MomentReview], delivery: dict[str, str]) -> dict[str, float]:
    """{delivered initiative: measured over planned uplift} over the focus moments measured
    since the decision (`reviewed`, as figures.review gives them)."""
    shares = expected_shares(inputs, result)
    sure = {i["id"]: i.get("confidence", 1.0) for i in inputs["initiatives"]}
    credited, planned = Counter[str](), Counter[str]()
    for moment in reviewed:
        if moment.change is None or moment.delivered <= 0:
            continue
        for key, share in shares.get(moment.key, {}).items():
            if delivery.get(key) == DELIVERED and share > 0:
                credited[key] += moment.change * share / moment.delivered
                planned[key] += share / sure[key]
    return {key: credited[key] / planned[key] for key in sorted(planned)}


def cost_ratios(inputs: dict[str, Any], delivery: dict[str, str],
                actual: dict[str, float | None]) -> dict[str, float]:
    """{delivered initiative: actual over planned cost}, for the delivered work with an
    actual cost recorded and a planned cost above 0 (`inputs`: the decision's plan)."""
    planned = {}
    for entry in inputs["initiatives"]:
        cost = entry.get("cost", 0)
        planned[entry["id"]] = float(sum(cost.values()) if isinstance(cost, dict) else cost)
    return {key: actual[key] / planned[key] for key in sorted(actual)
            if delivery.get(key) == DELIVERED and actual[key] is not None
            and planned.get(key, 0) > 0}


def propose(kind: str, ratios: dict[str, float]) -> Proposal:
    """The default shares these ratios of actual over planned suggest, or None with why."""
    having, ratio = {"cost": ("an actual cost recorded", "actual over planned cost"),
                     "effects": ("a measured uplift", "measured over planned uplift")}[kind]
    basis = len(ratios)
    if basis < MIN_BASIS:
        return Proposal(kind, basis, None, (
            f"Too little to go on: {_count(basis)} delivered "
            f"{'initiative' if basis == 1 else 'initiatives'} with {having}, and a "
            f"default range rests on at least {MIN_BASIS}; none is proposed."))
    values = np.array(list(ratios.values()), dtype=float)
    low = min(1.0, float(np.percentile(values, LOW)))
    high = max(1.0, float(np.percentile(values, HIGH)))
    return Proposal(kind, basis, (low, high), (
        f"From {basis} delivered initiatives: {ratio} was "
        f"{_share(float(values.min()))} at the least and {_share(float(values.max()))} at "
        f"the most; the {LOW}th and {HIGH}th percentiles give {_share(low)} to "
        f"{_share(high)} of the estimate."))


def no_actual_cost() -> Proposal:
    """The cost proposal of a plan whose delivered work has no actual cost recorded."""
    return Proposal("cost", 0, None, "No cost range is proposed: no delivered work has its "
                                     "actual cost recorded yet (the Delivery page takes it "
                                     "with each status).")


def _share(value: float) -> str:
    return f"{value * 100:.0f}%"


def _count(number: int) -> str:
    return "none" if number == 0 else f"only {number}"
