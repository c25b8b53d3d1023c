"""Who is signed in: Flask-Login's session, checked against the account's session version
(signing out or a new password moves it on, so a cookie captured before is refused), and
failed sign-ins throttled per address and per account (Flask-Limiter, counting where
every process sees the counts: the database or Redis, planner/accounts/throttle.py)."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, redirect, request, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user

from models import User
from planner.accounts.access import ACCESS, STATE_WORDS, check_access, may
from planner.accounts.throttle import storage_uri
from planner.accounts.users import anyone
from planner.database import get_session, reading

# Failed sign-ins allowed before the next waits: per address and per account.
SIGN_IN_LIMIT = "5 per minute"

login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class SignedIn(UserMixin):
    """The signed-in person as Flask-Login holds them: the account's id and the session
    version the cookie was made with."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.id = f"{user.id}:{user.session_version}"

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def admin(self) -> bool:
        return self.user.admin


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "basic"  # a new address marks it not fresh
    # The store Flask-Limiter's init_app reads from the config (memory:// would count in
    # each gunicorn worker apart), given for that call alone: the config keeps the
    # setting as the installation made it (unset: chosen here).
    made = app.config.get("RATELIMIT_STORAGE_URI")
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config)
    try:
        limiter.init_app(app)
    finally:
        app.config["RATELIMIT_STORAGE_URI"] = made
    app.before_request(_require_sign_in)
    app.add_template_global(may, "may")
    app.add_template_global(STATE_WORDS, "cycle_words")


@login_manager.user_loader
def _load(session_id: str) -> SignedIn | None:
    """The account behind a session, if the session is still valid for it."""
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None
    # In a session of its own that only reads: the request's own session would begin a
    # write transaction (and, on SQLite, take the write lock) before the page's work.
    with reading() as session:
        user = session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None or not user.active or user.session_version != version:
        return None
    return SignedIn(user)


def _require_sign_in() -> Any:
    """Every page but the public ones asks for a signed-in person: a page to read sends
    them to sign in (and back); anything else is refused."""
    rule = ACCESS.get(request.endpoint or "")
    if request.endpoint is None or (rule is not None and rule.scope == "public"):
        return None
    if current_user.is_authenticated:
        check_access()
        return None
    if request.path.startswith("/api/v1/") or request.path == "/api/v1":  # planner/api
        abort(401, "Send a personal access token: Authorization: Bearer <token>.")
    if not anyone(get_session()):
        return redirect(url_for("accounts.setup"))
    if request.method in ("GET", "HEAD"):
        return redirect(url_for("accounts.sign_in", next=request.full_path.rstrip("?")))
    abort(401, "Sign in first: nothing was saved.")


def account_key() -> str:
    """Throttle key per account: the email a sign-in names."""
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]
