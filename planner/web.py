"""What every page shares: security headers, error pages, CSRF and number formatting."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask, Response, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

csrf = CSRFProtect()

# Ids and versions are the databases' INTEGER: PostgreSQL's holds less than 2**31.
LARGEST_ID = 2**31 - 1

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                               "base-uri 'none'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
ERROR_TITLES = {
    400: "That request could not be read",
    401: "Sign in first",
    403: "Not yours to change",
    404: "Not found",
    405: "Not allowed",
    409: "Someone else changed this",
    413: "That upload is too large",
    429: "Too many tries",
    500: "Something went wrong on our side",
    503: "Busy with another change",
}
# What a row's id in an address names, for a 404 that says what was not found.
THINGS = {"initiative_id": "initiative", "run_id": "run", "scenario_id": "scenario",
          "moment_id": "moment of truth", "influence_id": "link of an initiative to a moment",
          "measurement_id": "measurement", "member_id": "member", "appeal_id": "appeal",
          "job_id": "job", "row_id": "list entry", "person_id": "account"}
RETRY_AFTER_SECONDS = 5
# PostgreSQL's "lock_not_available" (a lock_timeout ran out); SQLite says it in words.
BUSY_STATES = {"55P03"}


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: a whole number the database can hold. A larger one is
    the id of nothing: it becomes 0, which no row has, so the page answers 404 like any
    missing id, and no query is given a number the database cannot take. (Refusing it in
    the converter would answer 405 to a POST, since the rule's pattern still matches.)"""

    def to_python(self, value: str) -> int:
        number = int(value)
        return number if number <= LARGEST_ID else 0


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseId  # before any blueprint adds its routes
    csrf.init_app(app)
    app.after_request(_add_security_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_busy)
    # Unhandled exceptions reach this as a 500 (in tests they propagate instead).
    app.register_error_handler(500, _server_error)
    app.jinja_env.filters.update(number=number, money=money, when=when, percent=percent,
                                  figure=figure, markdown_text=markdown_text)


def _add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _error_page(code: int, message: str, title: str = "", resend: list | None = None) -> str:
    """The error page: what happened and what to do, then the ways back the accounts
    feature finds for the reader (planner/accounts/refusals.py): the plan the address
    names, their plans, or signing in; `resend`: the fields of a refused POST that can be
    sent again as they were."""
    guide = current_app.extensions.get("planner_error_guide")
    try:
        guide = guide(code) if guide is not None else None
    except Exception:  # the page still says what happened, with the plans as way back
        current_app.logger.exception("The error page's ways back could not be found")
        guide = None
    if code == 403 and not title:
        title = "Not yours to open" if request.method in ("GET", "HEAD") else ERROR_TITLES[403]
    return render_template("error.html", code=code, title=title or ERROR_TITLES.get(code, ""),
                           message=message, resend=resend, guide=guide)


def _answered_elsewhere(code: int, message: str, error: Exception | None = None,
                        headers: dict[str, str] | None = None) -> Response | None:
    """The answer of a part of the app that words its own errors (the JSON API, in
    problem documents: planner/api/problems.py) to this request, or None: an error page."""
    answer = current_app.extensions.get("planner_error_answer")
    return answer(code, message, error, headers or {}) if answer is not None else None


def _csrf_error(error: CSRFError):
    message = ("The form had expired or was not sent by this site, so nothing was saved. "
               "Go back, reload the page and make your change again.")
    return _error_page(400, message), 400


def _http_error(error: HTTPException):
    code = error.code or 500
    if (answered := _answered_elsewhere(code, error.description or "", error)) is not None:
        return answered
    message = error.description or ""
    if code == 429:
        message = ("Too many sign-ins that failed, from here or for this account: wait a "
                   "minute, then try again.")
    if code == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        message = (f"Uploads can be at most {_size(limit)}; nothing was saved. Split the file, "
                   "or leave out what is not imported (a plan's runs are never part of it).")
    if code == 404:
        message = _what_was_not_found(message)
    return _error_page(code, message, ERROR_TITLES.get(code, error.name)
                       if code != 403 else ""), code


def _what_was_not_found(message: str) -> str:
    """A 404's message naming what is missing: the address, the plan, or the row its id
    names ("There is no such record in this plan: no run 12 that you may open")."""
    if request.endpoint is None:
        return (f"There is no page at the address {request.path}: check it, or start again "
                "from a page below.")
    if message == "There is no such plan.":
        plan_id = g.get("plan_id")
        return (f"There is no such plan: no plan {plan_id} that you may open. It was deleted, "
                "or you have no role in it (its CX lead can give you one)."
                if isinstance(plan_id, int) else message)
    named = [(key, value) for key, value in (request.view_args or {}).items()
             if key in THINGS]
    if named and (message == "There is no such record in this plan."
                  or message.startswith("The requested URL was not found")):
        key, value = named[-1]
        return (f"There is no such record in this plan: no {THINGS[key]} {value} that you "
                "may open. It may have been deleted; find it again from the plan's lists.")
    return message


def _database_busy(error: OperationalError):
    """Another change held the database's write lock past the wait: nothing was saved.
    The page offers to send the same input again (its fields kept, hidden in a form), and
    tells tools when to retry; any other database failure stays a server error."""
    orig = error.orig
    if not ("database is locked" in str(orig) or getattr(orig, "sqlstate", None) in BUSY_STATES):
        raise error
    answered = _answered_elsewhere(503, "The database was busy saving another change, so "
                                        "nothing was saved: send it again in a moment.",
                                   headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    if answered is not None:
        return answered
    resend = request.method == "POST" and not request.files
    message = ("The database was busy saving another change, so nothing was saved. "
               + ("Send the same input again in a moment." if resend else
                  "Try again in a moment." if not request.files else
                  "Go back and choose the file again in a moment."))
    page = _error_page(503, message,
                       resend=list(request.form.items(multi=True)) if resend else None)
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _size(size: int) -> str:
    """1536 -> '1.5 KB', 16 * 2**20 -> '16 MB'."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _server_error(_error: Exception):
    # Flask has logged the traceback; the page shows none of it.
    answered = _answered_elsewhere(500, "The error has been logged; nothing was saved that "
                                        "the answer does not show. Try again, and if it "
                                        "happens again, tell your installation's admin.")
    if answered is not None:
        return answered
    return _error_page(500, "The error has been logged. Open the page again to see whether "
                            "your change was saved, and if not, make it again; if this "
                            "happens again, tell your installation's admin what you did."), 500


def number(value: float | None, digits: int = 2) -> str:
    """1234.5 -> '1,234.5'; None -> '–'; whole numbers without decimals."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    rounded = _half_up(value, digits)
    if rounded == rounded.to_integral_value():
        return f"{rounded:,.0f}"
    return f"{rounded:,.{digits}f}".rstrip("0").rstrip(".")


def figure(value: float | None) -> str:
    """An impact figure, one decimal, on every page and export alike: 563.95 -> '564.0'."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{_half_up(value, 1):,.1f}"


def _half_up(value: float, digits: int) -> Decimal:
    """The value rounded as a person rounds what they read: the shortest decimal that is
    the float (14.875, not the 14.87499... it holds), halves up. So the parts shown add up
    to the total shown as often as rounding allows (14.88 + 12 = 26.88)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)


def money(value: float | None, currency: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:,.0f}" if abs(value) >= 100 or value == round(value) else f"{value:,.2f}"
    return f"{currency} {text}".strip()


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.2f} %"


# Inline Markdown syntax; user text never starts a line of the memo, so line-start syntax
# (# - + 1.) cannot take effect and is left alone, which keeps the file readable as text.
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&])")


def markdown_text(value: object) -> str:
    """Text for a Markdown file that reads as itself: no markup, links or HTML; one line."""
    text = " ".join(str(value).split())
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M UTC")
