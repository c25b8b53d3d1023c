"""Personal access tokens on one's account page: the tokens one has (name, start, scope,
when made, when they expire, their last use, whether revoked), a new one made (shown once,
in the answer to the form that made it) and one revoked. The tokens themselves and their
check at each API request are planner/api/tokens.py's; `planner tokens` makes them from
the server's shell (planner/cli/tokens.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    from planner.tokens import views

    return (views.bp,)
