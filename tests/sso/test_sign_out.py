"""Signing out of a sign-in through the provider: the session here ends, and the browser
goes on to the provider's end_session_endpoint (RP-initiated logout) with the ID token as
its hint, which ends the provider's session too and comes back to the sign-in page."""

from __future__ import annotations

import base64
import json

from tests.sso.idp import PUBLIC_URL, local, query
from tests.sso.seen import signed_out
from tests.webapp import ADMIN_EMAIL, ADMIN_PASSWORD


def _claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_signing_out_ends_the_session_here_and_at_the_provider(app, provider, browser):
    provider.person("xan-1", "xan@example.com", name="Xan")
    client = app.test_client()
    assert browser.sign_in(client, "xan-1").status_code == 302
    response = client.post("/sign-out")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{provider.issuer}/session/end?")
    sent = query(location)
    assert sent["client_id"] == "planner"
    assert sent["post_logout_redirect_uri"] == "http://localhost/sign-in"
    hint = _claims(sent["id_token_hint"])
    assert (hint["sub"], hint["aud"], hint["iss"]) == ("xan-1", "planner", provider.issuer)
    assert signed_out(client)
    # The provider asks, ends its session, and sends the browser back to the sign-in page.
    back = browser.through(location, "xan-1")
    assert browser.pages[-1] == "logout"
    assert local(back) == "/sign-in" or local(back).startswith("/sign-in?")
    assert client.get(local(back)).status_code == 200
    # Its session ended: the next sign-in from the same browser asks for the password.
    browser.pages.clear()
    assert browser.sign_in(client, "xan-1").status_code == 302
    assert browser.pages[0] == "login" and not signed_out(client)


def test_the_way_back_from_the_provider_is_public_urls_when_set(app, provider, browser):
    app.config["PUBLIC_URL"] = PUBLIC_URL
    provider.person("yul-1", "yul@example.com", name="Yul")
    client = app.test_client()
    assert browser.sign_in(client, "yul-1").status_code == 302
    location = client.post("/sign-out").headers["Location"]
    assert query(location)["post_logout_redirect_uri"] == f"{PUBLIC_URL}/sign-in"
    assert browser.through(location, "yul-1").startswith(f"{PUBLIC_URL}/sign-in")


def test_a_password_sign_in_signs_out_here_only(app, provider, browser):
    """Signed in with a password, even over a sign-in through the provider in the same
    browser: signing out stays here."""
    provider.person("ada-2", ADMIN_EMAIL, name="Ada")
    client = app.test_client()
    assert browser.sign_in(client, "ada-2").status_code == 302
    assert client.post("/sign-in", data={"email": ADMIN_EMAIL,
                                         "password": ADMIN_PASSWORD}).status_code == 302
    response = client.post("/sign-out")
    assert response.headers["Location"] == "/sign-in" and signed_out(client)
