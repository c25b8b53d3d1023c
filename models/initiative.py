"""Initiatives and what each one costs, uses, moves and depends on."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.accounts import Team
from models.base import CHILDREN, utcnow


class InitiativeBase(SQLModel):
    key: str
    name: str
    # The team that would do it (None: no team named); its name is `team`
    team_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("team.id", ondelete="SET NULL", name="fk_initiative_team_id_team"),
        index=True))
    decision: str = "auto"
    reason: str = ""
    confidence: float = 1.0
    benefit: float | None = None
    note: str = ""
    # How far the total cost may turn out (docs/model.md, "Uncertainty"): both None when
    # the initiative gives no range of its own, both set when it does.
    cost_low: float | None = None
    cost_high: float | None = None


# How far a funded initiative's team has got with it (planner/delivery): set by the team
# once the decision funds it, and read by the cycle review.
PLANNED, IN_PROGRESS, DELIVERED, DROPPED = "planned", "in progress", "delivered", "dropped"
DELIVERY = (PLANNED, IN_PROGRESS, DELIVERED, DROPPED)


class Initiative(InitiativeBase, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    delivery: str = PLANNED  # one of DELIVERY
    # What the delivered work actually cost, as its team records it with its delivery: the
    # cycle review weighs it against the planned cost to propose default ranges.
    actual_cost: float | None = None
    costs: list["InitiativeCost"] = Relationship(
        **CHILDREN, sa_relationship_kwargs={"order_by": "InitiativeCost.id"})
    effects: list["InitiativeEffect"] = Relationship(
        **CHILDREN, sa_relationship_kwargs={"order_by": "InitiativeEffect.id"})
    uses: list["InitiativeUse"] = Relationship(
        **CHILDREN, sa_relationship_kwargs={"order_by": "InitiativeUse.id"})
    links: list["InitiativeLink"] = Relationship(
        **CHILDREN, sa_relationship_kwargs={"order_by": "InitiativeLink.id",
                                        "foreign_keys": "[InitiativeLink.initiative_id]"})
    team_row: Team | None = Relationship(sa_relationship_kwargs={"lazy": "joined"})

    @property
    def total_cost(self) -> float:
        return sum(cost.amount for cost in self.costs)

    @property
    def team(self) -> str:
        """The team's name; "" for no team."""
        return self.team_row.name if self.team_row is not None else ""


class InitiativeCost(SQLModel, table=True):
    """Cost in one period, or (period None) the whole cost of a plan without periods."""

    __tablename__ = "initiative_cost"
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", ondelete="CASCADE", index=True)
    period_id: int | None = Field(default=None, foreign_key="period.id", ondelete="CASCADE",
                                  index=True)
    amount: float


class InitiativeEffect(SQLModel, table=True):
    __tablename__ = "initiative_effect"
    __table_args__ = (UniqueConstraint("initiative_id", "moment_id"),)
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", ondelete="CASCADE", index=True)
    moment_id: int = Field(foreign_key="moment.id", ondelete="CASCADE", index=True)
    uplift: float
    # The uplift's own range (low <= uplift <= high), both None for none.
    low: float | None = None
    high: float | None = None


class InitiativeUse(SQLModel, table=True):
    __tablename__ = "initiative_use"
    __table_args__ = (UniqueConstraint("initiative_id", "resource_id"),)
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", ondelete="CASCADE", index=True)
    resource_id: int = Field(foreign_key="resource.id", ondelete="CASCADE", index=True)
    amount: float


class InitiativeLink(SQLModel, table=True):
    """`initiative` requires or excludes `other` (kind "requires" / "excludes")."""

    __tablename__ = "initiative_link"
    __table_args__ = (UniqueConstraint("initiative_id", "other_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", ondelete="CASCADE", index=True)
    other_id: int = Field(foreign_key="initiative.id", ondelete="CASCADE", index=True)
    kind: str
