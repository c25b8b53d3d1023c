"""A scenario in words: what it changes against the plan, and whether its solve is current."""

from __future__ import annotations

from typing import Any

from models import Scenario
from optimizer.finance.scenarios import apply_overrides, check_overrides
from planner.web import money, number

DECISION_WORDS = {"fund": "forced in", "reject": "forced out", "auto": "left to the optimiser"}


def override_lines(overrides: dict[str, Any], document: dict[str, Any]) -> list[str]:
    """One line per change, with the plan's own value beside the scenario's."""
    currency = document.get("currency", "EUR")

    def cash(value: Any) -> str:
        return "none" if value is None else money(value, currency)

    lines = []
    if "budget" in overrides:
        lines.append(f"Total budget: {cash(overrides['budget'])} "
                     f"(plan: {cash(document.get('budget'))})")
    if "max_focus" in overrides:
        lines.append(f"Focus moments: at most {overrides['max_focus']} "
                     f"(plan: {document.get('max_focus', 3)})")
    tables = (("period_budgets", "periods", "budget", "Budget of period {key}", cash),
              ("weights", "moments", "weight", "Weight of “{name}”",
               lambda value: number(value, 3)),
              ("capacities", "resources", "capacity", "Capacity of “{name}”",
               lambda value: number(value, 3)))
    for key, table, attribute, label, shown in tables:
        rows = {row["id"]: row for row in document.get(table, [])}
        for row_id, value in overrides.get(key, {}).items():
            row = rows.get(row_id)
            if row is None:
                lines.append(f"{label.format(key=row_id, name=row_id)}: no longer in the plan")
                continue
            name = row.get("name") or row_id
            lines.append(f"{label.format(key=row_id, name=name)}: {shown(value)} "
                         f"(plan: {shown(row.get(attribute, 1 if key == 'weights' else None))})")
    initiatives = {row["id"]: row for row in document.get("initiatives", [])}
    for row_id, decision in overrides.get("decisions", {}).items():
        row = initiatives.get(row_id)
        name = f"“{row['name']}” ({row_id})" if row else f"{row_id} (no longer in the plan)"
        was = DECISION_WORDS[row.get("decision", "auto")] if row else "–"
        lines.append(f"{name}: {DECISION_WORDS.get(decision, decision)} (plan: {was})")
    return lines


def staleness(scenario: Scenario, document: dict[str, Any]) -> str | None:
    """Why the scenario's last solve no longer answers for the plan as it is; None if it does
    (or if it was never solved)."""
    if scenario.inputs is None:
        return None
    problems = check_overrides(scenario.overrides, document)
    if problems:
        return "It no longer fits the plan: " + "; ".join(problems) + "."
    if apply_overrides(document, scenario.overrides) != scenario.inputs:
        return "The plan or the scenario has changed since this solve: solve it again."
    return None
