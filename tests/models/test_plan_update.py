"""Updating a plan in the database from a plan document: adds, changes, all or nothing."""

from __future__ import annotations

import copy

import pytest
from sqlmodel import select

import optimizer
from models import Initiative, InitiativeLink, Moment
from models.db import open_session
from models.plan_update import update_plan
from models.planfile import import_plan, plan_document
from planner.demo import demo_document


@pytest.fixture
def plan_id(app) -> int:
    with open_session(app.extensions["planner_engine"], write=True) as session:
        plan_id = import_plan(session, demo_document()).id
        session.commit()
    return plan_id


def _update(app, plan_id: int, document: dict):
    with open_session(app.extensions["planner_engine"], write=True) as session:
        written = update_plan(session, plan_id, document)
        session.commit()
    with open_session(app.extensions["planner_engine"]) as session:
        return written, plan_document(session, plan_id)


def _current(app, plan_id: int) -> dict:
    with open_session(app.extensions["planner_engine"]) as session:
        return plan_document(session, plan_id)


def test_the_same_document_writes_nothing(app, plan_id):
    before = _current(app, plan_id)
    written, after = _update(app, plan_id, copy.deepcopy(before))
    assert written.added == {"moments": [], "initiatives": []}
    assert written.changed == {"moments": [], "initiatives": []}
    assert after == before


def test_changed_and_new_rows_land_and_the_rest_stays(app, plan_id):
    document = _current(app, plan_id)
    with open_session(app.extensions["planner_engine"]) as session:
        versions = dict(session.exec(select(Initiative.key, Initiative.version)).all())
        greeter_id = session.exec(select(Initiative.id).where(Initiative.key == "greeter")).one()
    greeter = next(i for i in document["initiatives"] if i["id"] == "greeter")
    greeter.update(name="Greeter, weekends only", effects={"greet": 3}, confidence=0.5)
    document["initiatives"].append({"id": "new1", "name": "New", "cost": {"H1": 10},
                                    "effects": {"queue": 1}, "requires": ["greeter"]})
    document["moments"].append({"id": "newm", "name": "New moment", "weight": 2})
    next(m for m in document["moments"] if m["id"] == "queue")["weight"] = 11
    written, after = _update(app, plan_id, document)
    assert written.added == {"moments": ["newm"], "initiatives": ["new1"]}
    assert written.changed == {"moments": ["queue"], "initiatives": ["greeter"]}
    assert optimizer.plan_from_dict(after) == optimizer.plan_from_dict(document)
    with open_session(app.extensions["planner_engine"]) as session:
        row = session.get(Initiative, greeter_id)  # the same row, changed in place
        assert row.name == "Greeter, weekends only" and row.version == versions["greeter"] + 1
        rfid = session.exec(select(Initiative).where(Initiative.key == "rfid")).one()
        assert rfid.version == versions["rfid"]
        links = session.exec(select(InitiativeLink).where(InitiativeLink.other_id == greeter_id))
        assert len(links.all()) == 1
        assert session.exec(select(Moment).where(Moment.key == "queue")).one().version == 2


def test_a_document_that_breaks_a_rule_writes_nothing(app, plan_id):
    before = _current(app, plan_id)
    document = copy.deepcopy(before)
    document["initiatives"][0]["effects"] = {"nosuch": 1}
    document["moments"].append({"id": "extra", "name": "Extra"})
    with open_session(app.extensions["planner_engine"], write=True) as session:
        with pytest.raises(optimizer.PlanError) as error:
            update_plan(session, plan_id, document)
        session.rollback()
    assert 'unknown moment "nosuch"' in str(error.value)
    assert _current(app, plan_id) == before
