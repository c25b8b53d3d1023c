"""Influences through the API: read by every role, added, changed and deleted by the CX
lead with the influence page's checks (no step feeds itself, no cycle, one per pair)."""

from __future__ import annotations

import pytest

from models import Influence
from tests.api.journey.conftest import fields_of, if_match, set_state


def test_influences_are_read_page_by_page(api):
    first = api("team", "GET", "/influences", scope="read", query_string={"limit": 3})
    assert first.status_code == 200, first.get_json()
    rest = api("team", "GET", "/influences", scope="read",
               query_string={"cursor": first.get_json()["next_cursor"]}).get_json()
    pairs = [(i["source_id"], i["target_id"], i["factor"])
             for i in first.get_json()["items"] + rest["items"]]
    assert pairs == [(10, 4, 0.8), (11, 2, 0.6), (11, 7, 0.5), (11, 5, 0.4), (12, 9, 0.7)]
    assert rest["next_cursor"] is None
    one = api("viewer", "GET", "/influences/1", scope="read")
    assert one.get_json()["factor"] == 0.8 and one.headers["ETag"] == '"1"'


def test_an_influence_is_added_changed_and_deleted(api, db):
    made = api("lead", "POST", "/influences", json={"source_id": 10, "target_id": 3,
                                                    "factor": "25%"})
    assert made.status_code == 201, made.get_json()
    influence = made.get_json()
    assert (influence["factor"], influence["version"]) == (0.25, 1)
    path = f"/influences/{influence['id']}"
    assert made.headers["Location"].endswith(path)
    changed = api("lead", "PATCH", path, json={"factor": 0.5}, headers=if_match(1))
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["factor"], changed.get_json()["target_id"]) == (0.5, 3)
    assert api("lead", "PATCH", path, json={"factor": 0.6},
               headers=if_match(1)).status_code == 412
    assert api("lead", "DELETE", path).status_code == 428
    assert api("lead", "DELETE", path, headers=if_match(2)).status_code == 204
    assert db.get(Influence, influence["id"]) is None


@pytest.mark.parametrize("body, field", [
    ({"source_id": 10, "target_id": 10, "factor": 0.5}, "target_id"),  # itself
    ({"source_id": 10, "target_id": 4, "factor": 0.5}, "target_id"),  # the pair is there
    ({"source_id": 10, "target_id": 999, "factor": 0.5}, "target_id"),
    ({"source_id": 10, "target_id": 3, "factor": 0}, "factor"),
    ({"source_id": 10, "target_id": 3, "factor": "150%"}, "factor"),
    ({"source_id": 10, "target_id": 3}, "factor"),
    ({"target_id": 3, "factor": 0.5}, "source_id"),
], ids=["itself", "pair-taken", "not-a-moment", "zero", "over-all", "no-factor",
        "no-step"])
def test_a_refused_field_is_named_and_nothing_is_saved(api, db, body, field):
    assert fields_of(api("lead", "POST", "/influences", json=body)) == [field]
    assert len(db.exec(Influence.__table__.select()).all()) == 5


def test_a_cycle_is_refused_in_words(api):
    assert api("lead", "POST", "/influences", json={"source_id": 10, "target_id": 11,
                                                    "factor": 0.5}).status_code == 201
    made = api("lead", "POST", "/influences", json={"source_id": 11, "target_id": 10,
                                                    "factor": 0.5})
    assert fields_of(made) == ["target_id"]
    assert "cycle" in made.get_json()["errors"][0]["detail"]


@pytest.mark.parametrize("role, status", [
    ("lead", 204), ("finance", 403), ("viewer", 403), ("team", 404), ("outsider", 404)])
def test_only_the_lead_deletes_an_influence(api, role, status):
    assert api(role, "DELETE", "/influences/1", headers=if_match(1)).status_code == status


def test_a_closed_plan_s_influences_stay(api, db, demo_id):
    set_state(db, demo_id, "closed")
    answer = api("lead", "DELETE", "/influences/1", headers=if_match(1))
    assert answer.status_code == 403 and "closed" in answer.get_json()["detail"]
