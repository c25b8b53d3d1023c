"""The mail of proposals: when the CX lead opens a plan for proposals, to everyone with a
role in it, with the closing day when one is set; and two days before that day, a
reminder to them all, written by a producer that every sweep of the outbox runs (it
writes each person's reminder once, however often it runs)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy import func
from sqlmodel import Session, select

from models import MailMessage, Plan, RecordEntry
from models.plan import OPEN
from planner.appeals.history import day
from planner.mail.outbox import absolute, mail_on, producer, wants
from planner.notices.letters import mail, people
from planner.plans.cycle import MEANING, opened

KIND = "proposals"
REMIND_BEFORE = timedelta(days=2)  # the reminder goes out this long before the closing day


@opened.connect
def tell_the_plan(app: Flask, *, session: Session, plan: Plan) -> None:
    """That proposals are open, to everyone in the plan; one mail per opening, told apart
    by the decision record's line of the move."""
    if not mail_on(app):
        return
    session.flush()
    moved = session.exec(select(func.max(RecordEntry.id)).where(
        RecordEntry.plan_id == plan.id, RecordEntry.entity == "plan",
        RecordEntry.field == "state", RecordEntry.after == OPEN)).one()
    closes = f" until {day(plan.proposals_close)}" if plan.proposals_close else ""
    mail(session, people(session, plan.id), kind=KIND, event=f"proposals-open:{plan.id}:{moved}",
         template="proposals-open", subject=f"{plan.name}: proposals are open{closes}",
         link=absolute("initiatives.index", plan_id=plan.id), plan_id=plan.id, plan=plan,
         meaning=MEANING[OPEN], closes=day(plan.proposals_close) if plan.proposals_close else "",
         plan_link=absolute("plans.show", plan_id=plan.id))


@producer
def remind(app: Flask, session: Session, now: datetime) -> None:
    """Each plan open for proposals whose closing day is two days away or nearer (and not
    past): a reminder to everyone in it, once per person and closing day."""
    if not mail_on(app):
        return
    today = _day_of(now)
    closing = session.exec(select(Plan).where(
        Plan.state == OPEN, Plan.proposals_close.is_not(None),
        Plan.proposals_close >= today, Plan.proposals_close <= today + REMIND_BEFORE)).all()
    with app.app_context():
        for plan in closing:
            event = f"proposals-closing:{plan.id}:{plan.proposals_close.isoformat()}"
            told = set(session.exec(select(MailMessage.user_id).where(
                MailMessage.event == event)).all())
            waiting = [user for user in people(session, plan.id)
                       if user.id not in told and wants(user, KIND)]
            if not waiting:
                continue  # the common case at every sweep: nothing to render
            mail(session, waiting, kind=KIND, event=event, template="proposals-closing",
                 subject=f"{plan.name}: proposals close {_when(plan.proposals_close, today)}",
                 link=absolute("initiatives.index", plan_id=plan.id), plan_id=plan.id,
                 plan=plan, when=_when(plan.proposals_close, today),
                 plan_link=absolute("plans.show", plan_id=plan.id))


def _day_of(now: datetime) -> date:
    """The day of `now` on the server's clock, as the plan page's form checks it."""
    moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)  # kept in UTC
    return moment.astimezone().date()


def _when(closes: date, today: date) -> str:
    """The closing day from today, in words: "today (12 March)", "tomorrow (12 March)",
    or "on 12 March"."""
    left = (closes - today).days
    return {0: f"today ({day(closes)})", 1: f"tomorrow ({day(closes)})"}.get(
        left, f"on {day(closes)}")
