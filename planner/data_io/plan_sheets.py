"""A whole plan document as sheets and back: full-plan workbooks and the template workbook.

Exporting then reading gives the same plan, field for field. Reading forgives header case,
spaces and underscores ("Cost H1" = "cost_h1"); an empty cell is a field left out.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from optimizer.planfile.estimates import UNCERTAINTY_KEYS
from planner.data_io.cells import NumberError, Problem, cell_text, header_key, parse_number
from planner.data_io.cells import whole_if_whole as whole
from planner.data_io.columns import TABLES, Grid, entry_of, read_rows, row_numbers, table_frame
from planner.data_io.locate import PLAN_SHEET, VALUE, Locator, in_sheet_order, validate
from planner.number_kinds import COUNT, MONEY, SHARE, YEARS
from planner.spreadsheets import Sheet

SETTING = "Setting"
README_SHEET = "Read me"
REQUIRED_SHEETS = (PLAN_SHEET, "Moments", "Initiatives")
# (setting, where it goes in the document, the kind of number it is or None for text)
SETTINGS = (("plan", (), None), ("currency", (), None), ("budget", (), MONEY),
            ("max_focus", (), COUNT), ("horizon_years", ("finance",), YEARS),
            ("discount_rate", ("finance",), SHARE))
WHOLE_SETTINGS = {"max_focus", "horizon_years"}
# The plan's default ranges (`uncertainty`), each share in a row of its own:
# (setting, kind of estimate, 0 for the low share or 1 for the high)
SHARE_SETTINGS = tuple((f"{kind} {end} share", kind, index) for kind in UNCERTAINTY_KEYS
                       for index, end in enumerate(("low", "high")))


def plan_sheets(document: dict[str, Any]) -> list[Sheet]:
    """The sheets of a plan document: Plan settings, then one sheet per list."""
    return [_settings_sheet(document)] + [_list_sheet(document, table.key) for table in TABLES]


def template_sheets(document: dict[str, Any]) -> list[Sheet]:
    """The workbook to fill in: the plan's sheets with no initiatives, and a Read me."""
    sheets = plan_sheets({**document, "initiatives": []})
    return [Sheet(README_SHEET, _read_me(document)), *sheets]


def _ids(document: dict[str, Any]) -> dict[str, list[str]]:
    return {key: [entry["id"] for entry in document.get(key) or []]
            for key in ("periods", "resources", "moments")}


def _settings_sheet(document: dict[str, Any]) -> Sheet:
    rows = []
    for name, within, _ in SETTINGS:
        source = document.get(within[0]) or {} if within else document
        if source.get(name) is not None:
            rows.append((name, source[name]))
    shares = document.get("uncertainty") or {}
    rows += [(name, shares[kind][end]) for name, kind, end in SHARE_SETTINGS if shares.get(kind)]
    return Sheet(PLAN_SHEET, pd.DataFrame(rows, columns=[SETTING, VALUE], dtype=object))


def _list_sheet(document: dict[str, Any], key: str) -> Sheet:
    table = next(t for t in TABLES if t.key == key)
    frame = table_frame(table, document.get(key) or [], _ids(document))
    money = [h for h in frame.columns if h in table.money or (
        key == "initiatives" and header_key(h).startswith("cost "))]
    return Sheet(table.sheet, frame, money=money)


def _read_me(document: dict[str, Any]) -> pd.DataFrame:
    rows = [(PLAN_SHEET, SETTING, "plan (its name), currency, budget, max_focus, "
             "horizon_years, discount_rate, and the default ranges as shares of each "
             "estimate: cost low share, cost high share (such as 90% and 130%), effects "
             "low share, effects high share, weight low share, weight high share"),
            (PLAN_SHEET, VALUE, "the setting's value; empty = the default")]
    has_periods = bool(document.get("periods"))
    for table in TABLES:
        for column in table.columns:
            if isinstance(column, Grid):
                header = f"{column.prefix} <{column.ids_of[:-1]} id>"
                if column.ids_of == "periods" and not has_periods:
                    continue
            elif column.field == "cost" and table.key == "initiatives" and has_periods:
                continue
            else:
                header = column.header
            rows.append((table.sheet, header, column.help))
    rows.append(("", "", "Headers may be written in any case, with spaces or underscores. "
                 "Numbers are read as the plan writes them (its settings, \"How numbers are "
                 'written"); a number that could be read two ways, such as "180.000" (180 or '
                 "180,000), is refused when the plan does not say, never guessed."))
    return pd.DataFrame(rows, columns=["Sheet", "Column", "What to enter"])


def find_sheet(tables: dict[str, pd.DataFrame], sheet: str) -> tuple[str, pd.DataFrame] | None:
    """The table named like `sheet`, in any case and spacing, with its name as written."""
    for name, frame in tables.items():
        if header_key(name) == header_key(sheet):
            return name, frame
    return None


def document_from_tables(tables: dict[str, pd.DataFrame], *, style: str = ""
                         ) -> tuple[dict[str, Any], list[Problem]]:
    """The plan document the tables hold, and every problem in them, each by sheet, row and
    column (plan_from_dict's own checks included, placed back on the sheet). `style`: how
    the file's people write numbers ("point", "comma", or "": ambiguous ones refused)."""
    problems: list[Problem] = []
    known = {header_key(t.sheet) for t in TABLES} | {header_key(s)
                                                      for s in (PLAN_SHEET, README_SHEET)}
    for name in tables:
        if header_key(name) not in known:
            problems.append(Problem(name, None, None, "unknown sheet; the sheets of a plan are "
                                    + ", ".join([PLAN_SHEET, *(t.sheet for t in TABLES)])))
    missing = [s for s in REQUIRED_SHEETS if find_sheet(tables, s) is None]
    problems += [Problem(s, None, None, "this sheet is missing") for s in missing]
    locator = Locator()
    document = _settings(tables, locator, problems, style)
    currency = document.get("currency") if isinstance(document.get("currency"), str) else None
    ids: dict[str, list[str]] = {}
    for table in TABLES:
        found = find_sheet(tables, table.sheet)
        if found is None:
            continue
        name, frame = found
        rows, layout, cell_problems = read_rows(name, frame, table, ids, style=style,
                                                currency=currency)
        problems += cell_problems
        entries = []
        for row in rows:
            entry = entry_of(row.values)
            for field_name in row.bad:
                locator.unread.add((table.key, len(entries), field_name))
            entries.append(entry)
        if entries or table.key in ("moments", "initiatives"):
            document[table.key] = entries  # an empty optional list is left out, as in JSON
        ids[table.key] = [e["id"] for e in entries if isinstance(e.get("id"), str)]
        locator.layouts[table.key] = layout
        locator.rows[table.key] = [row.number for row in rows]
    if not missing:
        problems += validate(document, locator)
    return document, in_sheet_order(problems, list(tables))


def _settings(tables: dict[str, pd.DataFrame], locator: Locator,
              problems: list[Problem], style: str) -> dict[str, Any]:
    document: dict[str, Any] = {}
    found = find_sheet(tables, PLAN_SHEET)
    if found is None:
        return document
    sheet, frame = found
    columns = {header_key(c): i for i, c in enumerate(frame.columns)}
    if header_key(SETTING) not in columns or header_key(VALUE) not in columns:
        problems.append(Problem(sheet, 1, None, f'needs the columns "{SETTING}" and "{VALUE}"'))
        return document
    by_name = {header_key(name): (name, within, number) for name, within, number in SETTINGS}
    by_name |= {header_key(name): (name, ("uncertainty", kind, end), SHARE)
                for name, kind, end in SHARE_SETTINGS}
    cells_by_row = frame.itertuples(index=False, name=None)
    for number, cells in zip(row_numbers(frame), cells_by_row, strict=True):
        written = cell_text(cells[columns[header_key(SETTING)]]) or ""
        value = cell_text(cells[columns[header_key(VALUE)]])
        if header_key(written) not in by_name:
            problems.append(Problem(sheet, number, SETTING, f'unknown setting "{written}"'))
            continue
        name, within, kind = by_name[header_key(written)]
        locator.settings[name] = number
        if value is None:
            continue
        if kind is not None:
            try:
                value = parse_number(value, kind, style=style,
                                     currency=document.get("currency"))
            except NumberError as error:
                problems.append(Problem(sheet, number, VALUE, str(error)))
                continue
            if name in WHOLE_SETTINGS:
                value = whole(value)
        elif name == "currency":
            value = value.strip()
        if len(within) == 3:  # a default range's share: both ends put together below
            document.setdefault("uncertainty", {}).setdefault(within[1], [None, None])[
                within[2]] = value
            continue
        target = document.setdefault(within[0], {}) if within else document
        target[name] = value
    for kind, pair in (document.get("uncertainty") or {}).items():
        if None in pair:
            given, missing = (f"{kind} {end} share" for end in (
                ("low", "high") if pair[1] is None else ("high", "low")))
            problems.append(Problem(sheet, locator.settings[given], VALUE, f'"{given}" is '
                                    f'given without "{missing}": give both shares, or neither'))
    if document.get("uncertainty"):
        document["uncertainty"] = {k: p for k, p in document["uncertainty"].items()
                                   if None not in p}
    return document
