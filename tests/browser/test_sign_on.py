"""Signing in and out through the identity provider in Chromium, as a person does: the
sign-in page's button, the provider's own pages, back signed in with the role a group
gives; then Sign out, which ends the session here and goes on to the provider's page to
end its session too. A browser applies the page's Content-Security-Policy (form-action)
to where the Sign out form's answer sends it: a client of plain HTTP requests does not,
so only a browser shows that the sign-out reaches the provider."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from models import GroupMapping
from models.db import open_session
from planner import create_app
from tests.browser.conftest import QuietHandler
from tests.sso.idp import running_provider
from tests.webapp import DEMO, TEST_CONFIG


@pytest.fixture(scope="module")
def sso(tmp_path_factory, database_states) -> Iterator[SimpleNamespace]:
    """The app with the demo plan, served on a free port, signing in through a real
    provider that sends browsers back to that port; `cx-leads` gives CX lead everywhere."""
    served = {}
    server = make_server("127.0.0.1", 0, lambda environ, start: served["app"](environ, start),
                         threaded=True, request_handler=QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    with running_provider(hosts=(url,)) as provider:
        app = create_app({**TEST_CONFIG, **provider.settings(), "DATABASE_URL":
                          database_states.fresh(DEMO, tmp_path_factory.mktemp("sso"))})
        with open_session(app.extensions["planner_engine"], write=True) as session:
            session.add(GroupMapping(group_name="cx-leads", grants="role", role="lead"))
            session.commit()
        served["app"] = app
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield SimpleNamespace(url=url, provider=provider)
        finally:
            server.shutdown()
            thread.join()
            app.extensions["planner_engine"].dispose()


def _through_the_provider(page, sso, sub: str) -> None:
    """Sign in at the provider's pages (and agree, the first time) until back home."""
    page.fill("input[name=login]", sub)
    page.fill("input[name=password]", "any password: the test provider takes it")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if not page.url.startswith(sso.url):  # the provider asks to agree, once
        page.click("button[type=submit]")
    page.wait_for_url(lambda url: url.startswith(sso.url + "/"))


def test_a_person_signs_in_and_out_through_the_provider_in_a_browser(browser, sso):
    sso.provider.person("zoe-1", "zoe@example.com", name="Zoe Provider", groups=["cx-leads"])
    context = browser.new_context(viewport={"width": 400, "height": 900})
    page = context.new_page()
    try:
        page.goto(sso.url + "/sign-in")
        page.click("text=Sign in with Example ID")
        page.wait_for_url(lambda url: url.startswith(sso.provider.issuer))
        _through_the_provider(page, sso, "zoe-1")
        assert "Zoe Provider" in page.inner_text("header")
        assert "Retail stores FY2027" in page.inner_text("main")  # CX lead, from the group

        page.click("button:has-text('Sign out')")
        page.wait_for_url(lambda url: url.startswith(sso.provider.issuer))  # on to it
        page.click("button:has-text('Yes')")  # the provider's "Yes, sign me out"
        page.wait_for_url(lambda url: url.startswith(sso.url + "/sign-in"))
        page.goto(sso.url + "/")
        assert "/sign-in" in page.url  # signed out here
        page.click("text=Sign in with Example ID")  # and there: it asks who again
        page.wait_for_url(lambda url: url.startswith(sso.provider.issuer))
        assert page.locator("input[name=login]").count() == 1
    finally:
        context.close()
