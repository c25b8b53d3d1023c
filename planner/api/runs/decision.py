"""The plan's decision: publishing a run as it (as the run's Publish page does, telling the
teams the same way), the published decision with what it funds and focuses on, and the
say-no list of a run or of the decision, with the say-no page's reasons in its words."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from flask import abort as page_abort
from flask import url_for
from flask_smorest import abort
from marshmallow import Schema, fields
from sqlalchemy.exc import IntegrityError

from models import Publication, Run
from models.queries import published_run
from planner.api.core import blueprint, follows, problems
from planner.api.idempotency import KEY_HEADER, idempotent
from planner.api.paging import PageArgs, page_schema
from planner.api.runs.items import RunSchema, run_item
from planner.database import get_session
from planner.runs.reports import SayNoEntry, group_by_reason, total_cost
from planner.runs.say_no import explained_entries
from planner.runs.views import NO_PORTFOLIO, PUBLISHABLE, publish_run
from planner.views import current_plan, plan_and_run

blp = blueprint("decision", "The plan's published decision, and what each run says no to, "
                            "with why.")
NO_DECISION = ("No run of this plan has been published as its decision yet: the CX lead "
               "publishes one (POST /api/v1/plans/{plan_id}/runs/{run_id}/publish).")


class FundedSchema(Schema):
    id = fields.String(required=True, metadata={"description": "The initiative's id."})
    name = fields.String(required=True)
    team = fields.String(required=True)
    cost = fields.Float(required=True, metadata={"description": "Its cost over all periods."})


class FocusSchema(Schema):
    id = fields.String(required=True, metadata={"description": "The moment's id."})
    name = fields.String(required=True)


class DecisionSchema(Schema):
    """The run published last, when and by whom, and what it funds and focuses on."""

    run = fields.Nested(RunSchema, required=True)
    published_at = fields.DateTime(required=True)
    published_by = fields.String(required=True, metadata={
        "description": "Who published it (their name then); empty: someone no longer here."})
    funded = fields.List(fields.Nested(FundedSchema), required=True)
    focus = fields.List(fields.Nested(FocusSchema), required=True)


class SayNoSchema(Schema):
    """An initiative the run did not fund, and why, as the say-no page says it."""

    id = fields.String(required=True, metadata={"description": "The initiative's id."})
    name = fields.String(required=True)
    team = fields.String(required=True)
    cost = fields.Float(required=True)
    reason = fields.String(required=True, metadata={
        "description": "The say-no reason's code (docs/model.md, \"Say-no reasons\")."})
    reason_title = fields.String(required=True, metadata={"description": "It, in words."})
    message = fields.String(required=True, metadata={
        "description": "Why, with the figures: its explanation's words once explained."})
    explained = fields.Boolean(required=True, metadata={
        "description": "Whether its explanation (what would change the answer) is made."})
    impact_lost = fields.Float(required=True, allow_none=True, metadata={
        "description": "The impact the run would lose by funding it; null: not known."})
    impact_lost_share = fields.String(required=True, allow_none=True, metadata={
        "description": "That, as a share of the run's impact (\"2%\")."})


def decision_item(publication: Publication, run: Run) -> dict[str, Any]:
    """The decision as the API gives it."""
    initiatives = {entry["id"]: entry for entry in run.inputs["initiatives"]}
    moments = {entry["id"]: entry for entry in run.inputs["moments"]}
    return {"run": run_item(run, publication.created_at, run.id),
            "published_at": publication.created_at,
            "published_by": publication.published_by,
            "funded": [{"id": key, "name": initiatives[key]["name"],
                        "team": initiatives[key].get("team", ""),
                        "cost": total_cost(initiatives[key])}
                       for key in run.result.get("funded", [])],
            "focus": [{"id": key, "name": moments[key]["name"]}
                      for key in run.result.get("focus", [])]}


@blp.route("/plans/<int:plan_id>/runs/<int:run_id>/publish", methods=["POST"])
@follows("portfolio.publish")
@blp.doc(parameters=[KEY_HEADER])
@idempotent
@blp.response(201, DecisionSchema, headers={"Location": {
    "schema": {"type": "string"}, "description": "The plan's decision."}})
@problems(409)
def publish(run_id: int) -> Any:
    """Publish the run as the plan's decision: the teams then read it (and are mailed what
    it changes for them), and the plan becomes decided. Earlier decisions stay in the
    record."""
    plan, saved = plan_and_run(run_id)
    if saved.status not in PUBLISHABLE:
        abort(409, message=f"{NO_PORTFOLIO} Publish a run with a portfolio; nothing was "
                           "changed.")
    session = get_session()
    publication = publish_run(session, plan, saved)
    # made before the commit, which then ends the request's transaction: the answer is
    # kept under its Idempotency-Key with no write lock held (items.started)
    answer = (decision_item(publication, saved), 201,
              {"Location": url_for("api_decision.decision", plan_id=plan.id)})
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        abort(409, message="That change clashes with a record saved at the same moment. "
                           "Nothing was saved.")
    return answer


@blp.route("/plans/<int:plan_id>/decision")
@follows("portfolio.show")
@blp.response(200, DecisionSchema)
def decision() -> dict[str, Any]:
    """The plan's decision: the run published last, with when and by whom, and what it
    funds and focuses on."""
    run, publication = _decided()
    return decision_item(publication, run)


@blp.route("/plans/<int:plan_id>/decision/say-no")
@follows("say_no.show")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(SayNoSchema, "DecisionSayNoPage"))
def decision_say_no(args: dict[str, Any]) -> dict[str, Any]:
    """What the decision does not fund, with why: grouped by reason, in docs/model.md's
    order, as the say-no page lists them."""
    run, _publication = _decided()
    return _say_no_page(run, args)


@blp.route("/plans/<int:plan_id>/runs/<int:run_id>/say-no")
@follows("say_no.show")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(SayNoSchema, "SayNoPage"))
def say_no(args: dict[str, Any], run_id: int) -> dict[str, Any]:
    """What the run does not fund, with why, as its say-no page lists them."""
    _plan, saved = plan_and_run(run_id)
    return _say_no_page(saved, args)


def _decided() -> tuple[Run, Publication]:
    found = published_run(session=get_session(), plan_id=current_plan().id)
    if found is None:
        page_abort(404, NO_DECISION)
    return found


def _say_no_page(run: Run, args: dict[str, Any]) -> dict[str, Any]:
    entries = [entry for _code, _title, members in group_by_reason(explained_entries(run))
               for entry in members]
    return page_of_list(entries, args, _say_no_item)


def _say_no_item(entry: SayNoEntry) -> dict[str, Any]:
    return {"id": entry.key, "name": entry.name, "team": entry.team, "cost": entry.cost,
            "reason": entry.reason, "reason_title": entry.reason_title,
            "message": entry.message, "explained": entry.explanation is not None,
            "impact_lost": entry.impact_lost, "impact_lost_share": entry.impact_lost_share}


def page_of_list(items: list[Any], args: dict[str, Any],
                 shape: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """One page of a list that never changes (a saved run's), as planner/api/paging.py's
    pages: the cursor is the position of the page's last item."""
    after = 0
    if args["cursor"] is not None:
        try:
            after = int(base64.urlsafe_b64decode(args["cursor"].encode() + b"==").decode())
        except (ValueError, UnicodeDecodeError):
            after = -1
        if not 0 <= after <= len(items):
            abort(422, errors=[{"field": "cursor", "detail": "Not a cursor this API gave: "
                                                             "start again without one."}])
    last = after + args["limit"]
    return {"items": [shape(item) for item in items[after:last]],
            "next_cursor": base64.urlsafe_b64encode(str(last).encode()).decode().rstrip("=")
            if last < len(items) else None}
