"""`planner worker`: a Huey consumer of the app's queue (planner/jobs/queue.py), its
processes leaving the cores to the pages first."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask


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
    """`planner worker`: a Huey consumer of the app's queue."""

    app: Flask
    processes: int

    def run(self) -> None:
        huey = self.app.extensions["planner_queue"]
        engine = self.app.extensions["planner_engine"]
        yield_cores(int(self.app.config["JOBS_NICENESS"]))
        # Each worker process is forked from this one: it opens connections of its own.
        os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
        # An idle worker looks for work at least every second (Redis hands it over at once)
        consumer = huey.create_consumer(workers=self.processes, worker_type="process",
                                        max_delay=1.0, check_worker_health=True,
                                        health_check_interval=5)
        consumer.run()
