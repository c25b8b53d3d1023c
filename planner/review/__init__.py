"""The cycle review: whether the focus moments moved as the decision expected, how each
team's delivered work did against what was expected of it, and the next cycle started
from a decided one."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    """The feature's blueprints; imported only when an app is made."""
    from planner.review import views

    return (views.bp,)
