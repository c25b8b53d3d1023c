"""The planning cycle's state: the CX lead opens a draft for proposals, publishing a run
decides it, and a decided cycle is closed, kept as it was (models.plan); what each state
lets each role do is in the access table (planner/accounts/access.py). Each move is one
conditional statement, so that of two people moving the same cycle at once exactly one
moves it, and a line of the decision record."""

from __future__ import annotations

from datetime import date

from blinker import Signal
from flask import current_app
from sqlalchemy import update
from sqlmodel import Session, select

from models import Appeal, Plan, Publication
from models.plan import CLOSED, DECIDED, DRAFT, OPEN
from planner.history.capture import line

# Where the CX lead may move a cycle from each state, with the button's words. A cycle
# becomes decided by publishing a run (planner/runs/views.py), or again by going back to
# the decision already published.
MOVES: dict[str, dict[str, str]] = {
    DRAFT: {OPEN: "Open for proposals"},
    OPEN: {DRAFT: "Back to draft", DECIDED: "Close proposals: the published decision stands"},
    DECIDED: {OPEN: "Reopen for proposals", CLOSED: "Close the cycle"},
    CLOSED: {DECIDED: "Reopen the cycle"},
}
MEANING = {
    DRAFT: "A draft: the CX lead is setting up the journey; teams read it and do not "
           "propose yet.",
    OPEN: "Open for proposals: teams propose and edit their own initiatives.",
    DECIDED: "Decided: a run is published as the decision; teams read it and appeal.",
    CLOSED: "Closed: kept as it was decided; nothing in it can change.",
}


# Sent in the move's transaction, before its commit, with the session and the plan: what
# builds on plans adds its rows to the change (planner/notices: the mail to the plan's
# people that proposals are open, with their closing day).
opened = Signal("a plan is opened for proposals")


# The moves asked about first (templates/confirm.html), with the question: what they stop
# is said before.
ASK_FIRST = {CLOSED: "Close the cycle of {name}?"}


def closing_consequences(session: Session, plan: Plan) -> list[str]:
    """What closing the cycle stops, in words, for its confirmation page."""
    waiting = len(session.exec(select(Appeal.id).where(Appeal.plan_id == plan.id,
                                                       Appeal.status == "open")).all())
    found = ["Nothing in the plan can change any more: no initiative, run, appeal, delivery "
             "figure or setting, for any role, until its CX lead reopens the cycle.",
             "The published decision is kept as it stands."]
    if waiting:
        found.append(f"{waiting} appeal{'s' if waiting != 1 else ''} still wait"
                     f"{'' if waiting != 1 else 's'} for an answer: "
                     f"{'they' if waiting != 1 else 'it'} cannot be answered while it is "
                     "closed.")
    return found


def moves(session: Session, plan: Plan) -> dict[str, str]:
    """The moves the plan's cycle can make now: back to decided only with a decision."""
    found = dict(MOVES[plan.state])
    if DECIDED in found and not published(session, plan.id):
        del found[DECIDED]
    return found


def published(session: Session, plan_id: int) -> bool:
    return session.exec(select(Publication.id).where(Publication.plan_id == plan_id)
                        .limit(1)).first() is not None


def move(session: Session, plan_id: int, start: tuple[str, ...], to: str) -> bool:
    """Move the cycle to `to` if it is in one of `start` states now; whether it moved. The
    move is written as one statement, with its line of the decision record."""
    name, before = session.exec(select(Plan.name, Plan.state).where(Plan.id == plan_id)).one()
    moved = session.execute(update(Plan).where(Plan.id == plan_id, Plan.state == before,
                                               Plan.state.in_(start)).values(state=to))
    if moved.rowcount != 1:
        return False
    session.add(line(plan_id, "changed", "plan", name, "state", before, to))
    session.expire_all()  # the plan read before holds the old state
    return True


def move_cycle(session: Session, plan: Plan, to: str, proposals_close: date | None) -> bool:
    """Move the plan's cycle from the state it is in now to `to` (one of moves()), with
    the last day of proposals when it opens; whether it moved (False: someone moved it at
    the same moment). The settings page and the API move it so; the caller commits."""
    if not move(session, plan.id, (plan.state,), to):
        return False
    if to == OPEN:
        plan.proposals_close = proposals_close
        opened.send(current_app._get_current_object(), session=session, plan=plan)
    return True
