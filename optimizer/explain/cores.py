"""Explaining many rejections on several cores: each worker process builds its own
Explainer of the run once (a HiGHS model is not shared between processes), then answers
small batches of the questions, the batches dealt out as workers come free. Each figure is
exact on its own, so which process answers it does not change it; what a process solves
once for many questions (a focus set's best portfolio) it keeps for its next batches.

Processes are spawned, not forked: the caller may be a web worker or a job worker with
threads of its own, which a fork would copy mid-way."""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
import time
from collections.abc import Callable
from typing import Any

from optimizer.explain.types import Explanation

BATCH = 8  # questions a worker answers at a time: small, so that the cores end together
AHEAD = 2  # batches waiting per worker, so that none waits for the next

_explainer: Any = None  # the worker process's own Explainer


def _start(arguments: tuple[Any, ...], options: dict[str, Any]) -> None:
    from optimizer.explain.explainer import Explainer

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
