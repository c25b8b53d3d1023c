"""Runs: solving the plan, the portfolio it funds, the say-no list with its explanations,
the team view and the run's exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    """The feature's blueprints with all their pages, and its kinds of job; imported only
    when an app is made, so that using one of the feature's helpers does not load its pages."""
    import planner.runs.jobs  # noqa: F401 (declares the run's kinds of job to the queue)
    from planner.runs import say_no, teams, views

    return (views.bp, say_no.bp, teams.bp)
