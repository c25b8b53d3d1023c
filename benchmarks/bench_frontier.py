"""Benchmark: the efficient frontier against independent solves at the same budgets.

Target (finance issue): a 20-point frontier of a 1,000-initiative plan costs less than 20
independent solves. Writes its section of docs/benchmarks.md. Not part of the test run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import write_section  # noqa: E402
from optimizer import solve, with_overrides  # noqa: E402
from optimizer.finance.frontier import frontier  # noqa: E402
from optimizer.samples import generate_plan  # noqa: E402

SIZES = {200: 30, 1000: 60}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        choices=list(SIZES))
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        plan = generate_plan(size, SIZES[size], seed=1)
        began = time.perf_counter()
        found = frontier(plan, args.points)
        traced = time.perf_counter() - began
        began = time.perf_counter()
        for point in found.points:
            fresh = solve(with_overrides(plan, budget=point.budget))
            assert abs((fresh.impact or 0) - (point.impact or 0)) <= 1e-6 * max(
                1.0, abs(fresh.impact or 0)), (point.budget, fresh.impact, point.impact)
        independent = time.perf_counter() - began
        solved = sum(point.solved for point in found.points)
        print(f"{size}: frontier {traced:.2f} s ({solved} points solved), "
              f"{args.points} independent solves {independent:.2f} s", flush=True)
        rows.append(f"| {size:,} / {SIZES[size]} | {args.points} | {solved} | {traced:.2f} | "
                    f"{independent:.2f} | {traced / independent:.2f} |")
    write_section("frontier", "\n".join([
        "## Efficient frontier",
        "",
        f"`frontier(plan, {args.points})` against one `solve()` per point at the same "
        "budgets, in one run; every point's impact is checked equal to its fresh solve. "
        "Points are solved in rising budget order, each starting from the portfolio before "
        "it; points above the cost of the best portfolio at the top budget are that "
        "portfolio, without a solve (*solved* counts the others). Target: ratio below 1 at "
        "1,000 initiatives. Plans from `generate_plan(n, moments, seed=1)`. Rerun: "
        "`.venv/bin/python benchmarks/bench_frontier.py`.",
        "",
        "| plan | points | solved | frontier s | independent solves s | ratio |",
        "|---|---|---|---|---|---|",
        *rows]))


if __name__ == "__main__":
    main()
