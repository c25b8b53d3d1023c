"""The forms that start the two jobs of a run's uncertainty pages: how many samples and
from which seed, and how close and how many other good portfolios."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired, NumberRange

from planner.forms import Number, WholeNumber, choices
from planner.number_kinds import COUNT, SHARE

SAMPLES, SEED, OBJECTIVE = 1000, 0, "mean"  # docs/plan-format.md, "Uncertainty result"
MIN_SAMPLES, MAX_SAMPLES = 20, 20_000
WITHIN, COUNT_ALTERNATIVES, MAX_ALTERNATIVES = 0.02, 3, 6
OBJECTIVES = (("mean", "the mean impact of every case"),
              ("cvar", "the mean impact of the worst 10% of cases"))


class RobustForm(FlaskForm):
    """Solve the run's plan in many plausible cases."""

    samples = WholeNumber(
        "Cases", [InputRequired("Enter how many cases to solve, such as 1,000."),
                  NumberRange(MIN_SAMPLES, MAX_SAMPLES)], kind=COUNT, default=SAMPLES,
        description=f"Each case draws every estimate with a range within it, and is solved "
                    f"exactly ({MIN_SAMPLES:,} to {MAX_SAMPLES:,}). More cases give firmer "
                    "shares and take longer.")
    seed = WholeNumber(
        "Seed", [InputRequired("Enter a seed, such as 0."), NumberRange(0, 2**31 - 1)],
        kind=COUNT, default=SEED,
        description="The same seed draws the same cases, so the answer can be checked.")
    objective = SelectField("Robust portfolio", choices=choices(OBJECTIVES), default=OBJECTIVE,
                            description="What the robust portfolio makes as large as it can.")

    def params(self, run_id: int) -> dict[str, Any]:
        return {"run_id": run_id, "samples": self.samples.data, "seed": self.seed.data,
                "objective": self.objective.data}


class AlternativesForm(FlaskForm):
    """Look for other portfolios nearly as good as the best that differ most from it."""

    within = Number(
        "Within", [InputRequired("Enter how far below the best an alternative may be, such "
                                 "as 2%."), NumberRange(0, 0.5)],
        kind=SHARE, default=WITHIN,
        description="How much less impact than the best an alternative may have (0% to 50%).")
    count = WholeNumber(
        "How many", [InputRequired("Enter how many alternatives to look for, such as 3."),
                     NumberRange(1, MAX_ALTERNATIVES)], kind=COUNT, default=COUNT_ALTERNATIVES,
        description=f"1 to {MAX_ALTERNATIVES}; each is one exact solve more.")

    def params(self, run_id: int) -> dict[str, Any]:
        return {"run_id": run_id, "within": self.within.data, "count": self.count.data}
