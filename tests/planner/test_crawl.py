"""Every page of the demo is reached by following links from the first page, and answers."""

from __future__ import annotations

import io
import re
from urllib.parse import urljoin, urlsplit

from tests.webapp import page_text

# The style sheet and script; the pages of the signed out (signing in, a new
# installation's set-up), which a signed-in crawl never needs (tests/planner/accounts/);
# a job's progress, which its page's script asks for, and the health check, for monitors
# (tests/planner/jobs/).
# sso.*: linked from the sign-in page only when an identity provider is set (tests/sso)
NOT_LINKED = {"static", "accounts.sign_in", "accounts.setup", "jobs.progress",
              "service.healthz", "sso.login", "sso.callback"}


def _scenario(client, plan_id: int, name: str, budget: str) -> str:
    response = client.post(f"/plans/{plan_id}/scenarios/new",
                           data={"name": name, "budget": budget, "max_focus": "2"})
    assert response.status_code == 302, page_text(response)
    scenario_url = response.headers["Location"]
    assert client.post(f"{scenario_url}/solve").status_code == 302
    return scenario_url.rsplit("/", 1)[1]


def _import_preview(client, plan_id: int) -> str:
    backlog = b"name,side,weight\nParking,front,1\n"
    response = client.post(f"/plans/{plan_id}/import", content_type="multipart/form-data",
                           data={"table": "moments", "file": (io.BytesIO(backlog), "new.csv")})
    assert response.status_code == 302, page_text(response)
    return response.headers["Location"]


def _crawl(client, start: list[str], sizes: dict[str, int] | None = None) -> dict[str, int]:
    """Every same-site page linked from `start`, with the status it answers (and, into
    `sizes` if given, the length of each HTML page)."""
    seen: dict[str, int] = {}
    todo = list(start)
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.mimetype != "text/html":
            continue
        if sizes is not None:
            sizes[url] = len(response.data)
        for href in re.findall(r'href="([^"#]+)', response.get_data(as_text=True)):
            target = urljoin(url, href.replace("&amp;", "&"))
            if not urlsplit(target).netloc and "/static/" not in target:
                todo.append(target)
    return seen


def test_every_page_is_linked_and_answers(app, client, demo_id, run_id):
    # the run is the plan's decision (its rejections can be appealed), and a later what-if
    # run can be published or deleted
    assert client.post(f"/plans/{demo_id}/runs/{run_id}/publish").status_code == 302
    assert client.post(f"/plans/{demo_id}/runs", data={"budget": "300000"}).status_code == 302
    first = _scenario(client, demo_id, "Lean year", "300000")
    second = _scenario(client, demo_id, "Generous year", "900000")
    start = ["/", _import_preview(client, demo_id),
             f"/plans/{demo_id}/scenarios/compare?ids={first}&ids={second}"]

    seen = _crawl(client, start)

    assert {url: code for url, code in seen.items() if code != 200} == {}
    adapter = app.url_map.bind("localhost")
    reached = {adapter.match(urlsplit(url).path)[0] for url in seen}
    # the API's operations answer tokens, not pages' links (tests/api reads each)
    pages = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods
             and not rule.endpoint.startswith("api_") or rule.endpoint == "api_docs.reference"}
    assert pages - NOT_LINKED - reached == set()
    assert len(seen) > 100  # the demo's journey, initiatives, run and scenarios, each page
