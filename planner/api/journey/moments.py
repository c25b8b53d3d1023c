"""The journey's moments of truth, each with its owner and latest measured score (list, one,
add, change, delete), and a moment's measured scores (list, one, add, delete), as the
journey's and the measurement pages do (planner/journey): the page's own form reads the
body (numbers as typed: "30 pts", "2-4"), the page's save writes it, and the access
table's rules for those pages hold."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlmodel import select

from models import Measurement, Moment
from planner.api.core import blueprint, follows, problems
from planner.api.forms import filled
from planner.api.journey.parts import (
    ETAG,
    LOCATION,
    RANGE,
    as_typed,
    claimed,
    committed,
    item_of,
    ranged,
    shown,
    typed,
    with_etag,
)
from planner.api.paging import PageArgs, page_schema, paged
from planner.api.versions import ETAG_HELP, check_if_match
from planner.database import get_session
from planner.journey.forms import NO_STAGE, MomentForm
from planner.journey.measurements import MeasurementForm, add_measurement
from planner.journey.moments import add_moment, moment_users
from planner.views import current_plan, row_or_404

blp = blueprint("journey", "The journey: moments of truth with their owners and measured "
                           "scores, and the influences of back-stage steps.")
MOMENT = "/plans/<int:plan_id>/moments/<int:moment_id>"
SCORES = f"{MOMENT}/measurements"


class MeasurementSchema(Schema):
    id = fields.Integer(required=True)
    moment_id = fields.Integer(required=True)
    taken_on = fields.Date(required=True)
    score = fields.Float(required=True)
    n = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The sample size; null: unknown."})
    source = fields.String(required=True)


class MomentSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "Its database id."})
    key = fields.String(required=True, metadata={"description": "Its id in the plan."})
    name = fields.String(required=True)
    stage_id = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Its stage's database id; null: no stage."})
    side = fields.String(required=True, metadata={"description": "front or back (stage)."})
    weight = fields.Float(required=True)
    weight_range = fields.List(fields.Float(), required=True, allow_none=True, metadata={
        "description": "[low, high] of the weight; null: the plan's default range."})
    headroom = fields.Float(required=True, allow_none=True)
    category = fields.String(required=True, allow_none=True)
    score = fields.Float(required=True, allow_none=True, metadata={
        "description": "The baseline score the plan is made with."})
    owner = fields.String(required=True, metadata={
        "description": "Who is accountable for it; empty: nobody yet."})
    latest_measurement = fields.Nested(MeasurementSchema, required=True, allow_none=True,
                                       metadata={"description": "Its latest measured score "
                                                                "(by day); null: none."})
    version = fields.Integer(required=True, metadata={"description": ETAG_HELP})


class MomentArgs(PageArgs):
    owner = fields.String(load_default=None, validate=validate.Length(max=120), metadata={
        "description": "Only the moments of this owner (empty: those nobody owns)."})


class MomentBodySchema(Schema):
    key = fields.String(metadata={"description": "Its id in the plan (made from the name "
                                                 "when none is given)."})
    name = fields.String(metadata={"description": "In the customer's words."})
    stage_id = fields.Integer(allow_none=True, metadata={
        "description": "A stage's database id; null: no stage."})
    side = fields.String(metadata={"description": "front or back."})
    weight = typed()
    weight_range = ranged("How low and how high the weight may be. " + RANGE)
    headroom = typed("Points its score can still rise; null: no cap.", "null")
    category = fields.String(allow_none=True, metadata={
        "description": "revenue, bond, rescue or retain; null: none."})
    score = typed("The baseline score; null: none.", "null")
    owner = fields.String(metadata={"description": "Who is accountable; empty: nobody."})


class MeasurementBodySchema(Schema):
    taken_on = fields.String(metadata={"description": "The day, as 2026-03-31."})
    score = typed("The score, on the scale the moment is measured on.")
    n = typed("How many answers it comes from; null: unknown.", "null")
    source = fields.String(metadata={"description": 'Where it comes from, such as "exit '
                                                    'survey".'})


measurement_item = item_of(MeasurementSchema)


def moment_items(moments: list[Moment]) -> list[dict[str, Any]]:
    """The moments' items, each with its latest measured score (one query for all)."""
    latest: dict[int, Measurement] = {}
    if moments:
        for found in get_session().exec(select(Measurement).where(
                Measurement.moment_id.in_([m.id for m in moments]))
                .order_by(Measurement.taken_on, Measurement.id)).all():
            latest[found.moment_id] = found
    return [{**{name: getattr(moment, name) for name in (
        "id", "key", "name", "stage_id", "side", "weight", "headroom", "category", "score",
        "owner", "version")},
        "weight_range": None if moment.weight_low is None or moment.weight_high is None
        else [moment.weight_low, moment.weight_high],
        "latest_measurement": measurement_item(latest[moment.id])
        if moment.id in latest else None} for moment in moments]


def _checked(body: dict[str, Any], moment: Moment | None) -> MomentForm:
    """The moment page's form filled from the body (over the moment as it is, for a
    change) and checked as the page checks it; 422 naming each refused field."""
    plan, session = current_plan(), get_session()
    options = {"session": session, "plan_id": plan.id,
               "own_id": None if moment is None else moment.id}
    form = MomentForm(formdata=None, meta={"csrf": False}, **options)
    if moment is not None:
        form.fill(moment)
    data = as_typed(body)
    if "stage_id" in data and data["stage_id"] is None:
        data["stage_id"] = NO_STAGE
    if "category" in data and data["category"] is None:
        data["category"] = ""
    return filled(MomentForm, data, base=shown(form), **options)


@blp.route("/plans/<int:plan_id>/moments")
@follows("journey.show")
@blp.arguments(MomentArgs, location="query")
@blp.response(200, page_schema(MomentSchema, "MomentPage"))
def moments(args: dict[str, Any]) -> dict[str, Any]:
    """The journey's moments (an owner's alone, if asked), in the order they were added,
    each with its owner and latest measured score."""
    statement = select(Moment).where(Moment.plan_id == current_plan().id)
    if args["owner"] is not None:
        statement = statement.where(Moment.owner == args["owner"].strip())
    page = paged(get_session(), statement, Moment.id, args)
    return {**page, "items": moment_items(page["items"])}


@blp.route(MOMENT)
@follows("journey.show")
@blp.response(200, MomentSchema, headers=ETAG)
def moment(moment_id: int) -> Any:
    """One moment, with its owner, latest measured score and version (ETag)."""
    found = row_or_404(Moment, current_plan().id, moment_id)
    return with_etag(moment_items([found])[0], found.version)


@blp.route("/plans/<int:plan_id>/moments", methods=["POST"])
@follows("journey.moment_create")
@blp.arguments(MomentBodySchema)
@blp.response(201, MomentSchema, headers={**ETAG, **LOCATION})
@problems(409)
def add(body: dict[str, Any]) -> Any:
    """Add a moment of truth to the journey, checked as its page checks it."""
    plan = current_plan()
    made = add_moment(get_session(), plan.id, _checked(body, None))
    committed()
    return with_etag(moment_items([made])[0], made.version, 201, url_for(
        "api_journey.moment", plan_id=plan.id, moment_id=made.id))


@blp.route(MOMENT, methods=["PATCH"])
@follows("journey.moment_edit")
@blp.arguments(MomentBodySchema)
@blp.response(200, MomentSchema, headers=ETAG)
@problems(409, 412, 428)
def change(body: dict[str, Any], moment_id: int) -> Any:
    """Change a moment at the version named as If-Match: what the body names changes, the
    rest stays."""
    found = row_or_404(Moment, current_plan().id, moment_id)
    check_if_match(found.version)
    form = _checked(body, found)
    claimed(found)
    form.save(found)
    committed()
    return with_etag(moment_items([found])[0], found.version)


@blp.route(MOMENT, methods=["DELETE"])
@follows("journey.moment_delete")
@blp.response(204)
@problems(409, 412, 428)
def delete(moment_id: int) -> Any:
    """Delete a moment at the version named as If-Match, with its influences and scores;
    refused (409) while an initiative moves this moment alone."""
    session = get_session()
    found = row_or_404(Moment, current_plan().id, moment_id)
    check_if_match(found.version)
    _users, blockers = moment_users(session, found)
    if blockers:
        names = ", ".join(f'"{initiative.name}"' for initiative in blockers)
        abort(409, message=f"These initiatives move only this moment: {names}. Make them "
                           "move another moment, or delete them, first; nothing was "
                           "deleted.", initiatives=[i.key for i in blockers])
    claimed(found)
    session.delete(found)
    committed()
    return "", 204


@blp.route(SCORES)
@follows("journey.measurements")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(MeasurementSchema, "MeasurementPage"))
def measurements(args: dict[str, Any], moment_id: int) -> dict[str, Any]:
    """A moment's measured scores, in the order they were recorded."""
    found = row_or_404(Moment, current_plan().id, moment_id)
    return paged(get_session(), select(Measurement).where(Measurement.moment_id == found.id),
                 Measurement.id, args, measurement_item)


def _measurement(moment_id: int, measurement_id: int) -> Measurement:
    found = row_or_404(Measurement, current_plan().id, measurement_id)
    if found.moment_id != moment_id:
        abort(404, "There is no such record in this plan.")
    return found


@blp.route(f"{SCORES}/<int:measurement_id>")
@follows("journey.measurements")
@blp.response(200, MeasurementSchema)
def measurement(moment_id: int, measurement_id: int) -> dict[str, Any]:
    """One measured score of a moment."""
    return measurement_item(_measurement(moment_id, measurement_id))


@blp.route(SCORES, methods=["POST"])
@follows("journey.measurements")
@blp.arguments(MeasurementBodySchema)
@blp.response(201, MeasurementSchema, headers=LOCATION)
@problems(409)
def measure(body: dict[str, Any], moment_id: int) -> Any:
    """Add a measured score of a moment, checked as its page checks it (a closed cycle
    takes scores too: they are measured after the decision)."""
    plan = current_plan()
    found = row_or_404(Moment, plan.id, moment_id)
    form = filled(MeasurementForm, as_typed(body),
                  base=shown(MeasurementForm(formdata=None, meta={"csrf": False})))
    made = add_measurement(get_session(), found, form)
    committed()
    return measurement_item(made), 201, {"Location": url_for(
        "api_journey.measurement", plan_id=plan.id, moment_id=found.id,
        measurement_id=made.id)}


@blp.route(f"{SCORES}/<int:measurement_id>", methods=["DELETE"])
@follows("journey.measurement_delete")
@blp.response(204)
@problems(409)
def unmeasure(moment_id: int, measurement_id: int) -> Any:
    """Take a measured score away (a typing mistake): the record keeps who did."""
    get_session().delete(_measurement(moment_id, measurement_id))
    committed()
    return "", 204
