"""The search among focus sets: the best portfolio under a what-if, one set of focus
moments at a time.

Every portfolio has its focus among some max_focus moments, so the best portfolio of all is
the best over those sets of the best portfolio with the focus held among one set: a small
knapsack, solved at once. Each set has a bound (lagrange.py), computed for all the sets at
once and shared by every question; a question solves, in order of bound, only the sets whose
bound beats the best portfolio found so far, and stops when none does. The answer is then
proven as a full solve proves it: no set that was not solved can beat it.
"""

from __future__ import annotations

import heapq

import numpy as np

from optimizer.checks import portfolio_impact
from optimizer.engine import column_values
from optimizer.explain.focus_sets.lagrange import SetBounds, loose
from optimizer.explain.run_model import INF, Portfolio, Relaxation, RunModel
from optimizer.explain.types import Explanation

FIRST_LOOK = 32  # the sets of best bound among which a question's first portfolio is found


class FocusSets(SetBounds):
    """The run's focus sets and their bounds, and the search among them that answers each
    question, with what one question found kept to start the next."""

    def __init__(self, context: RunModel):
        super().__init__(context)
        # per set, solved once and shared: its relaxation; and the last best portfolio
        # found with the focus among it, which starts the next search there
        self.relaxed: dict[int, Relaxation | None] = {}
        self.found: dict[int, Portfolio] = {}
        self.open: np.ndarray | None = None  # per set: whether forced-in work allows it

    def best(self, i: int | None, explanation: Explanation, *, counted: bool = True,
             held: int | None = None, moves: set[int] | None = None,
             enough: float = INF) -> tuple[Portfolio, dict[int, float]] | None:
        """The best portfolio funding i (unless None; `counted`: under the say-no rule,
        else exempt as decision `fund` is) with moment `held` in focus (unless None), its
        focus holding one of `moves` (unless None); and a bound on the best impact of
        each set looked at (its impact when solved; -inf: none keeps every rule). None
        when a time limit stopped a solve, or when no portfolio is found among the sets
        of best bound (then a full solve tells whether one exists). Those are solved
        first, for a good portfolio to rule the others out with. `enough`: a bound on
        the answer, known beforehand: a portfolio that reaches it is the answer."""
        chosen = self.candidates(i, counted=counted, held=held, moves=moves)
        found: Portfolio | None = None
        value = -INF
        looked: dict[int, float] = {}
        tolerance = self.context.tolerance
        for batch in (chosen[:FIRST_LOOK], chosen[FIRST_LOOK:]):
            # best first, each set's bound tightened (stage by stage) until it is solved
            # or falls short of the best found
            heap = [(-bound, 0, k) for k, bound in self.ranked(i, batch, value + tolerance)]
            heapq.heapify(heap)
            while heap and -heap[0][0] > value + tolerance:
                bound, stage, k = heapq.heappop(heap)
                look = self._look(i, k, stage, explanation, counted=counted, held=held)
                if look is None:
                    return None
                looked[k], portfolio = min(-bound, look[0]), look[1]
                if not look[2]:
                    heapq.heappush(heap, (-looked[k], stage + 1, k))
                elif portfolio is not None and looked[k] > value:
                    found, value = portfolio, looked[k]
                    if value >= enough - tolerance:
                        return found, looked
            looked.update((k, -bound) for bound, _, k in heap)
            if found is None:
                return None  # nothing among the sets of best bound: a full solve tells
        return found, looked

    def candidates(self, i: int | None, *, counted: bool, held: int | None = None,
                   moves: set[int] | None = None) -> np.ndarray:
        """The sets (indices, best bound first) that can hold a portfolio funding i with
        `held` in focus and one of `moves`, as best() has them."""
        chosen = self.order
        if moves is not None:
            chosen = chosen[self._holding(chosen, moves)]
        if held is not None:
            chosen = chosen[self.holds[held][chosen]]
        if self.open is None:  # the sets that what forced-in work requires rules out
            self.open = np.ones(len(self.sets), bool)
            for needed in self._needing(None, counted=False):
                self.open &= self._holding(np.arange(len(self.sets)), needed)
        chosen = chosen[self.open[chosen]]
        for needed in self._needing(i, counted, forced_in=False):
            chosen = chosen[self._holding(chosen, needed)]
        return chosen

    def _needing(self, i: int | None, counted: bool, *, forced_in: bool = True
                 ) -> list[set[int]]:
        """The moments of each piece of work that, under the say-no rule, must have one
        of them in focus: what forced-in work requires (unless not `forced_in`), and i
        (when counted) and what it requires. A set holding none of one's moments has no
        portfolio."""
        context, data = self.context, self.data
        forced = [j for j, initiative in enumerate(data.initiatives)
                  if forced_in and initiative.decision == "fund"] + ([] if i is None else [i])
        needed = set().union(*(context.closure(j) for j in forced)) - set(forced)
        if i is not None and counted:
            needed.add(i)
        return [set(data.uplift[j]) for j in sorted(needed)
                if data.initiatives[j].decision == "auto"]

    def ranked(self, i: int | None, chosen: np.ndarray, above: float
                ) -> list[tuple[int, float]]:
        """These sets whose bound with i forced in (raised by what rounding could take from
        it) lies above `above`, best first, with that bound: forcing in work that is not
        rejected lowers no bound, so the shared ones rule most sets out first."""
        if i is None or self.data.initiatives[i].decision != "reject":
            chosen = chosen[loose(self.bound[chosen]) > above]
        if not len(chosen):
            return []
        bounds = loose(self.bounds_with(i, chosen))
        keep = bounds > above
        chosen, bounds = chosen[keep], bounds[keep]
        order = np.argsort(-bounds, kind="stable")
        return [(int(chosen[k]), float(bounds[k])) for k in order]

    def _look(self, i: int | None, k: int, stage: int, explanation: Explanation, *,
              counted: bool, held: int | None) -> tuple[float, Portfolio | None, bool] | None:
        """What the next look at set k tells: a bound on what it gives, its portfolio
        (if any) and whether that is its best; None if a time limit stopped a solve.
        First the set's relaxation, priced once and shared (what forcing i in changes is
        priced anew), then a solve of its own, from the set's best portfolio for an
        earlier question made to fit this one."""
        if stage == 0:
            return self._relaxed_bound(k, i, explanation, counted=counted, held=held), None, False
        start = None
        if k in self.found:
            funded, focus = self.found[k]
            start = self.context.repaired(i, "auto" if counted else "fund", funded,
                                          focus | set(self.sets[k].tolist()))
            if start is not None and held is not None and held not in start[1]:
                start = None
        self.hold(i, k, counted=counted, held=held)
        explanation.solves += 1
        outcome = self.context.solve_from(None if start is None else
                                          np.array(column_values(self.data, *start)))
        if outcome.infeasible:
            return -INF, None, True
        if not outcome.proven:
            return None
        portfolio = self.found[k] = self.context.read()
        return portfolio_impact(self.data, *portfolio), portfolio, True

    def _relaxed_bound(self, k: int, i: int | None, explanation: Explanation, *,
                       counted: bool, held: int | None) -> float:
        """A bound on the impact of set k's model with i forced in (as force_in does) and
        `held` in focus, by weak duality from the row prices of the set's relaxation:
        priced once per set, and computed from the model's own coefficients, it holds
        whatever the solver's tolerances. The rows forcing i in frees are priced at 0
        (a row it adds is left out), and the columns it fixes take their new bounds."""
        relaxed = self._relaxation(k, explanation)
        if relaxed is None:
            return INF
        context = self.context
        rows, position = context.session.row_position, context.session.position
        freed = []
        if i is not None:
            freed.append(rows.get(f"forced_out{i}"))
            if not counted:
                freed.append(rows.get(f"say_no{i}"))
        fixed = {} if i is None else {position[context.model.x[i].name]: 1.0}
        if held is not None:
            fixed[position[context.model.y[held].name]] = 1.0
        bound = relaxed.changed(context.model.matrix, [r for r in freed if r is not None], fixed)
        return float(loose(np.array(bound)))

    def _relaxation(self, k: int, explanation: Explanation) -> Relaxation | None:
        """Set k's relaxation (the run's rules, the focus among the set), priced once."""
        if k not in self.relaxed:
            self.hold(None, k, counted=True, held=None)
            explanation.solves += 1
            self.relaxed[k] = self.context.relaxation()
        return self.relaxed[k]

    def hold(self, i: int | None, k: int, *, counted: bool, held: int | None) -> None:
        """The model, pristine, with i forced in and the focus among set k."""
        lower, upper = np.zeros(len(self.data.moments)), np.zeros(len(self.data.moments))
        upper[self.sets[k]] = 1.0
        lower[[] if held is None else [held]] = 1.0
        self.context.hold_focus(i, lower, upper, counted=counted)
