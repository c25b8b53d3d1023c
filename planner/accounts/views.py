"""Sign in, sign out, and the one-time set-up page that makes an installation's first admin."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import update

from models import User
from planner.accounts import people
from planner.accounts.forms import PasswordForm, SetupForm, SignInForm
from planner.accounts.passwords import matches, password_hash
from planner.accounts.signin import SIGN_IN_LIMIT, SignedIn, account_key, limiter
from planner.accounts.users import AccountError, add_user, anyone, find_user
from planner.database import get_session, reading
from planner.forms import ConfirmForm
from planner.views import commit

bp = Blueprint("accounts", __name__)
people.routes.add_to(bp)  # the admins' page of every account
WRONG = "That email and password do not match an account. Nothing else is said, on purpose."
# Checked when no account has the email, so that a wrong email takes as long as a wrong
# password and does not tell which accounts exist.
NOBODY = password_hash("nobody has this password at all")


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], deduct_when=_failed)
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], key_func=account_key, deduct_when=_failed)
def sign_in():
    """Sign in with email and password; back to the page asked for. It only reads, in a
    session that does: the request's own would, for a POST, take the write lock (on
    SQLite, the whole database's) and hold it through the password's deliberately slow
    hash, and every save of everyone else would wait for it."""
    with reading() as session:
        if not anyone(session):
            return redirect(url_for("accounts.setup"))
        form = SignInForm()
        valid = form.validate_on_submit()
        user = find_user(session, form.email.data) if valid else None
    if valid:
        if matches(user.password_hash if user else NOBODY, form.password.data) and (
                user is not None and user.active):
            login_user(SignedIn(user))
            return redirect(_next_page())
        # Shown in an alert that takes the focus (templates/accounts/sign_in.html).
        return render_template("accounts/sign_in.html", form=form, plan=None,
                               refused=WRONG), 401
    return render_template("accounts/sign_in.html", form=form, plan=None), (
        422 if form.is_submitted() else 200)


@bp.post("/sign-out")
def sign_out():
    """Sign out everywhere: every session of this account made before stops working."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    session.execute(update(User).where(User.id == current_user.user.id)
                    .values(session_version=User.session_version + 1))
    logout_user()
    commit("Signed out.")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """The first admin of a new installation; gone once any account exists."""
    session = get_session()
    if anyone(session):
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = add_user(session, email=form.email.data, name=form.name.data,
                            password=form.password.data, admin=True)
        except AccountError as error:
            form.email.errors = [str(error)]
        else:
            if commit(f"Welcome, {user.name}: you are this installation's admin."):
                login_user(SignedIn(user))
                return redirect(url_for("plans.index"))
    return render_template("accounts/setup.html", form=form, plan=None), (
        422 if form.is_submitted() else 200)


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    """A new password: every other session of the account stops working; this one goes on."""
    session = get_session()
    form = PasswordForm()
    if form.validate_on_submit():
        user = session.get(User, current_user.user.id)
        if not matches(user.password_hash, form.current.data):
            form.current.errors = ["That is not your password now; nothing was changed."]
        else:
            user.password_hash = password_hash(form.password.data)
            user.session_version += 1
            if commit("Password changed: every other session of yours has ended."):
                login_user(SignedIn(user))
                return redirect(url_for("plans.index"))
    return render_template("accounts/password.html", form=form, plan=None), (
        422 if form.is_submitted() else 200)


def _next_page() -> str:
    """Where to go after signing in: a page of this site, never another's."""
    target = request.args.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    flash("Signed in.", "ok")
    return url_for("plans.index")
