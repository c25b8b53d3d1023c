"""The frontier's forms: how many points to draw, and the budget of one point's portfolio.

Both are GET forms that change nothing, so they carry no CSRF token (the page stays
linkable and bookmarkable); the "Save as a run" button posts the run form, which has one.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, NumberRange

from optimizer.finance.frontier import DEFAULT_POINTS
from planner.forms import AtLeast, Number, WholeNumber

MIN_POINTS, MAX_POINTS = 2, 41


class FrontierForm(FlaskForm):
    class Meta:
        csrf = False

    points = WholeNumber(
        "Points", [InputRequired("Enter how many budgets to solve, such as 11."),
                   NumberRange(MIN_POINTS, MAX_POINTS)],
        default=DEFAULT_POINTS, render_kw={"min": MIN_POINTS, "max": MAX_POINTS},
        description=f"Budgets to solve, evenly spaced from nothing to the cost of every "
                    f"initiative ({MIN_POINTS} to {MAX_POINTS}); more points take longer.")


class PointForm(FlaskForm):
    class Meta:
        csrf = False

    budget = Number("Budget", [InputRequired("Enter a budget, such as 250000."), AtLeast(0)],
                    description="The portfolio is solved afresh at this budget.")
