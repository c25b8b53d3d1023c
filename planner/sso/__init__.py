"""Single sign-on: signing in through the company's identity provider (OpenID Connect)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    """The identity provider's client, when OIDC_ISSUER is set."""


def blueprints() -> tuple[Blueprint, ...]:
    return ()
