"""What one process of the app works out once and keeps in the database for the others
(planner/kept.py's shared_text): a run's charts and return figures, worked out by its job,
and the words for what changed since a run. Each test makes this process forget what it
keeps of its own, so that what it is shown can only have come from the database. And what
a process keeps for itself: a saved run's report, rendered once."""

from __future__ import annotations

import json
import re
from dataclasses import asdict

import pytest
from flask import template_rendered
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from models import Plan
from models.db import KeptText
from planner import kept
from planner.runs import changes, returns
from tests.webapp import page_text, saved_run

NOTICE = "The plan has changed since this run"


def _never(*_args: object) -> str:
    raise AssertionError("worked out again, though another process had kept it")




def test_a_text_is_worked_out_once_and_then_read_by_every_process(app):
    with app.app_context():
        assert kept.shared_text("the words of one thing", lambda: "one") == "one"
        assert kept.shared_text("the words of one thing", _never) == "one"
        assert kept.shared_text("the words of another", lambda: "two") == "two"


def test_a_text_the_database_will_not_take_is_still_given(app, monkeypatch):
    def busy(*_args: object) -> None:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(kept, "keep_text", busy)
    worked = []
    with app.app_context():
        for _ in range(2):
            assert kept.shared_text("busy", lambda: worked.append(1) or "given") == "given"
    assert worked == [1, 1]  # not kept: the next one works it out again


def test_a_form_shown_again_does_not_wait_on_its_own_write_lock(app, monkeypatch):
    """A POST's session holds SQLite's write lock from its first statement: keeping a
    chart from another connection would wait for it until the busy timeout (10 s for a
    refused measurement), so such a text is given and kept by a later page instead."""
    from sqlalchemy import text

    from planner.database import get_session

    tried = []
    monkeypatch.setattr(kept, "keep_text", lambda *args: tried.append(args))
    for method, kept_by_it in (("POST", app.config["DATABASE_URL"].startswith("sqlite")),
                               ("GET", False)):
        tried.clear()
        with app.test_request_context("/", method=method):
            get_session().exec(text("SELECT 1"))  # the request's transaction has begun
            assert kept.shared_text(f"chart {method}", lambda: "drawn") == "drawn"
            assert bool(tried) is not kept_by_it


def test_only_the_newest_texts_are_kept(app, db, monkeypatch):
    monkeypatch.setattr("models.db.KEPT_TEXTS", 3)
    with app.app_context():
        for number in range(5):
            kept.shared_text(f"text {number}", lambda number=number: f"{number}")
    assert sorted(db.exec(select(KeptText.text)).all()) == ["2", "3", "4"]


def test_a_run_job_works_out_its_charts_and_returns_and_its_pages_only_read_them(
        client, db, demo_id, monkeypatch):
    kept.forget_all()
    location = client.post(f"/plans/{demo_id}/runs", data={}).headers["Location"]
    texts = db.exec(select(KeptText.text)).all()
    assert len(texts) == 3 and sum(text.startswith("<svg") for text in texts) == 2
    client.get(location)  # the page with its word that the run was saved
    shown = page_text(client.get(location))
    kept.forget_all()  # as another process, which has worked out nothing yet
    monkeypatch.setattr("planner.charts.inline", _never)
    monkeypatch.setattr(returns, "_work_out", _never)
    html = client.get(location).get_data(as_text=True)
    assert 'class="chart-svg chart-impact"' in html and 'class="chart-svg chart-cost"' in html
    assert page_text(client.get(location)) == shown and "ROI" in shown
    assert client.get(f"/plans/{demo_id}/portfolio").status_code == 200


def test_return_figures_read_back_are_the_figures_worked_out(db, run_id):
    run = saved_run(db, run_id)
    figures = returns._work_out(run)
    assert figures.portfolio is not None and figures.initiatives
    assert returns._read(json.dumps(asdict(figures))) == figures
    assert returns._read("null") is None


@pytest.mark.parametrize("page", ["/plans/{plan}/runs/{run}/say-no", "/plans/{plan}/portfolio"])
def test_the_words_for_what_changed_are_worked_out_once_for_every_process(
        client, db, demo_id, run_id, monkeypatch, page):
    plan = db.get(Plan, demo_id)
    plan.budget = 300_000
    db.commit()
    assert f"{NOTICE} (the budget)" in page_text(client.get(f"/plans/{demo_id}/runs/{run_id}"))
    kept_before = db.exec(select(func.count()).select_from(KeptText)).one()
    kept.forget_all()  # as another process, which has built no plan document
    monkeypatch.setattr(changes, "plan_document", _never)
    assert f"{NOTICE} (the budget)" in page_text(
        client.get(page.format(plan=demo_id, run=run_id)))
    db.rollback()
    assert db.exec(select(func.count()).select_from(KeptText)).one() == kept_before


def test_a_saved_runs_report_is_rendered_once_by_a_process_and_shown_by_each_page(
        app, client, demo_id, run_id):
    kept.REPORTS.clear()
    rendered = []

    def seen(_app, template, **_extra):
        rendered.append(template.name)

    template_rendered.connect(seen, app)
    try:
        first = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}"))
        again = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}"))
        portfolio = page_text(client.get(f"/plans/{demo_id}/portfolio"))
    finally:
        template_rendered.disconnect(seen, app)
    assert rendered.count("portfolio/_report.html") == 1
    assert rendered.count("portfolio/run.html") == 2
    report = first[first.index("Proven optimal"):]  # below the word that it was saved
    assert report == again[again.index("Proven optimal"):]
    assert report[:report.index("Download")] in portfolio


def test_a_kept_report_still_says_when_the_plan_changed_and_shows_a_changed_run(
        client, db, demo_id, run_id):
    page = f"/plans/{demo_id}/runs/{run_id}"
    shown = page_text(client.get(page))
    assert NOTICE not in shown and "Funded 7 of 15" in shown
    plan = db.get(Plan, demo_id)
    plan.budget = 300_000
    db.commit()
    assert f"{NOTICE} (the budget)" in page_text(client.get(page))  # the report is kept
    saved = saved_run(db, run_id)
    saved.result = {**saved.result, "funded": saved.result["funded"][1:]}
    db.commit()
    assert "Funded 6 of 14" in page_text(client.get(page))


def test_a_page_of_the_say_no_list_is_rendered_once_until_another_rejection_is_explained(
        app, client, demo_id, run_id):
    rendered = []

    def seen(_app, template, **_extra):
        rendered.append(template.name)

    page = f"/plans/{demo_id}/runs/{run_id}/say-no"
    client.get(f"/plans/{demo_id}/runs/{run_id}")  # its word that the run was saved, read
    template_rendered.connect(seen, app)
    try:
        first = page_text(client.get(page))
        assert page_text(client.get(page)) == first
        assert rendered.count("say_no/_list.html") == 1
        by_impact = page_text(client.get(f"{page}?sort=impact_lost"))
        assert rendered.count("say_no/_list.html") == 2 and by_impact != first
        explained = first.count("Impact lost")
        html = client.get(page).get_data(as_text=True)
        one = re.search(r'class="entry-name" href="([^"]+)"', html).group(1)
        assert client.get(one).status_code == 200  # explains it, and stores it
        assert page_text(client.get(page)).count("Impact lost") == explained + 1
        assert rendered.count("say_no/_list.html") == 3
    finally:
        template_rendered.disconnect(seen, app)
