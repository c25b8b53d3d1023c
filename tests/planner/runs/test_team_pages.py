"""The team view a page at a time: a team of hundreds of initiatives stays one page."""

from __future__ import annotations

import re

from models.db import open_session
from models.planfile import import_plan
from optimizer.samples import generate_document
from planner.runs.teams import PER_PAGE
from tests.webapp import page_text


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
