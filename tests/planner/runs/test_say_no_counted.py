"""The figure for rejected work to count (where forced in it would move no focus moment) on
every page and file that shows an explanation, and explanations stored before it existed."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlmodel import select

from models import RunExplanation
from tests.webapp import page_text

# The demo's window signage moves only 'Store signage invites people in', which is not a
# focus moment of the run: forced in, it would not count.
KEY, MOMENT = "signage", "Store signage invites people in"


def _explain(client, db, demo_id: int, run_id: int) -> dict:
    assert client.get(f"/plans/{demo_id}/runs/{run_id}/say-no/{KEY}").status_code == 200
    db.rollback()
    return db.exec(select(RunExplanation).where(RunExplanation.run_id == run_id,
                                                RunExplanation.key == KEY)).one().document


def _not_funded_row(client, demo_id: int, run_id: int) -> dict:
    response = client.get(f"/plans/{demo_id}/runs/{run_id}/portfolio.xlsx")
    header, *rows = openpyxl.load_workbook(io.BytesIO(response.data))["Not funded"].iter_rows(
        values_only=True)
    return next(dict(zip(header, row, strict=True)) for row in rows if row[0] == KEY)


def test_every_page_gives_the_figure_for_it_to_count(client, db, demo_id, run_id):
    document = _explain(client, db, demo_id, run_id)
    counted = document["impact_if_counted"]
    assert counted is not None and counted < document["impact_if_funded"]
    assert document["counted_focus"] == ["signage"]
    figure = f"{counted:,.1f}"
    assert f"the best portfolio then gives {figure}." in document["message"]

    text = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}/say-no/{KEY}"))
    assert f"If it is to count {figure} (the best portfolio with {MOMENT} in focus)" in text
    assert "(the best portfolio with it forced in)" in text
    text = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}/say-no"))
    assert f"If it counts {figure} ({MOMENT} in focus)" in text
    assert f"impact if it counts: {figure}" in page_text(
        client.get(f"/plans/{demo_id}/runs/{run_id}/memo"))
    assert f"impact if it counts: {figure}" in client.get(
        f"/plans/{demo_id}/runs/{run_id}/memo.md").get_data(as_text=True)
    row = _not_funded_row(client, demo_id, run_id)
    assert row["Impact if counted"] == pytest.approx(counted)
    assert row["Impact if funded"] == pytest.approx(document["impact_if_funded"])


def test_an_explanation_stored_before_the_figure_existed_still_shows(client, db, demo_id,
                                                                     run_id):
    _explain(client, db, demo_id, run_id)
    stored = db.exec(select(RunExplanation).where(RunExplanation.run_id == run_id,
                                                  RunExplanation.key == KEY)).one()
    document = {key: value for key, value in stored.document.items()
                if key not in ("impact_if_counted", "counted_focus", "counted_conflict")}
    stored.document = document
    db.commit()
    for page in (f"say-no/{KEY}", "say-no", "memo", "memo.md", "portfolio.xlsx",
                 "not-funded.csv"):
        assert client.get(f"/plans/{demo_id}/runs/{run_id}/{page}").status_code == 200, page
    text = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}/say-no/{KEY}"))
    assert document["message"] in text and "If it is to count" not in text
    assert _not_funded_row(client, demo_id, run_id)["Impact if counted"] is None
