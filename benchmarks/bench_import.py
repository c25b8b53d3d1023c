"""Import and export of a 10,000-initiative plan: reading and checking (parse) timed apart
from writing to the database, through the same functions and pages a person uses.

In a temporary SQLite database:
- export: the plan as a workbook (plan_sheets + workbook_bytes), against pandas' to_excel
  of the same sheets without any formatting (the ratio is measured in one run);
- import into a plan: the plan's journey without initiatives, then the workbook uploaded on
  the import page (read, preview, kept) and confirmed (written), each page timed whole, with
  the reading and the preview also timed on their own;
- a re-import with 1,000 rows changed: preview and confirm;
- a new plan from the workbook (the "Import a plan file" page): parse, then write.

    .venv/bin/python benchmarks/bench_import.py [--initiatives 10000] [--moments 80]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import select  # noqa: E402

from benchmarks.report import write_section  # noqa: E402
from models import PendingImport  # noqa: E402
from models.db import open_session  # noqa: E402
from models.planfile import import_plan, plan_document  # noqa: E402
from optimizer.samples import generate_document  # noqa: E402
from planner import create_app  # noqa: E402
from planner.data_io.merge import preview_import  # noqa: E402
from planner.data_io.plan_files import read_plan_bytes  # noqa: E402
from planner.data_io.plan_sheets import plan_sheets  # noqa: E402
from planner.data_io.read import read_tables  # noqa: E402
from planner.spreadsheets import Sheet, workbook_bytes  # noqa: E402

TARGET_SECONDS = 15.0


def timed(work):
    start = time.perf_counter()
    value = work()
    return value, time.perf_counter() - start


def pandas_workbook(sheets: list[Sheet]) -> bytes:
    """The same sheets by pandas' to_excel, unformatted: the baseline of the export."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet in sheets:
            sheet.frame.to_excel(writer, sheet_name=sheet.name, index=False)
    return buffer.getvalue()


def post_file(client, url: str, data: bytes, filename: str, **fields):
    response = client.post(url, data={"file": (io.BytesIO(data), filename), **fields},
                           content_type="multipart/form-data")
    if response.status_code not in (200, 302):
        raise SystemExit(f"{url} answered {response.status_code}")
    return response


def edited(data: bytes, rows: int) -> bytes:
    """The workbook with the cost of its first `rows` initiatives raised by 1,000."""
    tables = read_tables("plan.xlsx", data)
    sheet = tables["Initiatives"]
    column = next(c for c in sheet.columns if str(c).startswith("cost"))
    for number in sheet.index[:rows]:
        sheet.loc[number, column] = str(float(sheet.loc[number, column] or 0) + 1000)
    return workbook_bytes([Sheet(name, frame) for name, frame in tables.items()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--moments", type=int, default=80)
    parser.add_argument("--no-write", action="store_true",
                        help="print the section instead of writing docs/benchmarks.md")
    args = parser.parse_args()
    document = generate_document(args.initiatives, args.moments, seed=1)
    sheets = plan_sheets(document)
    data, export_s = timed(lambda: workbook_bytes(plan_sheets(document)))
    _, pandas_s = timed(lambda: pandas_workbook(sheets))

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "benchmark",
                          "WTF_CSRF_ENABLED": False,
                          "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite'}"})
        engine = app.extensions["planner_engine"]
        client = app.test_client()
        with open_session(engine, write=True) as session:
            plan = import_plan(session, {**document, "initiatives": []}, name="Journey only")
            session.commit()
            plan_id = plan.id
        with open_session(engine) as session:
            current = plan_document(session, plan_id)
        tables, read_s = timed(lambda: read_tables("plan.xlsx", data))
        preview, preview_s = timed(lambda: preview_import(current, tables))
        assert not preview.problems and len(preview.added["initiatives"]) == args.initiatives

        upload, upload_s = timed(lambda: post_file(client, f"/plans/{plan_id}/import", data,
                                                   "plan.xlsx"))
        _, confirm_s = timed(lambda: client.post(upload.headers["Location"]))
        with open_session(engine) as session:
            assert len(plan_document(session, plan_id)["initiatives"]) == args.initiatives

        changed = edited(client.get(f"/plans/{plan_id}/plan.xlsx").data, 1000)
        again, reupload_s = timed(lambda: post_file(client, f"/plans/{plan_id}/import",
                                                    changed, "plan.xlsx"))
        with open_session(engine) as session:
            summary = session.exec(select(PendingImport.summary)).one()
            assert len(summary["changed"]["initiatives"]) == 1000, summary["changed"]
        _, reconfirm_s = timed(lambda: client.post(again.headers["Location"]))

        _, parse_s = timed(lambda: read_plan_bytes("plan.xlsx", data))
        _, new_plan_s = timed(lambda: post_file(client, "/plans/import", data, "plan.xlsx",
                                                name="Imported whole"))
        engine.dispose()

    total = upload_s + confirm_s
    n = f"{args.initiatives:,}"
    lines = [
        "## Import and export of a large plan",
        "",
        f"A generated plan of {n} initiatives and {args.moments} moments "
        f"(workbook {len(data) / 1e6:.1f} MB), SQLite, one run "
        f"(`benchmarks/bench_import.py`). Parse = reading the file and checking it (the "
        "preview); write = the database work once confirmed.",
        "",
        "| step | seconds |",
        "|---|---:|",
        f"| read the workbook into tables | {read_s:.2f} |",
        f"| preview (merge into the plan, every rule checked) | {preview_s:.2f} |",
        f"| upload page: read + preview + keep the preview (parse) | {upload_s:.2f} |",
        f"| confirm page: write {n} initiatives (write) | {confirm_s:.2f} |",
        f"| **import into a plan, preview included** | **{total:.2f}** "
        f"(target under {TARGET_SECONDS:.0f}: {'met' if total < TARGET_SECONDS else 'NOT met'})"
        " |",
        f"| re-import with 1,000 rows changed: upload (parse) | {reupload_s:.2f} |",
        f"| re-import with 1,000 rows changed: confirm (write) | {reconfirm_s:.2f} |",
        f"| new plan from the workbook: parse and check only | {parse_s:.2f} |",
        f"| new plan from the workbook: whole page (parse + write) | {new_plan_s:.2f} |",
        f"| export the plan as a workbook (formatted, escaped) | {export_s:.2f} |",
        f"| the same sheets by pandas `to_excel`, unformatted | {pandas_s:.2f} |",
        "",
        f"Export / pandas `to_excel`: **{export_s / pandas_s:.2f}**.",
    ]
    section = "\n".join(lines)
    if args.no_write:
        print(section)
    else:
        write_section("import", section)
        print(section)


if __name__ == "__main__":
    main()
