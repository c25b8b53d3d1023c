"""What a process keeps between requests: the last few of something costly to work out,
by a key that changes whenever what it was worked out from does; and text that every
process of the app shares, kept in the database (`shared_text`).

Written here rather than with functools.lru_cache, whose key would have to carry what the
value is worked out from (a saved run, a database session) and would keep it alive as long
as the value is kept. The shared text is kept in the database rather than in a cache
server: the database is the one thing every process of an installation already reaches
(the default one has no other service), and a kept text is a row read by its key."""

from __future__ import annotations

import hashlib
import logging
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar

from flask import current_app, has_app_context
from sqlalchemy.exc import SQLAlchemyError

from models.db import keep_text, kept_text

log = logging.getLogger(__name__)

Value = TypeVar("Value")


class Kept(Generic[Value]):
    """The `most` values used last, by key; safe to share between a process's threads."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._values: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, work_out: Callable[[], Value]) -> Value:
        """The value kept for the key, or `work_out()` (outside the lock), then kept."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = work_out()
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.most:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def code_of(*modules: str) -> str:
    """A digest of these modules' source, for the words of a shared text worked out by
    them: a text kept by other code (an earlier release) is then never read as theirs."""
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
    try:
        keep_text(engine, key, text)
    except SQLAlchemyError as error:
        log.warning("a text was not kept for the other processes: %s", error)
    return text
