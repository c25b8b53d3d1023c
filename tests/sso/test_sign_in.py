"""Signing in through the identity provider (a real one: npm's oidc-provider): the first
sign-in makes the account from the provider's claims, later ones find it, a local
account of the same verified email is linked; the request the app sends (PKCE S256,
state, nonce, its redirect address) and the way back to the page asked for."""

from __future__ import annotations

import re

from sqlmodel import select

from models import User
from tests.sso.idp import PUBLIC_URL, Browser, query
from tests.sso.seen import account, accounts, signed_out
from tests.webapp import ADMIN_EMAIL, page_text


def test_the_first_sign_in_makes_the_account_from_the_claims(app, db, provider, browser):
    provider.person("ann-1", "Ann.Lee@Example.com", name="Ann Lee", groups=["staff"])
    before = accounts(db)
    client = app.test_client()
    response = browser.sign_in(client, "ann-1")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert browser.pages == ["login", "consent"]
    assert accounts(db) == before + 1
    ann = account(db, "ann.lee@example.com")
    assert (ann.name, ann.password_hash, ann.admin, ann.active) == ("Ann Lee", "", False, True)
    assert ann.oidc_subject == f"{provider.issuer} ann-1"
    assert ann.groups == ["staff"] and ann.groups_at is not None and ann.group_changes == []
    assert "Ann Lee" in page_text(client.get("/", follow_redirects=True))
    # Signing in again, from another browser (the provider asks for the password again),
    # finds the same account.
    again = app.test_client()
    assert Browser(provider).sign_in(again, "ann-1").status_code == 302
    assert accounts(db) == before + 1 and not signed_out(again)


def test_a_second_sign_in_at_the_same_provider_session_needs_no_password(app, provider,
                                                                         browser):
    provider.person("bo-1", "bo@example.com", name="Bo")
    assert browser.sign_in(app.test_client(), "bo-1").status_code == 302
    client = app.test_client()
    assert browser.sign_in(client, "bo-1").status_code == 302
    assert browser.pages == ["login", "consent"] and not signed_out(client)


def test_a_name_missing_from_the_claims_is_the_email(app, db, provider, browser):
    provider.person("cy-1", "cy@example.com")
    assert browser.sign_in(app.test_client(), "cy-1").status_code == 302
    assert account(db, "cy@example.com").name == "cy@example.com"


def test_a_local_account_of_the_same_email_is_linked_and_keeps_its_password(
        app, db, provider, browser):
    admin = account(db, ADMIN_EMAIL)
    kept_hash, before = admin.password_hash, accounts(db)
    provider.person("ada-1", ADMIN_EMAIL.upper(), name="Ada at the provider")
    client = app.test_client()
    assert browser.sign_in(client, "ada-1").status_code == 302
    admin = account(db, ADMIN_EMAIL)
    assert accounts(db) == before
    assert admin.oidc_subject == f"{provider.issuer} ada-1"
    assert (admin.password_hash, admin.name, admin.admin) == (kept_hash, "Ada Admin", True)
    assert "Ada Admin" in page_text(client.get("/", follow_redirects=True))
    # From then on the provider's subject finds it, whatever email the provider gives.
    provider.person("ada-1", "ada.new@example.com", name="Ada")
    assert Browser(provider).sign_in(app.test_client(), "ada-1").status_code == 302
    assert accounts(db) == before and account(db, "ada.new@example.com") is None


def test_an_email_the_provider_has_not_verified_is_refused(app, db, provider, browser):
    provider.person("eve-1", "eve@example.com", name="Eve", verified=False)
    before, client = accounts(db), app.test_client()
    response = browser.sign_in(client, "eve-1")
    assert response.status_code == 403
    assert ("The identity provider has not verified the email address eve@example.com"
            in page_text(response))
    assert accounts(db) == before and signed_out(client)


def test_entra_ids_verified_domain_stands_for_a_verified_email(app, db, provider, browser):
    """Entra ID sends no email_verified; its xms_edov (the tenant verified the email's
    domain) is read in its place, and refuses as it does when false."""
    provider.person("ent-1", "ent@example.com", name="Ent", verified=None, edov=False)
    before, client = accounts(db), app.test_client()
    response = browser.sign_in(client, "ent-1")
    assert response.status_code == 403 and "has not verified" in page_text(response)
    assert accounts(db) == before and signed_out(client)
    provider.person("ent-1", "ent@example.com", name="Ent", verified=None, edov=True)
    assert browser.sign_in(client, "ent-1").status_code == 302
    assert account(db, "ent@example.com").oidc_subject == f"{provider.issuer} ent-1"


def test_an_account_linked_to_another_person_of_the_provider_is_refused(
        app, db, provider, browser):
    """Someone whose verified email is an account that signs in as another person of the
    provider does not get into it."""
    provider.person("fay-1", "fay@example.com", name="Fay")
    assert browser.sign_in(app.test_client(), "fay-1").status_code == 302
    provider.person("fay-2", "fay@example.com", name="Another Fay")
    before, client = accounts(db), app.test_client()
    response = Browser(provider).sign_in(client, "fay-2")
    assert response.status_code == 403 and "signs in as another person" in page_text(response)
    assert accounts(db) == before and signed_out(client)
    assert account(db, "fay@example.com").oidc_subject == f"{provider.issuer} fay-1"


def test_a_switched_off_account_is_refused(app, db, provider, browser):
    provider.person("gil-1", "gil@example.com", name="Gil")
    assert browser.sign_in(app.test_client(), "gil-1").status_code == 302
    gil = account(db, "gil@example.com")
    gil.active = False
    db.add(gil)
    db.commit()
    client = app.test_client()
    response = Browser(provider).sign_in(client, "gil-1")
    assert response.status_code == 403 and "switched off" in page_text(response)
    assert signed_out(client)


def test_the_request_to_the_provider_has_pkce_state_and_nonce(app, provider):
    client = app.test_client()
    sent = [query(client.get("/auth/oidc/login").headers["Location"]) for _ in range(2)]
    for request in sent:
        assert request["response_type"] == "code" and request["client_id"] == "planner"
        assert request["code_challenge_method"] == "S256"
        assert len(request["code_challenge"]) == 43  # a SHA-256, base64url
        assert request["scope"] == "openid email profile groups"
        assert request["redirect_uri"] == "http://localhost/auth/oidc/callback"
    for name in ("state", "nonce", "code_challenge"):
        assert sent[0][name] != sent[1][name], f"{name} is made anew for each sign-in"


def test_the_redirect_address_is_public_urls_when_set(app, db, provider, browser):
    app.config["PUBLIC_URL"] = PUBLIC_URL + "/"
    client = app.test_client()
    location = client.get("/auth/oidc/login").headers["Location"]
    assert query(location)["redirect_uri"] == f"{PUBLIC_URL}/auth/oidc/callback"
    provider.person("hal-1", "hal@example.com", name="Hal")
    assert browser.sign_in(client, "hal-1").status_code == 302
    assert account(db, "hal@example.com") is not None


def test_the_page_asked_for_is_kept_through_the_provider(app, provider, browser):
    provider.person("ida-1", "ida@example.com", name="Ida")
    client = app.test_client()
    asked = client.get("/plans/new")
    sign_in_page = client.get(asked.headers["Location"])
    start = page_link(sign_in_page, "sign-in-provider")
    assert start == "/auth/oidc/login?next=/plans/new"
    response = browser.sign_in(client, "ida-1", start=start)
    assert response.headers["Location"] == "/plans/new"
    # Never to another site.
    other = Browser(provider)
    response = other.sign_in(app.test_client(), "ida-1",
                             start="/auth/oidc/login?next=//evil.example/")
    assert response.headers["Location"] == "/"


def page_link(response, element_id: str) -> str:
    """The address of the page's link of this id."""
    found = re.search(rf'id="{element_id}"\s+href="([^"]+)"', response.get_data(as_text=True))
    assert found is not None, f"no link #{element_id}"
    return found.group(1).replace("&amp;", "&").replace("%2F", "/")


def test_groups_missing_from_the_id_token_are_read_from_userinfo(app, db, provider, browser):
    provider.person("jo-1", "jo@example.com", name="Jo", groups=["finance-team"])
    provider.tamper("without-groups")
    assert browser.sign_in(app.test_client(), "jo-1").status_code == 302
    assert account(db, "jo@example.com").groups == ["finance-team"]


def test_every_account_made_signs_in_with_no_password(app, db, provider, browser):
    """An account the provider made has no password: the password form finds nothing for
    it, whatever is typed (even the password the form checks unknown emails against)."""
    provider.person("kim-1", "kim@example.com", name="Kim")
    assert browser.sign_in(app.test_client(), "kim-1").status_code == 302
    for password in ("x" * 12, "nobody has this password at all"):
        client = app.test_client()
        response = client.post("/sign-in", data={"email": "kim@example.com",
                                                 "password": password})
        assert response.status_code == 401 and signed_out(client)
    assert db.exec(select(User.password_hash).where(User.email == "kim@example.com")).one() == ""
