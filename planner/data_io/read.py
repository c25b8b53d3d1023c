"""Reading an uploaded .xlsx or .csv into tables of text, refusing unsafe or unreadable files.

Every cell comes back as text ("" when empty) and is parsed later by the code that knows
what the column means, so that "NA", "None" or "null" in a name stay what they are. Each
frame's index is the spreadsheet's own row number (the header is row 1), so that a problem
found later can name the row a person sees.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import PurePath
from typing import IO, Any
from xml.etree import ElementTree

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel

MAX_ENTRIES = 1_000
# A 20,000-initiative workbook of 200 moments, as the planner writes it, unpacks to 9 MB.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # small entries compress well and harmlessly; only big ones count
MAX_CELLS = 5_000_000  # rows x columns of one sheet; 10,000 initiatives x 100 is 1,000,000
# Rows below the header of one sheet: as many as a plan may hold initiatives. Counted while
# reading, so that a larger file is refused before it is all in memory.
MAX_ROWS = 20_000
CHUNK = 1 << 20
# Transitional and strict OOXML name the elements in different namespaces.
NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
              "http://purl.oclc.org/ooxml/spreadsheetml/main")
EMPTY_CELL = re.compile(rb'<c\s[^<>]*?\br="[A-Z]+[0-9]+"[^<>]*/>')
ROW_TAGS = {"row", *(f"{{{namespace}}}row" for namespace in NAMESPACES)}
ENCODINGS = ("utf-8-sig", "utf-8", "cp1252")
ENCODINGS_SHOWN = "UTF-8 (with or without a byte-order mark) or Windows-1252"


class FileProblem(ValueError):  # noqa: N818 (the name callers know it by)
    """A file that cannot be read as tables; the message says why in the user's words."""


def read_tables(filename: str, data: bytes, *,
                csv_table: str | None = None) -> dict[str, pd.DataFrame]:
    """{table name: frame of text} of an .xlsx (one per sheet) or a .csv (one table).

    A CSV's table is named `csv_table`, or after the file ("initiatives.csv" -> "initiatives").
    """
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        return _read_workbook(data)
    if suffix == ".csv":
        return {csv_table or PurePath(filename).stem: _read_csv(data)}
    shown = f'the extension "{suffix}"' if suffix else "no extension"
    raise FileProblem(f"{PurePath(filename).name} has {shown}: upload an Excel workbook "
                      "(.xlsx) or a CSV file (.csv)")


def check_zip(data: bytes) -> None:
    """Refuse an .xlsx that is not a zip, or whose zip could exhaust memory when opened."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise FileProblem("this is not an Excel workbook (.xlsx): the file is damaged or of "
                          "another kind; save it from Excel as .xlsx and upload again") from error
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise FileProblem(f"this workbook holds {len(entries):,} parts, more than the "
                              f"{MAX_ENTRIES:,} a workbook of tables needs; it is refused")
        total = sum(entry.file_size for entry in entries)
        if total > MAX_UNCOMPRESSED:
            raise FileProblem(f"this workbook unpacks to {total / 2**20:,.0f} MB, more than "
                              f"{MAX_UNCOMPRESSED // 2**20} MB; it is refused")
        for entry in entries:
            # A zip bomb packs a huge entry into a few bytes; real sheets stay far below this.
            if (entry.file_size > RATIO_FLOOR
                    and entry.file_size > MAX_RATIO * max(entry.compress_size, 1)):
                raise FileProblem(f"this workbook's part {entry.filename} is compressed more "
                                  f"than {MAX_RATIO}:1, as zip bombs are; it is refused")


def _read_workbook(data: bytes) -> dict[str, pd.DataFrame]:
    check_zip(data)
    try:
        # Unsupported extensions (data validation, conditional formats) warn; they are
        # irrelevant to reading values.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            try:
                return _sheets(workbook)
            finally:
                workbook.close()
    except FileProblem:
        raise
    except Exception as error:  # a damaged workbook fails in many ways; none may be a 500
        raise FileProblem(f"this Excel workbook cannot be read ({type(error).__name__}); "
                          "open it in Excel, save it as .xlsx and upload again") from error


def _sheets(workbook: Any) -> dict[str, pd.DataFrame]:
    """Every worksheet's cells, in one streaming pass per sheet; formulas refused, all named.

    openpyxl reads the workbook's structure (sheet names, shared strings, date styles);
    the cells are read here from the sheet's XML, because openpyxl builds a Python object
    per cell and takes 7 s for a 10,000-initiative workbook where this takes 2.
    """
    tables: dict[str, pd.DataFrame] = {}
    formulas: list[str] = []
    for worksheet in workbook.worksheets:
        if not hasattr(worksheet, "_worksheet_path"):
            continue  # a chart sheet holds no table
        with workbook._archive.open(worksheet._worksheet_path) as source:
            rows, found = _sheet_cells(source, workbook, f'Sheet "{worksheet.title}"')
        formulas += [f'Sheet "{worksheet.title}", cell {cell}: {formula}; enter the value itself'
                     for cell, formula in found]
        tables[worksheet.title] = _frame(rows)
    if formulas:
        raise FileProblem("\n".join(formulas))
    return tables


def _sheet_cells(source: IO[bytes], workbook: Any, where: str
                 ) -> tuple[dict[int, dict[int, str]], list[tuple[str, str]]]:
    """{row number: {column number: text}} of the cells that hold something, and formulas."""
    rows: dict[int, dict[int, str]] = {}
    limit = _Limit(where)
    formulas: list[tuple[str, str]] = []
    parser = ElementTree.XMLPullParser(events=("end",))
    row_number = 0
    for chunk in _without_empty_cells(source):
        parser.feed(chunk)
        for _, element in parser.read_events():
            if element.tag not in ROW_TAGS:
                continue
            row_number = int(element.get("r") or row_number + 1)
            cells: dict[int, str] = {}
            for position, cell in enumerate(element, start=1):
                if not len(cell):
                    continue  # styled but empty: most cells of an exported effects grid
                reference = cell.get("r")
                column = _column(reference) if reference else position
                text, formula = _cell(cell, workbook)
                if formula is not None:
                    coordinate = reference or f"{get_column_letter(column)}{row_number}"
                    formulas.append((coordinate, f"a formula (={formula})" if formula
                                     else "a formula"))
                if text:
                    cells[column] = text
            if cells:
                rows[row_number] = cells
                limit.count(cells)
            element.clear()  # keep memory flat: a row is done once read
    parser.close()
    return rows, formulas


def _without_empty_cells(source: IO[bytes]) -> Iterator[bytes]:
    """The sheet's XML with the empty cells that name their place (<c r="B7" s="1"/>) cut.

    An exported effects grid is nine tenths empty cells; cutting them before the XML parser
    sees them halves the time to read a 10,000-initiative workbook. Cells without their
    place stay, since the ones after them count their position from them.
    """
    carry = b""
    for chunk in iter(lambda: source.read(CHUNK), b""):
        text = carry + chunk
        cut = text.rfind(b"<")  # a tag may be split between chunks: keep it for the next
        text, carry = text[:cut], text[cut:]
        yield EMPTY_CELL.sub(b"", text)
    yield carry


def _cell(cell: Any, workbook: Any) -> tuple[str, str | None]:
    """The text a cell shows, and its formula if it has one."""
    kind = cell.get("t", "n")
    value, formula = "", None
    for child in cell:
        name = _local(child.tag)
        if name == "v":
            value = child.text or ""
        elif name == "f":
            formula = child.text or ""
        elif name == "is":
            value = "".join(t.text or "" for t in child.iter() if _local(t.tag) == "t")
    if kind == "s" and value:
        return str(workbook.shared_strings[int(value)]), formula
    if kind == "b":
        return ("TRUE" if value == "1" else "FALSE") if value else "", formula
    if kind == "n" and value:
        number = float(value)
        if int(cell.get("s", 0)) in workbook._date_formats:
            return from_excel(number, workbook.epoch).isoformat(), formula
        return _number_text(number), formula
    return value, formula


def _number_text(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))  # 120000 reads as "120000", as the sheet shows it
    text = repr(number)  # the shortest text that reads back as the same number
    # A point and three digits ("1.125") is read by the plan's number style, which is
    # about typed text; a number cell holds a number, so it is made plain ("1.1250").
    return text + "0" if re.fullmatch(r"-?\d+\.\d{3}", text) else text


@lru_cache(maxsize=16384)
def _column(reference: str) -> int:
    return column_index_from_string(reference.rstrip("0123456789"))


def _local(tag: str) -> str:
    """A tag without its namespace."""
    return tag[tag.rfind("}") + 1:]


def _read_csv(data: bytes) -> pd.DataFrame:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel in much of Europe saves CSV with ";" (the comma is the decimal mark there).
    delimiter = max((";", ",", "\t"), key=lambda mark: (first_line.count(mark), mark == ","))
    rows: dict[int, dict[int, str]] = {}
    limit = _Limit("The file")
    try:
        lines = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, cells in enumerate(lines, start=1):
            rows[number] = {column: value for column, value in enumerate(cells, start=1)
                            if value}
            if rows[number]:
                limit.count(rows[number])
    except csv.Error as error:
        raise FileProblem(f"this CSV file cannot be read: {error}") from error
    return _frame(rows)


class _Limit:
    """Counts a sheet's rows and cells as they are read; past the limits, refuses it then."""

    def __init__(self, where: str):
        self.where, self.rows, self.cells = where, 0, 0

    def count(self, cells: dict[int, str]) -> None:
        self.rows += 1
        self.cells += len(cells)
        if self.rows > MAX_ROWS + 1:  # the header is not a row of data
            raise FileProblem(f"{self.where} has more than {MAX_ROWS:,} rows, and a plan holds "
                              f"at most {MAX_ROWS:,} initiatives; split the file")
        if self.cells > MAX_CELLS:
            raise FileProblem(f"{self.where} has more than the {MAX_CELLS:,} filled cells an "
                              "import may hold; split the file")


def _decode(data: bytes) -> str:
    refusal = (f"this CSV file is not in an encoding the planner reads ({ENCODINGS_SHOWN}); "
               'in Excel choose "Save as" and "CSV UTF-8", then upload again')
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise FileProblem(refusal)  # UTF-16 or binary: cp1252 would "read" it as garbage
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(refusal)


def _frame(rows: dict[int, dict[int, str]]) -> pd.DataFrame:
    """A frame of the rows under row 1, indexed by row number; blank rows left out."""
    header = rows.pop(1, {})
    body = {number: cells for number, cells in rows.items()
            if any(text.strip() for text in cells.values())}
    filled = {column for cells in body.values()
              for column, text in cells.items() if text.strip()}
    columns = sorted(filled | {c for c, name in header.items() if name.strip()})
    if len(body) * len(columns) > MAX_CELLS:
        raise FileProblem(f"a sheet of {len(body):,} rows and {len(columns):,} columns is "
                          f"more than the {MAX_CELLS:,} cells an import may hold")
    # A column with values but no header keeps its letter, so a problem can point at it.
    names = [header[c] if header.get(c, "").strip() else f"(column {get_column_letter(c)})"
             for c in columns]
    numbers = sorted(body)
    cells = [[body[number].get(column, "") for column in columns] for number in numbers]
    return pd.DataFrame(cells, columns=names, index=numbers, dtype=str)
