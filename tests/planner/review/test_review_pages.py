"""Delivery status set by the teams, the cycle review page and the next cycle, on the demo
plan with its decision published."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from models import Initiative, Measurement, Membership, Moment, Plan, Publication, RecordEntry
from models.planfile import plan_document, with_measurements
from planner.web import number
from tests.planner.accounts.test_access import PEOPLE
from tests.webapp import page_text, saved_run, signed_in_client


@pytest.fixture
def decided(client, db, demo_id, run_id):
    """The demo plan with its run published as the decision."""
    assert client.post(f"/plans/{demo_id}/runs/{run_id}/publish").status_code in (302, 303)
    db.rollback()
    return saved_run(db, run_id)


def _initiative(db, demo_id, key) -> Initiative:
    db.rollback()
    return db.exec(select(Initiative).where(Initiative.plan_id == demo_id,
                                            Initiative.key == key)).one()


def test_a_team_sets_the_delivery_of_its_own_funded_work_once_decided(app, db, demo_id,
                                                                      run_id, people):
    team = signed_in_client(app, PEOPLE["team"])  # of IT
    mobilepos = _initiative(db, demo_id, "mobilepos")
    url = f"/plans/{demo_id}/initiatives/{mobilepos.id}/delivery"
    refused = team.post(url, data={"status": "delivered"})
    assert refused.status_code == 403 and "only while the plan is decided" in page_text(refused)
    signed_in_client(app).post(f"/plans/{demo_id}/runs/{run_id}/publish")
    page = page_text(team.get(f"/plans/{demo_id}/delivery"))
    assert "Mobile point-of-sale for staff IT" in page and "Door greeter" not in page
    answer = team.post(url, data={"status": "in progress", "back": "teams"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/teams?team=IT")
    assert _initiative(db, demo_id, "mobilepos").delivery == "in progress"
    line = db.exec(select(RecordEntry).where(RecordEntry.field == "delivery")).one()
    assert (line.key, line.before, line.after, line.who) == ("mobilepos", "planned",
                                                             "in progress", "Team")
    assert "Delivery" in page_text(team.get(f"/plans/{demo_id}/teams"))
    # another team's work is not there for it; work the decision did not fund has no status
    greeter = _initiative(db, demo_id, "greeter")
    assert team.post(f"/plans/{demo_id}/initiatives/{greeter.id}/delivery",
                     data={"status": "delivered"}).status_code == 404
    rfid = _initiative(db, demo_id, "rfid")
    answer = team.post(f"/plans/{demo_id}/initiatives/{rfid.id}/delivery",
                       data={"status": "delivered"})
    assert answer.status_code == 409 and "not funded by the published decision" in \
        page_text(answer)
    answer = team.post(url, data={"status": "finished"})
    assert answer.status_code == 422 and "Delivery status" in page_text(answer)
    assert _initiative(db, demo_id, "rfid").delivery == "planned"
    assert _initiative(db, demo_id, "mobilepos").delivery == "in progress"
    viewer = signed_in_client(app, PEOPLE["viewer"])
    assert viewer.post(url, data={"status": "dropped"}).status_code == 403


def test_the_review_weighs_expected_against_measured_since_the_decision(client, db, demo_id,
                                                                        decided):
    before = page_text(client.get(f"/plans/{demo_id}/review"))
    assert "not measured since" in before  # every demo score is older than today's decision
    returnsdesk = _initiative(db, demo_id, "returnsdesk")
    returnsdesk.delivery = "delivered"
    publication = db.exec(select(Publication).where(Publication.plan_id == demo_id)).one()
    publication.created_at = datetime(2026, 6, 15, tzinfo=UTC)
    db.add_all([returnsdesk, publication])
    db.commit()
    returns = db.exec(select(Moment).where(Moment.plan_id == demo_id,
                                           Moment.key == "returns")).one()
    scores = {m.taken_on.isoformat(): m.score for m in db.exec(select(Measurement).where(
        Measurement.moment_id == returns.id)).all()}
    text = page_text(client.get(f"/plans/{demo_id}/review"))
    figure = next(m for m in decided.result["moments"] if m["id"] == "returns")
    change = scores["2026-11-30"] - scores["2026-05-31"]
    assert (f"{returns.name} · Finance +{figure['improvement']:.2f} "
            f"{scores['2026-05-31']:g} (2026-05-31) {scores['2026-11-30']:g} (2026-11-30) "
            f"{'+' if change >= 0 else ''}{change:.1f}".replace(".0 ", " ")) in text
    # returns: the desk's 15 x 0.8 = 12 of 26.875, all the delivered work there, so it is
    # credited the whole change, of 12 expected; sure of it, 15 expected
    assert f"Stores 1 delivered, 2 planned 12 {number(change)} {number(change / 12 * 100, 0)}% " \
           f"{number(change / 15)}" in text


def test_the_next_cycle_starts_from_the_decided_one_and_keeps_it(client, db, demo_id,
                                                                 decided, people):
    db.rollback()
    kept = with_measurements(db, demo_id, plan_document(db, demo_id))
    answer = client.post(f"/plans/{demo_id}/next-cycle", data={"name": "Retail FY2028"})
    assert answer.status_code == 303
    db.rollback()
    added = db.exec(select(Plan).where(Plan.name == "Retail FY2028")).one()
    assert added.state == "draft"
    document = with_measurements(db, added.id, plan_document(db, added.id))
    assert [i["id"] for i in document["initiatives"]] == [
        i["id"] for i in kept["initiatives"] if i["id"] not in decided.result["funded"]]
    assert {i.get("decision", "auto") for i in document["initiatives"]} == {"auto"}
    assert not any("reason" in i for i in document["initiatives"])
    assert document["measurements"] == kept["measurements"]
    latest = {m["moment"]: m["score"] for m in kept["measurements"]}  # oldest first
    assert {m["id"]: (m.get("owner"), m.get("score")) for m in document["moments"]} == {
        m["id"]: (m.get("owner"), latest.get(m["id"], m.get("score")))
        for m in kept["moments"]}
    assert document["influences"] == kept["influences"]
    roles = {(m.user_id, m.role, m.team) for m in db.exec(select(Membership).where(
        Membership.plan_id == added.id)).all()}
    assert roles == {(m.user_id, m.role, m.team) for m in db.exec(select(Membership).where(
        Membership.plan_id == demo_id)).all()}
    assert with_measurements(db, demo_id, plan_document(db, demo_id)) == kept
    started = db.exec(select(RecordEntry).where(RecordEntry.plan_id == demo_id,
                                                RecordEntry.action == "started")).one()
    assert (started.field, started.after, started.who) == ("next cycle", "Retail FY2028",
                                                           "Ada Admin")
    again = client.post(f"/plans/{demo_id}/next-cycle", data={"name": "Retail FY2028"})
    assert again.status_code == 422 and 'a plan named "Retail FY2028" already exists' in \
        page_text(again)


def test_the_next_cycle_needs_a_decision(client, db, demo_id):
    answer = client.post(f"/plans/{demo_id}/next-cycle", data={"name": "Too soon"})
    assert answer.status_code == 422 and "no published decision" in page_text(answer)
    db.rollback()
    assert db.exec(select(Plan).where(Plan.name == "Too soon")).first() is None
