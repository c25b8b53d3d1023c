"""Who may do what, as one table: for every page, the roles that may open it and the roles
that may send its form, checked before any view runs (a page missing from the table is
refused, and tests/planner/accounts/test_access.py fails on it).

Roles are per plan (models.Membership): the CX lead does everything in the plan; finance
handles budgets, runs, scenarios and the frontier and reads the rest; a team member
proposes and edits its own team's initiatives and reads its own team's decisions (the views
narrow what it sees to its team); a viewer reads. An installation admin may do everything
in every plan, and alone makes plans. Someone with no role in a plan finds no such plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, request
from flask_login import current_user
from sqlmodel import select

from models import Membership

LEAD, FINANCE, TEAM, VIEWER = "lead", "finance", "team", "viewer"
NOBODY: frozenset[str] = frozenset()
ALL_READERS = frozenset({LEAD, FINANCE, VIEWER})  # the whole plan, read
EVERY_ROLE = ALL_READERS | {TEAM}
MONEY = frozenset({LEAD, FINANCE})
PLANNING = frozenset({LEAD})
PROPOSING = frozenset({LEAD, TEAM})  # a team member within its own team


@dataclass(frozen=True)
class Rule:
    """Who may open a page (GET) and who may send its form (POST). `scope`: "public" (no
    sign-in), "signed_in" (anyone signed in, no plan), "admin" (installation admins), or
    "plan" (the roles below, in the plan of the page)."""

    scope: str
    read: frozenset[str] = NOBODY
    write: frozenset[str] = NOBODY


def _plan(read: frozenset[str], write: frozenset[str] = NOBODY) -> Rule:
    return Rule("plan", read, write)


PUBLIC, SIGNED_IN, ADMIN = Rule("public"), Rule("signed_in"), Rule("admin")
ACCESS: dict[str, Rule] = {
    "static": PUBLIC, "accounts.sign_in": PUBLIC, "accounts.setup": PUBLIC,
    "accounts.sign_out": SIGNED_IN, "accounts.password": SIGNED_IN, "plans.index": SIGNED_IN,
    "plans.create": ADMIN, "imports.new_plan": ADMIN, "plans.delete": ADMIN,
    # The plan, its settings and its lists
    "plans.show": _plan(ALL_READERS),
    "plans.edit": _plan(MONEY, MONEY),  # the budget and the finance settings
    "plans.download": _plan(ALL_READERS),
    "plans.part_create": _plan(PLANNING, PLANNING),
    "plans.part_edit": _plan(PLANNING, PLANNING),
    "plans.part_delete": _plan(PLANNING, PLANNING),
    "plans.part_move": _plan(NOBODY, PLANNING),
    "plans.members": _plan(PLANNING, PLANNING),
    "plans.member_remove": _plan(NOBODY, PLANNING),
    # The journey: everyone reads it (a proposal says which moments it moves)
    "journey.show": _plan(EVERY_ROLE),
    "journey.moment_create": _plan(PLANNING, PLANNING),
    "journey.moment_edit": _plan(PLANNING, PLANNING),
    "journey.moment_delete": _plan(PLANNING, PLANNING),
    "journey.influence_create": _plan(PLANNING, PLANNING),
    "journey.influence_edit": _plan(PLANNING, PLANNING),
    "journey.influence_delete": _plan(NOBODY, PLANNING),
    # Initiatives: a team member sees and changes its own team's
    "initiatives.index": _plan(EVERY_ROLE),
    "initiatives.create": _plan(PROPOSING, PROPOSING),
    "initiatives.edit": _plan(PROPOSING, PROPOSING),
    "initiatives.delete": _plan(PROPOSING, PROPOSING),
    # Spreadsheets into the plan
    "imports.upload": _plan(PLANNING, PLANNING),
    "imports.preview": _plan(PLANNING),
    "imports.confirm": _plan(NOBODY, PLANNING),
    "imports.cancel": _plan(NOBODY, PLANNING),
    "imports.template": _plan(PLANNING),
    "imports.workbook": _plan(ALL_READERS),
    # Runs, their say-no lists and exports
    "portfolio.show": _plan(ALL_READERS),
    "portfolio.run": _plan(NOBODY, MONEY),
    "portfolio.run_page": _plan(ALL_READERS),
    "portfolio.delete_run": _plan(MONEY, MONEY),
    "portfolio.publish": _plan(PLANNING, PLANNING),
    "portfolio.reproduce": _plan(NOBODY, MONEY),
    "portfolio.run_workbook": _plan(ALL_READERS),
    "portfolio.funded_csv": _plan(ALL_READERS),
    "portfolio.not_funded_csv": _plan(ALL_READERS),
    "say_no.show": _plan(ALL_READERS),
    "say_no.explain_all": _plan(NOBODY, MONEY),
    "say_no.explanation": _plan(EVERY_ROLE),  # a team member: its own team's
    "say_no.memo": _plan(ALL_READERS),
    "say_no.memo_download": _plan(ALL_READERS),
    "teams.show": _plan(EVERY_ROLE),  # a team member: its own team
    # Finance: scenarios and the frontier
    "scenarios.index": _plan(ALL_READERS),
    "scenarios.show": _plan(ALL_READERS),
    "scenarios.create": _plan(MONEY, MONEY),
    "scenarios.edit": _plan(MONEY, MONEY),
    "scenarios.delete": _plan(MONEY, MONEY),
    "scenarios.solve": _plan(NOBODY, MONEY),
    "scenarios.solve_all": _plan(NOBODY, MONEY),
    "scenarios.promote": _plan(PLANNING, PLANNING),
    "scenarios.compare": _plan(ALL_READERS),
    "scenarios.compare_download": _plan(ALL_READERS),
    "appeals.new": _plan(PROPOSING, PROPOSING),  # a team member: its own team's
    "appeals.queue": _plan(PLANNING),
    "appeals.answer": _plan(NOBODY, PLANNING),
    "history.show": _plan(ALL_READERS),
    "history.download": _plan(ALL_READERS),
    "frontier.show": _plan(ALL_READERS),
    "frontier.portfolio": _plan(ALL_READERS),
}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def check_access() -> None:
    """Refuse what the signed-in person may not do here: 404 for a plan they have no role
    in (as if it did not exist), 403 for a page or a form their role does not allow."""
    rule = ACCESS.get(request.endpoint or "")
    if rule is None:
        abort(403, "This page is not open to anyone yet.")
    if rule.scope in ("public", "signed_in"):
        return
    if rule.scope == "admin":
        if not current_user.admin:
            abort(403, "Only an installation admin may do this.")
        return
    plan_id = (request.view_args or {}).get("plan_id")
    g.membership = None if current_user.admin else membership(current_user.user.id, plan_id)
    if current_user.admin:
        return
    if g.membership is None:
        abort(404, "There is no such plan.")
    allowed = rule.read if request.method in READ_METHODS else rule.write
    if g.membership.role not in allowed:
        abort(403, "Your role in this plan does not let you do this; nothing was changed.")


def membership(user_id: int, plan_id: int | None) -> Membership | None:
    from planner.database import reading
    if plan_id is None:
        return None
    with reading() as session:
        return session.exec(select(Membership).where(Membership.user_id == user_id,
                                                     Membership.plan_id == plan_id)).first()


def own_team() -> str | None:
    """The team a signed-in team member is limited to in this plan; None for everyone else
    (who sees every team)."""
    found = g.get("membership")
    return found.team if found is not None and found.role == TEAM else None


def may(endpoint: str, send: bool = False) -> bool:
    """Whether the signed-in person may open this page of the current plan (for links), or
    with `send`, send its form (for buttons)."""
    rule = ACCESS.get(endpoint)
    if rule is None or not current_user.is_authenticated:
        return False
    if current_user.admin or rule.scope in ("public", "signed_in"):
        return True
    if rule.scope == "admin":
        return False
    found = g.get("membership")
    return found is not None and found.role in (rule.write if send else rule.read)
