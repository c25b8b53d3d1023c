"""How sure is the choice: samples of a plan's uncertain values, each solved exactly, and
what they say of the decision (docs/model.md, "Uncertainty")."""

from optimizer.uncertainty.run import robust, solve_all
from optimizer.uncertainty.sampler import (
    SampleError,
    check_samples,
    draw_samples,
    read_samples,
    sample_plan,
    write_samples,
)
from optimizer.uncertainty.scenario import OBJECTIVES, robust_portfolio
from optimizer.uncertainty.session import SampleSession, solve_samples
from optimizer.uncertainty.summary import summarise, wilson

__all__ = ["OBJECTIVES", "SampleError", "SampleSession", "check_samples", "draw_samples",
           "read_samples", "robust", "robust_portfolio", "sample_plan", "solve_all",
           "solve_samples", "summarise", "wilson", "write_samples"]
