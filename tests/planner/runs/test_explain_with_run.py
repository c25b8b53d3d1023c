"""A run is explained in its job, right after the solve, so that the say-no page, the team
view and the exports carry figures without a click; a plan past the size limit (when one
is set) offers "Explain all" as before."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from models import RunExplanation
from planner.demo import load_demo
from tests.webapp import make_app, page_text, signed_in_client


@pytest.fixture
def explaining_app(database_url):
    app = make_app(database_url, EXPLAIN_WITH_RUN_UP_TO=None)
    yield app
    app.extensions["planner_engine"].dispose()


def _run(app) -> tuple[int, int]:
    plan_id = load_demo(app)
    client = signed_in_client(app)
    response = client.post(f"/plans/{plan_id}/runs", data={})
    assert response.status_code == 302
    return plan_id, int(response.headers["Location"].rsplit("/", 1)[1])


def _stored(app, run_id: int) -> int:
    from models.db import open_session
    with open_session(app.extensions["planner_engine"]) as session:
        return session.exec(select(func.count()).where(RunExplanation.run_id == run_id)).one()


def test_the_demo_is_explained_as_it_is_run(explaining_app):
    plan_id, run_id = _run(explaining_app)
    client = signed_in_client(explaining_app)
    page = page_text(client.get(f"/plans/{plan_id}/runs/{run_id}/say-no"))
    assert "8 initiatives not funded · 8 explained" in page
    assert "Explain all" not in page and "Explain the rest" not in page
    team = page_text(client.get(f"/plans/{plan_id}/teams", query_string={"team": "Stores"}))
    assert "The explanation in figures" in team
    assert "Explain: what funding it would cost" not in team
    assert _stored(explaining_app, run_id) == 8


def _say_no_after_a_run(database_url: str, **config) -> tuple[int, str]:
    """How many explanations a run of the demo stored with these settings, and the words
    of its say-no page."""
    app = make_app(database_url, **config)
    try:
        plan_id, run_id = _run(app)
        page = page_text(signed_in_client(app).get(f"/plans/{plan_id}/runs/{run_id}/say-no"))
        return _stored(app, run_id), page
    finally:
        app.extensions["planner_engine"].dispose()


def test_a_plan_past_the_limit_is_left_to_explain_all(database_url):
    stored, page = _say_no_after_a_run(database_url, EXPLAIN_WITH_RUN_UP_TO=5)
    assert stored == 0 and "0 explained" in page and "Explain all" in page


def test_the_runs_job_says_both_of_its_steps(explaining_app):
    """The job saves the run as soon as it is solved, then explains it; its progress and
    result say so."""
    from models import Job
    from models.db import open_session

    _, run_id = _run(explaining_app)
    with open_session(explaining_app.extensions["planner_engine"]) as session:
        job = session.exec(select(Job).where(Job.kind == "run")).one()
    assert (job.status, job.percent, job.result) == ("done", 100.0, {"run_id": run_id})
    assert job.started_at <= job.heartbeat_at <= job.finished_at


def test_a_job_explains_on_the_cores_its_settings_give(database_url, monkeypatch):
    from optimizer.explain import explainer

    monkeypatch.setattr(explainer, "ON_CORES_FROM", 2)  # the demo says no to 8
    app = make_app(database_url, EXPLAIN_WITH_RUN_UP_TO=None, EXPLAIN_PROCESSES=2)
    asked = []
    real = explainer.explain_on_cores

    def on_cores(*arguments, **options):
        asked.append(arguments[3])  # the processes
        return real(*arguments, **options)

    monkeypatch.setattr(explainer, "explain_on_cores", on_cores)
    try:
        plan_id, run_id = _run(app)
        assert asked == [2] and _stored(app, run_id) == 8
        page = page_text(signed_in_client(app).get(f"/plans/{plan_id}/runs/{run_id}/say-no"))
        assert "8 initiatives not funded · 8 explained" in page
    finally:
        app.extensions["planner_engine"].dispose()
