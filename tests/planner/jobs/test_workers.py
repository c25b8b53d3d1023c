"""The distributed queue for real: two `planner worker` processes on Redis (127.0.0.1:6379)
do the jobs the pages ask for, nicer than the pages; what they give is what the solver
gives in-process; a worker killed (SIGKILL) in the middle of a run or of an import leaves
its job failed and nothing half-saved. The database is the suite's (SQLite, or PostgreSQL when
TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text
from sqlmodel import func, select

import optimizer
from models import Job, PendingImport, Run, RunExplanation
from models.db import open_session
from models.planfile import import_plan
from optimizer.samples import generate_document
from planner.demo import load_demo
from tests.planner.data_io.test_imports import as_workbook, document_of, exported_tables, upload
from tests.webapp import make_app, signed_in_client

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")
STALE = 4.0  # seconds: a quiet heartbeat this long is a dead worker here


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_URL}; CI needs it")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return client


class Workers:
    """Worker processes of the queue, each a process group of its own."""

    def __init__(self, database_url: str, count: int, logs: Path) -> None:
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL,
               "SECRET_KEY": "the workers' test key", "PYTHONPATH": str(ROOT)}
        self.logs = [(logs / f"worker-{n}.log").open("wb") for n in range(count)]
        self.processes = [subprocess.Popen(
            [sys.executable, "-m", "planner.cli", "worker", "--processes", "1"], cwd=ROOT,
            env=env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT)
            for log in self.logs]

    def kill(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for log in self.logs:
            log.close()


def _queue(database_url: str, logs: Path, workers: int) -> Iterator[tuple]:
    """The app on the distributed queue (emptied), with the workers running."""
    redis_client = _redis_or_skip()
    redis_client.flushdb()
    redis_client.close()
    app = make_app(database_url, JOBS_IMMEDIATE=False, REDIS_URL=REDIS_URL,
                   JOBS_STALE_SECONDS=STALE)
    running = Workers(database_url, workers, logs)
    try:
        yield app, running
    finally:
        running.stop()
        app.extensions["planner_engine"].dispose()


@pytest.fixture
def queue(database_url, tmp_path) -> Iterator[tuple]:
    """Two workers, sharing the jobs."""
    yield from _queue(database_url, tmp_path, 2)


@pytest.fixture
def one_worker(database_url, tmp_path) -> Iterator[tuple]:
    """One worker: all it takes to be killed in the middle of a job (each process takes
    seconds to start)."""
    yield from _queue(database_url, tmp_path, 1)


def _wait(app, job_id: int, until, timeout: float = 90.0) -> Job:
    """The job once `until(job)` holds, read through its JSON as a page would (which
    fails a job whose worker went quiet)."""
    client = signed_in_client(app)
    engine = app.extensions["planner_engine"]
    deadline = time.monotonic() + timeout
    while True:
        with open_session(engine) as session:
            job = session.get(Job, job_id)
            plan_id = job.plan_id
        client.get(f"/plans/{plan_id}/jobs/{job_id}.json")
        with open_session(engine) as session:
            job = session.get(Job, job_id)
        if until(job):
            return job
        assert time.monotonic() < deadline, f"job {job_id}: {job.status}, {job.step}"
        time.sleep(0.05)


def _last_job(app) -> Job:
    with open_session(app.extensions["planner_engine"]) as session:
        return session.exec(select(Job).order_by(Job.id.desc())).first()


def _count(app, model, **where) -> int:
    with open_session(app.extensions["planner_engine"]) as session:
        statement = select(func.count()).select_from(model)
        for name, value in where.items():
            statement = statement.where(getattr(model, name) == value)
        return session.exec(statement).one()


def test_two_workers_leave_the_cores_to_the_pages_and_give_what_the_solver_gives(queue):
    app, workers = queue
    _leave_the_cores_to_the_pages(workers)
    plan_id = load_demo(app)
    client = signed_in_client(app)
    jobs = []
    for budget in ("450000", "300000", "200000", "600000"):
        response = client.post(f"/plans/{plan_id}/runs", data={"budget": budget})
        assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
        jobs.append(_last_job(app).id)
    done = [_wait(app, job_id, lambda job: job.status in ("done", "failed")) for job_id in jobs]
    assert [job.status for job in done] == ["done"] * 4, [job.message for job in done]
    with open_session(app.extensions["planner_engine"]) as session:
        for job in done:
            run = session.get(Run, job.result["run_id"])
            again = optimizer.solve(optimizer.plan_from_dict(run.inputs)).to_dict()
            assert {**run.result, "solver": None} == {**again, "solver": None}
            explained = session.exec(select(func.count()).where(
                RunExplanation.run_id == run.id)).one()
            assert explained == len(run.result["rejected"])  # explained in its job
    assert all(job.who == "Ada Admin" and job.worker for job in done)


def _leave_the_cores_to_the_pages(workers: Workers) -> None:
    """Each worker's processes run nicer than the pages, in a session of their own."""
    nicer = min(19, os.nice(0) + 10)  # JOBS_NICENESS's default, within the most there is
    for process in workers.processes:
        deadline = time.monotonic() + 30
        while os.getpriority(os.PRIO_PGRP, process.pid) != nicer:  # the group's least nice
            assert process.poll() is None and time.monotonic() < deadline, (
                os.getpriority(os.PRIO_PGRP, process.pid), nicer)
            time.sleep(0.1)
        # in a session of its own: so is the session's share of the cores (Linux)
        autogroup = Path(f"/proc/{process.pid}/autogroup")
        if autogroup.exists():
            assert autogroup.read_text().split()[-1] == "10"


def _tight_plan(app, initiatives: int) -> int:
    document = generate_document(initiatives, 80, seed=1)
    document["budget"] = round(0.05 * sum(
        sum(i["cost"].values()) if isinstance(i["cost"], dict) else i["cost"]
        for i in document["initiatives"]))
    document["plan"] = f"Tight {initiatives}"
    with open_session(app.extensions["planner_engine"], write=True) as session:
        plan_id = import_plan(session, document).id
        session.commit()
    return plan_id


def test_a_worker_killed_while_solving_leaves_the_job_failed_and_no_run(one_worker):
    app, workers = one_worker
    plan_id = _tight_plan(app, 2000)  # a solve of seconds: killed well before its end
    client = signed_in_client(app)
    client.post(f"/plans/{plan_id}/runs", data={})
    job = _wait(app, _last_job(app).id, lambda job: job.step == "Solving the plan")
    workers.kill()
    failed = _wait(app, job.id, lambda job: job.status != "running", timeout=STALE * 5)
    assert failed.status == "failed"
    assert "stopped while solving the plan" in failed.message
    assert _count(app, Run, plan_id=plan_id) == 0


def test_a_worker_killed_while_explaining_keeps_the_run_and_no_explanation(one_worker):
    app, workers = one_worker
    plan_id = _tight_plan(app, 100)  # about 95 rejections: seconds of explaining
    signed_in_client(app).post(f"/plans/{plan_id}/runs", data={})
    # from the word that the run is saved and its rejections are being explained
    job = _wait(app, _last_job(app).id, lambda job: "explaining" in job.step.lower())
    workers.kill()
    failed = _wait(app, job.id, lambda job: job.status != "running", timeout=STALE * 5)
    assert failed.status == "failed" and "The run was saved" in failed.message
    assert _count(app, Run, plan_id=plan_id) == 1
    assert _count(app, RunExplanation, run_id=failed.result["run_id"]) == 0


def test_a_worker_killed_in_an_imports_write_writes_nothing(one_worker):
    app, workers = one_worker
    engine = app.extensions["planner_engine"]
    postgres = engine.dialect.name == "postgresql"
    # On SQLite, a write long enough to be killed in (its workbook stays under what the
    # test client copies into a temporary file, 500 kB); on PostgreSQL a held row stops
    # the write under way, whatever its length.
    plan_id = _tight_plan(app, 100 if postgres else 1500)
    before = document_of(app, plan_id)
    tables = exported_tables(app, plan_id)
    sheet = tables["Initiatives"]
    sheet["name"] = [f"{name} (renamed)" for name in sheet["name"]]
    tables["Initiatives"] = pd.DataFrame(sheet)
    client = signed_in_client(app)
    preview = upload(client, plan_id, as_workbook(tables)).headers["Location"]
    holder = None
    if postgres:  # hold one row the import changes: its write stops there, under way
        holder = engine.connect()
        holder.execute(text("SET lock_timeout = 0"))
        holder.execute(text("SELECT id FROM initiative WHERE plan_id = :plan ORDER BY id DESC "
                            "LIMIT 1 FOR UPDATE"), {"plan": plan_id})
    try:
        client.post(preview)
        job = _wait(app, _last_job(app).id, lambda job: job.step == "Writing it")
        time.sleep(0.5 if postgres else 0.2)  # well into the write
        workers.kill()
    finally:
        if holder is not None:
            holder.rollback()
            holder.close()
    ended = _wait(app, job.id, lambda job: job.status != "running", timeout=STALE * 5)
    after = document_of(app, plan_id)
    if ended.status == "done":  # the write was over before the kill: all of it, and said
        assert [i["name"] for i in after["initiatives"]] == [
            f"{i['name']} (renamed)" for i in before["initiatives"]]
        assert not postgres, "the held row should have kept the write from ending"
    else:
        assert ended.status == "failed" and "Nothing of it was saved" in ended.message
        assert after == before
        assert _count(app, PendingImport, plan_id=plan_id) == 1  # the preview is kept
