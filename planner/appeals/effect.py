"""What an appeal's figures would change: the decision's plan solved again with every input
the appeal changes (the cost, in total or per period, the uplift on each moment, the use of
each resource, the confidence), and those changes in words."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import optimizer
from optimizer.planfile import follow_ranges

# The inputs an appeal changes besides its cost and confidence (Appeal.changes), each a
# {key in the plan: new amount}, and how each reads: "cost in H1", "uplift on Checkout".
KINDS = ("costs", "effects", "uses")
WORDS = {"costs": "cost in", "effects": "uplift on", "uses": "use of"}


@dataclass
class Figures:
    """An appeal's new figures: None and {} where it leaves an input as it is."""

    cost: float | None = None  # the new total cost, each period keeping its share
    confidence: float | None = None
    changes: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return self.cost is None and self.confidence is None and not any(
            self.changes.get(kind) for kind in KINDS)


def shares_of(amounts: list[float], total: float) -> list[float]:
    """A new total cost spread over the periods as the old one was (each keeps its share);
    all of it in the first when the old one was nothing."""
    old = sum(amounts)
    if old:
        return [amount * total / old for amount in amounts]
    return [total] + [0.0] * (len(amounts) - 1) if amounts else []


def with_figures(document: dict[str, Any], key: str, figures: Figures) -> dict[str, Any]:
    """The plan document with the initiative's inputs changed as the appeal says."""
    changed = copy.deepcopy(document)
    for position, entry in enumerate(changed["initiatives"]):
        if entry["id"] != key:
            continue
        before = copy.deepcopy(entry)
        if figures.confidence is not None:
            entry["confidence"] = figures.confidence
        old = entry.get("cost", 0)
        if figures.cost is not None:
            entry["cost"] = (dict(zip(old, shares_of(list(old.values()), figures.cost),
                                      strict=True))
                             if isinstance(old, dict) and old else figures.cost)
        costs = figures.changes.get("costs") or {}
        if costs:
            entry["cost"] = {**(entry["cost"] if isinstance(entry.get("cost"), dict)
                                else {}), **costs}
        for kind in ("effects", "uses"):
            if figures.changes.get(kind):
                entry[kind] = {**entry.get(kind, {}), **figures.changes[kind]}
        # The initiative's own ranges keep their shares of the new figures.
        changed["initiatives"][position] = follow_ranges(before, entry)
    return changed


def effect(document: dict[str, Any], funded: list[str], key: str, figures: Figures,
           options: optimizer.Options) -> dict[str, Any]:
    """Would the optimiser fund it with these figures, at what impact, dropping what."""
    plan = optimizer.plan_from_dict(with_figures(document, key, figures))
    result = optimizer.solve(plan, options)
    if not result.has_portfolio:
        return {"funded": False, "impact": None, "displaces": [], "status": result.status}
    return {"funded": key in result.funded, "impact": result.impact,
            "displaces": sorted(set(funded) - set(result.funded)), "status": result.status}


def now_of(entry: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The initiative's inputs as a plan document has them, by kind: its costs per period
    (none for a plan without periods), uplifts and uses."""
    cost = entry.get("cost", 0)
    return {"costs": dict(cost) if isinstance(cost, dict) else {},
            "effects": dict(entry.get("effects", {})), "uses": dict(entry.get("uses", {}))}


def total_of(entry: dict[str, Any]) -> float:
    cost = entry.get("cost", 0)
    return float(sum(cost.values()) if isinstance(cost, dict) else cost)


def in_words(figures: Figures, before: dict[str, Any], labels: dict[str, dict[str, str]],
             number: Any) -> list[str]:
    """Each change, as the record and the history say it: "cost 90,000 -> 70,000",
    "uplift on Checkout 4 -> 6". `before`: {"cost", "confidence", and each kind's
    {key: amount}} as they were; `labels`: each kind's {key: name}; `number` writes one."""
    said = []
    if figures.cost is not None:
        said.append(f"cost {number(before.get('cost', 0))} -> {number(figures.cost)}")
    for kind in KINDS:
        for key, amount in (figures.changes.get(kind) or {}).items():
            name = labels.get(kind, {}).get(key, key)
            old = before.get(kind, {}).get(key)
            said.append(f"{WORDS[kind]} {name} {number(old) if old is not None else 'none'}"
                        f" -> {number(amount)}")
    if figures.confidence is not None:
        said.append(f"confidence {number(before.get('confidence', 1))} -> "
                    f"{number(figures.confidence)}")
    return said


def figures_of(appeal: Any) -> Figures:
    """An appeal's figures, from its row."""
    changes = {kind: dict(amounts) for kind, amounts in (appeal.changes or {}).items()
               if kind in KINDS and amounts}
    return Figures(cost=appeal.cost, confidence=appeal.confidence, changes=changes)
