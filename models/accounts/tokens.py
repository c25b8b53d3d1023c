"""Personal access tokens for the JSON API, and the answers kept for its idempotent writes.

A token is kept only as its SHA-256 (the token itself is shown once, when made): a token
is 32 random bytes, so a hash needs no salt or slow function to be safe to keep, and one
lookup by hash finds it. It acts as its person, with their roles, no more; a read token
only reads."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow

SCOPES = ("read", "write")


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=100)  # what its person calls it ("Finance model")
    token_hash: str = Field(max_length=64, unique=True, index=True)  # SHA-256, in hex
    prefix: str = Field(max_length=16)  # its first characters, to tell tokens apart
    scope: str = Field(default="read", max_length=8)  # one of SCOPES
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None  # None: until revoked
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class IdempotentRequest(SQLModel, table=True):
    """A write sent with an Idempotency-Key, and the answer it got: the same key again
    gets the same answer, and the work is not done twice."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)  # of its method, path and body
    status: int = 0
    response: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON,
                                                                            nullable=False))
    location: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
