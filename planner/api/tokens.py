"""Personal access tokens: made (shown once), found by their SHA-256 at each API request,
and the person they act as. A token acts with its person's roles and no more (the access
table decides as for the pages); a read token only reads; a revoked or expired token, or
one of an account that is stopped, is refused at once (401).

The API never reads the session cookie: a browser signed in to the pages cannot be made
to change anything through the API by another site's page (no CSRF token is asked of the
API's writes, so none must be possible without the token)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import abort, g, request
from flask_login import AnonymousUserMixin
from sqlalchemy import update
from sqlmodel import Session, select

from models import ApiToken, User
from models.base import as_utc, utcnow
from planner.accounts.signin import SignedIn
from planner.api.problems import is_api
from planner.database import reading, writing_apart

PREFIX = "mot_"  # a token's start: tells a leaked token for what it is
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
LAST_USE_EVERY = timedelta(minutes=1)  # a token's last use is written at most this often


def hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def make_token(session: Session, user: User, *, name: str, scope: str = "read",
               days: int | None = None) -> tuple[ApiToken, str]:
    """A new token of the person, added to the session (the caller commits), and the
    token itself, to be shown once: it is kept only as its hash."""
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hashed(secret),
                     prefix=secret[:len(PREFIX) + 4], scope=scope,
                     expires_at=utcnow() + timedelta(days=days) if days else None)
    session.add(token)
    return token, secret


def usable(token: ApiToken | None) -> bool:
    return token is not None and token.revoked_at is None and (
        token.expires_at is None or as_utc(token.expires_at) > utcnow())


def authenticate() -> None:
    """Before an API request: the person its bearer token acts as, never the session's;
    nobody (and the access check's 401) without one."""
    if not is_api():
        return
    g._login_user = AnonymousUserMixin()  # Flask-Login's: the session is not read
    header = request.headers.get("Authorization", "")
    if not header:
        return
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(401, "Send a personal access token as Authorization: Bearer <token>.")
    with reading() as session:
        token = session.exec(select(ApiToken).where(
            ApiToken.token_hash == hashed(secret.strip()))).first()
        user = session.get(User, token.user_id) if token is not None else None
    if not usable(token) or user is None or not user.active:
        abort(401, "This token is not valid: it is unknown, revoked or expired, or its "
                   "account is stopped. Make a new one on your account page.")
    g._login_user, g.api_token = SignedIn(user), token
    if token.scope != "write" and request.method not in READ_METHODS:
        abort(403, "This token only reads: make a token with the write scope to change "
                   "anything.")
    if token.last_used_at is None or utcnow() - as_utc(token.last_used_at) > LAST_USE_EVERY:
        with writing_apart() as session:
            session.execute(update(ApiToken).where(ApiToken.id == token.id)
                            .values(last_used_at=utcnow()))
            session.commit()


def token_key() -> str:
    """The rate limit's key: the token (every request of one token counts together)."""
    token = g.get("api_token")
    return f"token:{token.id}" if token is not None else f"address:{request.remote_addr}"
