"""Runs: solving the plan, the portfolio it funds, the say-no list with its explanations,
the team view and the run's exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    """The feature's blueprints with all their pages; imported only when an app is made,
    so that using one of the feature's helpers does not load its pages."""
    # exports adds the run's downloads to the run pages' blueprint
    from planner.runs import changes, exports, say_no, teams, views  # noqa: F401

    # changes gives every page that shows a run its notice when the plan changed since
    return (views.bp, say_no.bp, teams.bp)
