"""A robust job's samples solved on this machine's cores, when the queue has no other
machines' workers to share them with (planner/uncertainty/jobs.py): the engine's own
split over processes (optimizer.uncertainty.solve_all), which `robust` uses too, so the
outcomes, and the decision's figures in each sample, are those `robust` sums up."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import optimizer
from optimizer.uncertainty import solve_all
from planner.jobs.processes import die_with_parent

PROCESSES = 2  # the cores one robust job solves its samples on (ROBUST_PROCESSES)
ON_CORES_FROM = 200  # fewer samples are solved sooner than processes start


def solve_on_cores(plan: optimizer.Plan, samples: list[dict[str, Any]],
                   decision: tuple[list[str], list[str]],
                   progress: Callable[[int, int], None] | None = None,
                   processes: int = PROCESSES) -> tuple[list[dict[str, Any]], list[Any]]:
    """Each sample's outcome, in order, and the decision's figures in each, solved by
    `processes` processes (or this one, for few samples); `progress(done, total)` as parts
    are done."""
    if len(samples) < ON_CORES_FROM:
        processes = 1
    with _may_start_processes():
        return solve_all(plan, samples, processes, progress, decision)


# While a job starts its pool, each process forked for it dies with the job's process, as
# the worker's own processes die with theirs (planner/jobs/processes.py): a worker killed
# mid-job leaves no pool behind. Registered once; it acts only inside _may_start_processes.
_binding = False


def _bind_to_parent() -> None:
    if _binding:
        die_with_parent()


os.register_at_fork(after_in_child=_bind_to_parent)


@contextmanager
def _may_start_processes() -> Iterator[None]:
    """Let this process start the pool's: a queue worker's process is daemonic (Huey's),
    and multiprocessing refuses a daemonic process children of its own. The pool's
    processes are shut down before solve_all returns, so none outlives the job."""
    config = multiprocessing.current_process()._config  # noqa: SLF001 (no public way)
    daemon = config.get("daemon")
    config["daemon"] = False
    global _binding
    _binding = True
    try:
        yield
    finally:
        _binding = False
        if daemon is None:
            config.pop("daemon", None)
        else:
            config["daemon"] = daemon
