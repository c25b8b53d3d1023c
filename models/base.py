"""What every table module shares: the clock and how a parent owns its child rows."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A moment the database kept in UTC; SQLite gives it back without its zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# A parent's rows go with it: deleted by the database (ON DELETE CASCADE) and by the session.
CHILDREN = {"cascade_delete": True, "passive_deletes": True}
