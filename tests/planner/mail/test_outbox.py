"""Writing to the outbox: one mail per event and person (asked twice, in one session or
two, it is written once), none to whom does not want it, none when mail is off; the task
queued after the commit that wrote mail (not after a rollback, nor with JOBS_IMMEDIATE),
and by a worker's sweep every MAIL_SWEEP_SECONDS; the producers' mail sent in the round
that writes it; a mail's links from PUBLIC_URL, the request, or the address last seen."""

from __future__ import annotations

import time

import pytest

from models import User
from models.db import open_session
from planner.mail import outbox
from planner.mail.sender import send_due
from planner.mail.sweep import Sweep
from tests.planner.mail.outboxes import messages, person, write_mail


@pytest.fixture
def mail_app(app, mailbox):
    app.config.update(mailbox.settings())
    return app


@pytest.fixture
def queued(mail_app, monkeypatch) -> list[int]:
    """The times the mail task is put on the queue (a queue that is not immediate)."""
    calls: list[int] = []
    monkeypatch.setitem(mail_app.extensions, "planner_mail_task", lambda: calls.append(1))
    mail_app.config["JOBS_IMMEDIATE"] = False
    return calls


def _write(session, user_id: int, event: str = "publication:1", kind: str = "decision"):
    return outbox.write(session, kind=kind, event=event, user=session.get(User, user_id),
                        subject="s", text="t", html="<p>h</p>", link="")


def test_one_mail_per_event_and_person(mail_app, queued):
    ana, ben = person(mail_app, "ana@team.example"), person(mail_app, "ben@team.example")
    assert len(write_mail(mail_app, [ana, ben], "publication:1")) == 2
    assert write_mail(mail_app, [ana, ben], "publication:1") == []  # a second click
    with mail_app.app_context(), open_session(mail_app.extensions["planner_engine"],
                                              write=True) as session:
        first = _write(session, ana, "publication:2")
        assert first is not None and _write(session, ana, "publication:2") is None
        session.commit()
    assert [(m.event, m.user_id) for m in messages(mail_app)] == [
        ("publication:1", ana), ("publication:1", ben), ("publication:2", ana)]
    assert queued == [1, 1]  # once per commit that wrote mail


@pytest.mark.parametrize("who", ["stopped", "mail turned off", "mail off"])
def test_no_mail_to_whom_does_not_want_it(mail_app, who):
    fields = {"stopped": {"active": False},
              "mail turned off": {"mail_off": ["decision"]}}.get(who, {})
    ana = person(mail_app, "ana@team.example", **fields)
    if who == "mail off":
        mail_app.config["SMTP_HOST"] = None
    assert write_mail(mail_app, [ana], "publication:1") == []
    assert messages(mail_app) == []


def test_an_unknown_kind_is_a_mistake_in_the_code(mail_app):
    ana = person(mail_app, "ana@team.example")
    with pytest.raises(ValueError, match="kinds.py"):
        write_mail(mail_app, [ana], "publication:1", kind="news")


def test_the_task_is_queued_after_the_commit_only(mail_app, queued):
    ana = person(mail_app, "ana@team.example")
    with mail_app.app_context(), open_session(mail_app.extensions["planner_engine"],
                                              write=True) as session:
        _write(session, ana)
        session.rollback()  # the change refused: its mail goes with it
        session.commit()
        assert queued == []
        _write(session, ana)
        assert queued == []  # nothing before the commit
        session.commit()
        assert queued == [1]
        session.commit()
        assert queued == [1]
    mail_app.config["JOBS_IMMEDIATE"] = True  # the tests' pages: never sent in a request
    write_mail(mail_app, [person(mail_app, "ben@team.example")], "publication:2")
    assert queued == [1] and send_due(mail_app) == 2


def test_a_worker_sweep_queues_the_task_every_so_often_while_mail_is_on(mail_app, queued):
    mail_app.config["MAIL_SWEEP_SECONDS"] = 0.2
    sweep = Sweep(mail_app)
    assert sweep.due() and not sweep.due()
    assert queued == [1]
    time.sleep(0.25)
    assert sweep.due() and queued == [1, 1]
    time.sleep(0.25)
    mail_app.config["SMTP_HOST"] = None
    assert not sweep.due() and queued == [1, 1]


def test_a_producers_mail_goes_in_the_round_that_writes_it(mail_app, mailbox, queued):
    ana = person(mail_app, "ana@team.example")
    seen = []

    def broken(app, session, now):
        raise RuntimeError("a producer's own fault")

    def reminder(app, session, now):
        seen.append(now)
        _write(session, ana, f"proposals-closing:1:{now.date().isoformat()}", "proposals")

    for produce in (broken, reminder):
        outbox.producer(produce)
    try:
        assert send_due(mail_app) == 1 and send_due(mail_app) == 0  # written once
    finally:
        for produce in (broken, reminder):
            outbox.PRODUCERS.remove(produce)
    assert len(seen) == 2 and queued == []  # sent by the round: nothing more queued
    assert [r.recipients for r in mailbox.wait_for(1)] == [("ana@team.example",)]


def test_a_mails_links(mail_app):
    with mail_app.app_context():
        assert outbox.absolute("plans.show", plan_id=3) == "http://localhost/plans/3"
    ana = person(mail_app, "ana@team.example")
    with mail_app.test_request_context("/", base_url="https://planner.example/app/"):
        assert outbox.absolute("plans.show", plan_id=3) == (
            "https://planner.example/app/plans/3")
        with open_session(mail_app.extensions["planner_engine"], write=True) as session:
            _write(session, ana)
            session.commit()
    with mail_app.app_context():  # a producer's mail: the address last seen
        assert outbox.absolute("plans.show", plan_id=3) == (
            "https://planner.example/app/plans/3")
    mail_app.config["PUBLIC_URL"] = "https://cx.example.com"
    with mail_app.test_request_context("/", base_url="http://10.0.0.7:8000/"):
        assert outbox.absolute("plans.show", plan_id=3) == "https://cx.example.com/plans/3"
