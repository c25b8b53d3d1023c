"""The identity provider of the single sign-on tests: npm's oidc-provider, run by
tests/sso/provider/provider.mjs in a node process of its own, and a person's browser at
it (its cookies), driven with plain HTTP requests through its sign-in pages.

`scripts/setup test` installs the provider's packages (npm ci in tests/sso/provider)."""

from __future__ import annotations

import os
import re
import select
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

FOLDER = Path(__file__).resolve().parent / "provider"
CLIENT_ID, CLIENT_SECRET = "planner", "the planner's secret at the test provider"
PUBLIC_URL = "https://planner.example.com"
# The app's addresses the provider knows: the test client's host, and PUBLIC_URL's.
HOSTS = ("http://localhost", PUBLIC_URL)
START_SECONDS = 20  # the longest the provider may take to listen


class Provider:
    """The running provider: its issuer, and its test-only admin requests."""

    def __init__(self, port: int, groups_claim: str) -> None:
        self.issuer = f"http://127.0.0.1:{port}"
        self.groups_claim = groups_claim

    def settings(self) -> dict[str, Any]:
        """The app's settings for signing in through this provider."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": CLIENT_ID,
                "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_NAME": "Example ID",
                "OIDC_SCOPES": "openid email profile groups",
                "OIDC_GROUPS_CLAIM": self.groups_claim}

    def person(self, sub: str, email: str, *, name: str = "", verified: bool | None = True,
               edov: bool | None = None, groups: list[str] | None = None) -> None:
        """Define a person of the provider, or change their claims (their next sign-in
        gives the new ones). `verified` None leaves email_verified out, and `edov` gives
        Entra ID's xms_edov (the tenant verified the email's domain)."""
        self._admin("PUT", f"accounts/{sub}", {"email": email, "email_verified": verified,
                                               "xms_edov": edov, "name": name,
                                               "groups": groups or []})

    def tamper(self, mode: str) -> None:
        """Spoil the next ID token the provider issues in this way (provider.mjs MODES)."""
        self._admin("POST", "tamper", {"mode": mode})

    def jwks_fetches(self) -> int:
        """How often the provider's keys were fetched so far."""
        return self._admin("GET", "counts")["jwks"]

    def _admin(self, method: str, path: str, body: dict | None = None) -> Any:
        response = requests.request(method, f"{self.issuer}/test-admin/{path}", json=body,
                                    timeout=5)
        response.raise_for_status()
        return response.json()


@contextmanager
def running_provider(groups_claim: str = "groups",
                     hosts: tuple[str, ...] = HOSTS) -> Iterator[Provider]:
    """The provider in a process of its own on a free port of 127.0.0.1, stopped after;
    it sends browsers back to the app at `hosts`."""
    if not (FOLDER / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("The test provider's packages are missing: run `scripts/setup "
                           "test` (npm ci in tests/sso/provider).")
    environment = {**os.environ, "CLIENT_ID": CLIENT_ID, "CLIENT_SECRET": CLIENT_SECRET,
                   "GROUPS_CLAIM": groups_claim,
                   "REDIRECT_URIS": " ".join(f"{host}/auth/oidc/callback" for host in hosts),
                   "POST_LOGOUT_REDIRECT_URIS": " ".join(f"{host}/sign-in" for host in hosts)}
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(["node", str(FOLDER / "provider.mjs")], stdout=subprocess.PIPE,
                                   stderr=errors, env=environment, text=True)
        try:
            ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
            line = process.stdout.readline() if ready else ""  # its port, once it listens
            if not line.strip().isdigit():
                process.kill()
                process.wait(5)
                errors.seek(0)
                raise RuntimeError(f"The test provider did not start: {errors.read()}")
            yield Provider(int(line), groups_claim)
        finally:
            process.terminate()
            process.wait(10)
            process.stdout.close()


class Browser:
    """A person's browser at the provider: it keeps the provider's cookies (its session),
    so a second sign-in from it needs no password, as in a real browser."""

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self.http = requests.Session()
        self.pages: list[str] = []  # the provider's pages shown to the person, in order

    def sign_in(self, client, sub: str, *, start: str = "/auth/oidc/login"):
        """Sign in to the app (a Flask test client) as this person: the app's answer to
        the provider's sending the browser back."""
        return client.get(self.callback(client, sub, start=start))

    def callback(self, client, sub: str, *, start: str = "/auth/oidc/login") -> str:
        """The address (path and query) the provider sends the browser back to, the
        person signed in at the provider, without going there yet."""
        response = client.get(start)
        assert response.status_code == 302, response.get_data(as_text=True)
        return local(self.through(response.headers["Location"], sub))

    def through(self, url: str, sub: str) -> str:
        """Follow the provider's pages from this address, signing in as `sub` and
        agreeing where asked, until it sends the browser elsewhere: that address."""
        for _ in range(20):
            if not url.startswith(self.provider.issuer):
                return url
            response = self.http.get(url, allow_redirects=False)
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                continue
            url = self._answer(url, response, sub)
        raise AssertionError(f"The provider's pages went round in circles at {url}")

    def _answer(self, url: str, page: requests.Response, sub: str) -> str:
        html = page.text
        form = re.search(r'<form[^>]*action="([^"]+)"', html)
        assert page.status_code == 200 and form, f"{page.status_code} at {url}: {html[:2000]}"
        if 'name="prompt" value="login"' in html:
            self.pages.append("login")
            data = {"prompt": "login", "login": sub, "password": "any password"}
        elif 'name="prompt" value="consent"' in html:
            self.pages.append("consent")
            data = {"prompt": "consent"}
        elif 'id="op.logoutForm"' in html:
            self.pages.append("logout")
            data = {"xsrf": re.search(r'name="xsrf" value="([^"]+)"', html).group(1),
                    "logout": "yes"}
        else:
            raise AssertionError(f"An unknown page of the provider at {url}: {html[:2000]}")
        answer = self.http.post(urljoin(url, unescape(form.group(1))), data=data,
                                allow_redirects=False)
        assert answer.is_redirect, f"{answer.status_code} at {url}: {answer.text[:2000]}"
        return urljoin(url, answer.headers["Location"])


def local(url: str) -> str:
    """The path and query of an address of the app, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def query(url: str) -> dict[str, str]:
    """An address's query parameters, one value each."""
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
