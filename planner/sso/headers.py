"""The pages' Content-Security-Policy for a person signed in through the identity
provider: its form-action also names the provider's origin, where the Sign out form's
answer sends the browser on (to end the provider's session too). Browsers apply
form-action to where a form's answer redirects, so with 'self' alone they stop there, and
the provider's session would outlive the sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, session

from planner.accounts.views import PROVIDER_SIGN_OUT
from planner.web import SECURITY_HEADERS

POLICY = "Content-Security-Policy"
SELF = "form-action 'self'"


def allow_signing_out_there(response: Response) -> Response:
    """Name the provider's end of its session in form-action, while this person's sign-out
    goes on to it; every other page's policy stays as planner/web.py makes it."""
    there = session.get(PROVIDER_SIGN_OUT)
    if there and POLICY not in response.headers:
        parts = urlsplit(there)
        if parts.scheme in ("http", "https") and parts.netloc:
            response.headers[POLICY] = SECURITY_HEADERS[POLICY].replace(
                SELF, f"{SELF} {parts.scheme}://{parts.netloc}")
    return response
