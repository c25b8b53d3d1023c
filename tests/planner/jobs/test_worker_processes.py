"""Each process of a `planner worker` killed in turn (SIGKILL), on the default queue (the
instance folder's SQLite file) and on Redis: its main process, and its children end within
seconds, none takes a job afterwards (one that could not end is stopped by the next worker
to start), and the jobs after a restart run on exactly the processes asked for; the child
running a job, and the job is failed by its worker's reaper, no page opened, nothing of it
saved. The worker runs with JOBS_STALE_SECONDS at 6 (its reaper every 2 s) from its
instance folder's config.py. And the worker `planner serve` starts, when serve is killed."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis as redis_client
from sqlmodel import select

from models import Job, Run
from models.db import open_session
from planner import create_app
from planner.demo import load_demo
from planner.jobs.processes import started
from tests.planner.jobs.test_workers import REDIS_URL, _count, _redis_or_skip, _tight_plan
from tests.webapp import TEST_CONFIG, add_admin, signed_in_client

ROOT = Path(__file__).resolve().parents[3]
# A database of Redis of its own: workers of other tests running at once on the queue of
# test_workers.py would take these jobs (and these workers theirs).
OWN_REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + "/11"
STALE = 6.0  # seconds of a quiet heartbeat (beating every 2 s) that mean a dead worker


def children(pid: int) -> list[int]:
    """The living processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == str(pid) and fields[0] not in ("Z", "X"):
                found.append(int(entry.name))
    return found


def until(holds: Callable[[], object], seconds: float, what: str) -> object:
    """What `holds()` gives once it is true, polled; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while not (value := holds()):
        assert time.monotonic() < deadline, what
        time.sleep(0.05)
    return value


class Workers:
    """`planner worker` processes started on one instance folder, each in a session of its
    own (so that its group holds its children, even once they are orphans)."""

    def __init__(self, database_url: str, instance: Path, redis: bool, name: str) -> None:
        self.env = {**os.environ, "DATABASE_URL": database_url, "PLANNER_INSTANCE": str(instance),
                    "SECRET_KEY": "the workers' test key", "PYTHONPATH": str(ROOT)}
        self.env.pop("REDIS_URL", None)
        if redis:
            self.env["REDIS_URL"] = OWN_REDIS_URL
        self.instance, self.name, self.started, self.logs = instance, name, [], []

    def start(self, processes: int) -> tuple[int, list[int]]:
        """A worker of `processes` processes, once they run: its main pid and its children
        (its processes and Huey's scheduler)."""
        log = (self.instance / f"{self.name}-{len(self.started)}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "planner.cli", "worker", "--processes", str(processes)],
            cwd=ROOT, env=self.env, start_new_session=True, stdout=log, stderr=subprocess.STDOUT)
        self.started.append(process)
        self.logs.append(log)
        forked = until(lambda: len(children(process.pid)) == processes + 1 and
                       children(process.pid), 60, f"worker started: {self.log()}")
        return process.pid, forked

    def log(self) -> str:
        return "\n".join(path.read_text()[-3000:] for path in self.instance.glob("*.log"))

    def stop(self) -> None:
        for process in self.started:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # children too, orphans or not
            process.wait(timeout=10)
        for log in self.logs:
            log.close()


@pytest.fixture(params=["default queue", "redis"])
def workers(request, database_url, tmp_path) -> Iterator[tuple]:
    """The app on a queue (emptied), the workers to start on it, and those to start on the
    other queue (on the same instance folder, taking none of these jobs)."""
    redis = request.param == "redis"
    _redis_or_skip().close()
    client = redis_client.Redis.from_url(OWN_REDIS_URL)
    client.flushdb()
    client.close()
    instance = tmp_path / "instance"
    instance.mkdir()
    # as nice as the tests: a worker left a tenth of a busy machine's cores beats late
    (instance / "config.py").write_text(f"JOBS_STALE_SECONDS = {STALE}\nJOBS_NICENESS = 0\n")
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "JOBS_IMMEDIATE": False,
                      "REDIS_URL": OWN_REDIS_URL if redis else None, "JOBS_STALE_SECONDS": STALE},
                     instance_path=str(instance))
    add_admin(app)
    running = Workers(database_url, instance, redis, "worker")
    elsewhere = Workers(database_url, instance, not redis, "bystander")
    try:
        yield app, running, elsewhere
    finally:
        running.stop()
        elsewhere.stop()
        app.extensions["planner_engine"].dispose()


def _job(app, job_id: int) -> Job:
    """The job as the database holds it (no page opened: nothing settles it but workers)."""
    with open_session(app.extensions["planner_engine"]) as session:
        return session.get(Job, job_id)


def _ask_for_runs(app, plan_id: int, count: int = 1) -> list[int]:
    client = signed_in_client(app)
    for _ in range(count):
        assert client.post(f"/plans/{plan_id}/runs", data={}).status_code == 302
    with open_session(app.extensions["planner_engine"]) as session:
        return sorted(session.exec(select(Job.id).order_by(Job.id.desc()).limit(count)).all())


def _solving(app, plan_id: int) -> Job:
    """A run of a plan whose solve takes seconds, once it is solving."""
    job_id, = _ask_for_runs(app, plan_id)
    return until(lambda: (job := _job(app, job_id)).step == "Solving the plan" and job,
                 60, f"job {job_id} solving: {_job(app, job_id)}")


def _pid(job: Job) -> int:
    return int(job.worker.rsplit(":", 1)[1])


def _ended(app, job_id: int, seconds: float) -> Job:
    return until(lambda: (job := _job(app, job_id)).status != "running" and job, seconds,
                 f"job {job_id} still running")


def test_a_killed_main_process_takes_its_children_with_it(workers):
    app, started_workers, elsewhere = workers
    plan_id = _tight_plan(app, 1000)  # a solve of seconds: killed well before its end
    _, bystanders = elsewhere.start(1)  # a living worker: the next to start leaves it be
    main, forked = started_workers.start(2)
    job = _solving(app, plan_id)
    assert _pid(job) in forked
    # one child cannot act on its parent's death (stopped): it is left for the next worker
    held = next(pid for pid in forked if pid != _pid(job))
    os.kill(held, signal.SIGSTOP)
    os.kill(main, signal.SIGKILL)
    others = [pid for pid in forked if pid != held]  # the one solving, and the idle one
    until(lambda: not any(started(pid) for pid in others), 10,
          f"children still alive: {[pid for pid in others if started(pid)]}")
    assert started(held), "a stopped child acts on nothing"

    again, forked_again = started_workers.start(2)
    until(lambda: not started(held), 10, "the next worker stops what the dead one left")
    ended = _ended(app, job.id, STALE * 4)  # ended by its process, or by the new reaper
    assert ended.status == "failed" and "stopped while solving the plan" in ended.message
    assert _count(app, Run, plan_id=plan_id) == 0
    # the new worker's processes, and only they, take the next jobs: two at once at most
    demo = load_demo(app)
    jobs = _ask_for_runs(app, demo, 4)
    done = [until(lambda job_id=job_id: (job := _job(app, job_id)).status in ("done", "failed")
                  and job, 60, f"job {job_id}") for job_id in jobs]
    assert [job.status for job in done] == ["done"] * 4, [job.message for job in done]
    assert {job.worker for job in done} <= {f"{socket.gethostname()}:{pid}"
                                             for pid in forked_again}
    spans = [(job.started_at, job.finished_at) for job in done]
    assert max(sum(start <= moment < end for start, end in spans)
               for moment, _ in spans) <= 2
    assert children(again) and not set(forked) & set(children(again))
    assert all(started(pid) for pid in bystanders)


def test_a_killed_child_leaves_its_job_failed_by_the_reaper_unlooked(workers):
    app, started_workers, _ = workers
    plan_id = _tight_plan(app, 1000)
    main, forked = started_workers.start(2)
    job = _solving(app, plan_id)
    killed_at = time.monotonic()
    os.kill(_pid(job), signal.SIGKILL)
    ended = _ended(app, job.id, 60)
    assert time.monotonic() - killed_at < STALE * 3  # a beat, the quiet, a reaper's round
    assert ended.status == "failed" and "stopped while solving the plan" in ended.message
    assert _count(app, Run, plan_id=plan_id) == 0
    # Huey's health check starts a process in the dead one's place: the worker goes on
    demo = load_demo(app)
    job_id, = _ask_for_runs(app, demo)
    done = until(lambda: (job := _job(app, job_id)).status in ("done", "failed") and job,
                 60, f"job {job_id}")
    assert done.status == "done", done.message
    assert started(main)



def test_the_worker_that_serve_starts_stops_when_serve_is_killed(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(PLANNER_INSTANCE=str(tmp_path / "instance"), PYTHONPATH=str(ROOT),
               DATABASE_URL=f"sqlite:///{tmp_path / 'planner.sqlite'}",
               SECRET_KEY="the serve test's own key")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "planner.cli", "serve", "--workers", "1",
                               "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    worker = None
    try:
        worker = until(lambda: next((pid for pid in children(server.pid) if b"worker" in
                                     Path(f"/proc/{pid}/cmdline").read_bytes()), None),
                       60, "serve starts its worker")
        forked = until(lambda: len(children(worker)) >= 2 and children(worker), 60,
                       f"its worker's processes: {(tmp_path / 'serve.log').read_text()}")
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        until(lambda: not any(started(pid) for pid in [worker, *forked]), 10,
              "the worker and its processes stop with the server")
    finally:
        for group in (server.pid, worker):
            if group is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGKILL)
        server.wait(timeout=10)
        log.close()
