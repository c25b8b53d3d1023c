"""Initiatives through the API as the initiative pages have them: a page at a time by
cursor, one with its version, proposed with numbers as typed and ranges, changed and
deleted at the version named (If-Match), each refusal naming its field; a team member
within its own team while the plan is open for proposals, a viewer only reading."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Initiative, Plan
from tests.api.conftest import call

PROPOSAL = {"name": "Self-checkout kiosks", "team": "Stores",
            "cost": {"H1": "75,000 EUR", "H2": 5000}, "cost_range": "60-90k",
            "effects": {"greet": "4 pts", "racks": 1.125}, "effects_range": {"greet": [2, 6]},
            "uses": {"it": "1.5"}, "confidence": "80%", "requires": ["rfid"]}
# "75,000" is read as the page reads it: by the plan's number style or, where it has none,
# the language the request says it is written in (ambiguous with neither).
ENGLISH = {"Accept-Language": "en-GB"}


def url(plan_id: int, initiative_id: int | None = None) -> str:
    return f"/api/v1/plans/{plan_id}/initiatives" + (
        f"/{initiative_id}" if initiative_id is not None else "")


def id_of(db, plan_id: int, key: str) -> int:
    db.rollback()
    return db.exec(select(Initiative.id).where(Initiative.plan_id == plan_id,
                                               Initiative.key == key)).one()


def fields_of(response) -> list[str]:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    return [error["field"] for error in response.get_json()["errors"]]


def test_the_list_pages_by_cursor_with_the_page_filters(app, db, demo_id, tokens):
    client, lead = app.test_client(), tokens["lead"]["read"]
    every = db.exec(select(Initiative.key).where(Initiative.plan_id == demo_id)
                    .order_by(Initiative.id)).all()
    seen, cursor = [], None
    while True:
        page = call(client, "GET", url(demo_id), lead,
                    query_string={"limit": 4, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        seen += [item["id"] for item in page.get_json()["items"]]
        cursor = page.get_json()["next_cursor"]
        if cursor is None:
            break
    assert seen == list(every) and len(seen) > 4
    it = call(client, "GET", url(demo_id), lead, query_string={"team": "IT"}).get_json()
    assert it["items"] and {item["team"] for item in it["items"]} == {"IT"}
    moved = call(client, "GET", url(demo_id), lead, query_string={"moment": "replenish"})
    assert {item["id"] for item in moved.get_json()["items"]} >= {"rfid", "autoreplen"}
    assert all("replenish" in item["effects"] for item in moved.get_json()["items"])
    assert fields_of(call(client, "GET", url(demo_id), lead,
                          query_string={"moment": "nowhere"})) == ["moment"]
    assert fields_of(call(client, "GET", url(demo_id), lead,
                          query_string={"cursor": "!!"})) == ["cursor"]
    # a team member's list is its own team's, whichever team it asks for
    mine = call(client, "GET", url(demo_id), tokens["team"]["read"],
                query_string={"team": "HR", "limit": 200}).get_json()["items"]
    assert mine and {item["team"] for item in mine} == {"IT"}


def test_one_reads_as_the_plan_file_writes_it_with_its_version(app, db, demo_id, tokens):
    found = call(app.test_client(), "GET", url(demo_id, id_of(db, demo_id, "rfid")),
                 tokens["viewer"]["read"])
    item = found.get_json()
    assert found.status_code == 200 and found.headers["ETag"] == f'"{item["version"]}"'
    assert {key: item[key] for key in ("id", "name", "team", "cost", "uses", "effects",
                                       "effects_range", "confidence", "benefit")} == {
        "id": "rfid", "name": "RFID stock visibility", "team": "IT",
        "cost": {"H1": 120000, "H2": 60000}, "uses": {"it": 8},
        "effects": {"replenish": 18, "racks": 2}, "effects_range": {"replenish": [10, 22]},
        "confidence": 0.7, "benefit": 260000}
    assert item["verdict"] is None  # no run yet
    missing = call(app.test_client(), "GET", url(demo_id, 999_999), tokens["viewer"]["read"])
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_a_proposal_is_read_by_the_pages_form_and_saved_as_the_page_saves(
        app, db, demo_id, tokens):
    client = app.test_client()
    made = call(client, "POST", url(demo_id), tokens["lead"]["write"], json=PROPOSAL,
                headers=ENGLISH)
    item = made.get_json()
    assert made.status_code == 201, item
    assert made.headers["Location"].endswith(url(demo_id, item["initiative_id"]))
    assert (item["cost"], item["cost_range"], item["confidence"]) == (
        {"H1": 75000, "H2": 5000}, [60000, 90000], 0.8)
    assert item["effects"] == {"greet": 4, "racks": 1.125}
    assert (item["effects_range"], item["uses"], item["requires"]) == (
        {"greet": [2, 6]}, {"it": 1.5}, ["rfid"])
    assert (item["id"], item["team"], item["decision"]) == ("self-checkout-kiosks",
                                                            "Stores", "auto")
    again = call(client, "GET", made.headers["Location"], tokens["lead"]["read"])
    assert again.get_json() == item and again.headers["ETag"] == made.headers["ETag"]
    unsure = call(client, "POST", url(demo_id), tokens["lead"]["write"],
                  json={**PROPOSAL, "name": "Another"})
    assert set(fields_of(unsure)) == {"cost.H1", "cost_range"}
    assert "could be 75 or 75,000" in str(unsure.get_json()["errors"])


@pytest.mark.parametrize(("change", "refused"), [
    ({"cost": {"H1": "lots"}}, ["cost_range", "cost.H1"]),  # the range: around what?
    ({"cost": 80000}, ["cost"]),
    ({"effects": {}, "effects_range": {}}, ["effects"]),
    ({"effects": {"nowhere": 3}}, ["effects.nowhere"]),
    ({"cost_range": "90k-60k"}, ["cost_range"]),
    ({"cost_range": "200-300k"}, ["cost_range"]),
    ({"effects_range": {"greet": [9, 12]}}, ["effects_range.greet"]),
    ({"confidence": "180%"}, ["confidence"]),
    ({"decision": "fund"}, ["reason"]),
    ({"requires": ["nothing-here"]}, ["requires"]),
    ({"id": "rfid"}, ["id"]),
    ({"version": 3}, ["version"]),
], ids=["unreadable-cost", "total-cost-with-periods", "no-uplift", "unknown-moment",
        "range-backwards", "range-not-around-cost", "uplift-range-not-around", "confidence",
        "forced-without-reason", "unknown-link", "taken-id", "unknown-field"])
def test_a_refused_proposal_names_its_field_and_saves_nothing(app, db, demo_id, tokens,
                                                              change, refused):
    before = db.exec(select(Initiative.id).where(Initiative.plan_id == demo_id)).all()
    answer = call(app.test_client(), "POST", url(demo_id), tokens["lead"]["write"],
                  json={**PROPOSAL, **change}, headers=ENGLISH)
    assert fields_of(answer) == refused
    db.rollback()
    assert db.exec(select(Initiative.id).where(Initiative.plan_id == demo_id)).all() == before


def test_a_change_names_the_version_it_changes(app, db, demo_id, tokens):
    client, lead = app.test_client(), tokens["lead"]["write"]
    address = url(demo_id, id_of(db, demo_id, "rfid"))
    version = call(client, "GET", address, lead).get_json()["version"]
    unnamed = call(client, "PATCH", address, lead, json={"name": "RFID"})
    assert unnamed.status_code == 428 and unnamed.get_json()["current_version"] == version
    stale = call(client, "PATCH", address, lead, json={"name": "RFID"},
                 headers={"If-Match": f'"{version - 1 if version > 1 else version + 5}"'})
    assert stale.status_code == 412 and stale.get_json()["current_version"] == version
    changed = call(client, "PATCH", address, lead, headers={"If-Match": f'"{version}"'},
                   json={"name": "RFID, every store", "effects": {"racks": None},
                         "cost": {"H2": "70k"}})
    item = changed.get_json()
    assert changed.status_code == 200, item
    assert changed.headers["ETag"] == f'"{version + 1}"' == f'"{item["version"]}"'
    # a merge: what the body names changes, the rest stays as it was
    assert (item["name"], item["effects"], item["cost"], item["effects_range"]) == (
        "RFID, every store", {"replenish": 18}, {"H1": 120000, "H2": 70000},
        {"replenish": [10, 22]})
    assert call(client, "PATCH", address, lead, json={"name": "x"},
                headers={"If-Match": f'"{version}"'}).status_code == 412
    refused = call(client, "PATCH", address, lead, json={"confidence": "never"},
                   headers={"If-Match": f'"{version + 1}"'})
    assert fields_of(refused) == ["confidence"]
    assert call(client, "GET", address, lead).get_json() == item


def test_a_delete_names_the_version_and_takes_the_links_with_it(app, db, demo_id, tokens):
    client, lead = app.test_client(), tokens["lead"]["write"]
    address = url(demo_id, id_of(db, demo_id, "rfid"))
    assert call(client, "DELETE", address, lead).status_code == 428
    version = call(client, "GET", address, lead).get_json()["version"]
    assert call(client, "DELETE", address, lead,
                headers={"If-Match": f'"{version + 1}"'}).status_code == 412
    gone = call(client, "DELETE", address, lead, headers={"If-Match": f'"{version}"'})
    assert gone.status_code == 204 and gone.get_data() == b""
    assert call(client, "GET", address, lead).status_code == 404
    other = call(client, "GET", url(demo_id, id_of(db, demo_id, "autoreplen")), lead)
    assert other.get_json()["requires"] == []


def test_a_team_member_proposes_for_its_own_team_while_proposals_are_open(
        app, db, demo_id, tokens):
    client, team = app.test_client(), tokens["team"]["write"]
    made = call(client, "POST", url(demo_id), team, headers=ENGLISH,
                json={**PROPOSAL, "team": None, "requires": []})
    assert made.status_code == 201 and made.get_json()["team"] == "IT"
    for sent, field in (({"team": "HR"}, "team"), ({"decision": "fund", "reason": "x"},
                                                   "decision")):
        assert field in fields_of(call(client, "POST", url(demo_id), team, headers=ENGLISH,
                                       json={**PROPOSAL, **sent, "requires": []}))
    theirs = url(demo_id, id_of(db, demo_id, "rota"))  # HR's: as if it did not exist
    assert call(client, "GET", theirs, team).status_code == 404
    assert call(client, "PATCH", theirs, team, json={"name": "x"},
                headers={"If-Match": '"1"'}).status_code == 404
    assert call(client, "DELETE", theirs, team, headers={"If-Match": '"1"'}).status_code == 404
    own = url(demo_id, id_of(db, demo_id, "rfid"))
    version = call(client, "GET", own, team).get_json()["version"]
    assert fields_of(call(client, "PATCH", own, team, json={"reason": "mine"},
                          headers={"If-Match": f'"{version}"'})) == ["reason"]
    db.rollback()
    plan = db.get(Plan, demo_id)
    plan.state = "decided"
    db.commit()
    for method, address in (("POST", url(demo_id)), ("PATCH", own), ("DELETE", own)):
        closed = call(client, method, address, team, json={"name": "later"},
                      headers={"If-Match": f'"{version}"'})
        assert closed.status_code == 403 and "open for proposals" in \
            closed.get_json()["detail"], method
    assert call(client, "GET", own, team).status_code == 200  # still read


@pytest.mark.parametrize("role", ["viewer", "finance", "outsider"])
def test_who_only_reads_changes_nothing(app, db, demo_id, tokens, role):
    client, token = app.test_client(), tokens[role]["write"]
    address = url(demo_id, id_of(db, demo_id, "rfid"))
    expected = 404 if role == "outsider" else 403
    for method, where in (("POST", url(demo_id)), ("PATCH", address), ("DELETE", address)):
        answer = call(client, method, where, token, json=PROPOSAL,
                      headers={"If-Match": '"1"'})
        assert answer.status_code == expected, (method, answer.get_json())
