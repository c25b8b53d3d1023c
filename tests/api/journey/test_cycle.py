"""The plan's cycle through the API: its moves as the Settings page offers them, each
taken once from the state it was read in, proposals' last day when it opens."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import Plan, Publication
from tests.api.journey.conftest import fields_of, set_state


def test_everyone_who_reads_the_plan_sees_its_moves(api):
    for role in ("lead", "finance", "viewer"):
        answer = api(role, "GET", "/state", scope="read")
        assert answer.status_code == 200, role
        assert answer.get_json() == {
            "state": "open", "proposals_close": None,
            "meaning": "Open for proposals: teams propose and edit their own initiatives.",
            "moves": [{"to": "draft", "words": "Back to draft"}]}  # no decision to stand


def test_the_lead_moves_it_back_and_opens_it_with_a_last_day(api, db, demo_id):
    back = api("lead", "POST", "/state", json={"to": "draft", "from": "open"})
    assert back.status_code == 200, back.get_json()
    assert back.get_json()["moves"] == [{"to": "open", "words": "Open for proposals"}]
    day = (date.today() + timedelta(days=30)).isoformat()
    opened = api("lead", "POST", "/state", json={"to": "open", "from": "draft",
                                                 "proposals_close": day})
    assert opened.status_code == 200, opened.get_json()
    assert (opened.get_json()["state"], opened.get_json()["proposals_close"]) == ("open", day)
    db.expire_all()
    assert db.get(Plan, demo_id).proposals_close.isoformat() == day


@pytest.mark.parametrize("body, status, field", [
    ({"to": "decided", "from": "open"}, 409, None),  # no decision published
    ({"to": "draft", "from": "draft"}, 409, None),  # read in a state it has left
    ({"to": "open", "from": "open"}, 409, None),
    ({"to": "sideways", "from": "open"}, 422, "to"),
    ({"to": "draft"}, 422, "from"),
    ({"to": "draft", "from": "open", "proposals_close": "2999-01-01"}, 422,
     "proposals_close"),
], ids=["no-decision", "stale", "not-a-move", "no-state", "no-from", "day-without-opening"])
def test_a_move_it_cannot_make_changes_nothing(api, db, demo_id, body, status, field):
    answer = api("lead", "POST", "/state", json=body)
    assert answer.status_code == status, answer.get_json()
    if field:
        assert fields_of(answer) == [field]
    db.expire_all()
    assert db.get(Plan, demo_id).state == "open"


@pytest.mark.parametrize("day, words", [
    ((date.today() - timedelta(days=1)).isoformat(), "is in the past"),
    ("31/12/2030", "give a day as YYYY-MM-DD"),
], ids=["past", "not-a-day"])
def test_a_last_day_is_checked_by_the_page_s_form(api, db, demo_id, day, words):
    set_state(db, demo_id, "draft")
    answer = api("lead", "POST", "/state", json={"to": "open", "from": "draft",
                                                 "proposals_close": day})
    assert fields_of(answer) == ["proposals_close"]
    assert words in answer.get_json()["errors"][0]["detail"]
    db.expire_all()
    assert db.get(Plan, demo_id).state == "draft"


@pytest.mark.parametrize("role, status", [
    ("lead", 200), ("admin", 200), ("finance", 403), ("viewer", 403), ("team", 403),
    ("outsider", 404)])
def test_only_the_lead_moves_the_cycle(api, role, status):
    answer = api(role, "POST", "/state", json={"to": "draft", "from": "open"})
    assert answer.status_code == status, answer.get_json()


def test_a_closed_plan_is_reopened_to_its_decision(api, db, demo_id, run_id):
    db.add(Publication(plan_id=demo_id, run_id=run_id))
    set_state(db, demo_id, "closed")
    assert api("lead", "PATCH", json={"max_focus": 4},
               headers={"If-Match": '"1"'}).status_code == 403
    answer = api("lead", "POST", "/state", json={"to": "decided", "from": "closed"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["state"] == "decided"
