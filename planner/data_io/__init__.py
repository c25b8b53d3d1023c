"""Bringing data in and out: spreadsheet and CSV imports with their preview, and plan files
(JSON and Excel)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    """The feature's blueprints with all their pages, and its kind of job; imported only
    when an app is made, so that using one of the feature's helpers does not load its pages."""
    import planner.data_io.jobs  # noqa: F401 (declares the import's kind of job to the queue)
    from planner.data_io import views

    return (views.bp,)
