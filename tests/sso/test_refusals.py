"""Every answer of the provider that fails a check is refused: an ID token from another
issuer, for another client, with another sign-in's nonce, expired, signed with a key not
the provider's or changed after signing, or missing; a callback used twice, forged, or
from another provider. Each refusal says what failed, answers below 500, signs nobody in
and makes no account (not even one without a role).

The provider spoils one ID token at a time (tests/sso/provider/provider.mjs, its test-only
tamper switch) and signs it again with its own key, so that each token is wrong in one
way only."""

from __future__ import annotations

import pytest

from tests.sso.idp import Browser
from tests.sso.seen import account, accounts, signed_out
from tests.webapp import page_text

SPOILT = [  # the provider's tamper mode, and what the refusal says
    ("issuer", "another than OIDC_ISSUER issued it"),
    ("audience", "it is meant for another client than OIDC_CLIENT_ID"),
    ("replayed-nonce", "its nonce is not this sign-in's"),
    ("expired", "it has expired"),
    ("unknown-key", "its signature is not the identity provider's"),
    ("wrong-key", "its signature is not the identity provider's"),
    ("altered", "its signature is not the identity provider's"),
    ("without-id-token", "The identity provider sent no ID token"),
]


def _refused(response, client, db, before: int, email: str, words: str) -> None:
    assert 400 <= response.status_code < 500, response.status_code
    assert words in page_text(response)
    assert signed_out(client)
    assert accounts(db) == before and account(db, email) is None


@pytest.mark.parametrize(("mode", "words"), SPOILT, ids=[mode for mode, _ in SPOILT])
def test_a_spoilt_id_token_is_refused(app, db, provider, browser, mode, words):
    # A sign-in that passes first: its nonce is the one a replayed token carries.
    provider.person("first", "first@example.com", name="First")
    assert Browser(provider).sign_in(app.test_client(), "first").status_code == 302
    provider.person("mal-1", "mal@example.com", name="Mal")
    before, client = accounts(db), app.test_client()
    provider.tamper(mode)
    response = browser.sign_in(client, "mal-1")
    _refused(response, client, db, before, "mal@example.com", words)
    assert "Not signed in" in page_text(response)
    # The next sign-in, its token sound again, passes.
    assert browser.sign_in(client, "mal-1").status_code == 302 and not signed_out(client)


def test_an_unknown_key_fetches_the_providers_keys_once_more(app, db, provider, browser):
    provider.person("ned-1", "ned@example.com", name="Ned")
    assert browser.sign_in(app.test_client(), "ned-1").status_code == 302  # keys kept
    fetched = provider.jwks_fetches()
    assert browser.sign_in(app.test_client(), "ned-1").status_code == 302
    assert provider.jwks_fetches() == fetched, "the kept keys are used"
    provider.tamper("unknown-key")
    assert browser.sign_in(app.test_client(), "ned-1").status_code == 401
    assert provider.jwks_fetches() == fetched + 1, "fetched once more, then refused"


def test_a_key_the_provider_rotated_to_is_fetched_and_accepted(app, db, provider, browser):
    provider.person("oz-1", "oz@example.com", name="Oz")
    assert browser.sign_in(app.test_client(), "oz-1").status_code == 302
    fetched = provider.jwks_fetches()
    provider.tamper("rotated")  # signed with a new key its JWKS serves from now on
    client = app.test_client()
    assert browser.sign_in(client, "oz-1").status_code == 302 and not signed_out(client)
    assert provider.jwks_fetches() == fetched + 1


def test_a_callback_used_again_in_the_same_browser_is_refused(app, db, provider, browser):
    """The state is used once: the callback's address, used again after signing out, finds
    no sign-in under way."""
    provider.person("pat-1", "pat@example.com", name="Pat")
    client = app.test_client()
    callback = browser.callback(client, "pat-1")
    assert client.get(callback).status_code == 302
    client.post("/sign-out")
    before = accounts(db)
    response = client.get(callback)
    assert response.status_code == 400 and "This sign-in was already used" in page_text(
        response)
    assert signed_out(client) and accounts(db) == before


def test_a_callback_with_a_cookie_copied_before_it_is_refused(app, db, provider, browser):
    """Someone who copied the browser's cookie and the callback's address, and sends them
    after the person did: the provider takes a code once."""
    provider.person("quinn-1", "quinn@example.com", name="Quinn")
    client = app.test_client()
    callback = browser.callback(client, "quinn-1")
    copied = client.get_cookie("session").value
    assert client.get(callback).status_code == 302
    before, thief = accounts(db), app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get(callback)
    assert response.status_code == 400 and "invalid_grant" in page_text(response)
    assert signed_out(thief) and accounts(db) == before


def test_a_callback_of_a_sign_in_started_elsewhere_is_refused(app, db, provider, browser):
    """A callback's address sent to someone else's browser (login CSRF) signs nobody in."""
    provider.person("ray-1", "ray@example.com", name="Ray")
    callback = browser.callback(app.test_client(), "ray-1")
    before, victim = accounts(db), app.test_client()
    response = victim.get(callback)
    _refused(response, victim, db, before, "ray@example.com", "This sign-in was already used")


FORGED = [  # a callback's query, its status and what the refusal says
    ("code=made-up&state=made-up", 400, "This sign-in was already used"),
    ("error=access_denied&error_description=End-User+aborted", 403,
     "did not sign you in (access_denied: End-User aborted)"),
    ("code=made-up&state=made-up&iss=https://evil.example", 400,
     "The answer came from https://evil.example"),
]


@pytest.mark.parametrize(("sent", "status", "words"), FORGED,
                         ids=["unknown-state", "provider-error", "another-issuer"])
def test_a_forged_callback_is_refused(app, db, provider, sent, status, words):
    before, client = accounts(db), app.test_client()
    response = client.get(f"/auth/oidc/callback?{sent}")
    assert response.status_code == status and words in page_text(response)
    assert signed_out(client) and accounts(db) == before
