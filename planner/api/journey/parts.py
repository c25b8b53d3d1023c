"""A plan's lists that share one shape: its stages, periods and resources (list, one, add,
change, delete), as the settings page's part pages do (planner/plans/parts.py): the page's
own form reads the body, the page's save writes it. And what every write of the plan's and
the journey's operations shares: numbers written as the page reads them, the row's version
claimed, the change committed or refused whole."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import url_for
from marshmallow import Schema, fields
from sqlmodel import select

from planner.amounts import written_for, written_range
from planner.api.core import blueprint, follows, problems
from planner.api.forms import filled, shown  # noqa: F401 (shown: for the journey modules)
from planner.api.paging import PageArgs, page_schema, paged
from planner.api.versions import (  # noqa: F401 (claimed, committed: for the journey modules)
    ETAG_HELP,
    check_if_match,
    claimed,
    committed,
    etag,
)
from planner.database import get_session
from planner.forms import page_number_style
from planner.plans.parts import PARTS, add_part
from planner.views import current_plan, row_or_404

blp = blueprint("plan_parts", "A plan's stages, periods and resources.")
ETAG = {"ETag": {"schema": {"type": "string"}, "description": ETAG_HELP}}
LOCATION = {"Location": {"schema": {"type": "string"}, "required": True,
                         "description": "The new row's address."}}
TYPED = ("A JSON number, or the text as typed on the page (\"75,000 EUR\", \"50k\", "
         "\"24 FTE-months\"), read by the page's own number reader and the plan's number "
         "style (else the request's Accept-Language).")
RANGE = ("From the lowest to the highest: [low, high], or the text as typed on the page "
         "(\"90-130%\"); null: none.")


def typed(words: str = TYPED, *kinds: str, required: bool = False) -> fields.Raw:
    """A field where people type numbers: a JSON number or the text they typed."""
    return fields.Raw(allow_none="null" in kinds, required=required,
                      metadata={"type": ["number", "string", *kinds], "description": words})


def ranged(words: str = RANGE) -> fields.Raw:
    """A range where people type one: [low, high], the text they typed, or null."""
    return fields.Raw(allow_none=True, metadata={"type": ["array", "string", "null"],
                                                 "description": words})


def as_typed(body: dict[str, Any], style: str | None = None) -> dict[str, Any]:
    """The body as a person would have typed it on the page: each JSON number written as
    the page shows it in this number style (the page's by default), so that the form reads
    back the same number, and a [low, high] range as "low - high"."""
    style = page_number_style() if style is None else style
    return {name: _written(value, style) for name, value in body.items()}


def _written(value: Any, style: str) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return json.dumps(value)  # refused by the number reader, the field named
    if isinstance(value, int | float):
        return written_for(value, style)
    if isinstance(value, list) and len(value) == 2 and all(
            isinstance(end, int | float) and not isinstance(end, bool) for end in value):
        return written_range(value[0], value[1], style)
    return json.dumps(value)


def item_of(schema: type[Schema]) -> Callable[[Any], dict[str, Any]]:
    """What makes a row its item: the schema's fields, read off the row."""
    names = list(schema().fields)
    return lambda row: {name: getattr(row, name) for name in names}


def with_etag(item: dict[str, Any], version: int, status: int = 200,
              location: str | None = None) -> tuple[dict[str, Any], int, dict[str, str]]:
    headers = {"ETag": etag(version)}
    if location is not None:
        headers["Location"] = location
    return item, status, headers


class PartSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "Its database id."})
    key = fields.String(required=True, metadata={"description": "Its id in the plan."})
    position = fields.Integer(required=True, metadata={
        "description": "Its place in the list, from 0 (for stages: the journey's order)."})
    version = fields.Integer(required=True, metadata={"description": ETAG_HELP})


class StageSchema(PartSchema):
    name = fields.String(required=True)


class PeriodSchema(PartSchema):
    budget = fields.Float(required=True, allow_none=True, metadata={
        "description": "The period's budget; null: no limit in this period."})


class ResourceSchema(PartSchema):
    name = fields.String(required=True)
    capacity = fields.Float(required=True, metadata={"description": "How much there is."})
    unit = fields.String(required=True)


KEY = fields.String(metadata={"description": "Its id in the plan (made from the name when "
                                             "none is given)."})


class StageBodySchema(Schema):
    key = KEY
    name = fields.String()


class PeriodBodySchema(Schema):
    key = fields.String(metadata={"description": "Its id in the plan, such as 2027-H1."})
    budget = typed(TYPED + " null or empty: no limit.", "null")


class ResourceBodySchema(Schema):
    key = KEY
    name = fields.String()
    capacity = typed()
    unit = fields.String(metadata={"description": "Its unit, such as FTE-months."})


def _described(words: str) -> Callable[[Callable], Callable]:
    def mark(view: Callable) -> Callable:
        view.__doc__ = words
        return view
    return mark


def _part_operations(kind: str, item: type[Schema], body: type[Schema]) -> None:
    """The five operations of one of the plan's lists."""
    part, name = PARTS[kind], PARTS[kind].singular
    path, row_id = f"/plans/<int:plan_id>/{kind}", f"{name}_id"
    one_path = f"{path}/<int:{row_id}>"
    shape = item_of(item)

    def checked(data: dict[str, Any], row: Any = None) -> Any:
        plan, session = current_plan(), get_session()
        options = {"session": session, "plan_id": plan.id,
                   "own_id": None if row is None else row.id}
        base = shown(part.form(formdata=None, obj=row, meta={"csrf": False}, **options))
        return filled(part.form, as_typed(data), base=base, **options)

    @blp.route(path, endpoint=f"{kind}", methods=["GET"])
    @follows("plans.show")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(item, f"{name.capitalize()}Page"))
    @_described(f"The plan's {kind}, in the order they were added.")
    def listed(args: dict[str, Any]) -> dict[str, Any]:
        plan = current_plan()
        return paged(get_session(), select(part.model).where(part.model.plan_id == plan.id),
                     part.model.id, args, shape)

    @blp.route(one_path, endpoint=name, methods=["GET"])
    @follows("plans.show")
    @blp.response(200, item, headers=ETAG)
    @_described(f"One {name}, with its version as ETag.")
    def one(**ids: int) -> Any:
        row = row_or_404(part.model, current_plan().id, ids[row_id])
        return with_etag(shape(row), row.version)

    @blp.route(path, endpoint=f"add_{name}", methods=["POST"])
    @follows("plans.part_create")
    @blp.arguments(body)
    @blp.response(201, item, headers={**ETAG, **LOCATION})
    @problems(409)
    @_described(f"Add a {name} at the end of the list, checked as its page checks it.")
    def add(data: dict[str, Any]) -> Any:
        plan = current_plan()
        row = add_part(get_session(), plan.id, part, checked(data))
        committed()
        return with_etag(shape(row), row.version, 201, url_for(
            f"api_plan_parts.{name}", plan_id=plan.id, **{row_id: row.id}))

    @blp.route(one_path, endpoint=f"change_{name}", methods=["PATCH"])
    @follows("plans.part_edit")
    @blp.arguments(body)
    @blp.response(200, item, headers=ETAG)
    @problems(409, 412, 428)
    @_described(f"Change a {name} at the version named as If-Match: what the body names "
                "changes, the rest stays.")
    def change(data: dict[str, Any], **ids: int) -> Any:
        row = row_or_404(part.model, current_plan().id, ids[row_id])
        check_if_match(row.version)
        form = checked(data, row)
        claimed(row)
        form.save(row)
        committed()
        return with_etag(shape(row), row.version)

    @blp.route(one_path, endpoint=f"delete_{name}", methods=["DELETE"])
    @follows("plans.part_delete")
    @blp.response(204)
    @problems(409, 412, 428)
    @_described(f"Delete a {name} at the version named as If-Match, with what the page "
                "says goes with it.")
    def delete(**ids: int) -> Any:
        row = row_or_404(part.model, current_plan().id, ids[row_id])
        check_if_match(row.version)
        claimed(row)
        get_session().delete(row)
        committed()
        return "", 204


_part_operations("stages", StageSchema, StageBodySchema)
_part_operations("periods", PeriodSchema, PeriodBodySchema)
_part_operations("resources", ResourceSchema, ResourceBodySchema)
