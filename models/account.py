"""People who sign in: an email, a name, a password hash (never the password) and a session
version that signing out or a new password moves on, so that a cookie captured before no
longer works."""

from datetime import datetime

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
