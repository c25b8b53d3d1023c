"""Explainer: each rejected initiative of one run explained, one kind of figure at a time."""

from __future__ import annotations

import time
from collections.abc import Callable

from optimizer.explain.context import Context
from optimizer.explain.cores import explain_on_cores
from optimizer.explain.cost import break_even_cost
from optimizer.explain.if_funded import impact_if_funded
from optimizer.explain.types import Explanation
from optimizer.explain.uplift import break_even_uplift
from optimizer.explain.words import binding, message
from optimizer.plan import Plan
from optimizer.result import Rejection, Result

DEFAULT_TIME_LIMIT = 60.0
ON_CORES_FROM = 64  # fewer questions are answered sooner than processes start (~1 s)


class Explainer:
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
        self.context = Context(plan, result, time_limit, shortcuts=shortcuts,
                               knapsacks=knapsacks)
        self._made_with = ((plan, result, time_limit),  # for explaining on several cores
                           {"shortcuts": shortcuts, "knapsacks": knapsacks})

    @property
    def knapsacks(self) -> bool:
        """Whether quick fixed-focus solves find where full solves start."""
        return self.context.knapsacks

    def explain_all(self, ids: list[str] | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    seconds: float | None = None, processes: int = 1) -> list[Explanation]:
        """Explanations of these rejected initiatives (all of them, in the run's order, by
        default). Solves that serve many questions (the best portfolio with a moment in
        focus, or with fewer focus moments) are made here, once, and shared.

        `seconds`: no new explanation is started after that long (the first one always
        is); the explanations made so far are returned, in order, for the caller to go on.
        `processes`: more than 1 answers them on that many cores (optimizer.explain.cores),
        where there are enough of them to be worth starting the processes for.
        """
        context = self.context
        ids = [rejection.id for rejection in context.result.rejected] if ids is None else ids
        if processes > 1 and len(ids) >= ON_CORES_FROM:
            for initiative_id in ids:  # refused here, as one process would
                self._rejection(initiative_id)
            return explain_on_cores(*self._made_with, ids, processes, progress, seconds)
        explanations = []
        context.sharing = len(ids) > 1
        stop = None if seconds is None else time.monotonic() + seconds
        try:
            for done, initiative_id in enumerate(ids, start=1):
                if explanations and stop is not None and time.monotonic() > stop:
                    break
                explanations.append(self.explain(initiative_id))
                if progress is not None:
                    progress(done, len(ids))
        finally:
            context.sharing = False
        return explanations

    def explain(self, initiative_id: str) -> Explanation:
        """One explanation; alone, on small plans, it takes at most five solves of its own
        (one each: the forced-in portfolio, the cheapest of its impact, the best in which
        it counts, the two break-even figures)."""
        context = self.context
        rejection = self._rejection(initiative_id)
        i = context.data.initiative_index[initiative_id]
        explanation = Explanation(id=initiative_id, reason=rejection.reason,
                                  message=rejection.message, impact=context.impact,
                                  impact_if_funded=None, impact_lost=None)
        impact_if_funded(context, i, explanation)
        if rejection.reason != "forced_out":
            explanation.break_even_cost = break_even_cost(context, i, explanation)
            if i in context.funding:  # a portfolio in which it counts
                explanation.break_even_uplift = break_even_uplift(context, i, explanation)
        explanation.binding = binding(context, i, rejection.reason)
        explanation.message = message(context, i, rejection.message, explanation)
        return explanation

    def _rejection(self, initiative_id: str) -> Rejection:
        rejection = self.context.result.rejection(initiative_id)
        if rejection is None:
            raise KeyError(f"{initiative_id!r} is not a rejected initiative of this run")
        return rejection


def explain(plan: Plan, result: Result, initiative_id: str,
            time_limit: float = DEFAULT_TIME_LIMIT) -> Explanation:
    """One explanation; build an Explainer to explain several of the same run."""
    return Explainer(plan, result, time_limit).explain(initiative_id)
