"""The sets of max_focus moments of a run and a bound on the best impact of each, shared by
every question and repriced for each (search.py searches them): a Lagrangian relaxation,
the budget and the improvement rows priced, every other rule dropped.

The bound of a set S, for any price lam >= 0 of money and mu_m in [0, w_m] of uplift:
    lam * B + sum over m in S of (w_m - mu_m) * H_m
            + sum over work j of max(0, sum over m in S of mu_m * e_jm - lam * c_j)
(forced-in work adds its term whatever its sign, rejected work adds none): of any portfolio
with its focus among S, impact <= impact + mu (uplift - improvement) + lam (B - cost), and
each part is at most what it can be alone. It is the least over a range of prices.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from optimizer.explain.run_model import INF, RunModel

# More sets than this (moments choose max_focus) are not worth bounding one by one.
MOST_SETS = 60_000
PRICES = 24  # prices of money tried between the least and the most uplift per euro
ROUNDING = 1e-9  # what rounding can take from a bound (a sum of a few hundred terms)
MAX_FACTOR = 10.0  # the most the break-even factor on an initiative's uplifts can be


class SetBounds:
    """The sets of max_focus moments of one run and their Lagrangian bounds."""

    def __init__(self, context: RunModel):
        data = self.data = context.data
        self.context = context
        n_moments = len(data.moments)
        size = min(data.max_focus, n_moments)
        self.sets = np.array(list(itertools.combinations(range(n_moments), size)),
                             np.int64).reshape(-1, size)
        # per moment m and set k: whether k holds m
        self.holds = (self.sets[None] == np.arange(n_moments)[:, None, None]).any(axis=2)
        self.base = n_moments + 1  # a subset of moments as a number: sum of (m + 1) base^k
        weight = self.weight = np.array([max(0.0, moment.weight) for moment in data.moments])
        cap = self.cap = np.array(data.cap)
        # what a larger uplift can raise a cap to: the uplift on offer, up to the headroom
        self.uplift_on = np.array([math.fsum(gains) for gains in data.moved_uplift])
        self.headroom = np.array([INF if moment.headroom is None else moment.headroom
                                  for moment in data.moments])
        self.prices = self._prices(weight)
        # mu per price and moment, then what each subset of moments adds to a set's bound
        self.mu = np.array([[self._best_mu(m, lam, weight[m], cap[m]) for m in range(n_moments)]
                            for lam in self.prices])
        terms: dict[int, np.ndarray] = {}
        for j, initiative in enumerate(data.initiatives):
            if initiative.decision != "reject":
                for code, value in self._moebius(j, forced=initiative.decision == "fund"):
                    terms[code] = terms.get(code, 0.0) + value
        self.codes = np.array(sorted(terms), np.int64)
        self.values = np.array([terms[code] for code in self.codes]).reshape(
            len(self.codes), len(self.prices))
        moment_terms = np.maximum(0.0, weight - self.mu) * cap  # prices x moments
        budget = self.prices * data.budget
        self.by_price = (budget[:, None] + moment_terms[:, self.sets].sum(axis=2)
                         + self._subset_sums(self.sets))  # prices x sets
        self.bound = self.by_price.min(axis=0)
        self.order = np.argsort(-self.bound, kind="stable")

    @staticmethod
    def usable(context: RunModel) -> bool:
        """Whether the plan has a total budget to price and few enough sets to bound."""
        data = context.data
        n_moments = len(data.moments)
        return (data.budget is not None and n_moments > 0
                and math.comb(n_moments, min(data.max_focus, n_moments)) <= MOST_SETS)

    def _prices(self, weight: np.ndarray) -> np.ndarray:
        """Prices of money from the least to the most weighted uplift per euro, and 0."""
        data = self.data
        ratios = [math.fsum(weight[m] * e for m, e in data.uplift[j].items()) / data.cost[j]
                  for j in range(len(data.initiatives)) if data.cost[j] > 0 and data.uplift[j]]
        ratios = [r for r in ratios if r > 0]
        if not ratios:
            return np.zeros(1)
        return np.concatenate([[0.0], np.geomspace(min(ratios), max(ratios), PRICES)])

    def _best_mu(self, m: int, lam: float, weight: float, cap: float) -> float:
        """The mu in [0, weight] that makes moment m's part of the bound least, at price
        lam: (weight - mu) * cap + sum over its movers of max(0, mu * e - lam * c)
        falls while the uplift of the movers paid for stays under the cap."""
        data = self.data
        movers = [(lam * data.cost[j] / e, e) for j, e in
                  zip(data.moved_by[m], data.moved_uplift[m], strict=True)
                  if data.initiatives[j].decision != "reject"]
        reached = 0.0
        for price, e in sorted(movers):
            if price >= weight:
                break
            reached += e
            if reached >= cap:
                return price
        return weight

    def _moebius(self, j: int, *, forced: bool) -> list[tuple[int, np.ndarray]]:
        """What work j adds to the bound of a set through each subset of the moments it
        moves (per price): its term with the moments it moves in the set being exactly
        K adds up, over the subsets of K, to the term for K (inclusion and exclusion)."""
        data = self.data
        moves = sorted(data.uplift[j])
        pay = self.prices * data.cost[j]
        gain = {m: self.mu[:, m] * data.uplift[j][m] for m in moves}
        term = {}
        for k in range(min(len(moves), self.sets.shape[1]) + 1):
            for subset in itertools.combinations(moves, k):
                value = sum((gain[m] for m in subset), -pay)
                term[subset] = value if forced else np.maximum(0.0, value)
        parts = []
        for subset, value in term.items():
            for k in range(len(subset)):
                for smaller in itertools.combinations(subset, k):
                    value = value + (-1) ** (len(subset) - k) * term[smaller]
            if np.any(value != 0.0):
                parts.append((self._code(subset), value))
        return parts

    def _code(self, moments: tuple[int, ...]) -> int:
        return sum((m + 1) * self.base ** k for k, m in enumerate(moments))

    def _subset_sums(self, sets: np.ndarray) -> np.ndarray:
        """Per price and set: the sum of what each subset of the set adds (the empty one
        included: forced-in work that moves none of it)."""
        total = np.zeros((len(self.prices), len(sets)))
        if not len(self.codes):
            return total
        for k in range(sets.shape[1] + 1):
            for positions in itertools.combinations(range(sets.shape[1]), k):
                codes = np.zeros(len(sets), np.int64)
                for rank, p in enumerate(positions):
                    codes += (sets[:, p] + 1) * self.base ** rank
                at = np.minimum(np.searchsorted(self.codes, codes), len(self.codes) - 1)
                found = self.codes[at] == codes
                total[:, found] += self.values[at[found]].T
        return total

    def bounds_with(self, i: int | None, chosen: np.ndarray, *,
                    cost: float | None = None, factor: float | np.ndarray = 1.0
                    ) -> np.ndarray:
        """The bounds of these sets (indices) with i forced in (at any rate funded,
        since the say-no rule is dropped): its own term changed to one without max(0, .),
        which only a lifted rejection, or a lower `cost` or a `factor` on its uplifts
        (and the caps they raise; a number, or one per set), can raise."""
        if i is None:
            return self.by_price[:, chosen].min(axis=0)
        cost = self.data.cost[i] if cost is None else cost
        larger = bool(np.any(np.asarray(factor) != 1.0))
        unpaid = self._with_factor(self._parts(i, chosen, larger), factor)
        return (unpaid - self.prices[:, None] * cost).min(axis=0)

    def _parts(self, i: int, chosen: np.ndarray, larger: bool = False) -> tuple:
        """The bound of these sets with i forced in, less what its cost takes, in parts for
        any factor: the bound without i's own term, what its uplift adds per unit of
        factor, and (for `larger` uplifts) per place in a set: a cap's price, uplift on
        offer, headroom, cap and i's uplift there."""
        data = self.data
        sets = self.sets[chosen]
        uplift = np.zeros(len(data.moments))
        uplift[list(data.uplift[i])] = list(data.uplift[i].values())
        gain = (self.mu[:, sets] * uplift[sets]).sum(axis=2)  # prices x sets
        term = gain - self.prices[:, None] * data.cost[i]
        before = (np.zeros_like(term) if data.initiatives[i].decision == "reject"
                  else np.maximum(0.0, term))
        caps = [(np.maximum(0.0, self.weight[moments] - self.mu[:, moments]),
                 self.uplift_on[moments], self.headroom[moments], self.cap[moments],
                 uplift[moments]) for moments in sets.T] if larger else []
        return self.by_price[:, chosen] - before, gain, caps

    @staticmethod
    def _with_factor(parts: tuple, factor: float | np.ndarray) -> np.ndarray:
        """Those parts added up, with i's uplifts `factor` times larger (a number, or one
        per set), and the caps they raise (per price and set)."""
        rest, gain, caps = parts
        total = rest + factor * gain
        if np.any(np.asarray(factor) != 1.0):
            for price, on_offer, headroom, cap, uplift in caps:
                raised = np.minimum(headroom, on_offer + (factor - 1) * uplift)
                total = total + price * (np.maximum(raised, cap) - cap)
        return total

    def _holding(self, chosen: np.ndarray, moments) -> np.ndarray:
        """Per set of these (indices): whether it holds one of these moments."""
        return self.holds[list(moments)].any(axis=0)[chosen]

    def reaching(self, i: int, floor: float, *, largest_cost: bool
                 ) -> list[tuple[frozenset[int], float]]:
        """The sets holding one of i's moments where a portfolio in which i counts may
        reach `floor` at a lower cost of i (`largest_cost`) or with larger uplifts (up to
        MAX_FACTOR times), each with a limit from its bound: the most cost, or the least
        factor, at which it may; most promising first. Every such portfolio has its
        focus among one of them, within its limit."""
        chosen = self.order[self._holding(self.order, self.data.uplift[i])]
        floor -= ROUNDING * max(1.0, abs(floor))  # what rounding may take from a bound
        if largest_cost:  # the bound falls by the price of money times the cost
            unpaid = self._with_factor(self._parts(i, chosen), 1.0)
            priced = self.prices > 0
            most = np.full(len(chosen), self.data.cost[i])
            if priced.any():
                most = np.minimum(most, ((unpaid[priced] - floor)
                                         / self.prices[priced, None]).min(axis=0))
            keep = (unpaid[~priced] >= floor).all(axis=0) & (most >= 0)
            chosen, limits = chosen[keep], most[keep]
        else:  # the bound grows with the factor
            pay = self.prices[:, None] * self.data.cost[i]

            def reaches(value: np.ndarray) -> np.ndarray:
                return (self._with_factor(parts, value) - pay).min(axis=0) >= floor
            parts = self._parts(i, chosen, larger=True)
            keep = reaches(np.full(len(chosen), MAX_FACTOR))
            chosen = chosen[keep]
            parts = self._parts(i, chosen, larger=True)
            low, high = np.full(len(chosen), MAX_FACTOR), np.ones(len(chosen))
            for _ in range(12):  # `low` reaches; past the limit, `high` does not
                middle = (low + high) / 2
                ok = reaches(middle)
                low, high = np.where(ok, middle, low), np.where(ok, high, middle)
            limits = high
        order = np.argsort(-limits if largest_cost else limits, kind="stable")
        return [(frozenset(self.sets[chosen[k]].tolist()), float(limits[k])) for k in order]


def loose(bounds: np.ndarray) -> np.ndarray:
    """Bounds raised by what rounding could have taken from them."""
    return bounds + ROUNDING * np.maximum(1.0, np.abs(bounds))
