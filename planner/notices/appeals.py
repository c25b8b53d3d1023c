"""The mail of an appeal: when it is made, to the plan's CX leads, with what it asks and
its evidence, as their appeals page words it; when it is answered, to the person who
appealed, with the answer and its reason, as their initiative's page words it."""

from __future__ import annotations

from flask import Flask
from sqlmodel import Session

from models import Appeal, Plan, Run, User
from planner.appeals.history import AppealStory, history_of
from planner.appeals.views import answered, appealed
from planner.mail.outbox import absolute, mail_on
from planner.notices.letters import mail, people


@appealed.connect
def tell_the_leads(app: Flask, *, session: Session, appeal: Appeal) -> None:
    """The appeal, to each CX lead of its plan."""
    if not mail_on(app):
        return
    plan, story, name = _told(session, appeal)
    mail(session, people(session, plan.id, role="lead"), kind="appeal-received",
         event=f"appeal-received:{appeal.id}", template="appeal-received",
         subject=f"{plan.name}: {appeal.who or 'a team'} appeals for {name}",
         link=absolute("appeals.queue", plan_id=plan.id), plan_id=plan.id, plan=plan,
         appeal=appeal, story=story, name=name)


@answered.connect
def tell_the_appellant(app: Flask, *, session: Session, appeal: Appeal) -> None:
    """The answer, to the person who appealed (none when the account is gone)."""
    user = session.get(User, appeal.user_id) if appeal.user_id is not None else None
    if not mail_on(app) or user is None:
        return
    plan, story, name = _told(session, appeal)
    mail(session, [user], kind="appeal-answered", event=f"appeal-answered:{appeal.id}",
         template="appeal-answered",
         subject=f"{plan.name}: your appeal for {name} is {appeal.status}",
         link=absolute("say_no.explanation", plan_id=plan.id, run_id=appeal.run_id,
                       key=appeal.key), plan_id=plan.id, plan=plan, appeal=appeal,
         story=story, name=name)


def _told(session: Session, appeal: Appeal) -> tuple[Plan, AppealStory | None, str]:
    """The appeal's plan, its story as the pages tell it, and its initiative's name in the
    decision it was made against."""
    session.flush()
    plan = session.get(Plan, appeal.plan_id)
    story = next((s for s in history_of(session, appeal.plan_id, appeal.key)
                  if s.appeal.id == appeal.id), None)
    run = session.get(Run, appeal.run_id)
    entry = next((i for i in (run.inputs.get("initiatives", []) if run else [])
                  if i["id"] == appeal.key), None)
    return plan, story, (entry.get("name") if entry else None) or appeal.key
