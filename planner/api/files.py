"""Plan files (docs/plan-format.md) through the API: a plan's file as its Settings page
downloads it; a plan file made a new plan, as the plan-file import page does; and a plan
file imported into a plan in the import page's two steps: its preview (what it adds and
changes, or each problem by its path), then, once confirmed, its writing by a worker as
the page's job, polled at its Location.

The body is the plan file itself, read as the page reads an uploaded one (strictly: NaN,
Infinity and nesting past a plan's four levels are refused, each at its path), and checked
whole against the plan rules before anything is kept. Into a plan, its moments,
influences, initiatives and measurements are merged by the page's own code (by id, or by
name; nothing is deleted); the plan's settings, stages, periods and resources stay the
plan's own, changed on its Settings page."""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from flask import Response, request, url_for
from flask_smorest import abort
from marshmallow import INCLUDE, Schema, fields
from sqlalchemy.exc import IntegrityError

from models import PendingImport
from models.plan_import import forget_stale_imports, plan_fingerprint
from models.planfile import import_plan, plan_file_document
from optimizer import PlanError
from planner.api.core import blueprint, follows, problems
from planner.api.forms import filled
from planner.api.idempotency import KEY_HEADER, idempotent
from planner.api.plans import PlanSchema, plan_item
from planner.api.runs.items import LOCATION, JobSchema, job_item, job_location
from planner.data_io.cells import cell_text, header_key
from planner.data_io.columns import TABLE_BY_KEY
from planner.data_io.confirm import ImportRefused, pending_import
from planner.data_io.merge import IMPORTED, change_count, preview_import
from planner.data_io.plan_files import read_plan_bytes
from planner.data_io.plan_sheets import plan_sheets
from planner.data_io.views import PlanFileForm
from planner.database import get_session
from planner.forms import Form
from planner.jobs.queue import start
from planner.views import current_plan

blp = blueprint("files", "Plan files: a plan's file, a file made a plan, a file imported "
                         "into a plan with its preview.")

SENT_AS = "a plan file sent to the API"  # the import's file, in the plan's history
# A problem of the plan rules: its path ("initiatives[4] (id "i5").cost.H1"), its words.
PROBLEM = re.compile(r'([a-z_]+(?:\[\d+\]| \(id "[^"]*"\)|\.[^\s.\[]+)*): (.+)', re.S)
# A grid's columns ("effect low fit": a value of each moment) and their paths in a file.
GRIDS = {"cost": "cost.{}", "uses": "uses.{}", "effect": "effects.{}",
         "effect low": "effects_range.{}[0]", "effect high": "effects_range.{}[1]"}
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # a kept preview's token (secrets.token_urlsafe)


class PlanFileSchema(Schema):
    """A plan file (docs/plan-format.md): the plan's settings and its lists; the plan
    rules say what each entry holds."""

    class Meta:
        unknown = INCLUDE

    plan = fields.String(required=True, metadata={"description": "The plan's name."})
    currency = fields.String(metadata={"description": "ISO 4217, such as EUR."})
    budget = fields.Float(allow_none=True)
    max_focus = fields.Integer()
    finance = fields.Dict(allow_none=True)
    uncertainty = fields.Dict(allow_none=True)
    periods = fields.List(fields.Dict())
    resources = fields.List(fields.Dict())
    stages = fields.List(fields.Dict())
    moments = fields.List(fields.Dict(), required=True)
    influences = fields.List(fields.Dict())
    initiatives = fields.List(fields.Dict(), required=True)
    measurements = fields.List(fields.Dict())


BODY = {"required": True, "description": "The plan file, as JSON.",
        "content": {"application/json": {"schema": PlanFileSchema}}}


class NewPlanArgs(Schema):
    name = fields.String(load_default=None, allow_none=True, metadata={
        "description": "The new plan's name; none: the name in the file."})


class NameForm(Form):
    """The plan-file import page's name of the new plan, with its rules."""

    name = PlanFileForm.name


class PreviewSchema(Schema):
    token = fields.String(required=True, allow_none=True, metadata={
        "description": "The kept preview, to confirm or cancel; null when the file would "
                       "change nothing (nothing is kept)."})
    changes = fields.Integer(required=True, metadata={
        "description": "How many moments, influences, initiatives and measurements it "
                       "adds or changes."})
    added = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                        required=True, metadata={"description": "By list, the ids added."})
    changed = fields.Dict(keys=fields.String(), values=fields.Dict(
        keys=fields.String(), values=fields.List(fields.String())), required=True, metadata={
        "description": "By list, each id changed with the fields that change."})
    unchanged = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                            metadata={"description": "By list, how many stay as they are."})
    ignored = fields.List(fields.String(), required=True, metadata={
        "description": "The file's settings and lists an import into a plan leaves alone "
                       "(the plan's Settings page changes them)."})


PREVIEW_AT = {"Location": {"schema": {"type": "string"},
                           "description": "The kept preview's address."}}
MADE_AT = {"Location": {"schema": {"type": "string"}, "description": "The new plan's "
                                                                     "address."}}


@blp.route("/plans/<int:plan_id>/file")
@follows("plans.download")
@blp.response(200, PlanFileSchema)
def plan_file() -> Response:
    """The plan as a plan file, as its Settings page downloads it (with its measured
    scores): `planner import`, this API and the pages read it back."""
    plan = current_plan()
    document = plan_file_document(get_session(), plan.id)
    return Response(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                    mimetype="application/json")


@blp.route("/plans/import", methods=["POST"])
@follows("imports.new_plan")
@blp.arguments(NewPlanArgs, location="query")
@blp.doc(parameters=[KEY_HEADER], requestBody=BODY)
@idempotent
@blp.response(201, PlanSchema, headers=MADE_AT)
@problems(409, 415)
def import_new_plan(args: dict[str, Any]) -> Any:
    """A new plan (a draft) from a plan file; nothing is saved when the file breaks a rule:
    each problem is named by its path. Send an Idempotency-Key: a retry makes no second
    plan."""
    name = filled(NameForm, {"name": args["name"] or ""}).name.data.strip() or None
    document = _sent_plan_file()
    session = get_session()
    try:
        plan = import_plan(session, document, name=name)
        session.commit()
    except PlanError as error:
        session.rollback()
        abort(422, errors=_path_errors(error.problems))
    except IntegrityError:
        session.rollback()
        abort(409, message="A plan saved at the same moment clashes with this one: nothing "
                           "was saved; send it again.")
    return plan_item(plan), 201, {"Location": url_for("api_plans.plan", plan_id=plan.id)}


@blp.route("/plans/<int:plan_id>/import", methods=["POST"])
@follows("imports.upload")
@blp.doc(requestBody=BODY)
@blp.response(201, PreviewSchema, headers=PREVIEW_AT,
              description="The preview, kept for a day: confirm it to import the file.")
@blp.alt_response(200, schema=PreviewSchema, description="The file would change nothing: "
                                                         "nothing is kept.")
@problems(415)
def preview() -> Any:
    """The preview of importing a plan file's moments, influences, initiatives and
    measurements into this plan, as the import page shows it: what it adds and changes,
    or each problem by its path (then nothing is kept)."""
    plan, session = current_plan(), get_session()
    document = _sent_plan_file()
    current = plan_file_document(session, plan.id)
    session.rollback()  # no write lock held while the file is merged and checked
    tables = {sheet.name: sheet.frame for sheet in plan_sheets(document)}
    merged = preview_import(current, tables)
    if merged.problems:
        abort(422, errors=[error for problem in merged.problems
                           for error in _placed(problem, tables)])
    summary = {**merged.summary(), "ignored": [key for key in document if key not in IMPORTED]}
    if not change_count(summary):
        return _preview_item(None, summary), 200
    pending = PendingImport(token=secrets.token_urlsafe(16), plan_id=plan.id,
                            filename=SENT_AS, base=plan_fingerprint(current),
                            document=merged.document, summary=summary)
    forget_stale_imports(session)
    session.add(pending)
    session.commit()
    return _preview_item(pending.token, summary), 201, {
        "Location": url_for("api_files.kept_preview", plan_id=plan.id, token=pending.token)}


@blp.route("/plans/<int:plan_id>/import/<token>")
@follows("imports.preview")
@blp.response(200, PreviewSchema)
def kept_preview(token: str) -> dict[str, Any]:
    """A kept preview: what confirming it would add and change."""
    pending = _pending_or_404(token)
    return _preview_item(pending.token, pending.summary)


@blp.route("/plans/<int:plan_id>/import/<token>/confirm", methods=["POST"])
@follows("imports.confirm")
@blp.doc(parameters=[KEY_HEADER])
@idempotent
@blp.response(202, JobSchema, headers=LOCATION)
def confirm(token: str) -> Any:
    """Import the kept preview, all of it, as a job (poll its Location): unless the plan
    changed since the preview, then the job fails and nothing is written. Send an
    Idempotency-Key: a retry starts no second job."""
    plan = current_plan()
    _pending_or_404(token)
    session = get_session()
    job = start(session, plan.id, "import", {"token": token})
    item, location = job_item(job), job_location(job)
    session.commit()  # the write lock its read of the job took (SQLite), before the answer
    return item, 202, {"Location": location}


@blp.route("/plans/<int:plan_id>/import/<token>", methods=["DELETE"])
@follows("imports.cancel")
@blp.response(204)
def cancel(token: str) -> None:
    """Forget a kept preview without importing anything."""
    session = get_session()
    session.delete(_pending_or_404(token))
    session.commit()


def _sent_plan_file() -> dict[str, Any]:
    """The request's body as a plan document, checked whole; 415 when it is not JSON, 422
    naming each problem's path."""
    if not request.is_json:
        abort(415, message="Send the plan file as JSON (Content-Type: application/json).")
    try:
        return read_plan_bytes("plan.json", request.get_data(cache=True))
    except PlanError as error:
        abort(422, errors=_path_errors(error.problems))


def _path_errors(found: list[str]) -> list[dict[str, str]]:
    """The plan rules' problems, one error each at its path ((body) for the whole)."""
    errors = []
    for text in found:
        match = PROBLEM.fullmatch(text)
        errors.append({"field": match.group(1), "detail": match.group(2)} if match else
                      {"field": "(body)", "detail": text})
    return errors


def _placed(problem: Any, tables: dict[str, Any]) -> list[dict[str, str]]:
    """A merge's problem (planner/data_io/cells.py's, by sheet, row and column) at the
    paths of the file's values it came from: the sheets were made from the file, one row
    per entry after the header; a column's problem (its header's row) is each entry's
    that has a value in it."""
    key = next((key for key in IMPORTED if TABLE_BY_KEY[key].sheet == problem.sheet), None)
    if key is None:
        return [{"field": "(body)", "detail": str(problem)}]
    rows: list[int | None] = [problem.row]
    if problem.row == 1 and problem.column in tables[problem.sheet]:
        rows = [index + 2 for index, cell in enumerate(tables[problem.sheet][problem.column])
                if cell_text(cell) is not None]
    return [{"field": _path(key, row, problem.column), "detail": problem.message}
            for row in rows or [None]]


def _path(key: str, row: int | None, column: str | None) -> str:
    """The path of a sheet's cell in the file: "initiatives[3].uses.robots"."""
    path = key if row is None else f"{key}[{row - 2}]"
    if not column:
        return path
    words = header_key(column)
    for grid in sorted(GRIDS, key=len, reverse=True):  # "effect low x" before "effect x"
        if words.startswith(grid + " "):
            return f"{path}.{GRIDS[grid].format(column[len(grid) + 1:])}"
    name, _, end = words.rpartition(" ")
    if end in ("low", "high") and name:
        return f"{path}.{name}_range[{0 if end == 'low' else 1}]"
    return f"{path}.{column}"


def _pending_or_404(token: str) -> PendingImport:
    plan = current_plan()
    if not TOKEN.fullmatch(token):
        abort(404, message="There is no such preview in this plan.")
    try:
        return pending_import(get_session(), plan.id, token)
    except ImportRefused as gone:
        abort(404, message=str(gone))


def _preview_item(token: str | None, summary: dict[str, Any]) -> dict[str, Any]:
    return {"token": token, "changes": change_count(summary),
            **{name: summary[name] for name in ("added", "changed", "unchanged", "ignored")}}
