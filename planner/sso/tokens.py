"""The person the provider's answer names, once every check of it has passed: the state of
this browser's sign-in (used once), the code exchanged for tokens (with the PKCE
verifier), and every claim of the ID token (Authlib with joserfc checks them with the
options below), then the verified email and the groups.

Any failure is a SignInError with the words to show: nothing is saved and nobody is signed in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.flask_client import OAuthError
from flask import current_app, request
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)

from planner.sso.client import metadata

# Seconds of clock difference allowed between the provider and this server (exp, iat).
LEEWAY = 60


class SignInError(Exception):
    """A sign-in through the provider that is refused: the words and the HTTP status."""

    def __init__(self, words: str, status: int = 401) -> None:
        super().__init__(words)
        self.words, self.status = words, status


@dataclass(frozen=True)
class Person:
    """Who the provider signed in, as its checked claims say."""

    subject: str  # "ISSUER SUB": one person of one provider, for ever
    email: str  # folded to lower case, verified by the provider
    name: str
    groups: list[str]
    id_token: str  # as the provider sent it: the hint of a later sign-out


def claims_options(config: Any) -> dict[str, dict[str, Any]]:
    """What the ID token's claims must be: issued by OIDC_ISSUER exactly, for this
    client (Authlib then asks for azp when the token has several audiences), about
    someone. A new mapping for each check: Authlib takes hooks out of it as it reads it."""
    return {"iss": {"essential": True, "value": config["OIDC_ISSUER"]},
            "aud": {"essential": True, "value": config["OIDC_CLIENT_ID"]},
            "sub": {"essential": True}}


def signed_in_person(client: Any) -> Person:
    """The person of this callback, every check passed; SignInError otherwise."""
    config = current_app.config
    sent_issuer = request.args.get("iss")  # RFC 9207: which provider sent the browser back
    if sent_issuer is not None and sent_issuer != config["OIDC_ISSUER"]:
        raise SignInError(f"The answer came from {sent_issuer}, not from the identity provider "
                          "this planner trusts: nobody was signed in.", 400)
    try:
        metadata(client)
        token = client.authorize_access_token(claims_options=claims_options(config),
                                              leeway=LEEWAY)
    except MismatchingStateError:
        raise SignInError("This sign-in was already used, or was started in another browser or "
                          "too long ago: start again from the sign-in page.", 400) from None
    except OAuthError as error:
        raise SignInError(f"The identity provider did not sign you in ({error.error}: "
                          f"{error.description}). Start again from the sign-in page.",
                          403 if error.error == "access_denied" else 400) from None
    except JoseError as error:
        raise SignInError(_token_words(error)) from None
    except requests.RequestException:
        raise SignInError("The identity provider could not be reached: try again in a "
                          "moment.", 503) from None
    claims = token.get("userinfo")
    if not claims:
        raise SignInError("The identity provider sent no ID token: nobody was signed in.")
    claims = _completed(client, token, dict(claims))
    return _person(claims, token["id_token"])


# What a failed check of the ID token says, by the claim that failed.
CLAIM_WORDS = {
    "iss": "another than OIDC_ISSUER issued it",
    "aud": "it is meant for another client than OIDC_CLIENT_ID",
    "azp": "it is meant for another client than OIDC_CLIENT_ID",
    "nonce": "its nonce is not this sign-in's (a token from another sign-in)",
    "exp": "it has expired",
    "iat": "it says it was issued in the future",
    "sub": "it names nobody",
}


def _token_words(error: JoseError) -> str:
    if isinstance(error, ExpiredTokenError):
        what = CLAIM_WORDS["exp"]
    elif isinstance(error, (BadSignatureError, InvalidKeyIdError)):
        what = "its signature is not the identity provider's"
    elif isinstance(error, ClaimError):
        what = CLAIM_WORDS.get(error.claim, f"its {error.claim} claim is wrong or missing")
    else:
        what = error.description or error.error
    return (f"The identity provider's ID token failed its check: {what}. Nobody was "
            "signed in; start again from the sign-in page.")


def _completed(client: Any, token: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims, with those it lacks (email, email_verified, the groups)
    read from the provider's userinfo, which must be about the same person."""
    wanted = ("email", "email_verified", current_app.config["OIDC_GROUPS_CLAIM"])
    if all(key in claims for key in wanted):
        return claims
    try:
        userinfo = client.userinfo(token=token)
    except (OAuthError, requests.RequestException):
        raise SignInError("The identity provider's userinfo could not be read: try again in a "
                          "moment.", 503) from None
    if userinfo.get("sub") != claims["sub"]:
        raise SignInError("The identity provider's userinfo is about someone else than its ID "
                          "token: nobody was signed in.")
    return {**{key: userinfo[key] for key in wanted if key in userinfo}, **claims}


def _person(claims: dict[str, Any], id_token: str) -> Person:
    config = current_app.config
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise SignInError("The identity provider gave no email address: ask its admin to "
                          "release the email claim to the planner.", 403)
    # Microsoft Entra ID sends no email_verified; its optional claim xms_edov says that
    # the tenant (the one OIDC_ISSUER names) verified the email's domain.
    if claims.get("email_verified", claims.get("xms_edov")) is not True:
        raise SignInError(f"The identity provider has not verified the email address {email}: "
                          "verify it there, then sign in again.", 403)
    claim = config["OIDC_GROUPS_CLAIM"]
    groups = claims.get(claim, [])
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        raise SignInError(f"The groups claim {claim!r} (OIDC_GROUPS_CLAIM) is not a list of "
                          "group names: ask the identity provider's admin to send it as one.",
                          403)
    email = email.strip().lower()
    name = claims.get("name")
    return Person(subject=f"{config['OIDC_ISSUER']} {claims['sub']}", email=email,
                  name=name.strip() if isinstance(name, str) and name.strip() else email,
                  groups=groups, id_token=id_token)
