"""Moments of truth and influences: create, edit, delete (views on the journey blueprint)."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from sqlmodel import Session

from models import Influence, Initiative, Moment
from models.queries import users_of_moment
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.journey.forms import InfluenceForm, MomentForm
from planner.views import (
    Routes,
    claim_version,
    commit,
    conflict_page,
    current_plan,
    form_page,
    row_or_404,
)

routes = Routes()


def add_moment(session: Session, plan_id: int, form: MomentForm) -> Moment:
    """A new moment from its validated form, added to the session (the caller commits):
    the page and the API add them so."""
    moment = Moment(plan_id=plan_id, key="", name="")
    form.save(moment)
    session.add(moment)
    return moment


def moment_users(session: Session, moment: Moment) -> tuple[list[Initiative], list[Initiative]]:
    """The initiatives that move the moment, and those of them that move it alone: while
    there is one, the moment is not deleted (it would be left moving nothing)."""
    users = users_of_moment(session=session, moment_id=moment.id)
    return [i for i, _ in users], [initiative for initiative, moved in users if moved == 1]


def add_influence(session: Session, plan_id: int, form: InfluenceForm) -> Influence:
    """A new influence from its validated form, added to the session (the caller
    commits)."""
    influence = Influence(plan_id=plan_id, source_id=0, target_id=0, factor=1)
    form.save(influence)
    session.add(influence)
    return influence


@routes.route("/plans/<int:plan_id>/moments/new", methods=["GET", "POST"])
def moment_create():
    """Add a moment of truth to the journey."""
    plan, session = current_plan(), get_session()
    form = MomentForm(session=session, plan_id=plan.id)
    if form.validate_on_submit():
        moment = add_moment(session, plan.id, form)
        if commit(f'Moment "{moment.name}" added.'):
            return redirect(url_for("journey.show"))
    return form_page("journey/moment_form.html", form, plan=plan, moment=None)


@routes.route("/plans/<int:plan_id>/moments/<int:moment_id>/edit", methods=["GET", "POST"])
def moment_edit(moment_id: int):
    """Change a moment; a save from a stale page is refused, never silently applied."""
    plan, session = current_plan(), get_session()
    moment = row_or_404(Moment, plan.id, moment_id)
    form = MomentForm(session=session, plan_id=plan.id, own_id=moment.id)
    if not form.is_submitted():
        form.fill(moment)
    elif form.validate():
        if not claim_version(session, moment, form.version.data):
            return conflict_page("journey/moment_form.html", form, plan=plan, moment=moment)
        form.save(moment)
        if commit(f'Moment "{moment.name}" saved.'):
            return redirect(url_for("journey.show"))
    return form_page("journey/moment_form.html", form, plan=plan, moment=moment)


@routes.route("/plans/<int:plan_id>/moments/<int:moment_id>/delete", methods=["GET", "POST"])
def moment_delete(moment_id: int):
    """Delete a moment, after asking; refused while an initiative moves only this moment."""
    plan, session = current_plan(), get_session()
    moment = row_or_404(Moment, plan.id, moment_id)
    users, blockers = moment_users(session, moment)
    form = ConfirmForm()
    if not blockers and form.validate_on_submit():
        session.delete(moment)  # its effects and influences go with it (ON DELETE CASCADE)
        if commit(f'Moment "{moment.name}" deleted.'):
            return redirect(url_for("journey.show"))
    return render_template("journey/moment_delete.html", form=form, plan=plan, moment=moment,
                           users=users, blockers=blockers,
                           cancel=url_for("journey.show")), \
        409 if blockers and form.is_submitted() else 200


@routes.route("/plans/<int:plan_id>/influences/new", methods=["GET", "POST"])
def influence_create():
    """Say which customer moment a back-stage step feeds, and how strongly."""
    plan, session = current_plan(), get_session()
    form = InfluenceForm(session=session, plan_id=plan.id)
    if form.validate_on_submit():
        add_influence(session, plan.id, form)
        if commit(f"Influence added: {form.words()}."):
            return redirect(url_for("journey.show"))
    return form_page("journey/influence_form.html", form, plan=plan, influence=None)


@routes.route("/plans/<int:plan_id>/influences/<int:influence_id>/edit", methods=["GET", "POST"])
def influence_edit(influence_id: int):
    """Change an influence's step, moment or factor."""
    plan, session = current_plan(), get_session()
    influence = row_or_404(Influence, plan.id, influence_id)
    form = InfluenceForm(session=session, plan_id=plan.id, own_id=influence.id, obj=influence)
    if form.validate_on_submit():
        if not claim_version(session, influence, form.version.data):
            return conflict_page("journey/influence_form.html", form, plan=plan,
                             influence=influence)
        form.save(influence)
        if commit(f"Influence saved: {form.words()}."):
            return redirect(url_for("journey.show"))
    return form_page("journey/influence_form.html", form, plan=plan, influence=influence)


@routes.post("/plans/<int:plan_id>/influences/<int:influence_id>/delete")
def influence_delete(influence_id: int):
    """Delete an influence (it owns nothing, so there is nothing to ask)."""
    plan, session = current_plan(), get_session()
    influence = row_or_404(Influence, plan.id, influence_id)
    if ConfirmForm().validate_on_submit():
        session.delete(influence)
        commit("Influence deleted.")
    return redirect(url_for("journey.show"))
