"""Initiatives: the list (with filters and the deciding run's status), one read-only,
create, edit, delete. A team member's form is narrowed to what it may set and read
(planner/initiatives/scope.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlmodel import select

from models import Initiative, InitiativeCost
from models.queries import deciding_run, initiative_page, moments_of
from planner.accounts.access import own_team
from planner.amounts import unusual_amount
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.initiatives.forms import InitiativeForm, initiative_form
from planner.initiatives.reading import standing
from planner.initiatives.saving import add_initiative, change_initiative
from planner.initiatives.scope import narrow, refusals, visible_ids
from planner.runs.reports import Verdicts
from planner.views import (
    claim_version,
    commit,
    conflict_page,
    current_plan,
    form_page,
    paged,
    query_text,
    row_or_404,
)

bp = Blueprint("initiatives", __name__)

PER_PAGE = 100  # a plan may hold 20,000: the page shows them a hundred at a time
MAX_SEARCH = 200


@bp.get("/plans/<int:plan_id>/initiatives")
def index():
    """The plan's initiatives a page at a time, optionally one team's or one moment's, or
    those whose name or id holds the words searched for."""
    plan, session = current_plan(), get_session()
    own = own_team()  # a team member sees its own team's, as decided when published
    team = own if own is not None else query_text("team")
    search = " ".join((query_text("q", MAX_SEARCH) or "").split())
    moments = moments_of(session=session, plan_id=plan.id)
    moment = next((m for m in moments if m.key == request.args.get("moment")), None)
    filters = {"session": session, "plan_id": plan.id, "team": team,
               "moment_id": moment.id if moment else None, "search": search}
    initiatives, page = paged(
        lambda number: initiative_page(**filters, page=number, per_page=PER_PAGE),
        request.args.get("page"), PER_PAGE)
    run, published = deciding_run(session=session, plan_id=plan.id,
                                  team_member=own is not None)
    return render_template("initiatives/index.html", plan=plan, initiatives=initiatives,
                           moment_names={m.id: m.name for m in moments}, team=team,
                           moment=moment, verdicts=Verdicts(run), published=published,
                           team_member=own is not None, search=search, page=page)


@bp.get("/plans/<int:plan_id>/initiatives/<int:initiative_id>")
def show(initiative_id: int):
    """One initiative, read-only: what it costs, uses, moves and links to, the decision
    that stands on it with its reason, the decisions published on it and its appeals. A
    team member reads its own team's, whatever the cycle's state."""
    plan, session = current_plan(), get_session()
    initiative = row_or_404(Initiative, plan.id, initiative_id)  # a team member: its own
    own = own_team()
    visible = visible_ids(session, plan.id, own)
    names = dict(session.exec(select(Initiative.id, Initiative.name)
                              .where(Initiative.plan_id == plan.id)).all())
    links = {kind: [names[link.other_id] for link in initiative.links
                    if link.kind == kind and (visible is None or link.other_id in visible)]
             for kind in ("requires", "excludes")}
    return render_template("initiatives/show.html", plan=plan, initiative=initiative,
                           links=links, moments={m.id: m for m in plan.moments},
                           periods={p.id: p for p in plan.periods},
                           resources={r.id: r for r in plan.resources},
                           standing=standing(session, plan.id, initiative, own is not None))


@bp.route("/plans/<int:plan_id>/initiatives/new", methods=["GET", "POST"])
def create():
    """Propose an initiative: cost, capacity, the moments it moves, dependencies."""
    plan, session = current_plan(), get_session()
    if not plan.moments:
        flash("Add the journey's moments first: an initiative has to move at least one.", "error")
        return redirect(url_for("journey.moment_create"))
    form = initiative_form(session, plan.id)
    scope = narrow(form, session, plan.id, own_team())
    if form.validate_on_submit() and not _refused(form, scope, None):
        initiative = add_initiative(session, plan.id, form, scope)
        if commit(f'Initiative "{initiative.name}" added.'):
            _warn_if_unusual(initiative, plan)
            return redirect(url_for("initiatives.index"))
    return form_page("initiatives/form.html", form, plan=plan, initiative=None, scope=scope)


@bp.route("/plans/<int:plan_id>/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
def edit(initiative_id: int):
    """Change an initiative; a save from a stale page is refused with a conflict message."""
    plan, session = current_plan(), get_session()
    initiative = row_or_404(Initiative, plan.id, initiative_id)  # a team member: its own
    form = initiative_form(session, plan.id, own_id=initiative.id)
    scope = narrow(form, session, plan.id, own_team(), initiative)
    if not form.is_submitted():
        form.fill(initiative)
    elif form.validate() and not _refused(form, scope, initiative):
        if not claim_version(session, initiative, form.version.data):
            return conflict_page("initiatives/form.html", form, plan=plan,
                                 initiative=initiative, scope=scope)
        change_initiative(form, scope, initiative)
        if commit(f'Initiative "{initiative.name}" saved.'):
            _warn_if_unusual(initiative, plan)
            return redirect(url_for("initiatives.index"))
    return form_page("initiatives/form.html", form, plan=plan, initiative=initiative,
                     scope=scope)


@bp.route("/plans/<int:plan_id>/initiatives/<int:initiative_id>/delete",
          methods=["GET", "POST"])
def delete(initiative_id: int):
    """Ask, then delete an initiative and the links other initiatives have to it."""
    plan, session = current_plan(), get_session()
    initiative = row_or_404(Initiative, plan.id, initiative_id)  # a team member: its own
    form = ConfirmForm()
    if form.validate_on_submit():
        session.delete(initiative)
        if commit(f'Initiative "{initiative.name}" deleted.'):
            return redirect(url_for("initiatives.index"))
    return render_template("confirm.html", form=form, plan=plan,
                           title=f'Delete initiative "{initiative.name}"?',
                           consequences=["Other initiatives that require or exclude it "
                                         "lose that link."],
                           cancel=url_for("initiatives.edit", initiative_id=initiative.id))



def _refused(form: InitiativeForm, scope, initiative: Initiative | None) -> bool:
    """Whether the request sent a field its reader may not set: refused whole, each such
    field named at the top of the form, nothing saved."""
    found = refusals(scope, initiative)
    if found:
        form.form_errors.extend([*found, "Nothing was saved."])
    return bool(found)


def _warn_if_unusual(initiative: Initiative, plan) -> None:
    """After a save: ask to confirm a cost far outside the plan's own range (a separator
    typed wrong, say), as a warning beside the saved message."""
    totals: dict[int, float] = {}
    for other_id, amount in get_session().exec(
            select(InitiativeCost.initiative_id, InitiativeCost.amount)
            .join(Initiative, InitiativeCost.initiative_id == Initiative.id)
            .where(Initiative.plan_id == plan.id, Initiative.id != initiative.id)).all():
        totals[other_id] = totals.get(other_id, 0.0) + amount
    words = unusual_amount(initiative.total_cost, list(totals.values()), what="cost",
                           currency=plan.currency)
    if words:
        flash(words, "warning")
