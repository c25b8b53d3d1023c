"""The portfolio engine: focus moments and funded initiatives, proven optimal (docs/model.md).

Pure: plain dataclasses in, plain dataclasses out, PuLP inside. It imports nothing of the
web app or the database.
"""

from optimizer.engine import DEFAULT_TIME_LIMIT, Options, solve, validate, with_overrides
from optimizer.plan import (
    Finance,
    Influence,
    Initiative,
    Measurement,
    Moment,
    Period,
    Plan,
    Resource,
    Stage,
)
from optimizer.planfile import PlanError, load_plan, plan_from_dict, plan_to_dict, save_plan
from optimizer.result import Rejection, Result, result_from_dict
from optimizer.solvers import DEFAULT_SOLVER, SOLVERS

__all__ = [
    "DEFAULT_SOLVER", "DEFAULT_TIME_LIMIT", "SOLVERS", "Finance", "Influence", "Initiative",
    "Measurement", "Moment", "Options", "Period", "Plan", "PlanError", "Rejection", "Resource",
    "Result", "Stage", "load_plan", "plan_from_dict", "plan_to_dict", "result_from_dict",
    "save_plan", "solve", "validate", "with_overrides",
]
