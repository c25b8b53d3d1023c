"""Appeals: a team member appeals the rejection of its own team's initiative in the published
decision with new figures and its evidence, and the CX lead accepts or declines it with a
reason, as the appeal pages do (planner/appeals): the same forms check the body, the same
code weighs the figures, writes the record and sends the notices."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import update
from sqlmodel import select

from models import Appeal, Initiative
from models.queries import published_run
from optimizer import PlanError
from planner.api.core import blueprint, follows, problems
from planner.api.forms import filled, refuse
from planner.api.initiatives.items import typed_text
from planner.api.paging import PageArgs, page_schema, paged
from planner.appeals.forms import AnswerForm, appeal_form
from planner.appeals.making import ANSWERS, DECLINE_WHY, answer_appeal, make_appeal, unchecked
from planner.database import get_session
from planner.runs.explanations import rejected_keys
from planner.runs.say_no import rejection_or_404
from planner.views import current_plan, row_or_404

blp = blueprint("appeals", "Appeals against rejections in the published decision, and the "
                           "CX lead's answers.")
LOCATION = {"Location": {"schema": {"type": "string"}, "required": True,
                         "description": "The new appeal's address."}}
FIGURE_TYPES = {"type": ["number", "string"],
          "description": "A JSON number, or the text as typed on the page (\"70,000 EUR\", "
                         "\"90%\"); null or none: as it is."}


def _figure() -> fields.Raw:
    return fields.Raw(allow_none=True, metadata=FIGURE_TYPES)


class AppealSchema(Schema):
    id = fields.Integer(required=True)
    initiative = fields.String(required=True, metadata={
        "description": "The initiative's id in the plan."})
    run_id = fields.Integer(required=True, metadata={
        "description": "The run of the decision it was made against."})
    who = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    cost = fields.Float(required=True, allow_none=True, metadata={
        "description": "The new total cost; null: as it was."})
    confidence = fields.Float(required=True, allow_none=True)
    changes = fields.Dict(required=True, metadata={
        "description": "The other new figures: {\"costs\": {period id: cost}, \"effects\": "
                       "{moment id: uplift}, \"uses\": {resource id: amount}}."})
    note = fields.String(required=True, metadata={"description": "The new evidence."})
    effect = fields.Dict(required=True, metadata={
        "description": "What the figures would change: funded, impact, displaces."})
    status = fields.String(required=True, metadata={
        "description": "open, accepted or declined"})
    answer = fields.String(required=True, metadata={"description": "The CX lead's reason."})
    answered_by = fields.String(required=True)


class AppealArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(
        ("open", "accepted", "declined")), metadata={"description": "Only those in this "
                                                                    "status."})


class AppealBodySchema(Schema):
    note = fields.String(required=True, metadata={
        "description": "What changed: a quote, a pilot's result, a saving."})
    cost = _figure()
    confidence = _figure()
    costs = fields.Dict(keys=fields.String(), values=_figure(), metadata={
        "description": "New costs by period id (not with a new total cost)."})
    effects = fields.Dict(keys=fields.String(), values=_figure(),
                          metadata={"description": "New uplifts by moment id."})
    uses = fields.Dict(keys=fields.String(), values=_figure(),
                       metadata={"description": "New uses by resource id."})


class AnswerBodySchema(Schema):
    answer = fields.String(required=True, validate=validate.OneOf(ANSWERS), metadata={
        "description": "accept: every new figure becomes the initiative's (run and publish "
                       "again to decide); decline: with a reason."})
    reason = fields.String(load_default="", metadata={
        "description": "Why; required to decline: the team reads it."})


def appeal_item(appeal: Appeal) -> dict[str, Any]:
    return {"initiative": appeal.key, **{name: getattr(appeal, name)
                                         for name in AppealSchema().fields
                                         if name != "initiative"}}


@blp.route("/plans/<int:plan_id>/appeals")
@follows("appeals.queue")
@blp.arguments(AppealArgs, location="query")
@blp.response(200, page_schema(AppealSchema, "AppealPage"))
def appeals(args: dict[str, Any]) -> dict[str, Any]:
    """The plan's appeals, oldest first (the CX lead's queue)."""
    statement = select(Appeal).where(Appeal.plan_id == current_plan().id)
    if args["status"] is not None:
        statement = statement.where(Appeal.status == args["status"])
    return paged(get_session(), statement, Appeal.id, args, appeal_item)


@blp.route("/plans/<int:plan_id>/appeals/<int:appeal_id>")
@follows("appeals.queue")
@blp.response(200, AppealSchema)
def appeal(appeal_id: int) -> dict[str, Any]:
    """One appeal, with what its figures would change and its answer."""
    return appeal_item(row_or_404(Appeal, current_plan().id, appeal_id))


@blp.route("/plans/<int:plan_id>/initiatives/<int:initiative_id>/appeals")
@follows("initiatives.show")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(AppealSchema, "InitiativeAppealPage"))
def initiative_appeals(args: dict[str, Any], initiative_id: int) -> dict[str, Any]:
    """The appeals on one initiative, whatever decision each was made against (as its
    page shows them; a team member: on its own team's)."""
    plan = current_plan()
    found = row_or_404(Initiative, plan.id, initiative_id)
    statement = select(Appeal).where(Appeal.plan_id == plan.id, Appeal.key == found.key)
    return paged(get_session(), statement, Appeal.id, args, appeal_item)


@blp.route("/plans/<int:plan_id>/initiatives/<int:initiative_id>/appeals",
           methods=["POST"])
@follows("appeals.new")
@blp.arguments(AppealBodySchema)
@blp.response(201, AppealSchema, headers=LOCATION)
@problems(409)
def make(body: dict[str, Any], initiative_id: int) -> Any:
    """Appeal the rejection of the initiative in the published decision, with a new figure
    for any input its explanation names, and the evidence; what the figures would change
    is weighed at once, and the CX leads are told."""
    plan, session = current_plan(), get_session()
    found = row_or_404(Initiative, plan.id, initiative_id)
    decided = published_run(session=session, plan_id=plan.id)
    if decided is None or found.key not in rejected_keys(decided[0]):
        abort(409, message="The published decision does not reject this initiative: only a "
                           "rejection in the published decision can be appealed.")
    saved = decided[0]
    rejection_or_404(plan.id, saved, found.key, decision_only=True)  # as the page: the team's
    data, names = _figures_as_form(body, saved.inputs, found.key)
    form = filled(appeal_form, data, names=names, inputs=saved.inputs, key=found.key)
    figures = form.figures()
    if figures is None:
        refuse(form, names)
    try:
        made = make_appeal(session, saved, found.key, figures, form.note.data,
                           current_user.user)
    except PlanError as error:
        abort(422, errors=[{"field": "cost", "detail": unchecked(error)}])
    session.commit()
    return appeal_item(made), 201, {"Location": url_for(
        "api_appeals.appeal", plan_id=plan.id, appeal_id=made.id)}


@blp.route("/plans/<int:plan_id>/appeals/<int:appeal_id>/answer", methods=["POST"])
@follows("appeals.answer")
@blp.arguments(AnswerBodySchema)
@blp.response(200, AppealSchema)
@problems(409)
def answer(body: dict[str, Any], appeal_id: int) -> dict[str, Any]:
    """Accept an open appeal (its figures become the initiative's) or decline it with a
    reason; the person who appealed is told."""
    plan, session = current_plan(), get_session()
    found = row_or_404(Appeal, plan.id, appeal_id)
    form = filled(AnswerForm, {"answer": body["reason"]}, names={"answer": "reason"})
    reason = (form.answer.data or "").strip()
    if body["answer"] == "decline" and not reason:
        abort(422, errors=[{"field": "reason", "detail": DECLINE_WHY}])
    # One answer only, even from two CX leads at once: the first to lock it answers.
    taken = session.execute(update(Appeal).where(Appeal.id == found.id,
                                                 Appeal.status == "open")
                            .values(status="open"))
    if taken.rowcount != 1:
        session.rollback()
        abort(409, message="This appeal was already answered: nothing was changed.")
    session.refresh(found)
    answer_appeal(session, found, body["answer"], reason, current_user.name)
    session.commit()
    return appeal_item(found)


def _figures_as_form(body: dict[str, Any], inputs: dict[str, Any],
                     key: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The body as the appeal form's fields (effects.greet -> effects_0, ...), and each
    field's name in the body's words; 422 for an input the explanation does not name."""
    listed = appeal_form(inputs, key, formdata=None, meta={"csrf": False}).inputs
    fields_of = {(kind, input_key): name for kind, input_key, name in listed}
    data = {name: typed_text(body[name]) for name in ("note", "cost", "confidence") if name in body}
    names, unknown = {}, []
    for kind in ("costs", "effects", "uses"):
        for input_key, value in (body.get(kind) or {}).items():
            name = fields_of.get((kind, input_key))
            if name is None:
                unknown.append({"field": f"{kind}.{input_key}", "detail": "The explanation "
                                "names no such input of this initiative: give new figures "
                                "only for " + (", ".join(f"{k}.{i}" for k, i, _ in listed)
                                               or "its cost and confidence") + "."})
            else:
                data[name], names[name] = typed_text(value), f"{kind}.{input_key}"
    if unknown:
        abort(422, errors=unknown)
    return data, names
