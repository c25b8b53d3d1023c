"""The model as a PuLP problem, made from its arrays row for row: for CBC, and for what
changes the model to explain it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from optimizer.model.data import Data
from optimizer.model.matrix import Matrix, build_matrix

if TYPE_CHECKING:  # PuLP is loaded only when a PuLP problem is made (CBC, explanations)
    import pulp


@dataclass
class Model:
    """The PuLP problem with its variables, ready to solve."""

    data: Data
    problem: pulp.LpProblem
    x: list[pulp.LpVariable]  # initiative funded
    y: list[pulp.LpVariable]  # moment in focus
    v: list[pulp.LpVariable]  # improvement of the moment that counts
    impact: pulp.LpAffineExpression
    cost: pulp.LpAffineExpression
    money_scale: float
    constraints: list[pulp.LpConstraint]
    matrix: Matrix | None = None  # the arrays it was made from

    @property
    def columns(self) -> list[pulp.LpVariable]:
        return self.x + self.y + self.v

    def chosen(self) -> tuple[set[int], set[int]]:
        """The funded initiatives and focus moments of the solution last read into it."""
        funded = {i for i, var in enumerate(self.x) if (var.varValue or 0.0) > 0.5}
        focus = {m for m, var in enumerate(self.y) if (var.varValue or 0.0) > 0.5}
        return funded, focus


def build_model(data: Data) -> Model:
    """The model of docs/model.md as a PuLP problem, each constraint named by kind and index."""
    return model_from(build_matrix(data))


def model_from(matrix: Matrix) -> Model:
    """The PuLP problem of a Matrix: the same columns, rows and names, in the same order.

    Each row's terms go to PuLP in one go, straight into its LpConstraint: making PuLP's
    own objects (a variable, an expression and a constraint each) is most of the time.
    """
    import pulp

    problem = pulp.LpProblem("portfolio", pulp.LpMaximize)
    binary, names = matrix.binary, matrix.columns
    variables = [problem.add_variable(name, 0, 1, cat=pulp.LpBinary) for name in names[:binary]]
    variables += [problem.add_variable(name, 0, upper)
                  for name, upper in zip(names[binary:], matrix.upper[binary:], strict=True)]
    n_i = len(matrix.data.initiatives)
    n_m = len(matrix.data.moments)

    def expression(terms: list[tuple[int, float]]) -> pulp.LpAffineExpression:
        return pulp.LpAffineExpression([(variables[k], c) for k, c in terms])

    impact = expression(matrix.impact)
    problem.setObjective(impact)
    index, value, starts = matrix.index, matrix.value, matrix.starts
    constraints = {}
    for r, name in enumerate(matrix.rows):
        first, last = starts[r], starts[r + 1]
        # zip hands PuLP one (variable, coefficient) pair at a time and reuses it, so a
        # row of thousands of terms makes no tuple per term.
        terms = pulp.LpAffineExpression(zip([variables[k] for k in index[first:last]],
                                            value[first:last], strict=True))
        constraints[name] = pulp.LpConstraint(terms, matrix.sense[r], name, matrix.rhs[r])
    problem.extend(constraints)
    return Model(data=matrix.data, problem=problem, x=variables[:n_i],
                 y=variables[n_i:n_i + n_m], v=variables[n_i + n_m:],
                 impact=impact, cost=expression(matrix.cost), money_scale=matrix.money_scale,
                 constraints=list(constraints.values()), matrix=matrix)
