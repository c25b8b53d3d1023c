"""Delivery: how far each team has got with the work the published decision funds
(planned, in progress, delivered, dropped), set by the team itself, and read by the cycle
review (planner/review)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    """The feature's blueprints; imported only when an app is made."""
    from planner.delivery import views

    return (views.bp,)
