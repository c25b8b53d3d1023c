"""A plan's settings changed as its Settings page changes them (the page's PlanForm reads
the body: "75,000 EUR" as typed), and its cycle moved on as the page's buttons move it
(planner/plans/cycle.py): the moves there are now, the closing day of proposals when it
opens."""

from __future__ import annotations

from typing import Any

from flask_smorest import abort
from marshmallow import Schema, fields, validate

from models import Plan
from models.plan import OPEN, STATES
from planner.amounts import STYLES
from planner.api.core import blueprint, follows, problems
from planner.api.forms import filled
from planner.api.journey.parts import (
    ETAG,
    RANGE,
    TYPED,
    as_typed,
    claimed,
    committed,
    ranged,
    shown,
    typed,
)
from planner.api.plans import PlanSchema, plan_item
from planner.api.versions import check_if_match, etag
from planner.database import get_session
from planner.forms import browser_number_style
from planner.plans.cycle import MEANING, move_cycle, moves
from planner.plans.forms import OpenForm, PlanForm
from planner.views import current_plan

blp = blueprint("plan_settings", "A plan's settings and the moves of its planning cycle.")


class PlanBodySchema(Schema):
    name = fields.String(metadata={"description": "The planning cycle's name, unique."})
    currency = fields.String(metadata={"description": 'A three-letter code such as "EUR".'})
    number_style = fields.String(metadata={
        "description": 'How the plan\'s numbers are written: "point" (1,234.5), "comma" '
                       '(1.234,5), or "" (each reader\'s language decides). The numbers of '
                       "this body are read by the style it sets."})
    budget = typed(TYPED + " null or empty: no total budget.", "null")
    max_focus = typed("How many focus moments at most, 1 to 20.")
    horizon_years = typed("The finance horizon in years; null: none.", "null")
    discount_rate = typed("A yearly rate, such as 0.08 or \"8%\"; null: none.", "null")
    uncertainty_cost = ranged("Costs could be, as shares of each estimate. " + RANGE)
    uncertainty_effects = ranged("Uplifts could be, as shares of each estimate. " + RANGE)
    uncertainty_weight = ranged("Weights could be, as shares of each estimate. " + RANGE)


class MoveOfferSchema(Schema):
    to = fields.String(required=True, metadata={"description": "The state it moves to."})
    words = fields.String(required=True, metadata={"description": "The page's button."})


class CycleSchema(Schema):
    state = fields.String(required=True, metadata={
        "description": "draft, open, decided or closed."})
    meaning = fields.String(required=True, metadata={"description": "What the state means."})
    proposals_close = fields.Date(required=True, allow_none=True, metadata={
        "description": "The last day teams may propose; null: none set."})
    moves = fields.List(fields.Nested(MoveOfferSchema), required=True, metadata={
        "description": "The moves the CX lead can make now."})


class MoveSchema(Schema):
    to = fields.String(required=True, validate=validate.OneOf(STATES), metadata={
        "description": "The state to move the cycle to: one of its moves now."})
    seen = fields.String(required=True, data_key="from", validate=validate.OneOf(STATES),
                         metadata={"description": "The state it is in as you read it: a "
                                                  "move from a state it has left is "
                                                  "refused (409)."})
    proposals_close = fields.String(allow_none=True, metadata={
        "description": "Only when it moves to open, optional: the last day teams may "
                       "propose, as YYYY-MM-DD (today or later)."})


@blp.route("/plans/<int:plan_id>", methods=["PATCH"])
@follows("plans.edit")
@blp.arguments(PlanBodySchema)
@blp.response(200, PlanSchema, headers=ETAG)
@problems(409, 412, 428)
def change_plan(body: dict[str, Any]) -> Any:
    """Change the plan's settings at the version named as If-Match: what the body names
    changes, the rest stays; numbers read as its Settings page reads them."""
    plan, session = current_plan(), get_session()
    check_if_match(plan.version)
    options = {"session": session, "plan_id": plan.id}
    base_form = PlanForm(formdata=None, obj=plan, meta={"csrf": False}, **options)
    base_form.show_shares(plan)
    style = body.get("number_style", plan.number_style)
    form = filled(PlanForm, as_typed(body, style if style in STYLES else browser_number_style()),
                  base=shown(base_form), **options)
    claimed(plan)
    form.save(plan)
    committed()
    return plan_item(plan), 200, {"ETag": etag(plan.version)}


@blp.route("/plans/<int:plan_id>/state")
@follows("plans.show")
@blp.response(200, CycleSchema)
def cycle() -> dict[str, Any]:
    """The plan's cycle: its state, what that means, and the moves it can make now."""
    return _cycle(current_plan())


@blp.route("/plans/<int:plan_id>/state", methods=["POST"])
@follows("plans.state")
@blp.arguments(MoveSchema)
@blp.response(200, CycleSchema)
@problems(409)
def move(body: dict[str, Any]) -> dict[str, Any]:
    """Move the plan's cycle on (or back), as the Settings page's buttons do: opening it
    for proposals may give their last day; closing it stops every change in it."""
    plan, session = current_plan(), get_session()
    to, seen = body["to"], body["seen"]
    if to not in moves(session, plan) or seen != plan.state:
        abort(409, message=f"The plan's cycle is {plan.state} now, so it cannot move to "
                           f"{to}: read its state and moves again. Nothing was changed.")
    close = body.get("proposals_close")
    if to != OPEN and close:
        abort(422, errors=[{"field": "proposals_close", "detail": "Only opening the plan for "
                            "proposals takes their last day: leave it out."}])
    form = filled(OpenForm, {"proposals_close": close})
    if not move_cycle(session, plan, to, form.proposals_close.data):
        abort(409, message="Someone moved the plan's cycle at the same moment: read its "
                           "state again. Nothing was changed.")
    committed()
    return _cycle(plan)


def _cycle(plan: Plan) -> dict[str, Any]:
    return {"state": plan.state, "meaning": MEANING[plan.state],
            "proposals_close": plan.proposals_close,
            "moves": [{"to": to, "words": words}
                      for to, words in moves(get_session(), plan).items()]}
