"""Schema migrations (Alembic): they build the models' schema, keep the data already in a
database, and take over databases made before migrations were kept. On SQLite, and on
PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from models.db import create_schema, make_engine, migration_config, open_session
from models.plan_import import PendingImport
from models.planfile import import_plan, plan_document
from tests.conftest import EXAMPLE_PLAN

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
    schema = f"planner_migrate_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    engine = make_engine(f"{base}{separator}options={quote(f'-csearch_path={schema}')}")
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


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


def add_example_plan(engine) -> dict:
    document = json.loads(EXAMPLE_PLAN.read_text())
    with open_session(engine, write=True) as session:
        plan = import_plan(session, document)
        session.commit()
        return plan_document(session, plan.id)


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
    before = add_example_plan(engine)
    create_schema(engine)  # what the app does when it starts
    assert version(engine) == HEAD and "pending_import" in tables(engine)
    with open_session(engine, write=True) as session:
        assert plan_document(session, 1) == before
        session.add(PendingImport(token="t", plan_id=1, filename="f.xlsx", base="b",
                                  document=before, summary={}))
        session.commit()


def test_a_database_made_before_migrations_is_taken_over(engine):
    migrate(engine, "0001_baseline")
    before = add_example_plan(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))  # as create_all left it
    create_schema(engine)
    assert version(engine) == HEAD and "pending_import" in tables(engine)
    with open_session(engine) as session:
        assert plan_document(session, 1) == before


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
