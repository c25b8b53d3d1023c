"""Plan files on disk and plan JSON text: parsed strictly, then read as a plan document."""

from __future__ import annotations

import json
import math
from pathlib import Path

from optimizer.plan import Plan
from optimizer.planfile.checker import NonFinite, PlanError
from optimizer.planfile.read import plan_from_dict
from optimizer.planfile.write import plan_to_dict


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan file; PlanError for bad JSON or a plan that breaks the rules."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError([f"{path}: cannot read the file ({error})"]) from error
    return plan_from_json(text)


def plan_from_json(text: str) -> Plan:
    """Parse plan JSON text; non-finite numbers (NaN, Infinity, 1e309) are refused, each
    named by the path of the field that holds it."""
    try:
        document = json.loads(text, parse_constant=_as_written, parse_float=_float)
    except ValueError as error:
        raise PlanError([f"not valid JSON: {error}"]) from error
    return plan_from_dict(document)


def _as_written(text: str) -> float:
    """NaN, Infinity, -Infinity (or 1e309) kept as a number that says how it was written:
    the plan's own checks then refuse it at its path, which json.loads cannot name."""
    return NonFinite(text)


def _float(text: str) -> float:
    number = float(text)
    return number if math.isfinite(number) else NonFinite(text)


def save_plan(plan: Plan, path: str | Path) -> None:
    Path(path).write_text(json.dumps(plan_to_dict(plan), indent=2) + "\n", encoding="utf-8")
