"""Benchmark: the largest import the planner accepts, and the largest uploads it refuses,
each uploaded through the import page in a process of its own, timed whole with its peak
memory (the operating system's own count of the process's largest resident size).

- accepted: a workbook of 20,000 initiatives (the most a plan holds) and 200 moments,
  previewed and confirmed into a plan that has the journey;
- refused: a 15 MB CSV of 250,000 rows, and a workbook whose sheet unpacks to about 100 MB
  (both past the limits, refused while reading).

Not part of the test run. `.venv/bin/python benchmarks/bench_limits.py`
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_section  # noqa: E402

CASES = ("accepted workbook, 20,000 initiatives x 200 moments",
         "refused CSV, 15 MB of 250,000 rows",
         "refused workbook, a sheet unpacking to 100 MB")


def _files(folder: Path) -> list[Path]:
    """The three uploads, made here so that making them counts in no case's memory."""
    from optimizer.samples import generate_document
    from planner.data_io.plan_files import plan_file_bytes

    document = generate_document(20_000, 200, seed=1)
    accepted = plan_file_bytes(document, ".xlsx")
    (folder / "journey.json").write_text(json.dumps({**document, "initiatives": []}))
    row = b"init-%06d,Some initiative with a longer name,team-a,1234,0.8,5\n"
    csv_data = b"id,name,team,cost,confidence,effect m001\n" + b"".join(
        row % i for i in range(270_000))
    csv_data = csv_data[:csv_data.rfind(b"\n", 0, 15 * 2**20) + 1]  # under the upload cap
    cell = b'<c r="A%d" t="inlineStr"><is><t>x</t></is></c>'
    rows = b"".join(b'<row r="%d">' % i + cell % i + b"</row>" for i in range(1, 1_900_000))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet><sheetData>" + rows
                         + b"</sheetData></worksheet>")
    paths = [folder / "plan.xlsx", folder / "backlog.csv", folder / "big.xlsx"]
    for path, data in zip(paths, (accepted, csv_data, buffer.getvalue()), strict=True):
        path.write_bytes(data)
    return paths


def _case(path: Path, folder: Path) -> dict:
    """Upload one file to the import page of a plan with the journey (in a child)."""
    from models.db import open_session
    from models.planfile import import_plan
    from planner import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                      "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}"})
    journey = json.loads((path.parent / "journey.json").read_text())
    with open_session(app.extensions["planner_engine"], write=True) as session:
        plan_id = import_plan(session, journey).id
        session.commit()
    data = path.read_bytes()
    client = app.test_client()
    locked = _write_lock_clock(app.extensions["planner_engine"])
    began = time.perf_counter()
    response = client.post(f"/plans/{plan_id}/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), path.name), "table": "initiatives"})
    answered = response.status_code
    if answered == 302:
        locked.clear()
        answered = client.post(response.headers["Location"]).status_code
    return {"status": answered, "seconds": time.perf_counter() - began,
            "upload_mb": len(data) / 2**20, "locked": max(locked, default=0.0)}


def _write_lock_clock(engine) -> list[float]:
    """Seconds each write transaction held the write lock (SQLite's BEGIN IMMEDIATE takes
    it at once), appended as each one ends."""
    from sqlalchemy import event

    held: list[float] = []

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.info["began"] = time.perf_counter()

    def _end(connection) -> None:
        if connection.get_execution_options().get("planner_write"):
            held.append(time.perf_counter() - connection.info.pop("began"))

    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)
    return held


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        with tempfile.TemporaryDirectory() as folder:
            result = _case(Path(sys.argv[2]), Path(folder))
        # The kernel's high-water mark of this process's memory (ru_maxrss would carry the
        # parent's over from before exec).
        status = Path("/proc/self/status").read_text()
        result["peak_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
        print(json.dumps(result))
        return
    rows = []
    scratch = tempfile.TemporaryDirectory()
    for path, label in zip(_files(Path(scratch.name)), CASES, strict=True):
        began = time.perf_counter()
        done = subprocess.run([sys.executable, __file__, "--case", str(path)],
                              capture_output=True, text=True, check=True)
        whole = time.perf_counter() - began
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(label, result, f"process {whole:.1f} s", flush=True)
        rows.append(f"| {label} | {result['upload_mb']:.1f} | {result['status']} | "
                    f"{result['seconds']:.1f} | {result['locked']:.2f} | "
                    f"{result['peak_mb']:,.0f} |")
    write_section("limits", "\n".join([
        "## Upload limits",
        "",
        "The largest import accepted and the largest uploads refused, each through the "
        "import page in a process of its own: *page s* from the upload to the answer "
        "(for the accepted one, preview and confirm), *lock s* the longest time the last "
        "page held the write lock (SQLite's, the whole database's: every other save waits "
        "that long at most; the confirm works out what to write before it takes it), "
        "*peak MB* the process's largest resident size, the app included. Rerun: "
        "`.venv/bin/python benchmarks/bench_limits.py`.",
        "",
        "| upload | MB | answer | page s | lock s | peak MB |",
        "|---|---|---|---|---|---|",
        *rows]))


if __name__ == "__main__":
    main()
