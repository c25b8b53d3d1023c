"""How sure is the choice: a run's figures across plausible cases (its chosen shares, its
impact and cost bands, the robust portfolio) and the other good portfolios near it
(docs/model.md, "Uncertainty" and "Near-optimal alternatives"), worked out by jobs and
kept with the run (models.Uncertainty), which other pages read without this package."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    """The feature's blueprint with all its pages, and its kinds of job; imported only when
    an app is made."""
    import planner.uncertainty.jobs  # noqa: F401 (declares the feature's kinds of job)
    from planner.uncertainty import views

    return (views.bp,)
