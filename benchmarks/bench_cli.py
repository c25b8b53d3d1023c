"""Command-line benchmark: `planner solve` against a plain PuLP + HiGHS script, whole process.

Run from the repository root:

    .venv/bin/python benchmarks/bench_cli.py [--sizes 300,1000,2000,5000] [--runs 7]
        [--scale 20000x200 | --no-scale] [--scale-only]

- `planner solve PLAN --json` (the venv's console script) against
  `python benchmarks/plain_pulp_highs.py PLAN` (docs/model.md written plainly in PuLP, solved by
  HiGHS, with the tie rule as a second solve), on generated plans, each timed as a whole
  process (start-up, imports, reading, building, both solves, output), the two commands
  alternating; both must give the same impact;
- `planner --help` against `python -c "import pulp"`, the same way;
- a large generated plan (20,000 initiatives and 200 moments) solved to a proven optimum by
  `planner solve`: time and peak memory of the process.

Each process's time is taken with time.perf_counter around its start and end, and its peak
memory from os.wait4 (ru_maxrss). It rewrites the sections of docs/benchmarks.md between the
cli and scale markers and leaves the rest of that file alone. Not part of the test run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import write_section  # noqa: E402
from optimizer.samples import generate_document  # noqa: E402

MOMENTS = {300: 30, 1000: 60, 2000: 70, 5000: 80}
PYTHON = sys.executable
PLANNER = str(Path(PYTHON).parent / "planner")
PLAIN = str(ROOT / "benchmarks" / "plain_pulp_highs.py")
SAME = 1e-6  # relative: the two answers' impacts must agree this closely
SCALE_LIMIT = 600.0  # seconds: the time limit of the large solve
TIGHT_SHARE = 0.05  # the tight scenario: a budget of this share of the total cost


@dataclass
class Run:
    seconds: float
    cpu: float  # user + system seconds
    peak_mb: float
    code: int
    out: str
    err: str


# The children's environment: Python's own default, bytecode cached (in a folder of the
# benchmark's, not beside the sources), as on an ordinary installation; main() may change it.
CHILD_ENV = {key: value for key, value in os.environ.items()
             if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}


def run(command: list[str]) -> Run:
    """One whole process: wall time from start to end, and its peak resident memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        pid = os.posix_spawn(command[0], command, CHILD_ENV,
                             file_actions=[(os.POSIX_SPAWN_DUP2, out.fileno(), 1),
                                           (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - began
        out.seek(0)
        err.seek(0)
        return Run(seconds=seconds, cpu=usage.ru_utime + usage.ru_stime,
                   peak_mb=usage.ru_maxrss / 1024,
                   code=os.waitstatus_to_exitcode(status),
                   out=out.read().decode("utf-8", "replace"),
                   err=err.read().decode("utf-8", "replace"))


@dataclass
class Pair:
    """Two commands timed alternately: A, B, A, B, ..."""

    a: list[Run]
    b: list[Run]

    @property
    def a_median(self) -> float:
        return statistics.median(r.seconds for r in self.a)

    @property
    def b_median(self) -> float:
        return statistics.median(r.seconds for r in self.b)

    @property
    def ratio(self) -> float:
        """The median of the ratios of runs made side by side."""
        return statistics.median(a.seconds / b.seconds for a, b in zip(self.a, self.b,
                                                                          strict=True))

    @property
    def cpu_ratio(self) -> float:
        """The same, of processor time (user + system): less moved by a busy machine."""
        return statistics.median(a.cpu / b.cpu for a, b in zip(self.a, self.b, strict=True))

    def peaks(self) -> tuple[float, float]:
        return max(r.peak_mb for r in self.a), max(r.peak_mb for r in self.b)


def alternate(a: list[str], b: list[str], runs: int) -> Pair:
    """`runs` pairs after one untimed pair (which warms the file cache for both)."""
    run(a)
    run(b)
    pair = Pair([], [])
    for _ in range(runs):
        for command, into in ((a, pair.a), (b, pair.b)):
            done = run(command)
            if done.code != 0:
                raise SystemExit(f"{' '.join(command)} exited {done.code}: {done.err[-2000:]}")
            into.append(done)
    return pair


# What `planner --help` loads of the solver libraries (on stderr, after the help text).
HELP_PROBE = """
import sys
from planner.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
print(" ".join(m for m in ("numpy", "highspy", "pulp") if m in sys.modules), file=sys.stderr)
"""


def help_loads() -> str:
    loaded = run([PYTHON, "-c", HELP_PROBE]).err.split()
    return ", ".join(f"`{m}`" for m in loaded) if loaded else "none of numpy, highspy, pulp"


def same_answer(pair: Pair) -> tuple[bool, bool]:
    """Whether every run of both gave the same impact, and the same cost."""
    planner = [json.loads(r.out) for r in pair.a]
    plain = [json.loads(r.out) for r in pair.b]
    impacts = [d["impact"] for d in planner + plain]
    costs = [d["cost"] for d in planner + plain]
    reference = impacts[0]
    same_impact = all(abs(i - reference) <= SAME * max(1.0, abs(reference)) for i in impacts)
    same_cost = all(abs(c - costs[0]) <= SAME * max(1.0, abs(costs[0])) for c in costs)
    statuses = {d["status"] for d in planner + plain}
    return same_impact and statuses == {"optimal"}, same_cost


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def bytecode() -> str:
    if CHILD_ENV.get("PYTHONDONTWRITEBYTECODE"):
        return ("Every command ran with `PYTHONDONTWRITEBYTECODE=1`: modules that were not "
                "compiled when installed (the app's own) are compiled on every run.")
    return ("Bytecode is cached as Python does by default (here in a temporary folder, "
            "`PYTHONPYCACHEPREFIX`), so that the untimed first pair compiles what the timed "
            "runs then load, as on an ordinary installation; "
            "`--no-bytecode-cache` measures the other way.")


def machine() -> str:
    return (f"{datetime.date.today():%Y-%m-%d}, {os.cpu_count()} cores ({platform.machine()}, "
            f"{platform.system()}), Python {platform.python_version()}, PuLP {version('pulp')}, "
            f"highspy {version('highspy')}")


def solve_section(folder: Path, sizes: list[int], runs: int) -> str:
    rows, worst = [], 0.0
    for size in sizes:
        moments = MOMENTS.get(size, 80)
        path = folder / f"plan-{size}.json"
        path.write_text(json.dumps(generate_document(size, moments, seed=1)), encoding="utf-8")
        pair = alternate([PLANNER, "solve", str(path), "--json"], [PYTHON, PLAIN, str(path)],
                         runs)
        impact_ok, cost_ok = same_answer(pair)
        planner_mb, plain_mb = pair.peaks()
        worst = max(worst, pair.ratio)
        rows.append([f"{size:,} / {moments}", f"{pair.a_median:.3f}", f"{pair.b_median:.3f}",
                     f"**{pair.ratio:.2f}**", f"{pair.cpu_ratio:.2f}",
                     "yes" if impact_ok else "NO",
                     "yes" if cost_ok else "no", f"{planner_mb:.0f} / {plain_mb:.0f}"])
        print(f"  solve {size:>6}: planner {pair.a_median:.3f} s, plain {pair.b_median:.3f} s, "
              f"ratio {pair.ratio:.2f} (processor time {pair.cpu_ratio:.2f})", flush=True)
    help_pair = alternate([PLANNER, "--help"], [PYTHON, "-c", "import pulp"], runs * 2)
    print(f"  --help: {help_pair.a_median:.3f} s against import pulp {help_pair.b_median:.3f} s, "
          f"ratio {help_pair.ratio:.2f} (processor time {help_pair.cpu_ratio:.2f})", flush=True)
    return "\n".join([
        "## The command line against a plain PuLP + HiGHS script",
        "",
        f"Measured on {machine()}. Rerun (rewrites this section only):",
        "",
        "```",
        f".venv/bin/python benchmarks/bench_cli.py --sizes {','.join(map(str, sizes))} "
        f"--runs {runs} --no-scale"
        + (" --no-bytecode-cache" if CHILD_ENV.get("PYTHONDONTWRITEBYTECODE") else ""),
        "```",
        "",
        "Whole processes, start to end: `planner solve PLAN --json` against "
        "`python benchmarks/plain_pulp_highs.py PLAN`, docs/model.md written plainly in PuLP "
        "(`lpSum`, the plan read with `json` only, no checks), solved by `pulp.HiGHS(msg=False, "
        "gapRel=0)`, then the tie rule as a second solve (least cost with the impact held at "
        "the optimum less 1e-9 of it). Plans from `optimizer.samples.generate_document("
        "initiatives, moments, seed=1)`. The two commands run alternately after one untimed "
        f"pair, {runs} times each; the table gives the median of each and the median of the "
        "ratios of the runs made side by side (the machine is shared: the ratios are what "
        "count). *Same impact*: every run of both proved an optimum of the same impact "
        f"(relative {SAME:g}). *Processor time*: the median ratio of user + system seconds "
        "(os.wait4), which a busy machine moves less than the wall clock. "
        "Target: planner / plain at most 1.0 on every size. "
        + bytecode(),
        "",
        table(["initiatives / moments", "planner solve s", "plain script s",
               "planner / plain", "processor time planner / plain", "same impact", "same cost",
               "peak MB planner / plain"], rows),
        "",
        f"Largest ratio: **{worst:.2f}** (target at most 1.0: "
        f"{'met' if worst <= 1.0 else 'NOT met'}).",
        "",
        f"`planner --help` against `python -c \"import pulp\"`, alternately, {runs * 2} times "
        f"each: **{help_pair.a_median:.3f} s** against **{help_pair.b_median:.3f} s**, ratio "
        f"**{help_pair.ratio:.2f}** (median of the side-by-side ratios; of processor time "
        f"{help_pair.cpu_ratio:.2f}). Of the solver libraries, `planner --help` loads "
        f"{help_loads()}; importing PuLP loads numpy and highspy too.",
    ])


def scale_section(folder: Path, initiatives: int, moments: int) -> str:
    began = time.perf_counter()
    document = generate_document(initiatives, moments, seed=1)
    generated = time.perf_counter() - began
    total = sum(sum(i["cost"].values()) if isinstance(i["cost"], dict) else i["cost"]
                for i in document["initiatives"])
    rows, all_proven, size = [], True, 0.0
    for scenario, budget in (("plan", document["budget"]),
                             ("tight", round(TIGHT_SHARE * total, -4))):
        path = folder / f"plan-{initiatives}-{scenario}.json"
        path.write_text(json.dumps({**document, "budget": budget}), encoding="utf-8")
        size = path.stat().st_size / 1e6
        done = run([PLANNER, "solve", str(path), "--json", "--time-limit", str(SCALE_LIMIT)])
        if done.code not in (0, 1):
            raise SystemExit(f"planner solve exited {done.code}: {done.err[-2000:]}")
        result = json.loads(done.out)
        solver = result["solver"]
        all_proven &= result["status"] == "optimal" and solver.get("tie_break") == "proven"
        print(f"  scale {initiatives}x{moments} {scenario}: {done.seconds:.1f} s, "
              f"{done.peak_mb:.0f} MB, {result['status']}", flush=True)
        rows.append([f"{initiatives:,} / {moments} / {scenario}", f"{budget:,.0f}",
                     result["status"], f"{result['gap']:g}", str(solver.get("tie_break")),
                     f"{done.seconds:.1f}", f"{solver['seconds']:.1f}",
                     f"{solver.get('build_seconds', 0.0):.2f}", f"{done.peak_mb:.0f}",
                     f"{len(result['funded']):,}", f"{result['impact']:,.2f}"])
    return "\n".join([
        "## A large plan",
        "",
        f"Measured on {machine()}. Rerun (rewrites this section only):",
        "",
        "```",
        f".venv/bin/python benchmarks/bench_cli.py --scale {initiatives}x{moments} --scale-only",
        "```",
        "",
        f"`planner solve PLAN --json --time-limit {SCALE_LIMIT:g}`, one whole process, on "
        f"`generate_document({initiatives}, {moments}, seed=1)` ({size:.1f} MB of JSON, "
        f"generated in {generated:.1f} s): `plan` with its own budget (30% of the total "
        f"cost), `tight` with the budget cut to {100 * TIGHT_SHARE:.0f}% of the total cost, "
        "so that money, not headroom, limits the portfolio. *Solver* is both phases (best "
        "impact, then the cheapest portfolio of that impact); *build* is indexing the plan "
        "and making the model's arrays; peak memory is the process's maximum resident set "
        "(os.wait4).",
        "",
        table(["initiatives / moments / scenario", "budget", "status", "gap", "tie-break",
               "process s", "of which solver s", "build s", "peak memory MB", "funded",
               "impact"], rows),
        "",
        "Proven optimum (both phases, gap 0) on every plan: "
        + ("yes." if all_proven else "NO."),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="300,1000,2000,5000",
                        help="initiative counts, comma-separated")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command")
    parser.add_argument("--scale", default="20000x200", help="INITIATIVESxMOMENTS")
    parser.add_argument("--no-scale", action="store_true", help="skip the large plan")
    parser.add_argument("--scale-only", action="store_true", help="only the large plan")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="run the commands with PYTHONDONTWRITEBYTECODE=1: every module "
                             "not compiled at installation is compiled on every run")
    parser.add_argument("--no-write", action="store_true",
                        help="print the sections instead of writing docs/benchmarks.md")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="mot-bench-") as name:
        folder = Path(name)
        if args.no_bytecode_cache:
            CHILD_ENV["PYTHONDONTWRITEBYTECODE"] = "1"
        else:
            CHILD_ENV["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
        if not args.scale_only:
            section = solve_section(folder, sizes, args.runs)
            print(section)
            if not args.no_write:
                write_section("cli", section)
        if not args.no_scale:
            initiatives, moments = (int(n) for n in args.scale.lower().split("x"))
            section = scale_section(folder, initiatives, moments)
            print(section)
            if not args.no_write:
                write_section("scale", section)


if __name__ == "__main__":
    main()
