"""Passwords: the rules of OWASP ASVS 5.0 level 2 (at least 12 characters, no composition
rules, long passphrases welcome) and argon2id hashes; a password is never stored or logged."""

from __future__ import annotations

import multiprocessing
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
# One hash at a time in a process, or in the whole server once it shares its turns
# (share_turns, before it forks its workers): the hashes of a crowd signing in at once
# queue for their turn (one takes about 0.15 s of processor) instead of taking every core
# together. A turn not given within TURN_WAIT seconds is taken anyway, so that a worker
# killed in the middle of a hash can never keep everyone else from signing in.
_turns: Any = threading.Lock()
TURN_WAIT = 5.0


def share_turns() -> None:
    """Make the turns one for every process forked from this one from now on."""
    global _turns
    _turns = multiprocessing.get_context("fork").Lock()


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
    """work(*args) in its turn (taken anyway after TURN_WAIT), done in a thread of its own
    that runs HASHING_NICENESS nicer than this one (argon2's own threads, started from it,
    with it). On Linux only, where a niceness is a thread's own; elsewhere in this thread,
    as it is."""
    turn = _turns.acquire(timeout=TURN_WAIT)
    try:
        return _nicer(work, *args) if sys.platform == "linux" else work(*args)
    finally:
        if turn:
            _turns.release()


def _nicer(work: Callable[..., Value], *args: Any) -> Value:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            thread = threading.get_native_id()
            niceness = os.getpriority(os.PRIO_PROCESS, thread)
            os.setpriority(os.PRIO_PROCESS, thread, min(19, niceness + HASHING_NICENESS))
            outcome["value"] = work(*args)
        except BaseException as error:  # noqa: BLE001 (raised again in the caller)
            outcome["error"] = error

    # A thread for each hash, not a pool: a pool's thread would not outlive the fork of a
    # server's worker from the process that made it, and a thread costs little beside a hash.
    helper = threading.Thread(target=run, name="password hash")
    helper.start()
    helper.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
