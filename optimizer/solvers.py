"""Running the model on HiGHS or CBC, and reading the outcome honestly.

Both are asked for a proven optimum (relative gap 0). PuLP says "Optimal" after a time
limit too, so the outcome is read from the solver's own status, with its bound.

HiGHS is handed the model as sparse arrays, made straight from the Matrix (the engine) or
from the PuLP problem (what changes the model to explain it): PuLP's own HiGHS interface
adds it one row at a time in Python and cannot change a model in place, which the
tie-break phase needs. The solver libraries are loaded on first use: PuLP only for CBC (a
solve on HiGHS needs none of it), highspy and numpy only for a solve, so that checking a
plan or the command line's help loads neither.
"""

from __future__ import annotations

import functools
import math
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from optimizer.model import EQ, Matrix, model_from

if TYPE_CHECKING:
    import highspy
    import numpy as np
    import pulp

SOLVERS = ("highs", "cbc")
DEFAULT_SOLVER = "highs"  # faster on our plans: see docs/benchmarks.md
MIN_SECONDS = 0.1
# CBC is killed this long after its own time limit, should it not stop by itself.
GRACE_SECONDS = 5.0
INF = math.inf  # highspy.kHighsInf
MAXIMIZE = -1  # pulp.LpMaximize

Terms = list[tuple["pulp.LpVariable", float]]
Columns = list[tuple[int, float]]  # (column position, coefficient)
Start = dict[str, float] | Sequence[float]  # values by name, or of every column (or an array)


def __getattr__(name: str) -> Any:
    """CBC_PATH, found on first use: finding it loads PuLP, which HiGHS solves do not need."""
    if name == "CBC_PATH":
        return _cbc_path()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _cbc_path() -> str:
    """The CBC binary bundled with PuLP 3.3, called through COIN_CMD: PuLP deprecates the
    PULP_CBC_CMD wrapper for 4.0, which no longer bundles CBC (we pin PuLP below 3.4).
    A path set on the module (a test's stand-in) wins."""
    path = globals().get("CBC_PATH")
    if path is None:
        import pulp
        from pulp.apis.coin_api import pulp_cbc_path

        path = globals()["CBC_PATH"] = pulp.COIN_CMD.executableExtension(pulp_cbc_path)
    return path


@dataclass
class Outcome:
    found: bool  # a solution is in the session's values (and PuLP variables)
    proven: bool  # ... and it is proven optimal
    infeasible: bool
    bound: float | None  # best bound on the objective, in the problem's own sense
    seconds: float


@functools.cache
def solver_version(name: str) -> str:
    if name == "highs":
        import highspy

        return highspy.Highs().version()
    import subprocess

    try:
        banner = subprocess.run([_cbc_path(), "-quit"], capture_output=True, text=True,
                                timeout=10, stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    match = re.search(r"Version:\s*(\S+)", banner)
    return match.group(1) if match else "unknown"


def open_session(matrix: Matrix, solver: str, threads: int | None = None,
                 tolerance: float | None = None) -> HighsSession | CbcSession:
    """A solver session for the model of `matrix`: HiGHS gets the arrays, CBC the PuLP
    problem made from them. `tolerance`: HiGHS's feasibility tolerances, tighter than its
    defaults (1e-7 for rows, 1e-6 for whole numbers)."""
    if solver == "highs":
        session = HighsSession.from_matrix(matrix, threads)
        # A relative gap of 0 alone still stops HiGHS within 1e-6 (absolute) of the best:
        # all of a plan whose impacts are millionths of a point.
        session.highs.setOptionValue("mip_abs_gap", 0.0)
        if tolerance is not None:
            for option in ("primal_feasibility_tolerance", "mip_feasibility_tolerance"):
                session.highs.setOptionValue(option, tolerance)
        return session
    if solver == "cbc":
        model = model_from(matrix)
        return CbcSession(model.problem, model.columns, threads)
    raise ValueError(f"unknown solver {solver!r}; choose one of {', '.join(SOLVERS)}")


class HighsSession:
    """One HiGHS model, solved, then changed in place for the tie-break phase.

    `position` and `row_position` give the column of each variable and the row of each
    constraint by name; after a solve that found a solution, `values` holds the value of
    every column, and the PuLP variables (`columns`, when made from a PuLP problem) hold
    theirs too.
    """

    def __init__(self, problem: pulp.LpProblem, columns: list[pulp.LpVariable],
                 rows: list[pulp.LpConstraint], threads: int | None):
        import numpy as np
        import pulp

        self._open([var.name for var in columns], [row.name for row in rows], threads)
        self.columns = columns
        position = self.position
        cost = np.zeros(len(columns))
        for var, coefficient in problem.objective.items():
            cost[position[var.name]] = coefficient
        starts, index, value, lower, upper = [], [], [], [], []
        for row in rows:
            starts.append(len(index))
            for var, coefficient in row.items():
                index.append(position[var.name])
                value.append(coefficient)
            rhs = -row.constant
            lower.append(rhs if row.sense != pulp.LpConstraintLE else -INF)
            upper.append(rhs if row.sense != pulp.LpConstraintGE else INF)
        self._load(cost,
                   [-INF if var.lowBound is None else var.lowBound for var in columns],
                   [INF if var.upBound is None else var.upBound for var in columns],
                   [k for k, var in enumerate(columns) if var.cat == pulp.LpInteger],
                   (starts, index, value, lower, upper), problem.sense == pulp.LpMaximize)

    @classmethod
    def from_matrix(cls, matrix: Matrix, threads: int | None) -> HighsSession:
        """The same HiGHS model as HighsSession(model_from(matrix)...) makes, without PuLP."""
        import numpy as np

        session = cls.__new__(cls)
        session._open(matrix.columns, matrix.rows, threads)
        session.columns = []
        cost = np.zeros(len(matrix.columns))
        for column, coefficient in matrix.impact:
            cost[column] = coefficient
        lower = [rhs if sense == EQ else -INF for sense, rhs in zip(matrix.sense, matrix.rhs,
                                                                    strict=True)]
        session._load(cost, np.zeros(len(matrix.columns)), matrix.upper,
                      range(matrix.binary),
                      (matrix.starts[:-1], matrix.index, matrix.value, lower, matrix.rhs),
                      maximize=True)
        return session

    def _open(self, names: list[str], rows: list[str], threads: int | None) -> None:
        import highspy

        self.names = names
        self.position = {name: k for k, name in enumerate(names)}
        self.row_position = {name: k for k, name in enumerate(rows)}
        self.values: np.ndarray | None = None
        self._pristine: highspy.HighsModel | None = None
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

    def _load(self, cost: np.ndarray, lower: Sequence[float], upper: Sequence[float],
              integer: Sequence[int], rows: tuple, maximize: bool) -> None:
        """Columns (objective, bounds, which are integer), then rows (starts, index,
        value, lower, upper), then the sense."""
        import highspy
        import numpy as np

        n = len(cost)
        highs = self.highs
        highs.addCols(n, cost, np.asarray(lower, np.float64), np.asarray(upper, np.float64),
                      0, np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
        integer = np.asarray(integer, np.int32)
        highs.changeColsIntegrality(len(integer), integer, np.ones(len(integer), np.uint8))
        starts, index, value, row_lower, row_upper = rows
        highs.addRows(len(row_lower), np.asarray(row_lower, np.float64),
                      np.asarray(row_upper, np.float64), len(index),
                      np.asarray(starts, np.int32), np.asarray(index, np.int32),
                      np.asarray(value, np.float64))
        highs.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize
                                   else highspy.ObjSense.kMinimize)

    def keep_pristine(self) -> None:
        """Remember the model as it is now, for reset() after what-if changes."""
        self._pristine = self.highs.getModel()

    def reset(self) -> None:
        """Back to the model kept by keep_pristine()."""
        if self._pristine is None:
            raise RuntimeError("keep_pristine() was not called")
        self.highs.passModel(self._pristine)

    def solve(self, time_limit: float, start: Start | None = None) -> Outcome:
        """Run; `start`: values of the model's variables by name, or of every column."""
        import highspy
        import numpy as np

        highs = self.highs
        highs.setOptionValue("time_limit", max(MIN_SECONDS, float(time_limit)))
        if start is not None and len(start):
            if isinstance(start, dict):
                values = np.array([start.get(name, 0.0) for name in self.names])
            else:
                values = np.asarray(start, np.float64)
            highs.setSolution(len(values), np.arange(len(values), dtype=np.int32), values)
        began = time.perf_counter()
        highs.run()
        seconds = time.perf_counter() - began
        status = highs.getModelStatus()
        info = highs.getInfo()
        found = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if found:
            self.values = np.asarray(highs.getSolution().col_value)[:len(self.names)]
            if self.columns:
                for var, value in zip(self.columns, self.values.tolist(), strict=True):
                    var.varValue = value
        proven = found and status == highspy.HighsModelStatus.kOptimal
        bound = info.mip_dual_bound if np.isfinite(info.mip_dual_bound) else None
        infeasible = status == highspy.HighsModelStatus.kInfeasible
        return Outcome(found=found, proven=proven, infeasible=infeasible, bound=bound,
                       seconds=seconds)

    def tie_break(self, cost: Terms, impact: Terms, least_impact: float, time_limit: float,
                  start: Start) -> Outcome:
        """Minimise cost among solutions with impact >= least_impact (PuLP terms)."""
        return self.tie_break_columns(
            [(self.position[var.name], c) for var, c in cost],
            [(self.position[var.name], c) for var, c in impact], least_impact, time_limit,
            start)

    def tie_break_columns(self, cost: Columns, impact: Columns, least_impact: float,
                          time_limit: float, start: Start) -> Outcome:
        """Minimise cost among solutions with impact >= least_impact (terms by column)."""
        import highspy
        import numpy as np

        n = len(self.names)
        costs = np.zeros(n)
        for column, coefficient in cost:
            costs[column] = coefficient
        self.highs.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
        self.highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
        self.highs.addRow(least_impact, INF, len(impact),
                          np.array([k for k, _ in impact], dtype=np.int32),
                          np.array([c for _, c in impact], dtype=np.float64))
        return self.solve(time_limit, start)


class CbcSession:
    """CBC through PuLP's command-line interface (an MPS file and a solution file)."""

    def __init__(self, problem: pulp.LpProblem, columns: list[pulp.LpVariable],
                 threads: int | None):
        self.problem = problem
        self.columns = columns
        self.names = [var.name for var in columns]
        self.threads = threads
        self.values: list[float] | None = None

    def solve(self, time_limit: float, start: Start | None = None) -> Outcome:
        return self._run(self.problem, time_limit, start)

    def tie_break(self, cost: Terms, impact: Terms, least_impact: float, time_limit: float,
                  start: Start) -> Outcome:
        import pulp

        problem = self.problem.copy()
        problem.sense = pulp.LpMinimize
        problem.setObjective(pulp.LpAffineExpression(cost))
        problem.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(impact),
                                                pulp.LpConstraintGE, rhs=least_impact,
                                                name="tied_impact"))
        return self._run(problem, time_limit, start)

    def tie_break_columns(self, cost: Columns, impact: Columns, least_impact: float,
                          time_limit: float, start: Start) -> Outcome:
        columns = self.columns
        return self.tie_break([(columns[k], c) for k, c in cost],
                              [(columns[k], c) for k, c in impact], least_impact, time_limit,
                              start)

    def _run(self, problem: pulp.LpProblem, time_limit: float,
             start: Start | None) -> Outcome:
        if start is not None and not isinstance(start, dict):
            start = dict(zip(self.names, start, strict=True))
        outcome = _run_cbc(problem, self.columns, time_limit, self.threads, start)
        if outcome.found:
            self.values = [var.varValue or 0.0 for var in self.columns]
        return outcome


def _run_cbc(problem: pulp.LpProblem, columns: list[pulp.LpVariable], time_limit: float,
             threads: int | None, start: dict[str, float] | None) -> Outcome:
    """CBC on an MPS file of the problem, with PuLP's writer and reader.

    Called here rather than through COIN_CMD.solve so that the wall-clock limit is also
    enforced from outside (CBC is killed past its own limit plus a grace period), the
    log is read from the pipe, and every temporary file goes with its directory.
    """
    import signal
    import subprocess
    import tempfile

    import pulp

    limit = max(MIN_SECONDS, float(time_limit))
    cbc = _cbc_path()
    reader = pulp.COIN_CMD(path=cbc, msg=False)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mot-cbc-") as folder:
        mps, solution, start_file = (os.path.join(folder, name)
                                     for name in ("model.mps", "model.sol", "start.mst"))
        names = problem.writeMPS(mps, rename=1)
        variables, variable_names, constraint_names, _ = names
        command = [cbc, mps]
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
    return -value if sense == MAXIMIZE else value
