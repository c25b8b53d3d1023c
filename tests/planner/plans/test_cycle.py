"""The planning cycle's states: a new plan is a draft; the CX lead opens it for proposals;
publishing a run decides it; a decided cycle is closed and takes no change until it is
reopened. What each state lets a team member do, and every move in the decision record."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Initiative, Membership, Plan, RecordEntry, Team, User
from models.queries import team_ids
from tests.planner.initiatives.test_initiatives import _form
from tests.webapp import nobodys_password_hash, page_text, signed_in_client


@pytest.fixture
def people(app, db, demo_id):
    """The demo plan's CX lead and an IT team member, signed in."""
    hashed = nobodys_password_hash()
    for email, role, team in (("lead@example.com", "lead", ""),
                              ("it@example.com", "team", "IT")):
        user = User(email=email, name=role.capitalize(), password_hash=hashed)
        db.add(user)
        db.flush()
        db.add(Membership(user_id=user.id, plan_id=demo_id, role=role,
                          team_id=team_ids(db, demo_id, [team])[team]))
    db.commit()
    return (signed_in_client(app, "lead@example.com"),
            signed_in_client(app, "it@example.com"))


def _state(db, plan_id: int) -> str:
    db.rollback()
    return db.get(Plan, plan_id).state


def _move(client, plan_id: int, start: str, to: str):
    """The move, confirmed where the page asks first (closing the cycle)."""
    return client.post(f"/plans/{plan_id}/state",
                       data={"from": start, "to": to, "confirmed": "yes"})


def _publish_a_run(client, plan_id: int) -> int:
    run_id = int(client.post(f"/plans/{plan_id}/runs", data={}).headers["Location"]
                 .rsplit("/", 1)[1])
    assert client.post(f"/plans/{plan_id}/runs/{run_id}/publish").status_code == 302
    return run_id


def test_a_new_plan_is_a_draft_and_the_demo_is_open(client, db, demo_id):
    response = client.post("/plans/new", data={"name": "FY2028", "currency": "EUR",
                                               "budget": "", "max_focus": "3"})
    assert response.status_code == 302
    db.rollback()
    made = db.exec(select(Plan).where(Plan.name == "FY2028")).one()
    assert made.state == "draft" and _state(db, demo_id) == "open"
    page = page_text(client.get(f"/plans/{made.id}"))
    assert "A draft: the CX lead is setting up the journey" in page
    assert "Open for proposals" in page  # the button that moves it on


def test_a_team_member_proposes_only_while_the_plan_is_open(app, db, demo_id, people):
    lead, team = people
    assert _move(lead, demo_id, "open", "draft").status_code == 302
    refused = team.post(f"/plans/{demo_id}/initiatives/new", data=_form(db, key="early"))
    assert refused.status_code == 403
    assert "The plan is a draft: a team member proposes and edits initiatives only while " \
           "it is open for proposals" in page_text(refused)
    listing = page_text(team.get(f"/plans/{demo_id}/initiatives"))
    assert "Propose an initiative" not in listing
    assert "The plan is a draft: teams propose and edit initiatives only while" in listing
    assert _move(lead, demo_id, "draft", "open").status_code == 302
    assert "Propose an initiative" in page_text(team.get(f"/plans/{demo_id}/initiatives"))
    assert team.post(f"/plans/{demo_id}/initiatives/new",
                     data=_form(db, key="ontime", team="IT")).status_code == 302
    db.rollback()
    assert db.exec(select(Initiative.key).where(Initiative.key == "early")).first() is None
    assert db.exec(select(Initiative.key).where(Initiative.key == "ontime")).first()


def test_publishing_decides_the_plan_and_teams_then_appeal_instead_of_editing(
        app, db, demo_id, people):
    lead, team = people
    own = db.exec(select(Initiative).join(Team).where(Team.name == "IT")).first()
    confirm = page_text(lead.get(f"/plans/{demo_id}/runs/"
                                 f"{_run(lead, demo_id)}/publish"))
    assert "The plan becomes decided: teams no longer propose or edit initiatives" in confirm
    _publish_a_run(lead, demo_id)
    assert _state(db, demo_id) == "decided"
    refused = team.post(f"/plans/{demo_id}/initiatives/{own.id}/edit",
                        data=_form(db, team="IT", version=str(own.version)))
    assert refused.status_code == 403 and "The plan is decided" in page_text(refused)
    # Its form page opens as the initiative's page, to read.
    opened = team.get(f"/plans/{demo_id}/initiatives/{own.id}/edit")
    assert opened.status_code == 302 and opened.location.endswith(f"/initiatives/{own.id}")
    # The lead still changes initiatives (an accepted appeal writes its figures).
    assert lead.get(f"/plans/{demo_id}/initiatives/{own.id}/edit").status_code == 200
    # Reopened for proposals, the team edits again and appeals wait for the decision.
    assert _move(lead, demo_id, "decided", "open").status_code == 302
    assert team.get(f"/plans/{demo_id}/initiatives/{own.id}/edit").status_code == 200
    assert "Close proposals: the published decision stands" in page_text(
        lead.get(f"/plans/{demo_id}"))
    assert _move(lead, demo_id, "open", "decided").status_code == 302


def _run(client, plan_id: int) -> int:
    return int(client.post(f"/plans/{plan_id}/runs", data={}).headers["Location"]
               .rsplit("/", 1)[1])


def test_a_closed_plan_takes_no_change_until_it_is_reopened(app, db, demo_id, people):
    lead, team = people
    run_id = _publish_a_run(lead, demo_id)
    assert _move(lead, demo_id, "decided", "closed").status_code == 302
    own = db.exec(select(Initiative).join(Team).where(Team.name == "IT")).first()
    before = (own.name, own.version)
    for client, url, data in (
            (lead, f"/plans/{demo_id}/initiatives/{own.id}/edit", _form(db, name="Late")),
            (lead, f"/plans/{demo_id}/runs", {}),
            (lead, f"/plans/{demo_id}/runs/{run_id}/publish", {}),
            (signed_in_client(app), f"/plans/{demo_id}/edit", {"name": "Renamed"})):
        refused = client.post(url, data=data)
        assert refused.status_code == 403, url
        assert "This plan is closed" in page_text(refused), url
    # A form page opens as the page that reads the same row; reading is not closed.
    opened = lead.get(f"/plans/{demo_id}/initiatives/{own.id}/edit")
    assert opened.status_code == 302 and opened.location.endswith(f"/initiatives/{own.id}")
    assert lead.get(f"/plans/{demo_id}/initiatives/new").status_code == 403
    assert lead.get(f"/plans/{demo_id}/runs/{run_id}").status_code == 200
    assert team.get(f"/plans/{demo_id}/teams").status_code == 200
    db.rollback()
    again = db.get(Initiative, own.id)
    assert (again.name, again.version) == before
    assert "Closed" in page_text(lead.get(f"/plans/{demo_id}"))
    assert _move(lead, demo_id, "closed", "decided").status_code == 302
    assert lead.post(f"/plans/{demo_id}/runs", data={}).status_code == 302


def test_only_the_moves_of_the_cycle_are_taken_and_a_stale_one_is_refused(
        app, db, demo_id, people):
    lead, team = people
    assert _move(lead, demo_id, "open", "closed").status_code == 409  # not from open
    assert _move(lead, demo_id, "open", "decided").status_code == 409  # nothing published
    assert _move(lead, demo_id, "draft", "open").status_code == 409  # it is open already
    assert _move(lead, demo_id, "open", "bogus").status_code == 409
    assert _move(team, demo_id, "open", "draft").status_code == 403  # the lead's move
    assert _state(db, demo_id) == "open"


def test_every_move_is_in_the_decision_record(app, db, demo_id, people):
    lead, _ = people
    _move(lead, demo_id, "open", "draft")
    _move(lead, demo_id, "draft", "open")
    _publish_a_run(lead, demo_id)
    _move(lead, demo_id, "decided", "closed")
    db.rollback()
    lines = db.exec(select(RecordEntry).where(RecordEntry.field == "state")
                    .order_by(RecordEntry.id)).all()
    assert [(line.before, line.after, line.who) for line in lines] == [
        ("open", "draft", "Lead"), ("draft", "open", "Lead"), ("open", "decided", "Lead"),
        ("decided", "closed", "Lead")]
    history = page_text(lead.get(f"/plans/{demo_id}/history"))
    assert "decided" in history and "closed" in history


def test_closing_the_cycle_asks_first_and_says_what_it_stops(app, db, demo_id, people):
    lead, _ = people
    _publish_a_run(lead, demo_id)
    asked = lead.post(f"/plans/{demo_id}/state", data={"from": "decided", "to": "closed"})
    assert asked.status_code == 200 and _state(db, demo_id) == "decided"
    text = page_text(asked)
    assert 'Close the cycle of "Retail stores FY2027"?' in text
    assert "Nothing in the plan can change any more" in text
    html = asked.get_data(as_text=True)
    for name, value in (("from", "decided"), ("to", "closed"), ("confirmed", "yes")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in html
    assert f'href="/plans/{demo_id}"' in html  # Cancel: back to the plan, nothing moved
    assert _move(lead, demo_id, "decided", "closed").status_code == 302
    assert _state(db, demo_id) == "closed"
    # Moves that close nothing are made at once.
    assert lead.post(f"/plans/{demo_id}/state",
                     data={"from": "closed", "to": "decided"}).status_code == 302
