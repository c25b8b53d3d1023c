"""Bounds shared across questions: the best portfolios with a moment in focus, or fewer.

Each is one solve per moment (or per number of focus moments) and run, kept in the context
for every initiative that needs it; alone, an explanation makes none of them (None), since
they pay off only across questions.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from optimizer.checks import portfolio_impact
from optimizer.engine import portfolio_values
from optimizer.explain.context import Best, Context, focus_sets
from optimizer.explain.run_model import INF, Portfolio
from optimizer.explain.types import Explanation


def moment_best(context: Context, m: int, explanation: Explanation) -> Best | None:
    """The best portfolio with moment m in focus; one solve per moment and run."""
    if m in context.focus:
        return Best(context.impact, frozenset(context.funded), frozenset(context.focus))
    return _kept(context, context.with_moment, m, explanation,
                 lambda: _solve_with_moment(context, m, False, explanation))


def moment_best_widened(context: Context, m: int, explanation: Explanation) -> Best | None:
    """As moment_best, with the budgets widened by the most that any rejected work
    moving m costs: a bound on what such work would get at a cost of zero."""
    return _kept(context, context.with_moment_widened, m, explanation,
                 lambda: _solve_with_moment(context, m, True, explanation))


def _kept(context: Context, kept: dict[int, Best | None], key: int,
          explanation: Explanation, solve: Callable[[], Best | None]) -> Best | None:
    """What an earlier solve proved for this key; else, when the questions share it, what
    one solve made now proves (kept for the next); alone, None."""
    if key not in kept:
        if not context.sharing:
            return None
        explanation.solves += 1
        kept[key] = solve()
    return kept[key]


def _solve_with_moment(context: Context, m: int, widened: bool, explanation: Explanation
                       ) -> Best | None:
    sets = None if widened else focus_sets(context)
    if sets is not None:  # the best of each focus set holding m that can beat the others
        found = sets.best(None, explanation, held=m)
        if found is not None:
            funded, focus = found[0]
            # no set left unsolved beats it by more than the tie tolerance
            return Best(portfolio_impact(context.data, funded, focus) + context.tolerance,
                        frozenset(funded), frozenset(focus))
    start = _moment_start(context, m, widened, explanation) if context.knapsacks else None
    session = context.session
    session.reset()
    session.highs.changeColBounds(session.position[context.model.y[m].name], 1.0, 1.0)
    if widened:
        _widen_limits(context, m)
    elif start is not None:
        context.rule_out_focus(portfolio_impact(context.data, *start))
    return context.proven_best(context.solve_from(
        None if start is None else portfolio_values(context.model, *start)))


def _moment_start(context: Context, m: int, widened: bool, explanation: Explanation
                  ) -> Portfolio | None:
    """A good portfolio with m in focus: with the limits widened, the best one without;
    else the best of the run's focus with one moment swapped for m (fixed-focus
    solves)."""
    if widened:
        best = context.with_moment.get(m)
        return None if best is None or best.bound is None else (
            set(best.funded), set(best.focus))
    data = context.data
    focus = sorted(context.focus, key=lambda k: -data.moments[k].weight * data.cap[k])
    bases = [set(focus) | {m}] if len(focus) < data.max_focus else [
        set(focus) - {k} | {m} for k in reversed(focus)]
    candidate, value = None, -INF
    for base in bases:
        found = context.fixed_focus_best(None, base, explanation)
        if found is not None and (impact := portfolio_impact(data, *found)) > value:
            candidate, value = found, impact
    return candidate


def _widen_limits(context: Context, m: int) -> None:
    """Budgets raised by what the costliest rejected work moving m costs (a cost of zero
    frees money; the work still takes its share of every capacity)."""
    data, highs, rows = context.data, context.session.highs, context.session.row_position
    scale = context.model.money_scale
    movers = [j for j in data.moved_by[m] if j not in context.funded
              and data.initiatives[j].decision == "auto"]
    plan = context.plan
    if "budget" in rows:
        extra = max((data.cost[j] for j in movers), default=0.0)
        highs.changeRowBounds(rows["budget"], -INF, (plan.budget + extra) / scale)
    for t, period in enumerate(plan.periods):
        row = rows.get(f"period{t}")
        if row is not None:
            extra = max((data.period_cost[j].get(period.id, 0.0) for j in movers),
                        default=0.0)
            highs.changeRowBounds(row, -INF, (period.budget + extra) / scale)


def outside_focus_bound(context: Context, i: int, caps: list[float],
                        explanation: Explanation) -> float:
    """An upper bound on the impact of any portfolio that funds i (at any cost) with
    t of i's moments in focus: the best portfolio with t fewer focus moments (one solve
    per t, shared by all initiatives), plus the most those t moments can give."""
    data = context.data
    values = sorted((max(0.0, data.moments[m].weight) * caps[m] for m in data.uplift[i]),
                    reverse=True)
    bound = -INF
    for t in range(1, min(data.max_focus, len(values)) + 1):
        rest = (_fewer_focus_best(context, data.max_focus - t, explanation)
                if t < data.max_focus else 0.0)
        if rest is None:
            return INF
        bound = max(bound, rest + math.fsum(values[:t]))
    return bound


def _fewer_focus_best(context: Context, k: int, explanation: Explanation) -> float | None:
    """The best impact with k focus moments (see _fewer_focus); -inf if none."""
    best = _fewer_focus(context, k, explanation)
    return None if best is None else -INF if best.bound is None else best.bound


def _fewer_focus(context: Context, k: int, explanation: Explanation) -> Best | None:
    """The best portfolio with k focus moments, the say-no rule lifted for work that
    other work requires; None if not proven. One solve per k and run.

    It bounds the part of any portfolio that its other focus moments make: of a
    portfolio with more focus moments, keep the work that moves these k, and the work
    it requires, which may move none of them.
    """
    return _kept(context, context.with_fewer_focus, k, explanation,
                 lambda: _solve_with_fewer_focus(context, k))


def _solve_with_fewer_focus(context: Context, k: int) -> Best | None:
    session = context.session
    session.reset()
    rows = session.row_position
    session.highs.changeRowBounds(rows["max_focus"], -INF, float(k))
    lifted = np.array([rows[f"say_no{j}"] for j in sorted(context.required)
                       if f"say_no{j}" in rows], dtype=np.int32)
    if len(lifted):
        session.highs.changeRowsBounds(len(lifted), lifted, np.full(len(lifted), -INF),
                                       np.full(len(lifted), INF))
    return context.proven_best(session.solve(context.time_limit))
