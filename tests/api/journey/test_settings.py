"""A plan's settings through the API: changed as the Settings page changes them (its form,
its number reader), at the version named as If-Match, by the roles the page lets."""

from __future__ import annotations

import pytest

from models import Plan
from tests.api.journey.conftest import fields_of, if_match, set_state


def test_the_lead_changes_some_settings_and_the_rest_stays(api, db, demo_id):
    seen = api("lead", "GET")
    assert seen.headers["ETag"] == '"1"'
    changed = api("lead", "PATCH", json={"max_focus": 4, "discount_rate": "6%"},
                  headers=if_match(1))
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["max_focus"], body["discount_rate"], body["version"]) == (4, 0.06, 2)
    assert changed.headers["ETag"] == '"2"'
    plan = db.get(Plan, demo_id)
    assert (plan.name, plan.budget, plan.version) == (seen.get_json()["name"], 450000.0, 2)
    assert plan.uncertainty == {"cost": [0.9, 1.25], "effects": [0.6, 1.25]}  # not sent


@pytest.mark.parametrize("sent, language, read", [
    ("75,000 EUR", "en-GB", 75000.0),
    ("75.000 EUR", "de-DE", 75000.0),
    ("60k", None, 60000.0),
    (75000.5, None, 75000.5),
    (None, None, None),
], ids=["point-language", "comma-language", "thousands", "json-number", "null-no-budget"])
def test_a_budget_is_read_as_the_page_reads_it(api, db, demo_id, sent, language, read):
    headers = {**if_match(1), **({"Accept-Language": language} if language else {})}
    answer = api("lead", "PATCH", json={"budget": sent}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["budget"] == read
    assert db.get(Plan, demo_id).budget == read


def test_the_style_the_body_sets_reads_its_own_numbers(api):
    answer = api("lead", "PATCH", json={"number_style": "comma", "budget": "75.000,5"},
                 headers=if_match(1))
    assert answer.status_code == 200, answer.get_json()
    assert (answer.get_json()["budget"], answer.get_json()["number_style"]) == (75000.5,
                                                                                "comma")


@pytest.mark.parametrize("body, field", [
    ({"budget": "75,000 EUR"}, "budget"),  # no style, no language: 75 or 75,000?
    ({"max_focus": 40}, "max_focus"),
    ({"max_focus": True}, "max_focus"),
    ({"currency": "euro"}, "currency"),
    ({"name": ""}, "name"),
    ({"uncertainty_cost": [1.3, 0.9]}, "uncertainty_cost"),
    ({"number_style": "roman"}, "number_style"),
    ({"colour": "blue"}, "colour"),
    ({"name": 5}, "name"),
], ids=["ambiguous", "too-many-focus", "bool", "currency", "no-name", "range-backwards",
        "style", "unknown-field", "not-text"])
def test_a_refused_field_is_named_and_nothing_is_saved(api, db, demo_id, body, field):
    answer = api("lead", "PATCH", json=body, headers=if_match(1))
    assert fields_of(answer) == [field]
    assert all(error["detail"] for error in answer.get_json()["errors"])
    db.expire_all()
    assert (db.get(Plan, demo_id).version, db.get(Plan, demo_id).budget) == (1, 450000.0)


def test_the_budget_s_words_say_what_to_do(api):
    answer = api("lead", "PATCH", json={"budget": "75,000 EUR"}, headers=if_match(1))
    assert "choose how numbers are written" in answer.get_json()["errors"][0]["detail"]


def test_a_change_names_the_version_it_changes(api, db, demo_id):
    missing = api("lead", "PATCH", json={"max_focus": 4})
    assert missing.status_code == 428 and missing.get_json()["current_version"] == 1
    assert api("lead", "PATCH", json={"max_focus": 4}, headers=if_match(1)).status_code == 200
    stale = api("lead", "PATCH", json={"max_focus": 5}, headers=if_match(1))
    assert stale.status_code == 412, stale.get_json()
    assert stale.get_json()["current_version"] == 2 and stale.headers["ETag"] == '"2"'
    db.expire_all()
    assert db.get(Plan, demo_id).max_focus == 4


@pytest.mark.parametrize("role, status", [
    ("lead", 200), ("finance", 200), ("admin", 200), ("viewer", 403), ("team", 403),
    ("outsider", 404)])
def test_the_roles_of_the_settings_form_change_them(api, role, status):
    answer = api(role, "PATCH", json={"max_focus": 4}, headers=if_match(1))
    assert answer.status_code == status, answer.get_json()


def test_a_read_token_and_a_closed_plan_change_nothing(api, db, demo_id):
    assert api("lead", "PATCH", json={"max_focus": 4}, headers=if_match(1),
               scope="read").status_code == 403
    set_state(db, demo_id, "closed")
    closed = api("lead", "PATCH", json={"max_focus": 4}, headers=if_match(1))
    assert closed.status_code == 403 and "closed" in closed.get_json()["detail"]
