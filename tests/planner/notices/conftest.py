"""Fixtures of the notices' tests: the mail tests' real SMTP server (one per module), the
app sending to it, and the people of the demo plan, one per role, who receive the mail."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select

from models import Membership, User
from models.queries import team_ids
from planner.mail.sender import send_due
from tests.planner.mail.smtp import SMTPServer, mailbox, smtp_server  # noqa: F401
from tests.webapp import nobodys_password_hash

PUBLIC_URL = "https://planner.example"


@dataclass
class Received:
    """One mail as the server received it: its recipient, subject and both parts."""

    to: str
    subject: str
    text: str
    html: str


class Inbox:
    """What the SMTP server received since the last look."""

    def __init__(self, server: SMTPServer, app) -> None:
        self.server, self.app, self.seen = server, app, 0

    def sent(self) -> list[Received]:
        """Send what is due (as a worker's round does), and what the server received."""
        send_due(self.app)
        with self.server.lock:
            new, self.seen = self.server.received[self.seen:], len(self.server.received)
        return [Received(to, " ".join(str(got.mail["Subject"]).split()), got.body("plain"),
                         got.body("html")) for got in new for to in got.recipients]


# (email, name, role, team, kinds of mail turned off). The names hold what HTML escapes.
PEOPLE = (
    ("lead@example.com", "Cleo <CX> & lead", "lead", "", []),
    ("leo@example.com", "Leo", "lead", "", ["appeal-received"]),
    ("finance@example.com", "Finn", "finance", "", []),
    ("viewer@example.com", "Vic", "viewer", "", []),
    ("ivy@example.com", "Ivy", "team", "IT", []),
    ("ian@example.com", "Ian", "team", "IT", []),
    ("olga@example.com", "Olga", "team", "IT", ["decision"]),
    ("sam@example.com", "Sam", "team", "Stores", ["proposals"]),
)
OUTSIDER = "outsider@example.com"  # an account with no role in the plan


@pytest.fixture
def people(app, db, demo_id) -> dict[str, User]:
    """Each person of PEOPLE in the demo plan, and one account outside it, by email."""
    teams = team_ids(db, demo_id, ["IT", "Stores"])
    for email, name, role, team, off in PEOPLE:
        user = User(email=email, name=name, password_hash=nobodys_password_hash(),
                    mail_off=off or None)
        db.add(user)
        db.flush()
        db.add(Membership(user_id=user.id, plan_id=demo_id, role=role,
                          team_id=teams[team] if team else None))
    db.add(User(email=OUTSIDER, name="Otto", password_hash=nobodys_password_hash()))
    db.commit()
    return {u.email: u for u in db.exec(select(User)).all()}


@pytest.fixture
def inbox(app, request) -> Inbox:
    """The app sending to the module's SMTP server (mail on), and what it receives."""
    server: SMTPServer = request.getfixturevalue("mailbox")  # emptied and running
    app.config.update(server.settings(PUBLIC_URL=PUBLIC_URL))
    return Inbox(server, app)
