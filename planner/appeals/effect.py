"""What an appeal's figures would change: the decision's plan solved again with the
initiative's new cost (each period's share kept) and confidence."""

from __future__ import annotations

import copy
from typing import Any

import optimizer


def shares_of(amounts: list[float], total: float) -> list[float]:
    """A new total cost spread over the periods as the old one was (each keeps its share);
    all of it in the first when the old one was nothing."""
    old = sum(amounts)
    if old:
        return [amount * total / old for amount in amounts]
    return [total] + [0.0] * (len(amounts) - 1) if amounts else []


def with_figures(document: dict[str, Any], key: str, cost: float | None,
                 confidence: float | None) -> dict[str, Any]:
    """The plan document with the initiative's cost and confidence replaced."""
    changed = copy.deepcopy(document)
    for entry in changed["initiatives"]:
        if entry["id"] != key:
            continue
        if confidence is not None:
            entry["confidence"] = confidence
        if cost is not None:
            old = entry.get("cost", 0)
            entry["cost"] = (dict(zip(old, shares_of(list(old.values()), cost), strict=True))
                             if isinstance(old, dict) and old else cost)
    return changed


def effect(document: dict[str, Any], funded: list[str], key: str, cost: float | None,
           confidence: float | None, options: optimizer.Options) -> dict[str, Any]:
    """Would the optimiser fund it with these figures, at what impact, dropping what."""
    plan = optimizer.plan_from_dict(with_figures(document, key, cost, confidence))
    result = optimizer.solve(plan, options)
    if not result.has_portfolio:
        return {"funded": False, "impact": None, "displaces": [], "status": result.status}
    return {"funded": key in result.funded, "impact": result.impact,
            "displaces": sorted(set(funded) - set(result.funded)), "status": result.status}
