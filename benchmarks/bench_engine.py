"""Engine benchmark: build vs solve time, CBC vs HiGHS, greedy vs optimal, engine vs plain PuLP.

Run from the repository root:

    .venv/bin/python benchmarks/bench_engine.py [--sizes 100,1000,5000] [--repeat 3]

It rewrites the section of docs/benchmarks.md between the engine markers and leaves the
rest of that file alone. Every comparison is made within one run, on the same plans.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import math
import os
import platform
import pstats
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import pulp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_section  # noqa: E402
from optimizer import (  # noqa: E402
    Options,
    Plan,
    checks,
    engine,
    model,
    solve,
    solvers,
    with_overrides,
)
from optimizer.samples import generate_plan  # noqa: E402

MOMENTS = {100: 20, 1000: 60, 5000: 80}
TIGHT_SHARE = 0.05  # the "tight" scenario: total budget 5% of the total cost
SAME = 1e-6  # relative tolerance when two solvers' optimal impacts are compared
# Functions whose cumulative time the profile reports, in the order solve() calls them;
# those marked ↳ run inside the one above.
PROFILED = (
    ("engine.validate (skipped for plans already checked)", engine.validate),
    ("model.index_plan", model.index_plan),
    ("model.build_matrix", model.build_matrix),
    ("solvers.open_session: model handed to the solver", solvers.open_session),
    ("HighsSession.solve, both phases (the search)", solvers.HighsSession.solve),
    ("engine._cheapest_of_equal_impact (phase 2)", engine._cheapest_of_equal_impact),
    ("checks.violations", checks.violations),
    ("engine._extract: say-no reasons, usage", engine._extract),
)


@dataclass
class Case:
    size: int
    moments: int
    scenario: str
    plan: Plan
    rows: dict[str, list[dict]] = field(default_factory=dict)


@dataclass
class Profile:
    case: Case
    rows: list[tuple[str, float]]


# --- the independent parts: effective uplift, impact, greedy, plain PuLP baseline ---


def effective_uplifts(plan: Plan) -> dict[str, dict[str, float]]:
    """e_im of docs/model.md, computed again from the plan, with positive entries only."""
    feeds = defaultdict(list)
    for influence in plan.influences:
        feeds[influence.source].append((influence.target, influence.factor))
    uplifts = {}
    for initiative in plan.initiatives:
        effective: dict[str, float] = defaultdict(float)
        for moment_id, amount in initiative.effects:
            effective[moment_id] += initiative.confidence * amount
            for target, factor in feeds[moment_id]:
                effective[target] += initiative.confidence * factor * amount
        uplifts[initiative.id] = {m: e for m, e in effective.items() if e > 0}
    return uplifts


def impact_of(plan: Plan, uplifts: dict[str, dict[str, float]], funded: set[str],
              focus: set[str]) -> float:
    """sum over focus moments of weight * min(uplift of the funded work, headroom)."""
    total = defaultdict(float)
    for initiative_id in funded:
        for moment_id, e in uplifts[initiative_id].items():
            total[moment_id] += e
    return math.fsum(m.weight * min(total[m.id], m.headroom or math.inf)
                     for m in plan.moments if m.id in focus)


def greedy(plan: Plan, uplifts: dict[str, dict[str, float]]) -> tuple[set[str], set[str]]:
    """The ranking a planner would do by hand, within every rule of docs/model.md.

    Focus: the max_focus moments with the largest weight * potential (headroom, or all
    the uplift on offer). Then forced-in work, then auto work by weighted effective uplift
    on the focus moments per unit of cost, each with what it requires, while it adds
    impact, fits the budget, the period budgets and the capacities, and breaks no link.
    """
    by_id = {i.id: i for i in plan.initiatives}
    potential = defaultdict(float)
    for initiative in plan.initiatives:
        if initiative.decision != "reject":
            for moment_id, e in uplifts[initiative.id].items():
                potential[moment_id] += e
    value = {m.id: m.weight * min(potential[m.id], m.headroom or math.inf) for m in plan.moments}
    focus = set(sorted(value, key=lambda m: (-value[m], m))[:plan.max_focus])
    clashes = defaultdict(set)
    for initiative in plan.initiatives:
        for other in initiative.excludes:
            clashes[initiative.id].add(other)
            clashes[other].add(initiative.id)
    limits = [(None, plan.budget)] + [(p.id, p.budget) for p in plan.periods]

    def needs(initiative) -> list[tuple[str, float, float | None]]:
        rows = [("budget", initiative.total_cost, plan.budget)]
        rows += [(f"period {p}", initiative.cost_in(p), b) for p, b in limits[1:]]
        uses = dict(initiative.uses)
        rows += [(f"resource {r.id}", uses.get(r.id, 0.0), r.capacity) for r in plan.resources]
        return rows

    used: dict[str, float] = defaultdict(float)
    funded: set[str] = set()

    def bundle_of(initiative_id: str) -> list[str] | None:
        """The initiative with every unfunded requirement, or None if that is not allowed."""
        bundle, queue = [], [initiative_id]
        while queue:
            current = queue.pop()
            if current in funded or current in bundle:
                continue
            initiative = by_id[current]
            if initiative.decision == "reject" or (
                    initiative.decision == "auto" and not focus & set(uplifts[current])):
                return None
            bundle.append(current)
            queue.extend(initiative.requires)
        if any(clashes[i] & (funded | set(bundle)) for i in bundle):
            return None
        return bundle

    def fits(bundle: list[str]) -> bool:
        extra: dict[str, float] = defaultdict(float)
        for initiative_id in bundle:
            for key, amount, _ in needs(by_id[initiative_id]):
                extra[key] += amount
        return all(limit is None or used[key] + extra[key] <= limit * (1 + 1e-12)
                   for key, _, limit in needs(by_id[bundle[0]]))

    def fund(bundle: list[str]) -> None:
        for initiative_id in bundle:
            funded.add(initiative_id)
            for key, amount, _ in needs(by_id[initiative_id]):
                used[key] += amount

    forced = [i.id for i in plan.initiatives if i.decision == "fund"]
    for initiative_id in forced:  # forced work and its requirements, whatever it moves
        closure, queue = [], [initiative_id]
        while queue:
            current = queue.pop()
            if current not in funded and current not in closure:
                closure.append(current)
                queue.extend(by_id[current].requires)
        fund(closure)

    weight = {m.id: m.weight for m in plan.moments}

    def rate(initiative) -> float:
        gain = math.fsum(weight[m] * e for m, e in uplifts[initiative.id].items() if m in focus)
        return gain / initiative.total_cost if initiative.total_cost > 0 else math.inf

    ranked = sorted((i for i in plan.initiatives
                     if i.decision == "auto" and focus & set(uplifts[i.id])),
                    key=lambda i: (-rate(i), i.id))
    for initiative in ranked:
        bundle = bundle_of(initiative.id)
        if not bundle:
            continue
        before = impact_of(plan, uplifts, funded, focus)
        if impact_of(plan, uplifts, funded | set(bundle), focus) <= before or not fits(bundle):
            continue
        fund(bundle)
    moved = {m for i in funded for m in uplifts[i]}
    return funded, focus & moved


def baseline(plan: Plan, time_limit: float) -> dict:
    """docs/model.md written plainly in PuLP, solved by CBC to a zero gap: the yardstick."""
    began = time.perf_counter()
    uplifts = effective_uplifts(plan)
    problem = pulp.LpProblem("baseline", pulp.LpMaximize)
    x = {i.id: pulp.LpVariable(f"x{k}", cat=pulp.LpBinary)
         for k, i in enumerate(plan.initiatives)}
    y = {m.id: pulp.LpVariable(f"y{k}", cat=pulp.LpBinary) for k, m in enumerate(plan.moments)}
    v = {m.id: pulp.LpVariable(f"v{k}", lowBound=0) for k, m in enumerate(plan.moments)}
    problem += pulp.lpSum(m.weight * v[m.id] for m in plan.moments)
    movers = defaultdict(list)
    for initiative_id, effective in uplifts.items():
        for moment_id in effective:
            movers[moment_id].append(initiative_id)
    for m in plan.moments:
        moved_by = movers[m.id]
        headroom = m.headroom if m.headroom is not None else sum(
            uplifts[i][m.id] for i in moved_by)
        problem += v[m.id] <= pulp.lpSum(uplifts[i][m.id] * x[i] for i in moved_by)
        problem += v[m.id] <= headroom * y[m.id]
        problem += y[m.id] <= pulp.lpSum(x[i] for i in moved_by)
    problem += pulp.lpSum(y.values()) <= plan.max_focus
    for initiative in plan.initiatives:
        i = initiative.id
        if initiative.decision == "fund":
            problem += x[i] == 1
        elif initiative.decision == "reject":
            problem += x[i] == 0
        else:
            problem += x[i] <= pulp.lpSum(y[m] for m in uplifts[i])
        for other in initiative.requires:
            problem += x[i] <= x[other]
        for other in initiative.excludes:
            problem += x[i] + x[other] <= 1
    if plan.budget is not None:
        problem += pulp.lpSum(i.total_cost * x[i.id] for i in plan.initiatives) <= plan.budget
    for period in plan.periods:
        if period.budget is not None:
            problem += pulp.lpSum(i.cost_in(period.id) * x[i.id]
                                  for i in plan.initiatives) <= period.budget
    for resource in plan.resources:
        problem += pulp.lpSum(dict(i.uses).get(resource.id, 0.0) * x[i.id]
                              for i in plan.initiatives) <= resource.capacity
    built = time.perf_counter()
    problem.solve(pulp.PULP_CBC_CMD(msg=False, gapRel=0, timeLimit=time_limit))
    solved = time.perf_counter()
    best = pulp.value(problem.objective)
    proven = problem.sol_status == pulp.LpSolutionOptimal
    # The tie rule (docs/model.md, "Ties"), plainly: the cheapest portfolio of the same impact.
    impact = problem.objective
    problem.sense = pulp.LpMinimize
    problem.setObjective(pulp.lpSum(i.total_cost * x[i.id] for i in plan.initiatives))
    problem += impact >= best - 1e-9 * max(1.0, abs(best))
    problem.solve(pulp.PULP_CBC_CMD(msg=False, gapRel=0, timeLimit=time_limit))
    tied = time.perf_counter()
    funded = {i for i, var in x.items() if (var.varValue or 0) > 0.5}
    focus = {m for m, var in y.items() if (var.varValue or 0) > 0.5}
    return {"build": built - began, "solve1": solved - built, "solve2": tied - solved,
            "proven": proven and problem.sol_status == pulp.LpSolutionOptimal,
            "impact": impact_of(plan, uplifts, funded, focus),
            "cost": sum(i.total_cost for i in plan.initiatives if i.id in funded)}


# --- measuring ---


def engine_run(plan: Plan, options: Options) -> dict:
    began = time.perf_counter()
    result = solve(plan, options)
    wall = time.perf_counter() - began
    return {"wall": wall, "build": result.solver.build_seconds, "solver": result.solver.seconds,
            "status": result.status, "impact": result.impact, "cost": result.cost,
            "tie_break": result.solver.tie_break}


def median_run(repeat: int, cheap_below: float, run) -> list[dict]:
    """Run up to `repeat` times; once is enough when a run is slower than `cheap_below`."""
    runs = [run()]
    while len(runs) < repeat and runs[0].get("wall", 0.0) < cheap_below:
        runs.append(run())
    return runs


def med(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def measure(case: Case, repeat: int, time_limit: float) -> None:
    plan = case.plan
    cheap = 60.0  # repeat only measurements that take less than this
    runs = {}
    for name, options in (("highs", Options(solver="highs", time_limit=time_limit)),
                          ("cbc", Options(solver="cbc", time_limit=time_limit)),
                          ("phase1", Options(solver=solvers.DEFAULT_SOLVER, time_limit=time_limit,
                                             tie_break=False))):
        runs[name] = median_run(repeat, cheap, lambda o=options: engine_run(plan, o))
        print(f"  {case.size:>5} {case.scenario:<6} engine {name:<6} "
              f"{med(runs[name], 'wall'):8.2f} s  {runs[name][0]['status']}", flush=True)

    def run_baseline() -> dict:
        row = baseline(plan, time_limit)
        row["wall1"] = row["build"] + row["solve1"]
        row["wall"] = row["wall1"] + row["solve2"]
        return row

    runs["baseline"] = median_run(repeat, cheap, run_baseline)
    print(f"  {case.size:>5} {case.scenario:<6} baseline      "
          f"{med(runs['baseline'], 'wall'):8.2f} s", flush=True)

    uplifts = effective_uplifts(plan)
    greedy_seconds = []
    for _ in range(repeat):
        began = time.perf_counter()
        funded, focus = greedy(plan, uplifts)
        greedy_seconds.append(time.perf_counter() - began)
    data = model.index_plan(plan)
    problems = checks.violations(data, {data.initiative_index[i] for i in funded},
                          {data.moment_index[m] for m in focus})
    if problems:
        raise RuntimeError("the greedy portfolio breaks the plan: " + "; ".join(problems))
    case.rows = dict(runs)
    case.rows["greedy"] = [{"wall": statistics.median(greedy_seconds),
                            "impact": impact_of(plan, uplifts, funded, focus),
                            "cost": math.fsum(plan.initiative(i).total_cost for i in funded)}]


def profile_solve(case: Case, time_limit: float) -> Profile:
    """Cumulative seconds of the main steps of one default solve, from cProfile."""
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.runcall(solve, case.plan, Options(time_limit=time_limit))
    total = time.perf_counter() - began
    stats = pstats.Stats(profiler).stats
    rows = [("solve() under the profiler", total)]
    for label, function in PROFILED:
        code = function.__code__
        key = (code.co_filename, code.co_firstlineno, code.co_name)
        rows.append((label, stats[key][3] if key in stats else 0.0))
    return Profile(case=case, rows=rows)


# --- the report ---


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def status_note(runs: list[dict]) -> str:
    statuses = {r["status"] for r in runs}
    return "optimal" if statuses == {"optimal"} else "/".join(sorted(statuses)) + " (time limit)"


def same(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return "no answer"
    return "yes" if abs(a - b) <= SAME * max(1.0, abs(a)) else f"NO ({a:.6g} vs {b:.6g})"


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}" if max(values) - min(values) < 0.005 else (
        f"{min(values):.2f} to {max(values):.2f}")


def proven(case: Case) -> bool:
    engine_runs = [r for name in ("highs", "cbc", "phase1") for r in case.rows[name]]
    return (all(r["status"] == "optimal" for r in engine_runs)
            and all(r["proven"] for r in case.rows["baseline"]))


def summary(cases: list[Case]) -> list[str]:
    """The headline ratios against their targets, one bullet each."""
    largest = max(c.size for c in cases)
    shares = {c.scenario: med(c.rows["highs"], "build") / med(c.rows["highs"], "wall")
              for c in cases if c.size == largest}
    engine_vs = [med(c.rows["highs"], "wall") / med(c.rows["baseline"], "wall") for c in cases]
    phase1_vs = [med(c.rows["phase1"], "wall") / med(c.rows["baseline"], "wall1")
                 for c in cases]
    greedy_vs = [c.rows["greedy"][0]["impact"] / c.rows["highs"][0]["impact"] for c in cases]
    binding = [f"{c.size:,} / {c.scenario}" for c in cases
               if c.plan.budget and c.rows["highs"][0]["cost"] >= 0.99 * c.plan.budget]
    return [
        f"- Build share of `solve()` at {largest:,} initiatives: "
        + ", ".join(f"{100 * x:.1f}% ({scenario})" for scenario, x in shares.items())
        + f" (target under 10%: {'met' if max(shares.values()) < 0.1 else 'NOT met'}).",
        "- CBC / HiGHS time: " + spread([med(c.rows["cbc"], "wall") / med(c.rows["highs"], "wall")
                                         for c in cases]) + ".",
        f"- Greedy / optimal impact: {spread(greedy_vs)}.",
        f"- Engine / baseline time: {spread(engine_vs)} (target at most 1: "
        f"{'met' if max(engine_vs) <= 1 else 'NOT met'}); first phase alone: "
        f"{spread(phase1_vs)}.",
        "- Plans whose optimum uses the whole total budget (within 1%): "
        + (", ".join(binding) or "none") + ".",
        "- Every solve reached a proven optimum within the time limit: "
        + ("yes" if all(proven(c) for c in cases) else "NO") + ".",
    ]


def report(cases: list[Case], repeat: int, time_limit: float,
           profile: Profile | None, seconds: float) -> str:
    sizes = ",".join(str(s) for s in sorted({c.size for c in cases}))
    label = [f"{c.size:,} / {c.moments} / {c.scenario}" for c in cases]
    timing, solver_rows, greedy_rows, baseline_rows = [], [], [], []
    for name, case in zip(label, cases, strict=True):
        r = case.rows
        wall, build = med(r["highs"], "wall"), med(r["highs"], "build")
        solver = med(r["highs"], "solver")
        timing.append([name, f"{wall:.2f}", f"{build:.3f}", f"{solver:.2f}",
                       f"{wall - build - solver:.2f}", f"{100 * build / wall:.1f}%",
                       status_note(r["highs"])])
        cbc = med(r["cbc"], "wall")
        solver_rows.append([name, f"{wall:.2f}", f"{cbc:.2f}", ratio(cbc, wall),
                        same(r["highs"][0]["impact"], r["cbc"][0]["impact"]),
                        status_note(r["cbc"])])
        best, found = r["highs"][0]["impact"], r["greedy"][0]["impact"]
        greedy_rows.append([name, f"{best:,.1f}", f"{found:,.1f}", ratio(found, best),
                            f"{r['highs'][0]['cost']:,.0f}", f"{r['greedy'][0]['cost']:,.0f}",
                            f"{case.plan.budget:,.0f}", f"{r['greedy'][0]['wall']:.3f}"])
        base = r["baseline"]
        total = med(base, "wall")
        baseline_rows.append([
            name, f"{wall:.2f}", f"{total:.2f}", ratio(wall, total),
            f"{med(r['phase1'], 'wall'):.2f}", f"{med(base, 'wall1'):.2f}",
            ratio(med(r["phase1"], "wall"), med(base, "wall1")),
            same(best, base[0]["impact"]) + ("" if all(b["proven"] for b in base)
                                             else " (time limit)"),
            "yes" if math.isclose(r["highs"][0]["cost"], base[0]["cost"], rel_tol=1e-9)
            else "no"])
    parts = [
        "## Engine benchmark",
        "",
        f"Measured on {datetime.date.today():%Y-%m-%d}: {os.cpu_count()} cores "
        f"({platform.machine()}, {platform.system()}), Python {platform.python_version()}, "
        f"PuLP {version('pulp')}, highspy {version('highspy')} (HiGHS "
        f"{solvers.solver_version('highs')}), CBC {solvers.solver_version('cbc')}. "
        "The machine is shared, so absolute seconds are noisy; the ratios compare runs made "
        "side by side in one run. "
        f"Each time is the median of {repeat} runs (one run when a run takes over a minute); "
        f"time limit {time_limit:g} s per solve. The whole benchmark took {seconds:.0f} s.",
        "",
        "Rerun (rewrites this section only):",
        "",
        "```",
        f".venv/bin/python benchmarks/bench_engine.py --sizes {sizes} --repeat {repeat}",
        "```",
        "",
        "Plans come from `optimizer.samples.generate_plan(initiatives, moments, seed=1)`. "
        "Rows read *initiatives / moments / scenario*: `plan` is the generated plan (total "
        "budget 30% of the total cost), `tight` is the same plan with the total budget cut to "
        f"{100 * TIGHT_SHARE:.0f}% of the total cost, so that money, not headroom, limits the "
        "portfolio.",
        "",
        "### Summary",
        "",
        *summary(cases),
        "",
        "### Where the time goes",
        "",
        f"`optimizer.solve` with the default options ({solvers.DEFAULT_SOLVER}, tie-break on). "
        "*Build* is `index_plan` + `build_matrix` (the model as arrays); *solver* is both "
        "phases (best impact, then cheapest of equal impact); *other* is the rest of the "
        "call: validation (`plan_from_dict(plan_to_dict(plan))`), handing the model to the "
        "solver, checks and the say-no reasons. "
        "Target: build under 10% of the call at 5,000 initiatives / 80 moments.",
        "",
        table(["plan", "solve() s", "build s", "solver s", "other s", "build share",
               "status"], timing),
        "",
        "### CBC vs HiGHS",
        "",
        "The whole `solve()` call with `Options(solver=...)`, both asked for a proven optimum.",
        "",
        table(["plan", "HiGHS s", "CBC s", "CBC / HiGHS", "same optimal impact", "CBC status"],
              solver_rows),
        "",
        "### Greedy ranking vs optimal",
        "",
        "The greedy focuses on the `max_focus` moments with the largest weight x potential "
        "(headroom, or all the uplift on offer), funds forced-in work, then adds auto work in "
        "order of weighted effective uplift on those moments per unit of cost, with what it "
        "requires, while it adds impact, fits the budget, period budgets and capacities and "
        "breaks no requires/excludes link. Its portfolio is checked against every rule.",
        "",
        table(["plan", "optimal impact", "greedy impact", "greedy / optimal", "optimal cost",
               "greedy cost", "budget", "greedy s"], greedy_rows),
        "",
        "### Engine vs a plain PuLP model",
        "",
        "The baseline is docs/model.md written plainly in PuLP (`lpSum`, the say-no rule, "
        "H_m = h_m or the sum of e_im, no bounds tightening), solved by "
        "`PULP_CBC_CMD(msg=False, gapRel=0)`, with the tie rule of docs/model.md as a second solve "
        "(minimise cost with the impact held at the optimum); its time is build + both solves. "
        "The engine time is the whole `solve()` call with the default options. The last "
        "columns compare the first phase alone: the engine with `tie_break=False` against the "
        "baseline's build and first solve. Target: engine / baseline at most 1.",
        "",
        table(["plan", "engine s", "baseline s", "engine / baseline", "engine phase 1 s",
               "baseline phase 1 s", "phase 1 / phase 1", "same impact", "same cost"],
              baseline_rows),
    ]
    if profile:
        total = profile.rows[0][1]
        parts += [
            "",
            f"### Profile of one solve at {profile.case.size:,} initiatives / "
            f"{profile.case.moments} moments ({profile.case.scenario})",
            "",
            "Cumulative seconds from cProfile (the profiler itself slows Python code down, "
            "not the solver); rows marked ↳ are part of the row above them.",
            "",
            table(["step", "seconds", "share"],
                  [[label, f"{s:.3f}", f"{100 * s / total:.1f}%"]
                   for label, s in profile.rows]),
        ]
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000",
                        help="initiative counts, comma-separated (default 100,1000,5000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per solve")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-profile", action="store_true",
                        help="skip the cProfile breakdown of the largest plan")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    began = time.perf_counter()
    cases = []
    for size in (int(s) for s in args.sizes.split(",")):
        moments = MOMENTS.get(size, 20 if size <= 100 else 60 if size <= 1000 else 80)
        plan = generate_plan(size, moments, seed=args.seed)
        total_cost = math.fsum(i.total_cost for i in plan.initiatives)
        tight = with_overrides(plan, budget=round(TIGHT_SHARE * total_cost, -4))
        cases += [Case(size, moments, "plan", plan), Case(size, moments, "tight", tight)]
    for case in cases:
        measure(case, args.repeat, args.time_limit)
    largest = [c for c in cases if c.scenario == "plan"][-1]
    profile = None if args.no_profile else profile_solve(largest, args.time_limit)
    section = report(cases, args.repeat, args.time_limit, profile, time.perf_counter() - began)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_section("engine", section, args.out)
    print(section)


if __name__ == "__main__":
    main()
