"""The cycle review page with the default ranges it proposes for the CX lead to accept, and
the form that starts the next cycle from a decided one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlmodel import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired

import optimizer
from models import Initiative, Membership, Plan
from models.plan import CLOSED
from models.queries import moments_of, published_run
from planner.accounts.access import LEAD, own_team
from planner.database import get_session
from planner.delivery.views import STATUS_WORDS
from planner.forms import Form, Longest, choices
from planner.journey.trend import measurements_of
from planner.plans.cycle import published
from planner.plans.parts import in_quotes
from planner.review.figures import MOST_DOUBT, Reading, review
from planner.review.next_cycle import start_next_cycle
from planner.review.shares import cost_ratios, no_actual_cost, propose, uplift_ratios
from planner.views import claim_version, commit, current_plan, form_page

bp = Blueprint("review", __name__)


class NextCycleForm(Form):
    name = StringField("Name of the next cycle's plan", [DataRequired(), Longest(200)])


def _figures(plan_id: int):
    """The published decision with its review; None without a decision."""
    session = get_session()
    decided = published_run(session=session, plan_id=plan_id)
    if decided is None:
        return None
    run, publication = decided
    keys = {moment.id: moment.key for moment in moments_of(session=session, plan_id=plan_id)}
    measured = {keys[moment_id]: [Reading(m.taken_on, m.score) for m in found]
                for moment_id, found in measurements_of(session, plan_id=plan_id).items()}
    rows = session.exec(select(Initiative.key, Initiative.delivery, Initiative.actual_cost)
                        .where(Initiative.plan_id == plan_id,
                               Initiative.key.in_(run.result["funded"]))).all()
    delivery = {key: status for key, status, _cost in rows}
    costs = cost_ratios(run.inputs, delivery, {key: cost for key, _status, cost in rows})
    day = publication.created_at.date()
    moments, teams = review(run.inputs, run.result, day, delivery, measured)
    proposals = [propose("cost", costs) if costs else no_actual_cost(),
                 propose("effects", uplift_ratios(run.inputs, run.result, moments, delivery))]
    return run, publication, moments, teams, proposals


@bp.get("/plans/<int:plan_id>/review")
def show():
    """Per focus moment, expected against measured since the decision; per team, what its
    delivered work realised against what was expected, with a suggested confidence (a team
    member: its own team's, as the delivery page shows it only its own team's work)."""
    plan, team = current_plan(), own_team()
    found = _figures(plan.id)
    run, publication, moments, teams, proposals = found if found else (
        None, None, [], [], [])
    if team is not None:  # the proposed shares weigh every team's work: not a team's page
        teams, proposals = [reviewed for reviewed in teams if reviewed.team == team], []
    form = SharesForm()
    form.target.choices = _targets(get_session(), plan)
    return render_template("review/show.html", plan=plan, run=run, publication=publication,
                           moments=moments, teams=teams, team=team, words=STATUS_WORDS,
                           most_doubt=MOST_DOUBT, proposals=proposals, shares_form=form)


@bp.post("/plans/<int:plan_id>/review/shares")
def accept_shares():
    """The CX lead accepts the proposed default shares: written to the chosen plan's
    default ranges (the next cycle's, or this one while it is not closed), each kind
    proposed replacing that kind's, the others kept."""
    plan, session = current_plan(), get_session()
    form = SharesForm()
    form.target.choices = _targets(session, plan)
    if not form.validate_on_submit():
        abort(400, "The form had expired or named no plan you lead that is open to change; "
                   "nothing was written. Reload the page and try again.")
    found = _figures(plan.id)
    proposed = {p.kind: list(p.shares) for p in (found[4] if found else []) if p.shares}
    if not proposed:
        abort(409, "No default shares are proposed from this cycle; nothing was written.")
    target = session.get(Plan, form.target.data)
    if not claim_version(session, target, target.version):
        abort(409, "Someone saved that plan at the same moment; nothing was written. "
                   "Reload the page and try again.")
    target.uncertainty = {**(target.uncertainty or {}), **proposed}
    words = ", ".join(f"{kind} {low * 100:.0f}%-{high * 100:.0f}%"
                      for kind, (low, high) in proposed.items())
    if commit(f"{in_quotes(target.name)} now takes these default ranges: {words}."):
        return redirect(url_for("plans.show", plan_id=target.id), 303)
    return redirect(url_for("review.show"), 303)


class SharesForm(Form):
    target = SelectField("Write them to", coerce=int,
                         description="The plan whose default ranges they become.")


def _targets(session, plan: Plan) -> list[Any]:
    """The plans the signed-in CX lead may write default ranges to, newest first: those it
    leads (an admin: every plan) that are not closed, this one among them if open."""
    statement = select(Plan.id, Plan.name).where(Plan.state != CLOSED).order_by(Plan.id.desc())
    if not current_user.admin:
        statement = statement.join(Membership, Membership.plan_id == Plan.id).where(
            Membership.user_id == current_user.user.id, Membership.role == LEAD)
    return choices((plan_id, name + (" (this plan)" if plan_id == plan.id else ""))
                   for plan_id, name in session.exec(statement).all())


@bp.route("/plans/<int:plan_id>/next-cycle", methods=["GET", "POST"])
def next_cycle():
    """Start the next cycle from this decided one: a new plan, the old one kept as it was."""
    plan, session = current_plan(), get_session()
    decided = published(session, plan.id)
    form = NextCycleForm(name=f"{plan.name}, next cycle")
    if form.validate_on_submit():
        if not decided:
            form.form_errors.append("This plan has no published decision yet: the next "
                                    "cycle starts from a decided one. Nothing was made.")
        else:
            try:
                added, at_ceiling = start_next_cycle(session, plan, form.name.data.strip())
            except optimizer.PlanError as refused:
                form.name.errors = [p.removeprefix("plan: ") for p in refused.problems]
            else:
                if commit(f'"{added.name}" is started from this cycle, a draft: its journey, '
                          "owners, the latest measured scores as its baseline scores with "
                          "the headroom left above them, and the work not funded."
                          + _ceiling_words(at_ceiling)):
                    return redirect(url_for("journey.show", plan_id=added.id), 303)
    return form_page("review/next_cycle.html", form, plan=plan, decided=decided)


def _ceiling_words(names: list[str]) -> str:
    """The moments measured at or past the ceiling they were planned with, to be looked at."""
    if not names:
        return ""
    listed = ", ".join(f'"{name}"' for name in names)
    one = len(names) == 1
    return (f" Measured at or past the ceiling {'it was' if one else 'they were'} planned "
            f"with, so with no headroom left: {listed}; check "
            f"{'its headroom on its' if one else 'their headroom on their'} page.")
