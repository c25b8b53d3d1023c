"""The outbox: every mail the planner sends is first a row here, written in the same
transaction as the change it tells of, then sent by a worker (planner/mail). Kept beside
the accounts: each message is to one of them."""

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow

# A message's life: queued (waiting for its next attempt), sending (claimed by a worker
# until claimed_until; past it, another may take it again), sent, or failed (given up:
# refused by the server, or out of attempts; an admin may queue it again).
QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"


class MailMessage(SQLModel, table=True):
    """One mail to one person about one event: at most one per event and person."""

    __tablename__ = "mail_message"
    __table_args__ = (UniqueConstraint("event", "user_id"),
                      Index("ix_mail_message_status_next_at", "status", "next_at"))

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)  # planner/mail: the kinds a person may turn off
    # What it tells of, the same for everyone it goes to ("publication:12",
    # "appeal-answered:7", "proposals-closing:3:2027-01-15"): one message per event and
    # person, so a retry, a second worker or a second click never sends it twice.
    event: str = Field(max_length=128)
    user_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    plan_id: int | None = Field(default=None, foreign_key="plan.id", ondelete="CASCADE")
    to_address: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    text: str = Field(sa_column=Column(Text, nullable=False))
    html: str = Field(sa_column=Column(Text, nullable=False))
    link: str = Field(default="", max_length=2000)  # the page it speaks of
    status: str = Field(default=QUEUED, max_length=16)
    attempts: int = 0
    next_at: datetime = Field(default_factory=utcnow)  # not tried again before
    claimed_until: datetime | None = None  # a sending message's worker holds it till then
    answer: str = Field(default="", sa_column=Column(Text, nullable=False,
                                                     server_default=""))  # server's last
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
