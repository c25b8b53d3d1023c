"""The team view: a team's initiatives, funded or not, and why not, in words; a page at a
time, so that a team of hundreds of initiatives stays one page."""

from __future__ import annotations

import re

from models.db import open_session
from models.planfile import import_plan
from optimizer.samples import generate_document
from planner.runs.teams import PER_PAGE
from tests.webapp import page_text


def test_team_view_before_a_run(client, demo_id):
    response = client.get(f"/plans/{demo_id}/teams?team=Stores")
    assert response.status_code == 200
    text = page_text(response)
    assert "Door greeter at peak hours" in text and "RFID" not in text
    assert "No run yet" in text and "no run yet" in text


def test_team_view_shows_funded_and_rejected_with_reasons(client, db, demo_id):
    client.post(f"/plans/{demo_id}/runs", data={})
    from sqlmodel import select

    from models import Run

    result = db.exec(select(Run)).one().result
    html = client.get(f"/plans/{demo_id}/teams?team=Stores")
    text = page_text(html)
    assert "Stores (5)" in text
    stores = {"greeter", "fitattend", "returnsdesk", "accessibility", "bagging"}
    rejected = [r for r in result["rejected"] if r["id"] in stores]
    assert rejected, "the demo plan says no to some of the Stores team's work"
    for rejection in rejected:
        assert rejection["message"] in text
    page = html.get_data(as_text=True)
    assert "Why not:" in text
    assert page.count('class="verdict-card verdict-rejected"') == len(rejected)
    assert page.count('class="verdict-card verdict-funded"') == len(
        [i for i in result["funded"] if i in stores])


def test_team_picker_lists_every_team(client, demo_id):
    text = page_text(client.get(f"/plans/{demo_id}/teams"))
    for team in ("IT", "Logistics", "HR", "Stores", "Finance", "Marketing", "Digital"):
        assert team in text


def test_unknown_team_shows_no_initiatives(client, demo_id):
    response = client.get(f"/plans/{demo_id}/teams?team=Nobody")
    assert response.status_code == 200
    assert "has no initiatives" in page_text(response)


def test_team_names_are_escaped(client, db, demo_id):
    from sqlmodel import select

    from models import Initiative
    from models.queries import team_ids

    music = db.exec(select(Initiative).where(Initiative.key == "music")).one()
    name = "<script>alert(1)</script>"
    music.team_id = team_ids(db, demo_id, [name])[name]
    db.commit()
    html = client.get(f"/plans/{demo_id}/teams?team=<script>alert(1)</script>").get_data(
        as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_a_large_team_is_shown_a_page_at_a_time(app, client):
    document = generate_document(200, 6, seed=3)
    for initiative in document["initiatives"]:
        initiative["team"] = "Stores"
    with open_session(app.extensions["planner_engine"], write=True) as session:
        plan_id = import_plan(session, document).id
        session.commit()
    seen = []
    for page in range(1, 5):
        response = client.get(f"/plans/{plan_id}/teams",
                              query_string={"team": "Stores", "page": page})
        cards = re.findall(r'<article class="verdict-card', response.get_data(as_text=True))
        assert len(cards) == PER_PAGE
        assert f"Page {page} of 4" in page_text(response)
        seen += re.findall(r'/initiatives/(\d+)/edit', response.get_data(as_text=True))
    assert len(set(seen)) == 200
    assert "51–100 of 200 initiatives of this team" in page_text(
        client.get(f"/plans/{plan_id}/teams", query_string={"team": "Stores", "page": 2}))


def test_a_team_page_past_the_end_shows_the_last(client, demo_id):
    response = client.get(f"/plans/{demo_id}/teams", query_string={"page": "99"})
    assert response.status_code == 200
    assert '<article class="verdict-card' in response.get_data(as_text=True)
