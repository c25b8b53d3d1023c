"""Jobs: long work (a run with its explanations, "Explain all", an import) done by a worker
beside the pages, its progress shown as it goes; the queue is Huey's (planner/jobs/queue.py
says why), `planner worker` its worker."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    """The app's queue, and the kinds of work its workers do."""
    from planner.jobs import kinds  # noqa: F401  (fills queue.KINDS)
    from planner.jobs.queue import init_queue

    init_queue(app)


def blueprints() -> tuple[Blueprint, ...]:
    from planner.jobs import views

    return (views.bp,)
