"""Every kind of page of the demo in a real browser, on a phone (400 px) and a laptop
(1366 px): nothing wider than the window (a table scrolls inside its card instead), no text
under 11 px (charts included, as drawn). A kind of page is a route with a set of query
arguments (an initiative's edit page, the frontier's portfolio at a budget); of the pages
of one kind the crawl reaches, the longest is measured: the same template and style sheet,
with the most of the demo's words and rows in it. A failing page leaves its screenshot in
test-artifacts/browser/ for CI to keep."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.planner.test_crawl import _crawl, _import_preview, _scenario
from tests.webapp import signed_in_client

WIDTHS = (400, 1366)
SMALLEST_TEXT_PX = 11

# What a page shows a person that breaks the rules, measured in the page: how much wider
# than the window it is, and every visible text drawn under the smallest size (an SVG text
# at its size on screen, its font size times the chart's scale).
MEASURE = """(smallest) => {
  const root = document.documentElement;
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!node.textContent.trim() || !element || seen.has(element)) continue;
    seen.add(element);
    const box = element.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || style.display === "none") continue;
    let size = parseFloat(style.fontSize);
    if (element instanceof SVGElement && element.getScreenCTM()) {
      const m = element.getScreenCTM();
      size *= Math.sqrt(m.a * m.a + m.b * m.b);
    }
    if (size < smallest - 0.05) {
      small.push(`${size.toFixed(1)} px: ${node.textContent.trim().slice(0, 40)}`);
    }
  }
  return {wider: root.scrollWidth - root.clientWidth, small: small.slice(0, 5)};
}"""


@pytest.fixture(scope="module")
def pages(live_app) -> list[str]:
    """The longest page of each kind a person reaches from the first one, as the crawl
    test finds them."""
    app, plan_id = live_app.app, live_app.plan_id
    client = signed_in_client(app)
    run = client.post(f"/plans/{plan_id}/runs", data={}).headers["Location"]
    client.post(f"{run}/publish")  # the decision: its rejections can be appealed
    first = _scenario(client, plan_id, "Lean year", "300000")
    second = _scenario(client, plan_id, "Generous year", "900000")
    start = ["/", _import_preview(client, plan_id),
             f"/plans/{plan_id}/scenarios/compare?ids={first}&ids={second}"]
    sizes: dict[str, int] = {}
    seen = _crawl(client, start, sizes)
    adapter = app.url_map.bind("localhost")
    longest: dict[tuple, str] = {}
    for url, size in sizes.items():
        if seen[url] != 200 or re.search(r"\.(csv|xlsx|json|md)(\?|$)", url):
            continue
        parts = urlsplit(url)
        kind = (adapter.match(parts.path)[0],
                frozenset(name for name, _ in parse_qsl(parts.query, keep_blank_values=True)))
        if kind not in longest or size > sizes[longest[kind]]:
            longest[kind] = url
    return sorted(longest.values())


def test_no_page_is_wider_than_the_window_nor_its_text_too_small(browser, live_app, pages):
    """Each page is loaded once and measured at each width, the window resized in between
    (the pages' scripts do not look at the width: only the style sheet's rules do)."""
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    sign_in(page, live_app.url)
    problems = []
    try:
        for url in pages:
            response = page.goto(live_app.url + url)
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                found = page.evaluate(MEASURE, SMALLEST_TEXT_PX)
                if found["wider"] > 0 or found["small"]:
                    problems.append(f"{url} at {width} px: {found['wider']} px wider than "
                                    f"the window; small text: {found['small']}")
                    name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
                    page.screenshot(path=str(Path(ARTIFACTS) / f"{width}-{name}.png"),
                                    full_page=True)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
