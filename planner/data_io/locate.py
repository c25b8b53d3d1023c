"""Problems of plan_from_dict ("initiatives[4] (id "i5").cost.H1: ...") put back on the
sheet, row and column they came from, so that a user fixes the spreadsheet, not the JSON."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from optimizer.planfile import PlanError, plan_from_dict
from planner.data_io.cells import Problem
from planner.data_io.columns import TABLE_BY_KEY, Layout

PLAN_SHEET = "Plan"
VALUE = "Value"
ENTRY = re.compile(r"([a-z]+)\[(\d+)\]")
SETTING_PATHS = {"plan": "plan", "currency": "currency", "budget": "budget",
                 "max_focus": "max_focus", "finance.horizon_years": "horizon_years",
                 "finance.discount_rate": "discount_rate", "finance": "horizon_years",
                 **{f"uncertainty.{kind}{at}": f"{kind} {end} share"
                    for kind in ("cost", "effects", "weight")
                    for at, end in (("", "low"), ("[0]", "low"), ("[1]", "high"))}}


@dataclass
class Locator:
    """Where each entry of a plan document came from: its sheet's layout and row number."""

    layouts: dict[str, Layout] = field(default_factory=dict)  # document list -> layout
    rows: dict[str, list[int | None]] = field(default_factory=dict)  # list -> row per index
    settings: dict[str, int] = field(default_factory=dict)  # Plan setting -> row
    # (list, index, field) whose cell could not be read: already reported, and plan_from_dict
    # would only add that the field is missing.
    unread: set[tuple[str, int, str]] = field(default_factory=set)

    def place(self, document: dict[str, Any], text: str) -> Problem | None:
        """The problem plan_from_dict reported, at its sheet, row and column if known."""
        path, _, message = text.partition(": ")
        entry_match = ENTRY.match(text)
        if entry_match:
            return self._place_entry(document, text, entry_match)
        setting = SETTING_PATHS.get(path)
        if setting is not None:
            return Problem(PLAN_SHEET, self.settings.get(setting), VALUE
                           if setting in self.settings else None,
                           message if setting in self.settings else f'"{setting}": {message}')
        if path in TABLE_BY_KEY:
            return Problem(TABLE_BY_KEY[path].sheet, None, None, message)
        return Problem("", None, None, text)

    def _place_entry(self, document: dict[str, Any], text: str,
                     match: re.Match[str]) -> Problem | None:
        kind, index = match.group(1), int(match.group(2))
        rows = self.rows.get(kind, [])
        entries = document.get(kind) or []
        if kind not in self.layouts or index >= len(rows) or rows[index] is None:
            return Problem("", None, None, text)
        entry = entries[index] if index < len(entries) else {}
        prefix = match.group(0)
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            prefix += f' (id "{entry["id"]}")'
        rest = text[len(prefix):]
        name, key = None, None
        field_match = re.match(r"\.(\w+)", rest)
        if field_match:
            name = field_match.group(1)
            rest = rest[field_match.end():]
            amounts = entry.get(name) if isinstance(entry, dict) else None
            if isinstance(amounts, dict):
                key = next((k for k in amounts if rest.startswith(f".{k}: ")), None)
            rest = rest[len(key) + 1:] if key is not None else re.sub(r"^\[\d+\]", "", rest)
        message = rest[2:] if rest.startswith(": ") else rest
        if (kind, index, name) in self.unread:
            return None
        layout = self.layouts[kind]
        column = None if name is None else layout.header(name, key)
        return Problem(layout.sheet, rows[index], column, message)


def validate(document: dict[str, Any], locator: Locator) -> list[Problem]:
    """plan_from_dict's problems with the document, each placed where it came from."""
    try:
        plan_from_dict(document)
    except PlanError as error:
        placed: list[Problem] = []
        for text in error.problems:
            problem = locator.place(document, text)
            # An empty required cell is "required" and also "must be text, not null".
            if problem is not None and not (problem.message.endswith("not null") and any(
                    (p.sheet, p.row, p.column) == (problem.sheet, problem.row, problem.column)
                    for p in placed)):
                placed.append(problem)
        return placed
    return []


def in_sheet_order(problems: list[Problem], sheets: list[str]) -> list[Problem]:
    """Problems sheet by sheet as the workbook orders them, row by row; general ones first."""
    order = {name: index for index, name in enumerate(sheets)}
    return sorted(problems, key=lambda p: (order.get(p.sheet, -1), p.row or 0))
