"""Sending the outbox through a real SMTP server (aiosmtpd): a server away and back (every
mail delivered once, after waits that double), a recipient refused for good (failed at
once with the server's words), one refused for now (tried again, then failed), the mail
as it goes out (text and HTML, From, a fixed Message-ID), and the connection's settings
(no STARTTLS, no login; a login when a username is set; STARTTLS asked of a server
without it)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from models import MailMessage
from models.base import as_utc
from models.db import open_session
from planner.mail.sender import message_id, send_due
from tests.planner.mail.outboxes import messages, person, write_mail
from tests.planner.mail.smtp import SMTPServer

RETRY = 0.3  # seconds before a second attempt; doubling


@pytest.fixture
def mail_app(app, mailbox):
    app.config.update(mailbox.settings(MAIL_RETRY_SECONDS=RETRY, MAIL_ATTEMPTS=3))
    return app


@pytest.fixture
def team(mail_app) -> list[int]:
    return [person(mail_app, f"{name}@team.example") for name in ("ana", "ben", "cleo")]


def _until_due(app) -> None:
    """Wait until every queued mail's next attempt is due."""
    latest = max(as_utc(m.next_at) for m in messages(app) if m.status == "queued")
    time.sleep(max(0.0, (latest - _now()).total_seconds()) + 0.02)


def _now():
    from models.base import utcnow

    return utcnow()


def test_a_server_away_delays_every_mail_and_each_arrives_once_it_is_back(mail_app, team,
                                                                        mailbox):
    write_mail(mail_app, team, "publication:1")
    mailbox.stop()
    before = _now()
    assert send_due(mail_app) == 0
    first = messages(mail_app)
    assert [m.status for m in first] == ["queued"] * 3 and [m.attempts for m in first] == [1] * 3
    for m in first:  # each waits the first retry, with what the connection said
        assert f"Could not reach the SMTP server 127.0.0.1:{mailbox.port}" in m.answer
        assert "Connection refused" in m.answer
        assert before + timedelta(seconds=RETRY) <= as_utc(m.next_at) <= _now() + timedelta(
            seconds=RETRY)
    assert send_due(mail_app) == 0  # not due again before its wait is over
    assert [m.attempts for m in messages(mail_app)] == [1] * 3

    _until_due(mail_app)
    before = _now()
    assert send_due(mail_app) == 0
    for m in messages(mail_app):  # the second wait is twice the first
        assert m.attempts == 2 and m.status == "queued"
        assert as_utc(m.next_at) >= before + timedelta(seconds=2 * RETRY)

    mailbox.start()
    _until_due(mail_app)
    assert send_due(mail_app) == 3
    assert send_due(mail_app) == 0
    received = mailbox.wait_for(3)
    assert sorted(r.recipients for r in received) == [(f"{n}@team.example",)
                                                      for n in ("ana", "ben", "cleo")]
    for m in messages(mail_app):
        assert (m.status, m.attempts, m.answer) == ("sent", 3, "250 2.0.0 Accepted for delivery")
        assert m.sent_at is not None and m.claimed_until is None
    time.sleep(0.1)
    assert len(mailbox.received) == 3


def test_a_recipient_refused_for_good_fails_at_once_and_can_be_sent_again(mail_app, mailbox,
                                                                         client):
    ghost = person(mail_app, "ghost@team.example")
    mailbox.refuse["ghost@team.example"] = "550 5.1.1 No such user here"
    message, = write_mail(mail_app, [ghost], "appeal-answered:4", kind="appeal-answered")
    assert send_due(mail_app) == 0
    failed, = messages(mail_app)
    assert (failed.status, failed.attempts, failed.answer) == (
        "failed", 1, "550 5.1.1 No such user here")
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "550 5.1.1 No such user here" in page and "ghost@team.example" in page
    assert "No mail is sent" not in page and "Send again" in page

    mailbox.refuse.clear()  # the address made since
    assert client.post(f"/admin/outbox/{message}/resend").status_code == 302
    again, = messages(mail_app)
    assert (again.status, again.attempts) == ("queued", 0)
    assert send_due(mail_app) == 1
    assert [r.recipients for r in mailbox.wait_for(1)] == [("ghost@team.example",)]
    assert messages(mail_app)[0].status == "sent"
    # a second click on a mail already queued or sent changes only what it says
    assert client.post(f"/admin/outbox/{message}/resend").status_code == 302
    refused = client.post(f"/admin/outbox/{message}/resend", follow_redirects=True)
    assert "already on its way (queued)" in refused.get_data(as_text=True)


def test_a_recipient_refused_for_now_is_tried_again_then_failed(mail_app, mailbox):
    busy = person(mail_app, "busy@team.example")
    mailbox.refuse["busy@team.example"] = "450 4.2.1 Mailbox busy, try later"
    write_mail(mail_app, [busy], "publication:2")
    for attempt in (1, 2):
        assert send_due(mail_app) == 0
        m, = messages(mail_app)
        assert (m.status, m.attempts, m.answer) == ("queued", attempt,
                                                    "450 4.2.1 Mailbox busy, try later")
        _until_due(mail_app)
    assert send_due(mail_app) == 0  # MAIL_ATTEMPTS is 3
    m, = messages(mail_app)
    assert (m.status, m.attempts, m.answer) == ("failed", 3, "450 4.2.1 Mailbox busy, try later")
    assert mailbox.received == []


def test_the_mail_as_it_goes_out(mail_app, team, mailbox):
    write_mail(mail_app, team[:1], "publication:3")
    assert send_due(mail_app) == 1
    received, = mailbox.wait_for(1)
    row, = messages(mail_app)
    mail = received.mail
    assert received.sender == "planner@planner.example"
    assert mail["From"] == "Planner <planner@planner.example>"
    assert mail["To"] == "ana@team.example" and mail["Subject"] == "Decision publication:3"
    assert mail.get_content_type() == "multipart/alternative"
    assert received.body("plain").strip() == "Plain words of publication:3"
    assert received.body("html").strip() == "<p>Words of <b>publication:3</b></p>"
    assert mail["Message-ID"] == message_id(row, "planner@planner.example")
    assert mail["Message-ID"].endswith("@planner.example>") and str(row.id) in mail["Message-ID"]
    assert mail["Date"].datetime == as_utc(row.created_at).replace(microsecond=0)
    assert row.link == "http://localhost/"


def test_a_mail_that_cannot_be_made_fails_and_the_others_go(mail_app, team, mailbox):
    write_mail(mail_app, team[:2], "publication:4")
    with open_session(mail_app.extensions["planner_engine"], write=True) as session:
        session.get(MailMessage, messages(mail_app)[0].id).subject = "Two\nlines"
        session.commit()
    assert send_due(mail_app) == 1
    broken, fine = messages(mail_app)
    assert broken.status == "failed" and "could not be made" in broken.answer
    assert "linefeed" in broken.answer and fine.status == "sent"


def test_no_starttls_and_no_login_unless_asked(mail_app, team, mailbox):
    write_mail(mail_app, team[:1], "publication:5")
    assert send_due(mail_app) == 1  # the server offers neither: asking for one would fail
    assert mailbox.commands == ["EHLO", "MAIL", "RCPT", "DATA"]
    write_mail(mail_app, team[1:2], "publication:6")
    mail_app.config["SMTP_STARTTLS"] = True
    assert send_due(mail_app) == 0
    m = messages(mail_app)[-1]
    assert m.status == "queued" and "STARTTLS extension not supported by server" in m.answer


@pytest.fixture(scope="module")
def login_server():
    server = SMTPServer(login=("mailer", "the mailer's secret"))
    server.start()
    yield server
    server.stop()


def test_a_username_logs_in_first(app, login_server):
    login_server.empty()
    app.config.update(login_server.settings())
    ana = person(app, "ana@team.example")
    write_mail(app, [ana], "publication:7")
    assert send_due(app) == 1
    assert login_server.logins == ["mailer"] and len(login_server.wait_for(1)) == 1

    write_mail(app, [ana], "publication:8")
    app.config["SMTP_PASSWORD"] = "not the secret"
    assert send_due(app) == 0
    m = messages(app)[-1]
    assert (m.status, m.answer) == ("queued", "535 5.7.8 Authentication credentials invalid")


def test_no_mail_is_written_or_sent_without_a_server(app):
    ana = person(app, "ana@team.example")
    assert write_mail(app, [ana], "publication:9") == []
    assert send_due(app) == 0 and messages(app) == []
