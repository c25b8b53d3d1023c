"""Appeal a rejection of the published decision; the CX lead's queue and answers."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from models import Appeal
from optimizer import PlanError
from optimizer.say_no import quoted
from planner.accounts.access import own_team
from planner.appeals.forms import AnswerForm, appeal_form
from planner.appeals.history import history_of, old_link
from planner.appeals.making import ANSWERS, DECLINE_WHY, answer_appeal, make_appeal, unchecked
from planner.appeals.making import answered as answered  # the notices listen to these here
from planner.appeals.making import appealed as appealed
from planner.database import get_session
from planner.runs.explanations import stored_explanations
from planner.runs.say_no import rejection_or_404
from planner.views import commit, current_plan, form_page, plan_and_run, row_or_404

bp = Blueprint("appeals", __name__)


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
            make_appeal(get_session(), saved, key, figures, form.note.data,
                        current_user.user)
        except PlanError as error:  # said on the form; nothing saved
            form.cost.errors = [unchecked(error)]
            return form_page("appeals/new.html", form, status=422, plan=plan, run=saved,
                             entry=entry, explanation=None)
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
    if answer not in ANSWERS or appeal.status != "open" or not (
            form.validate_on_submit()):
        abort(400, "That answer could not be read, or the appeal was already answered.")
    reason = (form.answer.data or "").strip()
    if answer == "decline" and not reason:
        abort(400, DECLINE_WHY)
    answer_appeal(session, appeal, answer, reason, current_user.name)
    commit("Appeal accepted: its figures are the initiative's now; run the plan again and "
           "publish to decide." if answer == "accept" else "Appeal declined.")
    return redirect(url_for("appeals.queue"))
