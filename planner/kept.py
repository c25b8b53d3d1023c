"""The app's one cache layer: everything a process keeps between requests, and every text
that all the processes of the app share, each declared below with what its key is made of
and how many are kept.

One rule for them all. A value is kept by a key made of whatever it is worked out from
(a run's id and time, a plan's record line, the digest of the code that works it out), so
that a kept value is never stale: what would make it stale makes another key. A process
keeps at most `most` values of each kind (`Kept`), and the one used least recently goes
first. A saved run never changes (no code changes one); should one change in this process
after all, every kind whose key names a run is forgotten. The texts shared by every
process (`Shared`: costly to work out, and never changing under their key) are rows of
the database's `kept_text` table, of which it keeps the newest 5,000 (models/db.py).

Written here rather than with functools.lru_cache, whose key would have to carry what the
value is worked out from (a saved run, a database session) and would keep it alive as long
as the value is kept. The shared texts are kept in the database rather than in a cache
server: the database is the one thing every process of an installation already reaches
(the default one has no other service), and a kept text is a row read by its key.

Rendered HTML is kept for two pages only, where it pays: a saved run's report and a page
of its say-no list, on a plan of 1,000 initiatives, are most of their pages' time
(docs/benchmarks.md)."""

from __future__ import annotations

import hashlib
import logging
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, Generic, TypeVar

from flask import current_app, has_app_context
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from models import Run
from models.db import keep_text, kept_text
from planner.database import holds_the_write_lock

log = logging.getLogger(__name__)

Value = TypeVar("Value")
EVERY: list[Kept[Any]] = []  # every kind of value a process keeps, as declared below


class Kept(Generic[Value]):
    """The `most` values of one kind used last, by a key of the declared parts; safe to
    share between a process's threads."""

    def __init__(self, what: str, key: tuple[str, ...], most: int) -> None:
        self.what, self.key, self.most = what, key, most
        self.misses = 0  # values worked out, for the tests that count them
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()
        EVERY.append(self)

    def get(self, key: tuple[Hashable, ...], work_out: Callable[[], Value]) -> Value:
        """The value kept for the key, or `work_out()` (outside the lock), then kept."""
        _check(self.what, self.key, key)
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = work_out()
        with self._lock:
            self.misses += 1
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.most:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class Shared:
    """Texts of one kind, worked out by one process and read by every other one from the
    database (`shared_text`), by a key of the declared parts."""

    def __init__(self, what: str, key: tuple[str, ...]) -> None:
        self.what, self.key = what, key

    def get(self, key: tuple[Hashable, ...], work_out: Callable[[], str]) -> str:
        _check(self.what, self.key, key)
        return shared_text(f"{self.what} {key!r}", work_out)


def _check(what: str, parts: tuple[str, ...], key: tuple[Hashable, ...]) -> None:
    if len(key) != len(parts):
        raise ValueError(f"{what} is kept by {', '.join(parts)}, not by {key!r}")


RUNS_SHOWN = 16  # saved runs whose pages a process keeps what they show
RUN = ("run", "run's time")  # a run's id and time: SQLite gives a deleted row's id again

# Kept by each process.
REPORTS: Kept[Markup] = Kept(
    "a saved run's report as its pages show it (portfolio/_report.html, rendered)",
    ("plan", *RUN), most=RUNS_SHOWN)
SAY_NO_ENTRIES: Kept[list[Any]] = Kept(
    "a saved run's say-no entries, named, with the explanations stored so far",
    (*RUN, "explanations stored", "newest explanation"), most=RUNS_SHOWN)
SAY_NO_PAGES: Kept[Markup] = Kept(
    "a page of a saved run's say-no list (say_no/_list.html, rendered)",
    ("plan", *SAY_NO_ENTRIES.key, "order", "robust result", "page"), most=4 * RUNS_SHOWN)
# A result of a plan of 20,000 initiatives is megabytes of JSON, read and named in a good
# part of a second, and never changes under its id and time (a new one is another row).
FIRMNESS: Kept[Any] = Kept(
    "a saved run's newest robust result, shaped for its pages (planner/runs/firmness)",
    (*RUN, "result", "result's time"), most=RUNS_SHOWN)
RETURNS: Kept[Any] = Kept(
    "a saved run's return figures", (*RUN, "code"), most=RUNS_SHOWN)
CHARTS: Kept[Markup] = Kept(
    "a chart as drawn (a few kB)", ("drawing", "code", "figures"), most=256)
PLAN_DOCUMENTS: Kept[dict[str, Any] | None] = Kept(
    "a plan's document as of a line of its record (one of 20,000 initiatives is ~20 MB)",
    ("plan", "plan's time", "record line"), most=4)

# Shared by every process, in the database.
RETURNS_TEXT = Shared("returns of", RETURNS.key)
CHART_TEXT = Shared("chart", CHARTS.key)
CHANGED_WORDS = Shared("changed since", (*RUN, "plan", "plan's time", "record line"))


def forget_all() -> None:
    """Forget what this process keeps (the shared texts stay): as a new process."""
    for kind in EVERY:
        kind.clear()


@event.listens_for(Run, "after_update")
def _forget_runs(*_args: Any) -> None:
    """Should a saved run ever be changed in this process after all, show it as it is now."""
    for kind in EVERY:
        if "run" in kind.key:
            kind.clear()


def code_of(*modules: str) -> str:
    """A digest of these modules' source, for the key of a shared text worked out by them:
    a text kept by other code (an earlier release) is then never read as theirs."""
    digest = hashlib.sha256()
    for name in sorted(modules):
        digest.update(Path(sys.modules[name].__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


def shared_text(of: str, work_out: Callable[[], str]) -> str:
    """The text kept for every process of the app under `of` (words naming everything it is
    worked out from, the code that works it out too (code_of), which must never change
    under them), or `work_out()`, then kept.

    Keeping it is only a saving: when the database is too busy to take it, the text is
    still given, and the next process to need it works it out again. Outside an app (a
    command that has none), it is worked out each time."""
    if not has_app_context():
        return work_out()
    engine = current_app.extensions["planner_engine"]
    key = hashlib.sha256(of.encode("utf-8")).hexdigest()
    found = kept_text(engine, key)
    if found is not None:
        return found
    text = work_out()
    if holds_the_write_lock():  # a form shown again with its errors: kept by a later page
        return text
    try:
        keep_text(engine, key, text)
    except SQLAlchemyError as error:
        log.warning("a text was not kept for the other processes: %s", error)
    return text
