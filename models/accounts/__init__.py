"""People who sign in, and their roles in plans.

An account has an email, a name, a password hash (never the password) and a session
version that signing out or a new password moves on, so that a cookie captured before no
longer works. A membership gives it one role in one plan."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

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


ROLES = ("lead", "finance", "team", "viewer")


class Membership(SQLModel, table=True):
    """A person's role in one plan: CX lead, finance, team member (of one team) or viewer."""

    __table_args__ = (UniqueConstraint("user_id", "plan_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    role: str  # one of ROLES
    team: str = ""  # the team a team member proposes for and reads
