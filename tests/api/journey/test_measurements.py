"""A moment's measured scores through the API: read by every role page by page, added and
taken away by the CX lead, in a closed cycle too (they are measured after the decision)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from models import Measurement
from tests.api.journey.conftest import fields_of, set_state


def count(db) -> int:
    return db.exec(select(func.count()).select_from(Measurement)).one()


def test_a_moment_s_scores_are_read_page_by_page(api, db):
    expected = db.exec(select(Measurement.id).where(Measurement.moment_id == 4)
                       .order_by(Measurement.id)).all()
    seen, cursor = [], None
    while True:
        page = api("team", "GET", "/moments/4/measurements", scope="read",
                   query_string={"limit": 4, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.get_json()
        seen += [m["id"] for m in page.get_json()["items"]]
        assert all(m["moment_id"] == 4 for m in page.get_json()["items"])
        cursor = page.get_json()["next_cursor"]
        if cursor is None:
            break
    assert seen == list(expected) and len(seen) > 4


def test_a_score_is_added_and_becomes_the_moment_s_latest(api, db, demo_id):
    made = api("lead", "POST", "/moments/4/measurements", json={
        "taken_on": "2099-03-31", "score": "72,5", "n": "1.200", "source": " exit survey "},
        headers={"Accept-Language": "de"})
    assert made.status_code == 201, made.get_json()
    score = made.get_json()
    assert (score["taken_on"], score["score"], score["n"], score["source"]) == (
        "2099-03-31", 72.5, 1200, "exit survey")
    location = made.headers["Location"]
    assert location.endswith(f"/plans/{demo_id}/moments/4/measurements/{score['id']}")
    assert api("viewer", "GET", f"/moments/4/measurements/{score['id']}",
               scope="read").get_json() == score
    latest = api("viewer", "GET", "/moments/4", scope="read").get_json()["latest_measurement"]
    assert latest == score


@pytest.mark.parametrize("body, field", [
    ({"score": 70}, "taken_on"),
    ({"taken_on": "31.03.2026", "score": 70}, "taken_on"),
    ({"taken_on": "2026-03-31"}, "score"),
    ({"taken_on": "2026-03-31", "score": 70, "n": 0}, "n"),
    ({"taken_on": "2026-03-31", "score": "high"}, "score"),
    ({"taken_on": "2026-03-31", "score": 70, "source": "s" * 121}, "source"),
], ids=["no-day", "not-a-day", "no-score", "no-sample", "score-not-a-number", "long-source"])
def test_a_refused_field_is_named_and_nothing_is_saved(api, db, body, field):
    before = count(db)
    assert fields_of(api("lead", "POST", "/moments/4/measurements", json=body)) == [field]
    assert count(db) == before


def test_a_score_is_taken_away_only_from_its_own_moment(api, db):
    first = db.exec(select(Measurement.id).where(Measurement.moment_id == 4)).first()
    assert api("lead", "DELETE", f"/moments/5/measurements/{first}").status_code == 404
    assert api("lead", "DELETE", f"/moments/4/measurements/{first}").status_code == 204
    db.rollback()  # its read began before the delete
    assert db.exec(select(Measurement.id).where(Measurement.id == first)).first() is None
    assert api("lead", "GET", f"/moments/4/measurements/{first}").status_code == 404


@pytest.mark.parametrize("role, read, write", [
    ("lead", 200, 201), ("finance", 200, 403), ("team", 200, 404), ("viewer", 200, 403),
    ("outsider", 404, 404)])  # a team member is not told of a row it may not change
def test_everyone_reads_the_scores_and_the_lead_records_them(api, role, read, write):
    assert api(role, "GET", "/moments/4/measurements").status_code == read
    assert api(role, "POST", "/moments/4/measurements", json={
        "taken_on": "2026-03-31", "score": 70}).status_code == write


def test_a_closed_cycle_takes_scores(api, db, demo_id):
    set_state(db, demo_id, "closed")
    made = api("lead", "POST", "/moments/4/measurements",
               json={"taken_on": "2026-03-31", "score": 70})
    assert made.status_code == 201, made.get_json()
    assert api("lead", "DELETE", f"/moments/4/measurements/{made.get_json()['id']}"
               ).status_code == 204
