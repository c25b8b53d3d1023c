"""Jobs as the pages see them: a run, "Explain all" and an import are jobs whose progress a
small JSON document gives; a job can be cancelled; a job whose worker stopped is failed,
never left running; the health check and the request log."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import select

from models import Job, Run
from models.base import utcnow
from tests.webapp import nobodys_password_hash, page_text, saved_run, signed_in_client


def _job(db, kind: str) -> Job:
    db.rollback()
    return db.exec(select(Job).where(Job.kind == kind).order_by(Job.id.desc())).first()


def test_a_run_is_a_job_whose_progress_says_what_it_made(app, client, db, demo_id):
    response = client.post(f"/plans/{demo_id}/runs", data={})
    job = _job(db, "run")
    run_id = job.result["run_id"]
    assert response.headers["Location"].endswith(f"/plans/{demo_id}/runs/{run_id}")
    facts = client.get(f"/plans/{demo_id}/jobs/{job.id}.json").get_json()
    assert (facts["status"], facts["percent"]) == ("done", 100.0)
    assert facts["step"] == "Run saved, with the reasons for everything it did not fund."
    assert facts["result_url"].endswith(f"/runs/{run_id}") and facts["seconds"] >= 0
    page = page_text(client.get(f"/plans/{demo_id}/jobs/{job.id}"))
    assert "Running the optimiser" in page and "Asked by Ada Admin" in page
    assert "Recent work" in page_text(client.get(f"/plans/{demo_id}/portfolio"))
    assert saved_run(db, run_id).status == "optimal"


def test_a_job_that_fails_says_why_and_saves_nothing(app, client, db, demo_id, monkeypatch):
    import planner.runs.jobs

    def broken(*_args, **_kwargs):
        raise RuntimeError("the solver fell over")

    monkeypatch.setattr(planner.runs.jobs, "solve_document", broken)
    before = len(db.exec(select(Run)).all())
    response = client.post(f"/plans/{demo_id}/runs", data={}, follow_redirects=True)
    assert "It stopped with an error: the solver fell over" in page_text(response)
    job = _job(db, "run")
    assert job.status == "failed" and job.finished_at is not None
    assert len(db.exec(select(Run)).all()) == before


def test_a_job_whose_heartbeat_went_quiet_is_failed_not_left_running(app, client, db,
                                                                       demo_id):
    app.config["JOBS_STALE_SECONDS"] = 5
    quiet = utcnow() - timedelta(seconds=6)
    job = Job(plan_id=demo_id, kind="run", status="running", step="Solving the plan",
              started_at=quiet, heartbeat_at=quiet, who="Ada Admin")
    alive = Job(plan_id=demo_id, kind="run", status="running", step="Solving the plan",
                started_at=quiet, heartbeat_at=utcnow(), who="Ada Admin")
    db.add_all([job, alive])
    db.commit()
    facts = client.get(f"/plans/{demo_id}/jobs/{job.id}.json").get_json()
    assert facts["status"] == "failed"
    assert "The worker doing it stopped while solving the plan" in facts["message"]
    assert client.get(f"/plans/{demo_id}/jobs/{alive.id}.json").get_json()["status"] \
        == "running"


def test_cancelling_a_queued_job_ends_it_and_a_running_one_is_asked_to_stop(
        app, client, db, demo_id):
    queued = Job(plan_id=demo_id, kind="run", who="Ada Admin")
    running = Job(plan_id=demo_id, kind="run", status="running", started_at=utcnow(),
                  heartbeat_at=utcnow(), who="Ada Admin")
    db.add_all([queued, running])
    db.commit()
    for job in (queued, running):
        assert client.post(f"/plans/{demo_id}/jobs/{job.id}/cancel").status_code == 302
    db.expire_all()
    assert db.get(Job, queued.id).status == "cancelled"
    assert (db.get(Job, running.id).status, db.get(Job, running.id).cancel_asked) == (
        "running", True)


def test_a_cancelled_run_stops_at_its_next_step_saving_nothing(app, client, db, demo_id,
                                                               monkeypatch):
    import planner.runs.jobs

    solve = planner.runs.jobs.solve_document

    def solve_then_cancelled(*args, **kwargs):
        answer = solve(*args, **kwargs)
        db.rollback()
        running = db.exec(select(Job).where(Job.status == "running")).one()
        running.cancel_asked = True  # as the cancel button does meanwhile
        db.commit()
        return answer

    monkeypatch.setattr(planner.runs.jobs, "solve_document", solve_then_cancelled)
    before = len(db.exec(select(Run)).all())
    client.post(f"/plans/{demo_id}/runs", data={})
    job = _job(db, "run")
    assert job.status == "cancelled" and len(db.exec(select(Run)).all()) == before


def test_a_viewer_reads_a_job_but_cannot_cancel_it(app, client, db, demo_id):
    from models import Membership, User

    viewer = User(email="vic@example.com", name="Vic", password_hash=nobodys_password_hash())
    db.add(viewer)
    db.flush()
    db.add(Membership(user_id=viewer.id, plan_id=demo_id, role="viewer"))
    job = Job(plan_id=demo_id, kind="run", who="Ada Admin")
    db.add(job)
    db.commit()
    vic = signed_in_client(app, "vic@example.com")
    assert vic.get(f"/plans/{demo_id}/jobs/{job.id}.json").status_code == 200
    assert vic.post(f"/plans/{demo_id}/jobs/{job.id}/cancel").status_code == 403


def test_the_health_check_and_the_request_log(app, client, caplog):
    caplog.set_level(logging.INFO, logger="planner.requests")
    anonymous = app.test_client()
    response = anonymous.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "queue": "MemoryHuey"}
    client.get("/")
    lines = [record.getMessage() for record in caplog.records
             if record.name == "planner.requests"]
    assert any(line.startswith("GET /healthz 200 ") and line.endswith(" ms") for line in lines)
    assert any(line.startswith("GET / 200 ") for line in lines)


def test_the_frontier_is_traced_once_for_the_plan_as_it_is_and_again_when_it_changes(
        app, client, db, demo_id):
    from models import Moment

    def frontier_jobs() -> list[Job]:
        db.rollback()
        return list(db.exec(select(Job).where(Job.kind == "frontier")).all())

    first = page_text(client.get(f"/plans/{demo_id}/frontier"))
    assert "points" in first and page_text(client.get(f"/plans/{demo_id}/frontier")) == first
    assert [job.status for job in frontier_jobs()] == ["done"]
    moment = db.exec(select(Moment).where(Moment.plan_id == demo_id)).first()
    moment.weight += 1
    db.commit()
    client.get(f"/plans/{demo_id}/frontier")
    assert [job.status for job in frontier_jobs()] == ["done", "done"]
    client.get(f"/plans/{demo_id}/frontier?points=5")  # another count: another job
    assert len(frontier_jobs()) == 3


def test_every_kind_of_job_the_pages_start_is_declared_once_the_app_is_made(app):
    from planner.jobs.queue import KINDS
    from planner.jobs.views import WHAT

    assert sorted(KINDS) == sorted(WHAT)


def test_a_job_of_a_kind_no_feature_declares_fails_saying_so(app, db, demo_id):
    from planner.jobs.queue import run_job

    job = Job(plan_id=demo_id, kind="forecast", who="Ada Admin")
    db.add(job)
    db.commit()
    run_job(app, job.id)
    db.expire_all()
    failed = db.get(Job, job.id)
    assert (failed.status, failed.finished_at is not None) == ("failed", True)
    assert failed.message == ('This worker does not know jobs of the kind "forecast", so it '
                              'did nothing: are the workers the same version of the planner '
                              'as the pages?')
