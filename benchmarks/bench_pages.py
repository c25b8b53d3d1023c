"""Page timings with a large plan: the initiative list and the journey map.

Creates a plan of 1,000 initiatives and 60 moments in a temporary SQLite database, renders
each page several times with the test client, and prints min/median times and the number
of SQL statements per page as a markdown table.

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
from models.db import open_session  # noqa: E402
from models.planfile import import_plan  # noqa: E402
from planner import create_app  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=1000)
    parser.add_argument("--moments", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench",
                          "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite'}"})
        engine = app.extensions["planner_engine"]
        document = plan_document(args.initiatives, args.moments, args.seed)
        with open_session(engine, write=True) as session:
            plan_id = import_plan(session, document).id
            session.commit()
        client = app.test_client()
        pages = {"initiative list": f"/plans/{plan_id}/initiatives",
                 "journey map": f"/plans/{plan_id}/journey"}
        rows = []
        for name, url in pages.items():
            fastest, median, statements = measure(client, url, engine, args.repeat)
            rows.append(f"| {name} | {fastest * 1000:.0f} | {median * 1000:.0f} | "
                        f"{statements} |")
        section = "\n".join([
            "## Web pages with a large plan",
            "",
            f"{len(document['initiatives'])} initiatives, {len(document['moments'])} moments "
            f"(`optimizer.samples.generate_plan`), SQLite, Flask test client, {args.repeat} "
            "renders each after one warm-up. Target: well under a second per page, with a "
            "fixed number of SQL statements (no N+1). Rerun: "
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
