"""The demo's last cycle: decided in January 2026, its delivery set, a year measured since,
a chain of back-stage steps on its journey, and a review with something real to show."""

from __future__ import annotations

from sqlmodel import select

from models import Influence, Initiative, Membership, Plan, RunExplanation
from models.queries import published_run
from planner.demo import DEMO_ACCOUNTS, demo_accounts, load_demo_cycles
from planner.demo.last_cycle import CLIMBS, DECIDED_AT, DELIVERY, LAST_CYCLE
from tests.webapp import page_text


def test_the_last_cycle_is_decided_explained_and_delivered(app, client, db):
    this, last = load_demo_cycles(app)
    assert load_demo_cycles(app) == (this, last)  # loaded once
    db.rollback()
    plan = db.get(Plan, last)
    assert (plan.name, plan.state) == (LAST_CYCLE, "decided")
    run, publication = published_run(session=db, plan_id=last)
    assert publication.created_at.date() == DECIDED_AT.date()
    assert sorted(run.result["funded"]) == sorted(DELIVERY)
    assert set(run.result["focus"]) == set(CLIMBS)
    explained = db.exec(select(RunExplanation.key).where(RunExplanation.run_id == run.id)).all()
    assert sorted(explained) == sorted(r["id"] for r in run.result["rejected"])
    assert {i.key: i.delivery for i in db.exec(select(Initiative).where(
        Initiative.plan_id == last, Initiative.key.in_(list(DELIVERY)))).all()} == DELIVERY
    # its journey holds a chain: approvals -> rota -> the door, the tills, the fitting rooms
    assert len(db.exec(select(Influence).where(Influence.plan_id == last)).all()) == 6
    journey = page_text(client.get(f"/plans/{last}/journey"))
    assert "→ Back room: staff rota matches footfall → Checkout queue under 3 minutes ×0.2" \
        in journey  # 0.4 x 0.5
    assert "and along chains: Back office: refund approvals paperwork → Back room: staff " \
           "rota matches footfall (×0.2)" in journey


def test_its_review_shows_every_focus_moment_measured_and_every_team(app, client):
    _, last = load_demo_cycles(app)
    text = page_text(client.get(f"/plans/{last}/review"))
    assert "published by Cleo, CX lead on 2026-01-08" in text
    for name in ("My size is in stock", "Checkout queue under 3 minutes",
                 "Refund or exchange without a fight"):
        assert f"{name} · " in text
    assert "not measured since" not in text and "no score at the decision" not in text
    assert "HR 1 dropped 0 – – –" in text  # nothing delivered, nothing to weigh
    assert "IT 1 delivered, 1 in progress" in text
    # what its delivered work actually cost is recorded, too little yet for a cost range
    assert ("Too little to go on: only 4 delivered initiatives with an actual cost recorded, "
            "and a default range rests on at least 5; none is proposed.") in text


def test_the_demo_people_have_their_roles_in_both_cycles(app, db):
    plans = load_demo_cycles(app)
    demo_accounts(app, *plans)
    db.rollback()
    for plan_id in plans:
        assert len(db.exec(select(Membership).where(Membership.plan_id == plan_id)).all()) \
            == len(DEMO_ACCOUNTS)
