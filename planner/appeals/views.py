"""Appeal a rejection of the published decision; the CX lead's queue and answers."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlmodel import select
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from models import Appeal, Initiative, InitiativeCost
from optimizer.planfile.ranges import MONEY, SHARE
from planner.appeals.effect import effect, shares_of
from planner.database import get_session
from planner.forms import Above, AtLeast, Form, Longest, Number
from planner.history.capture import line as record_line
from planner.runs.say_no import rejection_or_404
from planner.runs.views import solve_options
from planner.views import commit, current_plan, form_page, plan_and_run, row_or_404
from planner.web import number

bp = Blueprint("appeals", __name__)


class AppealForm(Form):
    cost = Number("New total cost", [Optional(), AtLeast.of(MONEY)],
                  description="Empty: as it is. Each period keeps its share.")
    confidence = Number("New confidence", [Optional(), Above(0, maximum=SHARE.high)],
                        percent=True, description="Empty: as it is. Such as 90%.")
    note = TextAreaField("The new evidence", [DataRequired(), Longest(2000)],
                         description="What changed: a quote, a pilot's result, a saving.")


class AnswerForm(Form):
    answer = StringField("Reason", [Longest(1000)])


@bp.route("/plans/<int:plan_id>/runs/<int:run_id>/say-no/<key>/appeal",
          methods=["GET", "POST"])
def new(run_id: int, key: str):
    """Appeal against the rejection of one's own team's initiative in the decision."""
    plan, saved = plan_and_run(run_id)
    entry, _ = rejection_or_404(plan.id, saved, key, decision_only=True)
    form = AppealForm()
    if form.validate_on_submit():
        if form.cost.data is None and form.confidence.data is None:
            form.cost.errors = ["Give a new cost or a new confidence (or both)."]
        else:
            found = effect(saved.inputs, saved.result["funded"], key, form.cost.data,
                           form.confidence.data, solve_options())
            get_session().add(Appeal(plan_id=plan.id, run_id=saved.id, key=key,
                                     who=current_user.name, cost=form.cost.data,
                                     confidence=form.confidence.data,
                                     note=form.note.data.strip(), effect=found))
            if commit(f'Appeal for "{entry["name"]}" sent to the CX lead.'):
                return redirect(url_for("say_no.explanation", run_id=saved.id, key=key))
    return form_page("appeals/new.html", form, plan=plan, run=saved, entry=entry)


@bp.get("/plans/<int:plan_id>/appeals")
def queue():
    """The CX lead's appeals: open first, each with what its figures would change."""
    plan = current_plan()
    appeals = get_session().exec(select(Appeal).where(Appeal.plan_id == plan.id)
                                 .order_by(Appeal.status != "open", Appeal.id.desc())).all()
    return render_template("appeals/queue.html", plan=plan, appeals=appeals,
                           form=AnswerForm())


@bp.post("/plans/<int:plan_id>/appeals/<int:appeal_id>/<answer>")
def answer(appeal_id: int, answer: str):
    """Accept (the new figures become the initiative's; run and publish again to decide)
    or decline, with a reason the team reads."""
    plan, session = current_plan(), get_session()
    appeal = row_or_404(Appeal, plan.id, appeal_id)
    form = AnswerForm()
    if answer not in ("accept", "decline") or appeal.status != "open" or not (
            form.validate_on_submit()):
        abort(400, "That answer could not be read, or the appeal was already answered.")
    reason = (form.answer.data or "").strip()
    if answer == "decline" and not reason:
        abort(400, "Say why it is declined: the team reads it.")
    if answer == "accept":
        _apply(session, plan.id, appeal)
    appeal.status = "accepted" if answer == "accept" else "declined"
    appeal.answer, appeal.answered_by = reason, current_user.name
    commit("Appeal accepted: its figures are the initiative's now; run the plan again and "
           "publish to decide." if answer == "accept" else "Appeal declined.")
    return redirect(url_for("appeals.queue"))


def _apply(session, plan_id: int, appeal: Appeal) -> None:
    initiative = session.exec(select(Initiative).where(Initiative.plan_id == plan_id,
                                                       Initiative.key == appeal.key)).first()
    if initiative is None:
        abort(409, "The initiative is no longer in the plan; decline the appeal instead.")
    if appeal.confidence is not None:
        initiative.confidence = appeal.confidence
    if appeal.cost is not None:
        costs = list(session.exec(select(InitiativeCost).where(
            InitiativeCost.initiative_id == initiative.id).order_by(InitiativeCost.id)).all())
        before = sum(c.amount for c in costs)
        for cost, amount in zip(costs, shares_of([c.amount for c in costs], appeal.cost),
                                strict=True):
            cost.amount = amount
        initiative.version += 1
        # its costs are rows of their own, which the record's hook does not follow
        session.add(record_line(plan_id, "changed", "initiative", initiative.key, "cost",
                                number(before), number(appeal.cost)))
