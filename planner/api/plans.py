"""Plans: the list of those one has a role in (an admin: every plan), and one plan's
settings with its version, as its Settings page shows them."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import Schema, fields
from sqlmodel import select

from models import Membership, Plan
from planner.api.core import blueprint, follows
from planner.api.paging import PageArgs, page_schema, paged
from planner.api.versions import ETAG_HELP, etag
from planner.database import get_session
from planner.views import current_plan

blp = blueprint("plans", "Planning cycles: their settings and state.")


class PlanSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    state = fields.String(required=True, metadata={
        "description": "The cycle's state: draft, open, decided or closed."})
    currency = fields.String(required=True)
    budget = fields.Float(required=True, allow_none=True)
    max_focus = fields.Integer(required=True)
    horizon_years = fields.Integer(required=True, allow_none=True)
    discount_rate = fields.Float(required=True, allow_none=True)
    number_style = fields.String(required=True)
    proposals_close = fields.Date(required=True, allow_none=True)
    version = fields.Integer(required=True, metadata={"description": ETAG_HELP})
    created_at = fields.DateTime(required=True)


def plan_item(plan: Plan) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in PlanSchema().fields}


@blp.route("/plans")
@follows("plans.index")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(PlanSchema, "PlanPage"))
def plans(args: dict[str, Any]) -> dict[str, Any]:
    """The plans one has a role in (an admin: every plan), oldest first."""
    statement = select(Plan)
    if not current_user.admin:
        statement = statement.where(Plan.id.in_(select(Membership.plan_id).where(
            Membership.user_id == current_user.user.id)))
    return paged(get_session(), statement, Plan.id, args, plan_item)


@blp.route("/plans/<int:plan_id>")
@follows("plans.show")
@blp.response(200, PlanSchema, headers={"ETag": {"schema": {"type": "string"},
                                                 "description": ETAG_HELP}})
def plan() -> Any:
    """One plan's settings and state."""
    found = current_plan()
    return plan_item(found), 200, {"ETag": etag(found.version)}
