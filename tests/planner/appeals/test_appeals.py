"""Appeals: a team appeals a rejection in the published decision with new figures and
evidence; the CX lead sees what they would change, computed, and accepts (the figures
become the initiative's) or declines with a reason, which the team reads."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Appeal, Initiative, Membership, RecordEntry, User
from models.queries import team_ids
from tests.webapp import nobodys_password_hash, page_text, saved_run, signed_in_client


@pytest.fixture
def decided(app, db, demo_id):
    """The demo run and published; the IT team member's account; an IT rejection."""
    admin = signed_in_client(app)
    run_id = int(admin.post(f"/plans/{demo_id}/runs", data={}).headers["Location"]
                 .rsplit("/", 1)[1])
    admin.post(f"/plans/{demo_id}/runs/{run_id}/publish")
    user = User(email="it@example.com", name="Ivy", password_hash=nobodys_password_hash())
    db.add(user)
    db.flush()
    db.add(Membership(user_id=user.id, plan_id=demo_id, role="team",
                      team_id=team_ids(db, demo_id, ["IT"])["IT"]))
    db.commit()
    run = saved_run(db, run_id)
    teams = {i["id"]: i.get("team", "") for i in run.inputs["initiatives"]}
    mine = [r["id"] for r in run.result["rejected"] if teams[r["id"]] == "IT"]
    theirs = [r["id"] for r in run.result["rejected"] if teams[r["id"]] != "IT"]
    return run_id, mine, theirs


def test_a_team_appeals_and_the_lead_accepts(app, db, demo_id, decided):
    run_id, mine, theirs = decided
    team = signed_in_client(app, "it@example.com")
    base = f"/plans/{demo_id}/runs/{run_id}/say-no"
    assert "Appeal, with new figures" in page_text(team.get(f"{base}/{mine[0]}"))
    assert team.get(f"{base}/{theirs[0]}/appeal").status_code == 404
    nothing = team.post(f"{base}/{mine[0]}/appeal", data={"note": "cheaper now"})
    assert nothing.status_code == 422 and "Give a new figure for at least one input" in \
        page_text(nothing)
    sent = team.post(f"{base}/{mine[0]}/appeal", follow_redirects=True, data={
        "cost": "EUR 10k", "confidence": "95%", "note": "The vendor quoted 10k."})
    assert "sent to the CX lead" in page_text(sent)
    assert "waiting for the CX lead's answer" in page_text(sent)
    db.rollback()
    appeal = db.exec(select(Appeal)).one()
    assert (appeal.cost, appeal.confidence, appeal.who) == (10_000, 0.95, "Ivy")
    assert set(appeal.effect) >= {"funded", "impact", "displaces"}
    lead = signed_in_client(app)
    queue = page_text(lead.get(f"/plans/{demo_id}/appeals"))
    assert "The vendor quoted 10k." in queue and "With these figures:" in queue
    # The lead's answer is not a team member's page: the appeal is as missing to it there
    assert team.post(f"/plans/{demo_id}/appeals/{appeal.id}/accept",
                     data={"answer": ""}).status_code == 404
    lead.post(f"/plans/{demo_id}/appeals/{appeal.id}/accept", data={"answer": ""})
    db.rollback()
    initiative = db.exec(select(Initiative).where(Initiative.key == mine[0])).one()
    assert initiative.total_cost == pytest.approx(10_000)
    assert initiative.confidence == pytest.approx(0.95)
    # in the decision record, with who accepted: the cost (rows of its own) and confidence
    changed = {(e.field, e.after, e.who) for e in db.exec(select(RecordEntry).where(
        RecordEntry.key == mine[0], RecordEntry.action == "changed")).all()}
    assert {("cost", "10,000", "Ada Admin"), ("confidence", "0.95", "Ada Admin")} <= changed
    assert "accepted by Ada Admin" in page_text(team.get(f"{base}/{mine[0]}"))


def test_a_declined_appeal_says_why(app, db, demo_id, decided):
    run_id, mine, _ = decided
    team = signed_in_client(app, "it@example.com")
    base = f"/plans/{demo_id}/runs/{run_id}/say-no"
    team.post(f"{base}/{mine[0]}/appeal", data={"confidence": "1", "note": "Sure now."})
    db.rollback()
    appeal = db.exec(select(Appeal)).one()
    lead = signed_in_client(app)
    assert lead.post(f"/plans/{demo_id}/appeals/{appeal.id}/decline",
                     data={"answer": ""}).status_code == 400
    lead.post(f"/plans/{demo_id}/appeals/{appeal.id}/decline",
              data={"answer": "The pilot showed no change."})
    page = page_text(team.get(f"{base}/{mine[0]}"))
    assert "declined by Ada Admin: The pilot showed no change." in page


def test_only_the_published_decision_can_be_appealed(app, db, demo_id, decided):
    run_id, mine, _ = decided
    lead = signed_in_client(app)
    later = int(lead.post(f"/plans/{demo_id}/runs", data={"budget": "100000"})
                .headers["Location"].rsplit("/", 1)[1])
    rejected = saved_run(db, later).result["rejected"][0]["id"]
    assert lead.get(f"/plans/{demo_id}/runs/{later}/say-no/{rejected}/appeal"
                    ).status_code == 404
