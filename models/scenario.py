"""Scenarios: named variants of a plan, kept as overrides of its settings (never a copy),
each with its last solve.

A scenario's solve is kept on the scenario, not as a run of the plan: a what-if must not
become the plan's latest run (the journey, the team view and the say-no list read that).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select

from models.base import utcnow


class Scenario(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    name: str
    note: str = ""
    # optimizer.finance.scenarios overrides: budget, period_budgets, max_focus, weights,
    # capacities, decisions; what is absent is the plan's own setting.
    overrides: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    # The last solve: the plan document exactly as solved, and its result document.
    solved_at: datetime | None = None
    inputs: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    result: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


def scenarios_of(*, session: Session, plan_id: int) -> list[Scenario]:
    """The plan's scenarios by name."""
    statement = select(Scenario).where(Scenario.plan_id == plan_id).order_by(
        Scenario.name, Scenario.id)
    return list(session.exec(statement).all())
