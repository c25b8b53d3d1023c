"""Where an error page leads back, and which roles may do what a 403 refused: the error
pages (planner/web.py, templates/error.html) ask this through the app's extensions, so
that web.py, which the access table imports, does not import it back.

The ways back are pages the reader may open: the plan the address names (when they have a
role in it), their plans, or, signed out, the sign-in page."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, g, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from models import Membership, Plan
from planner.accounts.access import (
    ACCESS,
    ALL_READERS,
    FINANCE,
    LEAD,
    READ_METHODS,
    ROLE_NAMES,
    TEAM,
    VIEWER,
)
from planner.database import reading
from planner.web import LARGEST_ID

ROLE_ORDER = (LEAD, FINANCE, TEAM, VIEWER)


@dataclass
class Guide:
    """What an error page adds to its message: which roles may do it (a 403 of a role), and
    the ways back, the first the main one."""

    who_may: str = ""
    ways: list[tuple[str, str]] = field(default_factory=list)


def init_app(app: Flask) -> None:
    app.extensions["planner_error_guide"] = guide


def guide(code: int) -> Guide:
    """The error page's guide for this request; a database that fails here leaves out only
    the way back to the plan."""
    found = Guide()
    if not current_user.is_authenticated:
        target = request.full_path.rstrip("?") if request.method == "GET" else ""
        if request.endpoint == "accounts.sign_in" or code == 404:
            target = ""
        found.ways.append(("Sign in", url_for("accounts.sign_in", next=target or None)))
        return found
    plan_way = _way_to_the_plan()
    if plan_way is not None:
        found.ways.append(plan_way)
    found.ways.append(("Your plans", url_for("plans.index")))
    if code == 403:
        found.who_may = who_may()
    return found


def _way_to_the_plan() -> tuple[str, str] | None:
    """A link to the plan the address names, if it exists and the reader has a role in it:
    its page, or for a team member (who does not open it) its initiatives."""
    plan_id = g.get("plan_id")
    if not isinstance(plan_id, int) or not 1 <= plan_id <= LARGEST_ID:
        return None
    try:
        with reading() as session:
            plan = session.get(Plan, plan_id)
            if plan is None:
                return None
            role = LEAD if current_user.admin else session.exec(select(Membership.role).where(
                Membership.user_id == current_user.user.id,
                Membership.plan_id == plan_id)).first()
            name = plan.name
    except SQLAlchemyError:
        return None
    if role in ALL_READERS:
        return f"Back to the plan {name}", url_for("plans.show", plan_id=plan_id)
    if role == TEAM:
        return (f"Back to your team's initiatives in {name}",
                url_for("initiatives.index", plan_id=plan_id))
    return None


def who_may(endpoint: str | None = None, send: bool | None = None) -> str:
    """Which roles may do what this request asked, when the reader's role may not: "" when
    the role may and something else refused (the cycle's state, which the message says)."""
    rule = ACCESS.get(endpoint or request.endpoint or "")
    send = request.method not in READ_METHODS if send is None else send
    if rule is None:
        return ""
    if rule.scope == "admin":
        return "" if current_user.admin else "Only an installation admin may do this."
    if rule.scope != "plan" or current_user.admin:
        return ""
    membership = g.get("membership")
    roles = rule.write if send else rule.read
    if membership is None or membership.role in roles:
        return ""
    names = [ROLE_NAMES[role] for role in ROLE_ORDER if role in roles]
    yours = f"Your role in this plan is {ROLE_NAMES[membership.role]}"
    if not names:
        return f"No role may do this in a plan, only an installation admin. {yours}."
    return (f"Who may do this in a plan: {', '.join(names)} (and an installation admin). "
            f"{yours}: ask the plan's CX lead if you need another.")
