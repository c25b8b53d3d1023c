"""Scenarios: named variants of a plan that change a few settings, never the plan itself.

A scenario is a set of overrides (docs/plan-format.md fields): the total budget, period
budgets, the focus count, moment weights, resource capacities and forced decisions.
Applied to a plan document, it gives a new document, checked by the plan-file rules like
any other; the base document is not touched.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

from optimizer.finance.returns import PortfolioReturns, portfolio_returns
from optimizer.plan import DECISIONS, Plan
from optimizer.planfile import PlanError, follow_ranges, plan_from_dict
from optimizer.result import Result

OVERRIDE_KEYS = ("budget", "period_budgets", "max_focus", "weights", "capacities",
                 "decisions")


def _number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def check_overrides(overrides: dict[str, Any], document: dict[str, Any]) -> list[str]:
    """Every problem with these overrides of this plan document, each naming its field."""
    problems = [f"{key}: not something a scenario can change (it changes "
                f"{', '.join(OVERRIDE_KEYS)})" for key in overrides if key not in OVERRIDE_KEYS]
    if "budget" in overrides and overrides["budget"] is not None and not (
            _number(overrides["budget"]) and overrides["budget"] >= 0):
        problems.append(f"budget: must be a number >= 0 or none, not {overrides['budget']!r}")
    if "max_focus" in overrides and not (
            isinstance(overrides["max_focus"], int) and not isinstance(overrides["max_focus"], bool)
            and overrides["max_focus"] >= 1):
        problems.append(f"max_focus: must be a whole number >= 1, not {overrides['max_focus']!r}")
    tables = {
        "period_budgets": ({p["id"] for p in document.get("periods", [])}, "period",
                           lambda v: v is None or (_number(v) and v >= 0), "a number >= 0 or none"),
        "weights": ({m["id"] for m in document.get("moments", [])}, "moment",
                    lambda v: _number(v) and v >= 0, "a number >= 0"),
        "capacities": ({r["id"] for r in document.get("resources", [])}, "resource",
                       lambda v: _number(v) and v >= 0, "a number >= 0"),
        "decisions": ({i["id"] for i in document.get("initiatives", [])}, "initiative",
                      lambda v: v in DECISIONS, "one of " + ", ".join(DECISIONS)),
    }
    for key, (known, kind, valid, wanted) in tables.items():
        changes = overrides.get(key, {})
        if not isinstance(changes, dict):
            problems.append(f"{key}: must map {kind} ids to values")
            continue
        for item, value in changes.items():
            if item not in known:
                problems.append(f"{key}[{item!r}]: the plan has no {kind} {item!r}")
            elif not valid(value):
                problems.append(f"{key}[{item!r}]: must be {wanted}, not {value!r}")
    return problems


def apply_overrides(document: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """A new plan document with the overrides applied (the given one is left as it was)."""
    problems = check_overrides(overrides, document)
    if problems:
        raise PlanError(problems)
    changed = copy.deepcopy(document)
    if "budget" in overrides:
        if overrides["budget"] is None:
            changed.pop("budget", None)
        else:
            changed["budget"] = overrides["budget"]
    if "max_focus" in overrides:
        changed["max_focus"] = overrides["max_focus"]
    for key, table, attribute in (("period_budgets", "periods", "budget"),
                                  ("weights", "moments", "weight"),
                                  ("capacities", "resources", "capacity")):
        changes = overrides.get(key, {})
        for position, entry in enumerate(changed.get(table, [])):
            if entry["id"] in changes:
                before = dict(entry)
                if changes[entry["id"]] is None:
                    entry.pop(attribute, None)
                else:
                    entry[attribute] = changes[entry["id"]]
                # a weight's range moves with it (docs/plan-format.md)
                changed[table][position] = follow_ranges(before, entry)
    decisions = overrides.get("decisions", {})
    for entry in changed.get("initiatives", []):
        if entry["id"] in decisions:
            entry["decision"] = decisions[entry["id"]]
            if decisions[entry["id"]] == "auto":
                entry.pop("reason", None)
    return changed


def scenario_plan(document: dict[str, Any], overrides: dict[str, Any]) -> Plan:
    """The plan of a scenario; PlanError names every problem."""
    return plan_from_dict(apply_overrides(document, overrides))


@dataclass
class Column:
    """One scenario in a comparison."""

    name: str
    plan: Plan
    result: Result
    returns: PortfolioReturns | None = None


@dataclass
class Comparison:
    columns: list[Column]
    # initiative id -> funded in each column, for the work funded in some but not all
    differences: dict[str, list[bool]] = field(default_factory=dict)
    common: list[str] = field(default_factory=list)  # funded in every column


def compare(named: list[tuple[str, Plan, Result]]) -> Comparison:
    """Two to four scenarios side by side: figures, and the work only some of them fund."""
    if not 2 <= len(named) <= 4:
        raise ValueError("compare two to four scenarios")
    columns = [Column(name, plan, result,
                      portfolio_returns(plan, result.funded) if result.has_portfolio else None)
               for name, plan, result in named]
    funded = [set(column.result.funded) for column in columns]
    everything = sorted(set().union(*funded))
    differences = {i: [i in chosen for chosen in funded] for i in everything
                   if not all(i in chosen for chosen in funded)}
    common = [i for i in everything if i not in differences]
    return Comparison(columns=columns, differences=differences, common=common)
