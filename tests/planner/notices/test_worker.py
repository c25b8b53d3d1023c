"""A decision published while the SMTP server is away, sent by a real `planner worker`
(the one `planner serve` starts beside the pages): the worker tries, waits and tries again
while the server is down, and once it is back each team member concerned receives their
mail exactly once, nobody else any."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlmodel import select

from models import MailMessage
from tests.planner.jobs.test_worker_processes import Workers, until
from tests.planner.notices.conftest import PUBLIC_URL
from tests.planner.notices.test_cycle import publish, wanting
from tests.webapp import signed_in_client


def _configure(instance: Path, settings: dict[str, Any]) -> None:
    (instance / "config.py").write_text(
        "".join(f"{name} = {value!r}\n" for name, value in settings.items()))


def test_a_decision_published_while_the_server_is_away_reaches_each_once(
        app, db, demo_id, people, mailbox, database_url, tmp_path):
    settings = mailbox.settings(PUBLIC_URL=PUBLIC_URL, MAIL_RETRY_SECONDS=0.5,
                                MAIL_SWEEP_SECONDS=0.3, JOBS_NICENESS=0)
    app.config.update(settings)
    instance = tmp_path / "instance"
    instance.mkdir()
    _configure(instance, settings)
    workers = Workers(database_url, instance, False, "mailer")
    mailbox.stop()
    try:
        workers.start(1)
        publish(signed_in_client(app, "lead@example.com"), demo_id)

        def tried() -> list[MailMessage]:
            db.rollback()
            found = db.exec(select(MailMessage)).all()
            return found if found and all(m.attempts >= 2 for m in found) else []

        waiting = until(tried, 30, f"tried twice while the server is away: {workers.log()}")
        # each waits for its next attempt, or is at it (the worker's rounds go on)
        assert {m.status for m in waiting} <= {"queued", "sending"}
        assert all("Could not reach the SMTP server" in m.answer for m in waiting)
        assert mailbox.received == []

        mailbox.start()
        told = wanting("decision", role="team")
        received = mailbox.wait_for(len(told), 60)
        time.sleep(1.5)  # more rounds of the worker: nothing more is sent
        counted = Counter(to for mail in mailbox.received for to in mail.recipients)
        assert counted == Counter(told)
        db.rollback()
        assert {m.status for m in db.exec(select(MailMessage)).all()} == {"sent"}
        assert all(mail.mail["Subject"] for mail in received)
    finally:
        workers.stop()
        mailbox.start()
