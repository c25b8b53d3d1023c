"""Appeal a rejection of the published decision; the CX lead's queue and answers."""

from __future__ import annotations

from blinker import Signal
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select
from wtforms import StringField

from models import Appeal
from optimizer import PlanError
from optimizer.say_no import quoted
from planner.accounts.access import own_team
from planner.appeals.accept import apply, declined
from planner.appeals.effect import effect
from planner.appeals.forms import appeal_form
from planner.appeals.history import history_of, old_link
from planner.database import get_session
from planner.forms import Form, Longest
from planner.runs.explanations import stored_explanations
from planner.runs.say_no import rejection_or_404
from planner.runs.views import solve_options
from planner.views import commit, current_plan, form_page, plan_and_run, row_or_404

bp = Blueprint("appeals", __name__)
# Sent in the change's transaction, before its commit, with the session and the Appeal:
# what builds on appeals adds its rows to the change (planner/notices: the mail to the
# plan's CX leads, and to the person who appealed once it is answered).
appealed = Signal("an appeal is made")
answered = Signal("an appeal is accepted or declined")


@bp.app_template_global("appeals_of")
def appeals_of(plan_id: int, key: str) -> list:
    """Every appeal on an initiative, for the rejection's explanation page (say_no), which
    shows them without importing this feature: appeals build on runs, not the reverse."""
    return history_of(get_session(), plan_id, key)


@bp.before_app_request
def lead_on_old_links():
    """A team member's link to the explanation of a decision since replaced, where they
    appealed, leads to the rejection now or to what became of the appeal (old_link), never
    to a page that no longer says anything true. Runs after the access check (registered
    by planner.accounts before any feature)."""
    if request.endpoint != "say_no.explanation" or own_team() is None:
        return None
    args = request.view_args or {}
    plan, saved = plan_and_run(args["run_id"])
    return old_link(plan.id, saved, args["key"])


class AnswerForm(Form):
    answer = StringField("Reason", [Longest(1000)])


@bp.route("/plans/<int:plan_id>/runs/<int:run_id>/say-no/<key>/appeal",
          methods=["GET", "POST"])
def new(run_id: int, key: str):
    """Appeal against the rejection of one's own team's initiative in the decision, with a
    new figure for any input its explanation names."""
    plan, saved = plan_and_run(run_id)
    moved = old_link(plan.id, saved, key)
    if moved is not None:  # a link to a decision since replaced
        return moved
    entry, _ = rejection_or_404(plan.id, saved, key, decision_only=True)
    form = appeal_form(saved.inputs, key)
    if form.validate_on_submit() and (figures := form.figures()) is not None:
        try:
            found = effect(saved.inputs, saved.result["funded"], key, figures, solve_options())
        except PlanError as error:  # said on the form; nothing saved
            form.cost.errors = ["With these figures the plan does not pass its checks: "
                                + "; ".join(error.problems[:3])]
            return form_page("appeals/new.html", form, status=422, plan=plan, run=saved,
                             entry=entry, explanation=None)
        appeal = Appeal(plan_id=plan.id, run_id=saved.id, key=key, who=current_user.name,
                        user_id=current_user.user.id, cost=figures.cost,
                        confidence=figures.confidence, changes=figures.changes,
                        note=form.note.data.strip(), effect=found)
        get_session().add(appeal)
        appealed.send(current_app._get_current_object(), session=get_session(), appeal=appeal)
        if commit(f"Appeal for {quoted(entry['name'])} sent to the CX lead."):
            return redirect(url_for("say_no.explanation", run_id=saved.id, key=key))
    explained = stored_explanations(session=get_session(), run_id=saved.id, keys=[key])
    return form_page("appeals/new.html", form, plan=plan, run=saved, entry=entry,
                     explanation=explained.get(key))


@bp.get("/plans/<int:plan_id>/appeals")
def queue():
    """The CX lead's appeals: open first, each with what its figures would change."""
    plan, session = current_plan(), get_session()
    appeals = session.exec(select(Appeal).where(Appeal.plan_id == plan.id)
                           .order_by(Appeal.status != "open", Appeal.id.desc())).all()
    stories = {story.appeal.id: story for key in {a.key for a in appeals}
               for story in history_of(session, plan.id, key)}
    return render_template("appeals/queue.html", plan=plan, appeals=appeals,
                           stories=stories, form=AnswerForm())


@bp.post("/plans/<int:plan_id>/appeals/<int:appeal_id>/<answer>")
def answer(appeal_id: int, answer: str):
    """Accept (every new figure becomes the initiative's; run and publish again to decide)
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
        apply(session, plan.id, appeal)
    else:
        session.add(declined(plan.id, appeal, reason))
    appeal.status = "accepted" if answer == "accept" else "declined"
    appeal.answer, appeal.answered_by = reason, current_user.name
    answered.send(current_app._get_current_object(), session=session, appeal=appeal)
    commit("Appeal accepted: its figures are the initiative's now; run the plan again and "
           "publish to decide." if answer == "accept" else "Appeal declined.")
    return redirect(url_for("appeals.queue"))
