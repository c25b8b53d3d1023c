"""What every notice shares: who in a plan is told, and one message rendered from its
templates (templates/mail/messages/<name>.txt and .html) and written to each of them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import render_template
from sqlmodel import Session, select

from models import Membership, Team, User
from planner.mail.kinds import KINDS
from planner.mail.outbox import absolute, write


def people(session: Session, plan_id: int, *, role: str | None = None) -> list[User]:
    """The accounts with a role in the plan (only `role` when given), in the order they
    were added."""
    statement = (select(User).join(Membership, Membership.user_id == User.id)
                 .where(Membership.plan_id == plan_id).order_by(Membership.id))
    if role is not None:
        statement = statement.where(Membership.role == role)
    return list(session.exec(statement).all())


def team_members(session: Session, plan_id: int, teams: Iterable[str]) -> dict[str, list[User]]:
    """The team members of the plan in each of these teams, by the team's name."""
    names = set(teams)
    found: dict[str, list[User]] = {}
    if not names:
        return found
    for user, team in session.exec(
            select(User, Team.name).join(Membership, Membership.user_id == User.id)
            .join(Team, Team.id == Membership.team_id)
            .where(Membership.plan_id == plan_id, Membership.role == "team",
                   Team.name.in_(names)).order_by(Membership.id)).all():
        found.setdefault(team, []).append(user)
    return found


def mail(session: Session, users: Iterable[User], *, kind: str, event: str, template: str,
         subject: str, link: str, plan_id: int, **context: Any) -> int:
    """The message of `template`, rendered once, written to each person who wants this kind
    of mail and has none of this event yet; how many were written."""
    words = {"subject": subject, "link": link, "kind_words": KINDS[kind],
             "account_link": absolute("mail.account"), **context}
    text = render_template(f"mail/messages/{template}.txt", **words)
    html = render_template(f"mail/messages/{template}.html", **words)
    written = 0
    for user in users:
        if write(session, kind=kind, event=event, user=user, subject=subject, text=text,
                 html=html, link=link, plan_id=plan_id) is not None:
            written += 1
    return written
