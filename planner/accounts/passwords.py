"""Passwords: the rules of OWASP ASVS 5.0 level 2 (at least 12 characters, no composition
rules, long passphrases welcome) and argon2id hashes; a password is never stored or logged."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

SHORTEST, LONGEST = 12, 256
HASHER = PasswordHasher()  # argon2id with the library's recommended costs
# A hash runs this much nicer than the pages (and less nice than a job's solve, at 10):
# its cost is deliberate, and a burst of people signing in at once (a Monday morning)
# should slow their own sign-ins, not the pages of everyone already at work.
HASHING_NICENESS = 5
Value = TypeVar("Value")


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
    return yielding(HASHER.hash, password)


def matches(stored: str, password: str) -> bool:
    """Whether the password is the one the hash was made from."""
    try:
        return yielding(HASHER.verify, stored, password)
    except (VerificationError, InvalidHashError):
        return False


def yielding(work: Callable[..., Value], *args: Any) -> Value:
    """work(*args), done in a thread of its own that runs HASHING_NICENESS nicer than
    this one (argon2's own threads, started from it, with it). On Linux only, where a
    niceness is a thread's own; elsewhere in this thread, as it is."""
    if sys.platform != "linux":
        return work(*args)
    outcome: dict[str, Any] = {}

    def nicer() -> None:
        try:
            thread = threading.get_native_id()
            niceness = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, min(19, niceness + HASHING_NICENESS))
            outcome["value"] = work(*args)
        except BaseException as error:  # noqa: BLE001 (raised again in the caller)
            outcome["error"] = error

    # A thread for each hash, not a pool: a pool's thread would not outlive the fork of a
    # server's worker from the process that made it, and a thread costs little beside a hash.
    helper = threading.Thread(target=nicer, name="password hash")
    helper.start()
    helper.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
