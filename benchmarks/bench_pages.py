"""Page timings with a large plan: the initiative list, the journey map, and a run's pages.

Creates a plan of 1,000 initiatives and 60 moments in a temporary SQLite database and a run
of it (every rejection explained, as a run's job does), renders each page several times
with the test client, signed in as an admin, and prints min/median times and the number of
SQL statements per page as a markdown table. The pages whose HTML a process keeps
(planner/kept.py) are timed again with nothing kept, in the same sitting.

    .venv/bin/python benchmarks/bench_pages.py [--initiatives 1000] [--moments 60] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.report import write_section  # noqa: E402
from models import User  # noqa: E402
from models.db import open_session  # noqa: E402
from models.planfile import import_plan  # noqa: E402
from planner import create_app, kept  # noqa: E402
from planner.accounts.passwords import password_hash  # noqa: E402

HTML_KEPT = (kept.REPORTS, kept.SAY_NO_PAGES)  # the rendered pages a process keeps


def plan_document(initiatives: int, moments: int, seed: int) -> dict:
    """A generated plan document (optimizer.samples), or a plain one if it is missing."""
    try:
        from optimizer.samples import generate_document
    except ImportError:
        return _fallback_document(initiatives, moments)
    return generate_document(initiatives, moments, seed)


def _fallback_document(initiatives: int, moments: int) -> dict:
    stages = [{"id": f"s{n}", "name": f"Stage {n}"} for n in range(6)]
    return {
        "plan": "Benchmark", "budget": 1e7, "periods": [{"id": "H1"}, {"id": "H2"}],
        "stages": stages,
        "moments": [{"id": f"m{n}", "name": f"Moment {n}", "stage": f"s{n % 6}",
                     "side": "back" if n % 7 == 0 else "front", "weight": n % 9}
                    for n in range(moments)],
        "initiatives": [{"id": f"i{n}", "name": f"Initiative {n}", "team": f"Team {n % 12}",
                         "cost": {"H1": 1000 + n, "H2": 500},
                         "effects": {f"m{n % moments}": 3, f"m{(n * 7 + 1) % moments}": 1}}
                        for n in range(initiatives)],
    }


def measure(client, url: str, engine, repeat: int) -> tuple[float, float, int]:
    """Min and median seconds over `repeat` renders, and SQL statements in one render."""
    client.get(url)  # warm up templates and caches
    statements = []

    def count(*_args) -> None:
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    response = client.get(url)
    event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        client.get(url).close()
        times.append(time.perf_counter() - began)
    return min(times), statistics.median(times), len(statements)


def measure_without_kept_html(client, url: str, engine, repeat: int
                              ) -> tuple[float, float, int]:
    """measure() with no rendered HTML kept by this process."""
    most = [kind.most for kind in HTML_KEPT]
    for kind in HTML_KEPT:
        kind.most = 0
        kind.clear()
    try:
        return measure(client, url, engine, repeat)
    finally:
        for kind, kept_most in zip(HTML_KEPT, most, strict=True):
            kind.most = kept_most


def signed_in(app):
    """A test client signed in as a new admin, as the sign-in page leaves it."""
    with open_session(app.extensions["planner_engine"], write=True) as session:
        admin = User(email="bench@example.com", name="Bench", admin=True,
                     password_hash=password_hash("the benchmark's own password"))
        session.add(admin)
        session.commit()
        signed = f"{admin.id}:{admin.session_version}"
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = signed, True
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=1000)
    parser.add_argument("--moments", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "JOBS_IMMEDIATE": True,
                          "WTF_CSRF_ENABLED": False,
                          "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite'}"})
        engine = app.extensions["planner_engine"]
        document = plan_document(args.initiatives, args.moments, args.seed)
        with open_session(engine, write=True) as session:
            plan_id = import_plan(session, document).id
            session.commit()
        client = signed_in(app)
        run = client.post(f"/plans/{plan_id}/runs", data={}).headers["Location"]
        pages = {"initiative list": f"/plans/{plan_id}/initiatives",
                 "journey map": f"/plans/{plan_id}/journey",
                 "run page": run, "say-no page": f"{run}/say-no",
                 "portfolio": f"/plans/{plan_id}/portfolio"}
        rows = []
        for name, url in pages.items():
            fastest, median, statements = measure(client, url, engine, args.repeat)
            rows.append(f"| {name} | {fastest * 1000:.0f} | {median * 1000:.0f} | "
                        f"{statements} |")
        for name in ("run page", "say-no page"):
            fastest, median, statements = measure_without_kept_html(
                client, pages[name], engine, args.repeat)
            rows.append(f"| {name}, its HTML not kept | {fastest * 1000:.0f} | "
                        f"{median * 1000:.0f} | {statements} |")
        section = "\n".join([
            "## Web pages with a large plan",
            "",
            f"{len(document['initiatives'])} initiatives, {len(document['moments'])} moments "
            f"(`optimizer.samples.generate_plan`), a run of it with every rejection explained, "
            f"SQLite, Flask test client, {args.repeat} renders each after one warm-up. "
            "Target: well under a second per page, with a fixed number of SQL statements "
            "(no N+1). *Its HTML not kept*: the same page with nothing kept of its rendered "
            "HTML (planner/kept.py), in the same sitting. Rerun: "
            "`.venv/bin/python benchmarks/bench_pages.py`.",
            "",
            "| page | min (ms) | median (ms) | SQL statements |",
            "|---|---:|---:|---:|",
            *rows])
        print(section)
        write_section("pages", section)
        engine.dispose()


if __name__ == "__main__":
    main()
