"""Measured scores brought in from a CSV or a workbook: the preview, every problem named by
row and column with nothing written, all of it written on confirm, and a re-import that
changes nothing."""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from sqlmodel import func, select

from models import Measurement, Moment, PendingImport
from planner.spreadsheets import csv_bytes
from tests.webapp import page_text

ROWS = [{"moment": "greet", "date": "2026-12-31", "score": "51.5", "n": "1,200",
         "source": "exit survey"},
        {"moment": "rota", "date": "2026-12-31", "score": "7", "n": "", "source": ""}]


def _upload(client, plan_id: int, rows: list[dict], filename: str = "scores.csv"):
    data = csv_bytes(pd.DataFrame(rows, dtype=object))
    return client.post(f"/plans/{plan_id}/import", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), filename), "table": "measurements"})


def _count(db, plan_id: int) -> int:
    db.rollback()
    return db.exec(select(func.count()).select_from(Measurement)
                   .where(Measurement.plan_id == plan_id)).one()


def _scores(db, plan_id: int, key: str) -> list[tuple]:
    db.rollback()
    return [(m.taken_on.isoformat(), m.score, m.n, m.source) for m in db.exec(
        select(Measurement).join(Moment, Moment.id == Measurement.moment_id)
        .where(Moment.plan_id == plan_id, Moment.key == key)
        .order_by(Measurement.taken_on, Measurement.id)).all()]


def test_scores_are_previewed_then_all_written_and_a_reimport_changes_nothing(client, db,
                                                                             demo_id):
    before = _count(db, demo_id)
    preview = _upload(client, demo_id, ROWS)
    assert preview.status_code == 302
    text = page_text(client.get(preview.headers["Location"]))
    assert "greet on 2026-12-31 (exit survey)" in text and "rota on 2026-12-31" in text
    assert _count(db, demo_id) == before  # nothing written before the confirm
    assert client.post(preview.headers["Location"]).status_code == 302
    assert _count(db, demo_id) == before + 2
    assert _scores(db, demo_id, "greet")[-1] == ("2026-12-31", 51.5, 1200, "exit survey")
    assert _scores(db, demo_id, "rota") == [("2026-12-31", 7.0, None, "")]
    again = _upload(client, demo_id, ROWS)  # the same file again: nothing to import
    assert again.status_code == 200
    assert "Nothing to import: every row matches the plan as it is." in page_text(again)
    assert _count(db, demo_id) == before + 2


def test_a_row_of_the_same_moment_day_and_source_changes_its_score(client, db, demo_id):
    client.post(_upload(client, demo_id, ROWS).headers["Location"])
    changed = [{**ROWS[0], "score": "53"}]
    preview = _upload(client, demo_id, changed)
    assert "greet on 2026-12-31 (exit survey)" in page_text(client.get(
        preview.headers["Location"]))
    client.post(preview.headers["Location"])
    assert _scores(db, demo_id, "greet")[-1] == ("2026-12-31", 53.0, 1200, "exit survey")


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(client, db,
                                                                        demo_id):
    before = _count(db, demo_id)
    rows = [{"moment": "greet", "date": "31/12/2026", "score": "50", "n": "", "source": ""},
            {"moment": "ghost", "date": "2026-12-31", "score": "50", "n": "", "source": ""},
            {"moment": "greet", "date": "2026-11-31", "score": "50", "n": "", "source": "b"},
            {"moment": "greet", "date": "2026-10-31", "score": "lots", "n": "", "source": ""},
            {"moment": "greet", "date": "2026-09-30", "score": "2e9", "n": "", "source": ""},
            {"moment": "greet", "date": "2026-08-31", "score": "50", "n": "0", "source": ""},
            {"moment": "", "date": "2026-07-31", "score": "50", "n": "", "source": ""}]
    answer = _upload(client, demo_id, rows)
    assert answer.status_code == 422
    text = page_text(answer)
    for row, column, words in (
            (2, "date", 'must be a date as 2026-03-31, not "31/12/2026"'),
            (3, "moment", 'unknown moment "ghost"'),
            (4, "date", 'must be a date as 2026-03-31, not "2026-11-31"'),
            (5, "score", "lots"),
            (6, "score", "at most"),
            (7, "n", "must be 1 or more, not 0"),
            (8, "moment", "is required")):
        assert f"Measurements {row} {column} " in text, (row, column, text)
        assert words in text.split(f"Measurements {row} {column} ", 1)[1][:80], (row, text)
    assert _count(db, demo_id) == before
    db.rollback()
    assert db.exec(select(func.count()).select_from(PendingImport)).one() == 0


def test_a_workbooks_date_cells_are_read_as_their_day(client, db, demo_id):
    book = Workbook()
    sheet = book.active
    sheet.title = "Measurements"
    sheet.append(["moment", "date", "score", "n", "source"])
    sheet.append(["queue", datetime(2026, 12, 31), 47, 350, "exit survey"])
    buffer = io.BytesIO()
    book.save(buffer)
    answer = client.post(f"/plans/{demo_id}/import", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(buffer.getvalue()), "scores.xlsx"),
                               "table": "measurements"})
    assert answer.status_code == 302, page_text(answer)
    client.post(answer.headers["Location"])
    assert _scores(db, demo_id, "queue")[-1] == ("2026-12-31", 47.0, 350, "exit survey")


def test_a_score_added_after_the_preview_refuses_the_import(client, db, demo_id):
    preview = _upload(client, demo_id, ROWS)
    moment = db.exec(select(Moment).where(Moment.plan_id == demo_id,
                                          Moment.key == "queue")).one()
    client.post(f"/plans/{demo_id}/moments/{moment.id}/measurements",
                data={"taken_on": "2026-12-15", "score": "46"})
    before = _count(db, demo_id)
    answer = client.post(preview.headers["Location"], follow_redirects=True)
    assert "The plan changed after this preview was made" in page_text(answer)
    assert _count(db, demo_id) == before  # the form's score kept, the import not written
