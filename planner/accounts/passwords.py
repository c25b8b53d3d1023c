"""Passwords: the rules of OWASP ASVS 5.0 level 2 (at least 12 characters, no composition
rules, long passphrases welcome) and argon2id hashes; a password is never stored or logged."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SHORTEST, LONGEST = 12, 256
HASHER = PasswordHasher()  # argon2id with the library's recommended costs


def password_problem(password: str) -> str | None:
    """What is wrong with a new password, in words; None when it will do."""
    if len(password) < SHORTEST:
        return (f"At least {SHORTEST} characters: a few words make a good one "
                "(\"green kiosk by the door\").")
    if len(password) > LONGEST:
        return f"At most {LONGEST} characters."
    if not password.strip():
        return "Not only spaces."
    return None


def password_hash(password: str) -> str:
    return HASHER.hash(password)


def matches(stored: str, password: str) -> bool:
    """Whether the password is the one the hash was made from."""
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
