"""Spreadsheet exports: workbooks a person can read (money formatted, widths, frozen
header) and that cannot run anything (formula injection escaped).

openpyxl writes the workbooks in its write-only mode (rows streamed out, about ten times
faster than pandas' `to_excel` on a 10,000-row plan); pandas writes the CSV files. What
neither does is the escaping: a text starting with "=" is written as a live formula, and a
CSV cell starting with = + - @ tab or CR is read as one by spreadsheet programs (OWASP CSV
injection), so such text gets a leading apostrophe, which shows it as the text it is.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31  # Excel's limit
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
NUMBER_FORMAT = "#,##0.0##"
IMPACT_FORMAT = "#,##0.0"
MAX_WIDTH = 60


def escape_cell(value: Any) -> Any:
    """A text that a spreadsheet would read as a formula, made plain text; else as it was."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell and header escaped."""
    escaped = frame.map(escape_cell)
    escaped.columns = [escape_cell(str(column)) for column in frame.columns]
    return escaped


@dataclass
class Sheet:
    """One sheet: a table, and which of its columns hold money, shares or other numbers."""

    name: str
    frame: pd.DataFrame
    money: list[str] = field(default_factory=list)
    percent: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    impacts: list[str] = field(default_factory=list)  # one decimal, as every page shows them


def sheet_names(names: list[str]) -> list[str]:
    """Names Excel accepts: no [ ] : * ? / \\, at most 31 characters, none twice."""
    taken: set[str] = set()
    result = []
    for name in names:
        base = SHEET_NAME_FORBIDDEN.sub(" ", name).strip().strip("'")[:SHEET_NAME_LENGTH]
        base = base or "Sheet"
        candidate, n = base, 2
        while candidate.lower() in taken:
            suffix = f" ({n})"
            candidate, n = base[:SHEET_NAME_LENGTH - len(suffix)] + suffix, n + 1
        taken.add(candidate.lower())
        result.append(candidate)
    return result


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    """An .xlsx of these sheets, in order, each with its header frozen and formatted."""
    workbook = Workbook(write_only=True)
    for sheet, name in zip(sheets, sheet_names([s.name for s in sheets]), strict=True):
        _write_sheet(workbook.create_sheet(name), sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV in UTF-8 with a byte-order mark, so that Excel reads accents right.

    Lines end in CR LF (RFC 4180): the csv writer quotes a cell holding any character of the
    line ending, so with LF alone a text holding a lone CR went out unquoted and split its row.
    """
    return escape_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _write_sheet(worksheet: Any, sheet: Sheet) -> None:
    """Header in bold and frozen, money and shares formatted, each column as wide as its
    widest cell. A write-only sheet takes widths and panes before its first row."""
    formats = {**dict.fromkeys(sheet.numbers, NUMBER_FORMAT),
               **dict.fromkeys(sheet.impacts, IMPACT_FORMAT),
               **dict.fromkeys(sheet.money, MONEY_FORMAT),
               **dict.fromkeys(sheet.percent, PERCENT_FORMAT)}
    column_formats = [formats.get(column) for column in sheet.frame.columns]
    header = [escape_cell(str(column)) for column in sheet.frame.columns]
    rows = [[_plain(value) for value in row]
            for row in sheet.frame.itertuples(index=False, name=None)]
    worksheet.freeze_panes = "A2"
    for index, number_format in enumerate(column_formats):
        longest = max((len(_shown(row[index], number_format)) for row in rows),
                      default=0)
        width = min(MAX_WIDTH, max(8, len(header[index]) + 2, longest + 2))
        worksheet.column_dimensions[get_column_letter(index + 1)].width = width
    bold = Font(bold=True)
    worksheet.append([_cell(worksheet, text, font=bold) for text in header])
    formatted = [index for index, number_format in enumerate(column_formats) if number_format]
    for row in rows:
        for index in formatted:
            if isinstance(row[index], int | float):
                row[index] = _cell(worksheet, row[index], number_format=column_formats[index])
        worksheet.append(row)


def _cell(worksheet: Any, value: Any, **style: Any) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _plain(value: Any) -> Any:
    """A value openpyxl writes: numpy numbers as Python's, missing as an empty cell, text
    escaped."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars
    if isinstance(value, float) and value != value:  # NaN: pandas' empty cell
        return None
    return escape_cell(value)


def _shown(value: Any, number_format: str | None) -> str:
    if value is None:
        return ""
    if number_format and isinstance(value, int | float):
        return f"{value:,.2f}"
    return str(value)


def unescape_cell(text: str) -> str:
    """The text escape_cell was given: the apostrophe it put before a formula start removed."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
