"""An appeal made and answered: the page and the API both go through these, so that the
figures are weighed, the record written and the notices sent (the signals below) the same
way whichever way an appeal comes."""

from __future__ import annotations

from blinker import Signal
from flask import current_app
from sqlmodel import Session

from models import Appeal, Run, User
from optimizer import PlanError
from planner.appeals.accept import apply, declined
from planner.appeals.effect import Figures, effect
from planner.runs.views import solve_options

# Sent in the change's transaction, before its commit, with the session and the Appeal:
# what builds on appeals adds its rows to the change (planner/notices: the mail to the
# plan's CX leads, and to the person who appealed once it is answered).
appealed = Signal("an appeal is made")
answered = Signal("an appeal is accepted or declined")

ANSWERS = ("accept", "decline")
DECLINE_WHY = "Say why it is declined: the team reads it."


def unchecked(error: PlanError) -> str:
    """Why the appeal's figures cannot be weighed, for its cost field."""
    return ("With these figures the plan does not pass its checks: "
            + "; ".join(error.problems[:3]))


def make_appeal(session: Session, saved: Run, key: str, figures: Figures, note: str,
                user: User) -> Appeal:
    """The appeal against the rejection of `key` in the decision `saved`, with what its
    figures would change, added to the session with its notices (the caller commits);
    PlanError when the figures make a plan that does not pass its checks."""
    found = effect(saved.inputs, saved.result["funded"], key, figures, solve_options())
    appeal = Appeal(plan_id=saved.plan_id, run_id=saved.id, key=key, who=user.name,
                    user_id=user.id, cost=figures.cost, confidence=figures.confidence,
                    changes=figures.changes, note=note.strip(), effect=found)
    session.add(appeal)
    appealed.send(current_app._get_current_object(), session=session, appeal=appeal)
    return appeal


def answer_appeal(session: Session, appeal: Appeal, answer: str, reason: str,
                  who: str) -> None:
    """Accept an open appeal (every new figure becomes the initiative's) or decline it
    with its reason, in the record and with its notice (the caller commits)."""
    if answer == "accept":
        apply(session, appeal.plan_id, appeal)
    else:
        session.add(declined(appeal.plan_id, appeal, reason))
    appeal.status = "accepted" if answer == "accept" else "declined"
    appeal.answer, appeal.answered_by = reason, who
    answered.send(current_app._get_current_object(), session=session, appeal=appeal)
