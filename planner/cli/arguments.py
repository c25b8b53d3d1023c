"""The kinds of value the command line's options take, shared by its commands: argparse
calls each with the text typed, and its refusal (ArgumentTypeError) becomes one line
"planner: error: argument --x: ..." with exit code 2, never a traceback. And the plan file
every solving command reads, refused the same way: every problem listed, exit code 2."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable

from optimizer import Plan, PlanError, load_plan

EXIT_BAD_INPUT = 2  # a plan, a file or an option that breaks the rules (docs/plan-format.md)


def whole(low: int = 1, high: int | None = None) -> Callable[[str], int]:
    """A whole number from `low` (to `high`, when given)."""

    def read(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if high is not None and not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{low:,} to {high:,}, not {text!r}")
        if value < low:
            raise argparse.ArgumentTypeError(f"must be {low:,} or more, not {text!r}")
        return value

    return read


def seconds(text: str) -> float:
    """A time limit: a finite number of seconds above 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, not {text!r}")
    return value


def refuse(what: str, problems: list[str]) -> int:
    """Say on stderr why `what` (such as "the plan plan.json") cannot be used, one problem a
    line; the exit code for it."""
    print(f"planner: cannot use {what}:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT


def plan_or_refused(path: str) -> Plan | None:
    """The plan file at `path`, or None once every problem with it is said (refuse)."""
    try:
        return load_plan(path)
    except PlanError as error:
        refuse(f"the plan {path}", error.problems)
        return None
