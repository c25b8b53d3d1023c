"""The model is one definition: the arrays HiGHS is handed by the engine and the PuLP problem
(CBC, explanations, the frontier) hold the same columns, rows, names and coefficients; and a
solve loads only the solver it uses."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given

from optimizer.model import EQ, LE, build_matrix, build_model, index_plan, model_from
from optimizer.samples import generate_plan
from optimizer.solvers import HighsSession
from tests.conftest import EXAMPLE_PLAN
from tests.optimizer.randomplans import examples, plans


def _lp(session: HighsSession):
    return session.highs.getModel().lp_


def _check_the_same_model(plan):
    data = index_plan(plan)
    model = build_model(data)
    from_pulp = HighsSession(model.problem, model.columns, model.constraints, threads=None)
    from_arrays = HighsSession.from_matrix(build_matrix(data), threads=None)
    assert from_pulp.position == from_arrays.position
    assert from_pulp.row_position == from_arrays.row_position
    a, b = _lp(from_pulp), _lp(from_arrays)
    for field in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_",
                  "integrality_"):
        assert np.array_equal(np.asarray(getattr(a, field)), np.asarray(getattr(b, field))), field
    for field in ("start_", "index_", "value_"):
        assert np.array_equal(np.asarray(getattr(a.a_matrix_, field)),
                              np.asarray(getattr(b.a_matrix_, field))), field
    assert a.sense_ == b.sense_


@examples(15)
@given(plans())
def test_highs_gets_the_same_model_from_the_arrays_as_from_the_pulp_problem(plan):
    _check_the_same_model(plan)


def test_highs_gets_the_same_model_from_the_arrays_on_a_large_generated_plan():
    _check_the_same_model(generate_plan(300, 30, seed=2))


@examples(10)
@given(plans())
def test_the_pulp_problem_is_the_matrix_row_for_row(plan):
    matrix = build_matrix(index_plan(plan))
    model = model_from(matrix)
    assert [var.name for var in model.columns] == matrix.columns
    assert [row.name for row in model.constraints] == matrix.rows
    assert [(var.lowBound, var.upBound) for var in model.columns] == [
        (0, upper) for upper in matrix.upper]
    for r, row in enumerate(model.constraints):
        first, last = matrix.starts[r], matrix.starts[r + 1]
        terms = [(var.name, c) for var, c in row.items()]
        assert terms == [(matrix.columns[k], c) for k, c in
                         zip(matrix.index[first:last], matrix.value[first:last], strict=True)]
        assert -row.constant == matrix.rhs[r] and row.sense == matrix.sense[r]
        assert row.sense in (LE, EQ)
    assert [(var.name, c) for var, c in model.cost.items()] == [
        (matrix.columns[k], c) for k, c in matrix.cost]
    assert [(var.name, c) for var, c in model.impact.items()] == [
        (matrix.columns[k], c) for k, c in matrix.impact]


PROBE = """
import sys
from optimizer import load_plan, solve, Options
loaded = lambda: sorted(m for m in ("pulp", "highspy", "numpy") if m in sys.modules)
print("import", *loaded())
plan = load_plan(sys.argv[1])
print("check", *loaded())
result = solve(plan, Options(solver=sys.argv[2]))
assert result.status == "optimal", result.status
print("solve", *loaded())
"""


@pytest.mark.parametrize(("solver", "libraries"), [("highs", "highspy numpy"),
                                                    ("cbc", "highspy numpy pulp")])
def test_a_solve_loads_only_what_its_solver_needs(solver, libraries):
    done = subprocess.run([sys.executable, "-c", PROBE, str(EXAMPLE_PLAN), solver],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["import", "check", f"solve {libraries}"]
