"""Running a PuLP problem on CBC or HiGHS, and reading the outcome honestly.

Both are asked for a proven optimum (relative gap 0). PuLP says "Optimal" after a time
limit too, so the outcome is read from `sol_status`, and the bound from the solver itself.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass

import highspy
import pulp
from pulp.apis.coin_api import pulp_cbc_path

# The CBC binary bundled with PuLP 3.3, called through COIN_CMD: PuLP deprecates the
# PULP_CBC_CMD wrapper for 4.0, which no longer bundles CBC (we pin PuLP below 3.4).
CBC_PATH = pulp.COIN_CMD.executableExtension(pulp_cbc_path)

SOLVERS = ("highs", "cbc")
DEFAULT_SOLVER = "highs"


@dataclass
class Outcome:
    found: bool  # a solution is in the variables
    proven: bool  # ... and it is proven optimal
    infeasible: bool
    bound: float | None  # best bound on the objective, in the problem's own sense
    seconds: float


class _HiGHS(pulp.HiGHS):
    """PuLP's HiGHS interface, with a start solution and the MIP bound kept."""

    def __init__(self, start: dict[str, float] | None = None, **options):
        super().__init__(**options)
        self.start = start
        self.bound: float | None = None

    def actualSolve(self, lp):  # noqa: N802 (PuLP's name)
        self.createAndConfigureSolver(lp)
        self.buildSolverModel(lp)
        highs = lp.solverModel
        if self.start:
            solution = highspy.HighsSolution()
            solution.col_value = [self.start.get(var.name, 0.0) for var in lp.variables()]
            solution.value_valid = True
            highs.setSolution(solution)
        self.callSolver(lp)
        info = highs.getInfo()
        sign = -1.0 if lp.sense == pulp.LpMaximize else 1.0
        if info.mip_node_count >= 0 and abs(info.mip_dual_bound) < highspy.kHighsInf:
            self.bound = sign * info.mip_dual_bound
        status, sol_status = self.findSolutionValues(lp)
        lp.assignStatus(status, sol_status)
        return status


@functools.cache
def solver_version(name: str) -> str:
    if name == "highs":
        return highspy.Highs().version()
    try:
        banner = subprocess.run([CBC_PATH, "-quit"], capture_output=True,
                                text=True, timeout=10, stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    match = re.search(r"Version:\s*(\S+)", banner)
    return match.group(1) if match else "unknown"


def run(problem: pulp.LpProblem, solver: str, time_limit: float, threads: int | None = None,
        start: dict[str, float] | None = None) -> Outcome:
    """Solve `problem` in place (variables get their values); report what is proven."""
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")
    time_limit = max(0.1, float(time_limit))
    began = time.perf_counter()
    if solver == "highs":
        options = {}
        if threads:
            options["threads"] = threads
        engine = _HiGHS(start=start, msg=False, gapRel=0.0, timeLimit=time_limit, **options)
        problem.solve(engine)
        bound = engine.bound
    else:
        bound = _run_cbc(problem, time_limit, threads, start)
    seconds = time.perf_counter() - began
    found = problem.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    proven = problem.sol_status == pulp.LpSolutionOptimal
    infeasible = problem.status == pulp.LpStatusInfeasible or (
        problem.sol_status == pulp.LpSolutionInfeasible)
    if proven:
        bound = pulp.value(problem.objective)
    return Outcome(found=found, proven=proven, infeasible=infeasible and not found,
                   bound=bound, seconds=seconds)


def _run_cbc(problem: pulp.LpProblem, time_limit: float, threads: int | None,
             start: dict[str, float] | None) -> float | None:
    if start:
        for var in problem.variables():
            var.setInitialValue(start.get(var.name, 0.0))
    handle, log_path = tempfile.mkstemp(prefix="mot-cbc-", suffix=".log")
    os.close(handle)
    try:
        engine = pulp.COIN_CMD(path=CBC_PATH, msg=False, gapRel=0.0, timeLimit=time_limit,
                                   threads=threads, warmStart=bool(start), logPath=log_path)
        problem.solve(engine)
        with open(log_path, encoding="utf-8", errors="replace") as log:
            return _cbc_bound(log.read(), problem.sense)
    finally:
        os.unlink(log_path)


def _cbc_bound(log: str, sense: int) -> float | None:
    """The best possible objective CBC proved, from its log (None if it did not say)."""
    match = re.search(r"best possible (-?[\d.eE+-]+)", log)
    if match is None:
        match = re.search(r"Lower bound:\s*(-?[\d.eE+-]+)", log)
    if match is None:
        return None
    value = float(match.group(1))
    # CBC minimises internally; with -max its bound is printed for the negated objective.
    return -value if sense == pulp.LpMaximize and value < 0 else abs(value) if sense == pulp.LpMaximize else value
