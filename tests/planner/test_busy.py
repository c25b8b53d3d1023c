"""A save that finds another change holding the database past the wait is a 503 with the
input kept (a form that sends it again) and Retry-After, never a 500, and saves nothing."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

from models import Plan
from planner.database import get_session
from planner.demo import load_demo
from tests.webapp import make_app, page_text, signed_in_client

PLAN = {"name": "Renamed while busy", "currency": "EUR", "budget": "450000",
        "max_focus": "3", "version": "1"}


@contextmanager
def another_writer(database_url: str, plan_id: int):
    """Another connection in the middle of a change to the plan."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(text("SELECT id FROM plan WHERE id = :id FOR UPDATE"),
                               {"id": plan_id})
        try:
            yield
        finally:
            connection.rollback()
    engine.dispose()


@pytest.fixture
def busy_app(database_url):
    app = make_app(database_url, DATABASE_BUSY_TIMEOUT_MS=200)
    yield app
    app.extensions["planner_engine"].dispose()


def test_a_save_during_another_change_is_a_503_with_the_input_kept(busy_app, database_url):
    plan_id = load_demo(busy_app)
    client = signed_in_client(busy_app)
    with another_writer(database_url, plan_id):
        response = client.post(f"/plans/{plan_id}/edit", data=PLAN)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "nothing was saved" in page_text(response)
    html = response.get_data(as_text=True)
    resend = html.split(f'action="/plans/{plan_id}/edit"')[1].split("</form>")[0]
    kept = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', resend))
    assert kept == PLAN
    assert f'action="/plans/{plan_id}/edit"' in html
    # Sending it again once the other change is done saves it.
    assert client.post(f"/plans/{plan_id}/edit", data=kept).status_code == 302
    with busy_app.app_context():
        assert get_session().get(Plan, plan_id).name == "Renamed while busy"


def test_nothing_is_saved_by_the_refused_save(busy_app, database_url):
    plan_id = load_demo(busy_app)
    client = signed_in_client(busy_app)
    with another_writer(database_url, plan_id):
        assert client.post(f"/plans/{plan_id}/edit", data=PLAN).status_code == 503
    with busy_app.app_context():
        assert get_session().get(Plan, plan_id).name == "Retail stores FY2027"
