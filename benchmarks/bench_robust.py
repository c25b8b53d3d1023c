"""Benchmark: `robust` on 200 initiatives x 1,000 samples against a plain PuLP loop.

`robust(plan, samples=..., workers=2)` solves every sample exactly on one HiGHS model per
process, changed in place, both phases (best impact, then the cheapest of it), and sums
up. The baseline is what a modeller would write first: for each sample, the plan with the
sample's values written as a PuLP model with `lpSum` (as benchmarks/plain_pulp_highs.py
does) and solved by PuLP's HiGHS interface to a proven optimum, one phase only (no
tie-break), in one process, with PuLP's HiGHS interface and with CBC (PuLP's default
solver). Each baseline is timed on the first samples (`--baseline`, `--baseline-cbc`) and
scaled to all of them; on those, its impact is checked equal to robust's. Prints a
Markdown section; `--write-doc` puts it into docs/benchmarks.md. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pulp  # noqa: E402

from benchmarks.plain_pulp_highs import effective_uplifts, period_cost, total_cost  # noqa: E402
from benchmarks.report import write_section  # noqa: E402
from optimizer import plan_to_dict  # noqa: E402
from optimizer.samples import generate_plan  # noqa: E402
from optimizer.uncertainty import draw_samples, robust, sample_plan  # noqa: E402
from optimizer.uncertainty.run import solve_all  # noqa: E402


def baseline_solver(name: str):
    """PuLP's HiGHS interface, or CBC (PuLP's default solver, run as a program)."""
    if name == "highs":
        return pulp.HiGHS(msg=False, gapRel=0)
    from optimizer import solvers

    return pulp.COIN_CMD(path=solvers.CBC_PATH, msg=False, gapRel=0)


def plain_impact(plan: dict, solver_name: str = "highs") -> float | None:
    """The best impact of a plan document, by a PuLP model built afresh (one phase)."""
    moments, initiatives = plan["moments"], plan["initiatives"]
    uplifts = effective_uplifts(plan)
    problem = pulp.LpProblem("portfolio", pulp.LpMaximize)
    x = {i["id"]: problem.add_variable(f"x{k}", 0, 1, cat=pulp.LpBinary)
         for k, i in enumerate(initiatives)}
    y = {m["id"]: problem.add_variable(f"y{k}", 0, 1, cat=pulp.LpBinary)
         for k, m in enumerate(moments)}
    v = {m["id"]: problem.add_variable(f"v{k}", 0, None) for k, m in enumerate(moments)}
    impact = pulp.lpSum(m.get("weight", 1.0) * v[m["id"]] for m in moments)
    problem += impact
    movers: dict[str, list[str]] = {m["id"]: [] for m in moments}
    for initiative_id, effective in uplifts.items():
        for moment_id in effective:
            movers[moment_id].append(initiative_id)
    for m in moments:
        moment, headroom = m["id"], m.get("headroom")
        if headroom is None:
            headroom = sum(uplifts[i][moment] for i in movers[moment])
        problem += v[moment] <= pulp.lpSum(uplifts[i][moment] * x[i] for i in movers[moment])
        problem += v[moment] <= headroom * y[moment]
        problem += y[moment] <= pulp.lpSum(x[i] for i in movers[moment])
    problem += pulp.lpSum(y.values()) <= plan.get("max_focus", 3)
    for initiative in initiatives:
        i, decision = initiative["id"], initiative.get("decision", "auto")
        if decision == "fund":
            problem += x[i] == 1
        elif decision == "reject":
            problem += x[i] == 0
        else:
            problem += x[i] <= pulp.lpSum(y[m] for m in uplifts[i])
        for other in initiative.get("requires", []):
            problem += x[i] <= x[other]
        for other in initiative.get("excludes", []):
            problem += x[i] + x[other] <= 1
    if plan.get("budget") is not None:
        problem += pulp.lpSum(total_cost(i) * x[i["id"]] for i in initiatives) <= plan["budget"]
    periods = plan.get("periods", [])
    for period in periods:
        if period.get("budget") is not None:
            problem += pulp.lpSum(period_cost(i, period["id"], periods[0]["id"]) * x[i["id"]]
                                  for i in initiatives) <= period["budget"]
    for resource in plan.get("resources", []):
        problem += pulp.lpSum(i.get("uses", {}).get(resource["id"], 0.0) * x[i["id"]]
                              for i in initiatives) <= resource["capacity"]
    problem.solve(baseline_solver(solver_name))
    if problem.sol_status != pulp.LpSolutionOptimal:
        return None
    return pulp.value(impact)


def cpu_seconds() -> float:
    """CPU time of this process and of its children that ended (worker processes, CBC)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=200)
    parser.add_argument("--moments", type=int, default=60)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", type=int, default=100,
                        help="samples the baseline is timed on (scaled to all)")
    parser.add_argument("--baseline-cbc", type=int, default=50,
                        help="samples the CBC baseline is timed on (scaled to all)")
    parser.add_argument("--write-doc", action="store_true")
    args = parser.parse_args()

    plan = generate_plan(args.initiatives, args.moments, seed=1, ranges=True)
    samples = draw_samples(plan, args.samples, seed=0)

    began, cpu = time.perf_counter(), cpu_seconds()
    document = robust(plan, samples=samples, workers=args.workers)
    ours, ours_cpu = time.perf_counter() - began, cpu_seconds() - cpu
    print(f"robust, {args.workers} workers: {ours:.2f} s, CPU {ours_cpu:.2f} s "
          f"({document['solved']} solved, {document['infeasible']} infeasible)", flush=True)
    began = time.perf_counter()
    one, _ = solve_all(plan, samples[:args.baseline], workers=1)
    ours_one = (time.perf_counter() - began) * len(samples) / args.baseline
    print(f"solve_samples, 1 process, first {args.baseline}: scaled {ours_one:.2f} s",
          flush=True)

    baselines, baselines_cpu = {}, {}
    for name, count in (("highs", args.baseline), ("cbc", args.baseline_cbc)):
        began, cpu = time.perf_counter(), cpu_seconds()
        base = [plain_impact(plan_to_dict(sample_plan(plan, s)), name)
                for s in samples[:count]]
        baselines[name] = (time.perf_counter() - began) * len(samples) / count
        baselines_cpu[name] = (cpu_seconds() - cpu) * len(samples) / count
        for k, (impact, outcome) in enumerate(zip(base, one, strict=False)):
            assert (impact is None) == (outcome["impact"] is None), k
            assert impact is None or abs(impact - outcome["impact"]) <= 1e-6 * max(
                1, impact), k
        print(f"plain PuLP loop on {name}, first {count} samples scaled to {len(samples)}: "
              f"{baselines[name]:.2f} s, CPU {baselines_cpu[name]:.2f} s; ratio "
              f"{ours / baselines[name]:.3f} (CPU {ours_cpu / baselines_cpu[name]:.3f})",
              flush=True)

    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    section = "\n".join([
        "## Robust: every sample solved exactly",
        "",
        f"`robust(plan, samples=..., workers={args.workers})` on `generate_plan("
        f"{args.initiatives}, {args.moments}, seed=1, ranges=True)` with "
        f"{len(samples):,} samples (`draw_samples(plan, {len(samples)}, seed=0)`): both "
        "phases per sample on one HiGHS model per process changed in place, the summary "
        "and the plan's own optimum included. The baseline builds one PuLP model per "
        "sample with `lpSum` and solves it to a proven optimum (one phase, no tie-break) "
        "in one process, with PuLP's HiGHS interface (timed on the first "
        f"{args.baseline} samples) or with CBC, PuLP's default (first "
        f"{args.baseline_cbc}), each scaled to all samples; its impacts equal robust's on "
        f"those. Machine: {machine}. Rerun: "
        "`.venv/bin/python benchmarks/bench_robust.py`.",
        "",
        "Wall-clock seconds, and CPU seconds (all processes) in brackets: on a shared "
        "machine the CPU figures are the steadier.",
        "",
        "| samples | workers | robust s | robust, 1 process (scaled) s | PuLP + HiGHS "
        "loop (scaled) s | ratio | PuLP + CBC loop (scaled) s | ratio |",
        "|---|---|---|---|---|---|---|---|",
        f"| {len(samples):,} | {args.workers} | {ours:.1f} ({ours_cpu:.1f}) | {ours_one:.1f} | "
        f"{baselines['highs']:.1f} ({baselines_cpu['highs']:.1f}) | "
        f"{ours / baselines['highs']:.3f} ({ours_cpu / baselines_cpu['highs']:.3f}) | "
        f"{baselines['cbc']:.1f} ({baselines_cpu['cbc']:.1f}) | "
        f"{ours / baselines['cbc']:.3f} ({ours_cpu / baselines_cpu['cbc']:.3f}) |"])
    print(section)
    if args.write_doc:
        write_section("robust", section)


if __name__ == "__main__":
    main()
