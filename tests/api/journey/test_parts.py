"""Stages, periods and resources through the API: read by whoever reads the plan's
settings, added, changed and deleted by its CX lead, as the part pages do."""

from __future__ import annotations

import pytest

from models import Period, Resource, Stage
from tests.api.journey.conftest import fields_of, if_match, set_state


def test_a_list_is_read_page_by_page_with_a_cursor(api):
    first = api("viewer", "GET", "/stages", scope="read", query_string={"limit": 2})
    assert first.status_code == 200, first.get_json()
    keys = [stage["key"] for stage in first.get_json()["items"]]
    cursor = first.get_json()["next_cursor"]
    while cursor:
        page = api("viewer", "GET", "/stages", scope="read",
                   query_string={"limit": 2, "cursor": cursor}).get_json()
        keys += [stage["key"] for stage in page["items"]]
        cursor = page["next_cursor"]
    assert keys == ["discover", "visit", "try", "pay", "after"]
    bad = api("viewer", "GET", "/stages", scope="read", query_string={"cursor": "!!"})
    assert fields_of(bad) == ["cursor"]


def test_a_stage_is_added_changed_and_deleted(api, db, demo_id):
    made = api("lead", "POST", "/stages", json={"name": "Come back"})
    assert made.status_code == 201, made.get_json()
    stage = made.get_json()
    assert (stage["key"], stage["position"], stage["version"]) == ("come-back", 5, 1)
    assert made.headers["Location"].endswith(f"/api/v1/plans/{demo_id}/stages/{stage['id']}")
    read = api("viewer", "GET", f"/stages/{stage['id']}", scope="read")
    assert read.get_json() == stage and read.headers["ETag"] == '"1"'
    changed = api("lead", "PATCH", f"/stages/{stage['id']}", json={"name": "Return"},
                  headers=if_match(1))
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["name"], changed.get_json()["key"]) == ("Return", "come-back")
    assert changed.headers["ETag"] == '"2"'
    assert api("lead", "DELETE", f"/stages/{stage['id']}",
               headers=if_match(1)).status_code == 412
    assert api("lead", "DELETE", f"/stages/{stage['id']}",
               headers=if_match(2)).status_code == 204
    assert db.get(Stage, stage["id"]) is None
    assert api("lead", "GET", f"/stages/{stage['id']}").status_code == 404


@pytest.mark.parametrize("sent, language, read", [
    ("120,000 EUR", "en-US", 120000.0), ("120.000", "de-DE", 120000.0),
    (120000, None, 120000.0), ("", None, None)],
    ids=["point", "comma", "json-number", "empty-no-limit"])
def test_a_period_s_budget_is_read_as_the_page_reads_it(api, db, sent, language, read):
    headers = {**if_match(1), **({"Accept-Language": language} if language else {})}
    answer = api("lead", "PATCH", "/periods/1", json={"budget": sent}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["budget"] == read
    assert db.get(Period, 1).budget == read


def test_a_resource_s_capacity_is_read_in_its_unit(api, db):
    answer = api("lead", "POST", "/resources", json={"name": "Designers",
                                                     "capacity": "8 weeks", "unit": "weeks"})
    assert answer.status_code == 201, answer.get_json()
    assert (answer.get_json()["capacity"], answer.get_json()["key"]) == (8.0, "designers")
    assert db.get(Resource, answer.get_json()["id"]).unit == "weeks"


@pytest.mark.parametrize("path, method, body, field", [
    ("/stages", "POST", {}, "name"),
    ("/stages", "POST", {"name": "Again", "key": "visit"}, "key"),
    ("/stages/1", "PATCH", {"name": "x" * 121}, "name"),
    ("/periods", "POST", {"budget": 100}, "key"),
    ("/periods/1", "PATCH", {"budget": "lots"}, "budget"),
    ("/resources/1", "PATCH", {"capacity": None}, "capacity"),
    ("/resources/1", "PATCH", {"size": 3}, "size"),
], ids=["no-name", "key-taken", "name-too-long", "period-without-id", "budget-not-a-number",
        "no-capacity", "unknown-field"])
def test_a_refused_field_is_named_and_nothing_is_saved(api, db, path, method, body, field):
    answer = api("lead", method, path, json=body, headers=if_match(1))
    assert fields_of(answer) == [field]
    assert len(db.exec(Stage.__table__.select()).all()) == 5
    assert (db.get(Period, 1).version, db.get(Resource, 1).version) == (1, 1)


@pytest.mark.parametrize("kind", ["stages", "periods", "resources"])
def test_a_change_and_a_delete_name_the_version(api, db, kind):
    for method in ("PATCH", "DELETE"):
        missing = api("lead", method, f"/{kind}/1", json={} if method == "PATCH" else None)
        assert missing.status_code == 428 and missing.get_json()["current_version"] == 1
        stale = api("lead", method, f"/{kind}/1", headers=if_match(3),
                    json={} if method == "PATCH" else None)
        assert stale.status_code == 412 and stale.get_json()["current_version"] == 1


@pytest.mark.parametrize("role, read, write", [
    ("lead", 200, 201), ("finance", 200, 403), ("viewer", 200, 403), ("team", 403, 403),
    ("outsider", 404, 404)])
def test_the_lead_alone_changes_what_every_reader_of_the_settings_reads(api, role, read,
                                                                        write):
    assert api(role, "GET", "/periods").status_code == read
    assert api(role, "GET", "/periods/1").status_code in ((404,) if role == "team"
                                                           else (read,))
    assert api(role, "POST", "/periods", json={"key": "H3"}).status_code == write


def test_a_closed_plan_is_read_and_not_changed(api, db, demo_id):
    set_state(db, demo_id, "closed")
    assert api("viewer", "GET", "/resources", scope="read").status_code == 200
    for method, path in (("POST", "/stages"), ("PATCH", "/stages/1"),
                         ("DELETE", "/stages/1")):
        answer = api("lead", method, path, json={"name": "Later"} if method != "DELETE"
                     else None, headers=if_match(1))
        assert answer.status_code == 403 and "closed" in answer.get_json()["detail"], method
