"""Fixtures for the web app's tests: the app, on a database reset for every test.

A test's database starts from one of four states, each made once per test session by the
app itself (create_schema, as a new installation; the tests' admin; load_demo; the run
form posted): the schema alone (EMPTY, for a test that makes its own app), with the tests'
admin (ADMIN, under the `app` fixture), with the demo plan loaded too (DEMO, for the many
tests that ask for `demo_id`), and with a saved run of it (RUN, for those that ask for
`run_id`). Resetting to a state is what every test pays, so it is made cheap:

- SQLite: each state is a database file; each test gets a copy of its own in its tmp_path
  (shutil.copyfile: well under a millisecond, where making the schema takes ~0.2 s, the
  demo ~0.1 s and the run ~0.2 s).
- PostgreSQL (TEST_DATABASE_URL): one schema for the session, made once; before each test
  every row is deleted, each id sequence set back to where the state left it, and the
  state's rows (read once with COPY, when it was made) copied back, in one transaction:
  ~10 ms. DELETE rather than TRUNCATE: on tables this small, TRUNCATE's new files for
  every table take 0.6 s. Not a transaction rolled back after each test: the app
  commits, reads in sessions of their own, and the tests of locks and of workers watch
  from other connections and processes, which would never see the rows of a transaction
  not committed. The test connections commit without waiting for the disk
  (synchronous_commit off): a server crash could lose the last commits of a test
  database, nothing else changes.

The app with the tests' configuration (TEST_CONFIG) is made once per test module (Flask's
routes take ~0.15 s to build) and pointed at each test's database (SQLite: an engine on
the test's file). Before each test, what the app and this process keep between requests
is set back: the sign-in throttle's counts, the app's settings (a test may change one),
and every value planner/kept.py keeps by a run's or a plan's id and time (ids restart
with every reset, and a state's rows keep the times they were made at, so such a key can
come back naming another test's rows). Charts stay kept: a chart is kept by its figures
alone, which no reset makes stale. A test that needs other settings makes its own app
with `make_app`, on a database in the EMPTY state.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session, SQLModel, select

from models import Run, User
from models.db import make_engine, open_session
from planner import create_app
from planner.demo import load_demo

# Runs are saved without their explanations here, so that the tests of "Explain all" and
# of the pages before it start from none; tests/planner/runs/test_explain_with_run.py
# turns the app's default (explained with the run) back on. Jobs are done in the request
# that asks for them (tests/planner/jobs/ starts real workers).
TEST_CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
               "SOLVE_TIME_LIMIT": 30.0, "EXPLAIN_WITH_RUN_UP_TO": 0,
               "JOBS_IMMEDIATE": True}

# Every app of the tests has this admin; its hash is made once for the whole run (argon2 is
# slow on purpose).
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@example.com", "the tests' own long password"
_ADMIN_HASH: list[str] = []

EMPTY, ADMIN, DEMO, RUN = "empty", "admin", "demo", "run"


@contextmanager
def schema_of_its_own(base: str, prefix: str) -> Iterator[str]:
    """A PostgreSQL URL whose connections use a new, empty schema, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    options = f"-csearch_path={schema} -csynchronous_commit=off"
    try:
        yield f"{base}{separator}options={quote(options)}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class SQLiteStates:
    """Each state a database file; a test's database a copy of one in its own folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def keep(self, state: str, engine: Engine) -> None:
        source = sqlite3.connect(engine.url.database)
        kept = sqlite3.connect(self.folder / f"{state}.sqlite")
        source.backup(kept)  # whole and consistent, whatever the write-ahead log holds
        source.close()
        kept.close()

    def fresh(self, state: str, folder: Path) -> str:
        path = folder / "planner.sqlite"
        shutil.copyfile(self.folder / f"{state}.sqlite", path)
        return f"sqlite:///{path}"

    def close(self) -> None:
        """Nothing stays open between tests."""


class PostgresStates:
    """One schema; each state its tables' rows (COPY's text, exactly as the database gave
    them) and its sequences, read once, put back per test."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        names = [table.name for table in SQLModel.metadata.sorted_tables]  # parents first
        self.tables = [f'"{name}"' for name in names]
        self.deletions = "; ".join(f"DELETE FROM {table}" for table in reversed(self.tables))
        self.rows: dict[str, list[tuple[str, bytes]]] = {}
        self.sequences: dict[str, str] = {}

    def keep(self, state: str, _engine: Engine) -> None:
        with self.engine.connect() as connection:
            with connection.connection.driver_connection.cursor() as cursor:
                self.rows[state] = [(table, rows) for table in self.tables
                                    if (rows := _copied_out(cursor, table))]
            sequences = connection.execute(text(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), "
                "last_value FROM pg_sequences WHERE schemaname = current_schema()")).all()
        self.sequences[state] = "SELECT " + ", ".join(
            f"setval('{name}', {value}, true)" if value is not None
            else f"setval('{name}', 1, false)" for name, value in sequences)

    def fresh(self, state: str, _folder: Path) -> str:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(f"{self.deletions}; {self.sequences[state]}")
            with connection.connection.driver_connection.cursor() as cursor:
                for table, rows in self.rows[state]:
                    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                        copy.write(rows)
        return self.url

    def close(self) -> None:
        self.engine.dispose()


def _copied_out(cursor, table: str) -> bytes:
    with cursor.copy(f"COPY {table} TO STDOUT") as copy:
        return b"".join(bytes(block) for block in copy)


@pytest.fixture(scope="session")
def database_states(tmp_path_factory) -> Iterator[SQLiteStates | PostgresStates]:
    """The states a test's database starts from, made once by the app itself."""
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        with schema_of_its_own(base, "planner_test") as url:
            states = PostgresStates(url)
            yield from _made(states, url)
        return
    folder = tmp_path_factory.mktemp("states")
    yield from _made(SQLiteStates(folder), f"sqlite:///{folder / 'making.sqlite'}")


def _made(states, url: str) -> Iterator:
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    engine = app.extensions["planner_engine"]
    states.keep(EMPTY, engine)
    add_admin(app)
    states.keep(ADMIN, engine)
    plan_id = load_demo(app)
    states.keep(DEMO, engine)
    assert _post_a_run(signed_in_client(app), plan_id) == 1
    states.keep(RUN, engine)
    engine.dispose()
    try:
        yield states
    finally:
        states.close()


def _state(request) -> str:
    """The run, the demo or the admin for a test that asks for it, or for the app."""
    for state, fixture in ((RUN, "run_id"), (DEMO, "demo_id"), (ADMIN, "app")):
        if fixture in request.fixturenames:
            return state
    return EMPTY


@pytest.fixture
def database_url(request, tmp_path, database_states) -> str:
    """This test's database, in the state its fixtures start from."""
    return database_states.fresh(_state(request), tmp_path)


def make_app(database_url: str, *, accounts: bool = True, **config):
    """An app of its own on this database (the test's, in the EMPTY state), with the
    tests' admin unless `accounts` is false (an installation nobody has set up yet)."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, **config})
    if accounts:
        add_admin(app)
    return app


@functools.cache
def nobodys_password_hash() -> str:
    """The hash of a password nobody signs in with, for the accounts a test makes: made
    once (argon2 takes a good part of a second on purpose)."""
    from planner.accounts.passwords import password_hash

    return password_hash("a password nobody types here")


def add_admin(app) -> None:
    """The tests' admin account in this app's database."""
    if not _ADMIN_HASH:
        from planner.accounts.passwords import password_hash
        _ADMIN_HASH.append(password_hash(ADMIN_PASSWORD))
    with open_session(app.extensions["planner_engine"], write=True) as session:
        session.add(User(email=ADMIN_EMAIL, name="Ada Admin", admin=True,
                         password_hash=_ADMIN_HASH[0]))
        session.commit()


def api_token_headers(app, email: str = ADMIN_EMAIL, scope: str = "write") -> dict[str, str]:
    """The Authorization header of a new personal access token of this account (the
    tests' admin by default): what the JSON API reads instead of a session."""
    from planner.api.tokens import make_token

    with open_session(app.extensions["planner_engine"], write=True) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        _, token = make_token(session, user, name="tests", scope=scope)
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def signed_in_client(app, email: str = ADMIN_EMAIL):
    """A test client signed in as this account (the tests' admin by default), as the
    sign-in page leaves it: Flask-Login's session naming the account and its version."""
    client = app.test_client()
    with open_session(app.extensions["planner_engine"]) as session:
        user = session.exec(select(User).where(User.email == email)).one()
        session_id = f"{user.id}:{user.session_version}"
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = session_id, True
    return client


@pytest.fixture(scope="module")
def module_app(database_states, tmp_path_factory):
    """The app with the tests' configuration, made once for a module's tests."""
    url = database_states.fresh(ADMIN, tmp_path_factory.mktemp("app")) if isinstance(
        database_states, SQLiteStates) else database_states.url
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    yield app
    app.extensions["planner_engine"].dispose()


def forget_what_the_process_keeps() -> None:
    """Every value planner/kept.py keeps by what a reset can give again (a run's or a
    plan's id and time), as a new process; charts, kept by their figures alone, stay."""
    from planner import kept

    for kind in kept.EVERY:
        if kind is not kept.CHARTS:
            kind.clear()


@pytest.fixture
def app(module_app, database_url):
    """The module's app on this test's database, as if made for it alone."""
    from planner.accounts.signin import limiter

    engine, settings = module_app.extensions["planner_engine"], dict(module_app.config)
    if settings["DATABASE_URL"] != database_url:  # SQLite: a file per test
        module_app.config["DATABASE_URL"] = database_url
        module_app.extensions["planner_engine"] = make_engine(
            database_url, busy_timeout_ms=settings["DATABASE_BUSY_TIMEOUT_MS"])
    forget_what_the_process_keeps()
    with module_app.app_context():  # the counts are in this test's database (or Redis)
        limiter.reset()
    yield module_app
    module_app.config.clear()
    module_app.config.update(settings)
    if module_app.extensions["planner_engine"] is not engine:
        module_app.extensions["planner_engine"].dispose()
        module_app.extensions["planner_engine"] = engine


@pytest.fixture
def client(app):
    return signed_in_client(app)


@pytest.fixture
def db(app) -> Iterator[Session]:
    """A session on the app's database, for checking what was (not) saved."""
    session = open_session(app.extensions["planner_engine"])
    yield session
    session.close()


@pytest.fixture
def demo_id(app) -> int:
    """The demo plan's id (the DEMO state has it already)."""
    return load_demo(app)


def _post_a_run(client, plan_id: int) -> int:
    """The run form posted with the plan's own settings: the saved run's id."""
    location = client.post(f"/plans/{plan_id}/runs", data={}).headers["Location"]
    return int(location.rsplit("/", 1)[1])


@pytest.fixture
def run_id(app, demo_id) -> int:
    """A saved run of the demo plan, the first: the RUN state's, or one made now for a test
    that asked for this fixture only on its way (request.getfixturevalue)."""
    with open_session(app.extensions["planner_engine"]) as session:
        found = session.exec(select(Run.id).where(Run.plan_id == demo_id)
                             .order_by(Run.id)).first()
    return found if found is not None else _post_a_run(signed_in_client(app), demo_id)


def saved_run(db, run_id: int) -> Run:
    """The run as the database has it now."""
    db.rollback()
    return db.get(Run, run_id)


def page_text(response) -> str:
    """The response's visible text, tags stripped and whitespace folded."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    words = re.sub(r"<[^>]+>", " ", html)
    for entity, char in (("&#39;", "'"), ("&quot;", '"'), ("&#34;", '"'), ("&amp;", "&"),
                         ("&lt;", "<"), ("&gt;", ">")):
        words = words.replace(entity, char)
    return re.sub(r"\s+", " ", words)
