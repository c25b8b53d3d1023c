"""An import's confirm works out what to write before it takes the write lock, so that a
large import keeps other people's saves waiting only for the write itself; what changed in
between is never overwritten."""

from __future__ import annotations

import io
import sqlite3

import pytest
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

import optimizer
from models import Initiative
from models.base import utcnow
from models.db import open_session
from models.plan_update import PlanMovedError
from models.planfile import add_initiative_rows, initiative_values, with_team_ids
from optimizer.samples import generate_document
from planner.data_io import confirm
from planner.data_io.plan_files import plan_file_bytes
from tests.planner.data_io.test_imports import (
    document_of,
    edited_workbook,
    pending_imports,
    upload,
)
from tests.webapp import page_text


def _while_working_out(monkeypatch, during):
    """Run `during()` once the confirm has first worked out its changes, before it writes
    (if it works them out again, inside the lock, that is left alone)."""
    worked_out, calls = confirm.plan_changes, []

    def plan_changes(rows, document):
        changes = worked_out(rows, document)
        if not calls:
            calls.append(during())
        return changes

    monkeypatch.setattr(confirm, "plan_changes", plan_changes)


def _another_save_gets_through(database_url: str, plan_id: int) -> bool:
    """Whether another person's save could take the lock at once (no wait at all)."""
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(make_url(database_url).database, timeout=0,
                                     isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE plan SET name = name WHERE id = ?", (plan_id,))
            connection.execute("COMMIT")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            connection.close()
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("SELECT id FROM plan WHERE id = :id FOR UPDATE NOWAIT"),
                               {"id": plan_id})
            connection.execute(text("SELECT id FROM pending_import FOR UPDATE NOWAIT"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def test_working_out_the_import_holds_no_lock(client, app, demo_id, database_url,
                                              monkeypatch):
    preview_url = upload(client, demo_id, edited_workbook(app, demo_id)).headers["Location"]
    got_through = []
    _while_working_out(monkeypatch, lambda: got_through.append(
        _another_save_gets_through(database_url, demo_id)))
    response = client.post(preview_url)
    assert response.status_code == 302
    assert got_through == [True]
    names = {entry["id"]: entry["name"] for entry in document_of(app, demo_id)["initiatives"]}
    assert names["queue-busting-tablets"] == "Queue-busting tablets"


def test_a_change_made_while_the_import_is_worked_out_is_not_overwritten(
        client, app, demo_id, db, monkeypatch):
    preview_url = upload(client, demo_id, edited_workbook(app, demo_id)).headers["Location"]

    def someone_saves():
        with open_session(app.extensions["planner_engine"], write=True) as session:
            session.execute(text("UPDATE plan SET budget = 123456 WHERE id = :id"),
                            {"id": demo_id})
            session.commit()

    _while_working_out(monkeypatch, someone_saves)
    response = client.post(preview_url, follow_redirects=True)
    assert "The plan changed after this preview was made, so nothing was imported." in \
        page_text(response)
    after = document_of(app, demo_id)
    assert after["budget"] == 123456
    assert "queue-busting-tablets" not in {entry["id"] for entry in after["initiatives"]}
    assert pending_imports(db) == []


def test_the_same_plan_in_other_rows_is_worked_out_again_inside_the_lock(
        client, app, demo_id, monkeypatch):
    """An initiative deleted and added again, the same in every field, leaves the plan
    document as it was but its rows have new ids: the changes worked out before refer
    to the old ones, so they are worked out again."""
    before = document_of(app, demo_id)
    alone = before["initiatives"][-1]  # the last: added again with a larger id, it stays last
    assert not any(alone["id"] in (*entry.get("requires", ()), *entry.get("excludes", ()))
                   for entry in before["initiatives"])
    preview_url = upload(client, demo_id, edited_workbook(app, demo_id)).headers["Location"]

    def deleted_and_added_again():
        initiative = next(i for i in optimizer.plan_from_dict(before).initiatives
                          if i.id == alone["id"])
        with open_session(app.extensions["planner_engine"], write=True) as session:
            largest = session.execute(text("SELECT max(id) FROM initiative")).scalar_one()
            session.execute(text("DELETE FROM initiative WHERE plan_id = :plan AND key = :key"),
                            {"plan": demo_id, "key": alone["id"]})
            values = with_team_ids(session, demo_id, [initiative_values(initiative)])[0]
            session.execute(insert(Initiative.__table__), {
                **values, "id": largest + 100, "plan_id": demo_id, "version": 1,
                "created_at": utcnow()})
            keyed = {
                table: dict(session.execute(text(
                    f"SELECT key, id FROM {table} WHERE plan_id = :plan"),
                    {"plan": demo_id}).all())
                for table in ("period", "resource", "moment")}
            add_initiative_rows(session, [initiative], {alone["id"]: largest + 100},
                                keyed["period"], keyed["resource"], keyed["moment"])
            session.commit()

    moved = []
    apply = confirm.apply_changes

    def apply_changes(session, changes, rows):
        try:
            return apply(session, changes, rows)
        except PlanMovedError:
            moved.append(True)
            raise

    monkeypatch.setattr(confirm, "apply_changes", apply_changes)
    _while_working_out(monkeypatch, deleted_and_added_again)
    assert client.post(preview_url).status_code == 302
    assert moved == [True]
    after = document_of(app, demo_id)
    names = {entry["id"]: entry["name"] for entry in after["initiatives"]}
    assert names["queue-busting-tablets"] == "Queue-busting tablets"
    assert names[before["initiatives"][0]["id"]] == "Renamed in Excel"
    assert next(entry for entry in after["initiatives"] if entry["id"] == alone["id"]) == \
        next(entry for entry in before["initiatives"] if entry["id"] == alone["id"])


@pytest.mark.parametrize("rows", [0, 1])
def test_a_new_plan_from_a_file_is_written_whole(client, app, rows):
    """import_plan writes initiatives as multi-row statements: every row and link lands."""
    document = generate_document(40 * rows + 3, 6, seed=rows)
    response = client.post("/plans/import", data={
        "file": (io.BytesIO(plan_file_bytes(document, ".json")), "plan.json"), "name": ""},
        content_type="multipart/form-data")
    assert response.status_code == 302
    plan_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert optimizer.plan_from_dict(document_of(app, plan_id)) == \
        optimizer.plan_from_dict(document)
