"""An appeal may change every input the explanation names (cost per period, uplift per
moment, use per resource, confidence); its effect is computed with all of them; the CX
lead's accept applies all of them and records them in words; appeals are kept, and old
links lead somewhere, across re-publishes."""

from __future__ import annotations

import copy

import pytest
from sqlmodel import select

import optimizer
from models import (
    Appeal,
    Initiative,
    InitiativeCost,
    InitiativeEffect,
    InitiativeUse,
    Membership,
    Moment,
    Period,
    RecordEntry,
    Resource,
    User,
)
from models.queries import team_ids
from planner.appeals.history import history_of
from tests.webapp import nobodys_password_hash, page_text, saved_run, signed_in_client


def _member(db, plan_id, email, name, role, team=None):
    user = User(email=email, name=name, password_hash=nobodys_password_hash())
    db.add(user)
    db.flush()
    db.add(Membership(user_id=user.id, plan_id=plan_id, role=role,
                      team_id=team_ids(db, plan_id, [team])[team] if team else None))
    db.commit()


def _publish(lead, plan_id) -> int:
    run_id = int(lead.post(f"/plans/{plan_id}/runs", data={}).headers["Location"]
                 .rsplit("/", 1)[1])
    assert lead.post(f"/plans/{plan_id}/runs/{run_id}/publish").status_code in (200, 302, 303)
    return run_id


@pytest.fixture
def decided(app, db, demo_id):
    """The demo run and published; an IT team member (Ivy) and a viewer (Vic)."""
    lead = signed_in_client(app)
    run_id = _publish(lead, demo_id)
    _member(db, demo_id, "it@example.com", "Ivy", "team", "IT")
    _member(db, demo_id, "viewer@example.com", "Vic", "viewer")
    return lead, signed_in_client(app, "it@example.com"), run_id


def _names(run):
    inputs = run.inputs
    return ({m["id"]: m["name"] for m in inputs["moments"]},
            {r["id"]: r["name"] for r in inputs["resources"]})


def test_an_appeal_on_uplift_capacity_and_period_cost_is_computed_and_applied(app, db, demo_id,
                                                                             decided):
    lead, team, run_id = decided
    run = saved_run(db, run_id)
    assert "rfid" in [r["id"] for r in run.result["rejected"]]
    moments, resources = _names(run)
    url = f"/plans/{demo_id}/runs/{run_id}/say-no/rfid/appeal"
    team.get(f"/plans/{demo_id}/runs/{run_id}/say-no/rfid")  # explained, and kept
    form = page_text(team.get(url))
    assert "In the way: the focus limit: 3 moments, none of which it moves." in form
    # the inputs the explanation names, each with its figure now
    for label in (f"New uplift on {moments['racks']}", f"New uplift on {moments['replenish']}",
                  "New use of IT delivery", "New cost in H1", "New cost in H2",
                  "New confidence", "New total cost"):
        assert label in form, label
    assert "Now 8 FTE-months." in form and "Now EUR 120,000." in form
    both = team.post(url, data={"cost": "100k", "costs_0": "20k", "note": "x"})
    assert both.status_code == 422 and "not both" in page_text(both)
    # effects_1 is racks, uses_0 IT delivery (the initiative's own order)
    sent = team.post(url, follow_redirects=True, data={
        "effects_1": "40", "uses_0": "1", "costs_0": "20000", "costs_1": "0",
        "note": "The pilot store doubled its rack finds."})
    name = next(i["name"] for i in run.inputs["initiatives"] if i["id"] == "rfid")
    assert f"Appeal for '{name}' sent to the CX lead." in page_text(sent)
    assert '""' not in page_text(sent) and "''" not in page_text(sent)
    db.rollback()
    appeal = db.exec(select(Appeal)).one()
    assert appeal.changes == {"effects": {"racks": 40}, "uses": {"it": 1},
                              "costs": {"H1": 20000, "H2": 0}}
    assert appeal.cost is None and appeal.confidence is None
    # the effect is that of the plan solved with every change, worked out here on its own
    document = copy.deepcopy(run.inputs)
    entry = next(i for i in document["initiatives"] if i["id"] == "rfid")
    entry["effects"]["racks"], entry["uses"]["it"], entry["cost"] = 40, 1, {"H1": 20000,
                                                                           "H2": 0}
    expected = optimizer.solve(optimizer.plan_from_dict(document))
    assert appeal.effect["funded"] == ("rfid" in expected.funded) is True
    assert appeal.effect["impact"] == pytest.approx(expected.impact)
    queue = page_text(lead.get(f"/plans/{demo_id}/appeals"))
    assert f"uplift on {moments['racks']} 2 -> 40" in queue and "use of IT delivery 8 -> 1" in queue
    assert "the optimiser would fund it" in queue

    lead.post(f"/plans/{demo_id}/appeals/{appeal.id}/accept", data={"answer": ""})
    db.rollback()
    initiative = db.exec(select(Initiative).where(Initiative.plan_id == demo_id,
                                                  Initiative.key == "rfid")).one()
    racks = db.exec(select(Moment).where(Moment.plan_id == demo_id, Moment.key == "racks")).one()
    it = db.exec(select(Resource).where(Resource.plan_id == demo_id, Resource.key == "it")).one()
    h1, h2 = (db.exec(select(Period).where(Period.plan_id == demo_id, Period.key == k)).one()
              for k in ("H1", "H2"))
    assert db.exec(select(InitiativeEffect.uplift).where(
        InitiativeEffect.initiative_id == initiative.id,
        InitiativeEffect.moment_id == racks.id)).one() == 40
    assert db.exec(select(InitiativeUse.amount).where(
        InitiativeUse.initiative_id == initiative.id,
        InitiativeUse.resource_id == it.id)).one() == 1
    costs = {c.period_id: c.amount for c in db.exec(select(InitiativeCost).where(
        InitiativeCost.initiative_id == initiative.id)).all()}
    assert costs == {h1.id: 20000, h2.id: 0}
    # one line says the acceptance in words, with who appealed and each change
    [accepted] = db.exec(select(RecordEntry).where(RecordEntry.action == "accepted")).all()
    assert (accepted.entity, accepted.key, accepted.field, accepted.who) == (
        "appeal", "rfid", "appeal by Ivy", "Ada Admin")
    assert accepted.after == (f"cost in H1 120,000 -> 20,000, cost in H2 60,000 -> 0, "
                              f"uplift on {moments['racks']} 2 -> 40, use of IT delivery "
                              "8 -> 1")
    changed = {(e.field, e.before, e.after) for e in db.exec(select(RecordEntry).where(
        RecordEntry.key == "rfid", RecordEntry.action == "changed")).all()}
    assert {("uplift on racks", "2", "40"), ("use of it", "8", "1"),
            ("cost in H1", "120,000", "20,000")} <= changed

    # published again, the new decision funds it: the old link shows what became of it
    later = _publish(lead, demo_id)
    assert "rfid" in saved_run(db, later).result["funded"]
    old = team.get(f"/plans/{demo_id}/runs/{run_id}/say-no/rfid")
    assert old.status_code == 200
    text = page_text(old)
    assert "changed this: now funded." in text and "accepted by Ada Admin" in text
    assert team.get(url).status_code == 200  # the old appeal form's link too
    [story] = history_of(db, demo_id, "rfid")
    assert story.since[-1].endswith("changed this: now funded.")
    assert story.since[-1].startswith("The decision of ")


def test_a_declined_appeal_and_its_reason_outlive_a_republish(app, db, demo_id, decided):
    lead, team, run_id = decided
    base = f"/plans/{demo_id}/runs/{run_id}/say-no/selfcheck"
    run = saved_run(db, run_id)  # a name typed in quotes of its own is quoted once
    inputs = copy.deepcopy(run.inputs)
    next(i for i in inputs["initiatives"] if i["id"] == "selfcheck")["name"] = '"Self-scan"'
    run.inputs = inputs
    db.add(run)
    db.commit()
    sent = team.post(f"{base}/appeal", data={"confidence": "1", "note": "Sure now."},
                     follow_redirects=True)
    assert "Appeal for 'Self-scan' sent to the CX lead." in page_text(sent)
    db.rollback()
    appeal = db.exec(select(Appeal)).one()
    lead.post(f"/plans/{demo_id}/appeals/{appeal.id}/decline",
              data={"answer": "The pilot showed no change."})
    db.rollback()
    [declined] = db.exec(select(RecordEntry).where(RecordEntry.action == "declined")).all()
    assert (declined.entity, declined.key, declined.field, declined.after) == (
        "appeal", "selfcheck", "appeal by Ivy", "The pilot showed no change.")
    later = _publish(lead, demo_id)
    assert later != run_id
    moved = team.get(base)
    assert moved.status_code == 302
    assert moved.headers["Location"].endswith(f"/runs/{later}/say-no/selfcheck")
    text = page_text(team.get(base, follow_redirects=True))
    assert "declined by Ada Admin: The pilot showed no change." in text
    assert "did not change this; still declined: it conflicts with 'Mobile point-of-sale " \
           "for staff', which is funded." in text
    assert f"(run #{saved_run(db, run_id).number})" in text  # the decision it was made against
    assert team.get(f"{base}/appeal").status_code == 302  # the old appeal form's link
    # another team's initiative stays missing to it, old link or not
    assert team.get(f"/plans/{demo_id}/runs/{run_id}/say-no/signage").status_code == 404


def test_no_button_a_role_cannot_use(app, db, demo_id, decided):
    lead, team, run_id = decided
    viewer = signed_in_client(app, "viewer@example.com")
    say_no = page_text(viewer.get(f"/plans/{demo_id}/runs/{run_id}/say-no"))
    assert "Explain all" not in say_no
    assert "Explain all" in page_text(lead.get(f"/plans/{demo_id}/runs/{run_id}/say-no"))
    mine = page_text(team.get(f"/plans/{demo_id}/runs/{run_id}/say-no/rfid"))
    assert "Appeal, with new figures" in mine
    assert "All say-no reasons" not in mine  # the say-no list is not a team member's page
    theirs = page_text(viewer.get(f"/plans/{demo_id}/runs/{run_id}/say-no/rfid"))
    assert "Appeal, with new figures" not in theirs
