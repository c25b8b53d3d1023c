"""What the single sign-on tests look at in the app: its accounts, and whether a client is
signed in."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from models import User


def accounts(db) -> int:
    """How many accounts the database has now."""
    db.rollback()
    return db.exec(select(func.count()).select_from(User)).one()


def account(db, email: str) -> User | None:
    db.rollback()
    return db.exec(select(User).where(User.email == email)).first()


def signed_out(client) -> bool:
    """The client is signed in as nobody: a page sends it to the sign-in page."""
    response = client.get("/")
    return response.status_code == 302 and "/sign-in" in response.headers["Location"]
