"""The decision record: every change to a plan's rows (one line per field, before and
after), every run and publication, every import, with who and when; its History page and
CSV, open to those who read the whole plan."""

from __future__ import annotations

import io

import pandas as pd
from sqlmodel import select

from models import Initiative, RecordEntry
from tests.planner.data_io.test_imports import edited_workbook, upload
from tests.webapp import page_text


def _lines(db, **match) -> list[RecordEntry]:
    db.rollback()
    statement = select(RecordEntry).order_by(RecordEntry.id)
    for name, value in match.items():
        statement = statement.where(getattr(RecordEntry, name) == value)
    return list(db.exec(statement).all())


def test_a_change_through_a_form_is_recorded_field_by_field(client, db, demo_id):
    from tests.planner.initiatives.test_initiatives import _form

    rota = db.exec(select(Initiative).where(Initiative.key == "rota")).one()
    data = {**_form(db, key="rota", name="Footfall rota, all stores", team="HR",
                    confidence="0.9"), "version": str(rota.version)}
    assert client.post(f"/plans/{demo_id}/initiatives/{rota.id}/edit",
                       data=data).status_code == 302
    changed = {(e.field, e.before, e.after, e.who)
               for e in _lines(db, entity="initiative", key="rota", action="changed")}
    assert ("name", "Footfall-based staff rota", "Footfall rota, all stores",
            "Ada Admin") in changed
    assert ("confidence", "0.8", "0.9", "Ada Admin") in changed


def test_runs_publications_and_imports_are_recorded(client, db, demo_id):
    run = client.post(f"/plans/{demo_id}/runs", data={})
    run_id = int(run.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/plans/{demo_id}/runs/{run_id}/publish")
    preview = upload(client, demo_id, edited_workbook(client.application, demo_id),
                     "backlog.xlsx").headers["Location"]
    client.post(preview)
    actions = [(e.action, e.entity) for e in _lines(db) if e.action != "added"
               or e.entity == "initiative"]
    assert ("ran", "run") in actions and ("published", "run") in actions
    assert ("imported", "plan") in actions
    imported = _lines(db, action="imported")[0]
    assert imported.key == "backlog.xlsx" and "1 initiative added" in imported.after


def test_the_history_page_and_its_csv(client, db, demo_id):
    client.post(f"/plans/{demo_id}/runs", data={})
    page = page_text(client.get(f"/plans/{demo_id}/history"))
    assert "ran run #1" in page and "Ada Admin" in page
    narrowed = page_text(client.get(f"/plans/{demo_id}/history?entity=run"))
    assert "History of run" in narrowed and "added moment" not in narrowed
    response = client.get(f"/plans/{demo_id}/history.csv")
    table = pd.read_csv(io.BytesIO(response.data))
    assert list(table.columns)[:4] == ["When (UTC)", "Who", "What", "Concerns"]
    assert (table["What"] == "ran").sum() == 1


def test_what_an_initiative_moves_costs_and_needs_is_recorded_when_it_changes(client, db,
                                                                              demo_id):
    """Its effects, costs, uses and links are rows made afresh on each save: a change of an
    uplift alone is in the record, and a save that changes none of them adds no line."""
    from tests.planner.initiatives.test_initiatives import _form

    rota = db.exec(select(Initiative).where(Initiative.key == "rota")).one()
    url = f"/plans/{demo_id}/initiatives/{rota.id}/edit"
    data = {**_form(db, key="rota", name=rota.name, team="HR", confidence="0.8"),
            "version": str(rota.version)}
    assert client.post(url, data=data).status_code == 302
    db.rollback()
    before = {(e.field, e.before, e.after) for e in _lines(db, entity="initiative", key="rota",
                                                           action="changed")}
    rota = db.exec(select(Initiative).where(Initiative.key == "rota")).one()
    effect = next(name for name in data if name.startswith("effect_") and data[name])
    data.update({effect: "24", "version": str(rota.version)})
    assert client.post(url, data=data).status_code == 302
    db.rollback()
    lines = {(e.field, e.before, e.after, e.who)
             for e in _lines(db, entity="initiative", key="rota", action="changed")}
    added = {line for line in lines if line[:3] not in before}
    assert {(field, who) for field, _, _, who in added} == {("effects", "Ada Admin")}
    (_, was, now, _), = added
    assert "24" in now and "24" not in was
