"""Error pages say what to do and lead back: to the plan the address names (when the
reader may open it), to their plans, or to signing in; a 403 says which roles may do it,
a 404 what was not found; "Send it again" only for a POST refused before anything was
saved, and never as the main button."""

from __future__ import annotations

import re

import pytest

from models import Membership, Plan, User
from models.db import open_session
from models.queries import team_ids
from planner.demo import load_demo
from tests.planner.test_busy import PLAN, another_writer
from tests.webapp import make_app, nobodys_password_hash, page_text, signed_in_client


@pytest.fixture
def people(db, demo_id):
    """A viewer and a team member (team IT) of the demo plan, and someone of no plan."""
    hashed = nobodys_password_hash()
    for email, role, team in (("viewer@example.com", "viewer", ""),
                              ("team@example.com", "team", "IT"),
                              ("outsider@example.com", None, "")):
        user = User(email=email, name=email.split("@")[0].capitalize(), password_hash=hashed)
        db.add(user)
        db.flush()
        if role:
            db.add(Membership(user_id=user.id, plan_id=demo_id, role=role,
                              team_id=team_ids(db, demo_id, [team])[team]))
    db.commit()


def _ways(response) -> list[tuple[str, str, str]]:
    """The ways back: (class, address, words) of each link, the main one first."""
    html = response.get_data(as_text=True)
    nav = html.split('aria-label="Ways back">', 1)[1].split("</nav>", 1)[0]
    return [(cls, href, words.strip()) for cls, href, words in
            re.findall(r'<a class="([^"]*)" href="([^"]*)">([^<]*)</a>', nav)]


def test_a_role_refused_is_told_who_may_and_led_back_to_the_plan(app, demo_id, people):
    viewer = signed_in_client(app, "viewer@example.com")
    response = viewer.post(f"/plans/{demo_id}/members", data={"email": "x@example.com"})
    assert response.status_code == 403
    text = page_text(response)
    assert "Not yours to change" in text
    assert "Who may do this in a plan: CX lead (and an installation admin)" in text
    assert "Your role in this plan is Viewer" in text
    ways = _ways(response)
    assert ways[0][0] == "button" and ways[0][1] == f"/plans/{demo_id}"
    assert ways[0][2].startswith("Back to the plan ")
    assert ("button secondary", "/", "Your plans") in ways
    assert "Send it again" not in text
    # A page to open says so too.
    response = viewer.get(f"/plans/{demo_id}/members")
    assert response.status_code == 403 and "Not yours to open" in page_text(response)
    assert "Who may do this in a plan: CX lead" in page_text(response)


def test_a_team_member_is_led_back_to_its_initiatives(app, demo_id, people):
    team = signed_in_client(app, "team@example.com")
    response = team.get(f"/plans/{demo_id}/scenarios")
    assert response.status_code == 403
    assert "Who may do this in a plan: CX lead, Finance, Viewer" in page_text(response)
    assert _ways(response)[0][1] == f"/plans/{demo_id}/initiatives"


def test_a_404_says_what_was_not_found(app, demo_id, people):
    lead = signed_in_client(app)
    response = lead.get(f"/plans/{demo_id}/runs/424242")
    assert response.status_code == 404
    assert "no run 424242 that you may open" in page_text(response)
    assert _ways(response)[0][1] == f"/plans/{demo_id}"
    response = lead.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page at the address /no/such/page" in page_text(response)
    assert _ways(response) == [("button", "/", "Your plans")]


def test_a_plan_one_has_no_role_in_is_not_linked(app, demo_id, people):
    outsider = signed_in_client(app, "outsider@example.com")
    response = outsider.get(f"/plans/{demo_id}/journey")
    assert response.status_code == 404
    assert f"no plan {demo_id} that you may open" in page_text(response)
    assert _ways(response) == [("button", "/", "Your plans")]


def test_the_signed_out_are_led_to_sign_in(app, demo_id):
    response = app.test_client().post(f"/plans/{demo_id}/edit", data={})
    assert response.status_code == 401
    assert _ways(response) == [("button", "/sign-in", "Sign in")]


def test_send_it_again_only_for_a_busy_save_and_not_the_main_button(database_url):
    app = make_app(database_url, DATABASE_BUSY_TIMEOUT_MS=200)
    plan_id = load_demo(app)
    with open_session(app.extensions["planner_engine"]) as session:
        name = session.get(Plan, plan_id).name
    client = signed_in_client(app)
    try:
        with another_writer(database_url, plan_id):
            response = client.post(f"/plans/{plan_id}/edit", data=PLAN)
    finally:
        app.extensions["planner_engine"].dispose()
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert html.index('aria-label="Ways back"') < html.index("Send it again")
    assert '<button type="submit" class="secondary">Send it again</button>' in html
    assert _ways(response)[0] == ("button", f"/plans/{plan_id}", f"Back to the plan {name}")
