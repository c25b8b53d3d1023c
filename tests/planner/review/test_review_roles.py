"""The review and delivery pages as each role reads them: a team member its own team's
delivered work, as on the delivery page; a viewer no button its role cannot use."""

from __future__ import annotations

import re

from tests.planner.accounts.test_access import PEOPLE
from tests.webapp import page_text, saved_run, signed_in_client


def _team_rows(client, plan_id: int) -> list[str]:
    page = client.get(f"/plans/{plan_id}/review").get_data(as_text=True)
    return re.findall(r'<td data-label="Team">(.*?)</td>', page)


def test_a_team_member_reviews_its_own_teams_delivered_work(app, db, demo_id, run_id,
                                                             people):
    lead, team = (signed_in_client(app, PEOPLE[role]) for role in ("lead", "team"))
    assert lead.post(f"/plans/{demo_id}/runs/{run_id}/publish").status_code in (302, 303)
    run = saved_run(db, run_id)
    teams = {i.get("team", "") for i in run.inputs["initiatives"] if i["id"] in
             run.result["funded"]}
    assert "IT" in teams and len(teams) > 1
    assert sorted(_team_rows(lead, demo_id)) == sorted(teams)
    assert _team_rows(team, demo_id) == ["IT"]
    text = page_text(team.get(f"/plans/{demo_id}/review"))
    assert "Your team's delivered work" in text
    # the focus moments are the decision's, the same for every reader
    assert "Measured score at the decision Latest measured score since" in page_text(
        lead.get(f"/plans/{demo_id}/review"))


def test_a_viewer_sees_no_button_on_the_review_and_delivery_pages(app, db, demo_id, run_id,
                                                                 people):
    lead, viewer = (signed_in_client(app, PEOPLE[role]) for role in ("lead", "viewer"))
    assert lead.post(f"/plans/{demo_id}/runs/{run_id}/publish").status_code in (302, 303)
    for url in (f"/plans/{demo_id}/review", f"/plans/{demo_id}/delivery"):
        page = viewer.get(url).get_data(as_text=True)
        assert "Start the next cycle" not in page and "/next-cycle" not in page, url
        assert "<form" not in page.split("<main")[1], url
    assert "/next-cycle" in lead.get(f"/plans/{demo_id}/review").get_data(as_text=True)
    assert '<select id="delivery-' in lead.get(f"/plans/{demo_id}/delivery").get_data(
        as_text=True)
