"""`planner worker` processes sending the outbox through a real SMTP server: the commit
that writes a mail puts it on the queue and a worker sends it; a worker killed (SIGKILL,
with its processes) while the server holds the conversation at RCPT loses nothing and
doubles nothing: once MAIL_LEASE_SECONDS are over, the next worker's sweep finds the mail
and sends it, and the server has it exactly once. The workers run from an instance
folder whose config.py names the server, on the default queue (its SQLite file)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from models.base import as_utc
from planner import create_app
from planner.jobs.processes import started
from planner.mail.sender import message_id
from tests.planner.jobs.test_worker_processes import Workers, until
from tests.planner.mail.outboxes import messages, person, write_mail
from tests.webapp import TEST_CONFIG

LEASE = 3.0  # seconds a worker holds a mail it is sending


def _configure(instance: Path, settings: dict[str, Any]) -> None:
    (instance / "config.py").write_text(
        "".join(f"{name} = {value!r}\n" for name, value in settings.items()))


def test_a_worker_killed_mid_send_loses_and_doubles_nothing(database_url, tmp_path, mailbox):
    instance = tmp_path / "instance"
    instance.mkdir()
    # the first worker sweeps at its start only: what it sends, the commit queued
    settings = mailbox.settings(MAIL_LEASE_SECONDS=LEASE, MAIL_SWEEP_SECONDS=3600.0,
                                JOBS_NICENESS=0)
    _configure(instance, settings)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": database_url, "JOBS_IMMEDIATE": False,
                      "REDIS_URL": None, **settings}, instance_path=str(instance))
    workers = Workers(database_url, instance, False, "mailer")
    try:
        ana = person(app, "ana@team.example")
        main, forked = workers.start(1)
        mailbox.hold()
        write_mail(app, [ana], "publication:1")
        assert mailbox.held.wait(30), workers.log()
        held, = messages(app)
        assert (held.status, held.attempts) == ("sending", 1)
        os.killpg(main, signal.SIGKILL)
        until(lambda: not any(started(pid) for pid in [main, *forked]), 10, "worker killed")
        mailbox.release()  # the dead worker's conversation ends without its mail
        time.sleep(0.2)
        assert mailbox.received == [] and messages(app)[0].status == "sending"

        _configure(instance, {**settings, "MAIL_SWEEP_SECONDS": 0.3})
        workers.start(1)
        received, = mailbox.wait_for(1, LEASE + 60)
        sent = until(lambda: (m := messages(app)[0]).status == "sent" and m, 10,
                     f"recorded as sent: {workers.log()}")
        assert sent.attempts == 2 and as_utc(sent.sent_at) >= as_utc(held.claimed_until)
        assert received.recipients == ("ana@team.example",)
        assert received.mail["Message-ID"] == message_id(sent, settings["MAIL_FROM"])
        time.sleep(1.0)  # more sweeps: nothing more is sent
        assert len(mailbox.received) == 1 and mailbox.commands.count("DATA") == 1
    finally:
        workers.stop()
        app.extensions["planner_engine"].dispose()
