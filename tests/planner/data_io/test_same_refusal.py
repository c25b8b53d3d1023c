"""Every broken plan of the plan-file rules gets the same refusal on every way in: the
reader, the command line, the web's plan file upload as JSON, and as a workbook where a
workbook can carry the fault. One reader serves them all; this holds them to it."""

from __future__ import annotations

import copy
import gc
import io
import json
import sys

import pytest
from sqlmodel import select

from models import Plan
from optimizer import PlanError, plan_from_dict
from planner.cli import main
from planner.data_io.plan_sheets import document_from_tables, plan_sheets
from planner.data_io.read import FileProblem, read_tables
from planner.spreadsheets import workbook_bytes
from tests.optimizer.planfile.test_planfile import BASE, RULES
from tests.webapp import page_text

# A sheet cannot tell these faults from others: an empty cell is both "" and absent, TRUE
# is a cell's own value, and a column for an unknown period or moment is not written, so
# the row reads as having none. The workbook refuses them in the words that fit the cell.
# Faults a workbook cannot carry: a JSON type or key a sheet has no cell for, a number no
# cell holds, a list a cell writes as text. Listed, so that a rule a workbook newly loses
# is noticed.
NOT_IN_A_WORKBOOK = {
    "unknown top key", "budget finite", "budget nan", "finance unknown key",
    "period unknown key", "moment unknown key", "initiatives required",
    "cost object needs periods", "uses resource exists", "requires list", "benefit finite",
    "team text", "moment owner is text", "initiative unknown key", "measurement unknown key",
}
WORDED_OTHERWISE = {
    "plan not empty": "is required",
    "budget bool": "must be a number, not 'TRUE'",
    "cost period exists": "column 'cost': is required",
    "effects required": "column 'effects': is required",
    "effects not empty": "column 'effects': is required",
    "effects moment exists": "column 'effects': is required",
}


def _broken(change) -> tuple[dict, list[str]]:
    document = copy.deepcopy(BASE)
    change(document)
    with pytest.raises(PlanError) as caught:
        plan_from_dict(document)
    return document, caught.value.problems


def _json(document: dict) -> str:
    # Non-finite numbers as a plan file writes them (JSON has no literal of its own).
    return json.dumps(document, allow_nan=True)


def _tail(problem: str) -> str:
    """A problem's words without its path: what a workbook's refusal says at its cell."""
    return problem.split(": ", 1)[1] if ": " in problem else problem


@pytest.mark.parametrize("name, change, expected", RULES, ids=[r[0] for r in RULES])
def test_the_command_line_and_the_web_refuse_alike(tmp_path, capsys, client, db, name,
                                                   change, expected):
    document, problems = _broken(change)
    assert any(expected in problem for problem in problems)
    path = tmp_path / "plan.json"
    path.write_text(_json(document), encoding="utf-8")
    assert main(["solve", str(path)]) == 2
    said = capsys.readouterr().err
    response = client.post("/plans/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(_json(document).encode()), "plan.json")})
    assert response.status_code == 422
    shown = page_text(response)
    for problem in problems:
        assert problem in said
        assert problem.replace('"', "'") in shown.replace('"', "'")
    db.rollback()
    assert db.exec(select(Plan)).all() == []


def _as_workbook(document: dict) -> bytes | None:
    """The broken plan as a workbook, if a workbook can carry its fault: written and read
    back, it must still break a rule (a type a cell cannot hold, say, does not)."""
    try:
        json.dumps(document, allow_nan=False)
    except ValueError:
        return None  # a cell holds no NaN or infinity: Excel has no such number
    try:
        data = workbook_bytes(plan_sheets(document))
        read_back, found = document_from_tables(read_tables("plan.xlsx", data))
    except (FileProblem, KeyError, TypeError, ValueError, AttributeError):
        _collect_quietly()
        return None
    return data if found else None


def _collect_quietly() -> None:
    """openpyxl's write-only sheet left open by a failed write complains when collected;
    collect it now, with nothing to complain to, rather than in a later test."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


@pytest.mark.parametrize("name, change, expected", RULES, ids=[r[0] for r in RULES])
def test_a_workbook_that_carries_the_fault_is_refused_with_the_same_words(client, db, name,
                                                                          change, expected):
    document, problems = _broken(change)
    data = _as_workbook(document)
    if data is None:  # a workbook cannot hold this fault (a JSON type, an unknown key)
        assert name in NOT_IN_A_WORKBOOK
        return
    response = client.post("/plans/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "plan.xlsx")})
    assert response.status_code == 422
    shown = page_text(response).replace('"', "'")
    said = [_tail(problem).replace('"', "'") for problem in problems]
    if name in WORDED_OTHERWISE:
        assert WORDED_OTHERWISE[name] in shown, shown[-600:]
    else:
        assert any(words in shown for words in said), shown[-600:]
    db.rollback()
    assert db.exec(select(Plan)).all() == []
