"""Invisible characters (a NUL, a line break in a name, a right-to-left override that makes
one name look like another) are refused the same way on every way in: the forms, the
spreadsheet import, the plan file upload and the command line; nothing is saved."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from sqlmodel import select

from models import Initiative, Moment, PendingImport, Plan, Scenario, Stage
from planner.demo import demo_document
from tests.webapp import page_text

HIDDEN = [("\u202e", "U+202E (right-to-left override)"), ("\x00", "U+0000 (a NUL)"),
          ("\n", "U+000A (a line break)"), ("\u2066", "U+2066 (left-to-right isolate)")]


def _name(char: str) -> str:
    return f"Self{char}checkout"


@pytest.mark.parametrize("char, words", HIDDEN)
def test_forms_refuse_invisible_characters_in_names(client, db, demo_id, char, words):
    posts = [
        ("/plans/new", {"name": _name(char), "currency": "EUR", "max_focus": "3"}, Plan),
        (f"/plans/{demo_id}/stages/new", {"key": "s9", "name": _name(char)}, Stage),
        (f"/plans/{demo_id}/moments/new", {"key": "m9", "name": _name(char), "stage_id": "0",
                                           "side": "front", "weight": "1"}, Moment),
        (f"/plans/{demo_id}/scenarios/new", {"name": _name(char)}, Scenario),
    ]
    for url, data, model in posts:
        before = len(db.exec(select(model)).all())
        response = client.post(url, data=data)
        assert response.status_code == 422, url
        assert words in page_text(response), url
        assert _name(char).replace("\x00", "") not in page_text(response).replace("\x00", "")
        db.rollback()
        assert len(db.exec(select(model)).all()) == before


def test_a_note_may_break_lines_but_not_hide_characters(client, db, demo_id):
    form = client.get(f"/plans/{demo_id}/initiatives/new").get_data(as_text=True)
    assert "note" in form
    moment = db.exec(select(Moment)).first()
    data = {"key": "n1", "name": "Notes", "decision": "auto", "confidence": "1", "cost": "5",
            f"effect_{moment.id}": "2", "note": "line one\r\nline two", "version": ""}
    response = client.post(f"/plans/{demo_id}/initiatives/new", data=data)
    assert response.status_code == 302, page_text(response)
    hidden = {**data, "key": "n2", "note": "line one\u202e"}
    response = client.post(f"/plans/{demo_id}/initiatives/new", data=hidden)
    assert response.status_code == 422
    assert "U+202E (right-to-left override)" in page_text(response)
    db.rollback()
    assert db.exec(select(Initiative).where(Initiative.key == "n2")).first() is None


@pytest.mark.parametrize("char, words", HIDDEN)
def test_a_spreadsheet_import_refuses_them_by_row_and_column(client, db, demo_id, char,
                                                             words):
    moment = db.exec(select(Moment)).first()
    csv_text = f'id,name,cost,effect {moment.key}\nnew1,"{_name(char)}",5,2\n'
    response = client.post(f"/plans/{demo_id}/import", content_type="multipart/form-data",
                           data={"table": "initiatives",
                                 "file": (io.BytesIO(csv_text.encode()), "new.csv")})
    assert response.status_code == 422
    text = page_text(response)
    if char == "\x00":  # a NUL byte marks a file as binary (or UTF-16): the file is refused
        assert "not in an encoding the planner reads" in text
    else:
        assert "the file has 1 problem" in text
        assert f"Initiatives 2 name holds an invisible character, {words}" in text
    db.rollback()
    assert db.exec(select(PendingImport)).all() == []


def _hostile_plan(char: str) -> dict:
    document = demo_document()
    document["plan"] = "Imported"
    document["initiatives"][2]["name"] = _name(char)
    return document


@pytest.mark.parametrize("char, words", HIDDEN)
def test_a_plan_file_upload_refuses_them_by_path(client, db, demo_id, char, words):
    document = _hostile_plan(char)
    data = json.dumps(document).encode()
    response = client.post("/plans/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "plan.json")})
    assert response.status_code == 422
    key = document["initiatives"][2]["id"]
    assert f'initiatives[2] (id "{key}").name: holds an invisible character' in page_text(
        response)
    assert words in page_text(response)
    db.rollback()
    assert len(db.exec(select(Plan)).all()) == 1


@pytest.mark.parametrize("char, words", HIDDEN[:2])
def test_the_command_line_refuses_them_by_path(tmp_path, char, words):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_hostile_plan(char)), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "planner.cli", "solve", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert words in done.stderr and ".name: holds an invisible character" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("key", ["a b", "=cmd", "@x", "+1", "-x", "caf\u00e9"])
def test_ids_follow_one_rule_in_forms_and_files(client, db, demo_id, key):
    form = client.post(f"/plans/{demo_id}/stages/new", data={"key": key, "name": "Stage"})
    assert form.status_code == 422
    assert "letters, digits and - _ . : only" in page_text(form)
    document = demo_document()
    document["plan"] = "Imported"
    document["stages"][0]["id"] = key
    for moment in document["moments"]:
        if moment.get("stage") == demo_document()["stages"][0]["id"]:
            moment["stage"] = key
    upload = client.post("/plans/import", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(json.dumps(document).encode()),
                                        "plan.json")})
    assert upload.status_code == 422
    assert f'"{key}" is not an id: use letters, digits and - _ . : only' in page_text(upload)


@pytest.mark.parametrize("query", [{"q": "self\x00check"}, {"team": "Stores\x00"},
                                   {"q": "\u202e"}, {"team": "x" * 5000}])
def test_list_filters_ignore_what_a_database_cannot_take(client, demo_id, query):
    response = client.get(f"/plans/{demo_id}/initiatives", query_string=query)
    assert response.status_code == 200


@pytest.mark.parametrize("team", ["Stores\x00", "\u202e", "x" * 5000])
def test_the_team_view_ignores_what_a_database_cannot_take(client, demo_id, team):
    response = client.get(f"/plans/{demo_id}/teams", query_string={"team": team})
    assert response.status_code == 200
