"""The frontier's forms: how many points to draw, and the budget of one point's portfolio.

Both are GET forms that change nothing, so they carry no CSRF token (the page stays
linkable and bookmarkable); the "Save as a run" button posts the run form, which has one.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, NumberRange

from planner.forms import AtLeast, Number, WholeNumber
from planner.number_kinds import COUNT, MONEY

# A page waits for its frontier: fewer points than the command line's 200 by default.
MIN_POINTS, PAGE_POINTS, MAX_POINTS = 2, 50, 200


class FrontierForm(FlaskForm):
    class Meta:
        csrf = False

    points = WholeNumber(
        "Most points", [InputRequired(f"Enter how many points to show at most, such as "
                                      f"{PAGE_POINTS}."),
                        NumberRange(MIN_POINTS, MAX_POINTS)],
        kind=COUNT, default=PAGE_POINTS, render_kw={"min": MIN_POINTS, "max": MAX_POINTS},
        description=f"Every step of the frontier is shown when it has this many or fewer "
                    f"({MIN_POINTS} to {MAX_POINTS}); beyond that, exact points spread "
                    f"over the range. More points take longer.")


class PointForm(FlaskForm):
    class Meta:
        csrf = False

    budget = Number("Budget", [InputRequired("Enter a budget, such as 250000."), AtLeast(0)],
                    kind=MONEY, description="The portfolio is solved afresh at this budget.")
