"""Where the sign-in throttle counts failed sign-ins: one store shared by every process of
the app, so that several gunicorn workers (planner/cli/serve.py) allow an account its 5
guesses a minute in all, not 5 in each. Redis when REDIS_URL (or RATELIMIT_STORAGE_URI)
names one; else the app's own database, table rate_count (models/db.py `RateCount`),
through the storage below, registered with the `limits` library as plannerdb://.

Each count is a fixed window: the first hit of a key starts it (count 1, expires_at now
plus the window), later hits add to it until it ends, and the next hit after starts a new
one. One INSERT ... ON CONFLICT DO UPDATE ... RETURNING does each hit, so two processes
hitting the same key at once both count (SQLite 3.35 and newer, and PostgreSQL)."""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from flask import current_app
from limits.storage import Storage
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from models.db import WRITE, RateCount

SCHEME = "plannerdb"
KEY_LENGTH = 255  # rate_count.key's width
# Windows that ended this long ago are deleted by the next hit of any key.
FORGET_AFTER_SECONDS = 3600

log = logging.getLogger(__name__)


def storage_uri(config: dict[str, Any]) -> str:
    """The throttle's store for this configuration: RATELIMIT_STORAGE_URI if set, else the
    Redis of REDIS_URL, else the database."""
    return (config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL")
            or f"{SCHEME}://")


def _stored_key(key: str) -> str:
    """The key as the column holds it: a longer one (an odd email) by its digest."""
    if len(key) <= KEY_LENGTH:
        return key
    return key[:KEY_LENGTH - 65] + "#" + hashlib.sha256(key.encode()).hexdigest()


def _engine() -> Any:
    # The app's engine at the time of the call: the one Limiter serves every app made in
    # this process, and a test gives each of its databases an engine of its own.
    return current_app.extensions["planner_engine"]


class DatabaseStorage(Storage):
    """The `limits` storage of the fixed-window strategy on the app's database."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's count in its window (a new window if it has none or
        it ended) and return the count, in one statement."""
        now = time.time()
        table = RateCount.__table__
        engine = _engine()
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        ended = table.c.expires_at <= now
        statement = dialect.insert(table).values(
            key=_stored_key(key), count=amount, expires_at=now + expiry)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={"count": case((ended, amount), else_=table.c.count + amount),
                  "expires_at": case((ended, now + expiry), else_=table.c.expires_at)},
        ).returning(table.c.count)
        with engine.execution_options(**WRITE).begin() as connection:
            count = connection.execute(statement).scalar_one()
        self._forget_old(engine, now)
        return int(count)

    def get(self, key: str) -> int:
        row = self._row(key)
        return int(row.count) if row is not None and row.expires_at > time.time() else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        now = time.time()
        return float(row.expires_at) if row is not None and row.expires_at > now else now

    def check(self) -> bool:
        try:
            with _engine().connect() as connection:
                connection.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with _engine().execution_options(**WRITE).begin() as connection:
            return connection.execute(delete(RateCount)).rowcount

    def clear(self, key: str) -> None:
        with _engine().execution_options(**WRITE).begin() as connection:
            connection.execute(delete(RateCount).where(RateCount.key == _stored_key(key)))

    @staticmethod
    def _row(key: str) -> Any:
        table = RateCount.__table__
        with _engine().connect() as connection:
            return connection.execute(
                select(table.c.count, table.c.expires_at)
                .where(table.c.key == _stored_key(key))).first()

    @staticmethod
    def _forget_old(engine: Any, now: float) -> None:
        """Delete windows long ended, so that guesses at many emails leave no lasting rows.
        Its own transaction after the hit's: a failure here loses no count."""
        try:
            with engine.execution_options(**WRITE).begin() as connection:
                connection.execute(delete(RateCount).where(
                    RateCount.expires_at < now - FORGET_AFTER_SECONDS))
        except SQLAlchemyError:
            log.warning("Old sign-in counts were not deleted; the next hit tries again.",
                        exc_info=True)
