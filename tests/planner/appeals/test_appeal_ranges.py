"""An appeal's new figures move the initiative's ranges along (optimizer/planfile,
follow_ranges): its effect is computed, and once accepted the plan still reads."""

from __future__ import annotations

import pytest
from sqlmodel import select

import optimizer
from models import Appeal, Initiative, InitiativeEffect, Moment
from models.planfile import plan_document
from tests.planner.appeals.test_appeal_inputs import _publish, decided  # noqa: F401


def test_an_accepted_appeal_moves_the_ranges_of_what_it_changes(app, db, demo_id,
                                                                 decided):  # noqa: F811
    lead, team, _ = decided
    rfid = db.exec(select(Initiative).where(Initiative.plan_id == demo_id,
                                            Initiative.key == "rfid")).one()
    racks = db.exec(select(Moment).where(Moment.plan_id == demo_id,
                                         Moment.key == "racks")).one()
    effect = db.exec(select(InitiativeEffect).where(InitiativeEffect.initiative_id == rfid.id,
                                                    InitiativeEffect.moment_id == racks.id)).one()
    rfid.cost_low, rfid.cost_high, effect.low, effect.high = 150000, 270000, 1, 3
    db.add_all([rfid, effect])
    db.commit()
    run_id = _publish(lead, demo_id)  # a decision whose inputs hold the ranges
    url = f"/plans/{demo_id}/runs/{run_id}/say-no/rfid/appeal"
    team.get(f"/plans/{demo_id}/runs/{run_id}/say-no/rfid")
    sent = team.post(url, data={"effects_1": "40", "costs_0": "20000", "costs_1": "0",
                                "note": "The pilot store doubled its rack finds."})
    assert sent.status_code in (302, 303)
    db.rollback()
    appeal = db.exec(select(Appeal)).one()
    assert appeal.effect["status"] == "optimal"
    lead.post(f"/plans/{demo_id}/appeals/{appeal.id}/accept", data={"answer": ""})
    db.rollback()
    rfid, effect = db.get(Initiative, rfid.id), db.get(InitiativeEffect, effect.id)
    # 180,000 became 20,000: the range keeps its shares, 5/6 to 3/2 of the cost
    assert (rfid.cost_low, rfid.cost_high) == (pytest.approx(150000 / 9),
                                               pytest.approx(270000 / 9))
    assert (effect.low, effect.high) == (20, 60)  # 2 became 40
    plan = optimizer.plan_from_dict(plan_document(db, demo_id))
    assert plan.initiative("rfid").cost_range == (pytest.approx(150000 / 9),
                                                   pytest.approx(30000))
