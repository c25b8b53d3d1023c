"""The team view: a team's initiatives, funded or not, and why not, in words."""

from __future__ import annotations

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
