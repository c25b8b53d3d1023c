"""What every table module shares: the clock and how a parent owns its child rows."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


# A parent's rows go with it: deleted by the database (ON DELETE CASCADE) and by the session.
CHILDREN = {"cascade_delete": True, "passive_deletes": True}
