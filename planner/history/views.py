"""The History page: a plan's decision record, newest first, a hundred lines at a time,
each said in words (planner/history/words.py), filtered by what it concerns (an
initiative, a moment, runs ...), and as a CSV file."""

from __future__ import annotations

import pandas as pd
from flask import Blueprint, render_template, request
from sqlalchemy import func
from sqlmodel import select

from models import RecordEntry
from planner.database import get_session
from planner.history.words import Names, heading, plural, sentence
from planner.spreadsheets import csv_bytes
from planner.views import attachment, current_plan, paged, query_text
from planner.web import when

bp = Blueprint("history", __name__)
PER_PAGE = 100
COLUMNS = ("When (UTC)", "Who", "What", "Concerns", "ID", "Field", "Before", "After",
           "In words")


def _filtered(plan_id: int):
    statement = select(RecordEntry).where(RecordEntry.plan_id == plan_id)
    entity, key = query_text("entity", 40), query_text("key", 200)
    if entity:
        statement = statement.where(RecordEntry.entity == entity)
    if key:
        statement = statement.where(RecordEntry.key == key)
    return statement, entity, key


@bp.get("/plans/<int:plan_id>/history")
def show():
    """Who changed what, when: every line of the plan's record, newest first."""
    plan, session = current_plan(), get_session()
    statement, entity, key = _filtered(plan.id)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()

    def fetch(number: int):
        rows = session.exec(statement.order_by(RecordEntry.id.desc())
                            .offset((number - 1) * PER_PAGE).limit(PER_PAGE)).all()
        return list(rows), total

    lines, page = paged(fetch, request.args.get("page"), PER_PAGE)
    kinds = session.exec(select(RecordEntry.entity).where(RecordEntry.plan_id == plan.id)
                         .distinct().order_by(RecordEntry.entity)).all()
    names = Names.of(session, plan.id)
    return render_template("history/show.html", plan=plan, page=page, entity=entity,
                           key=key, heading=heading(entity, key, names),
                           plural=plural(entity),
                           lines=[(e, sentence(e, names)) for e in lines],
                           kinds=[(kind, plural(kind)) for kind in kinds])


@bp.get("/plans/<int:plan_id>/history.csv")
def download():
    """The record (as filtered on the page) as a CSV file, oldest first."""
    plan, session = current_plan(), get_session()
    statement, _, _ = _filtered(plan.id)
    names = Names.of(session, plan.id)
    rows = [(when(e.at), e.who, e.action, e.entity, e.key, e.field, e.before, e.after,
             f"{e.who} {sentence(e, names)}")
            for e in session.exec(statement.order_by(RecordEntry.id)).all()]
    body = csv_bytes(pd.DataFrame(rows, columns=list(COLUMNS)))
    return attachment(body, "text/csv", f"plan-{plan.id}-history.csv")
