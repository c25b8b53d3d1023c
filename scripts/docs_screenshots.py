"""Take the user guide's screenshots (docs/guide/images/) from the demo plan, in Debian's
Chromium through Playwright, at a laptop's width and a phone's.

Not part of the tests: run it after a change the pictures show, then look at them.
`.venv/bin/python scripts/docs_screenshots.py`
"""

from __future__ import annotations

import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from planner import create_app  # noqa: E402
from planner.demo import DEMO_PASSWORD, demo_accounts, load_demo_cycles  # noqa: E402
from tests.browser.conftest import chromium_path, sign_in  # noqa: E402
from tests.webapp import signed_in_client  # noqa: E402

IMAGES = ROOT / "docs" / "guide" / "images"
LEAD, TEAM = "lead@demo.example", "it@demo.example"  # the demo's accounts
# (file, page, width, what to open or scroll to first, who is signed in)
SHOTS = (
    ("journey.png", "/plans/{plan}/journey", 1366, None, LEAD),
    ("initiatives.png", "/plans/{plan}/initiatives", 1366, None, LEAD),
    ("run.png", "/plans/{plan}/runs/{run}", 1366, None, LEAD),
    ("adds-up.png", "/plans/{plan}/runs/{run}", 1366, "details.adds-up", LEAD),
    ("say-no.png", "/plans/{plan}/runs/{run}/say-no", 1366, None, LEAD),
    ("explanation.png", "/plans/{plan}/runs/{run}/say-no/selfcheck", 1366, None, TEAM),
    ("team.png", "/plans/{plan}/teams", 400, None, TEAM),
    ("compare.png", "/plans/{plan}/scenarios/compare?ids={scenario}", 1366, None, LEAD),
    ("frontier.png", "/plans/{plan}/frontier", 1366, None, LEAD),
    ("review.png", "/plans/{last}/review", 1366, None, LEAD),
)


class Quiet(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        """No line per request."""


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    # The pages are made ready through the app itself, as a person would, without a form
    # token to carry between requests.
    app = create_app({"TESTING": True, "SECRET_KEY": "screenshots", "WTF_CSRF_ENABLED": False,
                      "JOBS_IMMEDIATE": True,  # each run solved and explained at once
                      "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite'}"})
    plan, last = load_demo_cycles(app)
    demo_accounts(app, plan, last)
    client = signed_in_client(app, LEAD)
    run = int(client.post(f"/plans/{plan}/runs", data={}).headers["Location"].rsplit("/", 1)[1])
    scenario_url = client.post(f"/plans/{plan}/scenarios/new", data={
        "name": "Budget cut by a fifth", "budget": "360,000"}).headers["Location"]
    client.post(f"{scenario_url}/solve")
    scenario = scenario_url.rsplit("/", 1)[1]
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(),
                                             args=["--no-sandbox"])
        for name, page_url, width, focus, who in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": 760 if width > 500
                                              else 820})
            sign_in(page, base, who, DEMO_PASSWORD)
            page.goto(base + page_url.format(plan=plan, run=run, scenario=scenario, last=last))
            if focus:
                page.evaluate("selector => { const e = document.querySelector(selector); "
                              "e.open = true; e.scrollIntoView(); }", focus)
            page.screenshot(path=str(IMAGES / name))
            page.close()
            print(f"docs/guide/images/{name}")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
