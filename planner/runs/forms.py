"""The form that starts a run of the optimiser."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import NumberRange, Optional

from planner.forms import AtLeast, Number, WholeNumber


class RunForm(FlaskForm):
    budget = Number("Budget for this run", [Optional(), AtLeast(0)],
                    description="Empty: the plan's budget.")
    max_focus = WholeNumber("Focus moments", [Optional(), NumberRange(1, 20)],
                             description="Empty: the plan's setting.")
