"""A robust job's pool of processes dies with the job's process (planner/uncertainty/
processes.py): a worker killed mid-job leaves no pool solving for nobody."""

import multiprocessing
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor

from planner.uncertainty.processes import _may_start_processes


def _pid_after_a_while() -> int:
    time.sleep(0.5)
    return os.getpid()


def _sleep_long() -> None:
    time.sleep(60)


def _job(pipe) -> None:
    """What a job does: start a pool inside _may_start_processes, then work on."""
    with _may_start_processes(), ProcessPoolExecutor(max_workers=2) as pool:
        pids = {pool.submit(_pid_after_a_while).result() for _ in range(4)}
        pipe.send(sorted(pids | {p.pid for p in pool._processes.values()}))  # noqa: SLF001
        pool.submit(_sleep_long).result()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split()[2] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def test_the_pool_dies_when_the_jobs_process_is_killed():
    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    job = context.Process(target=_job, args=(theirs,))
    job.start()
    assert ours.poll(30), "the job's pool did not start"
    pool = ours.recv()
    assert pool and all(_alive(pid) for pid in pool)
    os.kill(job.pid, signal.SIGKILL)
    job.join(10)
    waited = time.monotonic() + 10
    while any(_alive(pid) for pid in pool) and time.monotonic() < waited:
        time.sleep(0.1)
    assert [pid for pid in pool if _alive(pid)] == []
