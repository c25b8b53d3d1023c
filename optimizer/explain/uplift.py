"""Break-even uplift: the least factor on a rejected initiative's uplifts that gets it funded.

Bounds settle "no factor up to ten would do" first, without a solve: the best impact of a
portfolio in which it counts plus the most the larger uplifts could add, and the best focus
set holding one of its moments.
Where a bound from below and a portfolio found meet in the same hundredth, that is the
figure. The factor is read from the portfolio's impact, computed exactly, not from the
solver's value of the factor, which is off by its tolerance.
"""

from __future__ import annotations

import itertools
import math

import highspy
import numpy as np

from optimizer.checks import portfolio_impact
from optimizer.explain.bounds import moment_best, outside_focus_bound
from optimizer.explain.breakeven import (
    MOST_FOCUS_SETS,
    best_over_focus,
    chosen_rows,
    fixed_focus_start,
    likely_focus,
)
from optimizer.explain.context import Context, focus_sets
from optimizer.explain.run_model import INF, objective_on
from optimizer.explain.types import Explanation

MAX_UPLIFT_FACTOR = 10.0


def break_even_uplift(context: Context, i: int, explanation: Explanation) -> float | None:
    """Smallest factor on i's uplifts that would get it funded (up to x10), else None."""
    data = context.data
    if not data.uplift[i] or i not in context.funding:
        return None  # no portfolio in which it counts
    counted = portfolio_impact(data, *context.funding[i])
    sets = focus_sets(context)
    # the focus sets where i with ten times its uplifts may reach the run's impact
    reaching = None if sets is None else sets.reaching(
        i, context.impact - context.tolerance, largest_cost=False)
    if reaching == [] or _never_chosen_with_larger_uplifts(
            context, i, counted, explanation, weighed=reaching is not None):
        return None
    implied = _implied_uplift(context, i, explanation)
    if implied is not None:
        return implied
    # Before the model changes: these may solve.
    bases = [] if reaching is not None else likely_focus(context, i, explanation)
    low = _least_factor(context, i, explanation) if bases else None
    highs, position = context.session.highs, context.session.position
    rows = context.session.row_position
    model = context.model
    context.session.reset()
    context.force_in(i)
    x_i = position[model.x[i].name]
    highs.addCol(0.0, 1.0, MAX_UPLIFT_FACTOR, 0, np.zeros(0, np.int32), np.zeros(0))
    k = highs.getNumCol() - 1
    for m, uplift in data.uplift[i].items():
        highs.changeCoeff(rows[f"from_work{m}"], x_i, 0.0)
        highs.changeCoeff(rows[f"from_work{m}"], k, -uplift)
        # the cap was tightened to the uplift on offer; with more uplift it can grow
        others = math.fsum(data.uplift[j][m] for j in data.moved_by[m] if j != i)
        cap = others + MAX_UPLIFT_FACTOR * uplift
        headroom = data.moments[m].headroom
        cap = cap if headroom is None else min(headroom, cap)
        highs.changeColBounds(position[model.v[m].name], 0.0, cap)
        highs.changeCoeff(rows[f"focus_cap{m}"], position[model.y[m].name], -cap)
    z = chosen_rows(context, i, extra_cost=None)
    objective_on(context, {k: 1.0}, highspy.ObjSense.kMinimize)
    if reaching is not None:
        start, complete = best_over_focus(
            context, [focus for focus, _ in reaching], explanation,
            highspy.ObjSense.kMinimize, within=True, limits=[least for _, least in reaching],
            most=MOST_FOCUS_SETS)
        if complete:  # every answer has its focus among those sets
            return None if start is None else just_above(_factor_of(context, i, start, z, k))
    else:
        start = fixed_focus_start(context, bases, explanation, highspy.ObjSense.kMinimize)
    if start is not None and low is not None:
        # The least factor lies between the bound and the best with a likely focus.
        found = _factor_of(context, i, start, z, k)
        if hundredths(max(1.0, low)) == hundredths(found):
            return just_above(found)
    if context.shortcuts:
        # With i's uplifts at most ten times larger, a portfolio gains at most this
        # much over its impact now, which the best with a moment in focus bounds.
        context.rule_out_focus(context.impact - math.fsum(_largest_gains(context, i)))
    explanation.solves += 1
    outcome = context.solve_from(start)
    if not outcome.proven:
        return None
    return just_above(_factor_of(context, i, np.array(highs.getSolution().col_value), z, k))


def _never_chosen_with_larger_uplifts(context: Context, i: int, counted: float,
                                      explanation: Explanation, *, weighed: bool) -> bool:
    """Whether even ten times its uplifts would leave i's portfolios behind the run.

    Two bounds on a portfolio funding i (one of its moments in focus) with larger
    uplifts: its impact now (at most `counted`, the best such) plus the most the extra
    uplift adds on the focus moments; and the best focus set holding one of i's moments,
    from weights and (larger) headrooms, unless the focus sets were `weighed` already.
    """
    if not context.shortcuts:
        return False
    data = context.data
    floor = context.impact - context.tolerance
    if counted + math.fsum(_largest_gains(context, i)) < floor:
        return True
    if weighed or data.initiatives[i].decision != "auto" or set(data.uplift[i]) & context.focus:
        return False  # the bounds below are for work off the focus
    caps = [_larger_cap(context, i, m) for m in range(len(data.moments))]
    if outside_focus_bound(context, i, caps, explanation) < floor:
        return True
    values = [max(0.0, moment.weight) * caps[m] for m, moment in enumerate(data.moments)]
    k = data.max_focus
    for m in data.uplift[i]:
        others = sorted(values[:m] + values[m + 1:], reverse=True)
        if values[m] + math.fsum(others[:k - 1]) >= floor:
            return False
    return True


def _largest_gains(context: Context, i: int) -> list[float]:
    """The most that i's uplifts at ten times their size can add to any portfolio's
    impact, per focus moment, largest first (as many as there are focus moments): a
    moment's improvement grows by at most the extra uplift, and never past its
    headroom (min(H, u + d) - min(H, u) <= min(d, H))."""
    data = context.data
    gains = []
    for m, e in data.uplift[i].items():
        extra = (MAX_UPLIFT_FACTOR - 1) * e
        headroom = data.moments[m].headroom
        if headroom is not None:
            extra = min(extra, headroom)
        gains.append(max(0.0, data.moments[m].weight) * extra)
    return sorted(gains, reverse=True)[:data.max_focus]


def _larger_cap(context: Context, i: int, m: int) -> float:
    """The most moment m could improve with i's uplifts at ten times their size."""
    data = context.data
    if m not in data.uplift[i]:
        return data.cap[m]
    most = math.fsum(data.uplift[j][m] for j in data.moved_by[m]) + (
        (MAX_UPLIFT_FACTOR - 1) * data.uplift[i][m])
    headroom = data.moments[m].headroom
    return most if headroom is None else min(headroom, most)


def _implied_uplift(context: Context, i: int, explanation: Explanation) -> float | None:
    """The factor without a solve, when two figures pin it to the same hundredth.

    From below, _least_factor; from above, the best portfolio in which it counts,
    whose gain with the factor is computed exactly.
    """
    if not context.shortcuts:
        return None
    funded, focus = context.funding[i]
    low = _least_factor(context, i, explanation)
    if low is None:
        return None
    high = _factor_reaching(context, i, funded, focus, context.impact + context.better)
    if low < 1.0 or high is None or hundredths(low) != hundredths(high):
        return None
    return just_above(high)


def _least_factor(context: Context, i: int, explanation: Explanation) -> float | None:
    """A factor below which no portfolio funding i reaches the run's impact.

    A portfolio funding i with T its focus moments among i's has, now, at most the best
    impact with any one of T in focus, and gains at most the sum over T of w_m * e_im
    per unit of factor.
    """
    data = context.data
    bests = {}
    for m in data.uplift[i]:
        best = moment_best(context, m, explanation)
        if best is None:
            return None
        if best.bound is not None:
            bests[m] = best.bound
    floor = context.impact - context.tolerance
    low = INF
    for size in range(1, min(data.max_focus, len(bests)) + 1):
        for held in itertools.combinations(bests, size):
            rate = math.fsum(max(0.0, data.moments[m].weight) * data.uplift[i][m]
                             for m in held)
            if rate > 0:
                low = min(low, 1.0 + (floor - min(bests[m] for m in held)) / rate)
    return low


def _impact_at(context: Context, i: int, funded: set[int], focus: set[int],
               factor: float) -> float:
    """The impact of a portfolio funding i with i's uplifts `factor` times larger."""
    data = context.data
    total = []
    for m in focus:
        uplift = math.fsum(data.uplift[j][m] for j in data.moved_by[m]
                           if j in funded and j != i)
        uplift += factor * data.uplift[i].get(m, 0.0)
        headroom = data.moments[m].headroom
        total.append(data.moments[m].weight * (
            uplift if headroom is None else min(headroom, uplift)))
    return math.fsum(total)


def _factor_reaching(context: Context, i: int, funded: set[int], focus: set[int],
                     target: float) -> float | None:
    """The least factor (to within 1e-15) at which this portfolio reaches target;
    None if even the largest does not."""
    if _impact_at(context, i, funded, focus, MAX_UPLIFT_FACTOR) < target:
        return None
    below, high = 1.0, MAX_UPLIFT_FACTOR  # impact_at(below) < target <= impact_at(high)
    for _ in range(60):
        middle = (below + high) / 2
        below, high = (below, middle) if _impact_at(
            context, i, funded, focus, middle) >= target else (middle, high)
    return high


def _factor_of(context: Context, i: int, values: np.ndarray, z: int, k: int) -> float:
    """The least factor at which the portfolio in these column values beats the run
    (z = 1) or ties it (z = 0, more cheaply): from its impact, computed exactly, not
    from the solver's value of the factor, which is off by its tolerance."""
    position = context.session.position
    funded = {j for j, var in enumerate(context.model.x) if values[position[var.name]] > 0.5}
    focus = {m for m, var in enumerate(context.model.y) if values[position[var.name]] > 0.5}
    target = (context.impact + context.better if values[z] > 0.5
              else context.impact - context.tolerance)
    if _impact_at(context, i, funded, focus, 1.0) >= target:
        return 1.0
    factor = _factor_reaching(context, i, funded, focus, target)
    return values[k] if factor is None else factor


def hundredths(factor: float) -> int:
    return math.floor(factor * 100 + 1e-9)


def just_above(factor: float) -> float:
    """The factor reported: the next hundredth above the boundary, where the portfolio
    funding the initiative is strictly preferred."""
    return min(MAX_UPLIFT_FACTOR, hundredths(factor) / 100 + 0.01)
