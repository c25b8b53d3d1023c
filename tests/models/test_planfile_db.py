"""Plan documents in and out of the database, the demo loader, and the SQLite settings."""

from __future__ import annotations

import copy
import threading

import pytest
from sqlalchemy import text
from sqlmodel import select

import optimizer
from models import Initiative, InitiativeEffect, Moment, Plan
from models.db import open_session
from models.planfile import (
    export_plan,
    import_plan,
    load_plan_rows,
    plan_document,
    with_measurements,
)
from optimizer.samples import generate_document
from planner.demo import demo_document, load_demo

SMALL = {
    "plan": "No periods", "budget": 1000, "finance": {"horizon_years": 5, "discount_rate": 0.1},
    "resources": [{"id": "ops", "capacity": 3}],
    "moments": [{"id": "a", "name": "A", "weight": 2, "headroom": 4, "score": -3},
                {"id": "b", "name": "B", "side": "back", "weight": 0, "category": "rescue"}],
    "influences": [{"from": "b", "to": "a", "factor": 0.5}],
    "initiatives": [
        {"id": "x", "name": "X", "cost": 400.5, "effects": {"b": 3, "a": 1}, "uses": {"ops": 1}},
        {"id": "y", "name": "Y", "cost": 0, "effects": {"a": 0.25}, "decision": "reject",
         "reason": "no", "excludes": ["x"], "requires": [], "benefit": -20, "note": "n"}],
}


def _round_trip(app, document):
    engine = app.extensions["planner_engine"]
    with open_session(engine, write=True) as session:
        plan_id = import_plan(session, copy.deepcopy(document)).id
        session.commit()
    with open_session(engine) as session:  # as a plan file has it: with its measurements
        return with_measurements(session, plan_id, plan_document(session, plan_id))


@pytest.mark.parametrize("document", [demo_document(), SMALL], ids=["demo", "small"])
def test_round_trip_gives_the_same_plan_field_for_field(app, document):
    exported = _round_trip(app, document)
    assert optimizer.plan_from_dict(exported) == optimizer.plan_from_dict(document)


def test_export_of_the_demo_is_the_file_up_to_defaults(app):
    exported = _round_trip(app, demo_document())
    assert optimizer.plan_to_dict(optimizer.plan_from_dict(demo_document())) == exported


def test_bad_document_writes_nothing_and_lists_every_problem(app, db):
    document = copy.deepcopy(SMALL)
    document["moments"][0]["weight"] = -1
    document["initiatives"][0]["effects"] = {"nope": 1}
    with open_session(app.extensions["planner_engine"], write=True) as session:
        with pytest.raises(optimizer.PlanError) as error:
            import_plan(session, document)
        session.commit()
    assert len(error.value.problems) == 2
    assert db.exec(select(Plan)).all() == []


def test_import_refuses_a_plan_name_already_there(app, demo_id):
    engine = app.extensions["planner_engine"]
    with open_session(engine, write=True) as session, pytest.raises(
            optimizer.PlanError, match="already exists"):
        import_plan(session, demo_document())


def test_load_demo_is_idempotent(app, db):
    first = load_demo(app)
    assert load_demo(app) == first
    assert len(db.exec(select(Plan)).all()) == 1


def test_deleting_a_plan_cascades_to_every_row(app, db, demo_id):
    with open_session(app.extensions["planner_engine"], write=True) as session:
        session.delete(session.get(Plan, demo_id))
        session.commit()
    for model in (Moment, Initiative, InitiativeEffect):
        assert db.exec(select(model)).all() == []


def test_loading_a_whole_plan_takes_a_fixed_number_of_queries(app, demo_id):
    engine = app.extensions["planner_engine"]
    statements = []

    def count(*_args):
        statements.append(1)

    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", count)
    try:
        with open_session(engine) as session:
            export_plan(load_plan_rows(session, demo_id))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) <= 12


def test_sqlite_settings(app):
    engine = app.extensions["planner_engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with open_session(engine) as session:
        assert session.exec(text("PRAGMA journal_mode")).one()[0] == "wal"
        assert session.exec(text("PRAGMA busy_timeout")).one()[0] >= 5000
        assert session.exec(text("PRAGMA foreign_keys")).one()[0] == 1


def test_write_sessions_begin_immediate_and_queue_instead_of_failing(app, demo_id):
    """Writers that read then write: all succeed, one after the other, no update lost."""
    engine = app.extensions["planner_engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL writes use conditional updates")
    statements = []
    from sqlalchemy import event

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    with open_session(engine, write=True) as session:
        session.exec(select(Plan)).all()
    event.remove(engine, "before_cursor_execute", seen)
    assert statements[0] == "BEGIN IMMEDIATE"
    errors = []

    def bump() -> None:
        try:
            for _ in range(10):
                with open_session(engine, write=True) as session:
                    plan = session.get(Plan, demo_id)
                    plan.max_focus += 1
                    session.commit()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with open_session(engine) as session:
        assert session.get(Plan, demo_id).max_focus == 3 + 40


def _without_periods(document: dict) -> dict:
    """The plan with one cost per initiative and no periods."""
    document = {key: value for key, value in document.items() if key != "periods"}
    document["initiatives"] = [{**work, "cost": sum(work["cost"].values())}
                               for work in document["initiatives"]]
    return document


@pytest.mark.parametrize("document", [
    generate_document(300, 20, seed=3),  # links, uses, periods, decisions
    _without_periods(generate_document(40, 6, seed=4)),
], ids=["generated", "no periods"])
def test_plan_document_reads_as_the_loaded_rows_write(app, document):
    engine = app.extensions["planner_engine"]
    with open_session(engine, write=True) as session:
        plan_id = import_plan(session, document).id
        session.commit()
    with open_session(engine) as session:
        read = plan_document(session, plan_id)
        assert read == export_plan(load_plan_rows(session, plan_id))
        assert optimizer.plan_from_dict(read) == optimizer.plan_from_dict(document)
