"""The database engine: SQLite tuned for a small team (WAL, busy timeout, foreign keys,
IMMEDIATE write transactions), or PostgreSQL when the URL says so; and the text the app's
processes keep there for each other."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Engine, Text, create_engine, delete, event, func, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel

from models.base import utcnow

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 10_000
# Write sessions run on the engine with this execution option; on SQLite their
# transactions begin IMMEDIATE, so two writers queue for the lock instead of one of them
# failing with "database is locked" halfway through (WAL alone does not prevent that).
WRITE = {"planner_write": True}


def make_engine(url: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS, **options: Any) -> Engine:
    """An engine for the URL; SQLite connections get the pragmas of docs/reliability.md
    ("Data") and wait at most `busy_timeout_ms` for another writer's lock."""
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine, busy_timeout_ms)
    elif engine.dialect.name == "postgresql":
        _limit_lock_waits(engine, busy_timeout_ms)
    return engine


def _limit_lock_waits(engine: Engine, busy_timeout_ms: int) -> None:
    """A statement waits at most this long for a row another transaction holds, as SQLite
    waits for its lock, and then fails (lock_not_available) instead of hanging."""
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"SET lock_timeout = {int(busy_timeout_ms)}")
        cursor.close()
        dbapi_connection.commit()


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 module so that we can emit BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("planner_write")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_schema(engine: Engine) -> None:
    """Bring the database to the newest schema, keeping its data (Alembic migrations in
    models/migrations).

    An empty database gets every table at once and is marked as at the newest migration
    (Alembic's recipe); one made before migrations were kept is marked as at the schema it
    has, then migrated.
    """
    from alembic import command

    import models  # noqa: F401  (registers every table on the metadata)

    with engine.begin() as connection:
        tables = set(inspect(connection).get_table_names())
        config = migration_config(connection)
        if "alembic_version" in tables:
            command.upgrade(config, "head")
        elif "plan" in tables:
            command.stamp(config, _unversioned_revision(connection, tables))
            command.upgrade(config, "head")
        else:
            SQLModel.metadata.create_all(connection)
            command.stamp(config, "head")


def migration_config(connection: Any = None) -> Any:
    """Alembic's configuration, migrating on this connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


# Newest first: each migration, and the table (or the table and column) that only a
# database at it or later has.
REVISION_MARKS = (
    ("0022_api", "api_token", None),
    ("0021_rollout", "mail_message", None),
    ("0020_actual_cost", "initiative", "actual_cost"),
    ("0019_uncertainty", "run_uncertainty", None),
    ("0018_decision_kinds", "rate_count", None),
    ("0017_kept_text", "kept_text", None), ("0016_delivery", "initiative", "delivery"),
    ("0015_measurements", "measurement", None), ("0014_moment_owner", "moment", "owner"),
    ("0013_jobs", "job", None),
    ("0012_teams", "team", None),
    ("0011_cycle_state", "plan", "state"), ("0010_appeals", "appeal", None),
    ("0009_record", "record_entry", None), ("0008_publications", "publication", None),
    ("0007_memberships", "membership", None), ("0006_accounts", "account", None),
    ("0005_run_number", "run", "number"), ("0004_influence_version", "influence", "version"),
    ("0003_versions", "plan", "version"), ("0002_pending_import", "pending_import", None),
)


def _unversioned_revision(connection: Any, tables: set[str]) -> str:
    """The migration a database made without them (by create_all) stands at: the newest
    whose tables and columns it has."""
    for revision, table, column in REVISION_MARKS:
        if table in tables and (column is None or any(
                found["name"] == column for found in inspect(connection).get_columns(table))):
            return revision
    return "0001_baseline"


class KeptText(SQLModel, table=True):
    """Text worked out from what never changes under its key (a chart of a saved run, the
    words for what differs between a run and its plan at one line of the plan's record),
    kept for every process of the app: one works it out, the others read it. Only ever a
    copy: emptying the table loses nothing but the time to work the texts out again."""

    __tablename__ = "kept_text"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, unique=True)  # SHA-256, in hex, of what it is of
    text: str = Field(sa_column=Column(Text, nullable=False))
    kept_at: datetime = Field(default_factory=utcnow)


KEPT_TEXTS = 5_000  # the newest kept; each new one pushes out the oldest beyond these


def kept_text(engine: Engine, key: str) -> str | None:
    with engine.connect() as connection:
        return connection.execute(select(KeptText.text).where(KeptText.key == key)).scalar()


def keep_text(engine: Engine, key: str, text: str) -> None:
    """Keep the text under its key, unless another process kept it first (the same text)."""
    table = KeptText.__table__
    insert = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert
    with engine.execution_options(**WRITE).begin() as connection:
        added = connection.execute(insert(table).values(key=key, text=text, kept_at=utcnow())
                                   .on_conflict_do_nothing(index_elements=["key"]))
        if added.rowcount:
            newest = connection.execute(select(func.max(table.c.id))).scalar()
            connection.execute(delete(table).where(table.c.id <= newest - KEPT_TEXTS))


class RateCount(SQLModel, table=True):
    """A count of hits in a fixed window of time under one key, shared by every process of
    the app: the sign-in throttle's storage when no Redis is configured
    (planner/accounts/throttle.py)."""

    __tablename__ = "rate_count"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True)
    count: int = 0
    expires_at: float = 0.0  # seconds since the epoch at which the window ends


def open_session(engine: Engine, *, write: bool = False) -> Session:
    """A session; a write session's transactions take the write lock when they begin."""
    bind = engine.execution_options(**WRITE) if write else engine
    return Session(bind, expire_on_commit=False)
