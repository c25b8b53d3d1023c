"""A saved run of the optimiser: the plan document it used and the result it gave."""

from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, Relationship, SQLModel

from models.plan import utcnow

if TYPE_CHECKING:
    from models.plan import Plan


class Run(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    budget: float | None = None
    max_focus: int
    status: str
    impact: float | None = None
    cost: float | None = None
    # The plan document exactly as solved (PLAN_FORMAT.md) and the result document.
    inputs: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))

    plan: Optional["Plan"] = Relationship(back_populates="runs")
