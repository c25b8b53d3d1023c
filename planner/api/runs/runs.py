"""Runs: starting one as a job (the portfolio page's run form, with an Idempotency-Key so
that a retry starts none more), polling a job, the plan's runs page by page, and one run
with its result as the plan format's solve-result document."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_smorest import abort
from marshmallow import Schema, fields
from sqlmodel import Session, select

from models import Job, Run
from models.queries import publications_of
from planner.api.core import blueprint, follows, problems
from planner.api.forms import filled
from planner.api.idempotency import KEY_HEADER, idempotent
from planner.api.paging import PageArgs, page_schema, paged
from planner.api.runs.items import (
    LOCATION,
    NUMBER,
    JobSchema,
    RunSchema,
    RunWithResultSchema,
    job_item,
    run_item,
    run_with_result,
    started,
)
from planner.database import get_session
from planner.jobs.queue import settle, start
from planner.runs.changes import RunForm, changed_since, checked_run
from planner.views import current_plan, plan_and_run, row_or_404

blp = blueprint("runs", "Runs of the optimiser: started as jobs, polled, and read with their "
                        "result.")

# A run's columns but its plan document and result, which a list need not read back.
LISTED = (Run.id, Run.number, Run.created_at, Run.kind, Run.label, Run.status, Run.budget,
          Run.max_focus, Run.impact, Run.cost)


class RunArgs(Schema):
    """The portfolio page's run form: each field empty (null) for the plan's own."""

    budget = fields.Raw(load_default=None, metadata={**NUMBER, "description": (
        "The budget for this run, as a number or as typed (\"1,200,000\", \"1.2m EUR\"); "
        "null: the plan's.")})
    max_focus = fields.Raw(load_default=None, metadata={**NUMBER, "description": (
        "How many focus moments at most (1 to 20); null: the plan's setting.")})
    what_if = fields.String(load_default=None, allow_none=True, metadata={
        "description": "Where a what-if comes from: \"frontier\" (a point of the frontier, "
                       "at this budget) or \"scenario-<id>\" (a scenario's settings); "
                       "null: the plan as it is."})


@blp.route("/plans/<int:plan_id>/runs", methods=["POST"])
@follows("portfolio.run")
@blp.arguments(RunArgs)
@blp.doc(parameters=[KEY_HEADER])
@idempotent
@blp.response(202, JobSchema, headers=LOCATION)
@problems(409)
def start_run(body: dict[str, Any]) -> Any:
    """Start a run of the plan (with this budget and focus count) as a job: solved, saved
    and every rejection explained by a worker. Answers the job at once; poll its Location
    until it ends (its run_id is the run's). Finance's runs are what-ifs."""
    plan = current_plan()
    plan_id, currency = plan.id, plan.currency
    form = filled(RunForm, body)
    params, source_problems, plan_problems = checked_run(plan_id, currency, form)
    if source_problems:
        abort(422, errors=[{"field": "what_if", "detail": words} for words in source_problems])
    if plan_problems:
        abort(409, message="The plan cannot be solved as it stands: fix each of problems, "
                           "then start the run again; nothing was started.",
              problems=plan_problems)
    job = start(get_session(), plan_id, "run", params)
    return started(job)


@blp.route("/plans/<int:plan_id>/jobs/<int:job_id>")
@follows("jobs.progress")
@blp.response(200, JobSchema)
def job(job_id: int) -> Any:
    """A job's progress: its status, step and percent, how it ended, and once done the
    address of what it made. A job whose worker stopped is failed, never left running."""
    plan = current_plan()
    found = settle(get_session(), row_or_404(Job, plan.id, job_id),
                   float(current_app.config["JOBS_STALE_SECONDS"]))
    return job_item(found), 200, {"Cache-Control": "no-store"}


@blp.route("/plans/<int:plan_id>/runs")
@follows("portfolio.show")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(RunSchema, "RunPage"))
def runs(args: dict[str, Any]) -> dict[str, Any]:
    """The plan's runs, oldest first, each with what it is for."""
    plan, session = current_plan(), get_session()
    published, decision_id = publications(session, plan.id)
    return paged(session, select(*LISTED).where(Run.plan_id == plan.id), Run.id, args,
                 lambda row: run_item(row, published.get(row.id), decision_id))


@blp.route("/plans/<int:plan_id>/runs/<int:run_id>")
@follows("portfolio.run_page")
@blp.response(200, RunWithResultSchema)
def run(run_id: int) -> dict[str, Any]:
    """One saved run: what it is for, and its result as the plan format's solve-result
    document (docs/plan-format.md, "Solve result")."""
    plan, saved = plan_and_run(run_id)
    published, decision_id = publications(get_session(), plan.id)
    return run_with_result(saved, published.get(saved.id), decision_id, changed_since(saved))


def publications(session: Session, plan_id: int) -> tuple[dict[int, datetime], int | None]:
    """When each run of the plan was last published, and the decision's run id (the run
    published last); None: no decision yet."""
    published: dict[int, datetime] = {}
    found = publications_of(session=session, plan_id=plan_id)  # newest first
    for publication, _run in found:
        published.setdefault(publication.run_id, publication.created_at)
    return published, found[0][0].run_id if found else None
