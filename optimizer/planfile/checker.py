"""What validating a plan file shares: the collector of problems, and the plans known valid.

Validation collects every problem, each naming its path, before refusing the plan as a
whole, so that a user fixes a file in one pass instead of one error at a time.
"""

from __future__ import annotations

import json
import math
import weakref
from typing import Any

from optimizer.plan import Plan
from optimizer.planfile.ranges import Range, number_text
from optimizer.planfile.text import id_problem, text_problem

# Plans known to keep the rules, by identity: checking a 5,000-initiative plan again on
# every solve costs a tenth of the solve. Weak, so that no plan is kept alive by it.
_VALID: weakref.WeakValueDictionary[int, Plan] = weakref.WeakValueDictionary()


def mark_valid(plan: Plan) -> Plan:
    _VALID[id(plan)] = plan
    return plan


def known_valid(plan: Plan) -> bool:
    return _VALID.get(id(plan)) is plan


class PlanError(ValueError):
    """A plan that breaks the rules; `problems` lists every one, each naming its path."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Checker:
    """Collects problems while reading one plan document."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def keys(self, path: str, value: Any, allowed: set[str], required: tuple[str, ...]) -> bool:
        if not isinstance(value, dict):
            self.add(path, "must be an object")
            return False
        for key in sorted(set(value) - allowed, key=str):
            self.add(path, f'unknown key "{key}"')
        for key in required:
            if key not in value:
                self.add(f"{path}.{key}" if path else key, "is required")
        return True

    def number(self, path: str, value: Any, *, minimum: float | None = 0.0,
               positive: bool = False, maximum: float | None = None,
               below: float | None = None, within: Range | None = None) -> float | None:
        """A finite number in bounds; `within`: the field's kind (ranges.py) sets them."""
        if within is not None:
            minimum, positive = within.low, within.open_low
        # bool is an int in Python; true/false in a plan is always a typo for a number.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.add(path, f"must be a number, not {show(value)}")
            return None
        number = _float(value)
        if not math.isfinite(number):
            self.add(path, not_finite(value))
            return None
        if positive and number <= 0:
            self.add(path, f"must be greater than 0, not {_fmt(number)}")
        elif minimum is not None and number < minimum:
            self.add(path, f"must be {number_text(minimum)} or more, not {_fmt(number)}")
        elif maximum is not None and number > maximum:
            self.add(path, f"must be {_fmt(maximum)} or less, not {_fmt(number)}")
        elif below is not None and number >= below:
            self.add(path, f"must be less than {_fmt(below)}, not {_fmt(number)}")
        elif within is not None and number > within.high:
            self.add(path, f"must be at most {number_text(within.high)}, "
                           f"not {number_text(number)}")
        else:
            return number
        return None

    def integer(self, path: str, value: Any, minimum: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                self.add(path, f"must be a whole number, not {show(value)}")
                return None
        if not math.isfinite(_float(value)):
            self.add(path, not_finite(value))
            return None
        if value < minimum:
            self.add(path, f"must be {minimum} or more, not {value}")
            return None
        return value

    def text(self, path: str, value: Any, *, required: bool = False,
             lines: bool = False) -> str:
        """Text without invisible characters; `lines`: a note, which may break lines."""
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            self.add(path, f"must be text, not {show(value)}")
            return ""
        if required and not value.strip():
            self.add(path, "must not be empty")
        problem = text_problem(value, lines=lines)
        if problem:
            self.add(path, problem)
        return value

    def choice(self, path: str, value: Any, choices: tuple[str, ...]) -> str | None:
        if value not in choices:
            self.add(path, f"must be one of {', '.join(choices)}, not {show(value)}")
            return None
        return value

    def items(self, path: str, value: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, "must be a list")
            return []
        return value


class NonFinite(float):
    """A number that is not finite, as the plan file wrote it (NaN, Infinity, 1e309):
    parsed as a number, so that the check of the field that holds it refuses it by path."""

    def __new__(cls, text: str) -> NonFinite:
        number = super().__new__(cls, float(text))
        number.text = text
        return number


# Python's names of the non-finite floats, as JSON (and the plan file) writes them.
JSON_SPELLING = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def not_finite(value: int | float) -> str:
    """The problem with a number that is not finite (or too large for any float)."""
    if isinstance(value, int):
        return f"must be a finite number; a number of {len(str(abs(value)))} digits is too large"
    return f"must be a finite number; {show(value)} is not a finite number"


def _float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an integer beyond the largest float
        return math.inf


def show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float) and not math.isfinite(value):
        return getattr(value, "text", None) or JSON_SPELLING[repr(value)]
    return json.dumps(value) if isinstance(value, (bool, type(None))) else repr(value)


def _fmt(number: float) -> str:
    return f"{number:g}"


def entry_path(kind: str, index: int, entry: Any) -> str:
    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
        return f'{kind}[{index}] (id "{entry["id"]}")'
    return f"{kind}[{index}]"


def unique_ids(check: Checker, kind: str, entries: list[Any]) -> list[str]:
    """Check every entry has a text id, unique in its list; return the ids in order."""
    seen: set[str] = set()
    ids = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        entry_id = entry.get("id")
        path = entry_path(kind, index, entry)
        if not isinstance(entry_id, str) or not entry_id.strip():
            check.add(f"{path}.id", "must be non-empty text")
            continue
        problem = id_problem(entry_id)
        if problem:
            check.add(f"{path}.id", problem)
        if entry_id in seen:
            check.add(f"{path}.id", f'duplicate id "{entry_id}"')
        seen.add(entry_id)
        ids.append(entry_id)
    return ids
