"""The reaper: every worker's main process fails, every few seconds, the running jobs whose
heartbeat has gone quiet, so that a job whose process died is told as failed within a
minute whether anyone opens its page or not (the page settles it too, at once).

A job whose worker died is failed, not queued again: its words say what was kept (a run
saved before its explanations stays, with Explain all to make them; anything else saved
nothing), and the person who asked decides whether to start it again. The work that killed
one worker (a plan too large for its memory, a solve past its limits) would likely kill
the next, and a job started again behind their back would run twice the work they see.

Many reapers (one per worker, on every machine) agree: each failure is one guarded UPDATE
(`settle`: still running, heartbeat unchanged), so the first reaper to see a quiet job
fails it and the others find nothing to do.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from sqlmodel import select

from models import Job
from models.base import as_utc, utcnow
from models.db import open_session
from planner.jobs.queue import RUNNING, settle

logger = logging.getLogger(__name__)

LONGEST_INTERVAL = 15.0  # seconds: with the default 30 s of quiet, failed within 45 s


def interval(stale_seconds: float) -> float:
    """Seconds between two rounds: a third of the quiet that means a dead worker (so a
    job is failed at most a third later than it could be), within 0.5 to 15 s."""
    return max(0.5, min(LONGEST_INTERVAL, stale_seconds / 3))


def reap(engine: Any, stale_seconds: float) -> list[int]:
    """Fail every running job whose heartbeat has been quiet for longer than
    `stale_seconds`; the ids failed. Reads first, and writes only when one is quiet."""
    with open_session(engine) as session:
        running = session.exec(select(Job).where(Job.status == RUNNING)).all()
        quiet = [job.id for job in running if settle_due(job, stale_seconds)]
    failed = []
    for job_id in quiet:
        with open_session(engine, write=True) as session:
            job = session.get(Job, job_id)
            if job is not None and settle(session, job, stale_seconds).status != RUNNING:
                failed.append(job_id)
    return failed


def settle_due(job: Job, stale_seconds: float) -> bool:
    """The job's heartbeat has been quiet for longer than `stale_seconds`."""
    return job.heartbeat_at is not None and (
        utcnow() - as_utc(job.heartbeat_at) > timedelta(seconds=stale_seconds))


class Reaper:
    """`reap` at most once every `interval(stale)` seconds, as often as it is asked:
    called from the loop of the worker's main process (never a thread of its own: the
    main process forks the workers, and a fork copies a thread's locks held mid-query)."""

    def __init__(self, engine: Any, stale_seconds: float) -> None:
        self.engine, self.stale = engine, float(stale_seconds)
        self.every = interval(self.stale)
        self.next = time.monotonic()

    def due(self) -> list[int]:
        """One round if it is time for one; the ids of the jobs it failed."""
        if time.monotonic() < self.next:
            return []
        self.next = time.monotonic() + self.every
        try:
            failed = reap(self.engine, self.stale)
        except Exception:  # the database away for a moment: the next round tries again
            logger.exception("the reaper could not read the running jobs")
            return []
        if failed:
            logger.warning("jobs %s: their worker stopped; failed", failed)
        return failed
