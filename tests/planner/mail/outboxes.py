"""What the mail tests share: people to write to, mails written as a change would write
them (in one session, committed), and the outbox as the database holds it."""

from __future__ import annotations

from sqlmodel import select

from models import MailMessage, User
from models.db import open_session
from planner.mail import outbox
from tests.webapp import nobodys_password_hash


def person(app, email: str, name: str = "", **fields) -> int:
    """A new account's id (a password nobody types, unless `password_hash` is given)."""
    with open_session(app.extensions["planner_engine"], write=True) as session:
        user = User(email=email, name=name or email.split("@")[0].title(),
                    password_hash=fields.pop("password_hash", nobodys_password_hash()),
                    **fields)
        session.add(user)
        session.commit()
        return user.id


def write_mail(app, user_ids: list[int], event: str, kind: str = "decision") -> list[int]:
    """The ids of the mails `outbox.write` adds for this event, one to each person, in one
    session committed as the change they tell of would be."""
    with app.test_request_context("/"), open_session(app.extensions["planner_engine"],
                                                     write=True) as session:
        written = [outbox.write(session, kind=kind, event=event, user=session.get(User, uid),
                                subject=f"Decision {event}", text=f"Plain words of {event}",
                                html=f"<p>Words of <b>{event}</b></p>",
                                link=outbox.absolute("plans.index"))
                   for uid in user_ids]
        session.commit()
        return [message.id for message in written if message is not None]


def messages(app) -> list[MailMessage]:
    """Every mail of the outbox, oldest first."""
    with open_session(app.extensions["planner_engine"]) as session:
        return list(session.exec(select(MailMessage).order_by(MailMessage.id)).all())
