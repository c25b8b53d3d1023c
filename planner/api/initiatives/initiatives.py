"""Initiatives: the list (a page at a time, by team, moment or words), one with its version,
propose, change and delete, as the initiative pages do (planner/initiatives): the page's
own form reads the body (the one number reader: "75,000 EUR", ranges such as "60-90k"),
the page's save writes it, and the access table's rules for the pages hold (a team member:
its own team's, while the plan is open for proposals). An initiative reads as the plan
file writes it (docs/plan-format.md), with its database id, version and where it stands.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_smorest import abort
from marshmallow import fields, validate
from sqlalchemy.orm import selectinload
from sqlmodel import select

from models import Initiative, Moment
from models.queries import _initiatives as filtered
from models.queries import deciding_run
from planner.accounts.access import own_team
from planner.api.core import blueprint, follows, problems
from planner.api.forms import filled, shown
from planner.api.initiatives.items import (
    InitiativeBodySchema,
    InitiativeSchema,
    Keys,
    as_form,
    item_of,
)
from planner.api.paging import PageArgs, page_schema, paged
from planner.api.versions import ETAG_HELP, check_if_match, claimed, committed, etag
from planner.database import get_session
from planner.initiatives.forms import InitiativeForm, initiative_form
from planner.initiatives.saving import add_initiative, change_initiative
from planner.initiatives.scope import narrow, refused_fields, visible_ids
from planner.runs.reports import Verdicts
from planner.views import current_plan, row_or_404

blp = blueprint("initiatives", "Initiatives: proposals with what each costs, uses and "
                               "moves, and their ranges.")
ETAG = {"ETag": {"schema": {"type": "string"}, "description": ETAG_HELP}}
LOCATION = {"Location": {"schema": {"type": "string"}, "required": True,
                         "description": "The new initiative's address."}}


class InitiativeArgs(PageArgs):
    team = fields.String(load_default=None, validate=validate.Length(max=80), metadata={
        "description": "Only this team's (empty: those of no team); a team member's "
                       "list is its own team's."})
    moment = fields.String(load_default=None, validate=validate.Length(max=100), metadata={
        "description": "Only those that move this moment (its id in the plan)."})
    q = fields.String(load_default=None, validate=validate.Length(max=200), metadata={
        "description": "Only those whose name or id holds these words."})


class ApiInitiativeForm(InitiativeForm):
    """The page's form as the API fills it: narrowed to its reader before it is checked
    (a team member links only to what it may read), and the page's "give at least one
    moment an uplift" said of the field `effects`."""

    def __init__(self, *args: Any, team: str | None = None,
                 initiative: Initiative | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = narrow(self, self.session, self.parts.plan_id, team, initiative)

    @property
    def errors(self) -> dict[str, Any]:
        found = {name: words for name, words in super().errors.items() if name is not None}
        if self.effect_errors:
            found["effects"] = list(self.effect_errors)
        return found


@blp.route("/plans/<int:plan_id>/initiatives")
@follows("initiatives.index")
@blp.arguments(InitiativeArgs, location="query")
@blp.response(200, page_schema(InitiativeSchema, "InitiativePage"))
def initiatives(args: dict[str, Any]) -> dict[str, Any]:
    """The plan's initiatives, oldest first; a team member's: its own team's."""
    plan, session, own = current_plan(), get_session(), own_team()
    moment_id = None
    if args["moment"] is not None:
        moment_id = session.exec(select(Moment.id).where(
            Moment.plan_id == plan.id, Moment.key == args["moment"])).first()
        if moment_id is None:
            abort(422, errors=[{"field": "moment", "detail": "No moment of the plan has this "
                                                             "id: see the plan's journey."}])
    statement = filtered(plan.id, own if own is not None else args["team"], moment_id,
                         " ".join((args["q"] or "").split())).options(
        selectinload(Initiative.costs), selectinload(Initiative.effects),
        selectinload(Initiative.uses), selectinload(Initiative.links))
    shape = _shaper(plan.id, own)
    return paged(session, statement, Initiative.id, args, shape)


@blp.route("/plans/<int:plan_id>/initiatives/<int:initiative_id>")
@follows("initiatives.show")
@blp.response(200, InitiativeSchema, headers=ETAG)
def initiative(initiative_id: int) -> Any:
    """One initiative, with where the decision (or, to the CX lead, finance and viewers,
    the lead's latest draft) stands on it."""
    plan = current_plan()
    found = row_or_404(Initiative, plan.id, initiative_id)
    return _shaper(plan.id, own_team())(found), 200, {"ETag": etag(found.version)}


@blp.route("/plans/<int:plan_id>/initiatives", methods=["POST"])
@follows("initiatives.create")
@blp.arguments(InitiativeBodySchema)
@blp.response(201, InitiativeSchema, headers={**ETAG, **LOCATION})
@problems(409)
def propose(body: dict[str, Any]) -> Any:
    """Propose an initiative (a team member: for its own team, the decision left to the
    optimiser); the fields as the plan file names them, numbers as typed or as numbers."""
    plan, session, own = current_plan(), get_session(), own_team()
    if not plan.moments:
        abort(409, message="Add the journey's moments first: an initiative has to move at "
                           "least one. Nothing was saved.")
    form = _checked(body, None)
    created = add_initiative(session, plan.id, form, form.scope)
    committed()
    return _shaper(plan.id, own)(created), 201, {
        "ETag": etag(created.version),
        "Location": url_for("api_initiatives.initiative", plan_id=plan.id,
                            initiative_id=created.id)}


@blp.route("/plans/<int:plan_id>/initiatives/<int:initiative_id>", methods=["PATCH"])
@follows("initiatives.edit")
@blp.arguments(InitiativeBodySchema)
@blp.response(200, InitiativeSchema, headers=ETAG)
@problems(409, 412, 428)
def change(body: dict[str, Any], initiative_id: int) -> Any:
    """Change an initiative at the version named as If-Match: what the body names changes
    (as a JSON merge patch: in effects, uses, cost per period and their ranges, a key with
    null removes it), the rest stays."""
    plan = current_plan()
    found = row_or_404(Initiative, plan.id, initiative_id)
    check_if_match(found.version)
    form = _checked(body, found)
    claimed(found)
    change_initiative(form, form.scope, found)
    committed()
    return _shaper(plan.id, own_team())(found), 200, {"ETag": etag(found.version)}


@blp.route("/plans/<int:plan_id>/initiatives/<int:initiative_id>", methods=["DELETE"])
@follows("initiatives.delete")
@blp.response(204)
@problems(409, 412, 428)
def remove(initiative_id: int) -> Any:
    """Delete an initiative at the version named as If-Match; the others that require or
    exclude it lose that link."""
    plan, session = current_plan(), get_session()
    found = row_or_404(Initiative, plan.id, initiative_id)
    check_if_match(found.version)
    claimed(found)
    session.delete(found)
    committed()
    return "", 204


def _checked(body: dict[str, Any], found: Initiative | None) -> ApiInitiativeForm:
    """The page's form filled from the body (over the initiative as it is, for a change)
    and checked as the page checks it, then what its reader may not set refused (422,
    each field named); nothing is saved on a refusal."""
    plan, session, own = current_plan(), get_session(), own_team()
    options = {"session": session, "plan_id": plan.id, "own_id": found.id if found else None,
               "form_type": ApiInitiativeForm, "team": own, "initiative": found}
    base = None
    if found is not None:
        shown_form = initiative_form(formdata=None, meta={"csrf": False}, **options)
        shown_form.fill(found)
        base = shown(shown_form)
        visible = shown_form.scope.visible
        for kind in ("requires", "excludes"):  # the links it cannot see are kept on save
            base[kind] = [i for i in base[kind] if visible is None or i in visible]
    data, names = as_form(body, Keys.of(session, plan.id))
    form = filled(initiative_form, data, base=base, names=names, **options)
    sent = {name: "" if body[name] is None else str(body[name])
            for name in ("team", "decision", "reason") if name in body}
    refused = refused_fields(form.scope, found, sent)
    if refused:
        abort(422, errors=[{"field": name, "detail": f"{words} Nothing was saved."}
                           for name, words in refused.items()])
    return form


def _shaper(plan_id: int, own: str | None):
    """What makes an initiative its item for this reader: a team member's links only to
    what it may read, and where the decision it may see stands on it."""
    session = get_session()
    keys = Keys.of(session, plan_id)
    visible = visible_ids(session, plan_id, own)
    run, published = deciding_run(session=session, plan_id=plan_id,
                                  team_member=own is not None)
    verdicts = Verdicts(run)
    shown_keys = None if visible is None else {keys.initiatives[i] for i in visible}
    return lambda found: item_of(found, keys, shown_keys, run, published, verdicts)
