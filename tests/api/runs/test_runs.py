"""Runs through the API: started as a job with the portfolio page's form (a retry with the
same Idempotency-Key starts nothing more), polled, listed page by page, and read with a
result that is the plan format's solve-result document, as `optimizer.solve` gives it."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

import optimizer
from models import Job, Run
from planner.runs.views import solve_options
from tests.api.conftest import call

KEY = {"Idempotency-Key": "start-1"}


def _count(db, model) -> int:
    db.rollback()
    return db.exec(select(func.count()).select_from(model)).one()


def test_a_run_starts_as_a_job_once_per_key(app, demo_id, tokens, db):
    client, token = app.test_client(), tokens["lead"]["write"]
    url = f"/api/v1/plans/{demo_id}/runs"
    started = call(client, "POST", url, token, json={"budget": "400000 EUR"}, headers=KEY)
    assert started.status_code == 202, started.get_json()
    job = started.get_json()
    assert started.headers["Location"] == f"/api/v1/plans/{demo_id}/jobs/{job['id']}"
    assert job["status"] == "done" and job["kind"] == "run" and job["percent"] == 100.0
    assert job["result_location"] == f"/api/v1/plans/{demo_id}/runs/{job['run_id']}"
    again = call(client, "POST", url, token, json={"budget": "400000 EUR"}, headers=KEY)
    assert again.status_code == 202 and again.get_json() == job
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == started.headers["Location"]
    assert (_count(db, Job), _count(db, Run)) == (1, 1)
    other = call(client, "POST", url, token, json={"budget": 500000}, headers=KEY)
    assert other.status_code == 422
    assert [error["field"] for error in other.get_json()["errors"]] == ["Idempotency-Key"]
    assert (_count(db, Job), _count(db, Run)) == (1, 1)
    polled = call(client, "GET", started.headers["Location"], tokens["viewer"]["read"])
    assert polled.status_code == 200 and polled.get_json()["run_id"] == job["run_id"]
    assert polled.get_json()["status"] == "done"
    run = db.get(Run, job["run_id"])
    assert (run.budget, run.kind, run.label) == (400000.0, "draft", "")


def test_a_run_reads_as_the_plan_formats_solve_result(app, run_id, tokens, db):
    answer = call(app.test_client(), "GET", f"/api/v1/plans/{db.get(Run, run_id).plan_id}"
                  f"/runs/{run_id}", tokens["viewer"]["read"])
    assert answer.status_code == 200
    item, saved = answer.get_json(), db.get(Run, run_id)
    assert (item["number"], item["kind"], item["what"], item["is_decision"]) == (
        1, "draft", "Draft", False)
    assert item["result"] == saved.result  # exactly the stored document
    with app.app_context():
        options = solve_options()
    solved = optimizer.solve(optimizer.plan_from_dict(saved.inputs), options).to_dict()
    timings = ("seconds", "build_seconds")
    for document in (item["result"], solved):
        for name in timings:
            document["solver"].pop(name)
    assert item["result"] == solved
    assert item["changed_since"] == []


def test_runs_are_listed_page_by_page(app, run_id, tokens, db):
    plan_id, client = db.get(Run, run_id).plan_id, app.test_client()
    finance = call(client, "POST", f"/api/v1/plans/{plan_id}/runs", tokens["finance"]["write"],
                   json={"max_focus": "2"})
    assert finance.status_code == 202
    first = call(client, "GET", f"/api/v1/plans/{plan_id}/runs?limit=1",
                 tokens["viewer"]["read"]).get_json()
    assert [run["id"] for run in first["items"]] == [run_id] and first["next_cursor"]
    second = call(client, "GET", f"/api/v1/plans/{plan_id}/runs?limit=1&cursor="
                  f"{first['next_cursor']}", tokens["viewer"]["read"]).get_json()
    [what_if] = second["items"]
    assert second["next_cursor"] is None and what_if["id"] == finance.get_json()["run_id"]
    assert (what_if["kind"], what_if["label"], what_if["max_focus"]) == (
        "what-if", "Finance's what-if", 2)
    assert what_if["what"] == "What-if: Finance's what-if"


@pytest.mark.parametrize(("body", "field"), [
    ({"budget": "lots"}, "budget"),
    ({"max_focus": 50}, "max_focus"),
    ({"what_if": "scenario-99"}, "what_if"),
    ({"what_if": "somewhere"}, "what_if"),
], ids=["budget-not-a-number", "too-many-focus-moments", "no-such-scenario", "unknown-source"])
def test_a_refused_field_is_named_and_starts_nothing(app, demo_id, tokens, db, body, field):
    answer = call(app.test_client(), "POST", f"/api/v1/plans/{demo_id}/runs",
                  tokens["lead"]["write"], json=body)
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert {error["field"] for error in answer.get_json()["errors"]} == {field}
    assert _count(db, Job) == 0


@pytest.mark.parametrize(("role", "scope", "method", "status"), [
    ("viewer", "write", "POST", 403), ("lead", "read", "POST", 403),
    ("team", "write", "POST", 403), ("team", "read", "GET", 403),
    ("outsider", "read", "GET", 404), ("outsider", "write", "POST", 404),
    ("admin", "write", "POST", 202),
], ids=lambda value: str(value))
def test_who_may_start_and_list_runs(app, demo_id, tokens, role, scope, method, status):
    answer = call(app.test_client(), method, f"/api/v1/plans/{demo_id}/runs",
                  tokens[role][scope], **({"json": {}} if method == "POST" else {}))
    assert answer.status_code == status, answer.get_json()


def test_an_unknown_run_or_job_is_not_found(app, run_id, tokens, db):
    plan_id, client = db.get(Run, run_id).plan_id, app.test_client()
    for url in (f"/runs/{run_id + 1}", "/jobs/999", f"/runs/{run_id + 1}/say-no"):
        answer = call(client, "GET", f"/api/v1/plans/{plan_id}{url}", tokens["lead"]["read"])
        assert answer.status_code == 404 and answer.get_json()["status"] == 404, url
