"""Adding people: the one way the command line, the set-up page and the demo all use."""

from __future__ import annotations

from sqlmodel import Session, select

from models import User
from planner.accounts.passwords import password_hash, password_problem


class AccountError(ValueError):
    """An account that cannot be added, with the words to show."""


def add_user(session: Session, *, email: str, name: str, password: str,
             admin: bool = False) -> User:
    """A new account (flushed, not committed); AccountError when it cannot be."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or any(char.isspace() for char in email):
        raise AccountError(f'"{email}" is not an email address.')
    problem = password_problem(password)
    if problem:
        raise AccountError(f"Password: {problem}")
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise AccountError(f"{email} already has an account.")
    user = User(email=email, name=name.strip() or email, admin=admin,
                password_hash=password_hash(password))
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def anyone(session: Session) -> bool:
    """Whether any account exists (else the set-up page makes the first admin)."""
    return session.exec(select(User.id).limit(1)).first() is not None
