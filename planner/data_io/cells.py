"""Cells to values: problems located by sheet, row and column, header matching, numbers
(read by the one reader of typed numbers, planner/amounts.py)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from planner.amounts import NotANumberError, NotFiniteError, read_number
from planner.number_kinds import PLAIN
from planner.spreadsheets import unescape_cell

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


def parse_number(text: str, kind: str = PLAIN, *, style: str = "",
                 currency: str | None = None) -> float:
    """The number a cell holds, read as a form reads it (planner/amounts.py) for a column
    of this kind: "1200", "1,200.5", "-3.5", "1e3", "80%" (a share: 0.8), "EUR 50k" (money).

    `style` is the plan's number style ("" when neither the plan nor the browser says:
    "180.000" is refused with both readings). NumberError says what is wrong, in words
    that follow the cell's place (Problem).
    """
    typed = " ".join(text.split())[:40]
    try:
        return read_number(text, kind, style=style, currency=currency)
    except NotFiniteError as error:
        raise NumberError(f'must be a finite number, not "{typed}"') from error
    except NotANumberError as error:
        if error.examples:  # no number at all: how to write one, after the cell's place
            raise NumberError(f'must be a number, not "{typed}": write it such as '
                              f"{error.examples}") from error
        raise NumberError(str(error).rstrip(".")) from error  # it names the text itself


def whole_if_whole(number: float) -> int | float:
    """3.0 as 3, for fields that must be whole numbers; anything else left for the check."""
    return int(number) if number.is_integer() else number
