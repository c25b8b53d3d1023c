"""Local passwords beside the identity provider: the sign-in page offers the provider (and
the page asked for goes with it) and, while passwords are on, the password form; with
passwords turned off (planner/accounts/installation.py) only the provider, the form's POST
refused and the password page saying why. Without a provider configured, passwords always
sign in, so that nobody is locked out."""

from __future__ import annotations

from models import User
from models.db import open_session
from planner.accounts.installation import PASSWORDS, set_setting
from tests.sso.idp import Browser
from tests.sso.seen import account, signed_out
from tests.webapp import ADMIN_EMAIL, ADMIN_PASSWORD, make_app, page_text, signed_in_client

OFF = "Passwords are turned off here: sign in with Example ID instead."


def _passwords(app, on: bool) -> None:
    with open_session(app.extensions["planner_engine"], write=True) as session:
        set_setting(session, PASSWORDS, on)
        session.commit()


def _sign_in(client):
    return client.post("/sign-in", data={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})


def test_the_sign_in_page_offers_the_provider_and_passwords(app):
    page = app.test_client().get("/sign-in?next=/plans/new")
    html = page.get_data(as_text=True)
    assert "Sign in with Example ID" in page_text(page)
    assert 'href="/auth/oidc/login?next=/plans/new"' in html.replace("%2F", "/")
    assert 'name="password"' in html


def test_passwords_off_hides_the_form_and_refuses_its_post(app):
    _passwords(app, False)
    page = app.test_client().get("/sign-in")
    assert "Sign in with Example ID" in page_text(page)
    assert 'name="password"' not in page.get_data(as_text=True)
    client = app.test_client()
    response = _sign_in(client)
    assert response.status_code == 403 and OFF in page_text(response)
    assert signed_out(client)
    # Turned on again, the same password signs in.
    _passwords(app, True)
    assert _sign_in(client).status_code == 302 and not signed_out(client)


def test_passwords_off_the_password_page_says_so_and_changes_nothing(app, db):
    kept = account(db, ADMIN_EMAIL).password_hash
    _passwords(app, False)
    client = signed_in_client(app)
    page = client.get("/account/password")
    assert page.status_code == 200 and "Passwords are turned off here" in page_text(page)
    assert 'name="current"' not in page.get_data(as_text=True)
    response = client.post("/account/password", data={
        "current": ADMIN_PASSWORD, "password": "a new long password for me",
        "confirm": "a new long password for me"})
    assert response.status_code == 403 and "Nothing was changed" in page_text(response)
    assert account(db, ADMIN_EMAIL).password_hash == kept


def test_an_account_of_the_provider_has_no_password_to_change(app, db, provider):
    provider.person("zed-1", "zed@example.com", name="Zed")
    client = app.test_client()
    assert Browser(provider).sign_in(client, "zed-1").status_code == 302
    page = client.get("/account/password")
    assert "Your account signs in with Example ID and has no password here" in page_text(page)
    response = client.post("/account/password", data={
        "current": "", "password": "a new long password for me",
        "confirm": "a new long password for me"})
    assert response.status_code == 403
    assert db.get(User, account(db, "zed@example.com").id).password_hash == ""


def test_without_a_provider_passwords_sign_in_even_when_turned_off(database_url):
    app = make_app(database_url)
    _passwords(app, False)
    client = app.test_client()
    assert 'name="password"' in client.get("/sign-in").get_data(as_text=True)
    assert _sign_in(client).status_code == 302 and not signed_out(client)
    app.extensions["planner_engine"].dispose()
