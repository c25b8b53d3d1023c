"""The database engine: SQLite tuned for a small team (WAL, busy timeout, foreign keys,
IMMEDIATE write transactions), or PostgreSQL when the URL says so."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlmodel import Session, SQLModel

BUSY_TIMEOUT_MS = 10_000
# Write sessions run on the engine with this execution option; on SQLite their
# transactions begin IMMEDIATE, so two writers queue for the lock instead of one of them
# failing with "database is locked" halfway through (WAL alone does not prevent that).
WRITE = {"planner_write": True}


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for the URL; SQLite connections get the pragmas of RELIABILITY.md."""
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    return engine


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 module so that we can emit BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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
    """Create every table that does not exist yet."""
    import models  # noqa: F401  (registers every table on the metadata)

    SQLModel.metadata.create_all(engine)


def open_session(engine: Engine, *, write: bool = False) -> Session:
    """A session; a write session's transactions take the write lock when they begin."""
    bind = engine.execution_options(**WRITE) if write else engine
    return Session(bind, expire_on_commit=False)
