"""Finance: scenarios of the plan and their comparison, and the efficient frontier."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    """The feature's blueprints with all their pages, and its kinds of job; imported only
    when an app is made, so that using one of the feature's helpers does not load its pages."""
    import planner.finance.jobs  # noqa: F401 (declares finance's kinds of job to the queue)
    from planner.finance import frontier, scenarios

    return (scenarios.bp, frontier.bp)
