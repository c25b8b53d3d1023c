"""Benchmark: explaining every rejected initiative, measured against single solves.

Targets (explanations that match forcing in): explaining every rejected initiative of the
200-initiative plan with the budget at 5% of the total cost (tight) in at most 30 single
solves' time, and of the 1,000-initiative tight plan in under 60 s; the plans with money
to spare are reported too. Writes its section of docs/benchmarks.md. Not part of the test
run.
"""

from __future__ import annotations

import argparse
import os
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
CORES = os.cpu_count() or 1  # `planner solve --explain` explains on every core
# (size, scenario): at most this many single solves' time, or seconds
TARGETS = {(200, "tight"): ("ratio", 30.0), (1000, "tight"): ("seconds", 60.0)}


def single_solve_seconds(plan, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        solve(plan)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def explain_everything(plan, processes: int = 1) -> tuple[float, int, int]:
    """Seconds to explain every rejected initiative (explainer set-up included), on this
    many cores."""
    result = solve(plan)
    began = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % max(1, total // 20) == 0 or done == total:
            sys.stderr.write(f"\r  explaining {done}/{total}")
            sys.stderr.flush()

    explanations = Explainer(plan, result).explain_all(progress=progress, processes=processes)
    sys.stderr.write("\n")
    return (time.perf_counter() - began, len(explanations),
            sum(e.solves for e in explanations))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(MOMENTS),
                        choices=list(MOMENTS))
    args = parser.parse_args()
    rows, verdicts = [], []
    for size in args.sizes:
        moments = MOMENTS[size]
        for scenario, share in (("plan", None), ("tight", 0.05)):
            plan = generate_plan(size, moments, seed=1)
            if share is not None:
                total = sum(i.total_cost for i in plan.initiatives)
                plan = with_overrides(plan, budget=share * total)
            one = single_solve_seconds(plan, args.repeat)
            seconds, explained, solves = explain_everything(plan)
            on_cores, _, _ = explain_everything(plan, CORES)
            print(f"{size} {scenario}: single solve {one:.3f} s, explain {explained} in "
                  f"{seconds:.2f} s ({solves} what-if solves), on {CORES} cores "
                  f"{on_cores:.2f} s", flush=True)
            rows.append(f"| {size:,} / {moments} / {scenario} | {one:.3f} | {explained} | "
                        f"{solves} | {seconds:.2f} | {seconds / one:.1f} | {on_cores:.2f} | "
                        f"{on_cores / one:.1f} |")
            if (size, scenario) in TARGETS:
                verdicts.append(_verdict(size, scenario, seconds, on_cores, one))
    section = "\n".join([
        "## Explaining every rejected initiative",
        "",
        "`Explainer(plan, result).explain_all()` after one `solve()`, against the median of "
        f"{args.repeat} whole `solve()` calls of the same plan, in one run. Each explanation "
        "holds the best portfolio with the initiative forced in and the cheapest of its "
        "impact (the tie rule: what `solve()` gives with its decision set to `fund`), where "
        "forced in it would move no focus moment the best portfolio in which it counts, and "
        "the break-even cost and uplift. *What-if solves* counts the solver calls the "
        "explanations made (easy cases are settled without one; the quick solves with the "
        "focus fixed, or among a few moments, count too, and so do the relaxations that "
        "bound the best portfolio with the focus among a few moments); *ratio* is the "
        "explanation time in single solves. Targets: at most 30 at 200 initiatives tight, "
        "under 60 s at 1,000 tight. Plans from `generate_plan(n, moments, seed=1)`; "
        "*tight*: total budget 5% of the total cost. The same again on every core of the "
        f"machine ({CORES}: `explain_all(processes={CORES})`, as `planner solve --explain` "
        "does; each worker builds its own model, so this time includes starting them). "
        "Rerun: `.venv/bin/python benchmarks/bench_explain.py`.",
        "",
        "| plan | single solve s | rejected | what-if solves | explain all s | ratio | "
        f"on {CORES} cores s | ratio on {CORES} cores |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        *verdicts])
    write_section("explain", section)


def _verdict(size: int, scenario: str, seconds: float, on_cores: float, one: float) -> str:
    kind, limit = TARGETS[size, scenario]
    if kind == "ratio":
        ratio = seconds / one
        return (f"- {size:,} / {scenario}: {ratio:.1f} single solves on one core (target at "
                f"most {limit:g}: {'met' if ratio <= limit else 'not met'}).")
    return (f"- {size:,} / {scenario}: {on_cores:.1f} s on {CORES} cores, {seconds:.1f} s on "
            f"one (target under {limit:g} s: {'met' if on_cores < limit else 'not met'} on "
            f"{CORES} cores, {'met' if seconds < limit else 'not met'} on one).")


if __name__ == "__main__":
    main()
