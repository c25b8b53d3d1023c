"""Benchmark: the exact frontier walk against a fresh solve at each point it reports.

The walk finds every breakpoint (or, past --points, exact points spread over the range) on
one HiGHS model changed in place; the comparison solves each reported point afresh with
`solve()` at its cost, which is what the walk replaces, and checks the two agree. Writes its
section of docs/benchmarks.md. Not part of the test run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import write_section  # noqa: E402
from optimizer import solve, with_overrides  # noqa: E402
from optimizer.finance.frontier import DEFAULT_POINTS, frontier  # noqa: E402
from optimizer.samples import generate_plan  # noqa: E402

SIZES = {200: 30, 1000: 60}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=DEFAULT_POINTS)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        choices=list(SIZES))
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        plan = generate_plan(size, SIZES[size], seed=1)
        began = time.perf_counter()
        found = frontier(plan, args.points)
        walked = time.perf_counter() - began
        began = time.perf_counter()
        for point in found.points:
            fresh = solve(with_overrides(plan, budget=point.cost))
            assert abs((fresh.impact or 0) - (point.impact or 0)) <= 1e-6 * max(
                1.0, abs(fresh.impact or 0)), (point.cost, fresh.impact, point.impact)
        fresh_seconds = time.perf_counter() - began
        shown = "every step" if found.complete else "spread"
        print(f"{size}: {len(found.points)} points ({shown}), {found.solves} solves, "
              f"walk {walked:.2f} s, fresh solves {fresh_seconds:.2f} s", flush=True)
        rows.append(f"| {size:,} / {SIZES[size]} | {len(found.points)} ({shown}) | "
                    f"{found.solves} | {walked:.2f} | {fresh_seconds:.2f} | "
                    f"{walked / fresh_seconds:.2f} |")
    write_section("frontier", "\n".join([
        "## Efficient frontier",
        "",
        f"`frontier(plan, {args.points})` walks the exact breakpoints (the least money that "
        "buys each optimal impact level) down from the cost of every initiative on one HiGHS "
        "model, two solves a breakpoint (best impact, then the cheapest of it); past "
        f"{args.points} breakpoints it reports exact points spread over the range. "
        "*Fresh solves* is one `solve()` at each reported point's cost, in the same run: what "
        "the walk replaces; every point's impact is checked equal to it. Plans from "
        "`generate_plan(n, moments, seed=1)`. Rerun: "
        "`.venv/bin/python benchmarks/bench_frontier.py`.",
        "",
        "| plan | points | solves | walk s | fresh solves s | ratio |",
        "|---|---|---|---|---|---|",
        *rows]))


if __name__ == "__main__":
    main()
