"""What a process keeps between requests: the last few of something costly to work out,
by a key that changes whenever what it was worked out from does.

Written here rather than with functools.lru_cache, whose key would have to carry what the
value is worked out from (a saved run, a database session) and would keep it alive as long
as the value is kept."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

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
