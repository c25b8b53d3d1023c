"""Schema migrations (Alembic): they build the models' schema, keep the data already in a
database, and take over databases made before migrations were kept. On SQLite, and on
PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text
from sqlmodel import SQLModel, select

from models import Moment, Plan
from models.db import create_schema, make_engine, migration_config, open_session
from models.plan_import import PendingImport
from models.planfile import plan_document
from optimizer import plan_from_dict, plan_to_dict
from tests.webapp import schema_of_its_own

HEAD = ScriptDirectory.from_config(migration_config()).get_current_head()


@pytest.fixture
def engine(tmp_path) -> Iterator:
    """An engine on an empty database of its own (a new schema on PostgreSQL)."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        engine = make_engine(f"sqlite:///{tmp_path / 'migrations.sqlite'}")
        yield engine
        engine.dispose()
        return
    with schema_of_its_own(base, "planner_migrate") as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def migrate(engine, revision: str, *, down: bool = False) -> None:
    with engine.begin() as connection:
        config = migration_config(connection)
        (command.downgrade if down else command.upgrade)(config, revision)


def version(engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def tables(engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


OLD_PLAN = {
    "plan": "FY2026", "currency": "EUR", "budget": 1000.0, "max_focus": 3,
    "periods": [{"id": "H1", "budget": 600.0}],
    "resources": [{"id": "it", "name": "IT delivery", "capacity": 5.0, "unit": "FTE"}],
    "stages": [{"id": "buy", "name": "Buy"}],
    "moments": [{"id": "queue", "name": "Checkout queue", "stage": "buy", "side": "front",
                 "weight": 2.0}],
    "initiatives": [{"id": "kiosk", "name": "Self-checkout kiosks", "team": "Stores",
                     "cost": {"H1": 400.0}, "effects": {"queue": 3.0}}],
}


@contextmanager
def old_tables(engine) -> Iterator:
    """`add(table, **values)`, which writes a row with the tables as the database has them
    (an older schema: the models' own classes would write columns it does not have yet)
    and gives its id; all of them in one transaction."""
    with engine.begin() as connection:
        meta = MetaData()
        meta.reflect(connection)

        def add(table: str, **values) -> int:
            inserted = connection.execute(meta.tables[table].insert().values(**values))
            return inserted.inserted_primary_key[0]

        yield add


def add_old_plan(engine, name: str = "FY2026") -> int:
    """OLD_PLAN written with the tables as the database has them (an older schema: the
    models' own classes would write columns it does not have yet)."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with old_tables(engine) as add:
        plan = add("plan", name=name, currency="EUR", budget=1000.0, max_focus=3,
                   created_at=now)
        stage = add("stage", plan_id=plan, position=0, key="buy", name="Buy")
        period = add("period", plan_id=plan, position=0, key="H1", budget=600.0)
        add("resource", plan_id=plan, position=0, key="it", name="IT delivery", capacity=5.0,
            unit="FTE")
        moment = add("moment", plan_id=plan, stage_id=stage, key="queue",
                     name="Checkout queue", side="front", weight=2.0, version=3)
        work = add("initiative", plan_id=plan, key="kiosk", name="Self-checkout kiosks",
                   team="Stores", decision="auto", reason="", confidence=1.0, note="",
                   version=2, created_at=now)
        add("initiative_cost", initiative_id=work, period_id=period, amount=400.0)
        add("initiative_effect", initiative_id=work, moment_id=moment, uplift=3.0)
    return plan


def document_of(engine, plan_id: int) -> dict:
    with open_session(engine) as session:
        return plan_to_dict(plan_from_dict(plan_document(session, plan_id)))


def test_the_migrations_build_exactly_the_models_schema(engine):
    migrate(engine, "head")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection),
                                       SQLModel.metadata)
    assert differences == [], "a model changed without a migration"
    assert version(engine) == HEAD


def test_migrating_keeps_the_data_in_the_database(engine):
    migrate(engine, "0001_baseline")
    assert "pending_import" not in tables(engine)
    plan_id = add_old_plan(engine)
    create_schema(engine)  # what the app does when it starts
    assert version(engine) == HEAD and "pending_import" in tables(engine)
    assert document_of(engine, plan_id) == plan_to_dict(plan_from_dict(OLD_PLAN))
    with open_session(engine, write=True) as session:
        plan = session.get(Plan, plan_id)
        # new version columns start at 1; the versions already kept stay
        assert plan.version == 1 and {row.version for row in [
            *plan.stages, *plan.periods, *plan.resources, *plan.influences]} == {1}
        assert (plan.moments[0].version, plan.initiatives[0].version) == (3, 2)
        session.add(PendingImport(token="t", plan_id=plan_id, filename="f.xlsx", base="b",
                                  document=OLD_PLAN, summary={}))
        session.commit()


def test_a_database_made_before_migrations_is_taken_over(engine):
    migrate(engine, "0001_baseline")
    plan_id = add_old_plan(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))  # as create_all left it
    create_schema(engine)
    assert version(engine) == HEAD and "pending_import" in tables(engine)
    assert document_of(engine, plan_id) == plan_to_dict(plan_from_dict(OLD_PLAN))


def test_a_database_made_before_migrations_with_pending_imports_is_taken_over(engine):
    migrate(engine, "0002_pending_import")
    plan_id = add_old_plan(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    create_schema(engine)
    assert version(engine) == HEAD
    assert document_of(engine, plan_id) == plan_to_dict(plan_from_dict(OLD_PLAN))


def test_a_database_made_by_the_newest_models_without_a_version_is_marked(engine):
    SQLModel.metadata.create_all(engine)
    create_schema(engine)
    assert version(engine) == HEAD


def test_an_empty_database_is_created_at_the_newest_migration(engine):
    create_schema(engine)
    assert version(engine) == HEAD
    assert {t.name for t in SQLModel.metadata.sorted_tables} <= tables(engine)
    create_schema(engine)  # again: nothing to do
    assert version(engine) == HEAD


def test_every_migration_goes_down_and_up_again(engine):
    migrate(engine, "head")
    migrate(engine, "base", down=True)
    assert tables(engine) <= {"alembic_version"}
    migrate(engine, "head")
    assert version(engine) == HEAD


def test_runs_already_saved_are_numbered_per_plan_in_the_order_made(engine):
    migrate(engine, "0004_influence_version")
    first, second = add_old_plan(engine), add_old_plan(engine, "FY2027")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with old_tables(engine) as add:
        for plan_id in (first, second, first, first, second):
            add("run", plan_id=plan_id, created_at=now, max_focus=3, status="optimal",
                inputs={}, result={})
    migrate(engine, "head")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT plan_id, number FROM run ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(first, 1), (second, 1), (first, 2), (first, 3),
                                            (second, 2)]


def test_plans_already_kept_are_decided_when_published_and_open_otherwise(engine):
    migrate(engine, "0010_appeals")
    decided, still_open = add_old_plan(engine), add_old_plan(engine, "FY2027")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with old_tables(engine) as add:
        run = add("run", plan_id=decided, number=1, created_at=now, max_focus=3,
                  status="optimal", inputs={}, result={})
        add("publication", plan_id=decided, run_id=run, published_by="Cleo", created_at=now)
    migrate(engine, "head")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, state FROM plan ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(decided, "decided"), (still_open, "open")]
    assert document_of(engine, decided) == plan_to_dict(plan_from_dict(OLD_PLAN))


def test_teams_become_rows_of_their_plan_and_every_row_keeps_its_team(engine):
    migrate(engine, "0011_cycle_state")
    plan_id, other = add_old_plan(engine), add_old_plan(engine, "FY2027")
    with old_tables(engine) as add:
        account = add("account", email="ivy@example.com", name="Ivy", password_hash="x",
                      active=True, admin=False, session_version=1,
                      created_at=datetime(2026, 1, 1, tzinfo=UTC))
        for plan, role, team in ((plan_id, "team", "Stores"), (other, "team", "IT")):
            add("membership", user_id=account, plan_id=plan, role=role, team=team)

    def counts(connection) -> list:
        return [connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() for table
                in ("initiative_cost", "initiative_effect", "initiative_use")]

    with engine.connect() as connection:
        before = counts(connection)
    migrate(engine, "head")
    with engine.connect() as connection:
        teams = connection.execute(text(
            "SELECT plan_id, name FROM team ORDER BY plan_id, name")).all()
        named = connection.execute(text(
            "SELECT i.plan_id, t.name FROM initiative i JOIN team t ON t.id = i.team_id "
            "ORDER BY i.id")).all()
        members = connection.execute(text(
            "SELECT m.plan_id, t.name FROM membership m JOIN team t ON t.id = m.team_id "
            "WHERE t.plan_id = m.plan_id ORDER BY m.id")).all()
        assert counts(connection) == before  # the initiative table was copied, not its rows
    assert [tuple(row) for row in teams] == [(plan_id, "Stores"), (other, "IT"),
                                             (other, "Stores")]
    assert [tuple(row) for row in named] == [(plan_id, "Stores"), (other, "Stores")]
    assert [tuple(row) for row in members] == [(plan_id, "Stores"), (other, "IT")]
    assert document_of(engine, plan_id) == plan_to_dict(plan_from_dict(OLD_PLAN))
    migrate(engine, "0011_cycle_state", down=True)  # and back, every team kept
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT team FROM initiative ORDER BY id")).all()
        assert [row[0] for row in rows] == ["Stores", "Stores"]
        assert counts(connection) == before


def test_moments_gain_an_owner_in_place_and_lose_it_keeping_every_row(engine):
    migrate(engine, "0011_cycle_state")
    plan_id = add_old_plan(engine)
    migrate(engine, "head")
    assert document_of(engine, plan_id) == plan_to_dict(plan_from_dict(OLD_PLAN))
    with open_session(engine, write=True) as session:
        moment = session.exec(select(Moment).where(Moment.plan_id == plan_id)).one()
        assert moment.owner == ""
        moment.owner = "Store operations"
        session.commit()
    owned = {**OLD_PLAN, "moments": [{**OLD_PLAN["moments"][0], "owner": "Store operations"}]}
    assert document_of(engine, plan_id) == plan_to_dict(plan_from_dict(owned))

    def rows() -> tuple:
        with engine.connect() as connection:
            return tuple(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
                         for table in ("moment", "initiative_effect", "initiative_cost"))
    kept = rows()
    migrate(engine, "0013_jobs", down=True)  # no copy of the table: nothing cascades
    assert rows() == kept == (1, 1, 1)
    migrate(engine, "head")
    assert document_of(engine, plan_id) == plan_to_dict(plan_from_dict(OLD_PLAN))
