"""What every operation of the JSON API shares: flask-smorest's Api (the OpenAPI 3.1
description is made from the operations' marshmallow schemas, served at
/api/openapi.json), the blueprint every resource's operations are on, and the rule that
each operation follows the access table's entry of the page that does the same
(planner/accounts/access.py): one table for the pages and the API.

flask-smorest, because it adds the description to an app that exists (our Flask app, its
blueprints and error pages as they are), with marshmallow schemas that read a request and
describe it at once; APIFlask would replace the app's class, and flask-openapi3 wants
Pydantic beside SQLModel's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint

PREFIX = "/api/v1"
VERSION = "1.0.0"
# The web page each operation follows in the access table, by the operation's endpoint
# ("api_plans.plan" -> "plans.show"); filled as the operations are declared.
FOLLOWS: dict[str, str] = {}


class Api(SmorestApi):
    """flask-smorest's Api without its own error handler: the app's (planner/api/
    problems.py for /api/, the pages' otherwise) answers every error."""

    def _register_error_handlers(self) -> None:
        """None here: problems.py's handler answers the API's errors."""


def spec_settings() -> dict[str, Any]:
    """The app's config for flask-smorest: OpenAPI 3.1, the description at
    /api/openapi.json, no page of its own (the reference page is the app's, with no CDN:
    planner/api/reference.py)."""
    return {
        "API_TITLE": "Moments of Truth Planner",
        "API_VERSION": VERSION,
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {"description": "The planner's JSON API: every list that grows is read "
                                    "page by page with a cursor; every change names the "
                                    "version it changes (If-Match); errors are "
                                    "application/problem+json (RFC 9457)."},
            "servers": [{"url": "/"}],
            "components": {"securitySchemes": {"token": {
                "type": "http", "scheme": "bearer",
                "description": "A personal access token, made on one's account page or "
                               "with `planner tokens add EMAIL`."}}},
            "security": [{"token": []}],
        },
    }


def blueprint(name: str, description: str) -> Blueprint:
    """The blueprint of one resource's operations, under /api/v1."""
    return Blueprint(f"api_{name}", __name__, url_prefix=PREFIX, description=description)


def follows(web_endpoint: str) -> Callable[[Callable], Callable]:
    """Declare that the decorated operation follows the access table's rule of this web
    page (its reading for GET, its form for the others): put it under the route's
    decorator, above the schemas'."""
    def mark(view: Callable) -> Callable:
        view._follows = web_endpoint  # read when the blueprint is registered
        return view
    return mark


def register(api: Api, app: Flask, blueprints: list[Blueprint]) -> None:
    """Register the blueprints, and give each operation its page's rule in the access
    table (an operation that follows none is an error at start)."""
    from planner.accounts.access import ACCESS

    for blp in blueprints:
        api.register_blueprint(blp)
    for endpoint, view in app.view_functions.items():
        if not endpoint.startswith("api_") or endpoint.startswith("api_docs"):
            continue
        web = getattr(view, "_follows", None) or getattr(
            getattr(view, "view_class", None), "_follows", None)
        if web is None or web not in ACCESS:
            raise RuntimeError(f"The API operation {endpoint} names no page of the access "
                               f"table to follow (follows(...)): {web!r}")
        FOLLOWS[endpoint] = web
        ACCESS[endpoint] = ACCESS[web]
