"""Spreadsheet exports: workbooks a person can read (money formatted, widths, frozen
header) and that cannot run anything (formula injection escaped).

pandas writes the cells and openpyxl formats them; what neither does is the escaping:
pandas' `to_excel` writes a text starting with "=" as a live formula, and a CSV cell
starting with = + - @ tab or CR is read as one by spreadsheet programs (OWASP CSV
injection), so such text gets a leading apostrophe, which shows it as the text it is.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31  # Excel's limit
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"
NUMBER_FORMAT = "#,##0.0##"
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
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, name in zip(sheets, sheet_names([s.name for s in sheets]), strict=True):
            escape_frame(sheet.frame).to_excel(writer, sheet_name=name, index=False)
            _format(writer.sheets[name], sheet)
    return buffer.getvalue()


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A CSV in UTF-8 with a byte-order mark, so that Excel reads accents right."""
    return escape_frame(frame).to_csv(index=False).encode("utf-8-sig")


def _format(worksheet: Any, sheet: Sheet) -> None:
    worksheet.freeze_panes = "A2"
    formats = {**dict.fromkeys(sheet.numbers, NUMBER_FORMAT),
               **dict.fromkeys(sheet.money, MONEY_FORMAT),
               **dict.fromkeys(sheet.percent, PERCENT_FORMAT)}
    for index, column in enumerate(sheet.frame.columns, start=1):
        letter = get_column_letter(index)
        cells = worksheet[letter]
        number_format = formats.get(column)
        if number_format:
            for cell in cells[1:]:
                cell.number_format = number_format
        longest = max((len(_shown(cell.value, number_format)) for cell in cells), default=8)
        worksheet.column_dimensions[letter].width = min(MAX_WIDTH, max(8, longest + 2))


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
