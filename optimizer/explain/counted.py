"""Impact if counted: the best portfolio that funds a rejected initiative with one of its
moments in focus, as the say-no rule asks of work the optimiser chooses itself.

Where forced in it would move no focus moment, this is what it takes for it to count; it is
also where the break-even questions start from. It is never above the forced-in figure.
When the run's own portfolio plus the initiative (and what it requires) already keeps every
rule, that is the answer: no portfolio beats the run's optimum. Work that moves no focus
moment can only count with one of its moments in focus, so the best portfolio with that
moment in focus bounds the answer from above; when that portfolio plus the initiative keeps
every rule, the bound is met. Else the best with that portfolio's focus moments or fewer (a
quick knapsack) is the answer when it meets the bound or every other moment falls short of
it; if not, it starts the full solve, which then searches only the moments that do not.
"""

from __future__ import annotations

from optimizer.checks import portfolio_impact, violations
from optimizer.engine import portfolio_values
from optimizer.explain.bounds import moment_best
from optimizer.explain.context import Context, focus_sets
from optimizer.explain.run_model import INF, Portfolio
from optimizer.explain.types import Explanation
from optimizer.model import Data

NO_MOMENT = "it moves no moment, so it can never count"
NO_ROOM = "no portfolio that funds it can have one of its moments in focus"
STOPPED = "the time limit stopped the search for a portfolio in which it counts"


def best_counted(context: Context, i: int, explanation: Explanation, ceiling: float
                 ) -> tuple[Portfolio | None, str | None]:
    """The best portfolio that funds i with one of its moments in focus, kept in the
    context for the break-even questions; else None and why none does. `ceiling`: the
    forced-in figure, which bounds it."""
    if not context.data.uplift[i]:
        return None, NO_MOMENT
    settled, candidate = _settled(context, i, ceiling, explanation)
    if settled is None:
        context.session.reset()
        context.force_in(i)
        start = start_with(context, i, context.decided(i, "auto"))
        if candidate is not None:
            start = portfolio_values(context.model, *candidate)
            if context.data.initiatives[i].decision != "reject":  # else bounds do not hold
                context.rule_out_focus(portfolio_impact(context.data, *candidate))
        explanation.solves += 1
        outcome = context.solve_from(start)
        if not outcome.found:
            return None, NO_ROOM if outcome.infeasible else STOPPED
        settled = context.read()
    context.funding[i] = settled
    return settled, None


def _settled(context: Context, i: int, ceiling: float, explanation: Explanation
             ) -> tuple[Portfolio | None, Portfolio | None]:
    """The best portfolio in which i counts, when bounds prove it without a full solve of
    its own; else, when one was found, a good portfolio to start that solve from.

    A portfolio funding i has a focus set; with the focus among a few moments, the best
    one is a small knapsack, solved at once. The moments are those of the best portfolio
    with one of i's moments in focus (or the run's, for work on the focus); for a lifted
    rejection, the focus sets of those portfolios are tried as they are.
    """
    if not context.shortcuts:
        return None, None
    data = context.data
    quick = context.sharing and context.knapsacks  # alone, one solve at most
    sets = focus_sets(context)
    if quick and sets is None:
        for m in range(len(data.moments)):  # the bounds that rule focus moments out
            moment_best(context, m, explanation)
    if sets is not None and data.initiatives[i].decision == "reject":
        return _by_focus_sets(context, i, ceiling, explanation)
    if data.initiatives[i].decision == "reject":
        # Lifting a rejection can beat the run: only the forced-in figure bounds it.
        bases = [(ceiling, frozenset(context.focus))] + [
            (ceiling, best.focus) for m in data.uplift[i]
            if (best := context.with_moment.get(m)) is not None and best.bound is not None]
        return _reaching(context, i, ceiling, bases, explanation) if quick else (None, None)
    added = context.closure(i)
    with_run = context.funded | added
    if not violations(data, with_run, context.focus):
        return (with_run, set(context.focus)), None  # no portfolio beats the run's optimum
    if set(data.uplift[i]) & context.focus:
        # The run's optimum bounds it, and the run cannot take it.
        upper, focus = min(context.impact, ceiling), context.focus
    else:
        # Off the focus: it counts only with one of its moments in focus.
        bests = [(m, moment_best(context, m, explanation)) for m in data.uplift[i]]
        if any(best is None for _, best in bests):
            return None, None
        feasible = sorted((best for _, best in bests if best.bound is not None),
                          key=lambda best: -best.bound)
        if not feasible:
            return None, None
        upper = min(feasible[0].bound, ceiling)
        for best in feasible:
            if best.bound < upper - context.tolerance:
                break
            funded = set(best.funded) | added
            if not violations(data, funded, set(best.focus)):
                return (funded, set(best.focus)), None
        focus = set(feasible[0].focus)
    if not quick:
        return None, None
    if sets is not None:
        return _by_focus_sets(context, i, upper, explanation)
    # The best in which it counts with these focus moments or fewer
    within = context.fixed_focus_best(i, set(focus), explanation, within=True)
    if within is None:
        return None, None
    return (within, None) if within_settles(context, within, focus, upper) else (None, within)


def _by_focus_sets(context: Context, i: int, upper: float, explanation: Explanation
                   ) -> tuple[Portfolio | None, Portfolio | None]:
    """The best portfolio in which i counts, from the focus sets that hold one of its
    moments (`upper` bounds it); (None, None) where they leave it to a full solve."""
    sets = focus_sets(context)
    found = sets.best(i, explanation, moves=set(context.data.uplift[i]), enough=upper)
    return (None, None) if found is None else (found[0], None)


def within_settles(context: Context, within: Portfolio, focus: set[int], upper: float) -> bool:
    """Whether the best portfolio with its focus among these moments is the best of all:
    it reaches `upper`, a bound on all of them, or every other moment falls short of it
    (the best portfolio with that moment in focus does)."""
    value = portfolio_impact(context.data, *within)
    return value >= upper - context.tolerance or all(
        context.ruled_out(m, value) for m in range(len(context.data.moments))
        if m not in focus)


def _reaching(context: Context, i: int, upper: float,
              bases: list[tuple[float, frozenset[int]]], explanation: Explanation
              ) -> tuple[Portfolio | None, Portfolio | None]:
    """The best portfolio in which i counts with one of these focus sets: the answer
    when it reaches `upper`, a bound on every such portfolio; else a start."""
    candidate, value = best_of_fixed_focus(context, i, bases, explanation, counted=True)
    if candidate is not None and value >= upper - context.tolerance:
        return candidate, None
    return None, candidate


def best_of_fixed_focus(context: Context, i: int, bases: list[tuple[float, frozenset[int]]],
                        explanation: Explanation, *, counted: bool
                        ) -> tuple[Portfolio | None, float]:
    """The best portfolio funding i (as force_in does) with one of these focus sets, each
    with a bound on what it can give (in decreasing order), and its impact."""
    candidate, value = None, -INF
    for bound, focus in dict.fromkeys(bases):
        if bound <= value + context.tolerance:
            break  # no portfolio with this focus does better than the one found
        found = context.fixed_focus_best(i, set(focus), explanation, counted=counted)
        if found is not None and (impact := portfolio_impact(context.data, *found)) > value:
            candidate, value = found, impact
    return candidate, value


def start_with(context: Context, i: int, data_i: Data) -> dict[str, float] | None:
    """A portfolio that funds i, to start the search from: the run's portfolio, or the
    best one with one of i's moments in focus, with i and what it requires, less what
    they exclude. `data_i`: the data with i's decision as the search has it."""
    data = context.data
    added = context.closure(i)
    bases = [(context.funded, context.focus)] + [
        (set(best.funded), set(best.focus)) for m in data.uplift[i]
        if (best := context.with_moment.get(m)) is not None and best.bound is not None]
    for funded, focus in bases:
        funded = (funded | added) - {
            data.initiative_index[o] for j in added for o in data.initiatives[j].excludes}
        funded -= {j for j in funded if set(data.excluded_by[j]) & {
            data.initiatives[k].id for k in added}}
        if not violations(data_i, funded, focus):
            return portfolio_values(context.model, funded, focus)
    return None
