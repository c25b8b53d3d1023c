"""`planner import` and `planner export`: plan files (JSON or .xlsx) in and out of the app's
database (DATABASE_URL, or the SQLite file in instance/)."""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from optimizer import PlanError
from planner.data_io.plan_files import FORMATS, plan_file_bytes, read_plan_bytes

EXIT_OK, EXIT_BAD_INPUT = 0, 2
# The database and spreadsheet code is imported inside the commands that use it, so that
# `planner solve` and `planner --help` start without loading either.


def add_commands(commands: Any) -> None:
    importer = commands.add_parser("import", help="add a plan file to the app's database")
    importer.add_argument("file", help="the plan file: .json (docs/plan-format.md) or .xlsx")
    importer.add_argument("--name", help="the new plan's name (default: the file's)")
    importer.add_argument("--number-style", choices=("point", "comma"), default="",
                          help="how a workbook's typed numbers are written: point (1,234.5) "
                               "or comma (1.234,5); without it, a number that could be read "
                               "two ways (180.000) is refused")
    importer.set_defaults(run=_import)
    exporter = commands.add_parser("export", help="write a plan of the app as a plan file")
    exporter.add_argument("plan", help="the plan's id or name")
    exporter.add_argument("file", help="where to write it: .json or .xlsx")
    exporter.set_defaults(run=_export)


def _import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        with _step(f"reading and checking {path.name}"):
            document = read_plan_file(path, style=args.number_style)
    except (OSError, PlanError) as error:
        return _refuse(f"cannot import {path}", error)
    from models.db import open_session
    from models.planfile import import_plan

    count = len(document.get("initiatives") or [])
    with app_engine() as engine, open_session(engine, write=True) as session:
        try:
            with _step(f"writing {count:,} initiative{'s' if count != 1 else ''}"):
                plan = import_plan(session, document, name=args.name)
                session.commit()
        except PlanError as error:
            session.rollback()
            return _refuse(f"cannot import {path}", error)
        print(f'Imported "{plan.name}" as plan {plan.id}.')
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.suffix.lower() not in FORMATS:
        print(f"planner: write a .json or .xlsx file, not {path.name!r}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from sqlmodel import select

    from models import Plan
    from models.db import open_session
    from models.planfile import plan_file_document

    with app_engine() as engine, open_session(engine) as session:
        condition = (Plan.id == int(args.plan)) if args.plan.isdigit() else (
            Plan.name == args.plan)
        plan_id = session.exec(select(Plan.id).where(condition)).first()
        if plan_id is None:
            print(f"planner: there is no plan {args.plan!r}", file=sys.stderr)
            return EXIT_BAD_INPUT
        document = plan_file_document(session, plan_id)
    path.write_bytes(plan_file_bytes(document, path.suffix.lower()))
    print(f"Wrote {path}.")
    return EXIT_OK


def read_plan_file(path: Path, *, style: str = "") -> dict[str, Any]:
    """The plan document in a .json or .xlsx file; PlanError names what is wrong. `style`:
    how a workbook's typed numbers are written ("point", "comma", or "": not known)."""
    return read_plan_bytes(path.name, path.read_bytes(), style=style)


@contextmanager
def app_engine() -> Iterator[Any]:
    """The app's database engine, closed afterwards."""
    from planner import create_app

    # Not served: the key only satisfies the production check.
    engine = create_app({"SECRET_KEY": secrets.token_hex(16)}).extensions["planner_engine"]
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _step(words: str) -> Iterator[None]:
    """'reading and checking plan.xlsx ... 1.2 s' on stderr: a long import shows its progress."""
    sys.stderr.write(f"{words} ... ")
    sys.stderr.flush()
    start = time.perf_counter()
    try:
        yield
    except BaseException:
        sys.stderr.write("stopped\n")
        raise
    sys.stderr.write(f"{time.perf_counter() - start:.1f} s\n")


def _refuse(what: str, error: Exception) -> int:
    print(f"planner: {what}:", file=sys.stderr)
    for problem in getattr(error, "problems", [str(error)]):
        print(f"  - {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT
