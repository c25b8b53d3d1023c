"""The JSON API (/api/v1): what the pages do, for other programs, with personal access
tokens; its OpenAPI 3.1 description at /api/openapi.json and its reference page at /api
(planner/api/core.py says why flask-smorest). Each resource's operations are a module of
this package; each operation follows the access table's rule of the page that does the
same, so nothing is possible through the API that a page refuses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Blueprint, Flask, Response


def init_app(app: Flask) -> None:
    """The API's operations, their description, tokens, rate limits and problem
    documents (after the pages' blueprints: each operation takes its page's rule)."""
    from planner.accounts.signin import limiter
    from planner.api import files, plans
    from planner.api.core import Api, register, rows_first, spec_settings
    from planner.api.initiatives import appeals, initiatives
    from planner.api.journey import influences, moments, parts, settings
    from planner.api.runs import decision, frontier, runs, scenarios, uncertainty
    from planner.api.tokens import authenticate, token_key
    from planner.web import csrf

    for name, value in spec_settings().items():
        app.config.setdefault(name, value)
    api = Api(app)
    app.extensions["planner_api"] = api
    blueprints = [plans.blp, initiatives.blp, appeals.blp, settings.blp, parts.blp, moments.blp,
                  influences.blp, runs.blp, decision.blp, scenarios.blp, frontier.blp,
                  uncertainty.blp, files.blp]
    for blp in blueprints:
        csrf.exempt(blp)  # tokens, never cookies: nothing for another site to forge
        if not getattr(blp, "rate_limited", False):  # a blueprint outlives an app: once
            limiter.limit(_rate_limit, key_func=token_key)(blp)
            blp.rate_limited = True
    register(api, app, blueprints)
    # before the sign-in check (planner/accounts/signin.py): the token, not the session
    app.before_request_funcs.setdefault(None, []).insert(0, authenticate)
    app.before_request(rows_first)  # after the sign-in and access checks
    app.extensions["planner_error_answer"] = _answer


def blueprints() -> tuple[Blueprint, ...]:
    """The reference page (the operations' blueprints are registered by init_app)."""
    from planner.api import reference

    return (reference.bp,)


def _rate_limit() -> str:
    """The running app's API_RATE_LIMIT (read at each request, so a change of the setting
    holds, in whichever app serves it)."""
    from flask import current_app

    return current_app.config["API_RATE_LIMIT"]


def _answer(code: int, message: str, error: Any, headers: dict[str, str]) -> Response | None:
    """An error of an API request as a problem document; None for the pages'."""
    from werkzeug.exceptions import HTTPException

    from planner.api.problems import from_http_error, is_api, problem

    if not is_api():
        return None
    if isinstance(error, HTTPException):
        return from_http_error(error)
    return problem(code, message, headers=headers)
