"""The influences of back-stage steps on the journey's moments (list, one, add, change,
delete), as the influence pages do (planner/journey/moments.py): the page's form checks
the body (no step feeding itself, no cycle, one influence per pair), its save writes it."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import Schema, fields
from sqlmodel import select

from models import Influence
from planner.api.core import blueprint, follows, problems
from planner.api.forms import filled
from planner.api.journey.parts import (
    ETAG,
    LOCATION,
    as_typed,
    claimed,
    committed,
    item_of,
    shown,
    typed,
)
from planner.api.journey.parts import with_etag as answered
from planner.api.paging import PageArgs, page_schema, paged
from planner.api.versions import ETAG_HELP, check_if_match
from planner.database import get_session
from planner.journey.forms import InfluenceForm
from planner.journey.moments import add_influence
from planner.views import current_plan, row_or_404

blp = blueprint("influences", "How back-stage steps feed the journey's moments.")
INFLUENCE = "/plans/<int:plan_id>/influences/<int:influence_id>"
FACTOR = ("How much of the step's improvement reaches the moment: more than 0, at most 1; "
          "a JSON number (0.5) or as typed on the page (\"50%\").")


class InfluenceSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "Its database id."})
    source_id = fields.Integer(required=True, metadata={
        "description": "The back-stage step's moment id (database)."})
    target_id = fields.Integer(required=True, metadata={
        "description": "The moment it feeds (database id)."})
    factor = fields.Float(required=True)
    version = fields.Integer(required=True, metadata={"description": ETAG_HELP})


class InfluenceBodySchema(Schema):
    source_id = fields.Integer(metadata={"description": "A back-stage step's moment id."})
    target_id = fields.Integer(metadata={"description": "The moment it feeds."})
    factor = typed(FACTOR)


class NewInfluenceSchema(InfluenceBodySchema):
    source_id = fields.Integer(required=True, metadata={
        "description": "A back-stage step's moment id."})
    target_id = fields.Integer(required=True, metadata={"description": "The moment it feeds."})
    factor = typed(FACTOR, required=True)


shape = item_of(InfluenceSchema)


def _checked(body: dict[str, Any], influence: Influence | None) -> InfluenceForm:
    """The influence page's form filled from the body (over the influence as it is, for a
    change) and checked as the page checks it; 422 naming each refused field."""
    plan, session = current_plan(), get_session()
    options = {"session": session, "plan_id": plan.id,
               "own_id": None if influence is None else influence.id}
    base = shown(InfluenceForm(formdata=None, obj=influence, meta={"csrf": False},
                               **options))
    return filled(InfluenceForm, as_typed(body), base=base, **options)


@blp.route("/plans/<int:plan_id>/influences")
@follows("journey.show")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(InfluenceSchema, "InfluencePage"))
def influences(args: dict[str, Any]) -> dict[str, Any]:
    """The plan's influences, in the order they were added."""
    statement = select(Influence).where(Influence.plan_id == current_plan().id)
    return paged(get_session(), statement, Influence.id, args, shape)


@blp.route(INFLUENCE)
@follows("journey.show")
@blp.response(200, InfluenceSchema, headers=ETAG)
def influence(influence_id: int) -> Any:
    """One influence, with its version as ETag."""
    found = row_or_404(Influence, current_plan().id, influence_id)
    return answered(shape(found), found.version)


@blp.route("/plans/<int:plan_id>/influences", methods=["POST"])
@follows("journey.influence_create")
@blp.arguments(NewInfluenceSchema)
@blp.response(201, InfluenceSchema, headers={**ETAG, **LOCATION})
@problems(409)
def add_one(body: dict[str, Any]) -> Any:
    """Say which moment a back-stage step feeds, and how strongly."""
    plan = current_plan()
    made = add_influence(get_session(), plan.id, _checked(body, None))
    committed()
    return answered(shape(made), made.version, 201, url_for(
        "api_influences.influence", plan_id=plan.id, influence_id=made.id))


@blp.route(INFLUENCE, methods=["PATCH"])
@follows("journey.influence_edit")
@blp.arguments(InfluenceBodySchema)
@blp.response(200, InfluenceSchema, headers=ETAG)
@problems(409, 412, 428)
def change_one(body: dict[str, Any], influence_id: int) -> Any:
    """Change an influence's step, moment or factor at the version named as If-Match."""
    found = row_or_404(Influence, current_plan().id, influence_id)
    check_if_match(found.version)
    form = _checked(body, found)
    claimed(found)
    form.save(found)
    committed()
    return answered(shape(found), found.version)


@blp.route(INFLUENCE, methods=["DELETE"])
@follows("journey.influence_delete")
@blp.response(204)
@problems(409, 412, 428)
def delete_one(influence_id: int) -> Any:
    """Delete an influence at the version named as If-Match (it owns nothing)."""
    found = row_or_404(Influence, current_plan().id, influence_id)
    check_if_match(found.version)
    claimed(found)
    get_session().delete(found)
    committed()
    return "", 204
