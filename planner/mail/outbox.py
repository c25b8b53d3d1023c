"""The outbox: a mail is a row (models.MailMessage) written in the same transaction as the
change it tells of, so that a change saved always has its mail and a change refused never
does; a worker sends it afterwards (sender.py), never the request.

`write` adds the row to the caller's session and marks the session; once that session
commits, a listener puts the mail task on the job queue, so a worker sends within
moments. With JOBS_IMMEDIATE (the tests) nothing is queued: the page still never sends,
and the tests call sender.send_due themselves. Every worker's sweep (sweep.py) also puts
the task on the queue every MAIL_SWEEP_SECONDS, for the retries, the mails whose worker
died, and what the producers write at a time rather than at a change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from flask import Flask, current_app, has_request_context, request, url_for
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as AnySession
from sqlmodel import Session, select

from models import MailMessage, User
from models.db import open_session
from planner.accounts.installation import set_setting, setting
from planner.mail.kinds import KINDS

logger = logging.getLogger(__name__)

BASE_URL = "base_url"  # installation setting: the address last seen in a request
QUEUE_AFTER_COMMIT = "planner_mail_app"  # session.info: the app whose task to queue
SEEN_AT = "planner_mail_base_url"  # session.info: the request's address, to remember

# What writes mail due at a time rather than at a change: fn(app, session, now), each
# called in a committed session of its own at every sweep (sender.send_due).
Producer = Callable[[Flask, Session, datetime], None]
PRODUCERS: list[Producer] = []


def mail_on(app_or_config: Flask | Mapping[str, Any]) -> bool:
    """Mail is written and sent: an SMTP server is named (SMTP_HOST)."""
    config = app_or_config.config if isinstance(app_or_config, Flask) else app_or_config
    return bool(config.get("SMTP_HOST"))


def wants(user: User, kind: str) -> bool:
    """The person gets mail of this kind: an active account with an address, that has not
    turned the kind off on its account page."""
    return bool(user.active and user.email and kind not in (user.mail_off or []))


def write(session: Session, *, kind: str, event: str, user: User, subject: str, text: str,
          html: str, link: str, plan_id: int | None = None) -> MailMessage | None:
    """The mail of this event to this person, added to the session (the caller commits it
    with the change it tells of); None, and nothing written, when mail is off, the person
    does not want this kind, or they already have a mail of this event.

    The select is what keeps one mail per event and person in the ordinary path: the
    table's UNIQUE constraint is only the last guard, since its IntegrityError would undo
    the caller's change too.
    """
    if kind not in KINDS:
        raise ValueError(f"No kind of mail is named {kind!r}: add it to planner/mail/kinds.py")
    if not mail_on(current_app) or not wants(user, kind):
        return None
    taken = session.exec(select(MailMessage.id).where(MailMessage.event == event,
                                                      MailMessage.user_id == user.id)).first()
    if taken is not None:
        return None
    message = MailMessage(kind=kind, event=event, user_id=user.id, plan_id=plan_id,
                          to_address=user.email, subject=subject, text=text, html=html,
                          link=link)
    session.add(message)
    queue_after_commit(session)
    if has_request_context():
        session.info[SEEN_AT] = request.url_root
    return message


def queue_after_commit(session: Session) -> None:
    """Put the mail task on the queue once the session commits (not with JOBS_IMMEDIATE)."""
    session.info[QUEUE_AFTER_COMMIT] = current_app._get_current_object()


def absolute(endpoint: str, **values: Any) -> str:
    """The full address of a page, for a mail: PUBLIC_URL's when set, else this request's
    host, else the one last seen in a request (a mail written by a producer, with no
    request behind it), else http://localhost."""
    app = current_app._get_current_object()
    if not app.config.get("PUBLIC_URL") and has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = app.config.get("PUBLIC_URL") or _base_seen(app) or "http://localhost"
    with app.test_request_context("/", base_url=base.rstrip("/") + "/"):
        return url_for(endpoint, _external=True, **values)


def producer(fn: Producer) -> Producer:
    """Register `fn(app, session, now)` to write the mail due at a time (a reminder before
    proposals close): every sweep calls it in a worker, in a session it then commits."""
    if fn not in PRODUCERS:
        PRODUCERS.append(fn)
    return fn


def listen() -> None:
    """Queue the mail task after each commit that wrote mail (once per process)."""
    if not event.contains(AnySession, "after_commit", _after_commit):
        event.listen(AnySession, "after_commit", _after_commit)
        event.listen(AnySession, "after_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    app = session.info.pop(QUEUE_AFTER_COMMIT, None)
    seen = session.info.pop(SEEN_AT, None)
    if app is None:
        return
    if seen and not app.config.get("PUBLIC_URL"):
        _remember_base(app, seen)
    if app.config["JOBS_IMMEDIATE"]:  # the page never sends: tests call send_due
        return
    try:
        app.extensions["planner_mail_task"]()
    except Exception:  # the queue away for a moment: the next sweep finds the mail due
        logger.exception("the mail task could not be put on the queue")


def _after_rollback(session: Session) -> None:
    session.info.pop(QUEUE_AFTER_COMMIT, None)
    session.info.pop(SEEN_AT, None)


def _base_seen(app: Flask) -> str | None:
    with open_session(app.extensions["planner_engine"]) as session:
        return setting(session, BASE_URL)


def _remember_base(app: Flask, seen: str) -> None:
    """Keep the address a request came in at, for the links of mails written with no
    request behind them; in a session of its own, after the change's commit, so that it
    can never undo that change."""
    engine = app.extensions["planner_engine"]
    with open_session(engine, write=True) as session:
        if setting(session, BASE_URL) == seen:
            return
        set_setting(session, BASE_URL, seen)
        try:
            session.commit()
        except IntegrityError:  # another process kept one at the same moment
            session.rollback()
