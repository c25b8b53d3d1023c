"""Sign in, sign out, and the one-time set-up page that makes an installation's first admin.

With an identity provider (planner/sso), the sign-in page also offers it, and only it when
the installation's admins turned local passwords off."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_login import current_user, login_user, logout_user
from sqlalchemy import update

from models import User
from planner.accounts import people
from planner.accounts.forms import PasswordForm, SetupForm, SignInForm
from planner.accounts.installation import passwords_on
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
# The flask session's key: the identity provider's end of its own session, where signing out
# here goes next (set by planner/sso at a sign-in through the provider).
PROVIDER_SIGN_OUT = "provider_sign_out"


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
        passwords = not _passwords_off(session)
        form = SignInForm()
        if not passwords and form.is_submitted():
            return _sign_in_page(form, False, 403, refused=(
                "Passwords are turned off here: sign in with "
                f"{current_app.config['OIDC_NAME']} instead."))
        valid = form.validate_on_submit()
        user = find_user(session, form.email.data) if valid else None
    if valid:
        # An account with no password ("": it signs in through the provider) is checked
        # against NOBODY too, so that it takes as long, and is never signed in to.
        stored = user.password_hash if user is not None and user.password_hash else NOBODY
        if matches(stored, form.password.data) and (
                user is not None and user.active and user.password_hash):
            login_user(SignedIn(user))
            cookie.pop(PROVIDER_SIGN_OUT, None)
            return redirect(_next_page())
        # Shown in an alert that takes the focus (templates/accounts/sign_in.html).
        return _sign_in_page(form, passwords, 401, refused=WRONG)
    return _sign_in_page(form, passwords, 422 if form.is_submitted() else 200)


def _sign_in_page(form: SignInForm, passwords: bool, status: int, refused: str = ""):
    return render_template("accounts/sign_in.html", form=form, plan=None, refused=refused,
                           passwords=passwords, next_page=safe_next(request.args.get("next")),
                           provider=current_app.config.get("OIDC_ISSUER") and
                           current_app.config["OIDC_NAME"]), status


def _passwords_off(session) -> bool:
    """Local passwords are turned off: only where an identity provider is configured, so
    that an installation whose provider setting went away can still be signed in to."""
    return bool(current_app.config.get("OIDC_ISSUER")) and not passwords_on(session)


@bp.post("/sign-out")
def sign_out():
    """Sign out everywhere: every session of this account made before stops working. Signed
    in through the identity provider: on to it, to end its session too."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    session.execute(update(User).where(User.id == current_user.user.id)
                    .values(session_version=User.session_version + 1))
    logout_user()
    provider_sign_out = cookie.pop(PROVIDER_SIGN_OUT, None)
    commit("Signed out.")
    return redirect(provider_sign_out or url_for("accounts.sign_in"))


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
    """A new password: every other session of the account stops working; this one goes on.
    Not while local passwords are off, nor for an account that signs in only through the
    identity provider."""
    session = get_session()
    form = PasswordForm()
    user = session.get(User, current_user.user.id)
    unavailable = _no_password(session, user)
    if unavailable:
        if form.is_submitted():
            return render_template("accounts/password.html", form=form, plan=None,
                                   unavailable=f"{unavailable} Nothing was changed."), 403
        return render_template("accounts/password.html", form=form, plan=None,
                               unavailable=unavailable)
    if form.validate_on_submit():
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


def _no_password(session, user: User) -> str:
    """Why this account has no password to change here; "" when it has one."""
    name = current_app.config["OIDC_NAME"]
    if _passwords_off(session):
        return (f"Passwords are turned off here: you sign in with {name}, and change your "
                "password there.")
    if not user.password_hash:
        return (f"Your account signs in with {name} and has no password here: change your "
                "password there.")
    return ""


def safe_next(target: str | None) -> str | None:
    """The page to go to after signing in when it is one of this site's, never another's;
    None otherwise."""
    target = target or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def _next_page() -> str:
    """Where to go after signing in: the page asked for, else the plans."""
    target = safe_next(request.args.get("next"))
    if target:
        return target
    flash("Signed in.", "ok")
    return url_for("plans.index")
