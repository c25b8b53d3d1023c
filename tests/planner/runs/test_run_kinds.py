"""A run is a draft of the decision, a what-if, or, once published, the decision: the
CX lead's runs are drafts, finance's and every saved frontier point or scenario are
what-ifs; only publishing changes what the teams read; each page says which a run is,
and offers a reader only the buttons their role may use."""

from __future__ import annotations

import re

from sqlmodel import select

from models import Initiative, InitiativeCost, Membership, Plan, Run, User
from models.db import open_session
from models.planfile import import_plan
from models.queries import deciding_run, published_run, team_ids
from planner.runs.views import day
from planner.web import money
from tests.webapp import nobodys_password_hash, page_text, signed_in_client

NOTICE = "The plan has changed since this run"

ROLES = ("lead", "finance", "team", "viewer")


def with_roles(app, db, plan_id: int, team: str = "Stores") -> dict:
    """A signed-in client per role in the plan (the team member: of `team`)."""
    hashed = nobodys_password_hash()
    for role in ROLES:
        user = User(email=f"{role}@example.com", name=role.capitalize(), password_hash=hashed)
        db.add(user)
        db.flush()
        own = team if role == "team" else ""
        db.add(Membership(user_id=user.id, plan_id=plan_id, role=role,
                          team_id=team_ids(db, plan_id, [own])[own]))
    db.commit()
    return {role: signed_in_client(app, f"{role}@example.com") for role in ROLES}


def post_run(client, plan_id: int, **data) -> Run:
    """Post the run form (as this client) and return the run it saved, read afresh."""
    response = client.post(f"/plans/{plan_id}/runs", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    engine = client.application.extensions["planner_engine"]
    with open_session(engine) as session:
        run = session.exec(select(Run).where(Run.id == run_id)).one()
        session.expunge(run)
    return run


def _publish(client, plan_id: int, run_id: int):
    return client.post(f"/plans/{plan_id}/runs/{run_id}/publish", data={})


def test_the_leads_runs_are_drafts_and_finances_are_what_ifs(app, db, demo_id):
    people = with_roles(app, db, demo_id)
    lead = post_run(people["lead"], demo_id)
    finance = post_run(people["finance"], demo_id, budget="300000")
    frontier = post_run(people["finance"], demo_id, budget="400000", what_if="frontier")
    assert (lead.kind, lead.label) == ("draft", "")
    assert (finance.kind, finance.label) == ("what-if", "Finance's what-if")
    assert (frontier.kind, frontier.label) == ("what-if", "Frontier: budget EUR 400,000")
    # the lead saving a frontier point makes a what-if too
    point = post_run(people["lead"], demo_id, budget="350000", what_if="frontier")
    assert (point.kind, point.label) == ("what-if", "Frontier: budget EUR 350,000")
    # what a what-if changed of the plan is kept with it
    assert frontier.result["overrides"] == {"budget": 400000.0}


def test_a_what_if_is_never_the_latest_draft_nor_the_plans_state(app, db, demo_id):
    people = with_roles(app, db, demo_id)
    draft = post_run(people["lead"], demo_id)
    what_if = post_run(people["finance"], demo_id, budget="200000", max_focus="2")
    text = page_text(people["lead"].get(f"/plans/{demo_id}/portfolio"))
    assert f"Latest draft: run #{draft.number}" in text
    assert f"Latest draft: run #{what_if.number}" not in text
    # the latest draft is of the plan as it is: no notice, though the what-if's budget
    # and focus count are not the plan's
    assert NOTICE not in text
    assert f"#{draft.number} Draft" in text
    assert f"#{what_if.number} What-if: Finance's what-if" in text
    db.rollback()
    shown, published = deciding_run(session=db, plan_id=demo_id, team_member=False)
    assert (shown.id, published) == (draft.id, False)
    # a plan with what-ifs alone has no latest draft
    db.delete(db.get(Run, draft.id))
    db.commit()
    text = page_text(people["lead"].get(f"/plans/{demo_id}/portfolio"))
    assert "Latest draft" not in text and f"#{what_if.number} What-if" in text


def test_a_what_ifs_own_changes_are_not_changes_of_the_plan(app, db, demo_id):
    people = with_roles(app, db, demo_id)
    what_if = post_run(people["finance"], demo_id, budget="200000", what_if="frontier")
    url = f"/plans/{demo_id}/runs/{what_if.id}"
    text = page_text(people["lead"].get(url))
    assert NOTICE not in text
    assert f"Run #{what_if.number}: What-if: Frontier: budget EUR 200,000" in text
    assert "A what-if (Frontier: budget EUR 200,000)" in text
    plan = db.get(Plan, demo_id)
    plan.max_focus = 2
    db.commit()
    text = page_text(people["lead"].get(url))
    assert (f"{NOTICE} (the number of focus moments), besides the what-if's own changes: "
            "what is shown here is the what-if on the plan as it was.") in text


def test_the_run_list_labels_the_decision_with_its_day(app, db, demo_id):
    people = with_roles(app, db, demo_id)
    first = post_run(people["lead"], demo_id)
    second = post_run(people["lead"], demo_id, budget="300000")
    assert _publish(people["lead"], demo_id, first.id).status_code == 302
    db.rollback()
    when = day(published_run(session=db, plan_id=demo_id)[1].created_at)
    text = page_text(people["viewer"].get(f"/plans/{demo_id}/portfolio"))
    assert f"#{first.number} Decision (published {when})" in text
    assert f"#{second.number} Draft" in text
    assert f"The plan's decision is run #{first.number} (published {when} by Lead)." in text
    assert f"Latest draft: run #{second.number}" in text
    assert _publish(people["lead"], demo_id, second.id).status_code == 302
    text = page_text(people["viewer"].get(f"/plans/{demo_id}/portfolio"))
    assert f"#{first.number} Earlier decision (published {when})" in text
    assert f"#{second.number} Decision (published" in text


def test_only_the_lead_publishes_a_what_if_and_it_becomes_the_decision(app, db, demo_id):
    people = with_roles(app, db, demo_id)
    what_if = post_run(people["finance"], demo_id, budget="300000", what_if="frontier")
    url = f"/plans/{demo_id}/runs/{what_if.id}"
    assert "Publish as the decision" not in page_text(people["finance"].get(url))
    assert _publish(people["finance"], demo_id, what_if.id).status_code == 403
    db.rollback()
    assert published_run(session=db, plan_id=demo_id) is None
    page = people["lead"].get(f"{url}/publish")
    assert ("It is a what-if (Frontier: budget EUR 300,000): published, it becomes the "
            "decision, with its own changes (budget EUR 300,000)") in page_text(page)
    assert _publish(people["lead"], demo_id, what_if.id).status_code == 302
    db.rollback()
    assert published_run(session=db, plan_id=demo_id)[0].id == what_if.id
    # the teams now read it; its own budget is still not called a change of the plan
    text = page_text(people["team"].get(f"/plans/{demo_id}/teams"))
    assert f"run #{what_if.number}" in text and NOTICE not in text


def test_the_run_pages_title_gives_its_number_and_its_address(app, client, demo_id):
    with open_session(app.extensions["planner_engine"], write=True) as session:
        other = import_plan(session, {"plan": "Other", "moments": [{"id": "m", "name": "M"}],
                                      "initiatives": [{"id": "i", "name": "I", "cost": 1,
                                                       "effects": {"m": 1}}]}).id
        session.commit()
    post_run(client, other)
    run = post_run(client, demo_id)  # #1 of its plan, at another address
    assert run.number == 1 and run.id != 1
    html = client.get(f"/plans/{demo_id}/runs/{run.id}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S)[1]
    assert title.startswith(f"Run #1 (Draft) · address runs/{run.id} ·")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Run #1: Draft" in text
    assert f"This run's address ends in runs/{run.id}, which counts every run of every " \
           "plan; #1 counts this plan's." in text


def test_a_viewer_sees_no_button_its_role_cannot_use(app, db, demo_id):
    people = with_roles(app, db, demo_id)
    run = post_run(people["lead"], demo_id)
    viewer = people["viewer"]
    portfolio = viewer.get(f"/plans/{demo_id}/portfolio").get_data(as_text=True)
    assert f'action="/plans/{demo_id}/runs"' not in portfolio and "Run the optimiser" not in \
        portfolio
    page = viewer.get(f"/plans/{demo_id}/runs/{run.id}").get_data(as_text=True)
    for forbidden in ("/publish", "/delete", "/reproduce"):
        assert forbidden not in page, forbidden
    teams = viewer.get(f"/plans/{demo_id}/teams?team=Stores").get_data(as_text=True)
    assert "/edit" not in teams and "Run it again" not in teams
    # every link and form on these pages opens for the viewer
    for html in (portfolio, page, teams):
        for url in set(re.findall(rf'(?:href|action)="(/plans/{demo_id}/[^"?#]*)"', html)):
            if url.endswith(".css") or "/static/" in url:
                continue
            assert viewer.get(url).status_code in (200, 302), url
    # the lead has them all
    lead_page = people["lead"].get(f"/plans/{demo_id}/runs/{run.id}").get_data(as_text=True)
    for wanted in ("/publish", "/delete", "/reproduce"):
        assert wanted in lead_page, wanted


def test_the_team_view_shows_the_decided_cost_and_never_run_it_again(app, db, demo_id):
    people = with_roles(app, db, demo_id)
    run = post_run(people["lead"], demo_id)
    assert _publish(people["lead"], demo_id, run.id).status_code == 302
    greeter = db.exec(select(Initiative).where(Initiative.key == "greeter")).one()
    decided = greeter.total_cost
    cost = db.exec(select(InitiativeCost).where(
        InitiativeCost.initiative_id == greeter.id)).first()
    cost.amount += 12_345
    db.commit()
    now = decided + 12_345
    for role in ("team", "lead", "viewer"):
        text = page_text(people[role].get(f"/plans/{demo_id}/teams?team=Stores"))
        card = text.split(greeter.name, 1)[1][:300]
        assert f"{money(decided, 'EUR')} · confidence" in card, role
        assert f"(now {money(now, 'EUR')}" in card, role
        assert f"{NOTICE} (the initiatives)" in text, role
        if role == "lead":
            assert "Run it again for the plan as it is." in text
        else:
            assert "Run it again" not in text, role


def test_finance_deletes_its_what_ifs_but_never_the_leads_drafts(app, db, demo_id):
    people = with_roles(app, db, demo_id)
    draft = post_run(people["lead"], demo_id)
    what_if = post_run(people["finance"], demo_id, budget="300000")
    finance = people["finance"]
    page = page_text(finance.get(f"/plans/{demo_id}/runs/{draft.id}"))
    assert "Delete this run" not in page  # not offered ...
    refused = finance.post(f"/plans/{demo_id}/runs/{draft.id}/delete", data={})
    assert refused.status_code == 409  # ... and refused if sent, as a published run is
    assert "only a CX lead deletes it" in page_text(refused)
    assert "Delete this run" in page_text(finance.get(f"/plans/{demo_id}/runs/{what_if.id}"))
    assert finance.post(f"/plans/{demo_id}/runs/{what_if.id}/delete",
                        data={}).status_code == 302
    db.expire_all()
    assert db.get(Run, draft.id) is not None and db.get(Run, what_if.id) is None
    lead = people["lead"]
    assert lead.post(f"/plans/{demo_id}/runs/{draft.id}/delete", data={}).status_code == 302
