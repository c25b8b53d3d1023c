"""Every page as every role: the access table says who may open it and who may send its
form, a page missing from the table fails here, a read-only role's POST is a 403, someone
with no role in a plan finds no such plan, and a team member sees its own team only."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlmodel import select

from models import Initiative, Job, Membership, Moment, Plan, Scenario, Team, User
from models.queries import team_ids
from planner.accounts.access import ACCESS, READ_METHODS
from tests.webapp import nobodys_password_hash, page_text, saved_run, signed_in_client

ROLES = ("lead", "finance", "team", "viewer")
PEOPLE = {role: f"{role}@example.com" for role in (*ROLES, "outsider")}


@pytest.fixture
def people(app, db, demo_id):
    """One account per role in the demo plan (the team member: team IT), and one with no
    role in it."""
    hashed = nobodys_password_hash()
    for role, email in PEOPLE.items():
        user = User(email=email, name=role.capitalize(), password_hash=hashed)
        db.add(user)
        db.flush()
        if role != "outsider":
            team = "IT" if role == "team" else ""
            db.add(Membership(user_id=user.id, plan_id=demo_id, role=role,
                              team_id=team_ids(db, demo_id, [team])[team]))
    db.commit()
    return PEOPLE


def test_every_route_is_in_the_access_table_and_every_entry_is_a_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(ACCESS) == set(), "a page nobody decided who may use"
    assert set(ACCESS) - endpoints == set(), "an entry for a page that does not exist"


def _urls(app, db, plan_id: int, run_id: int) -> list[tuple[str, str, str, bool]]:
    """(endpoint, method, url, whether it names a row beyond the plan) for every route, its
    ids those of the demo's rows."""
    db.rollback()
    ids = {"plan_id": plan_id, "run_id": run_id,
           # the team member's own team's: another team's is to it a row that does not
           # exist, whatever the state (test_a_team_member_sees_and_changes_its_own_team_only)
           "initiative_id": db.exec(select(Initiative.id).join(Team).where(
               Initiative.plan_id == plan_id, Team.name == "IT").order_by(Initiative.id)).first(),
           "moment_id": db.exec(select(Moment.id)).first(), "influence_id": 1,
           "scenario_id": db.exec(select(Scenario.id)).first() or 1, "row_id": 1,
           "kind": "stages", "member_id": db.exec(select(Membership.id)).first(),
           "token": "no-such-token", "direction": "up", "filename": "app.css",
           "appeal_id": 1, "mapping_id": 1, "message_id": 1, "token_id": 1, "answer": "accept",
           "name": "Stores", "measurement_id": 1,
           "job_id": db.exec(select(Job.id)).first() or 1,
           "person_id": db.exec(select(User.id).where(User.email == PEOPLE["viewer"])).one(),
           "key": saved_run(db, run_id).result["rejected"][0]["id"]}
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("api_") and rule.endpoint != "api_docs.reference":
                continue  # a token's, not a session's: tests/api/test_roles.py walks them
            values = {name: ids[name] for name in rule.arguments}
            for method in sorted(rule.methods & {"GET", "POST"}):
                found.append((rule.endpoint, method, url_for(rule.endpoint, **values),
                              bool(set(rule.arguments) - {"plan_id"})))
    return found


def _allowed(endpoint: str, method: str, role: str | None, state: str,
             names_a_row: bool) -> str:
    """What the access table says of this request: "yes", "sign in", "no" (403), "no such
    plan" or, to a team member, "no such row" (404), in a plan whose cycle is `state`."""
    rule = ACCESS[endpoint]
    if rule.scope == "public":
        return "yes"
    if role is None:
        return "sign in"
    if rule.scope == "signed_in":
        return "yes"
    if role == "admin":
        if state == "closed" and not rule.when_closed and (
                method not in READ_METHODS or (bool(rule.write) and rule.read == rule.write)):
            return "read instead" if rule.read_instead and method in READ_METHODS else "no"
        return "yes"
    if rule.scope == "admin" or role == "outsider":
        return "no" if rule.scope == "admin" else "no such plan"
    send = method not in READ_METHODS
    if role not in (rule.write if send else rule.read):
        return "no such row" if role == "team" and names_a_row else "no"
    form_page = bool(rule.write) and rule.read == rule.write
    if state == "closed" and (send or form_page) and not rule.when_closed:
        return "read instead" if rule.read_instead and not send else "no"
    if role == "team" and rule.team_while is not None and state not in rule.team_while:
        return "read instead" if rule.read_instead and not send else "no"
    return "yes"


@pytest.mark.parametrize("role", [*ROLES, "outsider", "admin", None])
def test_every_route_as_every_role(app, db, demo_id, run_id, people, role):
    client = (app.test_client() if role is None else signed_in_client(app) if role == "admin"
              else signed_in_client(app, PEOPLE[role]))
    for endpoint, method, url, names_a_row in _urls(app, db, demo_id, run_id):
        if endpoint == "accounts.sign_out" or (endpoint in ("plans.delete",)
                                               and method == "POST"):
            continue  # signing out, or deleting the plan, would end the walk
        db.rollback()
        state = db.get(Plan, demo_id).state  # a publication on the way decides the plan
        expected = _allowed(endpoint, method, role, state, names_a_row)
        response = client.open(url, method=method)
        response.close()  # a static file is a stream
        where = f"{method} {url} as {role}: {response.status_code}"
        if expected == "sign in":
            assert response.status_code == (302 if method == "GET" else 401), where
        elif expected == "no":
            assert response.status_code == 403, where
        elif expected == "read instead":  # the same row, read-only
            assert response.status_code == 302, where
            assert response.headers["Location"].endswith(url.rsplit("/", 1)[0]), where
        elif expected in ("no such plan", "no such row"):
            assert response.status_code == 404, where
        else:
            assert response.status_code not in (401, 403), where
            assert response.status_code < 500, where


def test_a_read_only_role_cannot_change_anything(app, db, demo_id, people):
    client = signed_in_client(app, PEOPLE["viewer"])
    before = len(db.exec(select(Initiative)).all())
    response = client.post(f"/plans/{demo_id}/initiatives/new", data={"name": "Sneaky"})
    assert response.status_code == 403
    assert "nothing was changed" in page_text(response)
    assert client.post(f"/plans/{demo_id}/runs", data={}).status_code == 403
    db.rollback()
    assert len(db.exec(select(Initiative)).all()) == before


def test_a_team_member_sees_and_changes_its_own_team_only(app, db, demo_id, run_id, people):
    client = signed_in_client(app, PEOPLE["team"])
    rows = db.exec(select(Initiative)).all()
    own = next(i for i in rows if i.team == "IT")
    other = next(i for i in rows if i.team != "IT")
    listing = page_text(client.get(f"/plans/{demo_id}/initiatives?team={other.team}"))
    assert own.name in listing and other.name not in listing
    assert client.get(f"/plans/{demo_id}/initiatives/{own.id}/edit").status_code == 200
    for url in (f"/plans/{demo_id}/initiatives/{other.id}/edit",
                f"/plans/{demo_id}/initiatives/{other.id}/delete"):
        assert client.get(url).status_code == 404, url
    assert signed_in_client(app).post(f"/plans/{demo_id}/runs/{run_id}/publish").status_code \
        == 302  # the decision a team member reads
    team_page = page_text(client.get(f"/plans/{demo_id}/teams?team={other.team}"))
    assert own.name in team_page and other.name not in team_page
    run = saved_run(db, run_id)
    teams = {i["id"]: i.get("team", "") for i in run.inputs["initiatives"]}
    rejected = [r["id"] for r in run.result["rejected"]]
    mine = [key for key in rejected if teams[key] == "IT"]
    theirs = [key for key in rejected if teams[key] != "IT"]
    assert mine and theirs
    base = f"/plans/{demo_id}/runs/{run_id}/say-no"
    assert client.get(f"{base}/{mine[0]}").status_code == 200
    assert client.get(f"{base}/{theirs[0]}").status_code == 404
    # Whole-plan pages are not a team member's: one that names a row (a run, its exports)
    # is as missing as another team's row; a list of the plan's is refused.
    for url in (base, f"/plans/{demo_id}/runs/{run_id}",
                f"/plans/{demo_id}/runs/{run_id}/funded.csv"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/plans/{demo_id}/scenarios").status_code == 403


def test_a_team_members_proposal_is_its_teams_and_leaves_decisions_to_the_lead(
        app, db, demo_id, people):
    """What a team member may not set is not offered; sent anyway, it is refused with the
    field named and nothing saved, never dropped."""
    from tests.planner.initiatives.test_initiatives import _form

    client = signed_in_client(app, PEOPLE["team"])
    html = client.get(f"/plans/{demo_id}/initiatives/new").get_data(as_text=True)
    assert 'name="decision"' not in html and 'name="reason"' not in html
    assert 'name="team"' not in html and "You propose for your own team." in html
    for changes, words in (
            ({"team": "Stores"}, "Team: a team member proposes for its own team (IT) only, "
                                 "not for “Stores”."),
            ({"decision": "fund", "reason": "because I say so"},
             "Decision: only the CX lead forces an initiative in or out"),
            ({"reason": "because I say so"}, "Reason for the decision: only the CX lead")):
        response = client.post(f"/plans/{demo_id}/initiatives/new",
                               data=_form(db, key="itidea", **changes))
        assert response.status_code == 422, changes
        assert words in page_text(response) and "Nothing was saved." in page_text(response)
        db.rollback()
        assert db.exec(select(Initiative).where(Initiative.key == "itidea")).first() is None
    for team in ("", "IT"):
        form = _form(db, key=f"itidea{team}", team=team)
        del form["decision"], form["reason"]
        assert client.post(f"/plans/{demo_id}/initiatives/new", data=form).status_code == 302
        db.rollback()
        made = db.exec(select(Initiative).where(Initiative.key == f"itidea{team}")).one()
        assert (made.team, made.decision, made.reason) == ("IT", "auto", "")


def test_the_plan_list_shows_only_plans_with_a_role(app, db, demo_id, people):
    assert "Retail stores FY2027" in page_text(signed_in_client(app, PEOPLE["viewer"]).get("/"))
    assert "Retail stores FY2027" not in page_text(
        signed_in_client(app, PEOPLE["outsider"]).get("/"))


def test_the_lead_adds_people_and_their_roles(app, db, demo_id, people):
    client = signed_in_client(app, PEOPLE["lead"])
    response = client.post(f"/plans/{demo_id}/members", data={
        "email": "outsider@example.com", "role": "finance", "team": ""},
        follow_redirects=True)
    assert "Outsider is now Finance in this plan." in page_text(response)
    assert signed_in_client(app, PEOPLE["outsider"]).get(
        f"/plans/{demo_id}/scenarios").status_code == 200
    missing = client.post(f"/plans/{demo_id}/members", data={
        "email": "nobody@example.com", "role": "viewer", "team": ""})
    assert missing.status_code == 422 and "No account has this email" in page_text(missing)
    team = client.post(f"/plans/{demo_id}/members", data={
        "email": "outsider@example.com", "role": "team", "team": ""})
    assert team.status_code == 422 and "A team member belongs to a team" in page_text(team)


def test_teams_read_the_published_decision_never_a_later_what_if(app, db, demo_id, people):
    lead, team = signed_in_client(app, PEOPLE["lead"]), signed_in_client(app, PEOPLE["team"])
    first = int(lead.post(f"/plans/{demo_id}/runs", data={}).headers["Location"]
                .rsplit("/", 1)[1])
    assert "No decision is published yet" in page_text(team.get(f"/plans/{demo_id}/teams"))
    confirm = page_text(lead.get(f"/plans/{demo_id}/runs/{first}/publish"))
    assert "Publish run #1 as the decision?" in confirm
    published = lead.post(f"/plans/{demo_id}/runs/{first}/publish", follow_redirects=True)
    assert "Run #1 published as the plan's decision" in page_text(published)
    assert "The plan's decision: published" in page_text(published)
    # A what-if at a lower budget decides nothing for the teams.
    second = int(lead.post(f"/plans/{demo_id}/runs", data={"budget": "100000"})
                 .headers["Location"].rsplit("/", 1)[1])
    page = page_text(team.get(f"/plans/{demo_id}/teams"))
    assert "the plan's published decision, run #1" in page
    run_one, run_two = saved_run(db, first), saved_run(db, second)
    teams = {i["id"]: i.get("team", "") for i in run_one.inputs["initiatives"]}
    mine_one = [r["id"] for r in run_one.result["rejected"] if teams[r["id"]] == "IT"]
    mine_two = [r["id"] for r in run_two.result["rejected"] if teams[r["id"]] == "IT"]
    assert team.get(f"/plans/{demo_id}/runs/{first}/say-no/{mine_one[0]}").status_code == 200
    assert team.get(f"/plans/{demo_id}/runs/{second}/say-no/{mine_two[0]}").status_code == 404
    # Publishing the second keeps the first in the record; neither can be deleted.
    lead.post(f"/plans/{demo_id}/runs/{second}/publish")
    assert "the plan's published decision, run #2" in page_text(
        team.get(f"/plans/{demo_id}/teams"))
    assert "Was the plan's decision" in page_text(lead.get(f"/plans/{demo_id}/runs/{first}"))
    assert lead.post(f"/plans/{demo_id}/runs/{first}/delete").status_code == 409
    db.rollback()
    from models import Publication
    record = db.exec(select(Publication).order_by(Publication.id)).all()
    assert [(p.run_id, p.published_by) for p in record] == [(first, "Lead"), (second, "Lead")]


def test_a_team_member_finds_no_row_of_another_team_or_another_plan(app, db, demo_id, people):
    """Every kind of row a page names by id: another plan's is as missing as one that
    does not exist, and so, in its own plan, is another team's, or one its role does not
    open."""
    from models import Appeal, PendingImport
    from models.planfile import import_plan
    from planner.demo import demo_document

    admin = signed_in_client(app)
    other = import_plan(db, demo_document(), name="Another plan").id
    db.commit()
    rows = {}
    for plan_id in (demo_id, other):
        run = int(admin.post(f"/plans/{plan_id}/runs", data={}).headers["Location"]
                  .rsplit("/", 1)[1])
        admin.post(f"/plans/{plan_id}/runs/{run}/publish")
        saved = saved_run(db, run)
        teams = {i["id"]: i.get("team", "") for i in saved.inputs["initiatives"]}
        rejected = {teams[r["id"]] == "IT": r["id"] for r in saved.result["rejected"]}
        initiatives = {i.key: i.id for i in db.exec(select(Initiative).where(
            Initiative.plan_id == plan_id)).all()}
        scenario = Scenario(plan_id=plan_id, name="Lean", overrides={})
        appeal = Appeal(plan_id=plan_id, run_id=run, key=rejected[True], who="Ivy",
                        note="cheaper now")
        db.add_all([scenario, appeal, PendingImport(
            token=f"token{plan_id}", plan_id=plan_id, filename="f.xlsx", base="b",
            document={}, summary={})])
        db.commit()
        rows[plan_id] = (run, rejected, initiatives, scenario.id, appeal.id)
    team = signed_in_client(app, PEOPLE["team"])

    def urls(plan_id: int, *, mine: bool) -> list[str]:
        run, rejected, initiatives, scenario, appeal = rows[plan_id]
        rejection = rejected[mine]
        initiative = initiatives[rejection]
        return [f"/plans/{plan_id}/initiatives/{initiative}/edit",
                f"/plans/{plan_id}/runs/{run}/say-no/{rejection}",
                f"/plans/{plan_id}/runs/{run}/say-no/{rejection}/appeal"] + ([] if mine else [
                    f"/plans/{plan_id}/runs/{run}",
                    f"/plans/{plan_id}/runs/{run}/portfolio.xlsx",
                    f"/plans/{plan_id}/runs/{run}/funded.csv",
                    f"/plans/{plan_id}/scenarios/{scenario}",
                    f"/plans/{plan_id}/import/token{plan_id}"])

    for url in [f"/plans/{other}", *urls(other, mine=True), *urls(other, mine=False),
                *urls(demo_id, mine=False)]:
        assert team.get(url).status_code == 404, url
    run, _, _, _, appeal = rows[other]
    assert team.post(f"/plans/{other}/appeals/{appeal}/accept").status_code == 404
    assert team.post(f"/plans/{demo_id}/appeals/{rows[demo_id][4]}/decline").status_code \
        == 404
    # Its own team's rows of its own plan it does open (the plan is decided: it appeals).
    own = urls(demo_id, mine=True)
    assert [team.get(url).status_code for url in own[1:]] == [200, 200]
