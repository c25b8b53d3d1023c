"""Every page a team member can open shows no other team's unpublished proposal.

The walk: every GET page of the URL map that the access table opens to a team member,
with every real id of the demo plan (each initiative, moment, run, appeal, owner, key of
an initiative), once while the plan is open for proposals (the CX lead has a draft run,
not published) and once decided (a run published, then a proposal of another team added
and a later draft and a what-if run made). Every other team's initiative is given a name
no page could show by chance; a name may appear only once the published decision funds
it (the decision is the teams' to read). A route with an argument the walk cannot fill
fails here, so a new page is walked too.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask import url_for
from sqlmodel import select

from models import (
    Appeal,
    Influence,
    Initiative,
    Measurement,
    Membership,
    Moment,
    Run,
    Team,
    User,
)
from models.db import open_session
from models.queries import team_ids
from planner.accounts.access import ACCESS
from planner.api.tokens import make_token
from tests.webapp import nobodys_password_hash, saved_run, signed_in_client

TEAM_MEMBER = "member@example.com"
OWN = "IT"
SECRET = "Zqxsecret"  # the start of every other team's initiative name


@pytest.fixture
def member(app, db, demo_id) -> str:
    """A team member of IT in the demo plan; every other team's initiative renamed."""
    user = User(email=TEAM_MEMBER, name="Ivy", password_hash=nobodys_password_hash())
    db.add(user)
    db.flush()
    db.add(Membership(user_id=user.id, plan_id=demo_id, role="team",
                      team_id=team_ids(db, demo_id, [OWN])[OWN]))
    for initiative in db.exec(select(Initiative).where(Initiative.plan_id == demo_id)):
        if initiative.team != OWN:
            initiative.name = f"{SECRET} {initiative.team or 'no team'} {initiative.key}"
    db.commit()
    return TEAM_MEMBER


def _team_pages(app) -> list:
    """The URL rules whose GET the access table opens to a team member."""
    found = []
    for rule in app.url_map.iter_rules():
        access = ACCESS[rule.endpoint]
        if "GET" not in rule.methods or rule.endpoint in ("static", "accounts.sign_out"):
            continue
        if access.scope in ("public", "signed_in") or (
                access.scope == "plan" and "team" in access.read):
            found.append(rule)
    return found


def _values(db, plan_id: int) -> dict[str, list]:
    """Every real value of each argument a team member's page takes."""
    db.rollback()
    initiatives = db.exec(select(Initiative).where(Initiative.plan_id == plan_id)).all()
    runs = db.exec(select(Run).where(Run.plan_id == plan_id)).all()
    moments = db.exec(select(Moment).where(Moment.plan_id == plan_id)).all()
    keys = {i.key for i in initiatives} | {
        entry["id"] for run in runs for entry in run.inputs["initiatives"]}
    return {"plan_id": [plan_id], "initiative_id": [i.id for i in initiatives],
            "run_id": [run.id for run in runs], "moment_id": [m.id for m in moments],
            "key": sorted(keys), "name": sorted({m.owner.strip() or "-" for m in moments}),
            "appeal_id": [a.id for a in db.exec(select(Appeal).where(
                Appeal.plan_id == plan_id)).all()],
            # the JSON API's rows (read with the team member's token)
            "measurement_id": [m.id for m in db.exec(select(Measurement).where(
                Measurement.moment_id.in_([m.id for m in moments]))).all()][:3],
            "influence_id": [i.id for i in db.exec(select(Influence).where(
                Influence.plan_id == plan_id)).all()]}


def _urls(app, db, plan_id: int) -> list[str]:
    """Every URL of a team member's pages with real ids; the plan's own pages also with
    each team asked for, and a search for the hidden names."""
    values = _values(db, plan_id)
    teams = [team.name for team in db.exec(select(Team).where(Team.plan_id == plan_id))]
    urls: list[str] = []
    with app.test_request_context():
        for rule in _team_pages(app):
            missing = set(rule.arguments) - set(values)
            assert not missing, f"{rule.rule}: the walk cannot fill {missing}; add them"
            combos: list[dict] = [{}]
            for name in sorted(rule.arguments):
                combos = [{**combo, name: value} for combo in combos for value in values[name]]
            for combo in combos:
                url = url_for(rule.endpoint, **combo)
                urls.append(url)
                if set(rule.arguments) <= {"plan_id"}:
                    urls += [f"{url}?team={quote(team)}" for team in teams]
                    urls += [f"{url}?team=", f"{url}?q={SECRET}"]
    return urls


def _hidden(db, plan_id: int) -> set[str]:
    """The other teams' initiative names a team member may not read now: all of them,
    but those the published decision funds."""
    from models.queries import published_run

    db.rollback()
    names = {i.name for i in db.exec(select(Initiative).where(Initiative.plan_id == plan_id))
             if i.name.startswith(SECRET)}
    decided = published_run(session=db, plan_id=plan_id)
    if decided is not None:
        run = decided[0]
        funded = set(run.result["funded"])
        names -= {entry["name"] for entry in run.inputs["initiatives"]
                  if entry["id"] in funded}
    return names


def _leaks(app, db, plan_id: int) -> dict[str, list[str]]:
    """Per page that shows one, the hidden names it shows."""
    hidden = _hidden(db, plan_id)
    assert len(hidden) >= 5, "the walk needs other teams' proposals to look for"
    client = signed_in_client(app, TEAM_MEMBER)
    with open_session(app.extensions["planner_engine"], write=True) as session:
        member = session.exec(select(User).where(User.email == TEAM_MEMBER)).one()
        _, token = make_token(session, member, name="walk", scope="read")
        session.commit()
    api = {"Authorization": f"Bearer {token}"}  # the API reads no session: a token
    app.config["API_RATE_LIMIT"] = "100000 per minute"  # a walk, not the limit's test
    leaks: dict[str, list[str]] = {}
    walked = api_read = 0
    for url in _urls(app, db, plan_id):
        response = client.get(url, headers=api if url.startswith("/api/v1") else {})
        body = response.get_data(as_text=True)
        response.close()
        assert response.status_code < 500, f"{url}: {response.status_code}"
        walked += response.status_code == 200
        api_read += response.status_code == 200 and url.startswith("/api/v1")
        shown = sorted(name for name in hidden if name in body)
        if shown:
            leaks[url] = shown
    assert walked >= 10, "the team member opened hardly any page"
    assert api_read >= 5, "the team member's token read hardly any of the API"
    return leaks


def _report(leaks: dict[str, list[str]]) -> str:
    """The pages that leak, one line each: how many hidden names, and the first."""
    return "pages showing other teams' unpublished proposals:\n" + "\n".join(
        f"{url}: {len(names)}, such as {names[0]!r}" for url, names in leaks.items())


def _post_run(client, plan_id: int, **data) -> int:
    response = client.post(f"/plans/{plan_id}/runs", data=data)
    assert response.status_code == 302, response.status_code
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_while_open_no_page_shows_another_teams_proposal(app, db, demo_id, member):
    lead = signed_in_client(app)  # the admin, as the CX lead would
    _post_run(lead, demo_id)  # the lead's draft: not published, not the teams'
    leaks = _leaks(app, db, demo_id)
    assert leaks == {}, _report(leaks)


def test_once_decided_no_page_shows_another_teams_unpublished_proposal(
        app, db, demo_id, member):
    from tests.planner.initiatives.test_initiatives import _form

    lead = signed_in_client(app)
    first = _post_run(lead, demo_id)
    assert lead.post(f"/plans/{demo_id}/runs/{first}/publish").status_code == 302
    decided = saved_run(db, first)
    teams = {entry["id"]: entry.get("team", "") for entry in decided.inputs["initiatives"]}
    mine = next(r["id"] for r in decided.result["rejected"] if teams[r["id"]] == OWN)
    theirs = next(r["id"] for r in decided.result["rejected"] if teams[r["id"]] != OWN)
    # After the decision: an appeal of the team's own, one of another team, a proposal
    # of another team the decision never saw, and the lead's later draft and what-if.
    member_client = signed_in_client(app, TEAM_MEMBER)
    assert member_client.post(f"/plans/{demo_id}/runs/{first}/say-no/{mine}/appeal", data={
        "cost": "1000", "note": "a cheaper quote"}).status_code == 302
    db.rollback()
    db.add(Appeal(plan_id=demo_id, run_id=first, key=theirs, who="Sam", cost=1.0,
                  note="theirs"))
    db.commit()
    late = lead.post(f"/plans/{demo_id}/initiatives/new", data=_form(
        db, key="late", name=f"{SECRET} late proposal", team="Stores"))
    assert late.status_code == 302, late.status_code
    _post_run(lead, demo_id)
    _post_run(lead, demo_id, budget="100000", what_if="frontier")
    leaks = _leaks(app, db, demo_id)
    assert leaks == {}, _report(leaks)

