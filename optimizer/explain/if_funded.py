"""Impact if funded: the best portfolio with a rejected initiative forced in, as a CX lead
gets it by setting its decision to `fund` (exempt from the say-no rule; what it requires
comes along, what it excludes goes), the cheapest of that impact (the tie rule): exactly
what optimizer.solve gives. Where it would then move no focus moment and counts only in a
portfolio of less impact, that figure is kept too (counted).

When its decision is auto and no work requires it, the run's optimum bounds every such
portfolio (forced in, it adds impact only on a focus moment; without it, the portfolio keeps
every rule with the same impact), and so does the best portfolio with a moment in focus for
the portfolios with that moment in focus. Then the run's own portfolio plus the initiative
(and what it requires), when that keeps every rule, has the best impact; it is the cheapest
when what it adds costs nothing, or when it adds only the initiative and no portfolio of the
run's impact has one of its moments in focus. Else the best portfolio with the run's focus
moments or fewer (a quick knapsack) is the answer when every other moment falls short of
it; if not, it starts the full solve, which searches only the moments that do not. A second
solve finds the cheapest of the best impact, as the engine does.
"""

from __future__ import annotations

import highspy
import numpy as np

from optimizer.checks import portfolio_cost, portfolio_impact, violations
from optimizer.conflicts import find_conflicts
from optimizer.engine import TIE_TOLERANCE, column_values, portfolio_values
from optimizer.explain.bounds import moment_best
from optimizer.explain.context import Context, focus_sets
from optimizer.explain.counted import (
    best_counted,
    best_of_fixed_focus,
    start_with,
    within_settles,
)
from optimizer.explain.run_model import INF, Portfolio, add_row, objective_on
from optimizer.explain.types import Explanation
from optimizer.say_no import trim_focus


def impact_if_funded(context: Context, i: int, explanation: Explanation) -> None:
    """Fills in impact_if_funded, impact_lost and the portfolio's changes (or conflict);
    where forced in it would count for less than it could, the counted figure too."""
    data, forced = context.data, context.decided(i, "fund")
    context.funding.pop(i, None)
    settled, candidate, cheapest = _settled(context, i, explanation)
    if settled is None:
        context.session.reset()
        context.force_in(i, counted=False)
        start = start_with(context, i, forced)
        if candidate is not None:
            start = portfolio_values(context.model, *candidate)
            if context.bounded(i):
                context.rule_out_focus(portfolio_impact(data, *candidate))
        explanation.solves += 1
        outcome = context.solve_from(start)
        if not outcome.found:
            explanation.conflict = _conflict(context, i) if outcome.infeasible else (
                "the time limit stopped the search before any portfolio that funds it")
            return
        settled = context.read()
    funded, focus = settled if cheapest else _cheapest(context, i, *settled, explanation)
    impact = portfolio_impact(data, funded, focus)
    explanation.impact_if_funded = impact
    explanation.impact_lost = max(0.0, context.impact - impact) if (
        context.impact - impact > context.tolerance) else 0.0
    ids, shown = data.initiatives, trim_focus(forced, funded, focus)
    explanation.displaces = sorted(ids[j].id for j in context.funded - funded)
    explanation.brings = sorted(ids[j].id for j in funded - context.funded - {i})
    explanation.focus_out = sorted(data.moments[m].id for m in context.focus - shown)
    explanation.focus_in = sorted(data.moments[m].id for m in shown - context.focus)
    if focus.intersection(data.uplift[i]):  # it counts: no portfolio where it does is better
        context.funding[i] = funded, focus
    else:
        _counted(context, i, impact, explanation)


def _counted(context: Context, i: int, impact: float, explanation: Explanation) -> None:
    """The best portfolio in which i counts, when forced in it moves no focus moment:
    kept in the explanation when it gives less (or none exists)."""
    counted, why = best_counted(context, i, explanation, impact)
    if counted is None:
        explanation.counted_conflict = why
        return
    value = portfolio_impact(context.data, *counted)
    if value < impact - TIE_TOLERANCE * max(1.0, abs(impact)):
        explanation.impact_if_counted = value
        focus = trim_focus(context.decided(i, "auto"), *counted)
        explanation.counted_focus = sorted(context.data.moments[m].id
                                           for m in focus.intersection(context.data.uplift[i]))


def _settled(context: Context, i: int, explanation: Explanation
             ) -> tuple[Portfolio | None, Portfolio | None, bool]:
    """The best portfolio with i forced in, when bounds prove it without a full solve of
    its own, and whether it is the cheapest of its impact; else, when one was found, a
    good portfolio forcing i in to start that solve from."""
    if not context.shortcuts:
        return None, None, False
    data = context.data
    quick = context.sharing and context.knapsacks  # alone, one solve at most
    sets = focus_sets(context)
    if quick and sets is None:
        for m in range(len(data.moments)):  # the bounds that rule focus moments out
            moment_best(context, m, explanation)
    added = context.closure(i)
    bounded = context.bounded(i)
    if bounded and not violations(context.decided(i, "fund"), context.funded | added,
                                  context.focus):
        with_run = context.funded | added, set(context.focus)
        return with_run, None, _surely_cheapest(context, i, added, explanation)
    if not quick:
        return None, None, False
    if sets is not None:  # the best of each focus set that can beat the others
        found = sets.best(i, explanation, counted=False)
        if found is not None:
            return _cheapest(context, i, *found[0], explanation, found[1]), None, True
    if not bounded:  # no bound holds, but a start does
        bases = [(INF, frozenset(context.focus))] + [
            (INF, best.focus) for m in data.uplift[i]
            if (best := context.with_moment.get(m)) is not None and best.bound is not None]
        return None, best_of_fixed_focus(context, i, bases, explanation, counted=False)[0], False
    # The best with the run's focus moments or fewer
    within = context.fixed_focus_best(i, context.focus, explanation, counted=False,
                                      within=True)
    if within is None:
        return None, None, False
    if within_settles(context, within, context.focus, context.impact):
        return within, None, False
    return None, within, False


def _surely_cheapest(context: Context, i: int, added: set[int],
                     explanation: Explanation) -> bool:
    """Whether the run's portfolio plus `added` (i and what it requires), of the run's
    impact, is the cheapest portfolio of that impact that forces i in.

    Such a portfolio in which i counts keeps every rule of the run, so costs no less than
    the run; one in which it does not, less i, keeps every rule with the same impact, so
    costs no less than the run plus i.
    """
    if not context.cheapest:
        return False
    data = context.data
    extra = added - context.funded
    if portfolio_cost(data, extra) == 0:
        return True
    if extra != {i}:
        return False
    floor = context.impact - context.tolerance
    for m in data.uplift[i]:  # can a portfolio of the run's impact have m in focus?
        best = moment_best(context, m, explanation)
        if best is None or (best.bound is not None and best.bound >= floor):
            return False
    return True


def _cheapest(context: Context, i: int, funded: set[int], focus: set[int],
              explanation: Explanation, looked: dict[int, float] | None = None) -> Portfolio:
    """The cheapest portfolio forcing i in with the impact of this one (the engine's
    second phase): cost minimised with the impact held at it, from it. `looked`: what
    the focus sets' search bounded each set it looked at by; then only the sets whose
    best can tie it are searched, one at a time."""
    data = context.data
    if not any(data.cost):
        return funded, focus  # every portfolio costs nothing: no cheaper one exists
    impact = portfolio_impact(data, funded, focus)
    tolerance = TIE_TOLERANCE * max(1.0, abs(impact))
    session, model = context.session, context.model
    sets = None if looked is None else focus_sets(context)
    holds = [None] if sets is None else [
        k for k, _ in sets.ranked(i, sets.candidates(i, counted=False), impact - 2 * tolerance)
        if looked.get(k, INF) >= impact - tolerance]  # the others fall short
    cheapest = funded, focus
    for k in holds:
        if k is None:
            session.reset()
            context.force_in(i, counted=False)
            if context.bounded(i):
                context.rule_out_focus(impact)
        else:
            sets.hold(i, k, counted=False, held=None)
        position = session.position
        objective_on(context, {position[var.name]: c for var, c in model.cost.items()},
                     highspy.ObjSense.kMinimize)
        add_row(context, [(position[var.name], w) for var, w in model.impact.items()],
                impact - tolerance, INF)
        explanation.solves += 1
        start = (np.array(column_values(data, funded, focus))
                 if k is None or focus <= set(sets.sets[k].tolist()) else None)
        outcome = context.solve_from(start)
        if k is not None and not (outcome.proven or outcome.infeasible):
            return _cheapest(context, i, funded, focus, explanation)  # one search of all
        if not outcome.found:
            continue
        cheaper = context.read()
        if (portfolio_impact(data, *cheaper) >= impact - tolerance
                and not violations(context.decided(i, "fund"), *cheaper)
                and portfolio_cost(data, cheaper[0]) < portfolio_cost(data, cheapest[0])):
            cheapest = cheaper
    return cheapest


def _conflict(context: Context, i: int) -> str:
    """Why no portfolio can force i in: the conflicts of the plan with its decision
    `fund`, as the engine would state them."""
    conflicts = find_conflicts(context.decided(i, "fund"))
    return " ".join(conflicts) or "no portfolio that funds it keeps every rule"
