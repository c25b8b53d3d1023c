"""Appeals through the API as the appeal pages have them: a team member appeals the
rejection of its own team's initiative in the published decision, the CX lead reads the
appeals a page at a time and accepts or declines with a reason; each refusal names its
field, and the notices' signals fire as from the pages."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Appeal, Initiative
from planner.appeals.views import answered, appealed
from tests.api.conftest import call
from tests.webapp import saved_run, signed_in_client


@pytest.fixture
def decided(app, db, run_id, tokens):
    """The demo's run published; IT's rejected initiatives' ids, and another team's."""
    signed_in_client(app).post(f"/plans/{saved_run(db, run_id).plan_id}/runs/{run_id}/publish")
    run = saved_run(db, run_id)
    ids = dict(db.exec(select(Initiative.key, Initiative.id)
                       .where(Initiative.plan_id == run.plan_id)).all())
    teams = {entry["id"]: entry.get("team", "") for entry in run.inputs["initiatives"]}
    rejected = [entry["id"] for entry in run.result["rejected"]]
    return {"plan": run.plan_id, "mine": [ids[k] for k in rejected if teams[k] == "IT"],
            "theirs": [ids[k] for k in rejected if teams[k] != "IT"],
            "funded": [ids[k] for k in run.result["funded"] if teams[k] == "IT"]}


@pytest.fixture
def signals():
    """What the appealed and answered signals carried, as the notices would receive it."""
    seen: list[tuple[str, int | str | None, str]] = []

    def made(_app, session, appeal):  # sent before the appeal is saved: no id yet
        seen.append(("appealed", appeal.key, appeal.status))

    def answer(_app, session, appeal):
        seen.append(("answered", appeal.id, appeal.status))

    appealed.connect(made)
    answered.connect(answer)
    yield seen
    appealed.disconnect(made)
    answered.disconnect(answer)


def appeals_of(plan_id: int, initiative_id: int) -> str:
    return f"/api/v1/plans/{plan_id}/initiatives/{initiative_id}/appeals"


def fields_of(response) -> list[str]:
    assert response.status_code == 422, response.get_json()
    return [error["field"] for error in response.get_json()["errors"]]


def test_a_team_appeals_its_rejection_and_the_lead_accepts(app, db, decided, tokens,
                                                          signals):
    client, plan, team = app.test_client(), decided["plan"], tokens["team"]["write"]
    made = call(client, "POST", appeals_of(plan, decided["mine"][0]), team,
                headers={"Accept-Language": "en"},
                json={"cost": "EUR 10k", "confidence": "95%", "note": "The vendor quoted 10k."})
    appeal = made.get_json()
    assert made.status_code == 201, appeal
    assert (appeal["cost"], appeal["confidence"], appeal["status"], appeal["who"]) == (
        10_000, 0.95, "open", "Team")
    assert set(appeal["effect"]) >= {"funded", "impact", "displaces"}
    assert signals == [("appealed", appeal["initiative"], "open")]
    lead = tokens["lead"]["write"]
    assert call(client, "GET", made.headers["Location"], lead).get_json() == appeal
    # the team reads its appeals where its initiative's page shows them, not the queue
    assert call(client, "GET", appeals_of(plan, decided["mine"][0]), team).get_json()[
        "items"] == [appeal]
    assert call(client, "GET", f"/api/v1/plans/{plan}/appeals", team).status_code == 403
    answer = f"/api/v1/plans/{plan}/appeals/{appeal['id']}/answer"
    assert call(client, "POST", answer, team, json={"answer": "accept"}).status_code == 404
    accepted = call(client, "POST", answer, lead, json={"answer": "accept"})
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assert signals[-1] == ("answered", appeal["id"], "accepted")
    db.rollback()
    initiative = db.get(Initiative, decided["mine"][0])
    assert (initiative.total_cost, initiative.confidence) == (pytest.approx(10_000), 0.95)
    again = call(client, "POST", answer, lead, json={"answer": "decline", "reason": "No."})
    assert again.status_code == 409 and len(signals) == 2


def test_a_decline_says_why_and_the_queue_pages_by_cursor(app, db, decided, tokens,
                                                         signals):
    client, plan, team = app.test_client(), decided["plan"], tokens["team"]["write"]
    for initiative_id in decided["mine"][:2] * 2:
        assert call(client, "POST", appeals_of(plan, initiative_id), team,
                    json={"confidence": 1, "note": "Sure now."}).status_code == 201
    lead = tokens["lead"]["write"]
    seen, cursor = [], None
    while True:
        page = call(client, "GET", f"/api/v1/plans/{plan}/appeals", lead,
                    query_string={"limit": 3, **({"cursor": cursor} if cursor else {})})
        seen += [appeal["id"] for appeal in page.get_json()["items"]]
        if (cursor := page.get_json()["next_cursor"]) is None:
            break
    db.rollback()
    assert seen == sorted(db.exec(select(Appeal.id)).all()) and len(seen) == 4
    answer = f"/api/v1/plans/{plan}/appeals/{seen[0]}/answer"
    assert fields_of(call(client, "POST", answer, lead, json={"answer": "decline"})) == [
        "reason"]
    assert fields_of(call(client, "POST", answer, lead,
                          json={"answer": "maybe", "reason": "x"})) == ["answer"]
    assert fields_of(call(client, "POST", answer, lead,
                          json={"answer": "decline", "reason": "x" * 1001})) == ["reason"]
    declined = call(client, "POST", answer, lead,
                    json={"answer": "decline", "reason": "Not enough evidence."})
    assert declined.get_json()["answer"] == "Not enough evidence."
    assert signals[-1] == ("answered", seen[0], "declined")
    open_ones = call(client, "GET", f"/api/v1/plans/{plan}/appeals", lead,
                     query_string={"status": "open"}).get_json()["items"]
    assert [appeal["id"] for appeal in open_ones] == seen[1:]


def test_an_appeal_is_refused_as_the_page_refuses_it(app, db, decided, tokens, signals):
    client, plan, team = app.test_client(), decided["plan"], tokens["team"]["write"]
    mine = appeals_of(plan, decided["mine"][0])
    assert fields_of(call(client, "POST", mine, team, json={"note": "cheaper"})) == ["cost"]
    assert fields_of(call(client, "POST", mine, team, json={"cost": 5})) == ["note"]
    assert fields_of(call(client, "POST", mine, team,
                          json={"effects": {"nowhere": 3}, "note": "x"})) == [
        "effects.nowhere"]
    assert fields_of(call(client, "POST", mine, team,
                          json={"confidence": "often", "note": "x"})) == ["confidence"]
    # another team's initiative is as missing to it; a funded one has nothing to appeal
    assert call(client, "POST", appeals_of(plan, decided["theirs"][0]), team,
                json={"cost": 5, "note": "x"}).status_code == 404
    if decided["funded"]:
        assert call(client, "POST", appeals_of(plan, decided["funded"][0]), team,
                    json={"cost": 5, "note": "x"}).status_code == 409
    assert call(client, "POST", mine, tokens["viewer"]["write"],
                json={"cost": 5, "note": "x"}).status_code == 403
    db.rollback()
    assert db.exec(select(Appeal)).all() == [] and signals == []


def test_no_appeal_before_a_decision_is_published(app, db, demo_id, tokens):
    rfid = db.exec(select(Initiative.id).where(Initiative.key == "rfid")).one()
    refused = call(app.test_client(), "POST", appeals_of(demo_id, rfid),
                   tokens["team"]["write"], json={"cost": 5, "note": "x"})
    assert refused.status_code == 403 and "decided" in refused.get_json()["detail"]
