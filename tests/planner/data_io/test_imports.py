"""Spreadsheets and plan files in the web app: upload, preview, confirm or cancel, all or
nothing; downloads of the plan as a workbook and of the template."""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlmodel import select

from models import Initiative, PendingImport, Plan
from models.plan_import import forget_stale_imports
from models.planfile import plan_document
from optimizer import plan_from_dict, plan_to_dict
from optimizer.samples import generate_document
from planner.data_io.plan_files import plan_file_bytes, read_plan_bytes
from planner.data_io.plan_sheets import plan_sheets
from planner.data_io.read import read_tables
from planner.spreadsheets import csv_bytes, workbook_bytes
from tests.webapp import page_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, plan_id: int, data: bytes, filename: str = "plan.xlsx",
           table: str = "initiatives"):
    return client.post(f"/plans/{plan_id}/import", data={
        "file": (io.BytesIO(data), filename), "table": table},
        content_type="multipart/form-data")


def document_of(app, plan_id: int) -> dict:
    from models.db import open_session
    from models.planfile import with_measurements
    with open_session(app.extensions["planner_engine"]) as session:  # as its plan file has it
        return with_measurements(session, plan_id, plan_document(session, plan_id))


def exported_tables(app, plan_id: int) -> dict[str, pd.DataFrame]:
    """The plan as a workbook, read back as tables to edit."""
    return read_tables("plan.xlsx", workbook_bytes(plan_sheets(document_of(app, plan_id))))


def as_workbook(tables: dict[str, pd.DataFrame]) -> bytes:
    from planner.spreadsheets import Sheet
    return workbook_bytes([Sheet(name, frame) for name, frame in tables.items()])


def normal(document: dict) -> dict:
    """The document as the engine reads it: defaults filled in, numbers as it keeps them."""
    return plan_to_dict(plan_from_dict(document))


def pending_imports(db) -> list[PendingImport]:
    db.rollback()
    return list(db.exec(select(PendingImport)).all())


# --- downloads ---------------------------------------------------------------------------

def test_the_template_has_this_plans_columns_and_no_initiatives(client, demo_id, app):
    response = client.get(f"/plans/{demo_id}/template.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert "template.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    assert workbook.sheetnames[0] == "Read me"
    header = [cell.value for cell in next(workbook["Initiatives"].iter_rows(max_row=1))]
    moments = [moment["id"] for moment in document_of(app, demo_id)["moments"]]
    assert [f"effect {key}" for key in moments] == [h for h in header if h.startswith("effect")]
    assert len(list(workbook["Initiatives"].iter_rows())) == 1  # the header only


def test_the_plan_workbook_is_the_plan_field_for_field(client, demo_id, app):
    response = client.get(f"/plans/{demo_id}/plan.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert read_plan_bytes("plan.xlsx", response.data) == document_of(app, demo_id)


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_a_downloaded_plan_file_uploads_as_the_same_plan(client, demo_id, app, suffix, db):
    download = client.get(f"/plans/{demo_id}/plan{suffix}")
    response = client.post("/plans/import", data={
        "file": (io.BytesIO(download.data), f"plan{suffix}"), "name": "Copy"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.rollback()
    copy_id = db.exec(select(Plan.id).where(Plan.name == "Copy")).one()
    assert response.headers["Location"].endswith(f"/plans/{copy_id}")
    assert document_of(app, copy_id) == {**document_of(app, demo_id), "plan": "Copy"}


def test_a_generated_plan_of_1000_initiatives_round_trips_through_the_app(client, app, db):
    original = generate_document(1000, 40, seed=5)
    response = client.post("/plans/import", data={
        "file": (io.BytesIO(plan_file_bytes(original, ".xlsx")), "big.xlsx")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    db.rollback()
    plan_id = db.exec(select(Plan.id)).one()
    download = client.get(f"/plans/{plan_id}/plan.xlsx")
    assert normal(read_plan_bytes("again.xlsx", download.data)) == normal(original)
    assert len(document_of(app, plan_id)["initiatives"]) == 1000


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("plan.json", b'{"plan": "x", "budget": NaN}', "NaN is not a finite number"),
    ("plan.json", "{}".encode("utf-16"), "is not UTF-8 text"),
    ("plan.txt", b"{}", "plan.txt: a plan file is .json or .xlsx"),
    ("plan.xlsx", b"PK not really", "this is not an Excel workbook (.xlsx)"),
])
def test_a_bad_plan_file_creates_no_plan_and_says_why(client, db, filename, data, message):
    response = client.post("/plans/import", data={"file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Nothing was imported" in page_text(response)
    assert message in page_text(response)
    db.rollback()
    assert db.exec(select(Plan)).all() == []


def test_a_plan_file_whose_name_is_taken_is_refused(client, demo_id, db):
    download = client.get(f"/plans/{demo_id}/plan.json")
    response = client.post("/plans/import", data={
        "file": (io.BytesIO(download.data), "plan.json")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "already exists" in page_text(response)
    db.rollback()
    assert len(db.exec(select(Plan)).all()) == 1


def test_no_file_chosen_is_said_at_the_field(client, demo_id):
    response = client.post(f"/plans/{demo_id}/import", data={"table": "initiatives"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a file to upload." in page_text(response)


# --- import into a plan: preview, then confirm ---------------------------------------------

def edited_workbook(app, plan_id: int) -> bytes:
    """The plan's workbook with one initiative renamed and one added without an id."""
    tables = exported_tables(app, plan_id)
    sheet = tables["Initiatives"]
    first = sheet.index[0]
    sheet.loc[first, "name"] = "Renamed in Excel"
    new = sheet.loc[first].copy()
    new["id"], new["name"] = "", "Queue-busting tablets"
    tables["Initiatives"] = pd.concat([sheet, new.to_frame().T], ignore_index=False)
    tables["Initiatives"].index = range(2, len(tables["Initiatives"]) + 2)
    return as_workbook(tables)


def test_an_upload_is_previewed_and_writes_nothing_until_confirmed(client, app, demo_id, db):
    before = document_of(app, demo_id)
    first = before["initiatives"][0]["id"]
    response = upload(client, demo_id, edited_workbook(app, demo_id), "backlog.xlsx")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    assert document_of(app, demo_id) == before
    page = page_text(client.get(preview_url))
    assert "Import preview: backlog.xlsx" in page
    assert f"{first} : name" in page and "queue-busting-tablets" in page
    assert len(pending_imports(db)) == 1

    response = client.post(preview_url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plans/{demo_id}/initiatives")
    after = document_of(app, demo_id)
    names = {entry["id"]: entry["name"] for entry in after["initiatives"]}
    assert names[first] == "Renamed in Excel"
    assert names["queue-busting-tablets"] == "Queue-busting tablets"
    assert len(after["initiatives"]) == len(before["initiatives"]) + 1
    assert pending_imports(db) == []
    assert "1 initiative added, 1 changed" in page_text(client.get(
        f"/plans/{demo_id}/initiatives"))
    # Confirming twice (a second click, another tab) finds the preview gone.
    assert client.post(preview_url).status_code == 404


def test_a_changed_row_bumps_its_version(client, app, demo_id, db):
    first = document_of(app, demo_id)["initiatives"][0]["id"]
    version = db.exec(select(Initiative.version).where(Initiative.key == first)).one()
    response = upload(client, demo_id, edited_workbook(app, demo_id))
    client.post(response.headers["Location"])
    db.rollback()
    assert db.exec(select(Initiative.version).where(Initiative.key == first)).one() == \
        version + 1


def test_reimporting_the_plans_own_workbook_has_nothing_to_import(client, app, demo_id, db):
    download = client.get(f"/plans/{demo_id}/plan.xlsx")
    response = upload(client, demo_id, download.data)
    assert response.status_code == 200
    assert "Nothing to import: every row matches the plan as it is." in page_text(response)
    assert pending_imports(db) == []


def test_problems_are_listed_by_sheet_row_and_column_and_nothing_is_kept(client, app,
                                                                          demo_id, db):
    before = document_of(app, demo_id)
    tables = exported_tables(app, demo_id)
    tables["Initiatives"].loc[3, "confidence"] = "very"
    tables["Initiatives"].loc[4, "name"] = ""
    tables["Initiatives"].loc[5, "name"] = "=HYPERLINK(\"x\")"  # text, escaped on export
    response = upload(client, demo_id, as_workbook(tables))
    assert response.status_code == 422
    page = page_text(response)
    assert "Nothing was imported: the file has 2 problems." in page
    assert 'Initiatives 3 confidence' in page and 'Initiatives 4 name' in page
    assert pending_imports(db) == []
    assert document_of(app, demo_id) == before


def test_a_formula_in_a_cell_is_refused_with_its_cell(client, app, demo_id, db):
    from openpyxl import Workbook
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Initiatives"
    sheet.append(["id", "name", "cost"])
    sheet.append(["kiosk", "Kiosk", "=1+1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, demo_id, buffer.getvalue())
    assert response.status_code == 422
    assert "C2" in page_text(response) and "formula" in page_text(response)
    assert pending_imports(db) == []


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("backlog.xls", b"old", 'backlog.xls has the extension ".xls"'),
    ("backlog.xlsx", b"not a zip", "this is not an Excel workbook (.xlsx)"),
    ("backlog.csv", "name\nCafé".encode("utf-16"), "not in an encoding the planner reads"),
])
def test_a_file_that_cannot_be_read_is_refused_at_the_field(client, app, demo_id, db,
                                                             filename, data, message):
    before = document_of(app, demo_id)
    response = upload(client, demo_id, data, filename)
    assert response.status_code == 422
    assert message in page_text(response)
    assert pending_imports(db) == [] and document_of(app, demo_id) == before


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e309"])
def test_non_finite_numbers_are_refused(client, app, demo_id, db, value):
    frame = pd.DataFrame([{"name": "Self-checkout", "cost H1": value}], dtype=object)
    response = upload(client, demo_id, csv_bytes(frame), "new.csv")
    assert response.status_code == 422
    assert 'Initiatives 2 cost H1' in page_text(response)
    assert pending_imports(db) == []


def test_a_csv_of_moments_is_read_as_the_moments_sheet(client, app, demo_id, db):
    moments = document_of(app, demo_id)["moments"]
    first = moments[0]
    frame = pd.DataFrame([{"id": first["id"], "name": first["name"], "side": first["side"],
                           "weight": "7"},
                          {"id": "", "name": "Parking", "side": "front", "weight": "1"}],
                         dtype=object)
    response = upload(client, demo_id, csv_bytes(frame), "moments.csv", table="moments")
    assert response.status_code == 302
    client.post(response.headers["Location"])
    after = {m["id"]: m for m in document_of(app, demo_id)["moments"]}
    assert after[moments[0]["id"]]["weight"] == 7
    assert after["parking"]["name"] == "Parking"


def test_cancel_forgets_the_upload(client, app, demo_id, db):
    before = document_of(app, demo_id)
    preview_url = upload(client, demo_id, edited_workbook(app, demo_id)).headers["Location"]
    response = client.post(preview_url + "/cancel", follow_redirects=True)
    assert "Import cancelled; nothing was written." in page_text(response)
    assert pending_imports(db) == [] and document_of(app, demo_id) == before
    assert client.get(preview_url).status_code == 404


def test_a_plan_changed_after_the_preview_is_not_overwritten(client, app, demo_id, db):
    preview_url = upload(client, demo_id, edited_workbook(app, demo_id)).headers["Location"]
    plan = db.get(Plan, demo_id)
    plan.budget = 123_456
    db.commit()
    changed = document_of(app, demo_id)
    response = client.post(preview_url, follow_redirects=True)
    assert "The plan changed after this preview was made, so nothing was imported." in \
        page_text(response)
    assert document_of(app, demo_id) == changed
    assert pending_imports(db) == []


def test_a_preview_belongs_to_its_plan(client, app, demo_id, db):
    preview_url = upload(client, demo_id, edited_workbook(app, demo_id)).headers["Location"]
    other = client.post("/plans/new", data={"name": "Other", "currency": "EUR",
                                            "max_focus": "3"})
    other_id = int(other.headers["Location"].rsplit("/", 1)[1])
    token = preview_url.rsplit("/", 1)[1]
    assert client.get(f"/plans/{other_id}/import/{token}").status_code == 404
    assert client.post(f"/plans/{other_id}/import/{token}").status_code == 404
    assert client.get(f"/plans/{demo_id}/import/not-a-token").status_code == 404


def test_previews_older_than_a_day_are_forgotten(client, app, demo_id, db):
    upload(client, demo_id, edited_workbook(app, demo_id))
    pending = pending_imports(db)[0]
    forget_stale_imports(db, now=pending.created_at + timedelta(hours=23))
    assert len(pending_imports(db)) == 1
    forget_stale_imports(db, now=pending.created_at + timedelta(hours=25))
    db.commit()
    assert pending_imports(db) == []


def test_deleting_the_plan_deletes_its_previews(client, app, demo_id, db):
    upload(client, demo_id, edited_workbook(app, demo_id))
    client.post(f"/plans/{demo_id}/delete")
    assert pending_imports(db) == []


def test_the_pages_link_to_import_and_downloads(client, demo_id):
    assert f"/plans/{demo_id}/import" in client.get(f"/plans/{demo_id}/initiatives").text
    settings = client.get(f"/plans/{demo_id}").text
    assert f"/plans/{demo_id}/plan.xlsx" in settings and f"/plans/{demo_id}/import" in settings
    assert "/plans/import" in client.get("/").text
    page = client.get(f"/plans/{demo_id}/import").text
    assert f"/plans/{demo_id}/template.xlsx" in page and "busy.js" in page


def test_an_import_whose_influences_make_a_cycle_is_refused_naming_its_steps(
        client, demo_id, app):
    before = document_of(app, demo_id)
    table = b"from,to,factor\napprovals,rota,0.5\nrota,approvals,0.5\nrota,greet,0.6\n"
    response = upload(client, demo_id, table, filename="influences.csv", table="influences")
    assert response.status_code == 422
    assert 'a cycle: "approvals" -> "rota" -> "approvals"' in page_text(response)
    assert document_of(app, demo_id) == before
