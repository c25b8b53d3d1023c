"""Plan files (docs/plan-format.md) as bytes: read from an upload or a file, written for a
download or a file; JSON or an .xlsx workbook with one sheet per list."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from optimizer import PlanError, plan_to_dict
from optimizer.planfile import plan_from_json

FORMATS = (".json", ".xlsx")


def read_plan_bytes(filename: str, data: bytes, *, style: str = "") -> dict[str, Any]:
    """The plan document in a .json or .xlsx file's bytes, checked whole against the plan
    rules; PlanError lists every problem (a workbook's by sheet, row and column). `style`:
    how a workbook's typed numbers are written ("point", "comma", or "": a number that
    could be read two ways is refused; planner/amounts.py)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in FORMATS:
        raise PlanError([f"{PurePath(filename).name}: a plan file is .json or .xlsx"])
    if suffix == ".json":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PlanError([f"{PurePath(filename).name} is not UTF-8 text (byte "
                             f"{error.start + 1} cannot be read)"]) from error
        # plan_from_json refuses NaN and Infinity, which json.loads would let through.
        return plan_to_dict(plan_from_json(text))
    from planner.data_io.plan_sheets import document_from_tables
    from planner.data_io.read import FileProblem, read_tables

    try:
        tables = read_tables(filename, data)
    except FileProblem as problem:
        raise PlanError([str(problem)]) from problem
    document, problems = document_from_tables(tables, style=style)
    if problems:
        raise PlanError([str(problem) for problem in problems])
    return document


def plan_file_bytes(document: dict[str, Any], suffix: str) -> bytes:
    """The plan document as a .json or .xlsx file."""
    if suffix == ".json":
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    from planner.data_io.plan_sheets import plan_sheets
    from planner.spreadsheets import workbook_bytes

    return workbook_bytes(plan_sheets(document))
