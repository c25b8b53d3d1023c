"""How sure is the choice: samples of a plan's uncertain values, each solved exactly, and
what they say of the decision (docs/model.md, "Uncertainty")."""

from optimizer.uncertainty.sampler import (
    SampleError,
    check_samples,
    draw_samples,
    read_samples,
    sample_plan,
    write_samples,
)
from optimizer.uncertainty.session import SampleSession, solve_samples

__all__ = ["SampleError", "SampleSession", "check_samples", "draw_samples", "read_samples",
           "sample_plan", "solve_samples", "write_samples"]
