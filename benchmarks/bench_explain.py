"""Benchmark: explaining every rejected initiative, measured against single solves.

Target (say-no issue): explaining every rejected initiative of a 200-initiative plan costs
at most 30 single solves' time; a 1,000-initiative plan finishes, its time reported.
Writes its section of docs/benchmarks.md. Not part of the test run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.report import write_section  # noqa: E402
from optimizer import solve, with_overrides  # noqa: E402
from optimizer.explain import Explainer  # noqa: E402
from optimizer.samples import generate_plan  # noqa: E402

MOMENTS = {200: 30, 1000: 60}


def single_solve_seconds(plan, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        solve(plan)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def explain_everything(plan) -> tuple[float, int, int]:
    """Seconds to explain every rejected initiative (explainer set-up included)."""
    result = solve(plan)
    began = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % max(1, total // 20) == 0 or done == total:
            sys.stderr.write(f"\r  explaining {done}/{total}")
            sys.stderr.flush()

    explanations = Explainer(plan, result).explain_all(progress=progress)
    sys.stderr.write("\n")
    return (time.perf_counter() - began, len(explanations),
            sum(e.solves for e in explanations))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(MOMENTS),
                        choices=list(MOMENTS))
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        moments = MOMENTS[size]
        for scenario, share in (("plan", None), ("tight", 0.05)):
            plan = generate_plan(size, moments, seed=1)
            if share is not None:
                total = sum(i.total_cost for i in plan.initiatives)
                plan = with_overrides(plan, budget=share * total)
            one = single_solve_seconds(plan, args.repeat)
            seconds, explained, solves = explain_everything(plan)
            print(f"{size} {scenario}: single solve {one:.3f} s, explain {explained} in "
                  f"{seconds:.2f} s ({solves} what-if solves)", flush=True)
            rows.append(f"| {size:,} / {moments} / {scenario} | {one:.3f} | {explained} | "
                        f"{solves} | {seconds:.2f} | {seconds / one:.1f} |")
    section = "\n".join([
        "## Explaining every rejected initiative",
        "",
        "`Explainer(plan, result).explain_all()` after one `solve()`, against the median of "
        f"{args.repeat} whole `solve()` calls of the same plan, in one run. *What-if solves* "
        "counts the solver calls the explanations made (easy cases are settled without "
        "one; on plans whose relaxation is weak, the quick fixed-focus solves that find "
        "where a full solve starts count too); *ratio* is the explanation time in single "
        "solves. Target: at most 30 at 200 "
        "initiatives. Plans from `generate_plan(n, moments, seed=1)`; *tight*: total budget "
        "5% of the total cost. Rerun: `.venv/bin/python benchmarks/bench_explain.py`.",
        "",
        "| plan | single solve s | rejected | what-if solves | explain all s | ratio |",
        "|---|---|---|---|---|---|",
        *rows])
    write_section("explain", section)


if __name__ == "__main__":
    main()
