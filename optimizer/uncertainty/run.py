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
from optimizer.uncertainty.session import SampleSession
from optimizer.uncertainty.summary import fixed_figures, plan_decision, summarise

Decision = tuple[list[str], list[str]]
Figures = tuple[float, float, bool]

CHUNKS_PER_WORKER = 8  # more chunks than processes: progress moves, and work evens out

_SESSION: SampleSession | None = None  # the model of this worker process


def _start_worker(plan: Plan, optimum: list[str] | None) -> None:
    global _SESSION
    _SESSION = SampleSession(plan, optimum=optimum)


def _solve_chunk(samples: list[dict], decision: Decision | None
                 ) -> tuple[list[dict], list[Figures]]:
    assert _SESSION is not None
    return solve_chunk(_SESSION, samples, decision)


def solve_chunk(session: SampleSession, samples: list[dict], decision: Decision | None,
                progress: Callable[[int], None] | None = None
                ) -> tuple[list[dict], list[Figures]]:
    """Each sample's outcome, and the decision's figures in it (while its Data is at hand)."""
    outcomes, figures = [], []
    for sample in samples:
        outcome, data = session.solve_data(sample)
        outcomes.append(outcome)
        if decision is not None:
            figures.append(fixed_figures(data, decision))
        if progress is not None:
            progress(len(outcomes))
    return outcomes, figures


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
              progress: Callable[[int, int], None] | None = None,
              decision: Decision | None = None, optimum: list[str] | None = None
              ) -> tuple[list[dict], list[Figures]]:
    """Every sample's outcome in order, and the decision's figures in each, solved by
    `workers` processes. `optimum`: the funded ids of the plan's own optimum, if known
    (each process would solve it otherwise)."""
    total = len(samples)
    if workers <= 1 or total < 2:
        report = None if progress is None else (lambda done: progress(done, total))
        return solve_chunk(SampleSession(plan, optimum=optimum), samples, decision, report)
    from concurrent.futures import ProcessPoolExecutor, as_completed

    parts = chunks(total, workers * CHUNKS_PER_WORKER)
    solved: list[tuple[list[dict], list[Figures]]] = [([], [])] * len(parts)
    done = 0
    with ProcessPoolExecutor(max_workers=workers, initializer=_start_worker,
                             initargs=(plan, optimum)) as pool:
        futures = {pool.submit(_solve_chunk, samples[first:end], decision): k
                   for k, (first, end) in enumerate(parts)}
        for future in as_completed(futures):
            k = futures[future]
            solved[k] = future.result()
            done += parts[k][1] - parts[k][0]
            if progress is not None:
                progress(done, total)
    return ([o for outcomes, _ in solved for o in outcomes],
            [f for _, figures in solved for f in figures])


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
    own = plan_decision(plan)
    if decision is None:
        decision = own
    outcomes, figures = solve_all(plan, samples, workers, progress, decision,
                                  own[0] if own is not None else [])
    document = summarise(plan, samples, outcomes, decision=decision, seed=used_seed,
                         figures=figures if decision is not None else None)
    if objective is not None:
        document["robust"] = robust_portfolio(plan, samples, objective)
    return document
