"""Benchmark: near-optimal alternatives of large sample plans (target: 3 alternatives of a
200-initiative plan in at most 10 s, the optimum's own solve included).

Each alternative is three exact solves (its distance, its impact, its cost) on one HiGHS
model changed in place; every alternative is checked here against the plan's rules and the
tolerance. Prints the section for docs/benchmarks.md; `--write` writes it there. Not part
of the test run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import write_section  # noqa: E402
from optimizer import solve  # noqa: E402
from optimizer.alternatives import alternatives  # noqa: E402
from optimizer.checks import violations  # noqa: E402
from optimizer.model import index_plan  # noqa: E402
from optimizer.samples import generate_plan  # noqa: E402

MOMENTS = {200: 30, 500: 40, 1000: 60}


def _check(plan, document, within: float) -> None:
    """Every alternative keeps every rule and meets the tolerance; distances add up."""
    data = index_plan(plan)
    shown = [set(document["funded"])]
    floor = document["best"] - within * document["best"]
    for alternative in document["alternatives"]:
        funded = {data.initiative_index[i] for i in alternative["funded"]}
        focus = {data.moment_index[m] for m in alternative["focus"]}
        assert not violations(data, funded, focus), alternative
        assert alternative["impact"] >= floor - 1e-9 * abs(document["best"]), alternative
        ids = set(alternative["funded"])
        assert alternative["distance"] == min(len(ids ^ other) for other in shown)
        shown.append(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200], choices=list(MOMENTS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--within", type=float, nargs="+", default=[0.02, 0.05])
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write docs/benchmarks.md")
    args = parser.parse_args()
    load = os.getloadavg()[0]  # other work on the machine slows the wall-clock figures
    rows = []
    for size in args.sizes:
        for within in args.within:
            for seed in args.seeds:
                plan = generate_plan(size, MOMENTS[size], seed=seed)
                began = time.perf_counter()
                solve(plan)
                optimum = time.perf_counter() - began
                began, cpu = time.perf_counter(), time.process_time()
                document = alternatives(plan, within=within, count=args.count)
                seconds = time.perf_counter() - began
                cpu = time.process_time() - cpu
                _check(plan, document, within)
                found = document["alternatives"]
                distances = ", ".join(str(a["distance"]) for a in found) or "-"
                shares = ", ".join(f"{a['impact'] / document['best']:.4f}" for a in found)
                print(f"{size} seed {seed} within {within:g}: {seconds:.2f} s, cpu {cpu:.2f} s "
                      f"(optimum alone {optimum:.2f} s), distances {distances}", flush=True)
                rows.append(f"| {size} / {MOMENTS[size]} | {seed} | {within:g} | "
                            f"{len(found)} | {distances} | {shares or '-'} | {optimum:.2f} | "
                            f"{seconds:.2f} | {cpu:.2f} |")
    section = "\n".join([
        "## Near-optimal alternatives",
        "",
        f"`alternatives(plan, within=G, count={args.count})`: the optimum (`solve`), then "
        "each alternative in three exact solves on one HiGHS model changed in place (the "
        "largest smallest distance, the most impact at it, the least cost at that impact). "
        "*Seconds* is the whole call, the optimum's solve included; *optimum s* is `solve` "
        "alone; *cpu s* the whole call's processor time (steadier on a busy machine). "
        f"Load average at the start: {load:.1f}. Every alternative is checked against the "
        "plan's rules and the tolerance. "
        "Plans from `generate_plan(n, moments, seed)`; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores. Rerun: "
        "`.venv/bin/python benchmarks/bench_alternatives.py`.",
        "",
        "| plan | seed | within | found | distances | impact / best | optimum s | seconds "
        "| cpu s |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows])
    print()
    print(section)
    if args.write:
        write_section("alternatives", section)


if __name__ == "__main__":
    main()
