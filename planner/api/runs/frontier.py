"""The efficient frontier: the best impact at each budget, with each point's portfolio and
what each step buys in words, as the frontier page gives them. As on the page, the first
to ask for the plan as it is starts the job that traces it; until it is done, the answer
is that job's progress."""

from __future__ import annotations

from typing import Any

from flask_smorest import abort
from marshmallow import Schema, fields

import optimizer
from models.plan_import import plan_fingerprint
from models.planfile import plan_document
from optimizer.finance.frontier import frontier_from_dict, point_at
from planner.api.core import blueprint, follows, problems
from planner.api.forms import filled
from planner.api.runs.items import JobSchema, job_item
from planner.database import get_session
from planner.finance.frontier import step_words, traced
from planner.finance.frontier_forms import PAGE_POINTS, FrontierForm
from planner.jobs.queue import DONE
from planner.runs.reports import STATUS_WORDS
from planner.views import current_plan

blp = blueprint("frontier", "The efficient frontier: the best impact at each budget.")


class FrontierArgs(Schema):
    points = fields.String(load_default=None, allow_none=True, metadata={
        "description": f"Most points (2 to 200; {PAGE_POINTS} by default): every step when "
                       "the frontier has this many or fewer, else exact points spread over "
                       "the range."})


class PointSchema(Schema):
    budget = fields.Float(required=True, metadata={"description": "The budget solved at."})
    at = fields.Float(required=True, metadata={
        "description": "Where it stands on the budget axis: its cost, or the budget tried "
                       "when nothing fits."})
    status = fields.String(required=True)
    status_words = fields.String(required=True)
    impact = fields.Float(required=True, allow_none=True)
    cost = fields.Float(required=True, allow_none=True, metadata={
        "description": "The least money that buys this impact."})
    funded = fields.List(fields.String(), required=True)
    focus = fields.List(fields.String(), required=True)
    focus_names = fields.List(fields.String(), required=True)


class FrontierSchema(Schema):
    job = fields.Nested(JobSchema, required=True, metadata={
        "description": "The job that traces it: poll it while traced is false."})
    traced = fields.Boolean(required=True)
    plan_budget = fields.Float(required=True, allow_none=True)
    total_cost = fields.Float(required=True, allow_none=True, metadata={
        "description": "The cost of every initiative; null while tracing."})
    complete = fields.Boolean(required=True, allow_none=True, metadata={
        "description": "Every breakpoint (true), or exact points spread over the range."})
    points = fields.List(fields.Nested(PointSchema), required=True, metadata={
        "description": "The breakpoints by rising cost; empty while tracing."})
    steps = fields.List(fields.String(), required=True, metadata={
        "description": "What each step from one point to the next buys, in words."})
    next_step = fields.String(required=True, allow_none=True, metadata={
        "description": "What the next 100,000 beyond the plan's budget buys; null: no "
                       "budget, or while tracing."})
    budget_buys = fields.Float(required=True, allow_none=True, metadata={
        "description": "The best impact at the plan's budget."})


@blp.route("/plans/<int:plan_id>/frontier")
@follows("frontier.show")
@blp.arguments(FrontierArgs, location="query")
@blp.response(200, FrontierSchema)
@problems(409)
def frontier(args: dict[str, Any]) -> dict[str, Any]:
    """The frontier of the plan as it is, traced by a job (started by the first to ask)."""
    plan, session = current_plan(), get_session()
    form = filled(FrontierForm, {} if args["points"] is None else {"points": args["points"]},
                  base={"points": PAGE_POINTS})
    document = plan_document(session, plan.id)
    try:
        current = optimizer.plan_from_dict(document)
    except optimizer.PlanError as error:
        abort(409, message="The plan cannot be solved as it stands: fix each of problems, "
                           "then ask again.", problems=error.problems)
    job = traced(session, plan.id, form.points.data, plan_fingerprint(document))
    answer = {"job": job_item(job), "traced": job.status == DONE, "plan_budget": plan.budget,
              "total_cost": None, "complete": None, "points": [], "steps": [],
              "next_step": None, "budget_buys": None}
    if job.status != DONE:
        return answer
    found = frontier_from_dict(job.result["frontier"])
    return {**answer, "plan_budget": found.plan_budget, "total_cost": found.total_cost,
            "complete": found.complete,
            "points": [{**point.to_dict(), "at": point_at(point),
                        "status_words": STATUS_WORDS.get(point.status, point.status),
                        "focus_names": [current.moment(key).name for key in point.focus]}
                       for point in found.points],
            "steps": [step_words(current, lower, upper)
                      for lower, upper in zip(found.points, found.points[1:], strict=False)],
            "next_step": job.result["next_step"],
            "budget_buys": None if found.plan_budget is None
            else found.impact_at(found.plan_budget)}
