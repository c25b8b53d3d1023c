"""Counterfactual explanations: for a rejected initiative, what funding it would cost the
portfolio, and what would get it funded.

One HiGHS model is built per run and changed in place for each question, and easy cases
are settled without a solve:
- impact_if_funded: the best portfolio that must fund the initiative. When the run's own
  portfolio plus the initiative (and what it requires) already keeps every rule, that is
  the answer: no portfolio beats the run's optimum.
- break_even_cost and break_even_uplift: each one solve, not a bisection. The cost (or the
  uplift factor) becomes a variable of the model, maximised (or minimised) under the
  condition that the portfolio funding the initiative would be the optimiser's choice:
  strictly more impact than the run, or the same impact at no more cost (the tie rule).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import highspy
import numpy as np

from optimizer.checks import portfolio_impact, violations
from optimizer.conflicts import find_conflicts
from optimizer.engine import TIE_TOLERANCE, portfolio_values, validate
from optimizer.explain_types import Explanation
from optimizer.model import Data, Model, build_model, index_plan
from optimizer.plan import Plan
from optimizer.result import Result
from optimizer.say_no import limits_in_the_way, money, names, trim_focus
from optimizer.solvers import HighsSession

DEFAULT_TIME_LIMIT = 60.0
MAX_UPLIFT_FACTOR = 10.0
BETTER = 1e-5  # relative: less than this more impact is no improvement
CHEAPER = 1e-6  # relative: less than this cheaper is the same cost
INF = highspy.kHighsInf


class Explainer:
    """Answers what-if questions about the rejected initiatives of one run."""

    def __init__(self, plan: Plan, result: Result, time_limit: float = DEFAULT_TIME_LIMIT):
        if not result.has_portfolio:
            raise ValueError("only a run with a portfolio has rejected initiatives to explain")
        self.plan = validate(plan)
        self.result = result
        self.time_limit = time_limit
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

    def explain_all(self, progress: Callable[[int, int], None] | None = None
                    ) -> list[Explanation]:
        """An explanation for every rejected initiative, in the run's order."""
        explanations = []
        total = len(self.result.rejected)
        for done, rejection in enumerate(self.result.rejected, start=1):
            explanations.append(self.explain(rejection.id))
            if progress is not None:
                progress(done, total)
        return explanations

    def explain(self, initiative_id: str) -> Explanation:
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
        shortcut = self._run_portfolio_with(i)
        if shortcut is not None:
            funded, focus = shortcut
        else:
            self.session.reset()
            self._force_in(i)
            explanation.solves += 1
            outcome = self.session.solve(self.time_limit, self._start_with(i))
            if not outcome.found:
                explanation.conflict = self._conflict(i) if outcome.infeasible else (
                    "the time limit stopped the search before any portfolio that funds it")
                return
            funded, focus = self._read()
            funded, focus = self._prune(i, funded, focus)
        impact = portfolio_impact(data, funded, focus)
        explanation.impact_if_funded = impact
        explanation.impact_lost = max(0.0, self.impact - impact) if (
            self.impact - impact > self.tolerance) else 0.0
        ids = data.initiatives
        explanation.displaces = sorted(ids[j].id for j in self.funded - funded)
        explanation.brings = sorted(ids[j].id for j in funded - self.funded - {i})
        explanation.focus_out = sorted(data.moments[m].id for m in self.focus - focus)
        explanation.focus_in = sorted(data.moments[m].id for m in focus - self.focus)

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

    def _run_portfolio_with(self, i: int) -> tuple[set[int], set[int]] | None:
        """The run's portfolio plus i, if that keeps every rule (then it is optimal)."""
        if self.data.initiatives[i].decision == "reject":
            return None  # lifting a rejection can beat the run: it must be solved
        funded = self.funded | self._closure(i)
        if violations(self.data, funded, self.focus):
            return None
        return funded, self.focus

    def _force_in(self, i: int) -> None:
        position = self.session.position[self.model.x[i].name]
        self.session.highs.changeColBounds(position, 1.0, 1.0)
        row = self.session.row_position.get(f"forced_out{i}")
        if row is not None:  # what if the rejection were lifted
            self.session.highs.changeRowBounds(row, -INF, INF)

    def _start_with(self, i: int) -> dict[str, float] | None:
        """The run's portfolio with i and what it requires, less what they exclude."""
        data = self.data
        added = self._closure(i)
        funded = (self.funded | added) - {
            data.initiative_index[o] for j in added for o in data.initiatives[j].excludes}
        funded -= {j for j in funded if set(data.excluded_by[j]) & {
            data.initiatives[k].id for k in added}}
        focus = self.focus
        if violations(data, funded, focus):
            return None
        return portfolio_values(self.model, funded, focus)

    def _read(self) -> tuple[set[int], set[int]]:
        funded = {i for i, var in enumerate(self.model.x) if (var.varValue or 0.0) > 0.5}
        focus = {m for m, var in enumerate(self.model.y) if (var.varValue or 0.0) > 0.5}
        return funded, focus

    def _prune(self, i: int, funded: set[int], focus: set[int]) -> tuple[set[int], set[int]]:
        """Drop work the what-if portfolio funds for nothing (the solve has no tie-break)."""
        data = self.data
        best = portfolio_impact(data, funded, focus)
        for j in sorted(funded - self.funded - {i}, key=lambda k: -data.cost[k]):
            fewer = funded - {j}
            if (not violations(data, fewer, focus)
                    and portfolio_impact(data, fewer, focus) >= best - self.tolerance):
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

    # --- break-even cost and uplift ---

    def _chosen_rows(self, i: int, extra_cost: tuple[int, float] | None) -> None:
        """Rows saying the portfolio beats the run, or ties it at no more cost.

        A binary z picks the case: z = 1, impact >= run + better; z = 0, impact >= run
        - tolerance and cost below the run's. `extra_cost`: a (column, coefficient) that stands
        for i's own cost in the cost, when that cost is a variable.
        """
        highs, position = self.session.highs, self.session.position
        scale = self.model.money_scale
        highs.addCol(0.0, 0.0, 1.0, 0, np.zeros(0, np.int32), np.zeros(0))
        z = highs.getNumCol() - 1
        highs.changeColsIntegrality(1, np.array([z], np.int32), np.array([1], np.uint8))
        impact = [(position[var.name], w) for var, w in self.model.impact.items()]
        self._add_row([*impact, (z, -(self.tolerance + self.better))],
                      self.impact - self.tolerance, INF)
        cost = [(position[var.name], c) for var, c in self.model.cost.items()]
        if extra_cost is not None:
            own = position[self.model.x[i].name]
            cost = [(column, c) for column, c in cost if column != own] + [extra_cost]
        big = math.fsum(self.data.cost) / scale + 1.0
        # Strictly cheaper: an equal cost ties, and the run's portfolio may win that tie.
        cheaper = CHEAPER * max(1.0, self.cost / scale)
        self._add_row([*cost, (z, -big)], -INF, self.cost / scale - cheaper)

    def _add_row(self, terms: list[tuple[int, float]], lower: float, upper: float) -> None:
        self.session.highs.addRow(lower, upper, len(terms),
                                  np.array([c for c, _ in terms], np.int32),
                                  np.array([v for _, v in terms], np.float64))

    def _objective_on(self, column: int, sense: highspy.ObjSense) -> None:
        highs = self.session.highs
        n = highs.getNumCol()
        costs = np.zeros(n)
        costs[column] = 1.0
        highs.changeColsCost(n, np.arange(n, dtype=np.int32), costs)
        highs.changeObjectiveSense(sense)

    def _break_even_cost(self, i: int, explanation: Explanation) -> float | None:
        """Highest cost at which the optimiser would fund i; None if no cost >= 0 would."""
        data = self.data
        cost = data.cost[i]
        if cost <= 0 or not data.uplift[i]:
            return None
        scale = self.model.money_scale
        highs, position = self.session.highs, self.session.position
        rows = self.session.row_position
        self.session.reset()
        self._force_in(i)
        x_i = position[self.model.x[i].name]
        # the cost becomes a variable c in [0, cost]; its periods keep their shares
        highs.addCol(0.0, 0.0, cost / scale, 0, np.zeros(0, np.int32), np.zeros(0))
        c = highs.getNumCol() - 1  # the money scale applies to it as to every amount
        if "budget" in rows:
            highs.changeCoeff(rows["budget"], x_i, 0.0)
            highs.changeCoeff(rows["budget"], c, 1.0)
        for t, period in enumerate(self.plan.periods):
            row = rows.get(f"period{t}")
            share = data.period_cost[i].get(period.id, 0.0) / cost
            if row is not None and share:
                highs.changeCoeff(row, x_i, 0.0)
                highs.changeCoeff(row, c, share)
        self._chosen_rows(i, extra_cost=(c, 1.0))
        self._objective_on(c, highspy.ObjSense.kMaximize)
        explanation.solves += 1
        outcome = self.session.solve(self.time_limit)
        if not outcome.proven:
            return None
        best = highs.getSolution().col_value[c] * scale
        # Just below the boundary, where the funding portfolio is strictly preferred.
        step = 1.0 if cost >= 100 else 0.01
        return max(0.0, math.ceil(best / step - 1e-9) * step - step)

    def _break_even_uplift(self, i: int, explanation: Explanation) -> float | None:
        """Smallest factor on i's uplifts that would get it funded (up to x10), else None."""
        data = self.data
        if not data.uplift[i]:
            return None
        highs, position = self.session.highs, self.session.position
        rows = self.session.row_position
        self.session.reset()
        self._force_in(i)
        x_i = position[self.model.x[i].name]
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
            highs.changeColBounds(position[self.model.v[m].name], 0.0, cap)
            highs.changeCoeff(rows[f"focus_cap{m}"], position[self.model.y[m].name], -cap)
        self._chosen_rows(i, extra_cost=None)
        self._objective_on(k, highspy.ObjSense.kMinimize)
        explanation.solves += 1
        outcome = self.session.solve(self.time_limit)
        if not outcome.proven:
            return None
        factor = highs.getSolution().col_value[k]
        # Just above the boundary, where the funding portfolio is strictly preferred.
        return min(MAX_UPLIFT_FACTOR, math.floor(factor * 100 + 1e-9) / 100 + 0.01)

    # --- words ---

    def _binding(self, i: int, reason: str) -> list[str]:
        data, initiative = self.data, self.data.initiatives[i]
        if reason == "forced_out":
            return [f"a decision: {initiative.reason.strip() or 'rejected'}"]
        if reason == "off_focus":
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


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _moment_names(data: Data, moment_ids: list[str]) -> str:
    return names(data, [data.moment_index[m] for m in moment_ids]) or "none"


def explain(plan: Plan, result: Result, initiative_id: str,
            time_limit: float = DEFAULT_TIME_LIMIT) -> Explanation:
    """One explanation; build an Explainer to explain several of the same run."""
    return Explainer(plan, result, time_limit).explain(initiative_id)
