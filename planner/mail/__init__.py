"""Mail: the outbox every mail is written to with the change it tells of (outbox.py), its
sending by the job queue's workers (sender.py, sweep.py), a person's choice of the mail
they get and the admins' view of the outbox (views.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask

TASK = "planner.mail"  # the queue's name for the task that sends what is due


def init_app(app: Flask) -> None:
    """The mail task on the app's queue, the listener that queues it after a commit that
    wrote mail, and the sweep a worker's main process runs (planner/jobs/worker.py)."""
    from planner.mail import outbox, sender
    from planner.mail.sweep import Sweep

    outbox.listen()
    huey = app.extensions["planner_queue"]

    @huey.task(name=TASK)
    def send_mail() -> None:
        sender.send_due(app)

    app.extensions["planner_mail_task"] = send_mail
    app.extensions.setdefault("planner_sweeps", []).append(Sweep(app))


def blueprints() -> tuple[Blueprint, ...]:
    from planner.mail import views

    return (views.bp,)
