"""The journey: moments of truth (front and back stage), the influences between them, and
the scores measured on them."""

from datetime import date

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class MomentBase(SQLModel):
    key: str
    name: str
    side: str = "front"
    weight: float = 1.0
    headroom: float | None = None
    category: str | None = None
    score: float | None = None
    owner: str = ""  # the team or person accountable for the moment (display only)


class Moment(MomentBase, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    stage_id: int | None = Field(default=None, foreign_key="stage.id", ondelete="SET NULL",
                                 index=True)
    # Optimistic locking: a save names the version it was edited from.
    version: int = 1


class Influence(SQLModel, table=True):
    """Improving the back-stage step `source` improves moment `target` by `factor` times."""

    __table_args__ = (UniqueConstraint("source_id", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    source_id: int = Field(foreign_key="moment.id", ondelete="CASCADE", index=True)
    target_id: int = Field(foreign_key="moment.id", ondelete="CASCADE", index=True)
    factor: float
    version: int = 1  # optimistic locking, as on moments


class Measurement(SQLModel, table=True):
    """A moment's score as measured on a day (display and review only): how a leader sees
    whether the focus moments moved."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    moment_id: int = Field(foreign_key="moment.id", ondelete="CASCADE", index=True)
    taken_on: date
    score: float
    n: int | None = None  # the sample size
    source: str = ""
