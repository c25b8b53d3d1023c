"""Imports waiting for a person to confirm their preview.

The preview is worked out once, when the file is uploaded; what it would write (the plan
document merged with the file) is kept here until the person confirms or cancels. The
fingerprint of the plan it was worked out against is kept with it, so that a confirm after
someone else changed the plan is refused instead of undoing their change.
"""

import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Column, delete
from sqlmodel import Field, Session, SQLModel

from models.base import utcnow

KEPT_FOR = timedelta(days=1)


class PendingImport(SQLModel, table=True):
    __tablename__ = "pending_import"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, index=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    filename: str
    base: str  # plan_fingerprint of the plan when the preview was made
    document: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # What the preview showed: added, changed, unchanged (per list) and ignored sheets.
    summary: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


def plan_fingerprint(document: dict[str, Any]) -> str:
    """A digest that changes whenever anything in the plan document changes."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def forget_stale_imports(session: Session, now: datetime | None = None) -> None:
    """Delete the previews nobody confirmed or cancelled within a day."""
    cutoff = (now or utcnow()) - KEPT_FOR
    session.execute(delete(PendingImport).where(PendingImport.created_at < cutoff))
