"""The planning cycle and its settings: plan, stages, periods, resources."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Optional

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.base import CHILDREN, utcnow

if TYPE_CHECKING:  # the child tables never import this module: no circle
    from models.initiative import Initiative
    from models.journey import Influence, Moment
    from models.run import Run


class PlanBase(SQLModel):
    name: str = Field(unique=True, index=True)
    currency: str = "EUR"
    budget: float | None = None
    max_focus: int = 3
    # Both None when the plan has no finance block; both set when it has one.
    horizon_years: int | None = None
    discount_rate: float | None = None
    # How the plan's people write numbers, for the one reading that depends on it
    # ("180.000", "1,5"): "point" (1,234.5), "comma" (1.234,5), or "" (not chosen: the
    # browser's language decides; planner/amounts.py).
    number_style: str = Field(default="", max_length=16)
    # Default ranges as shares of the likely value, as the plan file's `uncertainty`
    # ({"cost": [0.9, 1.3], "effects": [0.5, 1.2], "weight": [1, 1]}, a kind left out is
    # certain); None: every value without a range of its own is certain.
    uncertainty: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


# The cycle's states, in order: the CX lead sets up the journey (draft), the teams propose
# (open), a run is published as the decision (decided), the cycle is kept as it was (closed).
DRAFT, OPEN, DECIDED, CLOSED = "draft", "open", "decided", "closed"
STATES = (DRAFT, OPEN, DECIDED, CLOSED)


class Plan(PlanBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)
    version: int = 1  # of the settings: a save from a stale form is refused
    state: str = DRAFT  # one of STATES (planner/plans/cycle.py moves it on)
    # The last day teams may propose, as the CX lead gives it on opening proposals: the
    # plan's people are reminded by mail two days before. None: no closing day is set.
    proposals_close: date | None = None

    stages: list["Stage"] = Relationship(
        back_populates="plan", **CHILDREN,
        sa_relationship_kwargs={"order_by": "Stage.position"})
    periods: list["Period"] = Relationship(
        back_populates="plan", **CHILDREN,
        sa_relationship_kwargs={"order_by": "Period.position"})
    resources: list["Resource"] = Relationship(
        back_populates="plan", **CHILDREN,
        sa_relationship_kwargs={"order_by": "Resource.position"})
    # One-way: a moment, influence, initiative or run is always reached from its plan.
    moments: list["Moment"] = Relationship(
        **CHILDREN, sa_relationship_kwargs={"order_by": "Moment.id"})
    influences: list["Influence"] = Relationship(
        **CHILDREN, sa_relationship_kwargs={"order_by": "Influence.id"})
    initiatives: list["Initiative"] = Relationship(
        **CHILDREN,
        sa_relationship_kwargs={"order_by": "Initiative.id"})
    runs: list["Run"] = Relationship(
        **CHILDREN, sa_relationship_kwargs={"order_by": "Run.id"})

    @property
    def has_finance(self) -> bool:
        return self.horizon_years is not None


class Stage(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    position: int = 0
    key: str
    name: str
    version: int = 1

    plan: Optional["Plan"] = Relationship(back_populates="stages")


class Period(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    position: int = 0
    key: str
    budget: float | None = None
    version: int = 1

    plan: Optional["Plan"] = Relationship(back_populates="periods")


class Resource(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    position: int = 0
    key: str
    name: str = ""
    capacity: float = 0.0
    unit: str = ""
    version: int = 1

    plan: Optional["Plan"] = Relationship(back_populates="resources")

