"""The database in the app: one engine, one session per request opened when first used."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app, g, has_request_context, request
from flask.cli import with_appcontext
from sqlmodel import Session

from models.db import create_schema, make_engine, open_session

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def init_app(app: Flask) -> None:
    """Create the engine and the tables, close each request's session, add `init-db`."""
    engine = make_engine(app.config["DATABASE_URL"],
                         busy_timeout_ms=app.config["DATABASE_BUSY_TIMEOUT_MS"])
    app.extensions["planner_engine"] = engine
    create_schema(engine)
    app.teardown_appcontext(close_session)
    app.cli.add_command(init_db_command)


def engine():
    return current_app.extensions["planner_engine"]


def get_session() -> Session:
    """This request's session; a POST's transactions take the write lock when they begin."""
    if "db_session" not in g:
        g.db_session = open_session(engine(), write=_is_write())
    return g.db_session


@contextmanager
def reading() -> Iterator[Session]:
    """A session of its own that only reads: for the work a save does before it writes,
    which then takes no write lock (on SQLite, the whole database's) while it is done."""
    session = open_session(engine())
    try:
        yield session
    finally:
        session.close()


@contextmanager
def writing_apart() -> Iterator[Session]:
    """A write session of its own, committed by the caller: for a small write that is not
    the request's change (a token's last use), before the request's session begins."""
    session = open_session(engine(), write=True)
    try:
        yield session
    finally:
        session.close()


def holds_the_write_lock() -> bool:
    """This request's own session has begun a write on SQLite, so it holds the whole
    database's write lock until it ends: a write on another connection of this request
    would wait for it until the busy timeout, for nothing."""
    session = g.get("db_session") if has_request_context() else None
    return (session is not None and _is_write() and session.in_transaction()
            and engine().dialect.name == "sqlite")


def close_session(_error: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the tables that do not exist yet."""
    create_schema(engine())
    click.echo("Database ready.")


def _is_write() -> bool:
    return has_request_context() and request.method not in READ_METHODS
