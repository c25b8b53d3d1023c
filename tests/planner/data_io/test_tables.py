"""Reading uploaded spreadsheets safely, and whole plans as sheets and back."""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook

from optimizer.planfile import plan_from_dict, plan_to_dict
from optimizer.samples import generate_plan
from planner.data_io import read as read_module
from planner.data_io.cells import NumberError, Problem, header_key, parse_number
from planner.data_io.plan_sheets import document_from_tables, plan_sheets, template_sheets
from planner.data_io.read import FileProblem, read_tables
from planner.spreadsheets import csv_bytes, workbook_bytes
from tests.conftest import EXAMPLE_PLAN


@pytest.fixture(scope="module")
def example() -> dict:
    return plan_to_dict(plan_from_dict(json.loads(EXAMPLE_PLAN.read_text())))


def round_trip(document: dict) -> tuple[dict, list[Problem]]:
    return document_from_tables(read_tables("plan.xlsx", workbook_bytes(plan_sheets(document))))


def workbook(rows_by_sheet: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in rows_by_sheet.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- round trips -------------------------------------------------------------------------

def test_example_plan_round_trips_field_for_field(example):
    document, problems = round_trip(example)
    assert problems == []
    assert document == example
    # a grid has no order of its own: effects come back in the order of the moments
    assert plan_to_dict(plan_from_dict(document)) == example


@pytest.mark.slow
def test_generated_plan_of_1000_initiatives_round_trips():
    original = plan_to_dict(generate_plan(1000, 60, seed=1))
    document, problems = round_trip(original)
    assert problems == []
    assert document == original


def test_plan_without_periods_has_one_cost_column_and_round_trips(example):
    original = {key: value for key, value in example.items() if key != "periods"}
    original["initiatives"] = [{**i, "cost": sum(i["cost"].values())}
                               for i in example["initiatives"]]
    original = plan_to_dict(plan_from_dict(original))
    initiatives = next(s for s in plan_sheets(original) if s.name == "Initiatives")
    assert "cost" in initiatives.frame.columns and "cost H1" not in initiatives.frame.columns
    assert round_trip(original) == (original, [])


def test_text_that_looks_like_a_formula_is_escaped_and_reads_back_as_written(example):
    original = json.loads(json.dumps(example))
    original["initiatives"][0]["name"] = '=HYPERLINK("http://evil","x")'
    original["initiatives"][1]["note"] = "-5% returns; NA; null"
    original["moments"][0]["name"] = "None"
    data = workbook_bytes(plan_sheets(original))
    assert read_tables("plan.xlsx", data)["Initiatives"].loc[2, "name"].startswith("'=")
    assert round_trip(original) == (original, [])


def test_sheets_are_named_and_money_flagged(example):
    sheets = plan_sheets(example)
    assert [s.name for s in sheets] == ["Plan", "Stages", "Periods", "Resources", "Moments",
                                       "Influences", "Initiatives", "Measurements"]
    initiatives = sheets[-2]
    assert list(initiatives.frame.columns[:5]) == ["id", "name", "team", "cost H1", "cost H2"]
    assert "uses it" in initiatives.frame.columns and "effect fitting" in initiatives.frame.columns
    assert initiatives.frame.loc[1, "requires"] == "rfid"
    # money, and the cost's range (the demo plan gives some)
    assert set(initiatives.money) == {"cost H1", "cost H2", "cost low", "cost high", "benefit"}


def test_template_has_the_plan_columns_no_initiatives_and_a_read_me(example):
    sheets = template_sheets(example)
    assert sheets[0].name == "Read me"
    read_me = sheets[0].frame
    initiatives = next(s for s in sheets if s.name == "Initiatives").frame
    assert initiatives.empty and "effect returns" in initiatives.columns
    assert {"effect <moment id>", "cost <period id>", "uses <resource id>", "confidence"} <= set(
        read_me["Column"])
    document, problems = document_from_tables(read_tables("t.xlsx", workbook_bytes(sheets)))
    assert problems == []
    assert document == {**example, "initiatives": []}


# --- files refused -----------------------------------------------------------------------

@pytest.mark.parametrize(("filename", "data", "message"), [
    ("plan.xls", b"whatever", 'plan.xls has the extension ".xls": upload an Excel workbook'),
    ("plan.json", b"{}", 'has the extension ".json"'),
    ("plan", b"", "plan has no extension"),
    ("plan.xlsx", b"not a zip at all", "this is not an Excel workbook (.xlsx)"),
    ("plan.xlsx", zipped({f"part{n}.xml": b"x" for n in range(1001)}), "1,001 parts"),
    ("plan.xlsx", zipped({"xl/worksheets/sheet1.xml": b"\0" * 3_000_000}),
     "compressed more than 100:1, as zip bombs are"),
    ("plan.xlsx", zipped({"readme.txt": b"hello"}), "this Excel workbook cannot be read"),
    ("data.csv", "name\nCafé".encode("utf-16"), "not in an encoding the planner reads"),
    ("data.csv", "name\nCafé".encode("utf-16-le"), "not in an encoding the planner reads"),
    ("data.csv", b"name\nab\x81\x8d", "UTF-8 (with or without a byte-order mark) or "
     "Windows-1252"),
])
def test_bad_files_are_refused_with_their_message(filename, data, message):
    with pytest.raises(FileProblem, match=re.escape(message)):
        read_tables(filename, data)


def test_total_uncompressed_size_is_limited(monkeypatch):
    monkeypatch.setattr(read_module, "MAX_UNCOMPRESSED", 1024 * 1024)
    with pytest.raises(FileProblem, match="unpacks to 2 MB, more than 1 MB"):
        read_tables("plan.xlsx", zipped({"a.bin": os.urandom(2 * 1024 * 1024)}))


def test_too_many_cells_are_refused_while_reading(monkeypatch):
    monkeypatch.setattr(read_module, "MAX_CELLS", 10)
    with pytest.raises(FileProblem, match="more than the 10 filled cells an import may hold"):
        read_tables("a.csv", b"id,name\n" + b"a,b\n" * 6)


def test_a_sparse_grid_of_too_many_cells_is_refused(monkeypatch):
    monkeypatch.setattr(read_module, "MAX_CELLS", 10)
    with pytest.raises(FileProblem, match="a sheet of 3 rows and 7 columns is more than"):
        read_tables("a.csv", b"a,b,c,d,e,f,g\n1,,,,,,\n,,,2,,,\n,,,,,,3\n")


@pytest.mark.parametrize("name, data", [
    ("a.csv", lambda rows: b"id,name\n" + b"a,b\n" * rows),
    ("a.xlsx", lambda rows: workbook({"Initiatives": [["id", "name"]] + [["a", "b"]] * rows})),
])
def test_more_rows_than_a_plan_holds_are_refused_while_reading(monkeypatch, name, data):
    monkeypatch.setattr(read_module, "MAX_ROWS", 5)
    read_tables(name, data(5))  # as many as a plan holds: read
    with pytest.raises(FileProblem, match="more than 5 rows, and a plan holds at most 5"):
        read_tables(name, data(6))


def test_every_formula_is_refused_with_its_cell_named():
    data = workbook({"Moments": [["id", "name"], ["a", "=UPPER(\"x\")"]],
                     "Initiatives": [["id", "cost"]] + [["x", 1]] * 5 + [["i7", "=A1*2"]]})
    with pytest.raises(FileProblem) as raised:
        read_tables("plan.xlsx", data)
    assert str(raised.value).splitlines() == [
        'Sheet "Moments", cell B2: a formula (=UPPER("x")); enter the value itself',
        'Sheet "Initiatives", cell B7: a formula (=A1*2); enter the value itself']


# --- files read ---------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_csv_encodings_are_read(encoding):
    data = "id,name,note\nc1,Café crème,NA\nc2,None,null\n".encode(encoding)
    frame = read_tables("moments.csv", data)["moments"]
    assert frame.loc[2, "name"] == "Café crème"
    assert frame.loc[2, "note"] == "NA"
    assert list(frame.loc[3]) == ["c2", "None", "null"]


def test_csv_table_name_and_semicolons_and_row_numbers():
    data = b"id;name\n\na;First\n;\nb;Second\n"
    tables = read_tables("anything.csv", data, csv_table="Moments")
    assert list(tables) == ["Moments"]
    assert list(tables["Moments"].index) == [3, 5]  # blank rows left out, numbers kept


def test_workbook_cells_are_text_and_na_stays_text():
    data = workbook({"Moments": [["ID", "Name", "Weight"], ["NA", "null", 2.5], [None, None, None],
                                 ["n2", "None", 120000]]})
    frame = read_tables("x.xlsx", data)["Moments"]
    assert frame.to_dict("index") == {2: {"ID": "NA", "Name": "null", "Weight": "2.5"},
                                      4: {"ID": "n2", "Name": "None", "Weight": "120000"}}


def test_csv_export_reads_back():
    frame = pd.DataFrame({"id": ["a"], "name": ["=1+1"]})
    assert read_tables("x.csv", csv_bytes(frame))["x"].loc[2, "name"] == "'=1+1"


# --- cells -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "number"), [
    ("1200", 1200), ("1,200,000.50", 1_200_000.5), ("-3.5", -3.5),
    ("1e3", 1000), (".5", 0.5), ("+7", 7), ("1,5", 1.5), ("1.250.000", 1_250_000),
])
def test_numbers_are_read(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize(("text", "kind", "style", "number"), [
    (" 1,200 ", "money", "point", 1200), (" 1,200 ", "money", "comma", 1.2),
    ("180.000", "money", "comma", 180_000), ("180.000", "money", "point", 180),
    ("1,200", "count", "", 1200), ("80%", "share", "", 0.8), ("EUR 50k", "money", "", 50_000),
    ("30 pts", "points", "", 30), ("24 FTE-months", "months", "", 24),
])
def test_numbers_are_read_by_kind_and_style(text, kind, style, number):
    assert parse_number(text, kind, style=style) == pytest.approx(number)


@pytest.mark.parametrize(("text", "message"), [
    ("abc", 'must be a number, not "abc": write it such as 2.5 or 1,200'),
    ("nan", 'must be a finite number, not "nan"'),
    ("inf", 'must be a finite number, not "inf"'),
    ("-Infinity", 'must be a finite number, not "-Infinity"'),
    ("1e309", 'must be a finite number, not "1e309"'),
    ("1_000", 'must be a number, not "1_000": write it such as 2.5 or 1,200'),
    ("12,34,5", 'must be a number, not "12,34,5": write it such as 2.5 or 1,200'),
    ("1,200", '"1,200" could be 1.2 or 1,200: write 1.2 or 1200, or choose how numbers '
              "are written in the plan's settings"),
    ("80%", '"80%" is a percentage; this field is a plain number: enter it such as 2.5 or '
            "1,200"),
])
def test_bad_numbers_are_refused(text, message):
    with pytest.raises(NumberError) as raised:
        parse_number(text)
    assert str(raised.value) == message


@pytest.mark.parametrize("header", ["Cost H1", "cost_h1", " COST h1 ", "cost  H1", "COST__h1"])
def test_headers_match_in_any_case_and_spacing(header, example):
    assert header_key(header) == "cost h1"
    tables = {"plan": pd.DataFrame({"Setting": ["plan"], "Value": ["P"]}),
              "periods": pd.DataFrame({"ID": ["H1"]}),
              "MOMENTS": pd.DataFrame({"id": ["m"], "Name": ["M"]}),
              "initiatives": pd.DataFrame({"id": ["a"], "name": ["A"], header: ["1,200"],
                                           "Effect M": ["2"]})}
    document, problems = document_from_tables(tables, style="point")
    assert problems == []
    assert document["initiatives"] == [{"id": "a", "name": "A", "cost": {"H1": 1200},
                                        "effects": {"m": 2}}]


def test_problem_reads_as_sheet_row_and_column():
    problem = Problem("Initiatives", 7, "cost H1", 'must be a number, not "abc"')
    assert str(problem) == 'Sheet "Initiatives", row 7, column "cost H1": must be a number, ' \
                           'not "abc"'
    assert str(Problem("Moments", None, None, "this sheet is missing")) == \
        'Sheet "Moments": this sheet is missing'


# --- every problem, placed ---------------------------------------------------------------

def test_every_cell_problem_is_found_at_its_row_and_column(example):
    data = workbook_bytes(plan_sheets(example))
    tables = read_tables("plan.xlsx", data)
    initiatives = tables["Initiatives"]
    initiatives.loc[3, "cost H1"] = "abc"
    initiatives.loc[5, "confidence"] = "nan"
    initiatives.loc[6, "effect queue"] = "1e309"
    initiatives.loc[7, "confidence"] = "2"
    initiatives.loc[8, "decision"] = "maybe"
    initiatives.loc[9, "requires"] = "rfid, nope"
    initiatives.loc[10, "name"] = "  "
    tables["Moments"].loc[4, "stage"] = "checkout"
    tables["Plan"].loc[4, "Value"] = "-5"  # budget
    tables["Initiatives"] = initiatives.rename(columns={"note": "colour"})
    _, problems = document_from_tables(tables)
    assert [str(p) for p in problems] == [
        'Sheet "Plan", row 4, column "Value": must be 0 or more, not -5',
        'Sheet "Moments", row 4, column "stage": unknown stage "checkout"',
        'Sheet "Initiatives", row 1, column "colour": unknown column; the columns of this sheet '
        "are id, name, team, cost, cost <period id>, cost low, cost high, uses <resource id>, "
        "effect <moment id>, effect low <moment id>, effect high <moment id>, confidence, "
        "decision, reason, requires, excludes, benefit, note",
        'Sheet "Initiatives", row 3, column "cost H1": must be a number, not "abc": write it '
        "such as 75,000 or 75000 or 50k",
        'Sheet "Initiatives", row 5, column "confidence": must be a finite number, not "nan"',
        'Sheet "Initiatives", row 6, column "effect queue": must be a finite number, '
        'not "1e309"',
        'Sheet "Initiatives", row 7, column "confidence": must be 1 or less, not 2',
        'Sheet "Initiatives", row 8, column "decision": must be one of auto, fund, reject, '
        'not "maybe"',
        'Sheet "Initiatives", row 9, column "requires": unknown initiative "nope"',
        'Sheet "Initiatives", row 10, column "name": is required',
    ]


def test_missing_and_unknown_sheets_are_named():
    _, problems = document_from_tables({"Moments": pd.DataFrame({"id": ["m"], "name": ["M"]}),
                                        "Scratch": pd.DataFrame()})
    assert [str(p) for p in problems] == [
        'Sheet "Plan": this sheet is missing', 'Sheet "Initiatives": this sheet is missing',
        'Sheet "Scratch": unknown sheet; the sheets of a plan are Plan, Stages, Periods, '
        "Resources, Moments, Influences, Initiatives, Measurements"]


def test_a_column_without_a_header_is_named_by_its_letter():
    tables = read_tables("m.csv", b"id,name,\nm,M,oops\n", csv_table="Moments")
    assert list(tables["Moments"].columns) == ["id", "name", "(column C)"]
    tables |= {"Plan": pd.DataFrame({"Setting": ["plan"], "Value": ["P"]}),
               "Initiatives": pd.DataFrame(columns=["id"])}
    _, problems = document_from_tables(tables)
    assert [str(p) for p in problems] == [
        'Sheet "Moments", row 1, column "(column C)": a column with values but no header: '
        "name it or clear it"]


def with_sheet_xml(data: bytes, rows_xml: str) -> bytes:
    """The workbook with its first sheet's rows replaced, as other programs may write them."""
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    sheet = entries["xl/worksheets/sheet1.xml"].decode()
    start, end = sheet.index("<sheetData"), sheet.index("</sheetData>")
    entries["xl/worksheets/sheet1.xml"] = (sheet[:start] + "<sheetData>" + rows_xml
                                           + sheet[end:]).encode()
    return zipped(entries)


def test_cells_without_their_place_and_empty_cells_are_read_in_order():
    rows_xml = ('<row><c t="inlineStr"><is><t>id</t></is></c><c/><c t="inlineStr"><is><t>'
                'name</t></is></c></row>'
                '<row r="3"><c r="A3" s="0"/><c r="B3" s="0"/><c r="C3" t="inlineStr"><is>'
                '<t>A &amp; B</t></is></c><c r="D3"><v>0.10000000000000001</v></c></row>'
                '<row><c t="b"><v>1</v></c><c s="0"/><c t="inlineStr"><is><t>x</t></is></c>'
                "</row>")
    data = with_sheet_xml(workbook({"Moments": [["placeholder"]]}), rows_xml)
    frame = read_tables("x.xlsx", data)["Moments"]
    assert frame.to_dict("index") == {
        3: {"id": "", "name": "A & B", "(column D)": "0.1"},
        4: {"id": "TRUE", "name": "x", "(column D)": ""}}


def test_dates_read_as_iso_text():
    book = Workbook()
    book.active.title = "Initiatives"
    book.active.append(["id", "note"])
    book.active.append(["a", datetime.date(2027, 1, 5)])
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_tables("x.xlsx", buffer.getvalue())["Initiatives"].loc[2, "note"] == \
        "2027-01-05T00:00:00"
