"""What would make a borderline or exterior initiative core: read from the samples and
what each gave (docs/model.md, "Uncertainty"), not from a solve of its own.

Among the solved samples, those in which the initiative's cost turned out at or below a
figure (or an uplift at or above one) are a plan of their own kind; the highest such cost
(the lowest such uplift) under which it is chosen in at least CORE of them is what would
make it core. Too few samples under a figure say nothing: at least `enough` must be.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from optimizer.plan import Plan

CORE = 0.9  # a chosen share at or above which an initiative is core (docs/model.md)
FEWEST = 10  # samples a condition must hold in, at the least, to say anything of it
FEWEST_SHARE = 0.05  # ... and this share of the solved samples


def has_portfolio(outcome: dict[str, Any]) -> bool:
    """Whether a sample's solve gave a portfolio (infeasible samples are counted apart)."""
    return outcome.get("impact") is not None  # as optimizer.uncertainty.summarise counts them


def core_if(plan: Plan, samples: Sequence[dict[str, Any]], outcomes: Sequence[dict[str, Any]],
            initiatives: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """For each initiative of the result that is not core: the highest cost at or below
    which it is chosen in at least 90% of cases (None when none), the lowest uplift per
    moment at or above which (None when none), and its chosen share."""
    solved = [(sample, set(outcome["funded"])) for sample, outcome in zip(
        samples, outcomes, strict=True) if has_portfolio(outcome)]
    enough = max(FEWEST, int(FEWEST_SHARE * len(solved) + 0.999999))
    found: dict[str, dict[str, Any]] = {}
    for entry in initiatives:
        if entry.get("class") == "core":
            continue
        key = entry["id"]
        initiative = plan.initiative(key)
        chosen = [key in funded for _, funded in solved]
        costs = [sample.get("cost", {}).get(key, initiative.total_cost) for sample, _ in solved]
        uplifts = {}
        for moment, likely in initiative.effects:
            drawn = [sample.get("effects", {}).get(key, {}).get(moment, likely)
                     for sample, _ in solved]
            threshold = _threshold(drawn, chosen, enough, lower_is_better=False)
            if threshold is not None:
                uplifts[moment] = threshold
        found[key] = {"cost_at_most": _threshold(costs, chosen, enough,
                                                   lower_is_better=True),
                      "uplift_at_least": uplifts or None,
                      "share": entry.get("chosen_share")}
    return found


def _threshold(values: Sequence[float], chosen: Sequence[bool], enough: int, *,
               lower_is_better: bool) -> float | None:
    """The figure furthest from the favourable end such that, among the samples whose
    value is as good as it or better, the initiative is chosen in at least CORE of them
    and there are at least `enough`; None when no figure does, or the value never varies
    (then it is not what decides the choice)."""
    pairs = sorted(zip(values, chosen, strict=True), key=lambda pair: pair[0],
                   reverse=not lower_is_better)
    if len(pairs) < 2 or pairs[0][0] == pairs[-1][0]:
        return None
    best, count, hits = None, 0, 0
    for index, (value, hit) in enumerate(pairs):
        count, hits = count + 1, hits + hit
        last_of_its_value = index + 1 == len(pairs) or pairs[index + 1][0] != value
        if last_of_its_value and count >= enough and hits >= CORE * count:
            best = value
    return None if best == pairs[-1][0] else best
