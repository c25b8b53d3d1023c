"""Ranges in spreadsheets: "cost low"/"cost high", "weight low"/"weight high", "effect low
<moment>"/"effect high <moment>" beside the effect columns, and the plan's default shares as
settings rows. A workbook written from a plan reads back as the same plan; the import's
preview shows each range end as typed and as read; a bad range is named by sheet, row and
column."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlmodel import select

from models import Initiative, InitiativeEffect, Moment, PendingImport
from optimizer import plan_to_dict
from optimizer.planfile import plan_from_dict
from planner.data_io.merge import preview_import
from planner.data_io.plan_sheets import document_from_tables, plan_sheets
from planner.data_io.read import read_tables
from planner.spreadsheets import csv_bytes, workbook_bytes
from tests.webapp import page_text

DOCUMENT = {
    "plan": "Ranged", "currency": "EUR", "budget": 100_000, "max_focus": 2,
    "uncertainty": {"cost": [0.9, 1.3], "effects": [0.5, 1.2]},
    "periods": [{"id": "H1", "budget": 60_000}, {"id": "H2"}],
    "moments": [{"id": "fit", "name": "Fit", "weight": 5, "weight_range": [4, 7.5]},
                {"id": "low", "name": "A moment named low", "weight": 2}],
    "initiatives": [
        {"id": "a", "name": "A", "cost": {"H1": 30_000, "H2": 10_000},
         "cost_range": [35_000, 52_500.5], "effects": {"fit": 6, "low": 2},
         "effects_range": {"fit": [4, 9]}},
        {"id": "b", "name": "B", "cost": {"H1": 20_000}, "effects": {"low": 3},
         "effects_range": {"low": [0, 3]}},
        {"id": "c", "name": "C", "cost": {"H2": 5_000}, "effects": {"fit": 1}}],
}


def _tables(sheets) -> dict[str, pd.DataFrame]:
    return read_tables("plan.xlsx", workbook_bytes(sheets))


def test_a_workbook_of_a_plan_with_ranges_reads_back_as_the_same_plan():
    sheets = plan_sheets(DOCUMENT)
    initiatives = next(s for s in sheets if s.name == "Initiatives").frame
    assert {"cost low", "cost high", "effect low fit", "effect high fit", "effect low low",
            "effect high low"} <= set(initiatives.columns)
    settings = dict(next(s for s in sheets if s.name == "Plan").frame.values.tolist())
    assert (settings["cost low share"], settings["effects high share"]) == (0.9, 1.2)
    assert "weight low share" not in settings  # absent stays absent
    document, problems = document_from_tables(_tables(sheets))
    assert problems == []
    assert plan_to_dict(plan_from_dict(document)) == plan_to_dict(plan_from_dict(DOCUMENT))


def _sheet(rows: list[dict], name: str = "Initiatives") -> dict[str, pd.DataFrame]:
    return {name: pd.DataFrame(rows, dtype=str).fillna("")}


def test_a_bad_range_is_named_by_sheet_row_and_column():
    base = [sheet for sheet in plan_sheets(DOCUMENT)]
    for sheet_name, changes, words in (
            ("Initiatives", {"cost low": "45000"}, 'Sheet "Initiatives", row 2, column '
             '"cost low": low 45000 is above the cost 40000'),
            ("Initiatives", {"cost high": ""}, 'Sheet "Initiatives", row 2, column "cost '
             'high": is empty while "cost low" is not: give the high end of the range too'),
            ("Initiatives", {"effect high fit": "5"}, 'Sheet "Initiatives", row 2, column '
             '"effect low fit": high 5 is below the uplift 6'),
            ("Initiatives", {"effect low low": "1"}, 'Sheet "Initiatives", row 2, column '
             '"effect high low": is empty while "effect low low" is not'),
            ("Initiatives", {"cost low": "35k EUR", "cost high": "3 pts"}, 'Sheet '
             '"Initiatives", row 2, column "cost high": "3 pts" is points; this field is an '
             "amount of money"),
            ("Moments", {"weight high": "4.5"}, 'Sheet "Moments", row 2, column "weight '
             'low": high 4.5 is below the weight 5'),
            ("Plan", {"cost high share": None}, 'Sheet "Plan", row 6, column "Value": "cost '
             'low share" is given without "cost high share"'),
            ("Plan", {"cost low share": "110%"}, 'Sheet "Plan", row 6, column "Value": low '
             "share 1.1 is above 1")):
        sheets = [s for s in base]
        index = next(i for i, s in enumerate(sheets) if s.name == sheet_name)
        frame = sheets[index].frame.copy()
        if sheet_name == "Plan":
            for name, value in changes.items():
                frame = frame[frame["Setting"] != name] if value is None else frame.assign(
                    Value=[value if s == name else v for s, v in frame.values.tolist()])
        else:
            for column, value in changes.items():
                frame[column] = frame[column].astype(object)
                frame.loc[0, column] = value
        sheets[index] = type(sheets[index])(sheets[index].name, frame)
        document, problems = document_from_tables(_tables(sheets), style="point")
        assert any(words in str(problem) for problem in problems), (changes, problems)


def test_the_import_preview_shows_range_ends_as_typed_and_as_read(client, db, demo_id):
    moment_ids = {m.key: m.id for m in db.exec(select(Moment)).all()}
    assert "queue" in moment_ids
    rows = [{"id": "ranged", "name": "Ranged work", "cost H1": "40k", "cost low": "35k",
             "cost high": "EUR 52500", "effect queue": "6", "effect low queue": "4 pts",
             "effect high queue": "8"}]
    upload = client.post(f"/plans/{demo_id}/import", data={
        "file": (io.BytesIO(csv_bytes(pd.DataFrame(rows))), "initiatives.csv"),
        "table": "initiatives"}, content_type="multipart/form-data", follow_redirects=True)
    text = page_text(upload)
    assert "cost low 35k -> 35,000.00" in text and "cost high EUR 52500 -> 52,500.00" in text
    assert "effect low queue 4 pts -> 4" in text and "effect high queue 8 -> 8" in text
    db.rollback()
    pending = db.exec(select(PendingImport)).one()
    made = next(i for i in pending.document["initiatives"] if i["id"] == "ranged")
    assert (made["cost_range"], made["effects_range"]) == ([35_000, 52_500], {"queue": [4, 8]})
    token = pending.token
    confirm = client.post(f"/plans/{demo_id}/import/{token}")
    assert confirm.status_code == 302, page_text(client.get(confirm.headers["Location"]))
    db.rollback()
    saved = db.exec(select(Initiative).where(Initiative.key == "ranged")).one()
    assert (saved.cost_low, saved.cost_high) == (35_000, 52_500)
    effect = db.exec(select(InitiativeEffect).where(
        InitiativeEffect.initiative_id == saved.id)).one()
    assert (effect.uplift, effect.low, effect.high) == (6, 4, 8)


def test_an_import_without_range_columns_leaves_ranges_as_they_are():
    current = plan_to_dict(plan_from_dict(DOCUMENT))
    tables = _sheet([{"id": "a", "name": "A renamed"}])
    preview = preview_import(current, tables, style="point")
    assert preview.problems == []
    a = next(i for i in preview.document["initiatives"] if i["id"] == "a")
    assert (a["cost_range"], a["effects_range"]) == ([35_000, 52_500.5], {"fit": [4, 9]})
    cleared = preview_import(current, _sheet([{"id": "a", "cost low": "", "cost high": ""}]),
                             style="point")
    assert cleared.problems == [] and "cost_range" not in next(
        i for i in cleared.document["initiatives"] if i["id"] == "a")
    assert cleared.changed["initiatives"] == {"a": ["cost_range"]}


def test_a_range_without_columns_moves_along_with_its_changed_estimate():
    current = plan_to_dict(plan_from_dict(DOCUMENT))
    # a's cost 40,000 -> 70,000: its range keeps its shares (x 1.75); its uplift on fit 6 -> 3
    # halves the range around it
    preview = preview_import(current, _sheet([{"id": "a", "cost H1": "60000",
                                               "effect fit": "3"}]), style="point")
    assert preview.problems == []
    a = next(i for i in preview.document["initiatives"] if i["id"] == "a")
    assert a["cost_range"] == pytest.approx([35_000 * 1.75, 52_500.5 * 1.75])
    assert a["effects_range"] == {"fit": pytest.approx([2, 4.5])}
    assert set(preview.changed["initiatives"]["a"]) == {"cost", "effects", "cost_range",
                                                        "effects_range"}
    # given in its columns, a range stands as typed, and the plan's rules check it
    typed = preview_import(current, _sheet([{"id": "a", "cost H1": "60000", "cost low": "35000",
                                             "cost high": "52500"}]), style="point")
    assert [str(p) for p in typed.problems] == [
        'Sheet "Initiatives", row 2, column "cost low": high 52500 is below the cost 70000']
