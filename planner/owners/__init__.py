"""Owners: the team or person accountable for each moment of truth, across departments, and
what this cycle's decision asks of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    """The feature's blueprints; imported only when an app is made."""
    from planner.owners import views

    return (views.bp,)
