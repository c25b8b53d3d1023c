"""One whole cycle in a real browser, read by each of the four people of the demo at every
step: the IT team member proposes (typing the cost as a German writes it), the CX lead
runs a draft, finance runs a what-if, the lead publishes the draft, the team member reads
why it was declined and appeals, the lead accepts and publishes again, and the team member
reads the new decision with its appeal's history. After each step, each person's pages are
asserted for what that person reads: the decision (or the draft, labelled so) and never a
what-if. The team member works at 400 px, the others at 1366 px. A failing step leaves a
screenshot of each person's page in test-artifacts/browser/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, demo_people

IDEA = "Price checker tablets on every shelf"
PEOPLE = {"lead": ("lead@demo.example", 1366, "en-GB"),
          "finance": ("finance@demo.example", 1366, "en-GB"),
          "team": ("it@demo.example", 400, "de-DE"),
          "viewer": ("viewer@demo.example", 1366, "en-GB")}


@pytest.fixture
def pages(browser, live_app):
    """A signed-in page per person, each in a browser context of its own."""
    yield from demo_people(browser, live_app, PEOPLE)


def text_of(page, path: str) -> str:
    """The words the person reads on a page of the plan (its main content)."""
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)
    return page.locator("main").inner_text()


def run_from_portfolio(page, plan_url: str) -> int:
    """Run the optimiser from the portfolio page; the new run's number."""
    page.goto(f"{plan_url}/portfolio")
    page.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_url("**/runs/*")
    heading = page.get_by_role("heading", level=1).inner_text()
    return int(re.search(r"#(\d+)", heading).group(1))


def publish_shown_run(lead) -> None:
    lead.get_by_role("link", name="Publish as the decision").click()
    lead.get_by_role("button", name="Publish").click()
    assert "published as the plan's decision" in lead.content()


def test_each_person_reads_the_decision_through_a_whole_cycle(pages, live_app):
    plan = f"{live_app.url}/plans/{live_app.plan_id}"
    lead, finance, team, viewer = (pages[who] for who in ("lead", "finance", "team", "viewer"))
    step = "propose"
    try:
        # Propose: the team member writes thousands with points, as in German.
        team.goto(f"{plan}/initiatives")
        team.get_by_role("link", name="Propose an initiative").click()
        assert team.get_by_label("Decision").count() == 0  # not theirs to set: not offered
        team.get_by_label("Name", exact=True).fill(IDEA)
        team.get_by_label("Cost in H1").fill("40.000 EUR")
        team.get_by_label("Greeted within 30 seconds", exact=True).fill("2")
        team.get_by_role("button", name="Save").click()
        assert f'Initiative "{IDEA}" added.' in team.content()
        assert "40,000" in text_of(team, f"{plan}/initiatives")  # read as forty thousand
        assert "No decision is published yet" in text_of(team, f"{plan}/teams")

        step = "draft"
        draft = run_from_portfolio(lead, plan)
        assert "A draft of the decision" in lead.locator("main").inner_text()
        for reader in (lead, viewer):
            assert f"latest draft (run #{draft}" in text_of(reader, f"{plan}/journey")
        assert "No decision is published yet" in text_of(team, f"{plan}/journey")
        assert f"run #{draft}" not in text_of(team, f"{plan}/teams")  # a draft: not theirs

        step = "what-if"
        what_if = run_from_portfolio(finance, plan)
        assert what_if == draft + 1
        assert "A what-if" in finance.locator("main").inner_text()
        assert f"Latest draft: run #{draft}" in text_of(lead, f"{plan}/portfolio")
        for reader in (lead, viewer, finance):  # the what-if changes no page's focus
            journey = text_of(reader, f"{plan}/journey")
            assert f"run #{draft}" in journey and f"run #{what_if}" not in journey

        step = "publish"
        lead.goto(f"{plan}/portfolio")
        lead.get_by_role("link", name=f"run #{draft}", exact=True).first.click()
        publish_shown_run(lead)
        for reader in (lead, finance, viewer):
            journey = text_of(reader, f"{plan}/journey")
            assert f"published decision (run #{draft}" in journey, journey[:400]
        assert f"The plan's decision is run #{draft}" in text_of(finance, f"{plan}/portfolio")
        card = text_of(team, f"{plan}/teams")
        assert "As decided" in card and IDEA in card and "not funded" in card
        assert "Run it again" not in card

        step = "appeal"
        team.goto(f"{plan}/initiatives")
        team.get_by_role("link", name=IDEA).click()
        own = team.locator("main").inner_text()
        assert f"The plan's published decision, run #{draft}" in own, own
        assert "not funded" in own.lower()
        team.get_by_role("link", name=re.compile("^Why not, in figures")).click()
        assert f"Why not: {IDEA}" in team.content() and "Break-even cost" in team.content()
        team.get_by_role("link", name="Appeal, with new figures").click()
        team.get_by_label("New total cost").fill("EUR 10k")
        team.get_by_label("The new evidence").fill("The vendor quoted 10,000 in writing.")
        team.get_by_role("button", name="Send the appeal").click()
        assert "waiting for the CX lead" in team.content()
        queue = text_of(lead, f"{plan}/appeals")
        assert "The vendor quoted 10,000 in writing." in queue
        assert "the optimiser would fund it" in queue
        lead.get_by_role("button", name="Accept the figures").click()

        step = "re-publish"
        again = run_from_portfolio(lead, plan)
        publish_shown_run(lead)
        card = text_of(team, f"{plan}/teams")
        assert "not funded" not in card.split(IDEA, 1)[1][:300] and "funded" in card
        team.goto(f"{plan}/initiatives")
        team.get_by_role("link", name=IDEA).click()
        own = team.locator("main").inner_text()
        assert f"run #{again}" in own and "changed this: now funded" in own
        assert "accepted" in own.lower() and "The vendor quoted 10,000 in writing." in own
        for reader in (viewer, finance):
            assert f"published decision (run #{again}" in text_of(reader, f"{plan}/journey")
    except Exception:
        for who, page in pages.items():
            page.screenshot(path=str(Path(ARTIFACTS) / f"cycle-{step}-{who}.png"),
                            full_page=True)
        raise
