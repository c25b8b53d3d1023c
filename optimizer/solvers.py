"""Running the PuLP model on HiGHS or CBC, and reading the outcome honestly.

Both are asked for a proven optimum (relative gap 0). PuLP says "Optimal" after a time
limit too, so the outcome is read from the solver's own status, with its bound.

HiGHS gets the model straight from the PuLP problem as sparse arrays: PuLP's own HiGHS
interface adds it one row at a time in Python (a third of the time at 5,000 initiatives)
and cannot change a model in place, which the tie-break phase needs.
"""

from __future__ import annotations

import functools
import os
import re
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass

import highspy
import numpy as np
import pulp
from pulp.apis.coin_api import pulp_cbc_path

# The CBC binary bundled with PuLP 3.3, called through COIN_CMD: PuLP deprecates the
# PULP_CBC_CMD wrapper for 4.0, which no longer bundles CBC (we pin PuLP below 3.4).
CBC_PATH = pulp.COIN_CMD.executableExtension(pulp_cbc_path)

SOLVERS = ("highs", "cbc")
DEFAULT_SOLVER = "highs"  # faster on our plans: see docs/benchmarks.md
MIN_SECONDS = 0.1
# CBC is killed this long after its own time limit, should it not stop by itself.
GRACE_SECONDS = 5.0

Terms = list[tuple[pulp.LpVariable, float]]


@dataclass
class Outcome:
    found: bool  # a solution is in the variables
    proven: bool  # ... and it is proven optimal
    infeasible: bool
    bound: float | None  # best bound on the objective, in the problem's own sense
    seconds: float


@functools.cache
def solver_version(name: str) -> str:
    if name == "highs":
        return highspy.Highs().version()
    try:
        banner = subprocess.run([CBC_PATH, "-quit"], capture_output=True, text=True,
                                timeout=10, stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    match = re.search(r"Version:\s*(\S+)", banner)
    return match.group(1) if match else "unknown"


def open_session(problem: pulp.LpProblem, columns: list[pulp.LpVariable],
                 rows: list[pulp.LpConstraint], solver: str,
                 threads: int | None = None) -> HighsSession | CbcSession:
    """A solver session for `problem`, whose variables are `columns` and whose
    constraints are `rows`."""
    if solver == "highs":
        return HighsSession(problem, columns, rows, threads)
    if solver == "cbc":
        return CbcSession(problem, columns, threads)
    raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")


class HighsSession:
    """One HiGHS model, solved, then changed in place for the tie-break phase."""

    def __init__(self, problem: pulp.LpProblem, columns: list[pulp.LpVariable],
                 rows: list[pulp.LpConstraint], threads: int | None):
        self.columns = columns
        self.position = {var.name: k for k, var in enumerate(columns)}
        self.highs = highspy.Highs()
        # The feasibility-jump heuristic costs some 8 ms on every run, however small the
        # model, and finds nothing our models need: the empty portfolio is feasible unless
        # work is forced in, and branching finds good portfolios at once (measured in
        # docs/benchmarks.md). Explanations run many small solves, so it is off.
        for option, value in (("output_flag", False), ("mip_rel_gap", 0.0),
                              ("mip_heuristic_run_feasibility_jump", False)):
            self.highs.setOptionValue(option, value)
        if threads:
            self.highs.setOptionValue("threads", int(threads))
        self.row_position = {row.name: k for k, row in enumerate(rows)}
        self._pass_model(problem, rows)
        self._pristine: highspy.HighsModel | None = None

    def keep_pristine(self) -> None:
        """Remember the model as it is now, for reset() after what-if changes."""
        self._pristine = self.highs.getModel()

    def reset(self) -> None:
        """Back to the model kept by keep_pristine()."""
        if self._pristine is None:
            raise RuntimeError("keep_pristine() was not called")
        self.highs.passModel(self._pristine)

    def _pass_model(self, problem: pulp.LpProblem, rows: list[pulp.LpConstraint]) -> None:
        n = len(self.columns)
        lower = np.array([var.lowBound for var in self.columns], dtype=np.float64)
        upper = np.array([var.upBound for var in self.columns], dtype=np.float64)
        cost = np.zeros(n)
        for var, coefficient in problem.objective.items():
            cost[self.position[var.name]] = coefficient
        self.highs.addCols(n, cost, lower, upper, 0, np.zeros(0, np.int32),
                           np.zeros(0, np.int32), np.zeros(0))
        integer = [k for k, var in enumerate(self.columns) if var.cat == pulp.LpInteger]
        self.highs.changeColsIntegrality(len(integer), np.array(integer, dtype=np.int32),
                                         np.ones(len(integer), dtype=np.uint8))
        self._add_rows(rows)
        sense = highspy.ObjSense.kMaximize if problem.sense == pulp.LpMaximize else (
            highspy.ObjSense.kMinimize)
        self.highs.changeObjectiveSense(sense)

    def _add_rows(self, constraints: list[pulp.LpConstraint]) -> None:
        inf = highspy.kHighsInf
        starts, index, values, lower, upper = [], [], [], [], []
        for constraint in constraints:
            starts.append(len(index))
            for var, coefficient in constraint.items():
                index.append(self.position[var.name])
                values.append(coefficient)
            rhs = -constraint.constant
            lower.append(rhs if constraint.sense != pulp.LpConstraintLE else -inf)
            upper.append(rhs if constraint.sense != pulp.LpConstraintGE else inf)
        self.highs.addRows(len(constraints), np.array(lower), np.array(upper), len(index),
                           np.array(starts, dtype=np.int32), np.array(index, dtype=np.int32),
                           np.array(values, dtype=np.float64))

    def solve(self, time_limit: float, start: dict[str, float] | None = None) -> Outcome:
        highs = self.highs
        highs.setOptionValue("time_limit", max(MIN_SECONDS, float(time_limit)))
        if start:
            values = np.array([start.get(var.name, 0.0) for var in self.columns])
            highs.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)
        began = time.perf_counter()
        highs.run()
        seconds = time.perf_counter() - began
        status = highs.getModelStatus()
        info = highs.getInfo()
        found = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if found:
            values = highs.getSolution().col_value
            for var, value in zip(self.columns, values[:len(self.columns)], strict=True):
                var.varValue = value
        proven = found and status == highspy.HighsModelStatus.kOptimal
        bound = info.mip_dual_bound if np.isfinite(info.mip_dual_bound) else None
        infeasible = status == highspy.HighsModelStatus.kInfeasible
        return Outcome(found=found, proven=proven, infeasible=infeasible, bound=bound,
                       seconds=seconds)

    def tie_break(self, cost: Terms, impact: Terms, least_impact: float, time_limit: float,
                  start: dict[str, float]) -> Outcome:
        """Minimise cost among solutions with impact >= least_impact."""
        n = len(self.columns)
        costs = np.zeros(n)
        for var, coefficient in cost:
            costs[self.position[var.name]] = coefficient
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
        self.highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
        self.highs.addRow(least_impact, highspy.kHighsInf, len(impact),
                          np.array([self.position[v.name] for v, _ in impact], dtype=np.int32),
                          np.array([c for _, c in impact], dtype=np.float64))
        return self.solve(time_limit, start)


class CbcSession:
    """CBC through PuLP's command-line interface (an MPS file and a solution file)."""

    def __init__(self, problem: pulp.LpProblem, columns: list[pulp.LpVariable],
                 threads: int | None):
        self.problem = problem
        self.columns = columns
        self.threads = threads

    def solve(self, time_limit: float, start: dict[str, float] | None = None) -> Outcome:
        return _run_cbc(self.problem, self.columns, time_limit, self.threads, start)

    def tie_break(self, cost: Terms, impact: Terms, least_impact: float, time_limit: float,
                  start: dict[str, float]) -> Outcome:
        problem = self.problem.copy()
        problem.sense = pulp.LpMinimize
        problem.setObjective(pulp.LpAffineExpression(cost))
        problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(impact),
                                                pulp.LpConstraintGE, rhs=least_impact,
                                                name="tied_impact"))
        return _run_cbc(problem, self.columns, time_limit, self.threads, start)


def _run_cbc(problem: pulp.LpProblem, columns: list[pulp.LpVariable], time_limit: float,
             threads: int | None, start: dict[str, float] | None) -> Outcome:
    """CBC on an MPS file of the problem, with PuLP's writer and reader.

    Called here rather than through COIN_CMD.solve so that the wall-clock limit is also
    enforced from outside (CBC is killed past its own limit plus a grace period), the
    log is read from the pipe, and every temporary file goes with its directory.
    """
    limit = max(MIN_SECONDS, float(time_limit))
    reader = pulp.COIN_CMD(path=CBC_PATH, msg=False)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mot-cbc-") as folder:
        mps, solution, start_file = (os.path.join(folder, name)
                                     for name in ("model.mps", "model.sol", "start.mst"))
        names = problem.writeMPS(mps, rename=1)
        variables, variable_names, constraint_names, _ = names
        command = [CBC_PATH, mps]
        if problem.sense == pulp.LpMaximize:
            command.append("-max")
        if start:
            for var in columns:
                var.setInitialValue(start.get(var.name, 0.0))
            reader.writesol(start_file, problem, variables, variable_names, constraint_names)
            command += ["-mips", start_file]
        command += ["-sec", str(limit), "-timeMode", "elapsed", "-ratio", "0"]
        if threads:
            command += ["-threads", str(threads)]
        command += ["-solve", "-printingOptions", "all", "-solution", solution]
        # A session of its own, so that a kill reaches anything CBC started too.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, text=True, errors="replace",
                                   start_new_session=True)
        try:
            log, errors = process.communicate(timeout=limit + GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return Outcome(found=False, proven=False, infeasible=False, bound=None,
                           seconds=time.perf_counter() - began)
        if process.returncode != 0 or not os.path.exists(solution):
            raise RuntimeError(f"CBC failed (exit {process.returncode}): {errors[-500:]}")
        status, values, _, _, _, sol_status = reader.readsol_MPS(
            solution, problem, variables, variable_names, constraint_names)
    problem.assignVarsVals(values)
    problem.assignStatus(status, sol_status)
    found = sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    infeasible = not found and (status == pulp.LpStatusInfeasible
                                or sol_status == pulp.LpSolutionInfeasible)
    return Outcome(found=found, proven=sol_status == pulp.LpSolutionOptimal,
                   infeasible=infeasible, bound=cbc_bound(log, problem.sense),
                   seconds=time.perf_counter() - began)


def cbc_bound(log: str, sense: int) -> float | None:
    """The best possible objective CBC proved, from its log (None if it did not say)."""
    # The closing summary states the final bound in the problem's own sense.
    summary = re.findall(r"^(?:Upper|Lower) bound:\s*(\S+)", log, re.MULTILINE)
    if summary:
        return float(summary[-1])
    # Progress lines are in CBC's internal (minimising) sense: the last one is the latest.
    progress = re.findall(r"best possible (-?[\d.eE+-]+)", log)
    if not progress:
        return None
    value = float(progress[-1])
    return -value if sense == pulp.LpMaximize else value
