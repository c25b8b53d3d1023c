"""In a real browser, the people of the demo work together: a team member signs in and
proposes an initiative; the CX lead runs the optimiser and publishes the decision; the team
member reads that it was not funded and why, and appeals with a lower cost; the lead
accepts, runs again and publishes; the team member sees it funded. A failing step leaves
screenshots in test-artifacts/browser/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner.demo import DEMO_PASSWORD, demo_accounts
from tests.browser.conftest import ARTIFACTS, sign_in

IDEA = "Price checker tablets on every shelf"


@pytest.fixture
def people(live_app):
    demo_accounts(live_app.app, live_app.plan_id)
    return {"lead": "lead@demo.example", "team": "it@demo.example"}


def run_and_publish(lead, base: str, plan: int) -> None:
    lead.goto(f"{base}/plans/{plan}/portfolio")
    lead.get_by_role("button", name="Run", exact=True).click()
    lead.wait_for_url("**/runs/*")
    lead.get_by_role("link", name="Publish as the decision").click()
    lead.get_by_role("button", name="Publish").click()
    assert "published as the plan's decision" in lead.content()


def test_propose_publish_appeal_and_see_it_funded(browser, live_app, people):
    base, plan = live_app.url, live_app.plan_id
    team = browser.new_context(viewport={"width": 400, "height": 900}).new_page()
    lead = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    try:
        sign_in(team, base, people["team"], DEMO_PASSWORD)
        team.goto(f"{base}/plans/{plan}/initiatives")
        team.get_by_role("link", name="Propose an initiative").click()
        team.get_by_label("Name", exact=True).fill(IDEA)
        team.get_by_label("Cost in H1").fill("EUR 40k")
        team.get_by_label("Greeted within 30 seconds").fill("2")
        team.get_by_role("button", name="Save").click()
        assert f'Initiative "{IDEA}" added.' in team.content()

        sign_in(lead, base, people["lead"], DEMO_PASSWORD)
        run_and_publish(lead, base, plan)

        team.goto(f"{base}/plans/{plan}/teams")
        card = team.locator(".verdict-card", has_text=IDEA)
        assert "not funded" in card.inner_text()
        assert "Why not" in card.inner_text()
        # explained on the way (the tests' app leaves runs unexplained until asked)
        card.get_by_role("link", name=re.compile("explanation in figures|^Explain")).click()
        assert f"Why not: {IDEA}" in team.content()
        assert "Break-even cost" in team.content()

        team.get_by_role("link", name="Appeal, with new figures").click()
        team.get_by_label("New total cost").fill("EUR 10k")
        team.get_by_label("The new evidence").fill("The vendor quoted 10,000 in writing.")
        team.get_by_role("button", name="Send the appeal").click()
        assert "waiting for the CX lead" in team.content()

        lead.goto(f"{base}/plans/{plan}/appeals")
        assert "The vendor quoted 10,000 in writing." in lead.content()
        assert "the optimiser would fund it" in lead.content()
        lead.get_by_role("button", name="Accept the figures").click()
        run_and_publish(lead, base, plan)

        team.goto(f"{base}/plans/{plan}/teams")
        card = team.locator(".verdict-card", has_text=IDEA)
        assert "not funded" not in card.inner_text() and "funded" in card.inner_text()
    except Exception:
        for name, page in (("flow-team", team), ("flow-lead", lead)):
            page.screenshot(path=str(Path(ARTIFACTS) / f"{name}.png"), full_page=True)
        raise
    finally:
        team.context.close()
        lead.context.close()
