"""An initiative read by its team and by the CX lead: the read-only page once editing is
closed, the statuses of the list (the published decision's, else the lead's draft), the
links a team member is offered, and the warning on a cost far outside the plan's range."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from models import Initiative, InitiativeLink, Membership, Plan, User
from models.queries import team_ids
from tests.planner.initiatives.test_initiatives import _form
from tests.webapp import nobodys_password_hash, page_text, saved_run, signed_in_client

MEMBER = "ivy@example.com"


@pytest.fixture
def member(app, db, demo_id):
    """A signed-in team member of IT in the demo plan."""
    user = User(email=MEMBER, name="Ivy", password_hash=nobodys_password_hash())
    db.add(user)
    db.flush()
    db.add(Membership(user_id=user.id, plan_id=demo_id, role="team",
                      team_id=team_ids(db, demo_id, ["IT"])["IT"]))
    db.commit()
    return signed_in_client(app, MEMBER)


def _run(client, plan_id: int, **data) -> int:
    return int(client.post(f"/plans/{plan_id}/runs", data=data).headers["Location"]
               .rsplit("/", 1)[1])


def _rejected_own(db, run_id: int) -> Initiative:
    run = saved_run(db, run_id)
    teams = {i["id"]: i.get("team", "") for i in run.inputs["initiatives"]}
    key = next(r["id"] for r in run.result["rejected"] if teams[r["id"]] == "IT")
    return db.exec(select(Initiative).where(Initiative.key == key)).one()


def test_a_decided_initiative_is_read_with_its_decision_and_appeals(
        app, db, demo_id, member):
    lead = signed_in_client(app)
    first = _run(lead, demo_id)
    lead.post(f"/plans/{demo_id}/runs/{first}/publish")
    own = _rejected_own(db, first)
    edit = member.get(f"/plans/{demo_id}/initiatives/{own.id}/edit")
    assert edit.status_code == 302  # not "Not yours to change": its own page, read-only
    assert edit.headers["Location"].endswith(f"/plans/{demo_id}/initiatives/{own.id}")
    page = member.get(edit.headers["Location"])
    text = page_text(page)
    assert page.status_code == 200
    assert "The plan's published decision, run #1: not funded" in text
    assert "because: Does not move a focus moment." in text
    assert "can be read here, not changed" in text and "No appeal." in text
    assert 'name="name"' not in page.get_data(as_text=True)  # nothing to send
    assert ">Edit<" not in page.get_data(as_text=True)
    assert member.post(f"/plans/{demo_id}/runs/{first}/say-no/{own.key}/appeal", data={
        "cost": "1000", "note": "a cheaper quote"}).status_code == 302
    # A second decision published: the appeal against the first is still there.
    second = _run(lead, demo_id, budget="100000")
    lead.post(f"/plans/{demo_id}/runs/{second}/publish")
    text = page_text(member.get(f"/plans/{demo_id}/initiatives/{own.id}"))
    assert "The plan's published decision, run #2" in text
    assert re.search(r"Run #2, published .*stands.* Run #1, published", text)
    assert "Appeal by Ivy" in text and "(run #1): waiting for" in text
    assert "a cheaper quote" in text
    assert "waiting for the CX lead's answer" in text
    other = db.exec(select(Initiative).where(Initiative.team_id != own.team_id)).first()
    assert member.get(f"/plans/{demo_id}/initiatives/{other.id}").status_code == 404


def test_the_list_shows_the_published_decision_else_the_leads_draft(
        app, db, demo_id, member):
    lead = signed_in_client(app)
    first = _run(lead, demo_id)
    _run(lead, demo_id, budget="100000", what_if="frontier")  # a what-if: never the status
    text = page_text(lead.get(f"/plans/{demo_id}/initiatives"))
    assert "Status from the CX lead's latest draft, not published, run #1" in text
    assert "funded draft" in text
    mine = member.get(f"/plans/{demo_id}/initiatives")
    assert "No decision is published yet." in page_text(mine)
    assert "funded" not in page_text(mine) and "/runs/" not in mine.get_data(as_text=True)
    lead.post(f"/plans/{demo_id}/runs/{first}/publish")
    _run(lead, demo_id)  # a later draft: the decision stands until published
    for client in (lead, member):
        response = client.get(f"/plans/{demo_id}/initiatives")
        text = page_text(response)
        assert "Status from the plan's published decision, run #1" in text
        assert "draft" not in text.split("Status from")[1]
    assert f"/runs/{first}" not in member.get(f"/plans/{demo_id}/initiatives").get_data(
        as_text=True)  # the run's page is not a team member's


def _options(html: str, name: str) -> set[str]:
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    return set(re.findall(r'value="(\d+)"', select_html))


def test_a_team_member_links_only_to_what_it_may_read(app, db, demo_id, member):
    rows = db.exec(select(Initiative)).all()
    own = {str(i.id) for i in rows if i.team == "IT"}
    html = member.get(f"/plans/{demo_id}/initiatives/new").get_data(as_text=True)
    assert _options(html, "requires") == _options(html, "excludes") == own
    assert len(_options(signed_in_client(app).get(f"/plans/{demo_id}/initiatives/new")
                        .get_data(as_text=True), "requires")) == len(rows)
    lead = signed_in_client(app)
    run = _run(lead, demo_id)
    lead.post(f"/plans/{demo_id}/runs/{run}/publish")
    moved = lead.post(f"/plans/{demo_id}/state", data={"from": "decided", "to": "open"})
    assert moved.status_code == 302
    funded = set(saved_run(db, run).result["funded"])
    offered = own | {str(i.id) for i in rows if i.key in funded}
    assert len(offered) > len(own)
    html = member.get(f"/plans/{demo_id}/initiatives/new").get_data(as_text=True)
    assert _options(html, "requires") == offered


def test_a_link_a_team_member_cannot_see_is_kept_when_it_saves(app, db, demo_id, member):
    rows = db.exec(select(Initiative)).all()
    mine = next(i for i in rows if i.team == "IT")
    hidden = next(i for i in rows if i.team not in ("IT", ""))
    db.add(InitiativeLink(initiative_id=mine.id, other_id=hidden.id, kind="excludes"))
    db.commit()
    page = member.get(f"/plans/{demo_id}/initiatives/{mine.id}/edit")
    assert hidden.name not in page.get_data(as_text=True)
    form = _form(db, key=mine.key, name="Renamed by IT", team="IT")
    del form["decision"], form["reason"]
    db.rollback()
    form["version"] = str(db.get(Initiative, mine.id).version)
    response = member.post(f"/plans/{demo_id}/initiatives/{mine.id}/edit", data=form)
    assert response.status_code == 302
    db.rollback()
    saved = db.get(Initiative, mine.id)
    assert saved.name == "Renamed by IT"
    assert [(link.other_id, link.kind) for link in saved.links] == [(hidden.id, "excludes")]


def test_a_cost_far_below_the_plans_range_is_saved_with_a_warning(client, db, demo_id):
    response = client.post(f"/plans/{demo_id}/initiatives/new", follow_redirects=True,
                           data=_form(db, key="tiny", **{"cost:H1": "18", "cost:H2": ""}))
    text = page_text(response)
    assert 'Initiative "Queue-busting tablets" added.' in text
    assert "Check the cost: EUR 18 is less than a thousandth of the median cost" in text
    assert 'class="flash flash-warning"' in response.get_data(as_text=True)
    db.rollback()
    assert db.exec(select(Initiative).where(Initiative.key == "tiny")).one().total_cost == 18
    usual = client.post(f"/plans/{demo_id}/initiatives/new", follow_redirects=True,
                        data=_form(db, key="usual"))
    assert "Check the cost" not in page_text(usual)


def test_a_closed_plans_initiative_opens_read_only_for_the_lead(app, db, demo_id):
    lead = signed_in_client(app)
    run = _run(lead, demo_id)
    lead.post(f"/plans/{demo_id}/runs/{run}/publish")
    db.rollback()
    db.get(Plan, demo_id).state = "closed"  # as the CX lead's "Close the cycle" leaves it
    db.commit()
    initiative = db.exec(select(Initiative)).first()
    response = lead.get(f"/plans/{demo_id}/initiatives/{initiative.id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/initiatives/{initiative.id}")
    assert lead.post(f"/plans/{demo_id}/initiatives/{initiative.id}/edit",
                     data={}).status_code == 403


def test_a_team_members_edit_that_sends_the_leads_fields_is_refused(app, db, demo_id,
                                                                    member):
    mine = next(i for i in db.exec(select(Initiative)).all() if i.team == "IT")
    before = (mine.name, "IT", "auto", mine.version)
    form = _form(db, key=mine.key, name="Moved to Stores", team="Stores",
                 decision="reject", reason="not ours")
    form["version"] = str(mine.version)
    response = member.post(f"/plans/{demo_id}/initiatives/{mine.id}/edit", data=form)
    assert response.status_code == 422
    text = page_text(response)
    assert "Team: a team member proposes for its own team (IT) only" in text
    assert "Decision: only the CX lead" in text and "Reason for the decision" in text
    db.rollback()
    kept = db.get(Initiative, mine.id)
    assert (kept.name, kept.team, kept.decision, kept.version) == before
