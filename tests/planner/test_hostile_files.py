"""Hostile plan files get the same refusal on the command line (exit 2, the path, no
traceback) and through the web's plan file upload (422, the same words); nothing saved."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from sqlmodel import select

from models import Plan
from planner.demo import demo_document
from tests.webapp import page_text


def _with(change) -> str:
    document = demo_document()
    document["plan"] = "Hostile"
    return change(document)


def _deep(levels: int) -> dict:
    value: dict | int = 1
    for _ in range(levels):
        value = {"k": value}
    return value


HOSTILE = {
    "nested 100,000 deep": ("[" * 100_000 + "]" * 100_000,
                            "nest more than 20 levels deep"),
    "nested under a key": (_with(lambda d: json.dumps(
        {**d, "moments": [{**d["moments"][0], "extra": _deep(30)}, *d["moments"][1:]]})),
        'moments[0].extra.k.k'),
    "a 400-digit budget": (_with(lambda d: json.dumps(d).replace(
        '"budget": 450000', '"budget": ' + "9" * 400, 1)), "budget:"),
    "NaN in a weight": (_with(lambda d: json.dumps(d).replace(
        '"weight": ', '"weight": NaN, "w": ', 1)), ".weight: must be a finite number"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_command_line_refuses_a_hostile_file(tmp_path, name):
    text, words = HOSTILE[name]
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "planner.cli", "solve", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    assert words in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_web_refuses_a_hostile_file_with_the_same_words(client, db, name):
    text, words = HOSTILE[name]
    response = client.post("/plans/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(text.encode()), "plan.json")})
    assert response.status_code == 422
    assert words in page_text(response)
    db.rollback()
    assert db.exec(select(Plan)).all() == []
