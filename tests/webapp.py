"""Fixtures for the web app's tests: an app on a fresh database per test.

The database is a temporary SQLite file, or, when TEST_DATABASE_URL is set, a PostgreSQL
schema made for this test session (emptied before every test, dropped at the end).
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel, select

from models import Run, User
from models.db import open_session
from planner import create_app
from planner.demo import load_demo

# Runs are saved without their explanations here, so that the tests of "Explain all" and
# of the pages before it start from none; tests/planner/runs/test_explain_with_run.py
# turns the app's default (explained with the run) back on. Jobs are done in the request
# that asks for them (tests/planner/jobs/ starts real workers).
TEST_CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
               "SOLVE_TIME_LIMIT": 30.0, "EXPLAIN_WITH_RUN_UP_TO": 0,
               "JOBS_IMMEDIATE": True}


@contextmanager
def schema_of_its_own(base: str, prefix: str) -> Iterator[str]:
    """A PostgreSQL URL whose connections use a new, empty schema, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    """A URL whose connections use a schema of their own, or None for SQLite."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    with schema_of_its_own(base, "planner_test") as url:
        yield url


@pytest.fixture
def database_url(tmp_path, postgres_url) -> str:
    if postgres_url is None:
        return f"sqlite:///{tmp_path / 'planner.sqlite'}"
    return postgres_url


def _empty_tables(engine) -> None:
    tables = [t.name for t in SQLModel.metadata.sorted_tables]
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(f'{chr(34)}{t}{chr(34)}' for t in tables)} "
                                "RESTART IDENTITY CASCADE"))


# Every app of the tests has this admin; its hash is made once for the whole run (argon2 is
# slow on purpose).
ADMIN_EMAIL, ADMIN_PASSWORD = "admin@example.com", "the tests' own long password"
_ADMIN_HASH: list[str] = []


def make_app(database_url: str, *, accounts: bool = True, **config):
    """The app on this database, emptied; with the tests' admin unless `accounts` is
    false (an installation nobody has set up yet)."""
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, **config})
    engine = app.extensions["planner_engine"]
    if engine.dialect.name == "postgresql":
        _empty_tables(engine)
    if accounts:
        add_admin(app)
    return app


def add_admin(app) -> None:
    """The tests' admin account in this app's database."""
    if not _ADMIN_HASH:
        from planner.accounts.passwords import password_hash
        _ADMIN_HASH.append(password_hash(ADMIN_PASSWORD))
    with open_session(app.extensions["planner_engine"], write=True) as session:
        session.add(User(email=ADMIN_EMAIL, name="Ada Admin", admin=True,
                         password_hash=_ADMIN_HASH[0]))
        session.commit()


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


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    yield app
    app.extensions["planner_engine"].dispose()


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
    return load_demo(app)


@pytest.fixture
def run_id(client, demo_id) -> int:
    """A saved run of the demo plan."""
    location = client.post(f"/plans/{demo_id}/runs", data={}).headers["Location"]
    return int(location.rsplit("/", 1)[1])


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
