"""The tokens section of one's account: list, make (the token shown once), revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlmodel import select
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional

from models import ApiToken
from models.accounts.tokens import SCOPES
from models.base import as_utc, utcnow
from planner.api.tokens import make_token
from planner.database import get_session
from planner.forms import ConfirmForm, Form, Longest, WholeNumber, choices
from planner.views import commit
from planner.web import LARGEST_ID

bp = Blueprint("tokens", __name__)

LONGEST_DAYS = 3650  # ten years: a token that should outlive that need not expire at all
SCOPE_WORDS = {"read": "Read: opens what you can open",
               "write": "Write: also changes what you can change"}


class TokenForm(Form):
    name = StringField("Name", [DataRequired("Name the token after what uses it, such as "
                                             "“Finance model”."), Longest(100)],
                       description="What uses it, so that you know which to revoke.")
    scope = SelectField("Scope", choices=choices((s, SCOPE_WORDS[s]) for s in SCOPES),
                        default="read", description="A read token cannot change anything.")
    expires = WholeNumber("Expires in (days)", [Optional(), NumberRange(
        1, LONGEST_DAYS, f"Give 1 to {LONGEST_DAYS:,} days, or leave it empty for a token "
                         "that lasts until you revoke it.")],
        description=f"1 to {LONGEST_DAYS:,}; empty: until revoked.")


@bp.route("/account/tokens", methods=["GET", "POST"])
def tokens():
    """One's tokens and the form that makes one; a token made is shown in this answer
    alone (never again, and never in a cookie)."""
    session, form = get_session(), TokenForm()
    made = None
    if form.validate_on_submit():
        token, secret = make_token(session, current_user.user, name=form.name.data.strip(),
                                   scope=form.scope.data, days=form.expires.data)
        if commit(f"Token “{token.name}” made: copy it now, it is not shown again."):
            made, form = secret, TokenForm(formdata=None)
    status = 422 if form.errors else 200
    page = render_template("tokens/tokens.html", plan=None, form=form, made=made,
                           tokens=[(token, _state(token)) for token in _own_tokens()],
                           revoke_form=ConfirmForm())
    return page, status, {"Cache-Control": "no-store"}


@bp.post("/account/tokens/<int:token_id>/revoke")
def revoke(token_id: int):
    """Revoke one of one's own tokens: its next request is refused."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    token = session.get(ApiToken, token_id) if 1 <= token_id <= LARGEST_ID else None
    if token is None or token.user_id != current_user.user.id:
        abort(404, "You have no such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        commit(f"Token “{token.name}” is revoked: a program that sends it is refused.")
    else:
        flash(f"Token “{token.name}” was revoked already.", "ok")
    return redirect(url_for("tokens.tokens"))


def _own_tokens() -> list[ApiToken]:
    return list(get_session().exec(select(ApiToken).where(
        ApiToken.user_id == current_user.user.id).order_by(ApiToken.id.desc())).all())


def _state(token: ApiToken) -> str:
    """What the token's next request would find: "active", "expired" or "revoked"."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and as_utc(token.expires_at) <= utcnow():
        return "expired"
    return "active"
