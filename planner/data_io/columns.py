"""The columns of each plan table, and rows of a sheet read into plan-document fields.

The tables are data (docs/style.md, "Behaviour as tables of data"): one Column per field,
one Grid per {id: number} field that a spreadsheet shows as one column per period, resource
or moment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner.data_io.cells import (
    NumberError,
    Problem,
    cell_text,
    header_key,
    parse_number,
    whole_if_whole,
)
from planner.data_io.ranges import RANGE_ENDS, join_ends, ranged_columns, split_ends
from planner.number_kinds import COUNT, KINDS, MONEY, MONTHS, PLAIN, POINTS, SHARE

HEADERLESS = re.compile(r"\(column [A-Z]+\)")
MIDNIGHT = re.compile(r"\d{4}-\d{2}-\d{2}[ T]00:00(:00)?")
LIST_SEPARATOR = ", "


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    # "key" (an id, spaces trimmed), "text", "choice", "ids", "date", or a kind of number
    # (planner/number_kinds.py: money, points, share, count, months, plain)
    kind: str
    help: str


@dataclass(frozen=True)
class Grid:
    """{id: number} shown as one "<prefix> <id>" column per id of another table."""

    prefix: str
    field: str
    ids_of: str  # the plan-document list whose ids head the columns
    help: str
    kind: str  # of its numbers (planner/number_kinds.py)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    sheet: str
    key: str  # the list in the plan document
    columns: tuple[Column | Grid, ...]
    money: tuple[str, ...] = ()


def _col(header: str, kind: str, help_text: str) -> Column:
    return Column(header, header, kind, help_text)


MOMENT_TEXT = "a moment id of the Moments sheet"
TABLES = (
    Table("Stages", "stages", (
        _col("id", "key", "short unique key of the journey stage"),
        _col("name", "text", "the stage as customers would say it; rows in journey order"))),
    Table("Periods", "periods", (
        _col("id", "key", 'short unique key of the period, such as "H1"'),
        _col("budget", MONEY, "money available in this period; empty = no limit")),
        money=("budget",)),
    Table("Resources", "resources", (
        _col("id", "key", "short unique key of the scarce resource"),
        _col("name", "text", "what the resource is"),
        _col("capacity", MONTHS, "how much of it there is, 0 or more"),
        _col("unit", "text", 'what capacity is counted in, such as "FTE-months"'))),
    Table("Moments", "moments", (
        _col("id", "key", "short unique key; empty = made from the name"),
        _col("name", "text", "the moment of truth as the customer lives it (required)"),
        _col("stage", "key", "a stage id of the Stages sheet, or empty"),
        _col("side", "choice", "front (the customer sees it, default) or back"),
        _col("weight", PLAIN, "how much the moment matters, 0 or more (default 1)"),
        Column("weight low", "weight_low", PLAIN, "the lowest its weight could be, with "
               '"weight high": a range around the weight; empty = the plan\'s default'),
        Column("weight high", "weight_high", PLAIN, "the highest its weight could be"),
        _col("headroom", POINTS, "how far the moment can still improve, above 0, or empty"),
        _col("category", "choice", "revenue, bond, rescue, retain, or empty"),
        _col("score", POINTS, "today's measured score, shown only"),
        _col("owner", "text", "the team or person accountable for the moment"))),
    Table("Influences", "influences", (
        _col("from", "key", MOMENT_TEXT + ": the step that feeds another"),
        _col("to", "key", MOMENT_TEXT + ": the moment it feeds"),
        _col("factor", SHARE, "share of the improvement passed on, above 0 and at most 1"))),
    Table("Initiatives", "initiatives", (
        _col("id", "key", "short unique key; empty = made from the name"),
        _col("name", "text", "what the initiative does (required)"),
        _col("team", "text", "the team that would do it"),
        _col("cost", MONEY, "total cost, 0 or more (plans without periods)"),
        Grid("cost", "cost", "periods", "cost in this period, 0 or more; empty = 0", MONEY),
        Column("cost low", "cost_low", MONEY, 'the lowest its total cost could be, with "cost '
               'high": a range around the cost; empty = the plan\'s default'),
        Column("cost high", "cost_high", MONEY, "the highest its total cost could be"),
        Grid("uses", "uses", "resources", "how much of this resource it needs; empty = none",
             MONTHS, aliases=("use",)),
        Grid("effect", "effects", "moments", "uplift of this moment, 0 or more; empty = none",
             POINTS, aliases=("effects",)),
        Grid("effect low", "effects_low", "moments", "the lowest the uplift of this moment "
             "could be, with its effect high: a range around it", POINTS),
        Grid("effect high", "effects_high", "moments", "the highest the uplift of this "
             "moment could be", POINTS),
        _col("confidence", SHARE, "chance it delivers, above 0 and at most 1 (default 1)"),
        _col("decision", "choice", "auto (default), fund or reject"),
        _col("reason", "text", "why it is forced to fund or reject"),
        _col("requires", "ids", "ids of initiatives it needs, separated by commas"),
        _col("excludes", "ids", "ids of initiatives it cannot go with, separated by commas"),
        _col("benefit", MONEY, "money it brings per year, for ROI reports"),
        _col("note", "text", "free text")),
        money=("cost", "benefit")),
    Table("Measurements", "measurements", (
        _col("moment", "key", MOMENT_TEXT + ": the moment measured"),
        _col("date", "date", "the day it was measured, as 2026-03-31"),
        _col("score", POINTS, "the score measured, on the moment's own scale"),
        _col("n", COUNT, "the sample size: a whole number, 1 or more, or empty"),
        _col("source", "text", 'where the score comes from, such as "exit survey"'))),
)

TABLE_BY_KEY = {table.key: table for table in TABLES}


@dataclass
class Layout:
    """Where each field of a table was found: headers as written, for naming problems."""

    sheet: str
    headers: dict[Any, str] = field(default_factory=dict)  # field or (field, id) -> header

    def header(self, name: str, key: str | None = None) -> str:
        if key is not None and (name, key) in self.headers:
            return self.headers[(name, key)]
        return self.headers.get(name, name)


@dataclass
class Row:
    number: int  # the spreadsheet's row number
    values: dict[str, Any]  # field -> value, None for an empty cell; grids -> {id: value}
    bad: set[str] = field(default_factory=set)  # fields with a cell that could not be read
    # the number cells as typed, by field or (field, id): what the preview shows beside
    # the number read
    typed: dict[Any, tuple[str, str]] = field(default_factory=dict)  # -> (text, kind)


def read_rows(sheet: str, frame: pd.DataFrame, table: Table, known: dict[str, list[str]],
              *, style: str = "", currency: str | None = None
              ) -> tuple[list[Row], Layout, list[Problem]]:
    """The rows of one sheet as fields; every cell and header problem found, by location.

    `known` gives the ids that may head grid columns ({"moments": [...], ...}); `style`
    and `currency` are the plan's, for reading numbers (planner/amounts.py).
    """
    layout = Layout(sheet)
    problems: list[Problem] = []
    readers = []  # (position, field, grid id or None, kind)
    seen: dict[Any, str] = {}
    for position, header in enumerate(frame.columns):
        target, message = _match(str(header), table, known)
        if target is None:
            problems.append(Problem(sheet, 1, str(header), message))
            continue
        if target in seen:
            problems.append(Problem(sheet, 1, str(header),
                                    f'the same column as "{seen[target]}"; keep one'))
            continue
        seen[target] = layout.headers[target] = str(header)
        readers.append((position, *target, _kind(table, target)) if isinstance(target, tuple)
                       else (position, target, None, _kind(table, target)))
    if "cost" in seen and any(isinstance(target, tuple) and target[0] == "cost"
                              for target in seen):
        problems.append(Problem(sheet, 1, seen["cost"], 'give the cost in one "cost" column '
                                'or per period ("cost <period id>"), not both'))
        readers = [reader for reader in readers if reader[1:3] != ("cost", None)]
    rows = []
    for number, cells in zip(row_numbers(frame), frame.itertuples(index=False, name=None),
                             strict=True):
        row = Row(number, {})
        for position, name, grid_id, kind in readers:
            try:
                value = _value(cells[position], kind, style, currency)
            except NumberError as error:
                problems.append(Problem(sheet, number, layout.headers[_target(name, grid_id)],
                                        str(error)))
                row.bad.add(name)
                continue
            if kind in KINDS and value is not None:
                row.typed[_target(name, grid_id)] = (cell_text(cells[position]).strip(), kind)
            if grid_id is None:
                row.values[name] = value
            else:
                row.values.setdefault(name, {})[grid_id] = value
        join_ends(sheet, row, layout, problems)
        rows.append(row)
    return rows, layout, problems


def _target(name: str, grid_id: str | None) -> Any:
    return name if grid_id is None else (name, grid_id)


def _kind(table: Table, target: Any) -> str:
    if isinstance(target, tuple):
        return next(c.kind for c in table.columns if isinstance(c, Grid) and
                    c.field == target[0])
    return next(c.kind for c in table.columns if isinstance(c, Column) and c.field == target)


def _match(header: str, table: Table, known: dict[str, list[str]]) -> tuple[Any, str]:
    """The field (or (field, id) of a grid) a header names, else None and why not."""
    key = header_key(header)
    if HEADERLESS.fullmatch(header):
        return None, "a column with values but no header: name it or clear it"
    for column in table.columns:
        if isinstance(column, Column) and key == header_key(column.header):
            return column.field, ""
    # the longer prefix first: "effect low fit" is not the moment "low fit"'s effect
    for grid in sorted((c for c in table.columns if isinstance(c, Grid)),
                       key=lambda g: -len(g.prefix)):
        prefix = next((p for p in (grid.prefix, *grid.aliases) if key.startswith(p + " ")), None)
        if prefix is None:
            continue
        written = re.split(r"[\s_]+", header.strip(), maxsplit=1)[1].strip()
        ids = known.get(grid.ids_of, [])
        found = written if written in ids else next(
            (i for i in ids if header_key(i) == key[len(prefix) + 1:]), None)
        if found is None:
            kind = grid.ids_of[:-1]
            return None, f'unknown {kind} "{written}": no {kind} of the plan has this id'
        return (grid.field, found), ""
    expected = [c.header if isinstance(c, Column) else f"{c.prefix} <{c.ids_of[:-1]} id>"
                for c in table.columns]
    return None, f"unknown column; the columns of this sheet are {', '.join(expected)}"


def _value(cell: Any, kind: str, style: str, currency: str | None) -> Any:
    text = cell_text(cell)
    if text is None:
        return None
    if kind in KINDS:
        number = parse_number(text, kind, style=style, currency=currency)
        # a count; 2.5 is left for the plan's rules to name
        return whole_if_whole(number) if kind == COUNT else number
    if kind == "key":
        return text.strip()
    if kind == "choice":
        return text.strip().lower()
    if kind == "ids":
        return [part.strip() for part in text.split(",") if part.strip()]
    if kind == "date":  # a date cell of a workbook comes as its day at midnight
        text = text.strip()
        return text[:10] if MIDNIGHT.fullmatch(text) else text
    return text


def row_numbers(frame: pd.DataFrame) -> list[int]:
    """Row numbers from read_tables' index; a frame made by hand counts from row 2."""
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.start == 0:
        return [position + 2 for position in range(len(frame))]
    return [int(number) for number in index]


def entry_of(values: dict[str, Any]) -> dict[str, Any]:
    """A plan-document entry of a row's fields: empty cells and empty grids left out."""
    entry = {}
    for name, value in values.items():
        if isinstance(value, dict):
            value = {key: amount for key, amount in value.items() if amount is not None}
            if not value:
                continue
        if value is not None:
            entry[name] = value
    return entry


def table_frame(table: Table, entries: list[dict[str, Any]],
                ids: dict[str, list[str]]) -> pd.DataFrame:
    """The sheet of a plan-document list: one row per entry, one column per field or id;
    a range's columns only where an entry gives that range (planner/data_io/ranges.py)."""
    headers: list[str] = []
    getters = []
    entries = [split_ends(entry) for entry in entries]
    ranged = ranged_columns(entries)
    for column in table.columns:
        if isinstance(column, Grid):
            for grid_id in ids.get(column.ids_of, []):
                if column.field in RANGE_ENDS and (column.field, grid_id) not in ranged:
                    continue
                headers.append(f"{column.prefix} {grid_id}")
                getters.append(_grid_getter(column.field, grid_id))
        elif not (column.field == "cost" and ids.get("periods") and table.key == "initiatives"
                  or column.field in RANGE_ENDS and column.field not in ranged):
            headers.append(column.header)
            getters.append(_field_getter(column))
    first_period = (ids.get("periods") or [None])[0]
    rows = [[get(_periods_cost(entry, first_period)) for get in getters] for entry in entries]
    return pd.DataFrame(rows, columns=headers)


def _field_getter(column: Column) -> Any:
    if column.kind == "ids":
        return lambda entry: LIST_SEPARATOR.join(entry[column.field]) if entry.get(
            column.field) else None
    return lambda entry: entry.get(column.field)


def _grid_getter(name: str, grid_id: str) -> Any:
    return lambda entry: (entry.get(name) or {}).get(grid_id)


def _periods_cost(entry: dict[str, Any], first_period: str | None) -> dict[str, Any]:
    # A single cost in a plan with periods belongs to the first one (docs/plan-format.md).
    if first_period is not None and isinstance(entry.get("cost"), int | float):
        return {**entry, "cost": {first_period: entry["cost"]}}
    return entry
