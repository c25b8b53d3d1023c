"""The decision record: who changed what in a plan, and when, one line per field; runs,
publications and imports too. Lines are only ever added."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import utcnow


class RecordEntry(SQLModel, table=True):
    __tablename__ = "record_entry"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    user_id: int | None = Field(default=None, foreign_key="account.id", ondelete="SET NULL")
    who: str = ""  # the name at the time, kept if the account goes
    at: datetime = Field(default_factory=utcnow)
    action: str  # added, changed, deleted, ran, published, imported
    entity: str  # plan, stage, period, resource, moment, influence, initiative, ...
    key: str = ""  # the row's ID in the plan (its key), or its name
    field: str = ""  # for a change: the field
    before: str = ""
    after: str = ""
