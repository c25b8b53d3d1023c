"""A worker's processes live and die together: `planner worker`'s main process forks the
processes that take jobs (Huey's process workers, and its scheduler), and none of them
outlives it. A process left behind by a main process that died (killed outright, SIGKILL)
would keep taking jobs beside the workers started after it: twice the parallelism asked
for, on a machine sized for once.

Three locks on that door, each enough where it works:
- On Linux, each child asks the kernel for SIGTERM when its parent dies (PR_SET_PDEATHSIG),
  and stops at that signal: a job under way is interrupted (and failed, saying what was
  kept), an idle wait for the next job ends.
- In every turn of its loop, before it takes a job, a child compares its parent's pid with
  its main process's: once they differ the main process is gone, and it takes no more.
  A job under way looks too (queue.py's Progress): at its next step, and from its
  heartbeat's thread, which ends the process when the solver, in C, holds the thread that
  would stop (a signal waits for Python) or when Python swallowed the interrupt (raised
  inside a garbage collector's callback, it is ignored).
- Each process of a worker is recorded in the instance folder (`workers/<main pid>/`, each
  with its start time, so that a pid used again by another program is never mistaken for
  it); a worker that starts stops the processes of a recorded main process that has died
  (SIGTERM, then SIGKILL after a few seconds), and removes the records.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # linux/prctl.h
STOP_SECONDS = 5.0  # how long a leftover process has to stop on SIGTERM before SIGKILL
_MAIN: list[int] = []  # in a child of a worker, its main process's pid


def main_gone() -> bool:
    """This process is a child of a worker whose main process has died."""
    return bool(_MAIN) and os.getppid() != _MAIN[0]


def started(pid: int) -> str | None:
    """When the process `pid` started, as the system says it (a process that has ended, or
    a zombie, has none): with its pid, what tells it apart from a later process given the
    same pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None if Path("/proc/self/stat").exists() else _started_by_ps(pid)
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the name, in brackets, may hold spaces
    return None if fields[0] in ("Z", "X") else fields[19]  # state, then start time


def _started_by_ps(pid: int) -> str | None:
    """Without /proc (macOS, the BSDs): what ps says of the process's start."""
    try:
        said = subprocess.run(["ps", "-o", "lstart=", "-p", str(pid)], capture_output=True,
                              text=True, timeout=5, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return said or None


def die_with_parent(signum: int = signal.SIGTERM) -> bool:
    """Ask the kernel to send `signum` to this process when its parent dies (Linux); False
    elsewhere, or when refused.

    By hand through ctypes: prctl is not in Python's standard library, Huey does not set
    it for the processes its consumer forks, and no well-kept library does (python-prctl,
    a C extension that needs libcap's headers to build, last released in 2020; pyprctl, in
    2021): one call is less to keep than a dependency."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        answer = libc.prctl(ctypes.c_int(PR_SET_PDEATHSIG), ctypes.c_ulong(signum),
                            ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0))
    except (OSError, AttributeError):
        return False
    if answer != 0:
        logger.warning("prctl(PR_SET_PDEATHSIG) refused: errno %s", ctypes.get_errno())
        return False
    return True


@dataclass(frozen=True)
class Lineage:
    """The processes of one `planner worker`: its main process and those it forks,
    recorded under `folder` (the instance folder's workers/)."""

    folder: Path
    main: int  # the main process's pid

    @classmethod
    def of_this_process(cls, instance: Path) -> Lineage:
        return cls(Path(instance) / "workers", os.getpid())

    @property
    def records(self) -> Path:
        return self.folder / str(self.main)

    def claim(self) -> list[int]:
        """In the main process, as it starts: stop what dead workers left, then record this
        one. Returns the pids stopped."""
        stopped = stop_leftovers(self.folder)
        shutil.rmtree(self.records, ignore_errors=True)  # a dead worker's, same pid
        self.records.mkdir(parents=True, exist_ok=True)
        _write(self.records / "started", started(self.main) or "")
        return stopped

    def enter_child(self) -> None:
        """In a child, first thing: die with the main process, and be recorded. A child
        whose main process is gone already leaves at once."""
        _MAIN[:] = [self.main]
        die_with_parent(signal.SIGTERM)
        if self.orphaned():
            raise KeyboardInterrupt  # Huey's loop ends on it, quietly
        pid = os.getpid()
        _write(self.records / str(pid), started(pid) or "")

    def orphaned(self) -> bool:
        """In a child: its main process is gone (the child was handed to another parent)."""
        return os.getppid() != self.main

    def leave_child(self) -> None:
        with contextlib.suppress(OSError):
            (self.records / str(os.getpid())).unlink()

    def leave(self) -> None:
        """In the main process, as it ends: the records go with it, but for those of
        children still alive (stopped without waiting for their job): the next worker to
        start stops them, if they have not stopped by themselves."""
        alive = False
        for record in self.records.glob("[0-9]*"):
            with contextlib.suppress(OSError):
                if started(int(record.name)) == record.read_text():
                    alive = True
                else:
                    record.unlink()
        if not alive:
            shutil.rmtree(self.records, ignore_errors=True)


def stop_leftovers(folder: Path) -> list[int]:
    """Stop the processes recorded under `folder` whose main process has died, and remove
    their records; a living worker's records are left alone. Returns the pids stopped."""
    if not folder.is_dir():
        return []
    left: list[tuple[int, str]] = []  # each process, with when it started
    for records in folder.iterdir():
        try:
            main = int(records.name)
            main_started = (records / "started").read_text()
        except (ValueError, OSError):  # not a record, or one being written
            continue
        if not main_started or started(main) == main_started:
            continue  # that worker is alive (or cannot be told apart from one)
        for record in records.iterdir():
            if record.name.isdigit():
                with contextlib.suppress(OSError):
                    left.append((int(record.name), record.read_text()))
        shutil.rmtree(records, ignore_errors=True)
    left = [(pid, when) for pid, when in left if when and started(pid) == when]
    _signal(left, signal.SIGTERM)
    _signal(left, signal.SIGCONT)  # one stopped (SIGSTOP) takes its SIGTERM now
    deadline = time.monotonic() + STOP_SECONDS
    while _alive(left) and time.monotonic() < deadline:
        time.sleep(0.05)
    _signal(_alive(left), signal.SIGKILL)
    if left:
        logger.warning("stopped processes %s left by a worker that died",
                       [pid for pid, _ in left])
    return [pid for pid, _ in left]


def _alive(processes: list[tuple[int, str]]) -> list[tuple[int, str]]:
    return [(pid, when) for pid, when in processes if started(pid) == when]


def _signal(processes: list[tuple[int, str]], signum: int) -> None:
    for pid, _ in processes:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)


def _write(path: Path, text: str) -> None:
    """Written whole or not at all: a reader never sees half a record."""
    part = path.with_name(f".{path.name}.part")
    part.write_text(text)
    part.replace(path)
