"""A live server with the demo plan, and Debian's Chromium driven by Playwright (no browser
download: scripts/setup installs the `chromium` package)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from planner import create_app
from planner.demo import load_demo
from tests.webapp import ADMIN_EMAIL, ADMIN_PASSWORD, DEMO, TEST_CONFIG

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed; scripts/setup installs Debian's package")
        pytest.skip("Chromium is not installed here (scripts/setup test installs it)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path,
                                             args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def sign_in(page, base_url: str, email: str = ADMIN_EMAIL,
            password: str = ADMIN_PASSWORD) -> None:
    """Sign in through the sign-in page, as a person does."""
    page.goto(base_url + "/sign-in")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def demo_people(browser, live_app, people: dict[str, tuple[str, int, str]]) -> Iterator[dict]:
    """A page per person of the demo, each signed in, in a browser context of its own:
    `people` maps who to (email, width in px, browser language). Closed when done."""
    from planner.demo import DEMO_PASSWORD, demo_accounts

    demo_accounts(live_app.app, live_app.plan_id)
    opened = {}
    for who, (email, width, locale) in people.items():
        context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
        opened[who] = context.new_page()
        sign_in(opened[who], live_app.url, email, DEMO_PASSWORD)
    yield opened
    for page in opened.values():
        page.context.close()


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        """No line per request: a crawl makes hundreds."""


@pytest.fixture(scope="module")
def live_app(tmp_path_factory, database_states) -> Iterator[SimpleNamespace]:
    """The app on a database of its own with the demo plan (a copy of the tests' DEMO
    state), served on a free local port."""
    url = database_states.fresh(DEMO, tmp_path_factory.mktemp("live"))
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url})
    plan_id = load_demo(app)  # there already: its id
    server = make_server("127.0.0.1", 0, app, threaded=True,
                         request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(app=app, plan_id=plan_id,
                              url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join()
        app.extensions["planner_engine"].dispose()
