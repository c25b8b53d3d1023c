"""Plans and their stages, periods and resources: create, edit, delete, bad input."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Initiative, InitiativeCost, Moment, Period, Plan, Resource, Run, Stage
from tests.webapp import page_text

PLAN = {"name": "FY2028 customer experience plan", "currency": "EUR", "budget": "500000",
        "max_focus": "3", "horizon_years": "", "discount_rate": ""}


def test_index_lists_plans(client, demo_id):
    response = client.get("/")
    assert response.status_code == 200
    assert "Retail stores FY2027" in page_text(response)


def test_create_plan(client, db):
    response = client.post("/plans/new", data=PLAN)
    assert response.status_code == 302
    plan = db.exec(select(Plan)).one()
    assert (plan.name, plan.budget, plan.max_focus, plan.horizon_years) == (
        PLAN["name"], 500000, 3, None)
    assert "created" in page_text(client.get(response.headers["Location"]))


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "This field is required"),
    ("currency", "euro", "three-letter"),
    ("budget", "-5", "at least 0"),
    ("budget", "nan", "finite"),
    ("budget", "1e309", "finite"),
    ("budget", "lots", "Enter a number"),
    ("max_focus", "0", "between 1 and 20"),
    ("discount_rate", "1", "less than 1"),
])
def test_create_plan_bad_input_keeps_input_and_saves_nothing(client, db, field, value, message):
    response = client.post("/plans/new", data={**PLAN, field: value})
    assert response.status_code == 422
    text = page_text(response)
    assert message in text
    assert PLAN["name" if field != "name" else "currency"] in response.get_data(as_text=True)
    assert db.exec(select(Plan)).all() == []


def test_duplicate_plan_name_is_refused(client, db, demo_id):
    response = client.post("/plans/new", data={**PLAN, "name": "Retail stores FY2027"})
    assert response.status_code == 422
    assert "already exists" in page_text(response)
    assert len(db.exec(select(Plan)).all()) == 1


def test_edit_plan_settings(client, db, demo_id):
    response = client.post(f"/plans/{demo_id}/edit", data={
        **PLAN, "name": "Retail FY2027 (revised)", "horizon_years": "5", "discount_rate": "0.1",
        "version": "1"})
    assert response.status_code == 302
    plan = db.get(Plan, demo_id)
    assert (plan.name, plan.horizon_years, plan.discount_rate) == (
        "Retail FY2027 (revised)", 5, 0.1)


@pytest.mark.parametrize("version", ["", None, "99999999999999999999999999", "0"])
def test_a_plan_settings_save_without_its_version_is_refused(client, db, demo_id, version):
    data = {**PLAN, "name": "Blind edit", "budget": "1"}
    if version is not None:
        data["version"] = version
    response = client.post(f"/plans/{demo_id}/edit", data=data)
    assert response.status_code == 409 and "Someone else saved this" in page_text(response)
    assert 'value="Blind edit"' in response.get_data(as_text=True)
    db.rollback()
    assert db.get(Plan, demo_id).name != "Blind edit"


def test_stale_plan_settings_save_is_a_conflict_not_an_overwrite(client, db, demo_id):
    page = client.get(f"/plans/{demo_id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page
    first = {**PLAN, "name": "First edit", "version": "1"}
    second = {**PLAN, "name": "Second edit", "budget": "1", "version": "1"}
    assert client.post(f"/plans/{demo_id}/edit", data=first).status_code == 302
    response = client.post(f"/plans/{demo_id}/edit", data=second)
    assert response.status_code == 409
    assert "Someone else saved this" in page_text(response)
    assert 'value="Second edit"' in response.get_data(as_text=True)
    db.rollback()
    plan = db.get(Plan, demo_id)
    assert (plan.name, plan.version) == ("First edit", 2)


def test_delete_plan_asks_then_removes_every_row(client, db, demo_id):
    client.post(f"/plans/{demo_id}/runs", data={})
    ask = client.get(f"/plans/{demo_id}/delete")
    assert ask.status_code == 200 and "15 initiatives" in page_text(ask)
    assert client.post(f"/plans/{demo_id}/delete").status_code == 302
    for model in (Plan, Stage, Period, Resource, Moment, Initiative, InitiativeCost, Run):
        assert db.exec(select(model)).all() == [], model


def test_download_plan_file(client, demo_id):
    response = client.get(f"/plans/{demo_id}/plan.json")
    assert response.status_code == 200
    assert response.json["plan"] == "Retail stores FY2027"
    assert "attachment" in response.headers["Content-Disposition"]


PARTS = [
    ("stages", Stage, {"key": "browse", "name": "Browse online"}, {"name": "Browse the web shop"}),
    ("periods", Period, {"key": "H3", "budget": "100000"}, {"budget": ""}),
    ("resources", Resource, {"key": "data", "name": "Data team", "capacity": "6",
                             "unit": "FTE-months"}, {"capacity": "9"}),
]


@pytest.mark.parametrize("kind, model, data, change", PARTS)
def test_part_create_edit_delete(client, db, demo_id, kind, model, data, change):
    assert client.get(f"/plans/{demo_id}/{kind}/new").status_code == 200
    assert client.post(f"/plans/{demo_id}/{kind}/new", data=data).status_code == 302
    row = db.exec(select(model).where(model.key == data["key"])).one()
    assert row.position == len(db.exec(select(model)).all()) - 1
    response = client.post(f"/plans/{demo_id}/{kind}/{row.id}/edit",
                           data={**data, **change, "version": "1"})
    assert response.status_code == 302
    db.rollback()  # end the test session's read snapshot to see the app's write
    db.refresh(row)
    field, value = next(iter(change.items()))
    assert getattr(row, field) == (float(value) if value and field != "name" else value or None)
    assert client.get(f"/plans/{demo_id}/{kind}/{row.id}/delete").status_code == 200
    assert client.post(f"/plans/{demo_id}/{kind}/{row.id}/delete").status_code == 302
    db.rollback()
    assert db.exec(select(model).where(model.key == data["key"])).first() is None


@pytest.mark.parametrize("kind, model, data, change", PARTS)
def test_stale_part_save_is_a_conflict_not_an_overwrite(client, db, demo_id, kind, model,
                                                        data, change):
    client.post(f"/plans/{demo_id}/{kind}/new", data=data)
    row = db.exec(select(model).where(model.key == data["key"])).one()
    url = f"/plans/{demo_id}/{kind}/{row.id}/edit"
    assert 'name="version" type="hidden" value="1"' in client.get(url).get_data(as_text=True)
    assert client.post(url, data={**data, **change, "version": "1"}).status_code == 302
    response = client.post(url, data={**data, "version": "1"})
    assert response.status_code == 409 and "Someone else saved this" in page_text(response)
    db.rollback()
    db.refresh(row)
    field, value = next(iter(change.items()))
    assert getattr(row, field) == (float(value) if value and field != "name" else value or None)
    assert row.version == 2


@pytest.mark.parametrize("kind, data, message", [
    ("stages", {"key": "visit", "name": "Again"}, "already used"),
    ("stages", {"key": "has space", "name": "X"}, 'An ID has no spaces: try "has-space"'),
    ("stages", {"key": "bad!", "name": "X"}, "letters, digits"),
    ("periods", {"key": "H9", "budget": "-1"}, "at least 0"),
    ("resources", {"key": "ops", "name": "Ops", "capacity": "inf"}, "finite"),
    ("resources", {"key": "ops", "name": "Ops", "capacity": ""}, "required"),
])
def test_part_bad_input(client, db, demo_id, kind, data, message):
    before = len(db.exec(select(Stage)).all()) + len(db.exec(select(Period)).all())
    response = client.post(f"/plans/{demo_id}/{kind}/new", data=data)
    assert response.status_code == 422
    assert message in page_text(response)
    assert data["key"] in response.get_data(as_text=True)
    assert len(db.exec(select(Stage)).all()) + len(db.exec(select(Period)).all()) == before


def test_unknown_part_kind_is_404(client, demo_id):
    assert client.get(f"/plans/{demo_id}/gadgets/new").status_code == 404


def test_move_stage_changes_journey_order(client, db, demo_id):
    first = db.exec(select(Stage).where(Stage.key == "discover")).one()
    assert client.post(f"/plans/{demo_id}/stages/{first.id}/move/down").status_code == 302
    db.rollback()
    order = [s.key for s in db.exec(select(Stage).order_by(Stage.position)).all()]
    assert order[:2] == ["visit", "discover"]


def test_deleting_a_stage_keeps_its_moments_without_a_stage(client, db, demo_id):
    stage = db.exec(select(Stage).where(Stage.key == "after")).one()
    ask = client.get(f"/plans/{demo_id}/stages/{stage.id}/delete")
    assert "2 moments" in page_text(ask)
    client.post(f"/plans/{demo_id}/stages/{stage.id}/delete")
    db.rollback()
    returns = db.exec(select(Moment).where(Moment.key == "returns")).one()
    assert returns.stage_id is None
    assert "No stage" in page_text(client.get(f"/plans/{demo_id}/journey"))


def test_another_plans_row_is_not_found(client, db, demo_id):
    client.post("/plans/new", data=PLAN)
    db.rollback()
    other = db.exec(select(Plan).where(Plan.name == PLAN["name"])).one()
    stage = db.exec(select(Stage)).first()
    assert client.get(f"/plans/{other.id}/stages/{stage.id}/edit").status_code == 404


@pytest.mark.parametrize("kind, model, data, change", PARTS)
def test_a_part_save_without_its_version_is_refused(client, db, demo_id, kind, model, data,
                                                    change):
    client.post(f"/plans/{demo_id}/{kind}/new", data=data)
    row = db.exec(select(model).where(model.key == data["key"])).one()
    field = next(iter(change))
    before = getattr(row, field)
    response = client.post(f"/plans/{demo_id}/{kind}/{row.id}/edit", data={**data, **change})
    assert response.status_code == 409 and "Someone else saved this" in page_text(response)
    db.rollback()
    db.refresh(row)
    assert getattr(row, field) == before and before != change[field]
