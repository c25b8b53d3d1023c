"""Counterfactual explanations: for a rejected initiative, what funding it would cost the
portfolio, and what would get it funded.

One HiGHS model is built per run and changed in place for each question, and what one
answer proves is kept for the next, so that most questions are settled without a solve:
- impact_if_funded: the best portfolio that must fund the initiative. When the run's own
  portfolio plus the initiative (and what it requires) already keeps every rule, that is
  the answer: no portfolio beats the run's optimum. Work that moves no focus moment can
  only be funded with one of its moments in focus, so the best portfolio with that moment
  in focus (one solve per moment, shared by all the work that moves it) bounds the answer
  from above; when that portfolio plus the initiative keeps every rule, the bound is met.
  On large plans whose relaxation is weak (little money), a full solve searches long:
  there, the best portfolio with the focus of such a bound fixed (a quick knapsack) may
  meet the bound; if not, it starts the full solve, which then only has to prove it, with
  the focus moments whose bound falls short of it taken out of the search.
- break_even_cost and break_even_uplift (optimizer.explain_breakeven): each one solve, not
  a bisection (on those large plans, started from quick fixed-focus solves too). The cost (or the
  uplift factor) becomes a variable of the model, maximised (or minimised) under the
  condition that the portfolio funding the initiative would be the optimiser's choice:
  strictly more impact than the run, or the same impact at no more cost (the tie rule).
  Bounds settle "no cost / no factor would do" first, without that solve: the impact of
  any focus set that includes one of its moments (from the weights and headrooms alone,
  or from one solve per moment with the limits widened by what such work costs), and
  impact_if_funded plus the most the larger uplifts could add.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

import highspy
import numpy as np

from optimizer.checks import SLACK, portfolio_impact, violations
from optimizer.conflicts import find_conflicts
from optimizer.engine import TIE_TOLERANCE, portfolio_values, validate
from optimizer.explain_breakeven import INF, Best, BreakEven
from optimizer.explain_types import Explanation
from optimizer.model import Data, Model, build_model, index_plan
from optimizer.plan import Plan
from optimizer.result import Result
from optimizer.say_no import limits_in_the_way, money, names, trim_focus
from optimizer.solvers import HighsSession, Outcome

DEFAULT_TIME_LIMIT = 60.0
BETTER = 1e-5  # relative: less than this more impact is no improvement
# Plans this large (initiatives), with a relaxation this much (relative) above the run's
# impact, find the start of a full solve with quick fixed-focus solves: smaller plans, or
# a tighter relaxation, make full solves that take little more than those (measured on
# the benchmark plans: 0.4-1.3% with money to spare, 6-11% with 5% of the total cost).
KNAPSACKS_FROM = 100
WEAK_RELAXATION = 0.03
# HiGHS settings for a search started from a good portfolio: no primal heuristics, no
# restarts.
PROVE_ONLY = (("mip_heuristic_effort", 0.0), ("mip_heuristic_run_rins", False),
              ("mip_heuristic_run_rens", False), ("mip_heuristic_run_root_reduced_cost", False),
              ("mip_allow_restart", False))

_Portfolio = tuple[set[int], set[int]]  # funded initiatives, focus moments


class Explainer(BreakEven):
    """Answers what-if questions about the rejected initiatives of one run."""

    def __init__(self, plan: Plan, result: Result, time_limit: float = DEFAULT_TIME_LIMIT,
                 *, shortcuts: bool = True, knapsacks: bool | None = None):
        """`shortcuts=False`: every figure from a solve of its own, no bounds (the
        reference the shortcuts are tested against). `knapsacks`: whether to find the
        start of a full solve with quick fixed-focus solves; by default on plans of
        KNAPSACKS_FROM initiatives or more whose relaxation is weak, where a full solve
        costs many of them."""
        if not result.has_portfolio:
            raise ValueError("only a run with a portfolio has rejected initiatives to explain")
        self.plan = validate(plan)
        self.result = result
        self.time_limit = time_limit
        self.shortcuts = shortcuts
        self.data: Data = index_plan(self.plan)
        self.model: Model = build_model(self.data)
        self.session = HighsSession(self.model.problem, self.model.columns,
                                    self.model.constraints, threads=None)
        for option in ("primal_feasibility_tolerance", "mip_feasibility_tolerance"):
            self.session.highs.setOptionValue(option, 1e-9)
        self.session.keep_pristine()
        data = self.data
        self.funded = {data.initiative_index[i] for i in result.funded}
        self.focus = {data.moment_index[m] for m in result.focus}
        self.impact = portfolio_impact(data, self.funded, self.focus)
        self.cost = math.fsum(data.cost[i] for i in self.funded)
        self.tolerance = TIE_TOLERANCE * max(1.0, abs(self.impact))
        # "More impact" must clear the solver's feasibility tolerances to count; they are
        # tightened too, since the what-if rows compare impacts and costs at the margin.
        self.better = BETTER * max(1.0, abs(self.impact))
        self.knapsacks = self._weak_relaxation() if knapsacks is None else knapsacks
        # What the solves with a moment held in focus proved, shared across initiatives;
        # None where a time limit stopped one.
        self._sharing = False  # whether to make solves that only pay off across questions
        self._with_moment: dict[int, Best | None] = {}
        self._with_moment_widened: dict[int, Best | None] = {}
        self._with_fewer_focus: dict[int, Best | None] = {}
        self._required = {data.initiative_index[o] for initiative in data.initiatives
                          for o in initiative.requires}
        self._funding: dict[int, tuple[set[int], set[int]]] = {}  # i -> impact_if_funded's
        self._focus_values = sorted(
            (max(0.0, moment.weight) * data.cap[m] for m, moment in enumerate(data.moments)),
            reverse=True)

    def _weak_relaxation(self) -> bool:
        """Whether this is a large plan whose relaxation (fractional work and focus) is
        WEAK_RELAXATION or more above the run's impact: then a full solve searches long,
        and a good start and fewer focus moments to search pay off. Ample money makes
        near-integral relaxations, and full solves quick: then they do not."""
        if len(self.data.initiatives) < KNAPSACKS_FROM:
            return False
        highs = self.session.highs
        highs.setOptionValue("solve_relaxation", True)
        try:
            highs.run()
            relaxed = highs.getInfo().objective_function_value
            ok = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        finally:
            highs.setOptionValue("solve_relaxation", False)
        return ok and relaxed - self.impact >= WEAK_RELAXATION * max(1.0, abs(self.impact))

    def explain_all(self, ids: list[str] | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    seconds: float | None = None) -> list[Explanation]:
        """Explanations of these rejected initiatives (all of them, in the run's order, by
        default). Solves that serve many questions (the best portfolio with a moment in
        focus, or with fewer focus moments) are made here, once, and shared.

        `seconds`: no new explanation is started after that long (the first one always
        is); the explanations made so far are returned, in order, for the caller to go on.
        """
        ids = [rejection.id for rejection in self.result.rejected] if ids is None else ids
        explanations = []
        self._sharing = len(ids) > 1
        stop = None if seconds is None else time.monotonic() + seconds
        try:
            for done, initiative_id in enumerate(ids, start=1):
                if explanations and stop is not None and time.monotonic() > stop:
                    break
                explanations.append(self.explain(initiative_id))
                if progress is not None:
                    progress(done, len(ids))
        finally:
            self._sharing = False
        return explanations

    def explain(self, initiative_id: str) -> Explanation:
        """One explanation; alone, it takes at most three solves of its own."""
        rejection = self.result.rejection(initiative_id)
        if rejection is None:
            raise KeyError(f"{initiative_id!r} is not a rejected initiative of this run")
        i = self.data.initiative_index[initiative_id]
        explanation = Explanation(id=initiative_id, reason=rejection.reason,
                                  message=rejection.message, impact=self.impact,
                                  impact_if_funded=None, impact_lost=None)
        self._if_funded(i, explanation)
        if rejection.reason != "forced_out":
            explanation.break_even_cost = self._break_even_cost(i, explanation)
            if explanation.impact_if_funded is not None:
                explanation.break_even_uplift = self._break_even_uplift(i, explanation)
        explanation.binding = self._binding(i, rejection.reason)
        explanation.message = self._message(i, rejection.message, explanation)
        return explanation

    # --- impact if funded ---

    def _if_funded(self, i: int, explanation: Explanation) -> None:
        data = self.data
        settled, candidate = self._settled_if_funded(i, explanation)
        if settled is not None:
            funded, focus = settled
        else:
            self.session.reset()
            self._force_in(i)
            start = self._start_with(i)
            if candidate is not None:
                start = portfolio_values(self.model, *candidate)
                if data.initiatives[i].decision != "reject":  # else the bounds do not hold
                    self._rule_out_focus(portfolio_impact(data, *candidate))
            explanation.solves += 1
            outcome = self._solve_from(start)
            if not outcome.found:
                explanation.conflict = self._conflict(i) if outcome.infeasible else (
                    "the time limit stopped the search before any portfolio that funds it")
                return
            funded, focus = self._read()
        funded, focus = self._least_change(i, funded, focus)
        self._funding[i] = funded, focus
        impact = portfolio_impact(data, funded, focus)
        explanation.impact_if_funded = impact
        explanation.impact_lost = max(0.0, self.impact - impact) if (
            self.impact - impact > self.tolerance) else 0.0
        ids = data.initiatives
        explanation.displaces = sorted(ids[j].id for j in self.funded - funded)
        explanation.brings = sorted(ids[j].id for j in funded - self.funded - {i})
        explanation.focus_out = sorted(data.moments[m].id for m in self.focus - focus)
        explanation.focus_in = sorted(data.moments[m].id for m in focus - self.focus)

    def _settled_if_funded(self, i: int, explanation: Explanation
                           ) -> tuple[_Portfolio | None, _Portfolio | None]:
        """The best portfolio that funds i, when bounds prove it without a full solve of its
        own; else, when one was found, a good portfolio funding i to start that solve from.

        A portfolio funding i has a focus set; with the focus fixed, the best one is a small
        knapsack, solved at once. The focus sets tried are those of the best portfolios with
        one of i's moments in focus (or the run's, for work on the focus): when one of them
        reaches the best bound of any focus, it is the answer.
        """
        if not self.shortcuts:
            return None, None
        data = self.data
        quick = self._sharing and self.knapsacks  # alone, at most three solves in all
        if quick:
            for m in range(len(data.moments)):  # the bounds that rule focus moments out
                self._moment_best(m, explanation)
        if data.initiatives[i].decision == "reject":
            # Lifting a rejection can beat the run: no bound holds, but a start does.
            bases = [(INF, frozenset(self.focus))] + [
                (INF, best.focus) for m in data.uplift[i]
                if (best := self._with_moment.get(m)) is not None and best.bound is not None]
            return None, self._best_of_fixed_focus(i, bases, explanation)[0] if quick else None
        added = self._closure(i)
        with_run = self.funded | added
        if not violations(data, with_run, self.focus):
            return (with_run, set(self.focus)), None  # no portfolio beats the run's optimum
        if set(data.uplift[i]) & self.focus:
            # The run's optimum bounds it, and the run cannot take it.
            upper, bases = self.impact, [(self.impact, frozenset(self.focus))]
        else:
            # Off the focus: funded only with one of its moments in focus.
            bests = [(m, self._moment_best(m, explanation)) for m in data.uplift[i]]
            if any(best is None for _, best in bests):
                return None, None
            feasible = sorted((best for _, best in bests if best.bound is not None),
                              key=lambda best: -best.bound)
            if not feasible:
                return None, None
            upper = feasible[0].bound
            for best in feasible:
                if best.bound < upper - self.tolerance:
                    break
                funded = set(best.funded) | added
                if not violations(data, funded, set(best.focus)):
                    return (funded, set(best.focus)), None
            bases = [(best.bound, best.focus) for best in feasible]
        if not quick:
            return None, None
        candidate, value = self._best_of_fixed_focus(i, bases, explanation)
        if candidate is not None and value >= upper - self.tolerance:
            return candidate, None
        return None, candidate

    def _best_of_fixed_focus(self, i: int, bases: list[tuple[float, frozenset[int]]],
                             explanation: Explanation) -> tuple[_Portfolio | None, float]:
        """The best portfolio funding i with one of these focus sets, each with a bound on
        what it can give (in decreasing order), and its impact."""
        candidate, value = None, -INF
        for bound, focus in dict.fromkeys(bases):
            if bound <= value + self.tolerance:
                break  # no portfolio with this focus does better than the one found
            found = self._fixed_focus_best(i, set(focus), explanation)
            if found is not None and (impact := portfolio_impact(self.data, *found)) > value:
                candidate, value = found, impact
        return candidate, value

    def _fixed_focus_best(self, i: int | None, focus: set[int], explanation: Explanation
                          ) -> _Portfolio | None:
        """The best portfolio (funding i, unless None) with exactly this focus, or None."""
        session = self.session
        session.reset()
        if i is not None:
            self._force_in(i)
        n = len(self.data.moments)
        columns = np.array([session.position[y.name] for y in self.model.y], np.int32)
        fixed = np.array([float(m in focus) for m in range(n)])
        session.highs.changeColsBounds(n, columns, fixed, fixed)
        explanation.solves += 1
        if not session.solve(self.time_limit).proven:
            return None
        return self._read()

    def _rule_out_focus(self, reached: float) -> None:
        """No focus moment whose best portfolio falls short of `reached` can be in the
        best one: those moments are taken out of the search."""
        session = self.session
        out = [session.position[self.model.y[m].name] for m, best in self._with_moment.items()
               if best is not None and (best.bound is None
                                        or best.bound < reached - self.tolerance)]
        if out:
            session.highs.changeColsBounds(len(out), np.array(out, np.int32),
                                           np.zeros(len(out)), np.zeros(len(out)))

    def _solve_from(self, start: dict[str, float] | np.ndarray | None) -> Outcome:
        """A solve; from a start as good as the bounds find, the search need not look for
        portfolios of its own, and its primal heuristics and restarts cost more time than
        the proof that is left (measured in docs/benchmarks.md). `start`: values of the
        model's variables by name, or of every column of the changed model."""
        if start is None:
            return self.session.solve(self.time_limit)
        highs = self.session.highs
        if isinstance(start, np.ndarray):
            highs.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
            start = None
        kept = {option: highs.getOptionValue(option)[1] for option, _ in PROVE_ONLY}
        for option, value in PROVE_ONLY:
            highs.setOptionValue(option, value)
        try:
            return self.session.solve(self.time_limit, start)
        finally:
            for option, value in kept.items():
                highs.setOptionValue(option, value)

    def _moment_best(self, m: int, explanation: Explanation) -> Best | None:
        """The best portfolio with moment m in focus; one solve per moment and run."""
        if m in self.focus:
            return Best(self.impact, frozenset(self.funded), frozenset(self.focus))
        if m not in self._with_moment:
            if not self._sharing:
                return None
            explanation.solves += 1
            self._with_moment[m] = self._solve_with_moment(m, False, explanation)
        return self._with_moment[m]

    def _moment_best_widened(self, m: int, explanation: Explanation) -> Best | None:
        """As _moment_best, with the budgets widened by the most that any rejected work
        moving m costs: a bound on what such work would get at a cost of zero."""
        if m not in self._with_moment_widened:
            if not self._sharing:
                return None
            explanation.solves += 1
            self._with_moment_widened[m] = self._solve_with_moment(m, True, explanation)
        return self._with_moment_widened[m]

    def _solve_with_moment(self, m: int, widened: bool, explanation: Explanation
                           ) -> Best | None:
        start = self._moment_start(m, widened, explanation) if self.knapsacks else None
        session = self.session
        session.reset()
        session.highs.changeColBounds(session.position[self.model.y[m].name], 1.0, 1.0)
        if widened:
            self._widen_limits(m)
        elif start is not None:
            self._rule_out_focus(portfolio_impact(self.data, *start))
        return self._proven_best(self._solve_from(
            None if start is None else portfolio_values(self.model, *start)))

    def _moment_start(self, m: int, widened: bool, explanation: Explanation
                      ) -> _Portfolio | None:
        """A good portfolio with m in focus: with the limits widened, the best one without;
        else the best of the run's focus with one moment swapped for m (fixed-focus
        solves)."""
        if widened:
            best = self._with_moment.get(m)
            return None if best is None or best.bound is None else (
                set(best.funded), set(best.focus))
        focus = sorted(self.focus, key=lambda k: -self.data.moments[k].weight * self.data.cap[k])
        bases = [set(focus) | {m}] if len(focus) < self.data.max_focus else [
            set(focus) - {k} | {m} for k in reversed(focus)]
        candidate, value = None, -INF
        for base in bases:
            found = self._fixed_focus_best(None, base, explanation)
            if found is not None and (impact := portfolio_impact(self.data, *found)) > value:
                candidate, value = found, impact
        return candidate

    def _widen_limits(self, m: int) -> None:
        """Budgets raised by what the costliest rejected work moving m costs (a cost of zero
        frees money; the work still takes its share of every capacity)."""
        data, highs, rows = self.data, self.session.highs, self.session.row_position
        scale = self.model.money_scale
        movers = [j for j in data.moved_by[m] if j not in self.funded
                  and data.initiatives[j].decision == "auto"]
        plan = self.plan
        if "budget" in rows:
            extra = max((data.cost[j] for j in movers), default=0.0)
            highs.changeRowBounds(rows["budget"], -INF, (plan.budget + extra) / scale)
        for t, period in enumerate(plan.periods):
            row = rows.get(f"period{t}")
            if row is not None:
                extra = max((data.period_cost[j].get(period.id, 0.0) for j in movers),
                            default=0.0)
                highs.changeRowBounds(row, -INF, (period.budget + extra) / scale)

    def _closure(self, i: int) -> set[int]:
        """The initiative and everything it requires, directly or not."""
        needed, queue = {i}, [i]
        while queue:
            for other in self.data.initiatives[queue.pop()].requires:
                j = self.data.initiative_index[other]
                if j not in needed:
                    needed.add(j)
                    queue.append(j)
        return needed

    def _force_in(self, i: int) -> None:
        position = self.session.position[self.model.x[i].name]
        self.session.highs.changeColBounds(position, 1.0, 1.0)
        row = self.session.row_position.get(f"forced_out{i}")
        if row is not None:  # what if the rejection were lifted
            self.session.highs.changeRowBounds(row, -INF, INF)

    def _start_with(self, i: int) -> dict[str, float] | None:
        """A portfolio that funds i, to start the search from: the run's portfolio, or the
        best one with one of i's moments in focus, with i and what it requires, less what
        they exclude."""
        data = self.data
        added = self._closure(i)
        bases = [(self.funded, self.focus)] + [
            (set(best.funded), set(best.focus)) for m in data.uplift[i]
            if (best := self._with_moment.get(m)) is not None and best.bound is not None]
        for funded, focus in bases:
            funded = (funded | added) - {
                data.initiative_index[o] for j in added for o in data.initiatives[j].excludes}
            funded -= {j for j in funded if set(data.excluded_by[j]) & {
                data.initiatives[k].id for k in added}}
            if not violations(data, funded, focus):
                return portfolio_values(self.model, funded, focus)
        return None

    def _read(self) -> tuple[set[int], set[int]]:
        funded = {i for i, var in enumerate(self.model.x) if (var.varValue or 0.0) > 0.5}
        focus = {m for m, var in enumerate(self.model.y) if (var.varValue or 0.0) > 0.5}
        return funded, focus

    def _least_change(self, i: int, funded: set[int], focus: set[int]
                      ) -> tuple[set[int], set[int]]:
        """Of the portfolios as good as this one, one that keeps the run's work where the
        rules allow and drops what it funds for nothing (the solves have no tie-break):
        `displaces` then names only the work that really has to go."""
        data = self.data
        best = portfolio_impact(data, funded, focus)
        totals = _Totals(data, funded)
        for j in sorted(self.funded - funded):
            more = funded | {j}
            if data.initiatives[j].decision == "auto" and not focus.intersection(data.uplift[j]):
                continue  # the say-no rule: it moves no focus moment of this portfolio
            if totals.fit(j) and not violations(data, more, focus):
                funded = more
                totals.add(j)
        for j in sorted(funded - self.funded - {i}, key=lambda k: -data.cost[k]):
            fewer = funded - {j}
            if (portfolio_impact(data, fewer, focus) >= best - self.tolerance
                    and not violations(data, fewer, focus)):
                funded = fewer
        return funded, trim_focus(data, funded, focus)

    def _conflict(self, i: int) -> str:
        data = self.data
        initiative = data.initiatives[i]
        if not data.uplift[i]:
            return "it moves no moment, so it can never move a focus moment"
        forced = replace(initiative, decision="fund")
        plan = replace(self.plan, initiatives=tuple(
            forced if other.id == initiative.id else other for other in self.plan.initiatives))
        conflicts = find_conflicts(index_plan(plan))
        return " ".join(conflicts)

    # --- words ---

    def _binding(self, i: int, reason: str) -> list[str]:
        data, initiative = self.data, self.data.initiatives[i]
        if reason == "forced_out":
            return [f"a decision: {initiative.reason.strip() or 'rejected'}"]
        if reason == "off_focus":
            if data.max_focus == 1:
                return ["the focus limit: 1 moment, which it does not move"]
            return [f"the focus limit: {data.max_focus} moments, none of which it moves"]
        if reason == "blocked":
            index = data.initiative_index
            missing = [o for o in initiative.requires if index[o] not in self.funded]
            clashing = [o for o in list(initiative.excludes) + data.excluded_by[i]
                        if index[o] in self.funded]
            return ([f"a dependency: it requires '{data.initiatives[index[o]].name}'"
                     for o in missing] +
                    [f"a conflict: it excludes '{data.initiatives[index[o]].name}'"
                     for o in dict.fromkeys(clashing)])
        if reason == "saturated":
            moved = [m for m in data.uplift[i] if m in self.focus]
            return [f"the headroom of {names(data, [m])}" for m in moved]
        usages = self.result.periods, self.result.resources
        return limits_in_the_way(data, i, self.funded, *usages)

    def _message(self, i: int, reason_message: str, explanation: Explanation) -> str:
        data, currency = self.data, self.plan.currency
        parts = [reason_message]
        if explanation.impact_if_funded is None:
            parts.append(f"No portfolio can fund it: {explanation.conflict}.")
        elif explanation.impact_lost:
            lost = explanation.impact_lost
            share = f" ({lost / self.impact:.0%})" if self.impact else ""
            sentence = f"Funding it would lower total impact by {lost:,.1f}{share}"
            dropped = [f"'{data.initiatives[data.initiative_index[j]].name}'"
                       for j in explanation.displaces]
            if dropped:
                sentence += " and drop " + _and(dropped)
            if explanation.focus_out:
                sentence += (", and would move the focus from "
                             + _moment_names(data, explanation.focus_out)
                             + " to " + _moment_names(data, explanation.focus_in))
            parts.append(sentence + ".")
        else:
            parts.append("Funding it would not lower total impact.")
        if explanation.reason == "forced_out":
            return " ".join(parts)
        now = money(data.cost[i], currency)
        if explanation.break_even_cost is not None:
            parts.append(f"It would be funded at a cost of "
                         f"{money(explanation.break_even_cost, currency)} or less (now {now}).")
        else:
            parts.append("No lower cost would get it funded.")
        if explanation.break_even_uplift is not None:
            parts.append(f"It would also be funded if its uplifts were "
                         f"{explanation.break_even_uplift:.2f} times larger.")
        return " ".join(parts)


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


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _moment_names(data: Data, moment_ids: list[str]) -> str:
    return names(data, [data.moment_index[m] for m in moment_ids]) or "none"


def explain(plan: Plan, result: Result, initiative_id: str,
            time_limit: float = DEFAULT_TIME_LIMIT) -> Explanation:
    """One explanation; build an Explainer to explain several of the same run."""
    return Explainer(plan, result, time_limit).explain(initiative_id)
