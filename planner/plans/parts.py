"""The lists a plan owns that share one shape: stages, periods and resources.

One table says what differs between them; the same four views serve all three.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, redirect, render_template, url_for
from sqlalchemy import func
from sqlmodel import Session, select

from models import InitiativeCost, InitiativeUse, Moment, Period, Resource, Stage
from optimizer.say_no import quoted
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.plans.forms import PeriodForm, ResourceForm, StageForm
from planner.views import (
    Routes,
    claim_version,
    commit,
    conflict_page,
    current_plan,
    form_page,
    row_or_404,
)

routes = Routes()


def _count(session: Session, column: Any, row_id: int) -> int:
    return session.exec(select(func.count()).where(column == row_id)).one()


@dataclass(frozen=True)
class Part:
    model: Any
    form: Any
    singular: str
    # What deleting a row takes with it, in words, for the confirmation page.
    consequences: Callable[[Session, Any], list[str]]


PARTS = {
    "stages": Part(Stage, StageForm, "stage", lambda s, row: [
        f"{n} moments in this stage keep their place in the plan, without a stage."
        for n in [_count(s, Moment.stage_id, row.id)] if n]),
    "periods": Part(Period, PeriodForm, "period", lambda s, row: [
        f"{n} initiative costs in this period are deleted with it."
        for n in [_count(s, InitiativeCost.period_id, row.id)] if n]),
    "resources": Part(Resource, ResourceForm, "resource", lambda s, row: [
        f"{n} initiatives stop using this resource."
        for n in [_count(s, InitiativeUse.resource_id, row.id)] if n]),
}


def _called(row: Any) -> str:
    """What a person calls the row: its name in quotes (once, though the name has quotes
    of its own), or its ID where it has no name."""
    name = getattr(row, "name", "") or ""
    return in_quotes(name) if name.strip() else row.key


def in_quotes(name: str) -> str:
    """A name in double quotes, once: quotes of its own ("Express" typed with them) are
    dropped first, so that no message reads ""Express""."""
    return f'"{quoted(name)[1:-1]}"'  # quoted() strips them, and adds its own


def add_part(session: Session, plan_id: int, part: Part, form: Any) -> Any:
    """A new row of the list from its validated form, at the end of the list, added to the
    session (the caller commits): the page and the API add them so."""
    position = session.exec(select(func.count()).where(part.model.plan_id == plan_id)).one()
    row = part.model(plan_id=plan_id, position=position, key="")
    form.save(row)
    session.add(row)
    return row


def _part(kind: str) -> Part:
    if kind not in PARTS:
        abort(404, "There is no such list in a plan.")
    return PARTS[kind]


@routes.route("/plans/<int:plan_id>/<kind>/new", methods=["GET", "POST"])
def part_create(kind: str):
    """Add a stage, period or resource at the end of its list."""
    plan, part, session = current_plan(), _part(kind), get_session()
    form = part.form(session=session, plan_id=plan.id)
    if form.validate_on_submit():
        row = add_part(session, plan.id, part, form)
        if commit(f"{part.singular.capitalize()} {_called(row)} added."):
            return redirect(url_for("plans.show"))
    return form_page("plans/part_form.html", form, plan=plan, part=part, kind=kind, row=None)


@routes.route("/plans/<int:plan_id>/<kind>/<int:row_id>/edit", methods=["GET", "POST"])
def part_edit(kind: str, row_id: int):
    """Change a stage, period or resource."""
    plan, part = current_plan(), _part(kind)
    row = row_or_404(part.model, plan.id, row_id)
    session = get_session()
    form = part.form(session=session, plan_id=plan.id, own_id=row.id, obj=row)
    if form.validate_on_submit():
        if not claim_version(session, row, form.version.data):
            return conflict_page("plans/part_form.html", form, plan=plan, part=part,
                             kind=kind, row=row)
        form.save(row)
        if commit(f"{part.singular.capitalize()} {_called(row)} saved."):
            return redirect(url_for("plans.show"))
    return form_page("plans/part_form.html", form, plan=plan, part=part, kind=kind, row=row)


@routes.route("/plans/<int:plan_id>/<kind>/<int:row_id>/delete", methods=["GET", "POST"])
def part_delete(kind: str, row_id: int):
    """Say what a delete takes with it, then delete on confirmation."""
    plan, part, session = current_plan(), _part(kind), get_session()
    row = row_or_404(part.model, plan.id, row_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        session.delete(row)
        if commit(f"{part.singular.capitalize()} {_called(row)} deleted."):
            return redirect(url_for("plans.show"))
    return render_template("confirm.html", form=form, plan=plan,
                           title=f"Delete {part.singular} {_called(row)}?",
                           consequences=part.consequences(session, row),
                           cancel=url_for("plans.show"))


@routes.post("/plans/<int:plan_id>/<kind>/<int:row_id>/move/<direction>")
def part_move(kind: str, row_id: int, direction: str):
    """Move a row one place up or down its list (journey order for stages)."""
    plan, part, session = current_plan(), _part(kind), get_session()
    row = row_or_404(part.model, plan.id, row_id)
    form = ConfirmForm()
    if not form.validate_on_submit() or direction not in ("up", "down"):
        abort(400, "That move could not be read.")
    rows = list(session.exec(select(part.model).where(part.model.plan_id == plan.id)
                             .order_by(part.model.position, part.model.id)).all())
    at = rows.index(row)
    to = at - 1 if direction == "up" else at + 1
    if 0 <= to < len(rows):
        rows[at], rows[to] = rows[to], rows[at]
        for position, each in enumerate(rows):
            each.position = position
    commit(f"{part.singular.capitalize()} {_called(row)} moved {direction}.")
    return redirect(url_for("plans.show"))
