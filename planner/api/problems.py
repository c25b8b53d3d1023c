"""The API's errors as application/problem+json (RFC 9457): a type, a title, the status,
the detail in words, and for a refused field each field with its own words
(`errors: [{"field": "budget", "detail": "..."}]`), so that a program and a person both
see which field and why."""

from __future__ import annotations

from typing import Any

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from planner.api.core import PREFIX, PROBLEM

TITLES = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 412: "Version changed",
          413: "Too large", 415: "Unsupported media type", 422: "Invalid input",
          428: "Version required", 429: "Too many requests", 500: "Server error",
          503: "Busy"}


def is_api() -> bool:
    """This request is one of the API's (its operations, or the API's own paths)."""
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def problem(status: int, detail: str, *, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None, **more: Any) -> Response:
    """A problem document with this status."""
    body: dict[str, Any] = {"type": "about:blank", "title": TITLES.get(status, "Error"),
                            "status": status, "detail": detail, "instance": request.path}
    if errors:
        body["errors"] = errors
    body.update(more)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def field_errors(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """webargs' nested messages ({"json": {"name": ["..."]}}) as one error per field."""
    found: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for name, inner in messages.items():
            where = name if not prefix else f"{prefix}.{name}"
            if prefix == "" and name in ("json", "query", "headers", "form", "files"):
                where = ""
            found.extend(field_errors(inner, where))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        found.extend({"field": prefix or "(body)", "detail": m} for m in messages)
    elif isinstance(messages, list):
        for item in messages:
            found.extend(field_errors(item, prefix))
    else:
        found.append({"field": prefix or "(body)", "detail": str(messages)})
    return found


def from_http_error(error: HTTPException) -> Response:
    """An HTTPException raised in an API request (abort(...), webargs' refusal of a
    request) as a problem document."""
    data = getattr(error, "data", None) or {}
    errors = data.get("errors")
    if errors is None and "messages" in data:
        errors = field_errors(data["messages"])
    detail = data.get("message") or (
        "Some of what was sent was refused: each field's words are in errors; nothing "
        "was changed." if errors else error.description or TITLES.get(error.code or 500, ""))
    headers = dict(data.get("headers") or {})
    if error.code == 429:  # Flask-Limiter's description is the limit alone ("600 per 1 minute")
        detail = (f"Too many requests with this token (at most {error.description}): wait "
                  "for Retry-After seconds, then send it again; nothing was changed.")
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    extra = {k: v for k, v in data.items() if k not in ("errors", "messages", "message",
                                                        "headers", "schema")}
    response = problem(error.code or 500, str(detail), errors=errors, headers=headers,
                       **extra)
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="planner"'
    return response
