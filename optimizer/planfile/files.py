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


# A plan file nests four levels (plan, list, entry, cost by period); anything much deeper
# is no plan, and reading it would exhaust Python's stack.
MAX_DEPTH = 20


def plan_from_json(text: str) -> Plan:
    """Parse plan JSON text; non-finite numbers (NaN, Infinity, 1e309) are refused, each
    named by the path of the field that holds it, and so is nesting past MAX_DEPTH."""
    try:
        document = json.loads(text, parse_constant=_as_written, parse_float=_float)
    except RecursionError as error:
        raise PlanError([_TOO_DEEP]) from error
    except ValueError as error:
        raise PlanError([f"not valid JSON: {error}"]) from error
    too_deep = _too_deep(document)
    if too_deep is not None:
        raise PlanError([f"{too_deep}: {_TOO_DEEP}"])
    return plan_from_dict(document)


_TOO_DEEP = (f"lists and objects nest more than {MAX_DEPTH} levels deep; a plan file needs "
             "four")


def _too_deep(document: object) -> str | None:
    """The path of a value nested past MAX_DEPTH, or None; walked without recursion."""
    stack: list[tuple[object, str, int]] = [(document, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            return path or "the file"
        # Only containers go on the stack: a plan is mostly numbers and text.
        if isinstance(value, dict):
            stack.extend((item, f"{path}.{key}" if path else str(key), depth + 1)
                         for key, item in value.items() if isinstance(item, dict | list))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1)
                         for index, item in enumerate(value) if isinstance(item, dict | list))
    return None


def _as_written(text: str) -> float:
    """NaN, Infinity, -Infinity (or 1e309) kept as a number that says how it was written:
    the plan's own checks then refuse it at its path, which json.loads cannot name."""
    return NonFinite(text)


def _float(text: str) -> float:
    number = float(text)
    return number if math.isfinite(number) else NonFinite(text)


def save_plan(plan: Plan, path: str | Path) -> None:
    Path(path).write_text(json.dumps(plan_to_dict(plan), indent=2) + "\n", encoding="utf-8")
