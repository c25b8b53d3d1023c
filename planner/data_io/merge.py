"""Importing moments, influences and initiatives into an existing plan, with a preview.

Nothing is written here: the preview says what would be added and changed, lists every
problem by sheet, row and column, and holds the merged document only when there are none,
so that the caller writes it all or nothing. An import never deletes: a row absent from
the sheet leaves its moment or initiative as it is, and so does a column absent.

Rows are matched by id; a row without one is matched by name to the plan's moment or
initiative of that name (in any case and spacing), so that re-importing one's own sheet
updates instead of duplicating; a name the plan does not have yet gets an id made from it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from optimizer.planfile import follow_ranges
from planner.amounts import shown_as
from planner.data_io.cells import Problem
from planner.data_io.columns import TABLE_BY_KEY, Row, entry_of, read_rows
from planner.data_io.locate import Locator, in_sheet_order, validate
from planner.data_io.plan_sheets import find_sheet
from planner.data_io.ranges import PAIRS as RANGE_FIELDS
from planner.forms import slug

# In order: effects and measurements name new moments
IMPORTED = ("moments", "influences", "initiatives", "measurements")
FIGURES_SHOWN = 200  # rows per list whose numbers the preview shows


@dataclass
class Preview:
    """What an import would do; `document` is the merged plan, None when there are problems."""

    added: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in IMPORTED})
    # list -> {id: fields that change}; influences are named "from -> to"
    changed: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: {k: {} for k in IMPORTED})
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(IMPORTED, 0))
    problems: list[Problem] = field(default_factory=list)
    document: dict[str, Any] | None = None
    ignored: list[str] = field(default_factory=list)  # sheets that are not imported
    # list -> rows added or changed, each {"row", "id", "cells": [[column, typed, read]]}:
    # every number that changes the plan, as typed and as read, so that none is unseen
    figures: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {k: [] for k in IMPORTED})

    def summary(self) -> dict[str, Any]:
        """What a pending import keeps of it (its confirm page and the API show it)."""
        return {"added": self.added, "changed": self.changed, "unchanged": self.unchanged,
                "ignored": self.ignored, "figures": self.figures}


def change_count(summary: dict[str, Any]) -> int:
    """How many rows a kept summary adds or changes."""
    return sum(len(summary["added"][key]) + len(summary["changed"][key]) for key in IMPORTED)


def preview_import(current: dict[str, Any], tables: dict[str, pd.DataFrame], *,
                   style: str = "") -> Preview:
    """The preview of importing these tables into the plan document `current`; `style` is
    how the plan's people write numbers (planner/amounts.py; "": ambiguous ones refused)."""
    preview = Preview()
    document = copy.deepcopy(current)
    sheets = {key: find_sheet(tables, TABLE_BY_KEY[key].sheet) for key in IMPORTED}
    used = {found[0] for found in sheets.values() if found is not None}
    preview.ignored = [name for name in tables if name not in used]
    if not used:
        preview.problems.append(Problem("", None, None, "nothing to import: no sheet named "
                                        "Moments, Influences, Initiatives or Measurements "
                                        "(found "
                                        + ", ".join(f'"{n}"' for n in tables) + ")"))
        return preview
    locator = Locator()
    for key in IMPORTED:
        entries = document.setdefault(key, [])
        locator.rows[key] = [None] * len(entries)
        if sheets[key] is None:
            continue
        sheet, frame = sheets[key]
        ids = {name: [e.get("id") for e in document.get(name) or []]
               for name in ("periods", "resources", "moments")}
        rows, layout, problems = read_rows(sheet, frame, TABLE_BY_KEY[key], ids, style=style,
                                           currency=current.get("currency"))
        locator.layouts[key] = layout
        preview.problems += problems
        _merge(preview, locator, document, key, sheet, rows)
    for key in ("influences", "measurements"):  # an optional list stays absent when empty
        if not document.get(key) and key not in current:
            document.pop(key, None)
    preview.problems = in_sheet_order(preview.problems + validate(document, locator),
                                      list(tables))
    if not preview.problems:
        preview.document = document
    return preview


def _merge(preview: Preview, locator: Locator, document: dict[str, Any], key: str,
           sheet: str, rows: list[Row]) -> None:
    entries: list[dict[str, Any]] = document[key]
    keys = [_key(key, entry) for entry in entries]
    position = {entry_key: index for index, entry_key in enumerate(keys)}
    taken = set(keys) | {row.values.get("id") for row in rows}
    named: dict[str, list[Any]] = {}  # the plan's own names, before this import
    for entry_key, entry in zip(keys, entries, strict=True):
        if isinstance(entry.get("name"), str):
            named.setdefault(_name_key(entry["name"]), []).append(entry_key)
    first_row: dict[Any, int] = {}
    first_period = (document.get("periods") or [{}])[0].get("id")
    for row in rows:
        entry_key = _row_key(preview, key, sheet, row, taken, named)
        if entry_key is None:
            continue
        if entry_key in first_row:
            preview.problems.append(Problem(sheet, row.number, _id_column(key),
                                            f"{_show(key, entry_key)} is also on row "
                                            f"{first_row[entry_key]}; keep one"))
            continue
        first_row[entry_key] = row.number
        if entry_key in position:
            index = position[entry_key]
            entries[index], fields = _updated(entries[index], row.values, first_period)
            if fields:
                preview.changed[key][_show(key, entry_key)] = fields
                _figures(preview, key, locator, row, _show(key, entry_key), set(fields))
            else:
                preview.unchanged[key] += 1
        else:
            index = len(entries)
            entries.append(entry_of({**row.values, **_key_fields(key, entry_key)}))
            locator.rows[key].append(None)
            preview.added[key].append(_show(key, entry_key))
            _figures(preview, key, locator, row, _show(key, entry_key), None)
        locator.rows[key][index] = row.number
        locator.unread |= {(key, index, name) for name in row.bad}


def _figures(preview: Preview, key: str, locator: Locator, row: Row, shown: str,
             fields: set[str] | None) -> None:
    """The row's number cells, as typed and as read, of the fields it changes (`fields`;
    None: all, for a row added)."""
    if len(preview.figures[key]) >= FIGURES_SHOWN:
        return
    layout = locator.layouts[key]
    cells = []
    for target, (typed, kind) in row.typed.items():
        # (field, grid id) or a range's (field, grid id or None, end): planner/data_io/ranges.py
        name, grid_id, *end = target if isinstance(target, tuple) else (target, None)
        if (fields is not None and name not in fields) or name not in row.values:
            continue  # not changed, or a range refused
        value = row.values[name] if grid_id is None else row.values[name][grid_id]
        if end and value is None:
            continue  # half a range: refused, nothing to show
        value = value[end[0]] if end else value
        header = layout.headers[target] if end else layout.header(name, grid_id)
        cells.append([header, typed, shown_as(value, kind)])
    if cells:
        preview.figures[key].append({"row": row.number, "id": shown, "cells": cells})


# A measurement is the moment's score on a day from a source: a row with the same three
# changes its score and sample size, any other is a new measurement.
KEYED_BY = {"influences": ("from", "to"), "measurements": ("moment", "date", "source")}


def _key(key: str, entry: dict[str, Any]) -> Any:
    if key in KEYED_BY:
        return tuple(entry.get(name) or "" for name in KEYED_BY[key])
    return entry.get("id")


def _key_fields(key: str, entry_key: Any) -> dict[str, Any]:
    if key in KEYED_BY:
        return {name: value for name, value in zip(KEYED_BY[key], entry_key, strict=True)
                if value}
    return {"id": entry_key}


def _show(key: str, entry_key: Any) -> str:
    if key == "influences":
        return f"{entry_key[0]} -> {entry_key[1]}"
    if key == "measurements":
        moment, day, source = entry_key
        return f"{moment} on {day}" + (f" ({source})" if source else "")
    return str(entry_key)


def _id_column(key: str) -> str:
    return KEYED_BY[key][0] if key in KEYED_BY else "id"


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _row_key(preview: Preview, key: str, sheet: str, row: Row, taken: set[Any],
             named: dict[str, list[Any]]) -> Any:
    """The row's key; without an id, that of the plan's entry of the same name, or an id
    made from the name."""
    values = row.values
    if key in KEYED_BY:
        missing = [name for name in KEYED_BY[key][:2] if not values.get(name)]
        for name in missing:
            preview.problems.append(Problem(sheet, row.number, name, "is required"))
        return None if missing else tuple(values.get(name) or "" for name in KEYED_BY[key])
    if values.get("id"):
        return values["id"]
    if not values.get("name"):
        preview.problems.append(Problem(sheet, row.number, "id",
                                        "needs an id, or a name to make one from"))
        return None
    same = named.get(_name_key(values["name"]), [])
    if len(same) == 1:
        return same[0]
    if same:
        preview.problems.append(Problem(sheet, row.number, "id", (
            f'{len(same)} {key} of the plan are named "{values["name"]}" ('
            + ", ".join(map(str, same)) + "): give the id of the one to change")))
        return None
    made = slug(values["name"], taken)
    taken.add(made)
    return made


def _updated(entry: dict[str, Any], values: dict[str, Any],
             first_period: str | None) -> tuple[dict[str, Any], list[str]]:
    """The entry with the row's fields applied, and the names of the fields that change.

    An empty cell clears its field; a grid column ("effect fit") sets or clears one id of
    the field and leaves the ids without a column as they were; a range without columns
    moves along with its likely value (optimizer.planfile.follow_ranges).
    """
    updated = dict(entry)
    for name, value in values.items():
        if isinstance(value, dict):
            before = updated.get(name)
            amounts = dict(before) if isinstance(before, dict) else {}
            for grid_id, amount in value.items():
                if amount is None:
                    amounts.pop(grid_id, None)
                else:
                    amounts[grid_id] = amount
            value = amounts or None
        elif name == "cost" and first_period is not None and value is not None:
            value = {first_period: value}  # one cost in a plan with periods: the first one
        if value is None:
            updated.pop(name, None)
        else:
            updated[name] = value
    # A range the row does not give keeps its shares of a likely value the row changes
    # (follow_ranges); one it gives stands as typed, for the plan's rules to check.
    moved = follow_ranges(entry, updated)
    updated = {**moved, **{name: updated[name] for name in RANGE_FIELDS
                           if name in values and name in updated}}
    fields = [name for name in dict.fromkeys([*entry, *updated])
              if entry.get(name) != updated.get(name)]
    return updated, fields
