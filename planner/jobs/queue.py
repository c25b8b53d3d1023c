"""The job queue: long work is a Job row (what, who, how far, how it ended) and a message on
Huey's queue that a worker takes.

Huey, because it is a small, well-kept queue with an embedded mode that needs no other
service on one machine (its SQLite storage, a file in the instance folder) and a
distributed mode whose workers run on other machines (Redis, when REDIS_URL is set), with
the same code. RQ and Celery need a broker even on one machine.

Huey does not know what became of a task whose worker died; the Job row does: a running
job's worker touches its heartbeat every few seconds, and a job whose heartbeat has been
quiet for JOBS_STALE_SECONDS is failed (`settle`: by its page, and within seconds by the
reaper of every worker, reaper.py), never left running. Each kind of work writes its
result in one transaction at its end, so a worker stopped mid-way leaves nothing
half-saved; a worker's processes die with it (processes.py).

The queue knows no feature: each declares the kinds of work its jobs do (`job_kind`) in its
own jobs.py, which the app imports with the feature when it is made, so a worker, which makes
the app before it takes a job, knows every kind.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from flask_login import current_user
from sqlalchemy import update
from sqlmodel import Session, select

from models import Job
from models.base import as_utc, utcnow
from models.db import open_session
from planner.history.capture import acting_as
from planner.jobs.processes import main_gone

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
ENDED = (DONE, FAILED, CANCELLED)
HEARTBEAT_SECONDS = 2.0
REPORT_EVERY = 0.5  # seconds between two progress reports of a step counted as it goes


class Cancelled(Exception):  # noqa: N818 (an outcome, not a fault)
    """The person who asked for the job cancelled it: stop, saving nothing more."""


class Refused(Exception):  # noqa: N818 (an outcome, not a fault)
    """The work cannot be done as asked (the plan breaks a rule, it changed since): the
    words say why, and the job fails with them."""


# What a job of a kind does: given the app, the job and its progress, it does the work and
# returns what it made (kept in the job's row).
Work = Callable[[Flask, Job, "Progress"], dict[str, Any]]
KINDS: dict[str, Work] = {}  # by kind, as the features declare them


def job_kind(kind: str) -> Callable[[Work], Work]:
    """Declare the decorated function as the work of every job of this kind."""
    def declare(work: Work) -> Work:
        known = KINDS.setdefault(kind, work)
        if known is not work:
            raise ValueError(f"Two kinds of job are named {kind!r}: {known.__module__}."
                             f"{known.__qualname__} and {work.__module__}.{work.__qualname__}")
        return work

    return declare


def init_queue(app: Flask) -> None:
    """The app's queue: in-process at once when JOBS_IMMEDIATE (the tests), Redis when
    REDIS_URL is set, else Huey's SQLite file in the instance folder."""
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    config = app.config
    if config["JOBS_IMMEDIATE"]:
        huey = MemoryHuey("planner", immediate=True, results=False)
    elif config.get("REDIS_URL"):
        huey = RedisHuey("planner", url=config["REDIS_URL"], results=False)
    else:
        huey = SqliteHuey("planner", filename=str(Path(app.instance_path) / "jobs.sqlite"),
                          results=False)

    @huey.task(name="planner.job")
    def do_job(job_id: int) -> None:
        with app.app_context():
            run_job(app, job_id)

    app.extensions["planner_queue"] = huey
    app.extensions["planner_job_task"] = do_job


def start(session: Session, plan_id: int, kind: str, params: dict[str, Any]) -> Job:
    """A job of this kind for the plan, asked for by the signed-in person: saved and put on
    the queue; with an immediate queue it is done on return. The session is committed
    first: the job's worker writes in sessions of its own."""
    job = Job(plan_id=plan_id, kind=kind, params=params, user_id=current_user.user.id,
              who=current_user.name)
    session.add(job)
    session.commit()
    current_app.extensions["planner_job_task"](job.id)
    session.refresh(job)
    return job


def run_job(app: Flask, job_id: int) -> None:
    """Do one job as a worker: claim it (a job cancelled or taken already is left), do its
    kind of work with its progress kept, and record how it ended."""
    engine = app.extensions["planner_engine"]
    now = utcnow()
    with open_session(engine, write=True) as session:
        claimed = session.execute(update(Job).where(Job.id == job_id, Job.status == QUEUED)
                                  .values(status=RUNNING, started_at=now, heartbeat_at=now,
                                          worker=f"{socket.gethostname()}:{os.getpid()}"))
        session.commit()
        if claimed.rowcount != 1:
            return
        job = session.get(Job, job_id)
    work = KINDS.get(job.kind)
    if work is None:  # asked for by pages of another version of the planner than this one
        app.logger.error("job %s: no kind of work is named %r", job_id, job.kind)
        _end(engine, job_id, FAILED, f"This worker does not know jobs of the kind "
                                     f"\"{job.kind}\", so it did nothing: are the workers "
                                     "the same version of the planner as the pages?")
        return
    progress = Progress(engine, job_id)
    try:
        with acting_as(job.user_id, job.who):  # the decision record names who asked
            result = work(app, job, progress)
        _end(engine, job_id, DONE, "", result)
    except Cancelled as stopped:
        _end(engine, job_id, CANCELLED, str(stopped) or "Cancelled; nothing more was saved.")
    except Refused as refused:
        _end(engine, job_id, FAILED, str(refused))
    except Exception as error:  # any fault of the work: the job says so, never "running"
        app.logger.exception("job %s (%s) failed", job_id, job.kind)
        _end(engine, job_id, FAILED, f"It stopped with an error: {error}. Nothing of this "
                                     "step was saved.")
    except KeyboardInterrupt:  # its worker is stopped now (its main process died)
        with open_session(engine) as session:
            words = stopped_words(session.get(Job, job_id))
        _end(engine, job_id, FAILED, words)
        raise
    finally:
        progress.stop()


class Progress:
    """A running job's progress in its row, and its heartbeat, touched every few seconds by
    a thread of its own (the solver lets it run) while the work goes on."""

    def __init__(self, engine: Any, job_id: int) -> None:
        self.engine, self.job_id = engine, job_id
        self.result: dict[str, Any] = {}
        self._stopped = threading.Event()
        self._beat = threading.Thread(target=self._heartbeat, daemon=True)
        self._beat.start()

    def report(self, step: str, percent: float, **result: Any) -> None:
        """Say what the job is doing and how far it is (0 to 100), with what it has made so
        far; Cancelled when its person has asked it to stop."""
        self.result.update(result)
        with open_session(self.engine, write=True) as session:
            session.execute(update(Job).where(Job.id == self.job_id).values(
                step=step, percent=max(0.0, min(100.0, percent)), heartbeat_at=utcnow(),
                result=dict(self.result)))
            session.commit()
        self.check()

    def record_in(self, session: Session, **result: Any) -> None:
        """Keep what the job has made in the session that writes it, so that the two are
        saved together or not at all."""
        self.result.update(result)
        session.execute(update(Job).where(Job.id == self.job_id).values(
            result=dict(self.result), heartbeat_at=utcnow()))

    def finish_in(self, session: Session, **result: Any) -> None:
        """Mark the job done in the session that writes its result: both, or neither."""
        self.result.update(result)
        session.execute(update(Job).where(Job.id == self.job_id, Job.status == RUNNING)
                        .values(status=DONE, percent=100.0, step="Done", message="",
                                finished_at=utcnow(), result=dict(self.result)))

    def check(self) -> None:
        """Cancelled when its person has asked the job to stop; KeyboardInterrupt when
        the worker's main process has died (its SIGTERM, raised in a garbage collector's
        callback, may have been swallowed there: Python ignores exceptions raised in
        them)."""
        if main_gone():
            raise KeyboardInterrupt
        with open_session(self.engine) as session:
            if session.exec(select(Job.cancel_asked).where(Job.id == self.job_id)).one():
                raise Cancelled()

    def stop(self) -> None:
        self._stopped.set()
        self._beat.join(timeout=HEARTBEAT_SECONDS * 2)

    def _heartbeat(self) -> None:
        while not self._stopped.wait(HEARTBEAT_SECONDS):
            if main_gone():  # the worker's main process died: end this one, see below
                self._leave()
                continue
            with open_session(self.engine, write=True) as session:
                session.execute(update(Job).where(Job.id == self.job_id, Job.status == RUNNING)
                                .values(heartbeat_at=utcnow()))
                session.commit()


    def _leave(self) -> None:
        """End this process of a worker whose main process died, at once, the heartbeat
        quiet: its job has had a heartbeat's time to stop on SIGTERM (processes.py), and
        has not (the solver, in C, holds the thread that would). Ended without a word to
        the database (the work's own transaction, open or not, is never half-written);
        the job is failed by the reaper of a worker, or by its page."""
        if not self._stopped.wait(HEARTBEAT_SECONDS):
            os._exit(1)


def every(seconds: float, report: Callable[[int, int], None]) -> Callable[[int, int], None]:
    """`report(done, of)`, at most once every `seconds` and at the end: a step that counts
    thousands of items as it goes reports its progress without a write for each."""
    last = [0.0]

    def told(done: int, of: int) -> None:
        if time.monotonic() - last[0] >= seconds or done == of:
            last[0] = time.monotonic()
            report(done, of)

    return told


def _end(engine: Any, job_id: int, status: str, message: str,
         result: dict[str, Any] | None = None) -> None:
    values: dict[str, Any] = {"status": status, "message": message, "finished_at": utcnow()}
    if status == DONE:
        values.update(percent=100.0, step="Done")
    if result is not None:
        values["result"] = result
    with open_session(engine, write=True) as session:
        session.execute(update(Job).where(Job.id == job_id, Job.status == RUNNING)
                        .values(**values))
        session.commit()


def settle(session: Session, job: Job, stale_seconds: float) -> Job:
    """The job as it stands: a running one whose heartbeat has been quiet for longer than
    `stale_seconds` lost its worker, and is failed now (the session is committed)."""
    if job.status != RUNNING or job.heartbeat_at is None:
        return job
    if utcnow() - as_utc(job.heartbeat_at) <= timedelta(seconds=stale_seconds):
        return job
    session.execute(update(Job).where(Job.id == job.id, Job.status == RUNNING,
                                      Job.heartbeat_at == job.heartbeat_at).values(
        status=FAILED, finished_at=utcnow(),
        message=stopped_words(job)))
    session.commit()
    session.refresh(job)
    return job


def stopped_words(job: Job) -> str:
    """What a job whose worker stopped leaves, in words."""
    where = f"The worker doing it stopped while {(job.step or 'starting').lower()}."
    if job.kind == "run" and job.result.get("run_id"):
        return (f"{where} The run was saved; its explanations were not: Explain all, on its "
                "say-no page, makes them.")
    return f"{where} Nothing of it was saved: start it again."


def recent_jobs(session: Session, plan_id: int, limit: int = 5) -> list[Job]:
    """The plan's latest jobs, newest first; the parts a robust job splits its samples
    into are its own business, not the plan's (planner/uncertainty/jobs.py)."""
    return list(session.exec(select(Job).where(Job.plan_id == plan_id,
                                               Job.kind != "robust-part")
                             .order_by(Job.id.desc()).limit(limit)).all())


def cancel(session: Session, job: Job) -> Job:
    """Ask the job to stop: a queued one ends now, a running one at its next step."""
    if job.status == QUEUED:
        session.execute(update(Job).where(Job.id == job.id, Job.status == QUEUED).values(
            status=CANCELLED, finished_at=utcnow(), cancel_asked=True,
            message="Cancelled before it started; nothing was done."))
    elif job.status == RUNNING:
        session.execute(update(Job).where(Job.id == job.id).values(cancel_asked=True))
    session.commit()
    session.refresh(job)
    return job
