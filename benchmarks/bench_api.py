"""The JSON API's main reads under load: p95 of each with 50 clients on a large plan.

Sets everything up by itself, on loopback only, and cleans up afterwards: a plan of 1,000
initiatives and 60 moments (optimizer.samples.generate_document, as benchmarks/
bench_load.py), an admin account with a write token, one run made and published as the
plan's decision before the load, then `planner serve --workers 4` (SQLite, the embedded
queue: the default installation) and 50 client threads, each with a session of its own,
reading for a fixed time: the plans, one plan, the initiatives a page at a time (the
first ten pages of 50, by their cursors), the decision, its say-no list a page at a time,
the moments with their last measurement. Each client waits a little between requests
(`--think`), as programs that read and then work on what they read.

    .venv/bin/python benchmarks/bench_api.py [--clients 50] [--duration 60]
        [--think 0.2 0.8] [--out FILE] [--no-write]

Writes its section of docs/benchmarks.md (and --out, if given). An operation whose module
is not there yet answers 404 to every request: it is left out of the table and named.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_load import (  # noqa: E402
    EMAIL,
    PASSWORD,
    Group,
    _commit,
    _queue_file,
    _remove_queue,
    first_run,
    free_port,
    percentile,
    planner,
    wait_healthy,
)

PAGES = 10  # of the initiative list and the say-no list, 50 rows each
TARGET_MS = 100


def operations(plan_id: int) -> dict[str, str]:
    """The reads measured, by name: their path under /api/v1."""
    plan = f"/plans/{plan_id}"
    return {"plans": "/plans", "one plan": plan, "initiatives (a page)": f"{plan}/initiatives",
            "decision": f"{plan}/decision", "say-no (a page)": f"{plan}/decision/say-no",
            "moments with measurements": f"{plan}/moments"}


def cursors(session, base: str, path: str) -> list[str | None]:
    """The cursors of a list's first pages (None: the first), read once before the load."""
    found: list[str | None] = [None]
    while len(found) < PAGES:
        answer = session.get(base + path, params={"limit": 50, "cursor": found[-1]}, timeout=60)
        if answer.status_code != 200 or answer.json()["next_cursor"] is None:
            break
        found.append(answer.json()["next_cursor"])
    return found


def client(base: str, token: str, reads: dict[str, list[tuple[str, dict]]], until: float,
           think: tuple[float, float], times: dict[str, list[float]], errors: dict[str, int],
           lock: threading.Lock, seed: int) -> None:
    """One program reading until the end: a read at random, timed, then a short wait."""
    import requests

    chance = random.Random(seed)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    names = sorted(reads)
    while time.time() < until:
        name = chance.choice(names)
        path, params = chance.choice(reads[name])
        began = time.perf_counter()
        try:
            answer = session.get(base + path, params=params, timeout=60)
            took, ok = (time.perf_counter() - began) * 1000, answer.status_code == 200
        except requests.RequestException:
            took, ok = (time.perf_counter() - began) * 1000, False
        with lock:
            times[name].append(took)
            errors[name] += not ok
        time.sleep(chance.uniform(*think))


def measure(args: argparse.Namespace, folder: Path) -> dict:
    """Set up the server and the plan, load it, tear it down; the times by read."""
    import requests

    from optimizer.samples import generate_document

    instance = folder / "instance"
    instance.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "PLANNER_INSTANCE")}
    env.update(SECRET_KEY=secrets.token_hex(32), PLANNER_INSTANCE=str(instance),
               PYTHONUNBUFFERED="1", PYTHONPATH=str(ROOT),
               DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite'}",
               API_RATE_LIMIT="100000 per minute")  # one token for all: no 429 measured
    queue_file = _queue_file(env)
    _remove_queue(queue_file)
    plan_file = folder / "plan.json"
    plan_file.write_text(json.dumps(generate_document(1000, 60, seed=1)))
    print("importing the plan", file=sys.stderr)
    plan_id = int(re.search(r"as plan (\d+)", planner(
        env, "import", str(plan_file), "--name", "API benchmark")).group(1))
    planner(env, "users", "add", EMAIL, "--admin", "--name", "Bench",
            stdin=f"{PASSWORD}\n{PASSWORD}\n")
    token = re.search(r"^(mot_\S+)$", planner(env, "tokens", "add", EMAIL, "--scope", "write",
                                               "--name", "bench"), re.M).group(1)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = Group([sys.executable, "-m", "planner.cli", "serve", "--host", "127.0.0.1",
                    "--port", str(port), "--workers", "4"], env, folder / "serve.log")
    try:
        wait_healthy(base, server.process)
        print("the first run, published as the decision", file=sys.stderr)
        run_id, _ = first_run(base, plan_id)
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {token}"
        published = api.post(f"{base}/api/v1/plans/{plan_id}/runs/{run_id}/publish",
                             timeout=120).status_code
        reads: dict[str, list[tuple[str, dict]]] = {}
        missing = []
        for name, path in operations(plan_id).items():
            if api.get(f"{base}/api/v1{path}", timeout=60).status_code != 200:
                missing.append(name)
                continue
            paged = "(a page)" in name
            reads[name] = [(f"/api/v1{path}", {"limit": 50, "cursor": cursor} if paged
                            else {}) for cursor in (cursors(api, f"{base}/api/v1", path)
                                                    if paged else [None])]
        times = {name: [] for name in reads}
        errors = dict.fromkeys(reads, 0)
        lock = threading.Lock()
        load_average = os.getloadavg()[0]
        print(f"{args.clients} clients for {args.duration} s", file=sys.stderr)
        until = time.time() + args.duration
        clients = [threading.Thread(target=client, args=(
            base, token, reads, until, tuple(args.think), times, errors, lock, seed))
            for seed in range(args.clients)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        return {"plan_id": plan_id, "published": published, "missing": missing,
                "times": times, "errors": errors, "load_average": load_average}
    finally:
        stop(server)
        _remove_queue(queue_file)


def stop(server: Group) -> None:
    """The server's process group ended (gunicorn's master stops its workers on SIGTERM;
    SIGKILL if it has not within a minute)."""
    for number, wait in ((signal.SIGTERM, 60), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, number)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=wait)
            break
    server.log.close()


def section(result: dict, args: argparse.Namespace) -> str:
    """The section of docs/benchmarks.md: how it was measured, then a row per read."""
    rows = ["| read | requests | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|"]
    for name, took in result["times"].items():
        if took:
            rows.append(f"| {name} | {len(took):,} | {percentile(took, .5):,.0f} | "
                        f"{percentile(took, .95):,.0f} | {percentile(took, .99):,.0f} | "
                        f"{result['errors'][name]} |")
    missing = ("Not measured (not served yet: 404): " + ", ".join(result["missing"]) + ".\n\n"
               if result["missing"] else "")
    return (
        "## The JSON API's reads under load\n\n"
        f"Measured on {time.strftime('%Y-%m-%d')} (code at {_commit()}), {os.cpu_count()} "
        f"cores ({platform.machine()}, {platform.system()}), shared with other work (1-minute "
        f"load average before the load: {result['load_average']:.1f}), Python "
        f"{platform.python_version()}; the clients on the same machine. Rerun (rewrites this "
        "section only):\n\n```\n.venv/bin/python benchmarks/bench_api.py\n```\n\n"
        f"{args.clients} client threads for {args.duration} s, each with its own connection "
        f"and one admin's token, waiting {args.think[0]:g} to {args.think[1]:g} s between "
        "requests, against `planner serve --workers 4` (SQLite, the embedded queue) with a "
        "plan of 1,000 initiatives and 60 moments (`generate_document(1000, 60, seed=1)`) "
        "and one run published as its decision. The lists are read 50 rows a page, a page "
        f"at random among the first {PAGES} (by their cursors). Times are the client's, from "
        "the request to the whole answer; *errors* are answers other than 200. The target "
        f"is a p95 under {TARGET_MS} ms.\n\n" + missing + "\n".join(rows) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--think", type=float, nargs=2, default=(0.2, 0.8),
                        metavar=("MIN", "MAX"), help="seconds between two requests")
    parser.add_argument("--out", type=Path, help="also write the section to this file")
    parser.add_argument("--no-write", action="store_true", help="print, leave the doc")
    args = parser.parse_args()
    from benchmarks.report import write_section

    folder = Path(tempfile.mkdtemp(prefix="planner-api-"))
    try:
        text = section(measure(args, folder), args)
        print(text)
        if args.out:
            args.out.write_text(text, encoding="utf-8")
        if not args.no_write:
            write_section("api", text)
    except BaseException:
        print(f"logs kept in {folder}", file=sys.stderr)
        raise
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
