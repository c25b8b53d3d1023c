"""Importing moments, influences and initiatives into a plan: the preview, and its document."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest

from optimizer.planfile import plan_from_dict, plan_to_dict
from planner.data_io.merge import preview_import
from planner.data_io.plan_sheets import plan_sheets
from planner.data_io.read import read_tables
from planner.spreadsheets import workbook_bytes
from tests.conftest import EXAMPLE_PLAN


@pytest.fixture
def current() -> dict:
    return plan_to_dict(plan_from_dict(json.loads(EXAMPLE_PLAN.read_text())))


def exported(document: dict) -> dict[str, pd.DataFrame]:
    return read_tables("plan.xlsx", workbook_bytes(plan_sheets(document)))


def initiatives(*rows: dict) -> dict[str, pd.DataFrame]:
    return {"Initiatives": pd.DataFrame(list(rows), dtype=object)}


def by_id(document: dict, key: str = "initiatives") -> dict[str, dict]:
    return {entry["id"]: entry for entry in document[key]}


def test_reimporting_an_export_changes_nothing(current):
    preview = preview_import(current, exported(current))
    assert preview.problems == []
    assert preview.added == {"moments": [], "influences": [], "initiatives": [],
                             "measurements": []}
    assert preview.changed == {"moments": {}, "influences": {}, "initiatives": {},
                               "measurements": {}}
    assert preview.unchanged == {"moments": 12, "influences": 5, "initiatives": 15,
                                 "measurements": 0}
    assert preview.document == current
    assert preview.ignored == ["Plan", "Stages", "Periods", "Resources"]


def test_a_reimport_with_changed_rows_updates_them_and_names_the_fields(current):
    tables = exported(current)
    sheet = tables["Initiatives"]
    sheet.loc[2, "name"] = "RFID everywhere"
    sheet.loc[2, "cost H2"] = "70,000"
    sheet.loc[3, "effect replenish"] = ""
    sheet.loc[3, "effect racks"] = "4"
    sheet.loc[4, "confidence"] = ""
    tables["Influences"].loc[2, "factor"] = "0.9"
    before = copy.deepcopy(current)
    preview = preview_import(current, tables, style="point")
    assert preview.problems == []
    assert preview.changed["initiatives"] == {"rfid": ["name", "cost"],
                                              "autoreplen": ["effects"], "rota": ["confidence"]}
    assert preview.changed["influences"] == {"replenish -> instock": ["factor"]}
    # the numbers that change the plan, as typed and as read, for the preview to show
    rfid = next(line for line in preview.figures["initiatives"] if line["id"] == "rfid")
    assert rfid["row"] == 2 and ["cost H2", "70,000", "70,000.00"] in rfid["cells"]
    assert {"row": 2, "id": "replenish -> instock",
            "cells": [["factor", "0.9", "90%"]]} in preview.figures["influences"]
    assert preview.unchanged["initiatives"] == 12
    merged = by_id(preview.document)
    assert merged["rfid"]["cost"] == {"H1": 120000, "H2": 70000}
    assert merged["autoreplen"]["effects"] == {"racks": 4}
    assert "confidence" not in merged["rota"]  # an empty cell clears the field
    assert current == before  # nothing written: the caller writes the document


@pytest.mark.parametrize(("row", "field", "expected"), [
    ({"id": "rfid", "benefit": "1"}, "benefit", 1),
    ({"id": "rfid", "effect signage": "3"}, "effects", {"replenish": 18, "racks": 2,
                                                        "signage": 3}),
    ({"id": "rfid", "uses it": ""}, "uses", None),
    ({"id": "rfid", "cost H1": "5"}, "cost", {"H1": 5, "H2": 60000}),
    ({"id": "rfid", "cost": "5"}, "cost", {"H1": 5}),  # one cost: the first period's
    ({"id": "rfid", "requires": "music, signage"}, "requires", ["music", "signage"]),
])
def test_only_the_columns_present_change_a_field(current, row, field, expected):
    preview = preview_import(current, initiatives(row))
    assert preview.problems == []
    rfid = by_id(preview.document)["rfid"]
    assert rfid.get(field) == expected
    untouched = {k: v for k, v in by_id(current)["rfid"].items() if k != field}
    assert {k: v for k, v in rfid.items() if k != field} == untouched
    assert preview.changed["initiatives"] == {"rfid": [field]}


def test_new_rows_are_added_with_ids_made_from_names_when_absent(current):
    preview = preview_import(current, initiatives(
        {"name": "RFID", "cost H1": "10", "effect greet": "1"},
        {"id": "", "name": "Queue app", "cost H1": "10", "effect queue": "2"},
        {"name": "Queue app", "cost H1": "20", "effect queue": "3"},
        {"id": "kiosk", "name": "Kiosk", "cost H2": "5", "effect queue": "1"}))
    assert preview.problems == []
    assert preview.added["initiatives"] == ["rfid-2", "queue-app", "queue-app-2", "kiosk"]
    assert by_id(preview.document)["queue-app-2"] == {
        "id": "queue-app-2", "name": "Queue app", "cost": {"H1": 20}, "effects": {"queue": 3}}


def test_moments_added_in_the_same_import_can_be_used_in_effects(current):
    tables = {"Moments": pd.DataFrame([{"name": "Parking is easy", "stage": "visit",
                                        "weight": "4"}]),
              "Influences": pd.DataFrame([{"from": "rota", "to": "parking-is-easy",
                                           "factor": "0.5"}]),
              **initiatives({"name": "Valet", "cost H1": "1", "effect parking-is-easy": "5"})}
    preview = preview_import(current, tables)
    assert preview.problems == []
    assert preview.added == {"moments": ["parking-is-easy"],
                             "influences": ["rota -> parking-is-easy"], "initiatives": ["valet"],
                             "measurements": []}
    assert plan_from_dict(preview.document).moments[-1].weight == 4


def test_na_none_and_null_stay_text(current):
    preview = preview_import(current, read_tables(
        "i.csv", b"name,team,note,cost H1,effect greet\nNA,None,null,1,1\n",
        csv_table="Initiatives"))
    assert preview.problems == []
    assert by_id(preview.document)["na"] == {"id": "na", "name": "NA", "team": "None",
                                             "note": "null", "cost": {"H1": 1},
                                             "effects": {"greet": 1}}


@pytest.mark.parametrize(("tables", "problems"), [
    (initiatives({"id": "x", "name": "X", "cost H1": "1", "effect fitt": "2"}),
     ['Sheet "Initiatives", row 1, column "effect fitt": unknown moment "fitt": no moment of '
      "the plan has this id",
      'Sheet "Initiatives", row 2, column "effects": is required']),
    (initiatives({"id": "rfid", "cost H1": "nan"}, {"id": "music", "confidence": "inf"}),
     ['Sheet "Initiatives", row 2, column "cost H1": must be a finite number, not "nan"',
      'Sheet "Initiatives", row 3, column "confidence": must be a finite number, not "inf"']),
    (initiatives({"id": "rfid", "confidence": "1.5"}, {"id": "rfid", "confidence": "0.5"}),
     ['Sheet "Initiatives", row 2, column "confidence": must be 1 or less, not 1.5',
      'Sheet "Initiatives", row 3, column "id": rfid is also on row 2; keep one']),
    (initiatives({"team": "IT"}),
     ['Sheet "Initiatives", row 2, column "id": needs an id, or a name to make one from']),
    (initiatives({"name": "New", "effect greet": "1"}),
     ['Sheet "Initiatives", row 2, column "cost": is required']),
    ({"Influences": pd.DataFrame([{"from": "rota", "factor": "2"},
                                  {"from": "rota", "to": "ghost", "factor": "0.5"}])},
     ['Sheet "Influences", row 2, column "to": is required',
      'Sheet "Influences", row 3, column "to": unknown moment "ghost"']),
    ({"Moments": pd.DataFrame([{"id": "greet", "side": "sideways", "colour": "red"}])},
     ['Sheet "Moments", row 1, column "colour": unknown column; the columns of this sheet are '
      "id, name, stage, side, weight, weight low, weight high, headroom, category, score, "
      "owner",
      'Sheet "Moments", row 2, column "side": must be one of front, back, not "sideways"']),
    ({"Budget": pd.DataFrame([{"id": "x"}])},
     ['nothing to import: no sheet named Moments, Influences, Initiatives or Measurements '
      '(found "Budget")']),
])
def test_problems_are_named_by_sheet_row_and_column_and_leave_no_document(current, tables,
                                                                          problems):
    preview = preview_import(current, tables)
    assert [str(p) for p in preview.problems] == problems
    assert preview.document is None


def test_sheet_names_and_headers_are_matched_forgivingly(current):
    tables = {" initiatives ": pd.DataFrame([{"ID": "rfid", "Effect_Racks": "5",
                                              "COST H1": "1"}])}
    preview = preview_import(current, tables)
    assert preview.problems == []
    assert by_id(preview.document)["rfid"]["effects"] == {"replenish": 18, "racks": 5}


def test_rows_without_an_id_are_matched_by_name_so_a_reimport_updates(current):
    # in any case and spacing: the row's spelling is then the name
    preview = preview_import(current, initiatives({"name": "rfid  STOCK visibility",
                                                   "confidence": "0.9"}))
    assert preview.problems == [] and preview.added["initiatives"] == []
    assert preview.changed["initiatives"] == {"rfid": ["name", "confidence"]}
    sheet = initiatives({"name": "Queue app", "cost H1": "10", "effect queue": "2"})
    added = preview_import(current, sheet)
    assert added.added["initiatives"] == ["queue-app"]
    # The same sheet again, into the plan it made: nothing added twice.
    again = preview_import(added.document, sheet)
    assert again.added["initiatives"] == [] and again.changed["initiatives"] == {}
    assert again.unchanged["initiatives"] == 1 and again.document == added.document


def test_a_name_the_plan_has_twice_needs_the_id(current):
    twice = copy.deepcopy(current)
    twice["initiatives"][1]["name"] = twice["initiatives"][0]["name"]
    first, second = twice["initiatives"][0]["id"], twice["initiatives"][1]["id"]
    preview = preview_import(twice, initiatives(
        {"name": twice["initiatives"][0]["name"], "confidence": "0.5"}))
    assert [str(p) for p in preview.problems] == [
        f'Sheet "Initiatives", row 2, column "id": 2 initiatives of the plan are named '
        f'"{twice["initiatives"][0]["name"]}" ({first}, {second}): give the id of the one '
        "to change"]
    assert preview.document is None
