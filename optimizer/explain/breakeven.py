"""What the two break-even questions share: the rows that say the optimiser would choose.

Each question is one full solve, not a bisection: the cost (or the uplift factor) becomes
a variable of the model, maximised (or minimised) under the condition that the portfolio
funding the initiative would be the optimiser's choice: strictly more impact than the run,
or the same impact at no more cost (the tie rule). On large plans the solve starts from
quick solves with the focus fixed to a likely set.
"""

from __future__ import annotations

import math

import highspy
import numpy as np

from optimizer.explain.bounds import moment_best
from optimizer.explain.context import Context
from optimizer.explain.run_model import INF, add_row
from optimizer.explain.types import Explanation

CHEAPER = 1e-6  # relative: less than this cheaper is the same cost
# Break-even questions with their answer among this many focus sets or fewer are solved
# one set at a time (quick fixed-focus solves), else with one search of every focus.
MOST_FOCUS_SETS = 15


def chosen_rows(context: Context, i: int, extra_cost: tuple[int, float] | None) -> int:
    """Rows saying the portfolio beats the run, or ties it at no more cost.

    A binary z picks the case: z = 1, impact >= run + better; z = 0, impact >= run
    - tolerance and cost below the run's. `extra_cost`: a (column, coefficient) that stands
    for i's own cost in the cost, when that cost is a variable. Returns z's column.
    """
    highs, position = context.session.highs, context.session.position
    model = context.model
    scale = model.money_scale
    highs.addCol(0.0, 0.0, 1.0, 0, np.zeros(0, np.int32), np.zeros(0))
    z = highs.getNumCol() - 1
    highs.changeColsIntegrality(1, np.array([z], np.int32), np.array([1], np.uint8))
    impact = [(position[var.name], w) for var, w in model.impact.items()]
    add_row(context, [*impact, (z, -(context.tolerance + context.better))],
             context.impact - context.tolerance, INF)
    cost = [(position[var.name], c) for var, c in model.cost.items()]
    if extra_cost is not None:
        own = position[model.x[i].name]
        cost = [(column, c) for column, c in cost if column != own] + [extra_cost]
    big = math.fsum(context.data.cost) / scale + 1.0
    # Strictly cheaper: an equal cost ties, and the run's portfolio may win that tie.
    cheaper = CHEAPER * max(1.0, context.cost / scale)
    add_row(context, [*cost, (z, -big)], -INF, context.cost / scale - cheaper)
    return z


def likely_focus(context: Context, i: int, explanation: Explanation) -> list[frozenset[int]]:
    """Focus sets a portfolio that gets i funded is likely to have: those of the
    best portfolios with one of i's moments in focus, and of the best portfolio in which
    it counts. None when the quick fixed-focus solves are off."""
    if not (context.shortcuts and context.knapsacks):
        return []
    bases = [context.funding[i][1]] if i in context.funding else []
    bases += [set(best.focus) for m in context.data.uplift[i]
              if (best := moment_best(context, m, explanation)) is not None
              and best.bound is not None]
    return list(dict.fromkeys(frozenset(focus) for focus in bases))


def fixed_focus_start(context: Context, bases: list[frozenset[int]], explanation: Explanation,
                      sense: highspy.ObjSense) -> np.ndarray | None:
    """The best answer to the what-if question now in the model with the focus fixed to
    one of these sets, as values of every column: a start for the search over every
    focus. None if none has an answer."""
    return best_over_focus(context, bases, explanation, sense, within=False)[0]


def best_over_focus(context: Context, bases: list[frozenset[int]], explanation: Explanation,
                    sense: highspy.ObjSense, *, within: bool,
                    limits: list[float] | None = None, most: int | None = None
                    ) -> tuple[np.ndarray | None, bool]:
    """The best answer to the what-if question now in the model with the focus fixed to
    one of these sets (`within`: among the moments of one), as values of every column
    (None if none has one), and whether every solve was proven: then, where every focus
    that can have an answer lies among these sets, it is the answer. `limits`: for each
    set, the best its answer can be, most promising first: a set whose limit is worse
    than an answer found is not solved. `most`: past that many solves, the best found
    is returned as not complete (a start for a search of every focus)."""
    if not bases:
        return None, True
    data, session = context.data, context.session
    highs = session.highs
    n = len(data.moments)
    columns = np.array([session.position[y.name] for y in context.model.y], np.int32)
    best, best_value, complete = None, INF, True
    sign = 1.0 if sense == highspy.ObjSense.kMinimize else -1.0
    for at, focus in enumerate(bases):
        if limits is not None and sign * limits[at] > best_value:
            break
        if most is not None and at >= most:
            complete = False
            break
        fixed = np.array([float(m in focus) for m in range(n)])
        highs.changeColsBounds(n, columns, np.zeros(n) if within else fixed, fixed)
        explanation.solves += 1
        outcome = session.solve(context.time_limit)
        complete = complete and (outcome.proven or outcome.infeasible)
        if outcome.proven and (
                value := sign * highs.getInfo().objective_function_value) < best_value:
            best, best_value = np.array(highs.getSolution().col_value), value
    highs.changeColsBounds(n, columns, np.zeros(n), np.ones(n))
    return best, complete
