"""Explainer: each rejected initiative of one run explained, one kind of figure at a time,
in this process or on several cores.

On several cores (explain_on_cores), each worker process builds its own Explainer of the
run once (a HiGHS model is not shared between processes), then answers small batches of
the questions, the batches dealt out as workers come free. Each figure is exact on its
own, so which process answers it does not change it; what a process solves once for many
questions (a focus set's best portfolio) it keeps for its next batches. Processes are
spawned, not forked: the caller may be a web worker or a job worker with threads of its
own, which a fork would copy mid-way.
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
import time
from collections.abc import Callable
from typing import Any

from optimizer.explain.context import Context
from optimizer.explain.cost import break_even_cost
from optimizer.explain.if_funded import impact_if_funded
from optimizer.explain.types import Explanation
from optimizer.explain.uplift import break_even_uplift
from optimizer.explain.words import binding, message
from optimizer.plan import Plan
from optimizer.result import Rejection, Result

DEFAULT_TIME_LIMIT = 60.0
ON_CORES_FROM = 64  # fewer questions are answered sooner than processes start (~1 s)
BATCH = 8  # questions a worker answers at a time: small, so that the cores end together
AHEAD = 2  # batches waiting per worker, so that none waits for the next


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
        `processes`: more than 1 answers them on that many cores (explain_on_cores),
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


_explainer: Any = None  # the worker process's own Explainer


def _start(arguments: tuple[Any, ...], options: dict[str, Any]) -> None:
    global _explainer
    _explainer = Explainer(*arguments, **options)
    _explainer.context.sharing = True  # its solves serve every batch it is given


def _answer(ids: list[str]) -> list[Explanation]:
    return [_explainer.explain(initiative_id) for initiative_id in ids]


def explain_on_cores(arguments: tuple[Any, ...], options: dict[str, Any], ids: list[str],
                     processes: int, progress: Callable[[int, int], None] | None = None,
                     seconds: float | None = None) -> list[Explanation]:
    """The explanations of `ids` by `processes` workers, each with
    Explainer(*arguments, **options); in the order of `ids`. After `seconds`, no new batch
    is started: the explanations made by then are returned, in that order."""
    batches = [ids[k:k + BATCH] for k in range(0, len(ids), BATCH)]
    stop = None if seconds is None else time.monotonic() + seconds
    found: dict[str, Explanation] = {}
    context = multiprocessing.get_context("spawn")
    pool = futures.ProcessPoolExecutor(processes, mp_context=context, initializer=_start,
                                       initargs=(arguments, options))
    try:
        waiting = iter(batches)
        running = {pool.submit(_answer, batch) for batch in _take(waiting, processes * AHEAD)}
        while running:
            finished, running = futures.wait(running, return_when=futures.FIRST_COMPLETED)
            for future in finished:
                found.update((e.id, e) for e in future.result())
            if progress is not None:
                progress(len(found), len(ids))
            if stop is None or time.monotonic() < stop:
                running |= {pool.submit(_answer, batch)
                            for batch in _take(waiting, len(finished))}
    finally:  # stopped (a cancelled job's progress raises): no batch waiting is started
        pool.shutdown(wait=True, cancel_futures=True)
    return [found[initiative_id] for initiative_id in ids if initiative_id in found]


def _take(batches: Any, count: int) -> list[list[str]]:
    return [batch for _, batch in zip(range(count), batches, strict=False)]
