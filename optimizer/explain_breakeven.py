"""Break-even figures of an explanation: the highest cost, and the least uplift factor, at
which the optimiser would fund a rejected initiative, with the bounds that settle them
without a solve. A part of Explainer (optimizer.explain), kept apart for its size.

Each is one full solve, not a bisection: the cost (or the factor) becomes a variable of the
model, maximised (or minimised) under the condition that the portfolio funding the
initiative would be the optimiser's choice. The figure is then read from that portfolio's
own amounts and uplifts, not from the solver's value of the variable, which is off by its
tolerance.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import highspy
import numpy as np

from optimizer.checks import portfolio_impact
from optimizer.explain_types import Explanation
from optimizer.solvers import Outcome

MAX_UPLIFT_FACTOR = 10.0
CHEAPER = 1e-6  # relative: less than this cheaper is the same cost
INF = highspy.kHighsInf


@dataclass(frozen=True)
class Best:
    """A proven best portfolio under some condition: `bound` is the solver's proof."""

    bound: float | None  # None: no portfolio meets the condition
    funded: frozenset[int] = frozenset()
    focus: frozenset[int] = frozenset()


class BreakEven:
    """The break-even questions of Explainer, which holds the model and what it proved."""

    def _chosen_rows(self, i: int, extra_cost: tuple[int, float] | None) -> int:
        """Rows saying the portfolio beats the run, or ties it at no more cost.

        A binary z picks the case: z = 1, impact >= run + better; z = 0, impact >= run
        - tolerance and cost below the run's. `extra_cost`: a (column, coefficient) that stands
        for i's own cost in the cost, when that cost is a variable. Returns z's column.
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
        return z

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

    def _never_chosen(self, i: int, explanation: Explanation) -> bool:
        """Whether work off the focus would lose to the run even at a cost of zero: every
        portfolio funding it has one of its moments in focus, and is bounded by the best
        focus set that holds that moment (weights and headrooms alone), then by the best
        portfolio with that moment in focus and the limits widened by what it takes."""
        if not self.shortcuts:
            return False
        data = self.data
        if data.initiatives[i].decision != "auto" or set(data.uplift[i]) & self.focus:
            return False
        floor = self.impact - self.tolerance
        if self._outside_focus_bound(i, data.cap, explanation) < floor:
            return True
        values, k = self._focus_values, data.max_focus
        for m in data.uplift[i]:
            own = max(0.0, data.moments[m].weight) * data.cap[m]
            most = (math.fsum(values[:k]) if len(values) <= k or own >= values[k - 1]
                    else own + math.fsum(values[:k - 1]))
            if most < floor:
                continue
            best = self._moment_best_widened(m, explanation)
            if best is None or (best.bound is not None and best.bound >= floor):
                return False
        return True

    def _outside_focus_bound(self, i: int, caps: list[float],
                             explanation: Explanation) -> float:
        """An upper bound on the impact of any portfolio that funds i (at any cost) with
        t of i's moments in focus: the best portfolio with t fewer focus moments (one solve
        per t, shared by all initiatives), plus the most those t moments can give."""
        data = self.data
        values = sorted((max(0.0, data.moments[m].weight) * caps[m] for m in data.uplift[i]),
                        reverse=True)
        bound = -INF
        for t in range(1, min(data.max_focus, len(values)) + 1):
            rest = (self._fewer_focus_best(data.max_focus - t, explanation)
                    if t < data.max_focus else 0.0)
            if rest is None:
                return INF
            bound = max(bound, rest + math.fsum(values[:t]))
        return bound

    def _fewer_focus_best(self, k: int, explanation: Explanation) -> float | None:
        """The best impact with k focus moments (see _fewer_focus); -inf if none."""
        best = self._fewer_focus(k, explanation)
        return None if best is None else -INF if best.bound is None else best.bound

    def _fewer_focus(self, k: int, explanation: Explanation) -> Best | None:
        """The best portfolio with k focus moments, the say-no rule lifted for work that
        other work requires; None if not proven. One solve per k and run.

        It bounds the part of any portfolio that its other focus moments make: of a
        portfolio with more focus moments, keep the work that moves these k, and the work
        it requires, which may move none of them.
        """
        if k not in self._with_fewer_focus:
            if not self._sharing:
                return None
            explanation.solves += 1
            session = self.session
            session.reset()
            rows = session.row_position
            session.highs.changeRowBounds(rows["max_focus"], -INF, float(k))
            lifted = np.array([rows[f"say_no{j}"] for j in sorted(self._required)
                               if f"say_no{j}" in rows], dtype=np.int32)
            if len(lifted):
                session.highs.changeRowsBounds(len(lifted), lifted, np.full(len(lifted), -INF),
                                               np.full(len(lifted), INF))
            self._with_fewer_focus[k] = self._proven_best(session.solve(self.time_limit))
        return self._with_fewer_focus[k]

    def _proven_best(self, outcome: Outcome) -> Best | None:
        """What a solve proved: its portfolio and bound; None if a time limit stopped it."""
        if outcome.infeasible:
            return Best(None)
        if not outcome.proven:
            return None
        funded, focus = self._read()
        impact = portfolio_impact(self.data, funded, focus)
        return Best(max(impact, outcome.bound if outcome.bound is not None else impact),
                     frozenset(funded), frozenset(focus))

    def _never_chosen_with_larger_uplifts(self, i: int, if_funded: float,
                                          explanation: Explanation) -> bool:
        """Whether even ten times its uplifts would leave i's portfolios behind the run.

        Two bounds on a portfolio funding i with larger uplifts: its impact now (at most
        impact_if_funded) plus the most the extra uplift adds on the focus moments; and the
        best focus set holding one of i's moments, from weights and (larger) headrooms.
        """
        if not self.shortcuts:
            return False
        data = self.data
        floor = self.impact - self.tolerance
        if if_funded + math.fsum(self._largest_gains(i)) < floor:
            return True
        if data.initiatives[i].decision != "auto" or set(data.uplift[i]) & self.focus:
            return False  # the bounds below are for work off the focus
        caps = [self._larger_cap(i, m) for m in range(len(data.moments))]
        if self._outside_focus_bound(i, caps, explanation) < floor:
            return True
        values = [max(0.0, moment.weight) * caps[m] for m, moment in enumerate(data.moments)]
        k = data.max_focus
        for m in data.uplift[i]:
            others = sorted(values[:m] + values[m + 1:], reverse=True)
            if values[m] + math.fsum(others[:k - 1]) >= floor:
                return False
        return True

    def _largest_gains(self, i: int) -> list[float]:
        """The most that i's uplifts at ten times their size can add to any portfolio's
        impact, per focus moment, largest first (as many as there are focus moments): a
        moment's improvement grows by at most the extra uplift, and never past its
        headroom (min(H, u + d) - min(H, u) <= min(d, H))."""
        data = self.data
        gains = []
        for m, e in data.uplift[i].items():
            extra = (MAX_UPLIFT_FACTOR - 1) * e
            headroom = data.moments[m].headroom
            if headroom is not None:
                extra = min(extra, headroom)
            gains.append(max(0.0, data.moments[m].weight) * extra)
        return sorted(gains, reverse=True)[:data.max_focus]

    def _implied_uplift(self, i: int, explanation: Explanation) -> float | None:
        """The factor without a solve, when two figures pin it to the same hundredth.

        From below, _least_factor; from above, the portfolio found for impact_if_funded,
        whose gain with the factor is computed exactly.
        """
        if not self.shortcuts:
            return None
        funded, focus = self._funding[i]
        low = self._least_factor(i, explanation)
        if low is None:
            return None
        high = self._factor_reaching(i, funded, focus, self.impact + self.better)
        if low < 1.0 or high is None or hundredths(low) != hundredths(high):
            return None
        return just_above(high)

    def _impact_at(self, i: int, funded: set[int], focus: set[int], factor: float) -> float:
        """The impact of a portfolio funding i with i's uplifts `factor` times larger."""
        data = self.data
        total = []
        for m in focus:
            uplift = math.fsum(data.uplift[j][m] for j in data.moved_by[m]
                               if j in funded and j != i)
            uplift += factor * data.uplift[i].get(m, 0.0)
            headroom = data.moments[m].headroom
            total.append(data.moments[m].weight * (
                uplift if headroom is None else min(headroom, uplift)))
        return math.fsum(total)

    def _factor_reaching(self, i: int, funded: set[int], focus: set[int], target: float
                         ) -> float | None:
        """The least factor (to within 1e-15) at which this portfolio reaches target;
        None if even the largest does not."""
        if self._impact_at(i, funded, focus, MAX_UPLIFT_FACTOR) < target:
            return None
        below, high = 1.0, MAX_UPLIFT_FACTOR  # impact_at(below) < target <= impact_at(high)
        for _ in range(60):
            middle = (below + high) / 2
            below, high = (below, middle) if self._impact_at(
                i, funded, focus, middle) >= target else (middle, high)
        return high

    def _least_factor(self, i: int, explanation: Explanation) -> float | None:
        """A factor below which no portfolio funding i reaches the run's impact.

        A portfolio funding i with T its focus moments among i's has, now, at most the best
        impact with any one of T in focus, and gains at most the sum over T of w_m * e_im
        per unit of factor.
        """
        data = self.data
        bests = {}
        for m in data.uplift[i]:
            best = self._moment_best(m, explanation)
            if best is None:
                return None
            if best.bound is not None:
                bests[m] = best.bound
        floor = self.impact - self.tolerance
        low = INF
        for size in range(1, min(data.max_focus, len(bests)) + 1):
            for held in itertools.combinations(bests, size):
                rate = math.fsum(max(0.0, data.moments[m].weight) * data.uplift[i][m]
                                 for m in held)
                if rate > 0:
                    low = min(low, 1.0 + (floor - min(bests[m] for m in held)) / rate)
        return low

    def _larger_cap(self, i: int, m: int) -> float:
        """The most moment m could improve with i's uplifts at ten times their size."""
        data = self.data
        if m not in data.uplift[i]:
            return data.cap[m]
        most = math.fsum(data.uplift[j][m] for j in data.moved_by[m]) + (
            (MAX_UPLIFT_FACTOR - 1) * data.uplift[i][m])
        headroom = data.moments[m].headroom
        return most if headroom is None else min(headroom, most)

    def _break_even_cost(self, i: int, explanation: Explanation) -> float | None:
        """Highest cost at which the optimiser would fund i; None if no cost >= 0 would."""
        data = self.data
        cost = data.cost[i]
        if cost <= 0 or not data.uplift[i] or self._never_chosen(i, explanation):
            return None
        bases = self._likely_focus(i, explanation)  # before the model changes: it may solve
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
        z = self._chosen_rows(i, extra_cost=(c, 1.0))
        self._objective_on(c, highspy.ObjSense.kMaximize)
        start = self._fixed_focus_start(bases, explanation, highspy.ObjSense.kMaximize)
        explanation.solves += 1
        outcome = self._solve_from(start)
        if not outcome.proven:
            return None
        funded, _ = self._read()
        best = self._largest_cost(i, funded, highs.getSolution().col_value[z] > 0.5)
        # Just below the boundary, where the funding portfolio is strictly preferred.
        step = 1.0 if cost >= 100 else 0.01
        return max(0.0, math.ceil(best / step - 1e-9) * step - step)

    def _largest_cost(self, i: int, funded: set[int], more_impact: bool) -> float:
        """The highest cost of i at which this portfolio keeps the budgets (and, when it
        only ties the run's impact, costs less than the run): from the amounts themselves,
        not from the solver's value of the cost, which is off by its tolerance."""
        data, plan = self.data, self.plan
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
            scale = self.model.money_scale
            cheaper = CHEAPER * max(1.0, self.cost / scale) * scale
            most.append(self.cost - cheaper - math.fsum(data.cost[j] for j in others))
        return min(most)

    def _break_even_uplift(self, i: int, explanation: Explanation) -> float | None:
        """Smallest factor on i's uplifts that would get it funded (up to x10), else None."""
        data = self.data
        if not data.uplift[i]:
            return None
        if self._never_chosen_with_larger_uplifts(i, explanation.impact_if_funded,
                                                  explanation):
            return None
        implied = self._implied_uplift(i, explanation)
        if implied is not None:
            return implied
        # Before the model changes: these may solve.
        bases = self._likely_focus(i, explanation)
        low = self._least_factor(i, explanation) if bases else None
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
        z = self._chosen_rows(i, extra_cost=None)
        self._objective_on(k, highspy.ObjSense.kMinimize)
        start = self._fixed_focus_start(bases, explanation, highspy.ObjSense.kMinimize)
        if start is not None and low is not None:
            # The least factor lies between the bound and the best with a likely focus.
            found = self._factor_of(i, start, z, k)
            if hundredths(max(1.0, low)) == hundredths(found):
                return just_above(found)
        if self.shortcuts:
            # With i's uplifts at most ten times larger, a portfolio gains at most this
            # much over its impact now, which the best with a moment in focus bounds.
            self._rule_out_focus(self.impact - math.fsum(self._largest_gains(i)))
        explanation.solves += 1
        outcome = self._solve_from(start)
        if not outcome.proven:
            return None
        return just_above(self._factor_of(i, np.array(highs.getSolution().col_value), z, k))

    def _factor_of(self, i: int, values: np.ndarray, z: int, k: int) -> float:
        """The least factor at which the portfolio in these column values beats the run
        (z = 1) or ties it (z = 0, more cheaply): from its impact, computed exactly, not
        from the solver's value of the factor, which is off by its tolerance."""
        position = self.session.position
        funded = {j for j, var in enumerate(self.model.x) if values[position[var.name]] > 0.5}
        focus = {m for m, var in enumerate(self.model.y) if values[position[var.name]] > 0.5}
        target = (self.impact + self.better if values[z] > 0.5
                  else self.impact - self.tolerance)
        if self._impact_at(i, funded, focus, 1.0) >= target:
            return 1.0
        factor = self._factor_reaching(i, funded, focus, target)
        return values[k] if factor is None else factor

    def _likely_focus(self, i: int, explanation: Explanation) -> list[frozenset[int]]:
        """Focus sets a portfolio that gets i funded is likely to have: those of the
        best portfolios with one of i's moments in focus, and of the portfolio found for
        impact_if_funded. None when the quick fixed-focus solves are off."""
        if not (self.shortcuts and self.knapsacks):
            return []
        bases = [self._funding[i][1]] if i in self._funding else []
        bases += [set(best.focus) for m in self.data.uplift[i]
                  if (best := self._moment_best(m, explanation)) is not None
                  and best.bound is not None]
        return list(dict.fromkeys(frozenset(focus) for focus in bases))

    def _fixed_focus_start(self, bases: list[frozenset[int]], explanation: Explanation,
                           sense: highspy.ObjSense) -> np.ndarray | None:
        """The best answer to the what-if question now in the model with the focus fixed to
        one of these sets, as values of every column: a start for the search over every
        focus. None if none has an answer."""
        if not bases:
            return None
        data, session = self.data, self.session
        highs = session.highs
        n = len(data.moments)
        columns = np.array([session.position[y.name] for y in self.model.y], np.int32)
        best, best_value = None, INF
        sign = 1.0 if sense == highspy.ObjSense.kMinimize else -1.0
        for focus in bases:
            fixed = np.array([float(m in focus) for m in range(n)])
            highs.changeColsBounds(n, columns, fixed, fixed)
            explanation.solves += 1
            if session.solve(self.time_limit).proven and (
                    value := sign * highs.getInfo().objective_function_value) < best_value:
                best, best_value = np.array(highs.getSolution().col_value), value
        highs.changeColsBounds(n, columns, np.zeros(n), np.ones(n))
        return best


def hundredths(factor: float) -> int:
    return math.floor(factor * 100 + 1e-9)


def just_above(factor: float) -> float:
    """The factor reported: the next hundredth above the boundary, where the portfolio
    funding the initiative is strictly preferred."""
    return min(MAX_UPLIFT_FACTOR, hundredths(factor) / 100 + 0.01)
