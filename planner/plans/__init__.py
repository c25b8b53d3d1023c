"""Plans: the list of plans, a plan's settings, and its stages, periods and resources."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    """The feature's blueprints with all their pages; imported only when an app is made,
    so that using one of the feature's helpers does not load its pages."""
    # parts adds the stage, period and resource pages to the plans blueprint; members, who
    # works on the plan in which role; cycle, the moves of the cycle's state
    from planner.plans import cycle, members, parts, views  # noqa: F401

    return (views.bp,)
