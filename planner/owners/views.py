"""The owners' pages: everyone accountable for a moment, and one owner's moments with what
the decision asks of them."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from models.queries import deciding_run, moments_of
from planner.accounts.access import own_team
from planner.database import get_session
from planner.journey.trend import measurements_of, scores_of
from planner.owners.accountability import NO_OWNER, owners
from planner.views import current_plan

bp = Blueprint("owners", __name__)


def _owners():
    plan, session = current_plan(), get_session()
    run, published = deciding_run(session=session, plan_id=plan.id,
                                  team_member=own_team() is not None)
    return plan, owners(moments_of(session=session, plan_id=plan.id), run), run, published


@bp.get("/plans/<int:plan_id>/owners")
def index():
    """Every owner with its moments, focus moments and the funded work that moves them."""
    plan, found, run, published = _owners()
    return render_template("owners/index.html", plan=plan, owners=found, run=run,
                           published=published, no_owner=NO_OWNER)


@bp.get("/plans/<int:plan_id>/owners/<path:name>")
def show(name: str):
    """One owner's moments: focus or not, the work that moves each, what is expected."""
    plan, found, run, published = _owners()
    owner = next((owner for owner in found if owner.name == name and name), None)
    if owner is None:
        abort(404)
    measured = measurements_of(get_session(), plan_id=plan.id)
    scores = {owned.moment.id: scores_of(owned.moment, run, measured.get(owned.moment.id, []))
              for owned in owner.moments}
    return render_template("owners/show.html", plan=plan, owner=owner, run=run,
                           published=published, scores=scores)

