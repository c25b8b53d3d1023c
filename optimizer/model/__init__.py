"""Building the mixed-integer model of docs/model.md from a Plan: as arrays, and as a PuLP problem.

The model is defined once, as arrays (matrix: columns, rows of sparse coefficients, the
rows written one constraint family at a time in constraints): HiGHS is handed those arrays
as they are, and the PuLP problem (problem: for CBC and for what changes the model to
explain it) is made from them, row for row. The plan is indexed first (data).
Variables and constraints are named by internal index (x12, y3), never by user text.
"""

from optimizer.model.constraints import CUT, EQ, LE, ORDINARY, TARGET, decade
from optimizer.model.data import EPSILON, Data, index_plan
from optimizer.model.matrix import Matrix, build_matrix, money_scale, never_funded
from optimizer.model.problem import Model, build_model, model_from

__all__ = ["CUT", "EPSILON", "EQ", "LE", "ORDINARY", "TARGET", "Data", "Matrix", "Model",
           "build_matrix", "build_model", "decade", "index_plan", "model_from", "money_scale",
           "never_funded"]
