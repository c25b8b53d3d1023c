"""Single sign-on: signing in through the company's identity provider (OpenID Connect)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    """The identity provider's client, when OIDC_ISSUER is set: ConfigError (planner's)
    when its settings are unsafe or incomplete."""
    if app.config.get("OIDC_ISSUER"):
        from planner.sso.client import register

        register(app)


def blueprints() -> tuple[Blueprint, ...]:
    """The sign-in's two pages; they answer 404 while single sign-on is off."""
    from planner.sso import views

    return (views.bp,)
