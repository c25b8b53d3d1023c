"""The sweep: every worker's main process puts the mail task on the queue every
MAIL_SWEEP_SECONDS while mail is on, so that what no commit queued is sent within
seconds: a retry whose wait is over, a mail whose worker died (its lease run out), a
reminder a producer writes at a time, a mail whose task the queue lost.

Called from the main loop of `planner worker` (planner/jobs/worker.py), beside the
reaper, never from a thread of its own: the main process forks the worker processes, and
a fork copies a thread's locks held mid-query. Each worker sweeps; the mails' guarded
claims (sender.py) make many sweeps agree.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

from planner.mail.outbox import mail_on

logger = logging.getLogger(__name__)


class Sweep:
    """Put the mail task on the queue at most once every MAIL_SWEEP_SECONDS, as often as it
    is asked."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.next = time.monotonic()

    def due(self) -> bool:
        """One round if it is time for one and mail is on: whether the task was queued."""
        if not mail_on(self.app) or time.monotonic() < self.next:
            return False
        self.next = time.monotonic() + float(self.app.config["MAIL_SWEEP_SECONDS"])
        try:
            self.app.extensions["planner_mail_task"]()
        except Exception:  # the queue away for a moment: the next round tries again
            logger.exception("the mail task could not be put on the queue")
            return False
        return True
