"""Jobs: long work (a run with its explanations, "Explain all", an import) done by a worker
beside the pages, its progress shown as it goes; the queue is Huey's (planner/jobs/queue.py
says why), `planner worker` its worker (worker.py). The kinds of work are the features': each
declares its own in its jobs.py (planner/runs/jobs.py, ...), and the app imports them all
when it is made."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    """The app's queue."""
    from planner.jobs.queue import init_queue

    init_queue(app)


def blueprints() -> tuple[Blueprint, ...]:
    from planner.jobs import views

    return (views.bp,)
