"""Odd input on every form is a message at its field, never a 500; edits keep what was typed
and change nothing when refused."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Influence, Moment, Plan, Resource
from models.planfile import plan_document
from tests.webapp import page_text

HUGE = "9" * 400  # past 10**308: comparing it with a float overflows


def _ids(db, demo_id):
    back = db.exec(select(Moment).where(Moment.side == "back")).first()
    front = db.exec(select(Moment).where(Moment.side == "front")).first()
    influence = db.exec(select(Influence)).first()
    resource = db.exec(select(Resource)).first()
    return back, front, influence, resource


@pytest.mark.parametrize(("path", "data", "message"), [
    ("/plans/{plan}/edit", {"name": "x", "currency": "EUR", "max_focus": HUGE},
     "sensible size"),
    ("/plans/{plan}/edit", {"name": "x", "currency": "EUR", "max_focus": "3",
                            "horizon_years": HUGE}, "sensible size"),
    ("/plans/{plan}/runs", {"max_focus": HUGE}, "sensible size"),
    ("/plans/{plan}/scenarios/new", {"name": "s", "max_focus": HUGE}, "sensible size"),
    ("/plans/{plan}/influences/new", {"source_id": "9" * 20, "target_id": "9" * 20,
                                      "factor": "0.5"}, "Not a valid choice"),
    ("/plans/{plan}/influences/{influence}/edit", {"source_id": "9" * 20,
                                                   "target_id": "9" * 20, "factor": "0.5"},
     "Not a valid choice"),
    ("/plans/{plan}/resources/{resource}/edit", {"key": "it", "capacity": "1e309"},
     "finite number"),
])
def test_odd_numbers_are_a_message_and_change_nothing(client, db, demo_id, path, data, message):
    back, front, influence, resource = _ids(db, demo_id)
    before = plan_document(db, demo_id)
    db.rollback()
    url = path.format(plan=demo_id, influence=influence.id, resource=resource.id)
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert message in page_text(response)
    assert plan_document(db, demo_id) == before


def test_a_refused_edit_of_the_plan_keeps_what_was_typed(client, db, demo_id):
    data = {"name": "Renamed", "currency": "euro", "max_focus": "3", "budget": "123"}
    response = client.post(f"/plans/{demo_id}/edit", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Renamed"' in html and 'value="euro"' in html and 'value="123"' in html
    assert "three-letter ISO 4217 code" in html
    assert db.get(Plan, demo_id).name == "Retail stores FY2027"


def test_a_refused_edit_of_a_resource_keeps_what_was_typed(client, db, demo_id):
    resource = db.exec(select(Resource)).first()
    response = client.post(f"/plans/{demo_id}/resources/{resource.id}/edit",
                           data={"key": "it", "name": "Changed", "capacity": "-4"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Changed"' in html and 'value="-4"' in html
    assert "Must be at least 0." in html
    db.rollback()
    assert db.get(Resource, resource.id).name == resource.name
