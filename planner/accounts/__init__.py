"""Accounts: signing in and out, the first admin of an installation, and the rule that every
page but these asks for a signed-in person."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    """Sessions (Flask-Login), throttled sign-ins (Flask-Limiter), sign-in required, and
    the plan a /plans/<plan_id>/... page is of, read once for its access check and view."""
    from planner import views
    from planner.accounts import refusals, signin

    views.init_app(app)
    signin.init_app(app)
    refusals.init_app(app)  # what the error pages say of roles, and where they lead back


def blueprints() -> tuple[Blueprint, ...]:
    from planner.accounts import views

    return (views.bp,)
