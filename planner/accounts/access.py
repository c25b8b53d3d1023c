"""Who may do what, as one table: for every page, the roles that may open it and the roles
that may send its form, checked before any view runs (a page missing from the table is
refused, and tests/planner/accounts/test_access.py fails on it).

Roles are per plan (models.Membership): the CX lead does everything in the plan; finance
handles budgets, runs, scenarios and the frontier and reads the rest; a team member
proposes and edits its own team's initiatives and reads its own team's decisions (the views
narrow what it sees to its team); a viewer reads. An installation admin may do everything
in every plan, and alone makes plans. Someone with no role in a plan finds no such plan,
and a team member finds no such row where a page names one its role does not open.

The cycle's state narrows the table (models.plan): a team member proposes only while the
plan is open for proposals and appeals only once it is decided; a closed plan takes no
change at all but being reopened (or, by an admin, deleted). A form page the state closes
may name a page that reads the same row (Rule.read_instead): its GET opens that instead,
so a team member's own initiative stays readable once decided.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, redirect, request, url_for
from flask_login import current_user
from sqlmodel import select

from models import Initiative, Membership, Plan
from models.plan import CLOSED, DECIDED, OPEN
from planner.database import get_session
from planner.views import current_plan
from planner.web import LARGEST_ID

LEAD, FINANCE, TEAM, VIEWER = "lead", "finance", "team", "viewer"
ROLE_NAMES = {LEAD: "CX lead", FINANCE: "Finance", TEAM: "Team member", VIEWER: "Viewer"}
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
    # The states in which a team member may open the page and send its form; None: any.
    team_while: frozenset[str] | None = None
    when_closed: bool = False  # whether its form may be sent while the plan is closed
    # What a team member does on the page, for the refusal in another state; "": what
    # TEAM_CAN says of the state it is open in.
    team_does: str = ""
    # A form page whose form the cycle's state closes to its reader is opened, instead of
    # refused, as this page (same ids), which shows the same row read-only: one's own
    # initiative stays readable once decided or closed. "": refused.
    read_instead: str = ""


def _plan(read: frozenset[str], write: frozenset[str] = NOBODY, *,
          team_while: frozenset[str] | None = None, when_closed: bool = False,
          team_does: str = "", read_instead: str = "") -> Rule:
    return Rule("plan", read, write, team_while, when_closed, team_does, read_instead)


PROPOSALS, APPEALS = frozenset({OPEN}), frozenset({DECIDED})


PUBLIC, SIGNED_IN, ADMIN = Rule("public"), Rule("signed_in"), Rule("admin")
ACCESS: dict[str, Rule] = {
    "static": PUBLIC, "service.healthz": PUBLIC, "accounts.sign_in": PUBLIC,
    "accounts.setup": PUBLIC,
    "accounts.sign_out": SIGNED_IN, "accounts.password": SIGNED_IN, "plans.index": SIGNED_IN,
    "plans.create": ADMIN, "imports.new_plan": ADMIN, "accounts.people": ADMIN,
    "accounts.person_active": ADMIN, "accounts.person_admin": ADMIN,
    # Single sign-on (planner/sso): the flow starts and ends before anyone is signed in
    "sso.login": PUBLIC, "sso.callback": PUBLIC,
    # Group mappings and local passwords, on the People page (planner/groups)
    "groups.map": ADMIN, "groups.unmap": ADMIN, "groups.passwords": ADMIN,
    # One's own account (the mails one gets) and the installation's outbox (planner/mail)
    "mail.account": SIGNED_IN, "mail.outbox": ADMIN, "mail.resend": ADMIN,
    "tokens.tokens": SIGNED_IN, "tokens.revoke": SIGNED_IN,
    # The JSON API's description and reference (planner/api); each operation takes the rule
    # of the page it follows when the API is made (planner/api/core.py)
    "api-docs.openapi_json": PUBLIC, "api_docs.reference": PUBLIC,
    "plans.delete": Rule("admin", when_closed=True),
    # The plan, its settings and its lists
    "plans.show": _plan(ALL_READERS),
    "plans.state": _plan(NOBODY, PLANNING, when_closed=True),  # the cycle moves on
    "plans.edit": _plan(MONEY, MONEY),  # the budget and the finance settings
    "plans.download": _plan(ALL_READERS),
    "plans.part_create": _plan(PLANNING, PLANNING),
    "plans.part_edit": _plan(PLANNING, PLANNING),
    "plans.part_delete": _plan(PLANNING, PLANNING),
    "plans.part_move": _plan(NOBODY, PLANNING),
    # Someone may still be given a role in a closed plan (to read it, say)
    "plans.members": _plan(PLANNING, PLANNING, when_closed=True),
    "plans.member_remove": _plan(NOBODY, PLANNING, when_closed=True),
    # The journey: everyone reads it (a proposal says which moments it moves)
    "journey.show": _plan(EVERY_ROLE),
    "journey.moment_create": _plan(PLANNING, PLANNING),
    "journey.moment_edit": _plan(PLANNING, PLANNING),
    "journey.moment_delete": _plan(PLANNING, PLANNING),
    "journey.influence_create": _plan(PLANNING, PLANNING),
    "journey.influence_edit": _plan(PLANNING, PLANNING),
    "journey.influence_delete": _plan(NOBODY, PLANNING),
    # scores are measured after the decision, so they are recorded in a closed cycle too
    "journey.measurements": _plan(EVERY_ROLE, PLANNING, when_closed=True),
    "journey.measurement_delete": _plan(NOBODY, PLANNING, when_closed=True),
    # Initiatives: a team member sees and changes its own team's (an initiative named by
    # id: _their_own_row), and reads its own whatever the state
    "initiatives.index": _plan(EVERY_ROLE),
    "initiatives.show": _plan(EVERY_ROLE),
    "initiatives.create": _plan(PROPOSING, PROPOSING, team_while=PROPOSALS),
    "initiatives.edit": _plan(PROPOSING, PROPOSING, team_while=PROPOSALS,
                              read_instead="initiatives.show"),
    "initiatives.delete": _plan(PROPOSING, PROPOSING, team_while=PROPOSALS,
                                read_instead="initiatives.show"),
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
    "teams.show": _plan(EVERY_ROLE),
    "owners.index": _plan(EVERY_ROLE),
    "owners.show": _plan(EVERY_ROLE),  # a team member: its own team
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
    # a team member: its own team's
    "appeals.new": _plan(PROPOSING, PROPOSING, team_while=APPEALS),
    "appeals.queue": _plan(PLANNING),
    "appeals.answer": _plan(NOBODY, PLANNING),
    # Delivery of the funded work: a team member sets its own team's, once decided
    "delivery.show": _plan(EVERY_ROLE),
    "delivery.update": _plan(NOBODY, PROPOSING, team_while=APPEALS, team_does=(
        "sets how far its funded work has got only while the plan is decided")),
    # The cycle review, and the next cycle started from a decided one
    "review.show": _plan(EVERY_ROLE),
    "review.next_cycle": _plan(PLANNING, PLANNING, when_closed=True),
    # the default ranges the review proposes, accepted into a plan the lead leads
    "review.accept_shares": _plan(NOBODY, PLANNING, when_closed=True),
    "history.show": _plan(ALL_READERS),
    "history.download": _plan(ALL_READERS),
    "jobs.show": _plan(ALL_READERS),
    "jobs.progress": _plan(ALL_READERS),
    "jobs.cancel_job": _plan(NOBODY, MONEY),
    "frontier.show": _plan(ALL_READERS),
    "frontier.portfolio": _plan(ALL_READERS),
    # How sure a run's choice is: read by whoever reads the run; its money by finance and
    # the CX lead, who start its jobs and save the robust portfolio as a what-if
    "uncertainty.show": _plan(ALL_READERS),
    "uncertainty.finance": _plan(MONEY),
    "uncertainty.alternatives": _plan(ALL_READERS),
    "uncertainty.start_robust": _plan(NOBODY, MONEY),
    "uncertainty.start_alternatives": _plan(NOBODY, MONEY),
    "uncertainty.save_robust": _plan(NOBODY, MONEY),
}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
STATE_WORDS = {"draft": "a draft", "open": "open for proposals", "decided": "decided",
               "closed": "closed"}
TEAM_CAN = {OPEN: "proposes and edits initiatives only while it is open for proposals",
            DECIDED: "appeals only once it is decided, against the published decision"}


def check_access() -> None:
    """Refuse what the signed-in person may not do here: 404 for a plan they have no role
    in (as if it did not exist), and for a team member a row its role does not open; 403
    for a page or a form their role, or the cycle's state, does not allow."""
    rule = ACCESS.get(request.endpoint or "")
    if rule is None:
        abort(403, "This page is not open to anyone yet.")
    if rule.scope in ("public", "signed_in"):
        return
    g.membership, g.plan_state = None, None  # an admin's, or a page of no plan
    if rule.scope == "admin" and not current_user.admin:
        abort(403, "Only an installation admin may do this.")
    if g.get("plan_id") is not None:
        plan = current_plan()  # the page's plan, read once for the view too; or 404
        g.plan_state = plan.state
        if not current_user.admin:
            g.membership = _membership(plan)
    if rule.scope == "plan" and not current_user.admin:
        if g.membership is None:
            abort(404, "There is no such plan.")
        if not _role_allows(rule, g.membership.role, request.method not in READ_METHODS):
            if g.membership.role == TEAM and _names_a_row():
                abort(404, "There is no such record in this plan.")
            abort(403, "Your role in this plan does not let you do this; nothing was "
                       "changed.")
        if g.membership.role == TEAM and not _their_own_row(g.membership):
            abort(404, "There is no such record in this plan.")
    send = request.method not in READ_METHODS
    refused = _state_refuses(rule, send)
    if refused and rule.read_instead and not send:
        abort(redirect(url_for(rule.read_instead, **(request.view_args or {}))))
    if refused:
        abort(403, refused)


def _membership(plan: Plan) -> Membership | None:
    """The signed-in person's role in the page's plan, if they have one."""
    return get_session().exec(select(Membership).where(
        Membership.user_id == current_user.user.id, Membership.plan_id == plan.id)).first()


def _their_own_row(found: Membership) -> bool:
    """Whether an initiative the page names is the team member's own team's: another
    team's is, to it, one that does not exist (before what the cycle's state allows)."""
    initiative_id = (request.view_args or {}).get("initiative_id")
    if initiative_id is None:
        return True
    if not 1 <= initiative_id <= LARGEST_ID:
        return False
    team_id = get_session().exec(select(Initiative.team_id).where(
        Initiative.id == initiative_id, Initiative.plan_id == found.plan_id)).first()
    return team_id is not None and team_id == found.team_id


def _role_allows(rule: Rule, role: str, send: bool) -> bool:
    return role in (rule.write if send else rule.read)


def _names_a_row() -> bool:
    """Whether the page names a row of the plan (a run, an initiative, ...), not only the
    plan (whose id planner.views.pull_plan_id took): a team member is not told that a row
    it may not open exists."""
    return bool(request.view_args)


def _state_refuses(rule: Rule, send: bool) -> str | None:
    """Why the plan's state refuses this page or its form to the signed-in person, if so."""
    state, found = g.get("plan_state"), g.get("membership")
    form_page = bool(rule.write) and rule.read == rule.write  # opened only to be sent
    if state == CLOSED and (send or form_page) and not rule.when_closed:
        return ("This plan is closed: it is kept as it was decided, and nothing in it can "
                "change. Its CX lead can reopen it.")
    if (found is not None and found.role == TEAM and rule.team_while is not None
            and state not in rule.team_while):
        does = rule.team_does or TEAM_CAN[next(iter(rule.team_while))]
        return (f"The plan is {STATE_WORDS.get(state or '', state)}: a team member "
                f"{does}; nothing was changed.")
    return None


def own_team() -> str | None:
    """The team a signed-in team member is limited to in this plan; None for everyone else
    (who sees every team)."""
    found = g.get("membership")
    return found.team if found is not None and found.role == TEAM else None


def may(endpoint: str, send: bool = False) -> bool:
    """Whether the signed-in person may open this page of the current plan (for links), or
    with `send`, send its form (for buttons): the same rules as check_access."""
    rule = ACCESS.get(endpoint)
    if rule is None or not current_user.is_authenticated:
        return False
    if rule.scope in ("public", "signed_in"):
        return True
    if rule.scope == "admin" and not current_user.admin:
        return False
    if rule.scope == "plan" and not current_user.admin:
        found = g.get("membership")
        if found is None or not _role_allows(rule, found.role, send):
            return False
    return _state_refuses(rule, send) is None
