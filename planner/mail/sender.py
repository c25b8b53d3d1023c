"""Sending the outbox: a worker claims each mail that is due, sends it over SMTP, and
records how it went (sent; queued again with a longer wait; failed with the server's
words).

smtplib, from the standard library, rather than a library such as Flask-Mail: those send
inside the request that asks, which the planner never does (a page does not wait on a
mail server, and a mail must outlive a server that is away), and they keep nothing of what
happened. What the planner needs around the SMTP conversation (the claim, the lease, the
retries, the server's answer kept in the outbox) is the outbox's own, and smtplib with
the email package already speaks the rest: STARTTLS, login, multipart messages.

A mail is claimed by one guarded UPDATE (due and queued, or held by a worker whose lease
ran out), so of many workers exactly one sends it; a worker killed mid-send leaves it to
another once MAIL_LEASE_SECONDS have passed. The one repeat left possible: the server took
the mail and the worker died before recording it; its Message-ID, the same at every
attempt, lets a receiver tell.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from flask import Flask
from sqlalchemy import and_, or_, update
from sqlmodel import select

from models import MailMessage
from models.accounts.mail import FAILED, QUEUED, SENDING, SENT
from models.base import as_utc, utcnow
from models.db import open_session
from planner.mail.outbox import PRODUCERS, QUEUE_AFTER_COMMIT, mail_on

logger = logging.getLogger(__name__)

LONGEST_WAIT = 3600.0  # seconds: the backoff's cap


class Refused(Exception):  # noqa: N818 (an outcome, not a fault)
    """The server refused this mail for good (a 5xx to its recipient or its content)."""


class Later(Exception):  # noqa: N818 (an outcome, not a fault)
    """The mail could not go now (the server away, busy, or saying to wait)."""


def send_due(app: Flask, *, limit: int = 100) -> int:
    """Send what is due, at most `limit` mails: the producers write theirs first, then each
    mail due is claimed, sent and recorded; the number sent. Nothing when mail is off."""
    if not mail_on(app):
        return 0
    with app.app_context():
        run_producers(app, utcnow())
        engine = app.extensions["planner_engine"]
        connection = Connection(app.config)
        sent = 0
        try:
            for message_id in due(engine, utcnow(), limit):
                message = claim(engine, message_id, float(app.config["MAIL_LEASE_SECONDS"]))
                if message is not None:
                    sent += deliver(app, connection, message)
        finally:
            connection.close()
    return sent


def run_producers(app: Flask, now: datetime) -> None:
    """Each producer (outbox.producer) in a session of its own, committed; one that fails
    is logged and the others still run. What they write is sent by this round: no task
    is queued for it."""
    engine = app.extensions["planner_engine"]
    for produce in PRODUCERS:
        with open_session(engine, write=True) as session:
            try:
                produce(app, session, now)
                session.info.pop(QUEUE_AFTER_COMMIT, None)
                session.commit()
            except Exception:
                session.rollback()
                logger.exception("mail producer %s failed", produce.__qualname__)


def due(engine: Any, now: datetime, limit: int) -> list[int]:
    """The ids of the mails due now, the longest waiting first."""
    with open_session(engine) as session:
        return list(session.exec(select(MailMessage.id).where(_is_due(now))
                                 .order_by(MailMessage.next_at, MailMessage.id)
                                 .limit(limit)).all())


def _is_due(now: datetime) -> Any:
    return or_(and_(MailMessage.status == QUEUED, MailMessage.next_at <= now),
               and_(MailMessage.status == SENDING, MailMessage.claimed_until < now))


def claim(engine: Any, message_id: int, lease: float) -> MailMessage | None:
    """The mail, held by this worker for `lease` seconds, if it is still due: one guarded
    UPDATE, so that of two workers exactly one gets it."""
    now = utcnow()
    with open_session(engine, write=True) as session:
        taken = session.execute(
            update(MailMessage).where(MailMessage.id == message_id, _is_due(now))
            .values(status=SENDING, attempts=MailMessage.attempts + 1,
                    claimed_until=now + timedelta(seconds=lease)))
        session.commit()
        return session.get(MailMessage, message_id) if taken.rowcount == 1 else None


def deliver(app: Flask, connection: Connection, message: MailMessage) -> int:
    """Send one claimed mail and record how it went: 1 when sent."""
    config = app.config
    try:
        mail = compose(message, config)
    except ValueError as error:  # a header it cannot carry: no attempt would do better
        _record(app, message, status=FAILED, answer=f"The mail could not be made: {error}")
        return 0
    try:
        answer = connection.send(mail)
    except Refused as refused:
        _record(app, message, status=FAILED, answer=str(refused))
        return 0
    except Later as later:
        if message.attempts >= int(config["MAIL_ATTEMPTS"]):
            _record(app, message, status=FAILED, answer=str(later))
        else:
            _record(app, message, status=QUEUED, answer=str(later),
                    next_at=utcnow() + timedelta(seconds=backoff(config, message.attempts)))
        return 0
    _record(app, message, status=SENT, answer=answer, sent_at=utcnow())
    return 1


def backoff(config: Mapping[str, Any], attempts: int) -> float:
    """Seconds before the next attempt after `attempts` of them: MAIL_RETRY_SECONDS,
    doubling with each attempt, at most an hour."""
    return min(LONGEST_WAIT, float(config["MAIL_RETRY_SECONDS"]) * 2 ** max(0, attempts - 1))


def _record(app: Flask, message: MailMessage, **values: Any) -> None:
    """How the attempt went, if this worker's claim still holds (the same attempt)."""
    with open_session(app.extensions["planner_engine"], write=True) as session:
        kept = session.execute(update(MailMessage).where(
            MailMessage.id == message.id, MailMessage.status == SENDING,
            MailMessage.attempts == message.attempts).values(claimed_until=None, **values))
        session.commit()
    if kept.rowcount != 1:
        logger.warning("mail %s: its lease ran out before it was recorded as %s",
                       message.id, values["status"])


def compose(message: MailMessage, config: Mapping[str, Any]) -> EmailMessage:
    """The mail as it goes out: plain text and HTML alternatives, from MAIL_FROM, with a
    Message-ID and Date that are the same at every attempt."""
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = config["MAIL_FROM"]
    mail["To"] = message.to_address
    mail["Date"] = format_datetime(as_utc(message.created_at))
    mail["Message-ID"] = message_id(message, config["MAIL_FROM"])
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    return mail


def message_id(message: MailMessage, sender: str) -> str:
    """The mail's Message-ID, made of its row and the sender's domain, never drawn at
    random: a repeat of it (after a worker died) can be told from a new mail."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    made = int(as_utc(message.created_at).timestamp())
    return f"<outbox.{message.id}.{made}@{domain}>"


class _SMTP(smtplib.SMTP):
    """smtplib's client, keeping the server's answer to the mail's content (sendmail
    drops it): the outbox shows it."""

    answer: tuple[int, bytes] = (0, b"")

    def data(self, msg: Any) -> tuple[int, bytes]:
        self.answer = super().data(msg)
        return self.answer


def _words(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(text.split())}"


class Connection:
    """One SMTP connection for a round of mails, opened at the first and again after one
    breaks. A server that cannot be reached is tried once a round: the mails after it
    wait their backoff with the same words."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.smtp: _SMTP | None = None
        self.unreachable = ""

    def send(self, mail: EmailMessage) -> str:
        """The server's answer to the mail it took; Refused or Later otherwise."""
        smtp = self._open()
        try:
            smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as refused:
            (code, text), = refused.recipients.values()
            raise (Refused if code >= 500 else Later)(_words(code, text)) from None
        except smtplib.SMTPDataError as error:  # its content refused
            raise (Refused if error.smtp_code >= 500 else Later)(
                _words(error.smtp_code, error.smtp_error)) from None
        except smtplib.SMTPResponseException as error:  # the sender refused: a setting
            raise Later(_words(error.smtp_code, error.smtp_error)) from None
        except (smtplib.SMTPException, OSError) as error:  # the connection broke
            self.close()
            raise Later(f"The SMTP server stopped answering: {error}") from None
        return _words(*smtp.answer)

    def _open(self) -> _SMTP:
        if self.unreachable:
            raise Later(self.unreachable)
        if self.smtp is None:
            try:
                self.smtp = connect(self.config)
            except smtplib.SMTPResponseException as error:
                self.unreachable = _words(error.smtp_code, error.smtp_error)
                raise Later(self.unreachable) from None
            except (smtplib.SMTPException, OSError) as error:
                self.unreachable = (f"Could not reach the SMTP server {self.config['SMTP_HOST']}"
                                    f":{self.config['SMTP_PORT']}: {error}")
                raise Later(self.unreachable) from None
        return self.smtp

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def connect(config: Mapping[str, Any]) -> _SMTP:
    """A connection to SMTP_HOST: STARTTLS first unless SMTP_STARTTLS is false, then the
    login when SMTP_USERNAME is set."""
    smtp = _SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]),
                 timeout=float(config["SMTP_TIMEOUT"]))
    try:
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp
