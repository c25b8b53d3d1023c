"""An initiative as the API reads and writes it: its item (the plan file's entry,
docs/plan-format.md, with its database id, version and where the decision stands on it),
and a body in the plan file's names made into the initiative page's form fields, so that
the page's form reads every number as typed and a refusal names the body's field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_smorest import abort
from marshmallow import Schema, fields
from sqlmodel import Session, select

from models import Initiative, Moment, Period, Resource, Run
from models.planfile import initiative_document
from planner.amounts import written_for
from planner.api.versions import ETAG_HELP
from planner.forms import page_number_style

TYPED = ("A JSON number, or the text as typed on the page (\"75,000 EUR\", \"50k\", "
         "\"80%\"), read by the page's own number reader.")
RANGED = ("From the lowest to the highest: \"60-90k\" as typed on the page, or "
          "[low, high]; null: none of its own.")


def _typed(*kinds: str, words: str = TYPED) -> fields.Raw:
    """A field of these JSON types; "null" among them: null allowed (which the description
    then says itself)."""
    return fields.Raw(allow_none="null" in kinds, metadata={
        "type": [kind for kind in kinds if kind != "null"], "description": words})


def _per_key(what: str, *kinds: str, words: str = TYPED) -> fields.Dict:
    return fields.Dict(keys=fields.String(), values=_typed(*kinds, "null", words=words),
                       metadata={"description": f"By the {what}'s id in the plan; null "
                                                f"removes one (in a change). {words}"})


class VerdictSchema(Schema):
    run_id = fields.Integer(required=True)
    run_number = fields.Integer(required=True)
    published = fields.Boolean(required=True, metadata={
        "description": "Whether this is the published decision (false: the CX lead's latest "
                       "draft, which a team member never sees)."})
    state = fields.String(required=True, metadata={"description": "funded, rejected or none"})
    label = fields.String(required=True, metadata={"description": "The status in words."})
    reason = fields.String(required=True, allow_none=True, metadata={
        "description": "Why it was not funded, in words; null otherwise."})
    message = fields.String(required=True)


class InitiativeSchema(Schema):
    initiative_id = fields.Integer(required=True, metadata={
        "description": "Its database id, as in its address."})
    id = fields.String(required=True, metadata={"description": "Its id in the plan."})
    name = fields.String(required=True)
    team = fields.String(required=True, allow_none=True)
    cost = fields.Raw(required=True, metadata={
        "type": ["number", "object"],
        "description": "The whole cost; in a plan with periods, {period id: cost}."})
    cost_range = fields.List(fields.Float(), required=True, allow_none=True)
    effects = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    effects_range = fields.Dict(keys=fields.String(), values=fields.List(fields.Float()),
                                required=True)
    uses = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    confidence = fields.Float(required=True)
    decision = fields.String(required=True, metadata={"description": "auto, fund or reject"})
    reason = fields.String(required=True)
    requires = fields.List(fields.String(), required=True)
    excludes = fields.List(fields.String(), required=True)
    benefit = fields.Float(required=True, allow_none=True)
    note = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": ETAG_HELP})
    verdict = fields.Nested(VerdictSchema, required=True, allow_none=True, metadata={
        "description": "Where the decision this reader may see stands on it; null: none."})


class InitiativeBodySchema(Schema):
    """An initiative's fields as the plan file names them; in a change, only those that
    change."""

    id = fields.String(metadata={"description": "Its id in the plan; none: made from the "
                                                "name."})
    name = fields.String()
    team = fields.String(allow_none=True, metadata={
        "description": "A team member's is its own team, whatever is sent."})
    confidence = _typed("number", "string")
    decision = fields.String(metadata={"description": "auto, fund or reject: the CX lead's."})
    reason = fields.String(allow_none=True, metadata={
        "description": "Required with fund or reject: the CX lead's."})
    requires = fields.List(fields.String(), metadata={"description": "Initiatives' ids."})
    excludes = fields.List(fields.String(), metadata={"description": "Initiatives' ids."})
    benefit = _typed("number", "string", "null")
    note = fields.String(allow_none=True)
    cost = fields.Raw(metadata={"type": ["number", "string", "object"], "description":
                                "The whole cost; in a plan with periods, {period id: cost}. "
                                + TYPED})
    cost_range = _typed("string", "array", "null", words=RANGED)
    effects = _per_key("moment", "number", "string")
    effects_range = _per_key("moment", "string", "array", words=RANGED)
    uses = _per_key("resource", "number", "string")


@dataclass
class Keys:
    """The plan's ids (keys) of its rows by database id, as models.planfile.Keys has
    them, read as plain columns (no plan loaded whole)."""

    periods: dict[int, str]
    first_period: str | None
    resources: dict[int, str]
    moments: dict[int, str]
    initiatives: dict[int, str]

    @classmethod
    def of(cls, session: Session, plan_id: int) -> Keys:
        def pairs(model: Any, order: Any) -> dict[int, str]:
            return dict(session.exec(select(model.id, model.key)
                                     .where(model.plan_id == plan_id).order_by(order)).all())

        periods = pairs(Period, Period.position)
        return cls(periods, next(iter(periods.values()), None),
                   pairs(Resource, Resource.position), pairs(Moment, Moment.id),
                   pairs(Initiative, Initiative.id))


def item_of(initiative: Initiative, keys: Keys, visible: set[str] | None, run: Run | None,
            published: bool, verdicts: Any) -> dict[str, Any]:
    """The initiative's item: its plan file entry with every field present, its links only
    to what the reader may see (`visible`: None, all), and its verdict in `run`."""
    entry = {"team": None, "cost_range": None, "effects_range": {}, "uses": {},
             "requires": [], "excludes": [], "benefit": None, "note": "", "reason": "",
             **initiative_document(initiative, keys)}
    for kind in ("requires", "excludes"):
        entry[kind] = [key for key in entry[kind] if visible is None or key in visible]
    said = None
    if run is not None:
        verdict = verdicts.of(initiative.key)
        said = {"run_id": run.id, "run_number": run.number, "published": published,
                "state": verdict["state"], "label": verdict["label"],
                "reason": verdict.get("reason"), "message": verdict["message"]}
    return {**entry, "initiative_id": initiative.id, "version": initiative.version,
            "verdict": said}


def as_form(body: dict[str, Any], keys: Keys) -> tuple[dict[str, Any], dict[str, str]]:
    """The body as the page's form fields ({"effects": {"greet": 5}} -> effect_<id>: "5"),
    each number as the page would show it, and each form field's name in the body's words
    (for the refusals)."""
    data: dict[str, Any] = {}
    names = {"key": "id", "effects": "effects"}
    plain = ("name", "team", "confidence", "decision", "reason", "benefit", "note",
             "cost_range")
    for name in plain:
        if name in body:
            data[name] = typed_text(body[name])
    data.update({"key": body["id"]} if "id" in body else {})
    unknown: list[dict[str, str]] = []
    by_key = {key: row_id for row_id, key in keys.initiatives.items()}
    for kind in ("requires", "excludes"):
        if kind in body:
            data[kind] = [by_key[key] for key in body[kind] if key in by_key]
            unknown += [{"field": kind, "detail": f"No initiative of the plan has the id "
                                                  f"{key!r}."}
                        for key in body[kind] if key not in by_key]
    parts = {"effects": ("effect", keys.moments), "effects_range": ("range", keys.moments),
             "uses": ("use", keys.resources)}
    cost = body.get("cost")
    if keys.periods and "cost" in body:
        parts["cost"] = ("cost", keys.periods)
        if not isinstance(cost, dict):
            unknown.append({"field": "cost", "detail": "This plan has periods: give the "
                            "cost of each, as {period id: cost}, of "
                            + ", ".join(keys.periods.values()) + "."})
    elif isinstance(cost, dict):
        unknown.append({"field": "cost", "detail": "This plan has no periods: give the "
                                                   "whole cost as one amount."})
    elif "cost" in body:
        data["cost"] = typed_text(cost)
    for kind, (prefix, rows) in parts.items():
        ids = {key: row_id for row_id, key in rows.items()}
        names.update({f"{prefix}_{row_id}": f"{kind}.{key}" for row_id, key in rows.items()})
        found = body.get(kind)
        for key, value in (found.items() if isinstance(found, dict) else ()):
            if key in ids:
                data[f"{prefix}_{ids[key]}"] = typed_text(value)
            else:
                unknown.append({"field": f"{kind}.{key}", "detail": f"The plan has no "
                                f"{_WHAT[kind]} with the id {key!r}."})
    if unknown:
        abort(422, errors=unknown)
    return data, names


_WHAT = {"effects": "moment", "effects_range": "moment", "uses": "resource",
         "cost": "period"}


def typed_text(value: Any) -> Any:
    """A JSON value as the page's box would hold it: a number written so that the page's
    reader reads it back exactly, a pair as a range, text as it is."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return written_for(float(value), page_number_style())
    if isinstance(value, list):
        return " - ".join(str(typed_text(end)) for end in value)
    return str(value)
