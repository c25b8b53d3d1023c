"""The delivery page: the published decision's funded work, team by team, each with its
delivery status; and the form a team sets its own work's status with."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, url_for
from sqlmodel import Session, select
from wtforms import HiddenField, SelectField
from wtforms.validators import Optional

from models import Initiative
from models.initiative import DELIVERY
from models.queries import published_run
from optimizer.planfile.ranges import MONEY
from planner import number_kinds as kinds
from planner.accounts.access import own_team
from planner.database import get_session
from planner.forms import AtLeast, Form, Number, choices
from planner.views import commit, current_plan, row_or_404
from planner.web import number

bp = Blueprint("delivery", __name__)

STATUS_WORDS = {"planned": "Planned", "in progress": "In progress", "delivered": "Delivered",
                "dropped": "Dropped"}
BACK = {"delivery": "delivery.show", "teams": "teams.show"}  # where the form returns to


class DeliveryForm(Form):
    status = SelectField("Delivery status", choices=choices(STATUS_WORDS.items()))
    # What it actually cost (optional; empty leaves it as recorded): the cycle review weighs
    # it against the planned cost (planner/review/shares.py).
    actual_cost = Number("Actual cost", [Optional(), AtLeast.of(MONEY)], kind=kinds.MONEY)
    back = HiddenField()


@dataclass(frozen=True)
class Funded:
    """A piece of funded work of the decision and its status (None: no longer in the plan)."""

    key: str
    name: str
    team: str
    initiative: Initiative | None


def funded_work(session: Session, plan_id: int) -> list[Funded] | None:
    """The decision's funded work with the plan's rows for it, by team and name; None
    without a published decision."""
    decided = published_run(session=session, plan_id=plan_id)
    if decided is None:
        return None
    run = decided[0]
    rows = {i.key: i for i in session.exec(select(Initiative).where(
        Initiative.plan_id == plan_id, Initiative.key.in_(run.result["funded"]))).all()}
    solved = {i["id"]: i for i in run.inputs["initiatives"]}
    work = [Funded(key, solved[key]["name"], solved[key].get("team", ""), rows.get(key))
            for key in run.result["funded"]]
    return sorted(work, key=lambda w: (w.team == "", w.team.casefold(), w.name.casefold()))


@bp.get("/plans/<int:plan_id>/delivery")
def show():
    """The funded work and how far each team has got with it (a team member: its own)."""
    plan, session = current_plan(), get_session()
    work, team = funded_work(session, plan.id), own_team()
    if work is not None and team is not None:
        work = [w for w in work if w.team == team]
    counts = Counter(w.initiative.delivery for w in work or [] if w.initiative is not None)
    return render_template("delivery/show.html", plan=plan, work=work, words=STATUS_WORDS,
                           counts=[(STATUS_WORDS[s], counts[s]) for s in DELIVERY if counts[s]],
                           form=DeliveryForm(back="delivery"))


@bp.post("/plans/<int:plan_id>/initiatives/<int:initiative_id>/delivery")
def update(initiative_id: int):
    """Set the delivery status of a piece of the decision's funded work."""
    plan, session = current_plan(), get_session()
    initiative = row_or_404(Initiative, plan.id, initiative_id)
    form = DeliveryForm()
    if not form.validate_on_submit():
        if form.actual_cost.errors:
            abort(422, f"Actual cost: {form.actual_cost.errors[0]} Nothing was changed.")
        abort(422, "Delivery status: choose planned, in progress, delivered or dropped; "
                   "nothing was changed.")
    decided = published_run(session=session, plan_id=plan.id)
    if decided is None or initiative.key not in decided[0].result["funded"]:
        abort(409, f'"{initiative.name}" is not funded by the published decision: only '
                   "funded work has a delivery status; nothing was changed.")
    cost = form.actual_cost.data
    if initiative.delivery != form.status.data or (
            cost is not None and cost != initiative.actual_cost):
        initiative.delivery = form.status.data
        if cost is not None:
            initiative.actual_cost = cost
        session.add(initiative)
        said = f", actual cost {number(cost)}" if cost is not None else ""
        commit(f'"{initiative.name}": {STATUS_WORDS[form.status.data].lower()}{said}.')
    back = BACK.get(form.back.data or "", "delivery.show")
    extra = {"team": initiative.team} if back == "teams.show" else {}
    return redirect(url_for(back, **extra), 303)
