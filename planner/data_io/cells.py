"""Cells to values: problems located by sheet, row and column, header matching, numbers."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from planner.spreadsheets import unescape_cell

# Plain numbers, or thousands grouped with commas ("1,200,000.50"). A lone comma ("1,5")
# is refused rather than guessed: it is a decimal mark in much of Europe and a thousands
# mark elsewhere, and reading it the wrong way moves money by a factor of 1,000.
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")
GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?")
HEADER_SPACES = re.compile(r"[\s_]+")


@dataclass(frozen=True)
class Problem:
    """One problem in a table; row is the spreadsheet's row number (the header is row 1)."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = [f'Sheet "{self.sheet}"'] if self.sheet else []
        if self.row is not None:
            place.append(f"row {self.row}")
        if self.column is not None:
            place.append(f'column "{self.column}"')
        return f"{', '.join(place)}: {self.message}" if place else self.message


def header_key(header: str) -> str:
    """The form a header is matched by: "Cost H1", "cost_h1" and " COST h1 " are alike."""
    return HEADER_SPACES.sub(" ", unescape_cell(str(header))).strip().lower()


def cell_text(value: Any) -> str | None:
    """The text of a cell as the user wrote it, or None for an empty cell.

    read_tables gives text only; a frame made otherwise may hold None, NaN or numbers.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = unescape_cell(str(value))
    return text if text.strip() else None


class NumberError(ValueError):
    """A cell that should hold a number; the message is said to the user."""


def parse_number(text: str) -> float:
    """The number a cell holds: "1200", "1,200", "-3.5", "1e3", "80%" (= 0.8).

    Refused with a message: "abc", "1,5", "nan", "inf", "1e309".
    """
    written = text.strip()
    if GROUPED.fullmatch(written):
        written = written.replace(",", "")
    elif not NUMBER.fullmatch(written):
        if re.fullmatch(r"[+-]?\d+,\d+", written):
            raise NumberError(f'must be a number with a point for decimals, not "{text.strip()}"')
        if written.lstrip("+-").lower() in ("nan", "inf", "infinity"):
            raise NumberError(f'must be a finite number, not "{text.strip()}"')
        raise NumberError(f'must be a number, not "{text.strip()}"')
    share = written.endswith("%")
    number = float(written.rstrip("%"))
    if not math.isfinite(number):
        raise NumberError(f'must be a finite number, not "{text.strip()}" (too large)')
    return number / 100 if share else number


def whole_if_whole(number: float) -> int | float:
    """3.0 as 3, for fields that must be whole numbers; anything else left for the check."""
    return int(number) if number.is_integer() else number
