"""Break-even cost: the highest cost at which the optimiser would fund a rejected initiative.

Bounds settle "no cost would do" first, without a solve: the impact of any focus set that
includes one of its moments, from the weights and headrooms alone, or from one solve per
moment with the limits widened by what such work costs. The figure is read from the
portfolio's own amounts, not from the solver's value of the cost, which is off by its
tolerance.
"""

from __future__ import annotations

import math

import highspy
import numpy as np

from optimizer.explain.bounds import moment_best_widened, outside_focus_bound
from optimizer.explain.breakeven import (
    CHEAPER,
    MOST_FOCUS_SETS,
    best_over_focus,
    chosen_rows,
    fixed_focus_start,
    likely_focus,
)
from optimizer.explain.context import Context, focus_sets
from optimizer.explain.run_model import objective_on
from optimizer.explain.types import Explanation


def break_even_cost(context: Context, i: int, explanation: Explanation) -> float | None:
    """Highest cost at which the optimiser would fund i; None if no cost >= 0 would."""
    data = context.data
    cost = data.cost[i]
    if cost <= 0 or not data.uplift[i]:
        return None
    sets = focus_sets(context)
    # the focus sets where i at no cost may reach the run's impact: none, no cost would do
    reaching = None if sets is None else sets.reaching(
        i, context.impact - context.tolerance, largest_cost=True)
    if reaching == [] or (reaching is None and _never_chosen(context, i, explanation)):
        return None
    # before the model changes: it may solve
    bases = ([] if reaching is not None and len(reaching) <= MOST_FOCUS_SETS
             else likely_focus(context, i, explanation))
    scale = context.model.money_scale
    highs, position = context.session.highs, context.session.position
    rows = context.session.row_position
    context.session.reset()
    context.force_in(i)
    x_i = position[context.model.x[i].name]
    # the cost becomes a variable c in [0, cost]; its periods keep their shares
    highs.addCol(0.0, 0.0, cost / scale, 0, np.zeros(0, np.int32), np.zeros(0))
    c = highs.getNumCol() - 1  # the money scale applies to it as to every amount
    if "budget" in rows:
        highs.changeCoeff(rows["budget"], x_i, 0.0)
        highs.changeCoeff(rows["budget"], c, 1.0)
    for t, period in enumerate(context.plan.periods):
        row = rows.get(f"period{t}")
        share = data.period_cost[i].get(period.id, 0.0) / cost
        if row is not None and share:
            highs.changeCoeff(row, x_i, 0.0)
            highs.changeCoeff(row, c, share)
    z = chosen_rows(context, i, extra_cost=(c, 1.0))
    objective_on(context, {c: 1.0}, highspy.ObjSense.kMaximize)
    values = _most_over(context, reaching, explanation)
    if values is None:
        start = fixed_focus_start(context, bases, explanation, highspy.ObjSense.kMaximize)
        explanation.solves += 1
        if not context.solve_from(start).proven:
            return None
        values = np.array(highs.getSolution().col_value)
    elif not len(values):
        return None  # no portfolio in which it counts beats the run at any cost
    funded = {j for j, var in enumerate(context.model.x) if values[position[var.name]] > 0.5}
    more_impact = values[z] > 0.5
    best = _largest_cost(context, i, funded, more_impact)
    step = 1.0 if cost >= 100 else 0.01
    whole = round(best / step) * step
    # "Strictly cheaper than the run" keeps the tie case a hair (CHEAPER) below its boundary
    margin = 2 * CHEAPER * max(1.0, context.cost / scale) * scale
    on_a_step = abs(best - whole) <= margin + 1e-9 * max(1.0, abs(best)) and whole > 0
    if not more_impact and on_a_step:
        # A tie found at a round boundary; more impact at the same cost may be there too,
        # and would win: whichever the solver met first, the answer is the same.
        more_impact = _more_impact_at(context, c, z, best / scale, reaching, explanation)
    if more_impact:  # more impact than the run: at the boundary itself it is chosen
        return max(0.0, math.floor(best / step + 1e-9) * step)
    if on_a_step:  # the same impact at the same cost keeps the run's: a step below
        explanation.break_even_under = whole
    return max(0.0, math.ceil(best / step - 1e-9) * step - step)


def _most_over(context: Context, reaching: list[tuple[frozenset[int], float]] | None,
               explanation: Explanation) -> np.ndarray | None:
    """The answer of the model now, as values of every column, from a solve per focus
    set among which every answer lies, each with the most cost it may take (an empty
    array: none has one); None when there
    are none such, or too many, or a time limit stopped one: then a full solve tells."""
    if reaching is None or len(reaching) > MOST_FOCUS_SETS:
        return None
    scale = context.model.money_scale
    values, complete = best_over_focus(
        context, [focus for focus, _ in reaching], explanation, highspy.ObjSense.kMaximize,
        within=True, limits=[most / scale for _, most in reaching])
    if not complete:
        return None
    return np.zeros(0) if values is None else values


def _more_impact_at(context: Context, c: int, z: int, cost: float,
                    reaching: list[tuple[frozenset[int], float]] | None,
                    explanation: Explanation) -> bool:
    """Whether a portfolio with more impact than the run funds i at this (scaled) cost:
    `reaching`, when known, the focus sets among which any such portfolio has its focus,
    with the most cost at which it may."""
    highs = context.session.highs
    highs.changeColBounds(c, cost * (1 - 1e-12), cost)
    highs.changeColBounds(z, 1.0, 1.0)
    if reaching is not None and len(reaching) <= MOST_FOCUS_SETS:
        scale = context.model.money_scale
        bases = [focus for focus, most in reaching if most / scale >= cost * (1 - 1e-9)]
        values, complete = best_over_focus(context, bases, explanation,
                                           highspy.ObjSense.kMaximize, within=True)
        if complete:
            return values is not None
    explanation.solves += 1
    return context.solve_from(None).found


def _never_chosen(context: Context, i: int, explanation: Explanation) -> bool:
    """Whether work off the focus would lose to the run even at a cost of zero: every
    portfolio funding it has one of its moments in focus, and is bounded by the best
    focus set that holds that moment (weights and headrooms alone), then by the best
    portfolio with that moment in focus and the limits widened by what it takes."""
    if not context.shortcuts:
        return False
    data = context.data
    if data.initiatives[i].decision != "auto" or set(data.uplift[i]) & context.focus:
        return False
    floor = context.impact - context.tolerance
    if outside_focus_bound(context, i, data.cap, explanation) < floor:
        return True
    values, k = context.focus_values, data.max_focus
    for m in data.uplift[i]:
        own = max(0.0, data.moments[m].weight) * data.cap[m]
        most = (math.fsum(values[:k]) if len(values) <= k or own >= values[k - 1]
                else own + math.fsum(values[:k - 1]))
        if most < floor:
            continue
        best = moment_best_widened(context, m, explanation)
        if best is None or (best.bound is not None and best.bound >= floor):
            return False
    return True


def _largest_cost(context: Context, i: int, funded: set[int], more_impact: bool) -> float:
    """The highest cost of i at which this portfolio keeps the budgets (and, when it
    only ties the run's impact, costs less than the run): from the amounts themselves,
    not from the solver's value of the cost, which is off by its tolerance."""
    data, plan = context.data, context.plan
    cost, others = data.cost[i], funded - {i}
    most = [cost]
    if plan.budget is not None:
        most.append(plan.budget - math.fsum(data.cost[j] for j in others))
    for period in plan.periods:
        share = data.period_cost[i].get(period.id, 0.0) / cost
        if period.budget is not None and share:
            spent = math.fsum(data.period_cost[j].get(period.id, 0.0) for j in others)
            most.append((period.budget - spent) / share)
    if not more_impact:
        scale = context.model.money_scale
        cheaper = CHEAPER * max(1.0, context.cost / scale) * scale
        most.append(context.cost - cheaper - math.fsum(data.cost[j] for j in others))
    return min(most)
