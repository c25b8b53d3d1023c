"""The kinds of value the command line's options take, shared by its commands: argparse
calls each with the text typed, and its refusal (ArgumentTypeError) becomes one line
"planner: error: argument --x: ..." with exit code 2, never a traceback."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


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
