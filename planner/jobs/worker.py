"""`planner worker`: a Huey consumer of the app's queue (planner/jobs/queue.py), its
processes leaving the cores to the pages first, dying with it (planner/jobs/processes.py),
its main process failing the jobs of workers that died (planner/jobs/reaper.py) and running
the sweeps the features ask for (app.extensions["planner_sweeps"]: the mail's, that queues
what is due to be sent)."""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import Flask
from huey import consumer as huey_consumer

from planner.jobs.processes import Lineage, die_with_parent
from planner.jobs.reaper import Reaper


class Sweep(Protocol):
    """A feature's round in a worker's main loop (planner/mail/sweep.py's): `due()` does
    one when it is time, and keeps its own failures to itself."""

    def due(self) -> object: ...


def yield_cores(niceness: int) -> None:
    """Run this process, and the worker processes it forks, `niceness` nicer: a page
    waits on a person, a job is watched from its page, so on a machine that does both the
    pages go first.

    Linux shares the cores between sessions (autogroups) before niceness counts within one,
    so a worker in a session of its own (as `planner serve` starts it, or a service manager
    does) gives its session the same niceness; else it would still take half the cores
    from the server's session whatever its own niceness. A worker started in a session it
    shares (a terminal's) leaves the session alone: that would slow the rest of it too.
    """
    if niceness <= 0:
        return
    os.nice(niceness)
    autogroup = Path("/proc/self/autogroup")
    if os.getsid(0) == os.getpid() and autogroup.exists():
        with contextlib.suppress(OSError):
            autogroup.write_text(f"{niceness}\n")


@dataclass(frozen=True)
class Worker:
    """`planner worker`: a Huey consumer of the app's queue, whose processes die with it
    (processes.py), and whose main process fails the jobs of dead workers (reaper.py) and
    runs the features' sweeps."""

    app: Flask
    processes: int
    parent: int | None = None  # the server that started it, if one did: it dies with it

    def run(self) -> None:
        if self.parent is not None:  # at its death, SIGTERM: Huey's consumer stops at once
            die_with_parent(signal.SIGTERM)
            if os.getppid() != self.parent:
                return
        huey = self.app.extensions["planner_queue"]
        engine = self.app.extensions["planner_engine"]
        yield_cores(int(self.app.config["JOBS_NICENESS"]))
        lineage = Lineage.of_this_process(Path(self.app.instance_path))
        lineage.claim()
        # Each worker process is forked from this one: it opens connections of its own.
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
        # An idle worker looks for work at least every second (Redis hands it over at once)
        consumer = Consumer(huey, lineage=lineage,
                            reaper=Reaper(engine, float(self.app.config["JOBS_STALE_SECONDS"])),
                            sweeps=tuple(self.app.extensions.get("planner_sweeps", ())),
                            parent=self.parent,
                            workers=self.processes, worker_type="process", max_delay=1.0,
                            check_worker_health=True, health_check_interval=5)
        try:
            consumer.run()
        finally:
            lineage.leave()


class _Bound:
    """What Huey's worker and scheduler processes do besides their own: die with the main
    process, and take nothing once it is gone."""

    lineage: Lineage

    def initialize(self) -> None:
        self.lineage.enter_child()
        huey_stop = signal.getsignal(signal.SIGTERM)  # Huey's: stop a job under way

        def stop(signum, frame) -> None:
            if self.lineage.orphaned():  # the main process died: stop now, idle or not
                raise KeyboardInterrupt
            if callable(huey_stop):
                huey_stop(signum, frame)

        signal.signal(signal.SIGTERM, stop)
        super().initialize()

    def loop(self, now=None) -> None:
        if self.lineage.orphaned():  # before taking a job: none is taken by an orphan
            raise KeyboardInterrupt
        super().loop(now)

    def shutdown(self) -> None:
        self.lineage.leave_child()
        super().shutdown()


class _Worker(_Bound, huey_consumer.Worker):
    pass


class _Scheduler(_Bound, huey_consumer.Scheduler):
    pass


class Consumer(huey_consumer.Consumer):
    """Huey's consumer, its processes bound to it, and reaping and the features' sweeps in
    its main loop (each an object whose `due()` does a round when it is time for one:
    never a thread of its own, see reaper.py)."""

    worker_class = _Worker
    scheduler_class = _Scheduler

    def __init__(self, huey, *, lineage: Lineage, reaper: Reaper, parent: int | None,
                 sweeps: tuple[Sweep, ...] = (), **options) -> None:
        self.lineage, self.reaper = lineage, reaper  # before Huey makes its processes
        self.sweeps = sweeps
        self.parent = parent
        super().__init__(huey, **options)

    def _create_worker(self):
        worker = super()._create_worker()
        worker.lineage = self.lineage
        return worker

    def _create_scheduler(self):
        scheduler = super()._create_scheduler()
        scheduler.lineage = self.lineage
        return scheduler

    def loop(self, health_check_ts=None):
        if self.parent is not None and os.getppid() != self.parent and self._signum is None:
            self._handle_signal(signal.SIGTERM, None)  # where SIGTERM did not come at death
        health_check_ts = super().loop(health_check_ts)
        self.reaper.due()
        for sweep in self.sweeps:
            sweep.due()
        return health_check_ts
