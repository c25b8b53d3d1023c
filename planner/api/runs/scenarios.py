"""Scenarios: named variants of the plan, listed, read with their last solve, made with the
scenario page's own form, solved as a job and compared side by side, as their pages do."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

import optimizer
from models import Scenario
from models.planfile import plan_document
from planner.api.core import blueprint, follows, problems
from planner.api.forms import filled
from planner.api.idempotency import KEY_HEADER, idempotent
from planner.api.paging import PageArgs, page_schema, paged
from planner.api.runs.items import (
    LOCATION,
    NUMBER,
    JobSchema,
    SolveResultSchema,
    solve_result,
    started,
)
from planner.api.versions import ETAG_HELP, etag
from planner.database import get_session
from planner.finance.compare import PLAN_AS_IT_IS, compare_scenarios, plan_as_it_is
from planner.finance.scenario_forms import ScenarioParts, scenario_form
from planner.finance.scenario_words import override_lines, staleness
from planner.finance.scenarios import chosen, scenario_problems
from planner.jobs.queue import start
from planner.views import current_plan, row_or_404
from planner.web import LARGEST_ID

blp = blueprint("scenarios", "Scenarios: variants of the plan, solved and compared.")
ETAG = {"ETag": {"schema": {"type": "string"}, "description": ETAG_HELP}}
# The per-row settings of the body, and the scenario form's fields for them.
TABLES = ("period_budgets", "weights", "capacities")
DECISIONS = ("force_in", "force_out", "to_auto")


class ScenarioSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    note = fields.String(required=True)
    overrides = fields.Dict(required=True, metadata={
        "description": "What it changes of the plan: budget, max_focus, period_budgets, "
                       "weights, capacities, decisions; what is absent is the plan's own."})
    changes = fields.List(fields.String(), required=True, metadata={
        "description": "Each change in words, with the plan's own value beside it."})
    solved_at = fields.DateTime(required=True, allow_none=True, metadata={
        "description": "When it was last solved; null: never."})
    stale = fields.String(required=True, allow_none=True, metadata={
        "description": "Why its last solve no longer answers for the plan as it is; null: "
                       "it does (or it was never solved)."})
    version = fields.Integer(required=True, metadata={"description": ETAG_HELP})
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class ScenarioWithResultSchema(ScenarioSchema):
    result = fields.Nested(SolveResultSchema, required=True, allow_none=True, metadata={
        "description": "Its last solve, as the plan format's solve-result document; null: "
                       "never solved."})


def _numbers(what: str) -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=fields.Raw(metadata=NUMBER),
                       load_default=None, allow_none=True, metadata={
                           "description": f"{what} by id, each a number or as typed; "
                                          "absent: the plan's own."})


def _initiatives(what: str) -> fields.List:
    return fields.List(fields.String(), load_default=None, allow_none=True, metadata={
        "description": f"Initiatives {what}, each by name or id."})


class ScenarioArgs(Schema):
    """The scenario page's form; each setting left out is the plan's own."""

    name = fields.String(load_default=None, allow_none=True, metadata={
        "description": "Its name, unique in the plan: \"Budget cut 20%\"."})
    note = fields.String(load_default=None, allow_none=True, metadata={
        "description": "What it asks, in words."})
    budget = fields.Raw(load_default=None, metadata={**NUMBER, "description": (
        "The total budget, a number or as typed; null: the plan's.")})
    no_budget = fields.Boolean(load_default=False, metadata={
        "description": "No total budget in this scenario (with no budget given)."})
    max_focus = fields.Raw(load_default=None, metadata={**NUMBER, "description": (
        "Focus moments at most (1 to 20); null: the plan's.")})
    period_budgets = _numbers("Budgets of periods")
    weights = _numbers("Weights of moments")
    capacities = _numbers("Capacities of resources")
    force_in = _initiatives("to fund whatever they move")
    force_out = _initiatives("to reject")
    to_auto = _initiatives("whose decision in the plan is fund or reject, given back to "
                           "the optimiser")


class CompareArgs(Schema):
    ids = fields.List(fields.Integer(validate=validate.Range(1, LARGEST_ID)),
                      load_default=list, metadata={
                          "description": "1 to 4 solved scenarios, in the order to show "
                                         "them: ?ids=3&ids=5."})


class SideSchema(Schema):
    scenario_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": f"null: {PLAN_AS_IT_IS.lower()} (the first side)."})
    name = fields.String(required=True)
    solved_at = fields.DateTime(required=True, allow_none=True)
    status = fields.String(required=True)
    impact = fields.Float(required=True, allow_none=True)
    cost = fields.Float(required=True, allow_none=True)
    budget = fields.Float(required=True, allow_none=True)
    unspent = fields.Float(required=True, allow_none=True)
    benefit = fields.Float(required=True, allow_none=True, metadata={
        "description": "The funded work's yearly benefit; null: not stated."})
    roi = fields.Float(required=True, allow_none=True)
    npv = fields.Float(required=True, allow_none=True)
    payback_years = fields.Float(required=True, allow_none=True)
    focus = fields.List(fields.String(), required=True, metadata={
        "description": "The focus moments' names."})
    funded = fields.List(fields.String(), required=True)


class DifferenceSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    funded = fields.List(fields.Boolean(), required=True, metadata={
        "description": "Whether each side funds it, in the order of sides."})


class ComparisonSchema(Schema):
    currency = fields.String(required=True)
    sides = fields.List(fields.Nested(SideSchema), required=True)
    differences = fields.List(fields.Nested(DifferenceSchema), required=True, metadata={
        "description": "The work funded by some sides but not all."})


def scenario_item(scenario: Scenario, document: dict[str, Any]) -> dict[str, Any]:
    return {"id": scenario.id, "name": scenario.name, "note": scenario.note,
            "overrides": scenario.overrides,
            "changes": override_lines(scenario.overrides, document),
            "solved_at": scenario.solved_at, "stale": staleness(scenario, document),
            "version": scenario.version, "created_at": scenario.created_at,
            "updated_at": scenario.updated_at}


def _with_result(scenario: Scenario, document: dict[str, Any]) -> dict[str, Any]:
    return {**scenario_item(scenario, document), "result": None if scenario.result is None
            else solve_result(scenario.result)}


@blp.route("/plans/<int:plan_id>/scenarios")
@follows("scenarios.index")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(ScenarioSchema, "ScenarioPage"))
def scenarios(args: dict[str, Any]) -> dict[str, Any]:
    """The plan's scenarios, oldest first, with what each changes and whether its solve
    answers for the plan as it is."""
    plan, session = current_plan(), get_session()
    document = plan_document(session, plan.id)
    return paged(session, select(Scenario).where(Scenario.plan_id == plan.id), Scenario.id,
                 args, lambda scenario: scenario_item(scenario, document))


@blp.route("/plans/<int:plan_id>/scenarios/<int:scenario_id>")
@follows("scenarios.show")
@blp.response(200, ScenarioWithResultSchema, headers=ETAG)
def scenario(scenario_id: int) -> Any:
    """One scenario, with its last solve."""
    plan, session = current_plan(), get_session()
    found = row_or_404(Scenario, plan.id, scenario_id)
    return (_with_result(found, plan_document(session, plan.id)), 200,
            {"ETag": etag(found.version)})


@blp.route("/plans/<int:plan_id>/scenarios", methods=["POST"])
@follows("scenarios.create")
@blp.arguments(ScenarioArgs)
@blp.response(201, ScenarioWithResultSchema, headers={**ETAG, "Location": {
    "schema": {"type": "string"}, "description": "The new scenario."}})
@problems(409)
def create(body: dict[str, Any]) -> Any:
    """A new scenario of the plan, checked by the scenario page's form."""
    plan, session = current_plan(), get_session()
    parts = ScenarioParts.load(session, plan)
    data, names = _form_data(parts, body)
    form = filled(lambda **options: scenario_form(parts, session, **options), data,
                  names=names)
    made = Scenario(plan_id=plan.id, name="", overrides={})
    form.save(made)
    session.add(made)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        abort(409, message="A scenario of this name was saved at the same moment: give "
                           "another name. Nothing was saved.")
    return (_with_result(made, plan_document(session, plan.id)), 201,
            {"ETag": etag(made.version),
             "Location": url_for("api_scenarios.scenario", plan_id=plan.id,
                                 scenario_id=made.id)})


def _form_data(parts: ScenarioParts, body: dict[str, Any]
               ) -> tuple[dict[str, Any], dict[str, str]]:
    """The scenario form's fields from the body (its per-row settings by id, its lists of
    initiatives one per line), and the body's name of each form field that differs; 422
    for a row the plan does not have."""
    data = {name: body[name] for name in ("name", "note", "budget", "no_budget", "max_focus")}
    data.update({name: "\n".join(body[name] or []) for name in DECISIONS})
    names, unknown = {}, []
    for key, settings in parts.tables():
        given = dict(body.get(key) or {})
        for setting in settings:
            names[setting.field] = f"{key}.{setting.key}"
            if setting.key in given:
                data[setting.field] = given.pop(setting.key)
        unknown += [{"field": f"{key}.{row}", "detail": "The plan has no row with this id: "
                     "give one of its ids."} for row in given]
    if unknown:
        abort(422, errors=unknown)
    return data, names


@blp.route("/plans/<int:plan_id>/scenarios/<int:scenario_id>/solve", methods=["POST"])
@follows("scenarios.solve")
@blp.doc(parameters=[KEY_HEADER])
@idempotent
@blp.response(202, JobSchema, headers=LOCATION)
@problems(409)
def solve(scenario_id: int) -> Any:
    """Solve the scenario on the plan as it is now, as a job; its solve is kept with it."""
    plan, session = current_plan(), get_session()
    found = row_or_404(Scenario, plan.id, scenario_id)
    problems_found = scenario_problems(found, plan_document(session, plan.id))
    if problems_found:
        abort(409, message="The scenario cannot be solved on the plan as it is: change it or "
                           "the plan (each of problems); nothing was started.",
              problems=problems_found)
    job = start(session, plan.id, "scenarios", {"ids": [found.id]})
    return started(job)


@blp.route("/plans/<int:plan_id>/scenarios/compare")
@follows("scenarios.compare")
@blp.arguments(CompareArgs, location="query")
@blp.response(200, ComparisonSchema)
@problems(409)
def compare(args: dict[str, Any]) -> dict[str, Any]:
    """Solved scenarios side by side, after the plan as it is: their figures, and the work
    only some of them fund."""
    plan = current_plan()
    picked, problem = chosen(plan, list(dict.fromkeys(args["ids"])))
    if problem:
        abort(422, errors=[{"field": "ids", "detail": problem}])
    try:
        found = compare_scenarios([plan_as_it_is(get_session(), plan), *picked])
    except optimizer.PlanError as error:
        abort(409, message="A solve compared no longer passes the plan checks: solve the "
                           "scenarios again.", problems=error.problems)
    return {"currency": found.currency,
            "sides": [_side(side) for side in found.sides],
            "differences": [{"id": key, "name": name, "funded": funded}
                            for key, name, funded in found.difference_rows()]}


def _side(side: Any) -> dict[str, Any]:
    result, figures = side.column.result, side.figures
    return {"scenario_id": side.scenario.id, "name": side.scenario.name,
            "solved_at": side.scenario.solved_at, "status": result.status,
            "impact": result.impact, "cost": result.cost, "budget": result.budget,
            "unspent": side.unspent, "benefit": figures.benefit if figures else None,
            "roi": figures.roi if figures else None, "npv": figures.npv if figures else None,
            "payback_years": figures.payback_years if figures else None,
            "focus": side.focus_names, "funded": list(result.funded)}
