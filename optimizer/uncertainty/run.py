"""`robust`: samples drawn (or given), solved over processes, summed up.

The samples are drawn in the calling process, cut into contiguous chunks and solved by
`workers` processes, each building its model once; the outcomes are joined in sample order.
An outcome is a function of its sample alone, so one process or many give the same answer.
"""

from __future__ import annotations

from collections.abc import Callable

from optimizer.plan import Plan
from optimizer.uncertainty.sampler import check_samples, draw_samples
from optimizer.uncertainty.scenario import robust_portfolio
from optimizer.uncertainty.session import SampleSession, solve_samples
from optimizer.uncertainty.summary import summarise

CHUNKS_PER_WORKER = 8  # more chunks than processes: progress moves, and work evens out

_SESSION: SampleSession | None = None  # the model of this worker process


def _start_worker(plan: Plan) -> None:
    global _SESSION
    _SESSION = SampleSession(plan)


def _solve_chunk(samples: list[dict]) -> list[dict]:
    assert _SESSION is not None
    return solve_samples(_SESSION.plan, samples, session=_SESSION)


def chunks(count: int, parts: int) -> list[tuple[int, int]]:
    """(first, end) of `parts` contiguous runs of nearly equal length covering range(count)."""
    parts = max(1, min(parts, count))
    size, extra = divmod(count, parts)
    bounds, first = [], 0
    for k in range(parts):
        end = first + size + (k < extra)
        bounds.append((first, end))
        first = end
    return bounds


def solve_all(plan: Plan, samples: list[dict], workers: int = 1,
              progress: Callable[[int, int], None] | None = None) -> list[dict]:
    """Every sample's outcome, in order, solved by `workers` processes."""
    total = len(samples)
    if workers <= 1 or total < 2:
        return solve_samples(plan, samples, progress=progress)
    from concurrent.futures import ProcessPoolExecutor

    parts = chunks(total, workers * CHUNKS_PER_WORKER)
    outcomes: list[list[dict] | None] = [None] * len(parts)
    done = 0
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                             initargs=(plan,)) as pool:
        futures = {pool.submit(_solve_chunk, samples[first:end]): k
                   for k, (first, end) in enumerate(parts)}
        from concurrent.futures import as_completed

        for future in as_completed(futures):
            k = futures[future]
            outcomes[k] = future.result()
            done += parts[k][1] - parts[k][0]
            if progress is not None:
                progress(done, total)
    return [outcome for chunk in outcomes for outcome in chunk or []]


def robust(plan: Plan, *, samples: list[dict] | None = None, count: int = 1000,
           seed: int = 0, decision: tuple[list[str], list[str]] | None = None,
           objective: str | None = None, workers: int = 1,
           progress: Callable[[int, int], None] | None = None) -> dict:
    """The Uncertainty result document of docs/plan-format.md: `samples` as given (checked
    against the plan) or `count` drawn with `seed`; `robust` only with an `objective`."""
    if samples is None:
        samples = draw_samples(plan, count, seed)
        used_seed: int | None = seed
    else:
        samples = check_samples(plan, samples)
        used_seed = None
    outcomes = solve_all(plan, samples, workers, progress)
    document = summarise(plan, samples, outcomes, decision=decision, seed=used_seed)
    if objective is not None:
        document["robust"] = robust_portfolio(plan, samples, objective)
    return document
