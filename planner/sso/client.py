"""The identity provider's client (Authlib's Flask client): registered from the settings
when OIDC_ISSUER is set, refused at start when the settings are unsafe or incomplete.

Authlib reads the provider's metadata (ISSUER/.well-known/openid-configuration) at the first
sign-in and keeps it, with the provider's keys (its JWKS), for the life of the process; a
token signed with a key it does not know makes it fetch the keys once more (a provider
that rotated its keys)."""

from __future__ import annotations

from typing import Any

from authlib.common.security import is_secure_transport
from authlib.integrations.flask_client import OAuth, OAuthError
from flask import Flask, abort, current_app, url_for

from planner.settings import ConfigError
from planner.sso.headers import allow_signing_out_there

NAME = "oidc"  # the client's name in Authlib's registry
EXTENSION = "planner_sso"  # app.extensions' key of the registered client
TIMEOUT = 10.0  # seconds to wait for the provider at each request
BASIC, POST = "client_secret_basic", "client_secret_post"


def register(app: Flask) -> None:
    """Check the settings and register the provider's client (no request to it yet)."""
    config = app.config
    check_settings(config)
    app.after_request(allow_signing_out_there)  # runs before planner/web.py's headers
    oauth = OAuth()
    oauth.init_app(app)
    issuer = config["OIDC_ISSUER"]
    app.extensions[EXTENSION] = oauth.register(
        NAME, client_id=config["OIDC_CLIENT_ID"], client_secret=config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256",
                       "default_timeout": TIMEOUT})


def check_settings(config: Any) -> None:
    """ConfigError, naming the setting, when the single sign-on settings cannot work or are
    unsafe: an issuer over plain http:// is allowed only on a loopback address (a provider
    on the same machine) or with AUTHLIB_INSECURE_TRANSPORT=1 in the environment."""
    issuer = config["OIDC_ISSUER"]
    if not issuer.startswith(("https://", "http://")):
        raise ConfigError(f"OIDC_ISSUER {issuer!r} is not an address: give the identity "
                          "provider's issuer URL, starting with https://.")
    if not is_secure_transport(issuer):
        raise ConfigError(f"OIDC_ISSUER {issuer!r} uses plain http:// on an address that is "
                          "not this machine's: use the provider's https:// issuer (or set "
                          "AUTHLIB_INSECURE_TRANSPORT=1 on a network you trust).")
    for name, what in (("OIDC_CLIENT_ID", "client id"), ("OIDC_CLIENT_SECRET", "client secret")):
        if not config.get(name):
            raise ConfigError(f"{name} is missing: OIDC_ISSUER is set, and single sign-on "
                              f"needs the planner's {what} at the identity provider.")
    if "openid" not in config["OIDC_SCOPES"].split():
        raise ConfigError(f"OIDC_SCOPES {config['OIDC_SCOPES']!r} lacks \"openid\": add it "
                          "(OpenID Connect signs in with it).")


def provider() -> Any:
    """The registered client of this app; 404 when single sign-on is off."""
    client = current_app.extensions.get(EXTENSION)
    if client is None:
        abort(404, "This planner signs in with no identity provider (OIDC_ISSUER is unset).")
    return client


def metadata(client: Any) -> dict[str, Any]:
    """The provider's metadata, read once; OAuthError when it names another issuer than
    OIDC_ISSUER (OpenID Connect Discovery: they must be the same, character for
    character). Sends the client's secret the way the provider takes it: HTTP Basic,
    or in the form when the provider lists only that."""
    found = client.load_server_metadata()
    issuer = current_app.config["OIDC_ISSUER"]
    if found.get("issuer") != issuer:
        raise OAuthError("wrong_issuer", f"the provider's metadata names the issuer "
                         f"{found.get('issuer')!r}, not OIDC_ISSUER's {issuer!r}: set "
                         "OIDC_ISSUER to the provider's issuer exactly")
    methods = found.get("token_endpoint_auth_methods_supported") or [BASIC]
    if BASIC not in methods and POST in methods:
        client.client_kwargs["token_endpoint_auth_method"] = POST
    return found


def public_url(endpoint: str) -> str:
    """This page's full address for the provider: PUBLIC_URL's when it is set, else the
    request's own host."""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint)
    return url_for(endpoint, _external=True)
