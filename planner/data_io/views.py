"""Bringing data in and out of the app: spreadsheets into a plan (upload, preview, confirm),
plan files as new plans, and a plan as a workbook or its template to fill in; the upload
forms of both."""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import Any

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    url_for,
)
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from models import PendingImport
from models.plan_import import forget_stale_imports, plan_fingerprint
from models.planfile import import_plan, plan_document, plan_file_document
from optimizer import PlanError
from planner.data_io.columns import TABLE_BY_KEY
from planner.data_io.confirm import ImportRefused, pending_import
from planner.data_io.merge import IMPORTED, change_count, preview_import
from planner.data_io.plan_files import plan_file_bytes, read_plan_bytes
from planner.data_io.plan_sheets import template_sheets
from planner.data_io.read import FileProblem, read_tables
from planner.database import get_session
from planner.forms import (
    ConfirmForm,
    Form,
    Longest,
    browser_number_style,
    choices,
    page_number_style,
)
from planner.jobs.queue import start
from planner.jobs.views import answer
from planner.spreadsheets import XLSX, workbook_bytes
from planner.views import attachment, commit, current_plan, form_page

bp = Blueprint("imports", __name__)

# The extension is checked where the file is read, whose message names the file.
CHOOSE_FILE = "Choose a file to upload."


class ImportForm(Form):
    file = FileField("Spreadsheet (.xlsx or .csv)", [FileRequired(CHOOSE_FILE)],
                     description="An Excel workbook with sheets named Moments, Influences "
                                 "or Initiatives (the template's), or a CSV file of one of "
                                 "them.")
    table = SelectField("A CSV file holds", choices=choices(
        (key, TABLE_BY_KEY[key].sheet) for key in reversed(IMPORTED)), default="initiatives",
        description="Only for a CSV file: which list its rows are.")


class PlanFileForm(Form):
    file = FileField("Plan file (.json or .xlsx)", [FileRequired(CHOOSE_FILE)],
                     description="A plan file as the app and `planner export` write it: "
                                 "JSON, or a workbook with a Plan sheet and one sheet per list.")
    name = StringField("Name of the new plan", [Optional(), Longest(120)],
                       description="Leave empty to use the name in the file.")


@bp.route("/plans/<int:plan_id>/import", methods=["GET", "POST"])
def upload():
    """Upload a workbook or CSV; its preview is kept for the person to confirm."""
    plan, session = current_plan(), get_session()
    form = ImportForm()
    if not form.validate_on_submit():
        return form_page("imports/upload.html", form, plan=plan)
    filename = _filename(form.file.data)
    data = form.file.data.read()
    form.file.data.close()  # a large upload is a temporary file: let it go at once
    current = plan_file_document(session, plan.id)
    session.rollback()  # hold no write lock while the file is read and checked
    try:
        tables = read_tables(filename, data, csv_table=TABLE_BY_KEY[form.table.data].sheet)
    except FileProblem as problem:
        form.file.errors = [str(problem)]
        return form_page("imports/upload.html", form, plan=plan, status=422)
    # the plan's number style, else the browser's language: "180.000" never guessed
    preview = preview_import(current, tables, style=page_number_style())
    summary = preview.summary()
    if preview.problems or not change_count(summary):
        return _preview_page(plan, filename, summary, preview.problems), (
            422 if preview.problems else 200)
    pending = PendingImport(token=secrets.token_urlsafe(16), plan_id=plan.id,
                            filename=filename, base=plan_fingerprint(current),
                            document=preview.document, summary=summary)
    forget_stale_imports(session)
    session.add(pending)
    session.commit()
    return redirect(url_for("imports.preview", token=pending.token))


@bp.get("/plans/<int:plan_id>/import/<token>")
def preview(token: str):
    """What a kept upload would add and change, with the button that imports it."""
    plan = current_plan()
    pending = _pending_or_404(plan.id, token)
    return _preview_page(plan, pending.filename, pending.summary, [], pending)


@bp.post("/plans/<int:plan_id>/import/<token>")
def confirm(token: str):
    """Write the previewed import, all of it, unless the plan changed since the preview: in
    a job (planner/data_io/confirm.py), its progress shown meanwhile."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    plan, session = current_plan(), get_session()
    _pending_or_404(plan.id, token)
    return answer(start(session, plan.id, "import", {"token": token}))


@bp.post("/plans/<int:plan_id>/import/<token>/cancel")
def cancel(token: str):
    """Forget a kept upload without writing anything."""
    plan, session = current_plan(), get_session()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session.delete(_pending_or_404(plan.id, token))
    commit("Import cancelled; nothing was written.")
    return redirect(url_for("imports.upload"))


@bp.route("/plans/import", methods=["GET", "POST"])
def new_plan():
    """A new plan from a plan file (.json or .xlsx); nothing is saved when it has problems."""
    session = get_session()
    form = PlanFileForm()
    if not form.validate_on_submit():
        return form_page("imports/new_plan.html", form, plan=None, problems=[])
    filename = _filename(form.file.data)
    try:
        document = read_plan_bytes(filename, form.file.data.read(),
                                   style=browser_number_style())
        plan = import_plan(session, document, name=(form.name.data or "").strip() or None)
    except PlanError as error:
        session.rollback()
        return form_page("imports/new_plan.html", form, plan=None, status=422,
                         problems=error.problems)
    if commit(f'Plan "{plan.name}" created from {filename}.'):
        return redirect(url_for("plans.show", plan_id=plan.id))
    return form_page("imports/new_plan.html", form, plan=None, problems=[], status=409)


@bp.get("/plans/<int:plan_id>/plan.xlsx")
def workbook():
    """The whole plan as a workbook: a plan file that `planner import` and the app read."""
    plan = current_plan()
    body = plan_file_bytes(plan_file_document(get_session(), plan.id), ".xlsx")
    return attachment(body, XLSX, f"plan-{plan.id}.xlsx")


@bp.get("/plans/<int:plan_id>/template.xlsx")
def template():
    """The workbook to fill in: this plan's journey and lists, no initiatives, a Read me."""
    plan = current_plan()
    body = workbook_bytes(template_sheets(plan_document(get_session(), plan.id)))
    return attachment(body, XLSX, f"plan-{plan.id}-template.xlsx")


def _pending_or_404(plan_id: int, token: str) -> PendingImport:
    try:
        return pending_import(get_session(), plan_id, token)
    except ImportRefused as gone:
        abort(404, str(gone))


def _filename(upload: Any) -> str:
    """The uploaded file's own name, without any folder, for messages (never a path here)."""
    name = PurePath((upload.filename or "upload").replace("\\", "/")).name
    return name[:200] or "upload"


def _preview_page(plan: Any, filename: str, summary: dict[str, Any], problems: list[Any],
                  pending: PendingImport | None = None) -> str:
    """The preview: what the file adds and changes per list, its problems, and (when it is
    kept) the buttons that import or cancel it."""
    return render_template("imports/preview.html", plan=plan, filename=filename,
                           summary=summary, lists=IMPORTED, problems=problems,
                           pending=pending, form=ConfirmForm())


