"""Initiatives: the list (with filters and latest-run status), create, edit, delete."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from models import Initiative
from models.queries import deciding_run, initiative_page, latest_run, moments_of
from planner.accounts.access import own_team
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.initiatives.forms import InitiativeForm, initiative_form
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
    verdicts = Verdicts(deciding_run(session=session, plan_id=plan.id, team_member=True)[0]
                        if own is not None else latest_run(session=session, plan_id=plan.id))
    return render_template("initiatives/index.html", plan=plan, initiatives=initiatives,
                           moment_names={m.id: m.name for m in moments}, team=team,
                           moment=moment, verdicts=verdicts, search=search,
                           page=page)


@bp.route("/plans/<int:plan_id>/initiatives/new", methods=["GET", "POST"])
def create():
    """Propose an initiative: cost, capacity, the moments it moves, dependencies."""
    plan, session = current_plan(), get_session()
    if not plan.moments:
        flash("Add the journey's moments first: an initiative has to move at least one.", "error")
        return redirect(url_for("journey.moment_create"))
    form = initiative_form(session, plan.id)
    if form.validate_on_submit():
        initiative = Initiative(plan_id=plan.id, key="", name="")
        _within_team(form, "auto", "")
        form.save(initiative)
        session.add(initiative)
        if commit(f'Initiative "{initiative.name}" added.'):
            return redirect(url_for("initiatives.index"))
    return form_page("initiatives/form.html", form, plan=plan, initiative=None)


@bp.route("/plans/<int:plan_id>/initiatives/<int:initiative_id>/edit", methods=["GET", "POST"])
def edit(initiative_id: int):
    """Change an initiative; a save from a stale page is refused with a conflict message."""
    plan, session = current_plan(), get_session()
    initiative = row_or_404(Initiative, plan.id, initiative_id)  # a team member: its own
    decided = initiative.decision, initiative.reason
    form = initiative_form(session, plan.id, own_id=initiative.id)
    if not form.is_submitted():
        form.fill(initiative)
    elif form.validate():
        if not claim_version(session, initiative, form.version.data):
            return conflict_page("initiatives/form.html", form, plan=plan,
                             initiative=initiative)
        _within_team(form, *decided)
        form.save(initiative)
        if commit(f'Initiative "{initiative.name}" saved.'):
            return redirect(url_for("initiatives.index"))
    return form_page("initiatives/form.html", form, plan=plan, initiative=initiative)


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




def _within_team(form: InitiativeForm, decision: str, reason: str) -> None:
    """A team member proposes for its own team, and leaves forced decisions to the lead:
    what it sent for these is set aside before the form is saved."""
    team = own_team()
    if team is not None:
        form.team.data, form.decision.data, form.reason.data = team, decision, reason
