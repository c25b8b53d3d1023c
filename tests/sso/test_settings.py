"""The single sign-on settings checked at start: an issuer over plain http:// only on a
loopback address or with AUTHLIB_INSECURE_TRANSPORT=1, the client's id and secret, the
openid scope; each refusal a ConfigError naming the setting. Without OIDC_ISSUER there is
no single sign-on: its pages are not found and the sign-in page does not offer it."""

from __future__ import annotations

import re

import pytest

from planner import ConfigError
from tests.webapp import make_app, page_text

SOUND = {"OIDC_CLIENT_ID": "planner", "OIDC_CLIENT_SECRET": "secret"}


def _started(folder, **settings) -> None:
    """Start an app with these settings, on a database of its own: an app that refuses to
    start leaves its engine to the garbage collector, and these tests are not the
    database's."""
    app = make_app(f"sqlite:///{folder / 'planner.sqlite'}", accounts=False,
                   **{**SOUND, **settings})
    app.extensions["planner_engine"].dispose()


@pytest.mark.parametrize("issuer", [
    "https://login.example.com/tenant/v2.0", "http://127.0.0.1:8080", "http://127.9.9.9",
    "http://localhost:8080/realms/staff", "http://[::1]:8080"])
def test_an_https_or_loopback_issuer_starts(tmp_path, monkeypatch, issuer):
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    _started(tmp_path, OIDC_ISSUER=issuer)


REFUSED = [  # the settings, and what the ConfigError names
    ({"OIDC_ISSUER": "http://login.example.com"}, "OIDC_ISSUER 'http://login.example.com' "
     "uses plain http://"),
    ({"OIDC_ISSUER": "http://10.0.0.7:8080"}, "OIDC_ISSUER 'http://10.0.0.7:8080' uses plain"),
    ({"OIDC_ISSUER": "login.example.com"}, "OIDC_ISSUER 'login.example.com' is not an address"),
    ({"OIDC_ISSUER": "https://login.example.com", "OIDC_CLIENT_ID": None},
     "OIDC_CLIENT_ID is missing"),
    ({"OIDC_ISSUER": "https://login.example.com", "OIDC_CLIENT_SECRET": ""},
     "OIDC_CLIENT_SECRET is missing"),
    ({"OIDC_ISSUER": "https://login.example.com", "OIDC_SCOPES": "email profile"},
     "OIDC_SCOPES 'email profile' lacks \"openid\""),
]


@pytest.mark.parametrize(("settings", "words"), REFUSED, ids=[
    "http-host", "http-private-address", "no-scheme", "no-client-id", "no-secret",
    "no-openid-scope"])
def test_unsafe_or_incomplete_settings_refuse_to_start(tmp_path, monkeypatch, settings, words):
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT", raising=False)
    with pytest.raises(ConfigError, match=re.escape(words)):
        _started(tmp_path, **settings)


def test_insecure_transport_allowed_by_the_environment_starts(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    _started(tmp_path, OIDC_ISSUER="http://login.example.com")


def test_without_an_issuer_there_is_no_single_sign_on(database_url):
    app = make_app(database_url)
    client = app.test_client()
    assert client.get("/auth/oidc/login").status_code == 404
    assert client.get("/auth/oidc/callback?code=x&state=y").status_code == 404
    page = client.get("/sign-in")
    assert "Sign in with" not in page_text(page) and 'name="password"' in page.get_data(
        as_text=True)
    app.extensions["planner_engine"].dispose()
