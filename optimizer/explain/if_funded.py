"""Impact if funded: the best portfolio that must fund a rejected initiative, and its cost.

When the run's own portfolio plus the initiative (and what it requires) already keeps
every rule, that is the answer: no portfolio beats the run's optimum. Work that moves no
focus moment can only be funded with one of its moments in focus, so the best portfolio
with that moment in focus bounds the answer from above; when that portfolio plus the
initiative keeps every rule, the bound is met. Else quick fixed-focus solves may meet the
bound, or start the full solve, which then only has to prove it.
"""

from __future__ import annotations

import math
from dataclasses import replace

from optimizer.checks import SLACK, portfolio_impact, violations
from optimizer.conflicts import find_conflicts
from optimizer.engine import portfolio_values
from optimizer.explain.bounds import moment_best
from optimizer.explain.context import INF, Context, Portfolio
from optimizer.explain.types import Explanation
from optimizer.model import Data, index_plan
from optimizer.say_no import trim_focus


def impact_if_funded(context: Context, i: int, explanation: Explanation) -> None:
    """Fills in impact_if_funded, impact_lost and the portfolio's changes (or conflict),
    and keeps that portfolio in the context for the break-even questions."""
    data = context.data
    settled, candidate = _settled_if_funded(context, i, explanation)
    if settled is not None:
        funded, focus = settled
    else:
        context.session.reset()
        context.force_in(i)
        start = _start_with(context, i)
        if candidate is not None:
            start = portfolio_values(context.model, *candidate)
            if data.initiatives[i].decision != "reject":  # else the bounds do not hold
                context.rule_out_focus(portfolio_impact(data, *candidate))
        explanation.solves += 1
        outcome = context.solve_from(start)
        if not outcome.found:
            explanation.conflict = _conflict(context, i) if outcome.infeasible else (
                "the time limit stopped the search before any portfolio that funds it")
            return
        funded, focus = context.read()
    funded, focus = _least_change(context, i, funded, focus)
    context.funding[i] = funded, focus
    impact = portfolio_impact(data, funded, focus)
    explanation.impact_if_funded = impact
    explanation.impact_lost = max(0.0, context.impact - impact) if (
        context.impact - impact > context.tolerance) else 0.0
    ids = data.initiatives
    explanation.displaces = sorted(ids[j].id for j in context.funded - funded)
    explanation.brings = sorted(ids[j].id for j in funded - context.funded - {i})
    explanation.focus_out = sorted(data.moments[m].id for m in context.focus - focus)
    explanation.focus_in = sorted(data.moments[m].id for m in focus - context.focus)


def _settled_if_funded(context: Context, i: int, explanation: Explanation
                       ) -> tuple[Portfolio | None, Portfolio | None]:
    """The best portfolio that funds i, when bounds prove it without a full solve of its
    own; else, when one was found, a good portfolio funding i to start that solve from.

    A portfolio funding i has a focus set; with the focus fixed, the best one is a small
    knapsack, solved at once. The focus sets tried are those of the best portfolios with
    one of i's moments in focus (or the run's, for work on the focus): when one of them
    reaches the best bound of any focus, it is the answer.
    """
    if not context.shortcuts:
        return None, None
    data = context.data
    quick = context.sharing and context.knapsacks  # alone, at most three solves in all
    if quick:
        for m in range(len(data.moments)):  # the bounds that rule focus moments out
            moment_best(context, m, explanation)
    if data.initiatives[i].decision == "reject":
        # Lifting a rejection can beat the run: no bound holds, but a start does.
        bases = [(INF, frozenset(context.focus))] + [
            (INF, best.focus) for m in data.uplift[i]
            if (best := context.with_moment.get(m)) is not None and best.bound is not None]
        return None, _best_of_fixed_focus(context, i, bases, explanation)[0] if quick else None
    added = _closure(context, i)
    with_run = context.funded | added
    if not violations(data, with_run, context.focus):
        return (with_run, set(context.focus)), None  # no portfolio beats the run's optimum
    if set(data.uplift[i]) & context.focus:
        # The run's optimum bounds it, and the run cannot take it.
        upper, bases = context.impact, [(context.impact, frozenset(context.focus))]
    else:
        # Off the focus: funded only with one of its moments in focus.
        bests = [(m, moment_best(context, m, explanation)) for m in data.uplift[i]]
        if any(best is None for _, best in bests):
            return None, None
        feasible = sorted((best for _, best in bests if best.bound is not None),
                          key=lambda best: -best.bound)
        if not feasible:
            return None, None
        upper = feasible[0].bound
        for best in feasible:
            if best.bound < upper - context.tolerance:
                break
            funded = set(best.funded) | added
            if not violations(data, funded, set(best.focus)):
                return (funded, set(best.focus)), None
        bases = [(best.bound, best.focus) for best in feasible]
    if not quick:
        return None, None
    candidate, value = _best_of_fixed_focus(context, i, bases, explanation)
    if candidate is not None and value >= upper - context.tolerance:
        return candidate, None
    return None, candidate


def _best_of_fixed_focus(context: Context, i: int, bases: list[tuple[float, frozenset[int]]],
                         explanation: Explanation) -> tuple[Portfolio | None, float]:
    """The best portfolio funding i with one of these focus sets, each with a bound on
    what it can give (in decreasing order), and its impact."""
    candidate, value = None, -INF
    for bound, focus in dict.fromkeys(bases):
        if bound <= value + context.tolerance:
            break  # no portfolio with this focus does better than the one found
        found = context.fixed_focus_best(i, set(focus), explanation)
        if found is not None and (impact := portfolio_impact(context.data, *found)) > value:
            candidate, value = found, impact
    return candidate, value


def _closure(context: Context, i: int) -> set[int]:
    """The initiative and everything it requires, directly or not."""
    needed, queue = {i}, [i]
    while queue:
        for other in context.data.initiatives[queue.pop()].requires:
            j = context.data.initiative_index[other]
            if j not in needed:
                needed.add(j)
                queue.append(j)
    return needed


def _start_with(context: Context, i: int) -> dict[str, float] | None:
    """A portfolio that funds i, to start the search from: the run's portfolio, or the
    best one with one of i's moments in focus, with i and what it requires, less what
    they exclude."""
    data = context.data
    added = _closure(context, i)
    bases = [(context.funded, context.focus)] + [
        (set(best.funded), set(best.focus)) for m in data.uplift[i]
        if (best := context.with_moment.get(m)) is not None and best.bound is not None]
    for funded, focus in bases:
        funded = (funded | added) - {
            data.initiative_index[o] for j in added for o in data.initiatives[j].excludes}
        funded -= {j for j in funded if set(data.excluded_by[j]) & {
            data.initiatives[k].id for k in added}}
        if not violations(data, funded, focus):
            return portfolio_values(context.model, funded, focus)
    return None


def _least_change(context: Context, i: int, funded: set[int], focus: set[int]) -> Portfolio:
    """Of the portfolios as good as this one, one that keeps the run's work where the
    rules allow and drops what it funds for nothing (the solves have no tie-break):
    `displaces` then names only the work that really has to go."""
    data = context.data
    best = portfolio_impact(data, funded, focus)
    totals = _Totals(data, funded)
    for j in sorted(context.funded - funded):
        more = funded | {j}
        if data.initiatives[j].decision == "auto" and not focus.intersection(data.uplift[j]):
            continue  # the say-no rule: it moves no focus moment of this portfolio
        if totals.fit(j) and not violations(data, more, focus):
            funded = more
            totals.add(j)
    for j in sorted(funded - context.funded - {i}, key=lambda k: -data.cost[k]):
        fewer = funded - {j}
        if (portfolio_impact(data, fewer, focus) >= best - context.tolerance
                and not violations(data, fewer, focus)):
            funded = fewer
    return funded, trim_focus(data, funded, focus)


def _conflict(context: Context, i: int) -> str:
    data = context.data
    initiative = data.initiatives[i]
    if not data.uplift[i]:
        return "it moves no moment, so it can never move a focus moment"
    forced = replace(initiative, decision="fund")
    plan = replace(context.plan, initiatives=tuple(
        forced if other.id == initiative.id else other for other in context.plan.initiatives))
    conflicts = find_conflicts(index_plan(plan))
    return " ".join(conflicts)


class _Totals:
    """Money and capacity a portfolio takes, to rule work out before a full check."""

    def __init__(self, data: Data, funded: set[int]):
        plan = data.plan
        self.data = data
        self.limits = [(None, plan.budget, data.cost)] if plan.budget is not None else []
        self.limits += [(p.id, p.budget, None) for p in plan.periods if p.budget is not None]
        self.limits += [(r.id, r.capacity, data.uses) for r in plan.resources]
        self.used = [math.fsum(self._amount(limit, j) for j in funded) for limit in self.limits]

    def _amount(self, limit: tuple, j: int) -> float:
        key, _, table = limit
        if key is None:
            return table[j]
        if table is None:
            return self.data.initiatives[j].cost_in(key)
        return table[j].get(key, 0.0)

    def fit(self, j: int) -> bool:
        return all(used + self._amount(limit, j) <= limit[1] * (1 + SLACK) + SLACK
                   for limit, used in zip(self.limits, self.used, strict=True))

    def add(self, j: int) -> None:
        self.used = [used + self._amount(limit, j)
                     for limit, used in zip(self.limits, self.used, strict=True)]
