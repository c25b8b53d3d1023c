"""What the API says of runs and jobs: a job's progress as its page's JSON gives it, a run
with what it is for in the portfolio page's words, and a solve result exactly as the plan
format's solve-result document (docs/plan-format.md, "Solve result";
optimizer.Result.to_dict)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from marshmallow import Schema, fields

from models import Job, Run
from optimizer.result import result_from_dict
from planner.database import get_session
from planner.jobs.queue import DONE
from planner.jobs.views import facts
from planner.runs.reports import STATUS_WORDS
from planner.runs.views import what_it_is

NUMBER = {"type": ["number", "string", "null"]}
LOCATION = {"Location": {"schema": {"type": "string"}, "description": "The job's address: "
                                                                      "poll it until it ends."}}


class JobSchema(Schema):
    """A job: long work done by a worker beside the pages, polled until it ends."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={
        "description": "run, explain, scenarios, frontier, robust, alternatives, import."})
    what = fields.String(required=True, metadata={"description": "The kind, in words."})
    status = fields.String(required=True, metadata={
        "description": "queued, running, done, failed or cancelled."})
    step = fields.String(required=True, metadata={"description": "What it is doing now."})
    percent = fields.Float(required=True, metadata={"description": "How far it is, 0 to 100."})
    seconds = fields.Float(required=True, metadata={"description": "How long it has run."})
    message = fields.String(required=True, metadata={
        "description": "How it ended (failed, cancelled), or why it waits; else empty."})
    done_words = fields.String(required=True, metadata={
        "description": "What it made, in words, once done; else empty."})
    run_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The run it made or works on, where it has one."})
    result_location = fields.String(required=True, allow_none=True, metadata={
        "description": "The API address of what it made, once done; null before."})


def job_item(job: Job) -> dict[str, Any]:
    """A job as the API gives it: its page's facts, with the API's addresses."""
    said = facts(job)
    run_id = job.result.get("run_id") or job.params.get("run_id")
    return {**{name: said[name] for name in ("id", "kind", "what", "status", "step", "percent",
                                             "seconds", "message", "done_words")},
            "run_id": run_id, "result_location": _made_at(job, run_id)}


def job_location(job: Job) -> str:
    return url_for("api_runs.job", plan_id=job.plan_id, job_id=job.id)


def started(job: Job) -> tuple[dict[str, Any], int, dict[str, str]]:
    """The answer to a request that started a job: 202, the job, and its Location. The
    request's transaction is ended first, so that the answer is kept under its
    Idempotency-Key (planner/api/idempotency.py) without waiting for the write lock that
    the request's session took back to read the job."""
    get_session().commit()
    return job_item(job), 202, {"Location": job_location(job)}


def _made_at(job: Job, run_id: int | None) -> str | None:
    """The API address of what a done job made (a run job's run as soon as it is saved)."""
    if job.kind == "run" and run_id:
        return url_for("api_runs.run", plan_id=job.plan_id, run_id=run_id)
    if job.status != DONE:
        return None
    plan_id = job.plan_id
    if job.kind == "explain":
        return url_for("api_decision.say_no", plan_id=plan_id, run_id=run_id)
    if job.kind in ("robust", "robust-part"):
        return url_for("api_uncertainty.robust", plan_id=plan_id, run_id=run_id)
    if job.kind == "alternatives":
        return url_for("api_uncertainty.alternatives", plan_id=plan_id, run_id=run_id)
    if job.kind == "frontier":
        return url_for("api_frontier.frontier", plan_id=plan_id,
                       points=job.params.get("points"))
    if job.kind == "scenarios":
        ids = job.params.get("ids", [])
        return (url_for("api_scenarios.scenario", plan_id=plan_id, scenario_id=ids[0])
                if len(ids) == 1 else url_for("api_scenarios.scenarios", plan_id=plan_id))
    return None


class MomentResultSchema(Schema):
    id = fields.String(required=True)
    focus = fields.Boolean(required=True)
    improvement = fields.Float(required=True, metadata={"description": "What counts (v_m)."})
    uplift = fields.Float(required=True, metadata={
        "description": "The funded work's uplift, before the headroom cap."})
    headroom = fields.Float(required=True, allow_none=True)
    contribution = fields.Float(required=True, metadata={"description": "weight * improvement"})


class RejectionSchema(Schema):
    id = fields.String(required=True)
    reason = fields.String(required=True, metadata={
        "description": "The say-no reason that binds (docs/model.md, \"Say-no reasons\")."})
    message = fields.String(required=True, metadata={"description": "It, in words."})


class UsageSchema(Schema):
    id = fields.String(required=True)
    used = fields.Float(required=True)
    limit = fields.Float(required=True, allow_none=True)


class SolverSchema(Schema):
    name = fields.String(required=True)
    version = fields.String(required=True)
    seconds = fields.Float(required=True)
    build_seconds = fields.Float(required=True)
    phases = fields.Integer(required=True)
    tie_break = fields.String(required=True, metadata={
        "description": "proven, time_limit or skipped."})


class SolveResultSchema(Schema):
    """The plan format's solve-result document (docs/plan-format.md, "Solve result"), as
    `planner solve PLAN.json --json` prints it."""

    status = fields.String(required=True, metadata={
        "description": "optimal, feasible, infeasible or no_solution."})
    impact = fields.Float(required=True, allow_none=True)
    bound = fields.Float(required=True, allow_none=True)
    gap = fields.Float(required=True, allow_none=True)
    cost = fields.Float(required=True, allow_none=True)
    budget = fields.Float(required=True, allow_none=True)
    focus = fields.List(fields.String(), required=True)
    moments = fields.List(fields.Nested(MomentResultSchema), required=True)
    funded = fields.List(fields.String(), required=True)
    rejected = fields.List(fields.Nested(RejectionSchema), required=True)
    conflicts = fields.List(fields.String(), required=True)
    solver = fields.Nested(SolverSchema, required=True)
    periods = fields.List(fields.Nested(UsageSchema), required=True)
    resources = fields.List(fields.Nested(UsageSchema), required=True)


def solve_result(stored: dict[str, Any]) -> dict[str, Any]:
    """The solve-result document of a stored result (a what-if's keeps its changes beside
    it, which are not part of the document)."""
    return result_from_dict(stored).to_dict()


class RunSchema(Schema):
    """A saved run, with what it is for."""

    id = fields.Integer(required=True)
    number = fields.Integer(required=True, metadata={"description": "#1, #2, ... in the plan."})
    created_at = fields.DateTime(required=True)
    kind = fields.String(required=True, metadata={
        "description": "draft (of the decision) or what-if (no team reads it)."})
    label = fields.String(required=True, metadata={
        "description": "Where a what-if came from, in words; else empty."})
    what = fields.String(required=True, metadata={
        "description": "What it is for, as the portfolio page says it: \"Draft\", "
                       "\"What-if: ...\", \"Decision (published 12 March)\"."})
    status = fields.String(required=True)
    status_words = fields.String(required=True)
    budget = fields.Float(required=True, allow_none=True, metadata={
        "description": "The budget it solved with; null: none."})
    max_focus = fields.Integer(required=True)
    impact = fields.Float(required=True, allow_none=True)
    cost = fields.Float(required=True, allow_none=True)
    published_at = fields.DateTime(required=True, allow_none=True, metadata={
        "description": "When it was last published as the decision; null: never."})
    is_decision = fields.Boolean(required=True, metadata={
        "description": "Whether it is the plan's published decision now."})


class RunWithResultSchema(RunSchema):
    result = fields.Nested(SolveResultSchema, required=True)
    changed_since = fields.List(fields.String(), required=True, metadata={
        "description": "What of the plan changed since it was made, in words; empty: "
                       "nothing."})


def run_item(run: Any, published_at: datetime | None, decision_id: int | None
             ) -> dict[str, Any]:
    """A run (a Run, or a row of its columns) as the API gives it."""
    is_decision = decision_id == run.id
    return {"id": run.id, "number": run.number, "created_at": run.created_at,
            "kind": run.kind, "label": run.label,
            "what": what_it_is(run, published_at, is_decision), "status": run.status,
            "status_words": STATUS_WORDS.get(run.status, run.status), "budget": run.budget,
            "max_focus": run.max_focus, "impact": run.impact, "cost": run.cost,
            "published_at": published_at, "is_decision": is_decision}


def run_with_result(run: Run, published_at: datetime | None, decision_id: int | None,
                    changed: list[str]) -> dict[str, Any]:
    return {**run_item(run, published_at, decision_id), "result": solve_result(run.result),
            "changed_since": changed}
