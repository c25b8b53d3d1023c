"""With the keyboard alone (Tab, typing, Enter), in a real browser: the skip link is the
first stop and leads past the header; a refused sign-in is announced (role=alert) and
takes the focus; a refused plan form (an initiative with a cost that is not a number, a
moment with a weight that is not one) puts the focus on its error summary, which links to
each field in error, and each field in error names its error in aria-describedby and says
aria-invalid. A team member's own forms, which the widths test cannot open (it publishes
a decision first, which closes the cycle to proposals), are checked here as that test
checks every page: axe-core and no figure cut, at both widths. Each test leaves a
screenshot of where it ended in test-artifacts/browser/."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.demo import DEMO_PASSWORD, demo_accounts
from tests.browser.conftest import ARTIFACTS, sign_in
from tests.browser.test_widths import AXE_RUN, AXE_SOURCE, CUT, SETTLED, WCAG_21_AA, WIDTHS

LEAD = "lead@demo.example"
TEAM = "it@demo.example"

# What has the focus: its tag, id, role, text, and whether it is (inside) a live region
FOCUSED = """() => {
  const element = document.activeElement;
  const live = element.closest("[role=alert], [aria-live]");
  return {tag: element.tagName.toLowerCase(), id: element.id,
          role: element.getAttribute("role"), text: element.innerText.trim(),
          classes: element.className, live: live !== null,
          links: [...element.querySelectorAll("a[href^='#']")].map(
            (a) => a.getAttribute("href").slice(1))};
}"""

# Every field that says it is in error, with the texts of what its aria-describedby names
# (null for a name that no element has)
INVALID = """() => [...document.querySelectorAll("[aria-invalid=true]")].map((field) => ({
  id: field.id,
  described: (field.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean)
    .map((id) => document.getElementById(id))
    .map((note) => note && {text: note.innerText.trim(), error: note.matches(".error")})}))"""


@pytest.fixture
def page(browser, live_app, request):
    demo_accounts(live_app.app, live_app.plan_id)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    page.screenshot(path=str(Path(ARTIFACTS) / f"keyboard-{request.node.name}.png"),
                    full_page=True)
    context.close()


def tab_to(page, selector: str, most: int = 80) -> None:
    """Press Tab until the element the selector names has the focus."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{most} presses of Tab never reached {selector}")


def test_the_skip_link_comes_first_and_leads_to_the_content(page, live_app):
    sign_in(page, live_app.url, LEAD, DEMO_PASSWORD)
    page.goto(f"{live_app.url}/plans/{live_app.plan_id}/journey")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert (first["tag"], first["text"]) == ("a", "Skip to the content")
    assert page.locator("a.skip-link").bounding_box()["y"] >= 0  # shown once focused
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["id"] == "content"
    assert "#" not in page.url  # a form sent from here does not carry it
    page.keyboard.press("Tab")  # the next stop is in the page's content, past the header
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


def test_a_refused_sign_in_is_announced_and_has_the_focus(page, live_app):
    page.goto(f"{live_app.url}/sign-in")
    tab_to(page, "input[name=email]")
    page.keyboard.type(LEAD)
    tab_to(page, "input[name=password]")
    page.keyboard.type("not the password of this account")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    focused = page.evaluate(FOCUSED)
    assert focused["live"], focused
    assert "do not match an account" in focused["text"], focused
    assert "/sign-in" in page.url


def refused_by_keyboard(page, fields: dict[str, str]) -> dict:
    """Type each value into its field (reached by Tab), send the form with Enter from the
    last one, and return what then has the focus."""
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    for selector, value in fields.items():
        tab_to(page, selector)
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    return page.evaluate(FOCUSED)


def check_the_refusal(page, focused: dict, in_error: set[str]) -> None:
    assert "error-summary" in focused["classes"] and focused["role"] == "alert", focused
    assert "nothing was saved" in focused["text"], focused
    invalid = page.evaluate(INVALID)
    assert {field["id"] for field in invalid} == in_error
    assert set(focused["links"]) == in_error  # the summary links to each of them
    for field in invalid:
        assert None not in field["described"], field  # every id named exists
        errors = [note["text"] for note in field["described"] if note["error"]]
        assert errors and all(errors), field
    # its link, followed by the keyboard, puts the focus on the field
    first = focused["links"][0]
    tab_to(page, f".error-summary a[href='#{first}']")
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["id"] == first


def test_a_new_initiative_with_a_bad_cost_puts_the_focus_on_the_summary(page, live_app):
    sign_in(page, live_app.url, LEAD, DEMO_PASSWORD)
    page.goto(f"{live_app.url}/plans/{live_app.plan_id}/initiatives/new")
    cost = page.locator("input[name^=cost]").first.get_attribute("id")
    focused = refused_by_keyboard(page, {"#name": "Shelf tablets",
                                         f"#{cost}": "twelve thousand"})
    check_the_refusal(page, focused, {cost})


def test_a_moment_with_a_bad_weight_puts_the_focus_on_the_summary(page, live_app):
    sign_in(page, live_app.url, LEAD, DEMO_PASSWORD)
    page.goto(f"{live_app.url}/plans/{live_app.plan_id}/moments/new")
    focused = refused_by_keyboard(page, {"#name": "Parking", "#weight": "heavy"})
    check_the_refusal(page, focused, {"weight"})


def test_a_team_members_forms_in_an_open_cycle_break_no_rule(page, live_app):
    """Proposing, and editing its own team's initiative, as the IT team member."""
    sign_in(page, live_app.url, TEAM, DEMO_PASSWORD)
    base = f"{live_app.url}/plans/{live_app.plan_id}/initiatives"
    page.goto(base)
    edits = page.locator("main a[href$='/edit']")
    assert edits.count() > 0  # its own team's initiatives
    forms = [f"{base}/new", live_app.url + edits.first.get_attribute("href")]
    problems = []
    for url in forms:
        assert page.goto(url).status == 200, url
        page.evaluate(AXE_SOURCE)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.evaluate(SETTLED)
            if cut := page.evaluate(CUT):
                problems.append(f"{url} at {width} px: {cut}")
            if violations := page.evaluate(AXE_RUN, WCAG_21_AA):
                problems.append(f"{url} at {width} px: {violations}")
    assert problems == [], "\n".join(problems)
