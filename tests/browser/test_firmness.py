"""How firm the decision is, read in a real browser: the IT team member reads on its
rejected initiative's say-no page how often it is chosen across the plausible cases;
finance works the firmness out, opens the cost band and saves the robust portfolio as a
what-if, after which every page the team member reads is word for word as before. The
pages that show firmness are checked as test_widths.py checks the others (width, text
size, cut figures, axe-core's WCAG 2.1 A and AA rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.db import open_session
from tests.browser.conftest import ARTIFACTS, demo_people
from tests.browser.test_cycle_by_role import publish_shown_run, run_from_portfolio, text_of
from tests.browser.test_widths import (
    AXE_RUN,
    AXE_SOURCE,
    CUT,
    MEASURE,
    SETTLED,
    SMALLEST_TEXT_PX,
    WCAG_21_AA,
)
from tests.planner.runs.firmness.helpers import keep_result, robust_result

PEOPLE = {"lead": ("lead@demo.example", 1366, "en-GB"),
          "finance": ("finance@demo.example", 1366, "en-GB"),
          "team": ("it@demo.example", 400, "de-DE")}
OWN_REJECTED, SHARE = "Self-checkout kiosks", 0.46  # IT's, not funded by the demo's optimum
TEAM_PAGES = ("journey", "initiatives", "teams")


@pytest.fixture
def pages(browser, live_app):
    """A signed-in page per person, each in a browser context of its own."""
    yield from demo_people(browser, live_app, PEOPLE)


def _keep(live_app, run_id: int) -> None:
    """A robust result kept for the run, as the job keeps it."""
    from models import Run

    with open_session(live_app.app.extensions["planner_engine"], write=True) as session:
        run = session.get(Run, run_id)
        keep_result(session, run, robust_result(run, {"selfcheck": SHARE, "rfid": 0.03}))


def _fits(page) -> list[str]:
    """What is wrong with the page as shown at its width: wider than the window, text too
    small, a figure cut, or a WCAG 2.1 A or AA rule broken (as tests/browser/test_widths.py
    checks every page without firmness)."""
    page.evaluate(AXE_SOURCE)
    page.evaluate(SETTLED)
    measured = page.evaluate(MEASURE, SMALLEST_TEXT_PX)
    wrong = [f"{measured['wider']} px wider"] if measured["wider"] > 0 else []
    wrong += [f"small text {measured['small']}"] if measured["small"] else []
    return wrong + page.evaluate(CUT) + page.evaluate(AXE_RUN, WCAG_21_AA)


def test_a_team_reads_its_share_and_finance_saves_the_robust_portfolio(pages, live_app):
    plan = f"{live_app.url}/plans/{live_app.plan_id}"
    lead, finance, team = pages["lead"], pages["finance"], pages["team"]
    step = "publish"
    try:
        decision = run_from_portfolio(lead, plan)
        run_id = int(lead.url.rsplit("/", 1)[1])
        publish_shown_run(lead)

        step = "team reads its share"
        _keep(live_app, run_id)
        lead.goto(f"{plan}/runs/{run_id}/say-no")
        listed = lead.locator("main").inner_text()
        assert "A firm no: rejected in 97% of plausible cases" in listed
        assert _fits(lead) == []
        team.goto(f"{plan}/initiatives")
        team.get_by_role("link", name=OWN_REJECTED).click()
        own = team.locator("main").inner_text()
        assert "A close call: chosen in 46% of plausible cases" in own, own
        team.get_by_role("link", name="Why not, in figures").first.click()
        why = team.locator("main").inner_text()
        assert f"Why not: {OWN_REJECTED}" in why
        assert "How firm this no is" in why
        assert "A close call: chosen in 46% of plausible cases" in why
        assert "95% sure its share lies between 43% and 49%" in why
        assert _fits(team) == []

        step = "finance works it out"
        finance.goto(f"{plan}/runs/{run_id}")
        finance.get_by_role("link", name="The cost band and the robust portfolio, to save "
                                          "as a what-if").click()
        finance.get_by_label("Cases").fill("40")
        finance.get_by_role("button", name="Work it out again").click()
        assert "Worked out and kept with the run." in finance.content()  # the job's end
        finance.goto(f"{plan}/runs/{run_id}")
        assert "in the likely case (P50)" in finance.locator("#firmness").inner_text()
        for width in (1366, 400):  # the band drawn, the shares listed, at both widths
            finance.set_viewport_size({"width": width, "height": 900})
            assert _fits(finance) == [], width
        finance.set_viewport_size({"width": 1366, "height": 900})
        finance.goto(f"{plan}/runs/{run_id}/uncertainty/finance")
        bands = finance.locator("main").inner_text()
        assert "Cost of the decided portfolio" in bands and "Cases over budget" in bands
        assert "The robust portfolio beside the decision" in bands
        before = {name: text_of(team, f"{plan}/{name}") for name in TEAM_PAGES}
        assert f"run #{decision}" in before["teams"]

        step = "finance saves the robust portfolio"
        finance.goto(f"{plan}/runs/{run_id}/uncertainty/finance")
        finance.get_by_role("button", name="Save the robust portfolio as a what-if").click()
        finance.wait_for_url("**/runs/*")
        saved = finance.locator("main").inner_text()
        assert "What-if: Robust portfolio of run #" in saved, saved[:400]
        assert "A what-if" in saved
        after = {name: text_of(team, f"{plan}/{name}") for name in TEAM_PAGES}
        assert after == before  # a what-if changes nothing the teams read
    except Exception:
        for who, page in pages.items():
            page.screenshot(path=str(Path(ARTIFACTS) / f"firmness-{step}-{who}.png"),
                            full_page=True)
        raise
