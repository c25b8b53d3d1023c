"""Signing in through the identity provider: off to it (the authorization code flow with
PKCE, state and nonce), and back with a code that becomes a checked ID token, then a
signed-in account."""

from __future__ import annotations

import requests
from authlib.integrations.flask_client import OAuthError
from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import login_user

from planner.accounts.signin import SignedIn
from planner.accounts.views import PROVIDER_SIGN_OUT, safe_next
from planner.database import get_session
from planner.sso.client import metadata, provider, public_url
from planner.sso.link import account_for
from planner.sso.tokens import Person, SignInError, signed_in_person
from planner.views import commit

bp = Blueprint("sso", __name__)
NEXT = "sso_next"  # the flask session's key: the page to go to once signed in


@bp.get("/auth/oidc/login")
def login():
    """Off to the identity provider to sign in; it sends the browser back to callback."""
    client = provider()
    session[NEXT] = safe_next(request.args.get("next"))
    try:
        metadata(client)
        return client.authorize_redirect(public_url("sso.callback"))
    except (OAuthError, requests.RequestException) as error:
        detail = f" ({error.description})" if isinstance(error, OAuthError) else ""
        return _refused(SignInError(f"The identity provider could not be asked{detail}: "
                                    "try again in a moment.", 503))


@bp.get("/auth/oidc/callback")
def callback():
    """Back from the identity provider: the checked person signed in to their account."""
    client = provider()
    try:
        person = signed_in_person(client)
        user = account_for(get_session(), person)
    except SignInError as refusal:
        get_session().rollback()
        return _refused(refusal)
    if not commit("Signed in."):
        return _refused(SignInError("Your account was being saved by another sign-in at "
                                    "the same moment: sign in again.", 409))
    login_user(SignedIn(user))
    session.pop(PROVIDER_SIGN_OUT, None)
    sign_out = _provider_sign_out(client, person)
    if sign_out:
        session[PROVIDER_SIGN_OUT] = sign_out
    return redirect(session.pop(NEXT, None) or url_for("plans.index"))


def _provider_sign_out(client, person: Person) -> str | None:
    """Where signing out here goes next: the provider's end of its own session (RP-
    initiated logout), which then sends the browser back to the sign-in page; None when
    the provider has no such endpoint."""
    if not metadata(client).get("end_session_endpoint"):
        return None
    return client.create_logout_url(
        post_logout_redirect_uri=public_url("accounts.sign_in"),
        id_token_hint=person.id_token, client_id=client.client_id)["url"]


def _refused(refusal: SignInError):
    return render_template("sso/refused.html", refusal=refusal, plan=None,
                           next_page=session.get(NEXT)), refusal.status
