"""A moment's measured scores over time: the page that lists them and takes a new one
(views on the journey blueprint). Display and review only: the optimiser never reads them."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import redirect, url_for
from sqlmodel import Session
from wtforms import StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from models import Measurement, Moment
from models.queries import deciding_run
from optimizer.planfile.ranges import SCORE
from planner.accounts.access import own_team
from planner.database import get_session
from planner.forms import AtLeast, Form, Longest, Number, WholeNumber
from planner.journey.trend import measurements_of, scores_of
from planner.number_kinds import POINTS
from planner.views import Routes, commit, current_plan, form_page, row_or_404
from planner.web import number

routes = Routes()


class MeasurementForm(Form):
    taken_on = StringField("Date", [DataRequired()], description="As 2026-03-31.",
                           render_kw={"placeholder": "2026-03-31", "autocomplete": "off"})
    score = Number("Score", [InputRequired(), AtLeast.of(SCORE)], kind=POINTS,
                   description="On the scale the moment is measured on.")
    n = WholeNumber("Sample size", [Optional(), NumberRange(min=1, message="At least 1.")],
                    description="How many answers the score comes from; empty: unknown.")
    source = StringField("Source", [Longest(120)],
                         description='Where it comes from, such as "exit survey".')

    def validate_taken_on(self, field: Any) -> None:
        try:
            field.data = date.fromisoformat((field.data or "").strip()).isoformat()
        except ValueError as error:
            raise ValidationError("Enter a date as 2026-03-31.") from error


def add_measurement(session: Session, moment: Moment, form: MeasurementForm) -> Measurement:
    """A new measured score of the moment from its validated form, added to the session
    (the caller commits): the page and the API add them so."""
    measurement = Measurement(plan_id=moment.plan_id, moment_id=moment.id,
                              taken_on=date.fromisoformat(form.taken_on.data),
                              score=form.score.data, n=form.n.data,
                              source=(form.source.data or "").strip())
    session.add(measurement)
    return measurement


@routes.route("/plans/<int:plan_id>/moments/<int:moment_id>/measurements",
          methods=["GET", "POST"])
def measurements(moment_id: int):
    """A moment's measured scores, oldest first, and a form for a new one."""
    plan, session = current_plan(), get_session()
    moment = row_or_404(Moment, plan.id, moment_id)
    form = MeasurementForm()
    if form.validate_on_submit():
        add_measurement(session, moment, form)
        if commit(f'Score {number(form.score.data)} of "{moment.name}" on '
                  f"{form.taken_on.data} added."):
            return redirect(url_for("journey.measurements", moment_id=moment.id))
    found = measurements_of(session, moment_id=moment.id)[moment.id]
    # the target is the decision's: the published one, else the CX lead's latest draft
    run, published = deciding_run(session=session, plan_id=plan.id,
                                  team_member=own_team() is not None)
    scores = scores_of(moment, run, found)
    return form_page("journey/measurements.html", form, plan=plan, moment=moment,
                     measurements=found, trend=scores.trend, target=scores.target,
                     run=run, published=published)


@routes.post("/plans/<int:plan_id>/measurements/<int:measurement_id>/delete")
def measurement_delete(measurement_id: int):
    """Take a measurement away (a typing mistake): the record keeps who did."""
    plan, session = current_plan(), get_session()
    measurement = row_or_404(Measurement, plan.id, measurement_id)
    moment_id = measurement.moment_id
    session.delete(measurement)
    commit(f"The score of {measurement.taken_on.isoformat()} deleted.")
    return redirect(url_for("journey.measurements", moment_id=moment_id))
