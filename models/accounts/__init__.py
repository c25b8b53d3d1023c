"""People who sign in, the teams of each plan, and their roles in plans.

An account has an email, a name, a password hash (never the password) and a session
version that signing out or a new password moves on, so that a cookie captured before no
longer works. A membership gives it one role in one plan."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from models.base import utcnow


class User(SQLModel, table=True):
    __tablename__ = "account"  # "user" is a reserved word in PostgreSQL

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, index=True)  # as typed, folded to lower case
    name: str
    password_hash: str  # argon2id (planner/accounts/passwords.py)
    active: bool = True
    admin: bool = False  # an installation admin may do everything in every plan
    session_version: int = 1
    created_at: datetime = Field(default_factory=utcnow)


class Team(SQLModel, table=True):
    """A team of the plan: the one that would do an initiative, or that a team member
    works in. Named once, where an initiative or a member first names it."""

    __table_args__ = (UniqueConstraint("plan_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    name: str


ROLES = ("lead", "finance", "team", "viewer")


class Membership(SQLModel, table=True):
    """A person's role in one plan: CX lead, finance, team member (of one team) or viewer."""

    __table_args__ = (UniqueConstraint("user_id", "plan_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    role: str  # one of ROLES
    # The team a team member proposes for and reads (None for the other roles)
    team_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("team.id", ondelete="SET NULL", name="fk_membership_team_id_team")))
    team_row: Team | None = Relationship(sa_relationship_kwargs={"lazy": "joined"})

    @property
    def team(self) -> str:
        return self.team_row.name if self.team_row is not None else ""
