"""The journey's moments through the API: each with its owner and latest measured score,
read by every role, added, changed and deleted by the CX lead as the moment pages do."""

from __future__ import annotations

import pytest

from models import Moment
from tests.api.journey.conftest import fields_of, if_match, set_state


def all_pages(api, role: str, path: str, **query) -> list[dict]:
    items, cursor = [], None
    while True:
        answer = api(role, "GET", path, scope="read",
                     query_string={**query, "limit": 5, **({"cursor": cursor} if cursor
                                                           else {})})
        assert answer.status_code == 200, answer.get_json()
        items += answer.get_json()["items"]
        cursor = answer.get_json()["next_cursor"]
        if cursor is None:
            return items


def test_every_role_reads_the_moments_with_owner_and_latest_score(api):
    for role in ("lead", "finance", "team", "viewer"):
        moments = all_pages(api, role, "/moments")
        assert [m["key"] for m in moments][:3] == ["signage", "greet", "racks"], role
        assert len(moments) == 12
    instock = next(m for m in moments if m["key"] == "instock")
    assert instock["owner"] == "Logistics" and instock["stage_id"] == 2
    latest = instock["latest_measurement"]
    assert latest["moment_id"] == instock["id"] and latest["taken_on"] >= "2025-01-01"
    one = api("viewer", "GET", f"/moments/{instock['id']}", scope="read")
    assert one.get_json() == instock and one.headers["ETag"] == '"1"'


def test_an_owner_s_moments(api):
    moments = all_pages(api, "viewer", "/moments", owner="Stores")
    assert [m["key"] for m in moments] == ["greet", "racks", "fitting", "queue", "thanks"]


def test_a_moment_is_added_with_numbers_as_typed(api, db, demo_id):
    made = api("lead", "POST", "/moments", json={
        "name": "Parking is easy", "stage_id": 1, "weight": "3", "weight_range": "2-4",
        "headroom": "25 pts", "owner": " Facilities ", "category": None},
        headers={"Accept-Language": "en"})
    assert made.status_code == 201, made.get_json()
    moment = made.get_json()
    assert (moment["key"], moment["weight"], moment["weight_range"], moment["headroom"],
            moment["owner"], moment["latest_measurement"]) == (
        "parking-is-easy", 3.0, [2.0, 4.0], 25.0, "Facilities", None)
    assert made.headers["Location"].endswith(f"/plans/{demo_id}/moments/{moment['id']}")
    assert db.get(Moment, moment["id"]).stage_id == 1


def test_a_moment_is_changed_at_its_version_and_the_rest_stays(api, db):
    changed = api("lead", "PATCH", "/moments/4", json={"owner": "Supply chain",
                                                      "stage_id": None, "weight": 7.5},
                  headers=if_match(1))
    assert changed.status_code == 200, changed.get_json()
    moment = changed.get_json()
    assert (moment["owner"], moment["stage_id"], moment["weight"], moment["key"],
            moment["version"]) == ("Supply chain", None, 7.5, "instock", 2)
    assert changed.headers["ETag"] == '"2"'
    again = api("lead", "PATCH", "/moments/4", json={"owner": "x"}, headers=if_match(1))
    assert again.status_code == 412 and again.get_json()["current_version"] == 2
    assert api("lead", "PATCH", "/moments/4", json={"owner": "x"}).status_code == 428
    db.expire_all()
    assert db.get(Moment, 4).owner == "Supply chain"


@pytest.mark.parametrize("body, field", [
    ({"name": ""}, "name"),
    ({"key": "greet"}, "key"),
    ({"stage_id": 999}, "stage_id"),
    ({"side": "inside"}, "side"),
    ({"weight": "heavy"}, "weight"),
    ({"weight_range": [0.1, 0.2]}, "weight_range"),  # leaves out the weight itself
    ({"headroom": 0}, "headroom"),
    ({"category": "luck"}, "category"),
    ({"owner": ["a"]}, "owner"),
], ids=["no-name", "key-taken", "not-a-stage", "side", "weight", "range-without-weight",
        "no-headroom", "category", "owner-not-text"])
def test_a_refused_field_is_named_and_nothing_is_saved(api, db, body, field):
    answer = api("lead", "PATCH", "/moments/4", json=body, headers=if_match(1))
    assert fields_of(answer) == [field]
    assert db.get(Moment, 4).version == 1


def test_a_moment_an_initiative_moves_alone_is_not_deleted(api, db):
    made = api("lead", "POST", "/moments", json={"name": "Free coffee"}).get_json()
    assert api("lead", "DELETE", f"/moments/{made['id']}").status_code == 428
    assert api("lead", "DELETE", f"/moments/{made['id']}",
               headers=if_match(1)).status_code == 204
    blocked = [m for m in range(1, 13)
               if api("lead", "DELETE", f"/moments/{m}", headers=if_match(1)).status_code
               == 409]
    assert blocked, "the demo has initiatives that move one moment alone"
    answer = api("lead", "DELETE", f"/moments/{blocked[0]}", headers=if_match(1))
    assert answer.get_json()["initiatives"] and "move only this moment" in \
        answer.get_json()["detail"]
    assert db.get(Moment, blocked[0]) is not None


@pytest.mark.parametrize("role, status", [
    ("lead", 201), ("admin", 201), ("finance", 403), ("viewer", 403), ("team", 403),
    ("outsider", 404)])
def test_only_the_lead_adds_moments(api, role, status):
    assert api(role, "POST", "/moments", json={"name": "New"}).status_code == status


def test_a_closed_plan_s_moments_are_read_not_changed(api, db, demo_id):
    set_state(db, demo_id, "closed")
    assert api("team", "GET", "/moments/1", scope="read").status_code == 200
    answer = api("lead", "PATCH", "/moments/1", json={"owner": "x"}, headers=if_match(1))
    assert answer.status_code == 403 and "closed" in answer.get_json()["detail"]
