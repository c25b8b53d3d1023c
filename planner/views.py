"""Helpers every blueprint's views share: the page's plan, finding rows, committing, optimistic
locking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Blueprint, Flask, Response, abort, current_app, flash, g, render_template, request
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import Plan, Run
from optimizer.planfile.text import HIDDEN
from planner.database import get_session
from planner.web import LARGEST_ID

CONFLICT = ("Someone else saved this since you opened it, so your changes were not saved. "
            "Reload the page to see their version, then make your change again.")


def init_app(app: Flask) -> None:
    """Every page under /plans/<plan_id>/ is of one plan: its views take it from
    current_plan(), and url_for fills in its id."""
    app.url_value_preprocessor(pull_plan_id)
    app.url_defaults(add_plan_id)


def pull_plan_id(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Take the plan's id out of the page's URL, for current_plan(). The plan is read when
    first asked for, by the access check (planner/accounts/access.py), after the sign-in
    and the form's CSRF token are checked: a POST's first read in the request's session
    takes the write lock."""
    g.pop("plan", None)
    g.plan_id = values.pop("plan_id", None) if values else None


def add_plan_id(endpoint: str, values: dict[str, Any]) -> None:
    """url_for a page of a plan, from a page of one, names that plan unless told another."""
    if ("plan_id" not in values and "plan" in g
            and current_app.url_map.is_endpoint_expecting(endpoint, "plan_id")):
        values["plan_id"] = g.plan_id


def current_plan() -> Plan:
    """The plan of this /plans/<plan_id>/... page, read once, in this request's session;
    404 when there is no such plan (or the id is beyond any row's)."""
    plan = g.get("plan")
    if plan is None:
        plan_id = g.get("plan_id") or 0
        plan = get_session().get(Plan, plan_id) if 1 <= plan_id <= LARGEST_ID else None
        if plan is None:
            abort(404, "There is no such plan.")
        g.plan = plan
    return plan


def row_or_404(model: Any, plan_id: int, row_id: int) -> Any:
    """A row of the plan; another plan's row is as missing as one that does not exist."""
    row = get_session().get(model, row_id) if 1 <= row_id <= LARGEST_ID else None
    if row is None or row.plan_id != plan_id:
        abort(404, "There is no such record in this plan.")
    return row


def plan_and_run(run_id: int) -> tuple[Plan, Run]:
    """The page's plan and one of its saved runs; 404 for a run it does not have."""
    plan = current_plan()
    return plan, row_or_404(Run, plan.id, run_id)


View = TypeVar("View", bound=Callable[..., Any])


@dataclass
class Routes:
    """Pages a module adds to a blueprint that another module of its feature defines:
    recorded with the blueprint's own decorators, and added by the module that defines it
    (`routes.add_to(bp)`), so that the pages' module need not import it."""

    rules: list[tuple[str, Callable[..., Any], dict[str, Any]]] = field(default_factory=list)

    def route(self, rule: str, **options: Any) -> Callable[[View], View]:
        def record(view: View) -> View:
            self.rules.append((rule, view, options))
            return view
        return record

    def get(self, rule: str, **options: Any) -> Callable[[View], View]:
        return self.route(rule, methods=["GET"], **options)

    def post(self, rule: str, **options: Any) -> Callable[[View], View]:
        return self.route(rule, methods=["POST"], **options)

    def add_to(self, blueprint: Blueprint) -> None:
        for rule, view, options in self.rules:
            blueprint.add_url_rule(rule, view_func=view, **options)


@dataclass(frozen=True)
class Page:
    """Which page of a list is shown: its number, and once counted, the list's size."""

    number: int
    size: int
    total: int = 0

    def of(self, total: int) -> Page:
        return Page(self.number, self.size, total)

    def within(self, total: int) -> Page:
        """This page of a list of `total`, or its last page if the list is shorter."""
        return Page(min(self.number, max(1, -(-total // self.size))), self.size, total)

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_shown(self) -> int:
        return min(self.total, (self.number - 1) * self.size + 1)

    @property
    def last_shown(self) -> int:
        return min(self.total, self.number * self.size)


def query_text(name: str, most: int = 200) -> str | None:
    """A text asked for in the query string, without what a database cannot take or a
    person cannot see (a NUL reaching PostgreSQL would be a 500); None when not asked."""
    value = request.args.get(name)
    if value is None:
        return None
    return HIDDEN.sub("", value)[:most]


def pager(text: str | None, size: int) -> Page:
    """The page asked for in a query (`?page=3`); anything that is not a page is the first."""
    try:
        number = int(text or 1)
    except ValueError:
        number = 1
    return Page(number=min(max(1, number), LARGEST_ID // size), size=size)


def paged(fetch: Callable[[int], tuple[list[Any], int]], asked: str | None,
          size: int) -> tuple[list[Any], Page]:
    """One page of a list that `fetch(number)` reads with its total: the page asked for in
    the query, or the last one when the list is shorter."""
    page = pager(asked, size)
    rows, total = fetch(page.number)
    if not rows and total:
        page = page.within(total)
        rows, total = fetch(page.number)
    return rows, page.of(total)


def attachment(body: bytes | str, mimetype: str, filename: str) -> Response:
    """A file to download under `filename` (ASCII: it goes in the header unencoded)."""
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def commit(message: str) -> bool:
    """Commit this request's changes and flash `message`; False if the database refused."""
    session = get_session()
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        flash("That change clashes with a record saved at the same moment "
              "(a duplicate ID?). Nothing was saved.", "error")
        return False
    flash(message, "ok")
    return True


def claim_version(session: Session, row: Any, version: Any) -> bool:
    """Move the row to its next version if it still has the one the form was opened at.

    A single conditional UPDATE, so that of two people saving the same version exactly
    one wins, on SQLite and PostgreSQL alike.
    """
    try:
        seen = int(version)
    except (TypeError, ValueError):
        return False
    if not 1 <= seen < LARGEST_ID:  # no row has it, and the database could not compare it
        return False
    model = type(row)
    result = session.execute(update(model).where(model.id == row.id, model.version == seen)
                             .values(version=seen + 1))
    if result.rowcount != 1:
        session.rollback()
        return False
    session.refresh(row, ["version"])
    return True


def conflict_page(template: str, form: Any, **context: Any):
    """The form again, its input kept, saying someone else saved first (409)."""
    form.form_errors.append(CONFLICT)
    return form_page(template, form, 409, **context)


def form_page(template: str, form: Any, status: int | None = None, **context: Any):
    """Render a form page: 422 when the submitted form has errors, so tests and tools see it."""
    if status is None:
        status = 422 if form.errors or getattr(form, "effect_errors", None) else 200
    return render_template(template, form=form, **context), status
