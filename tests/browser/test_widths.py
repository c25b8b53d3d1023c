"""Every kind of page of the demo in a real browser, as each role sees it, on a phone
(400 px) and a laptop (1366 px): nothing wider than the window, no text under 11 px
(charts included, as drawn), no figure cut by the window or by a box around it (a table's
rows become cards on a phone; only a chart may still scroll sideways, in a box that the
keyboard reaches and that is named), and no violation of WCAG 2.1 A and AA that axe-core
finds. A kind of page is a route with a set of query arguments (an initiative's edit page,
the frontier's portfolio at a budget); of the pages of one kind a role may open, the
longest is checked: the same template and style sheet, with the most of the demo's words
and rows in it. Each page is loaded once; the checks run in it at both widths. A failing
page leaves its screenshot in test-artifacts/browser/ for CI to keep, and the journey,
portfolio and run pages at 400 px are always saved there, to be looked at."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from planner.demo import DEMO_PASSWORD, demo_accounts
from tests.browser.conftest import ARTIFACTS, sign_in
from tests.planner.test_crawl import _crawl, _import_preview, _scenario
from tests.webapp import ADMIN_EMAIL, ADMIN_PASSWORD, signed_in_client

WIDTHS = (400, 1366)
SMALLEST_TEXT_PX = 11
# The tests' admin, and the demo's people of each role (planner/demo/__init__.py)
ROLES = {"admin": (ADMIN_EMAIL, ADMIN_PASSWORD),
         "lead": ("lead@demo.example", DEMO_PASSWORD),
         "finance": ("finance@demo.example", DEMO_PASSWORD),
         "team": ("it@demo.example", DEMO_PASSWORD),
         "viewer": ("viewer@demo.example", DEMO_PASSWORD)}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Pages saved at 400 px whatever they show: the route's endpoint, as the first role
# checked there sees it
SAVED = {"journey.show": "journey", "portfolio.show": "portfolio", "portfolio.run_page": "run"}

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

# Every figure a person reads (a table's cell, a term and its value, a number, a journey's
# card) that is cut: reaching past the window's edge, or past the edge of a box around it
# that clips or scrolls. A box that scrolls is allowed for a chart only, and only where the
# keyboard reaches it and it has a name (role=region, tabindex=0, aria-label or
# aria-labelledby).
CUT = """() => {
  const width = document.documentElement.clientWidth;
  const cut = [];
  const figures = document.querySelectorAll(
    "main td, main th, main dd, main dt, main .num, main .card, main figure");
  for (const figure of figures) {
    if (figure.closest(".visually-hidden, [hidden]")) continue;
    const box = figure.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const name = `${figure.tagName.toLowerCase()} "${
      figure.textContent.replace(/\\s+/g, " ").trim().slice(0, 30)}"`;
    if (box.left < -0.5 || box.right > width + 0.5) {
      cut.push(`${name} reaches ${Math.round(box.left)} to ${Math.round(box.right)} px`);
      continue;
    }
    for (let at = figure.parentElement; at && at !== document.body; at = at.parentElement) {
      const style = getComputedStyle(at);
      if (style.overflowX === "visible") continue;
      const frame = at.getBoundingClientRect();
      const clips = box.left < frame.left - 0.5 || box.right > frame.right + 0.5
        || at.scrollWidth > at.clientWidth + 1;
      if (!clips) continue;
      const chart = at.matches("figure.chart") && at.getAttribute("role") === "region"
        && at.tabIndex === 0 && (at.getAttribute("aria-label")
          || document.getElementById(at.getAttribute("aria-labelledby")));
      if (!chart) {
        cut.push(`${name} inside ${at.tagName.toLowerCase()}.${at.className} ` +
                 `(${style.overflowX}, ${at.scrollWidth} px in ${at.clientWidth} px)`);
        break;
      }
    }
  }
  return cut.slice(0, 5);
}"""

# axe-core as the package bundles it (MPL-2.0), evaluated in the page: the pages' CSP
# allows no inline script tag, and nothing is fetched from outside
AXE_SOURCE = (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
AXE_RUN = """(tags) => axe.run(document, {runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"]}).then((results) => results.violations.map((v) =>
    `${v.id} (${v.impact}) on ${v.nodes.length}: ` +
    v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")))"""
# two frames: the resize's work in a11y.js (on the next frame) done and laid out
SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _kind(adapter, url: str) -> tuple:
    parts = urlsplit(url)
    return (adapter.match(parts.path)[0],
            frozenset(name for name, _ in parse_qsl(parts.query, keep_blank_values=True)))


def _markup(response) -> str:
    """A page's HTML less what differs between two people and two loads: the form tokens
    and the header's name of who is signed in."""
    html = response.get_data(as_text=True)
    html = re.sub(r'<form[^>]*class="inline who".*?</form>', "", html, flags=re.S)
    return re.sub(r'name="csrf_token"[^>]*', "", html)


@pytest.fixture(scope="module")
def pages(live_app) -> dict[str, dict[str, list[str]]]:
    """For each role, the longest page of each kind it may open ("opened"), and of those
    the ones to check ("checked": a page whose markup is that of a page already checked
    for another role is not checked again); the plan has a published decision and two
    scenarios. The admin's crawl (as the crawl test's) finds the pages of each kind."""
    app, plan_id = live_app.app, live_app.plan_id
    demo_accounts(app, plan_id)
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
    kinds: dict[tuple, list[str]] = {}
    for url in sorted(sizes, key=sizes.get, reverse=True):
        if seen[url] == 200 and not re.search(r"\.(csv|xlsx|json|md)(\?|$)", url):
            kinds.setdefault(_kind(adapter, url), []).append(url)
    found: dict[str, dict[str, list[str]]] = {"opened": {}, "checked": {}}
    markups: set[str] = set()
    for role, (email, _) in ROLES.items():
        reader = signed_in_client(app, email)
        opened, checked = found["opened"].setdefault(role, []), found["checked"].setdefault(
            role, [])
        for urls in kinds.values():
            for url in urls[:40]:  # a team member's first: its own team's
                response = reader.get(url)
                if response.status_code == 200:
                    opened.append(url)
                    if (markup := _markup(response)) not in markups:
                        markups.add(markup)
                        checked.append(url)
                    break
        checked.sort()
    return found


def _file_name(role: str, width: int, url: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
    return str(Path(ARTIFACTS) / f"{width}-{role}-{name}.png")


@pytest.fixture(scope="module")
def findings(browser, live_app, pages) -> dict[str, list[str]]:
    """Each role's pages, each loaded once and checked at each width, the window resized
    in between (the pages' scripts that look at the width listen for the resize)."""
    adapter = live_app.app.url_map.bind("localhost")
    found: dict[str, list[str]] = {"wider": [], "cut": [], "axe": [], "saved": [],
                                   "checked": []}
    for role, (email, password) in ROLES.items():
        context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
        # a job's page asks for its progress and goes to the result once done: here it
        # stays, to be checked as it shows while it waits
        context.route("**/jobs/*.json", lambda route: route.abort())
        page = context.new_page()
        sign_in(page, live_app.url, email, password)
        try:
            for url in pages["checked"][role]:
                response = page.goto(live_app.url + url)
                if response is None or "text/html" not in response.headers.get(
                        "content-type", ""):
                    continue
                page.evaluate(AXE_SOURCE)
                endpoint = _kind(adapter, url)[0]
                for width in WIDTHS:
                    page.set_viewport_size({"width": width, "height": 900})
                    page.evaluate(SETTLED)
                    found["checked"].append(f"{role} {url} {width}")
                    failed = False
                    measured = page.evaluate(MEASURE, SMALLEST_TEXT_PX)
                    if measured["wider"] > 0 or measured["small"]:
                        failed = True
                        found["wider"].append(
                            f"{role} {url} at {width} px: {measured['wider']} px wider than "
                            f"the window; small text: {measured['small']}")
                    if cut := page.evaluate(CUT):
                        failed = True
                        found["cut"].append(f"{role} {url} at {width} px: {cut}")
                    if violations := page.evaluate(AXE_RUN, WCAG_21_AA):
                        failed = True
                        found["axe"].append(f"{role} {url} at {width} px: {violations}")
                    if failed:
                        page.screenshot(path=_file_name(role, width, url), full_page=True)
                    if width == 400 and endpoint in SAVED and SAVED[endpoint] not in found[
                            "saved"]:
                        path = str(Path(ARTIFACTS) / f"400-{SAVED[endpoint]}.png")
                        page.screenshot(path=path, full_page=True)
                        found["saved"].append(SAVED[endpoint])
        finally:
            context.close()
    return found


def test_every_role_sees_its_pages_at_both_widths(findings, pages):
    assert set(pages["opened"]) == set(ROLES)
    assert len(pages["opened"]["admin"]) >= 40, pages["opened"]["admin"]  # every kind
    for role, urls in pages["opened"].items():
        assert len(urls) >= 10, (role, urls)  # the plans, the journey, the portfolio ...
    for role in ("finance", "team", "viewer"):  # each sees other buttons and links
        assert len(pages["checked"][role]) >= 5, (role, pages["checked"][role])
    checked = sum(len(urls) for urls in pages["checked"].values()) * len(WIDTHS)
    assert len(findings["checked"]) == checked


def test_no_page_is_wider_than_the_window_nor_its_text_too_small(findings):
    assert findings["wider"] == [], "\n".join(findings["wider"])


def test_no_figure_is_cut_by_the_window_or_a_box(findings):
    """The journey, the portfolio and the run at 400 px are saved whatever they show."""
    assert sorted(set(findings["saved"])) == sorted(SAVED.values())
    for name in SAVED.values():
        assert (Path(ARTIFACTS) / f"400-{name}.png").stat().st_size > 0
    assert findings["cut"] == [], "\n".join(findings["cut"])


def test_no_page_breaks_wcag_21_a_or_aa(findings):
    assert findings["axe"] == [], "\n".join(findings["axe"])
