"""The journey shows the decision, whoever reads it: the published one for every role;
before it, the CX lead's latest draft (a team member: none), never a what-if; and a team
member sees its own team's initiatives, other teams' only as the published decision funds
them."""

from __future__ import annotations

import html
import re

from sqlmodel import select

from models import Initiative, InitiativeEffect, Moment, Run, Team
from tests.planner.accounts.test_access import PEOPLE, ROLES
from tests.webapp import page_text, saved_run, signed_in_client


def focus_badges(client, plan_id: int) -> set[str]:
    """The names of the moments the journey marks FOCUS."""
    page = client.get(f"/plans/{plan_id}/journey")
    assert page.status_code == 200
    cards = page.get_data(as_text=True).split('<article class="card focus">')[1:]
    return {html.unescape(re.sub(r"<[^>]+>", "", card.split("<h3>")[1].split("</h3>")[0]))
            for card in cards}


def focus_names(run: Run) -> set[str]:
    names = {m["id"]: m["name"] for m in run.inputs["moments"]}
    return {names[key] for key in run.result["focus"]}


def clients(app) -> dict:
    return {role: signed_in_client(app, PEOPLE[role]) for role in ROLES}


def _newest_run(db, plan_id: int) -> Run:
    db.rollback()
    return db.exec(select(Run).where(Run.plan_id == plan_id).order_by(Run.id.desc())).first()


def test_a_what_if_of_finance_changes_no_ones_focus_badges(app, db, demo_id, run_id,
                                                            people):
    readers = clients(app)
    draft = focus_names(saved_run(db, run_id))
    before = {role: focus_badges(client, demo_id) for role, client in readers.items()}
    assert before == {"lead": draft, "finance": draft, "viewer": draft, "team": set()}
    assert readers["finance"].post(f"/plans/{demo_id}/runs",
                                   data={"max_focus": "1"}).status_code == 302
    what_if = _newest_run(db, demo_id)
    assert what_if.id != run_id and what_if.kind == "what-if"
    assert focus_names(what_if) != draft  # it would show, were it taken for the decision
    for role, client in readers.items():
        assert focus_badges(client, demo_id) == before[role], role
    lead = page_text(readers["lead"].get(f"/plans/{demo_id}/journey"))
    assert re.search(r"of the CX lead's latest draft \( ?run #1 of [^)]*\): a draft, not yet "
                     r"the decision", lead)
    team = page_text(readers["team"].get(f"/plans/{demo_id}/journey"))
    assert "No decision is published yet: the focus moments are marked here once" in team


def test_once_published_every_role_sees_the_decisions_focus(app, db, demo_id, run_id,
                                                             people):
    readers = clients(app)
    assert readers["lead"].post(f"/plans/{demo_id}/runs/{run_id}/publish").status_code \
        in (302, 303)
    decided = focus_names(saved_run(db, run_id))
    # a later draft of the lead's and a what-if of finance's: neither is the decision
    assert readers["lead"].post(f"/plans/{demo_id}/runs", data={"max_focus": "1"}) \
        .status_code == 302
    assert _newest_run(db, demo_id).kind == "draft"
    assert readers["finance"].post(f"/plans/{demo_id}/runs", data={"max_focus": "2"}) \
        .status_code == 302
    for role, client in readers.items():
        assert focus_badges(client, demo_id) == decided, role
        assert "focus moments of the plan's published decision" in page_text(
            client.get(f"/plans/{demo_id}/journey")), role
    # the measured-scores page's target is the decision's too
    moment = db.exec(select(Moment).where(Moment.plan_id == demo_id, Moment.name.in_(
        decided))).first()
    text = page_text(readers["team"].get(f"/plans/{demo_id}/moments/{moment.id}/measurements"))
    assert "A focus moment of the plan's published decision, run #1" in text


def _seen_movers(client, plan_id: int) -> dict[str, tuple[int, str]]:
    """Per front or back card's moment name: how many initiatives the card says move it,
    and the card's text."""
    found = {}
    page = client.get(f"/plans/{plan_id}/journey").get_data(as_text=True)
    for card in page.split("<article class=")[1:]:
        card = card.split("</article>")[0]
        name = html.unescape(re.sub(r"<[^>]+>", "", card.split("<h3>")[1].split("</h3>")[0]))
        count = re.search(r"(\d+) initiatives? moves? it", card)
        found[name] = (int(count.group(1)) if count else 0, html.unescape(card))
    return found


def _effects(db, plan_id: int) -> list[tuple[str, str, str, str]]:
    """(moment name, initiative key, initiative name, team) of every effect in the plan."""
    db.rollback()
    return list(db.exec(select(Moment.name, Initiative.key, Initiative.name, Team.name)
                        .join(InitiativeEffect, InitiativeEffect.moment_id == Moment.id)
                        .join(Initiative, Initiative.id == InitiativeEffect.initiative_id)
                        .join(Team, Team.id == Initiative.team_id)
                        .where(Moment.plan_id == plan_id)).all())


def test_a_team_member_sees_its_own_teams_work_and_the_decisions_funded_work_only(
        app, db, demo_id, run_id, people):
    readers = clients(app)
    effects = _effects(db, demo_id)
    funded = set(saved_run(db, run_id).result["funded"])
    assert {team for *_, team in effects} - {"IT"}, "the demo has other teams' work"
    assert {key for _, key, _, team in effects if team != "IT"} - funded, \
        "the demo has other teams' work the run does not fund"

    def check(seen_by_team: bool) -> None:
        for role in ("team", "lead", "viewer"):
            seen = _seen_movers(readers[role], demo_id)
            for moment in {name for name, *_ in effects}:
                shown = [(key, name) for moment_name, key, name, team in effects
                         if moment_name == moment and (role != "team" or team == "IT" or (
                             seen_by_team and key in funded))]
                hidden = [name for moment_name, key, name, team in effects
                          if moment_name == moment and (key, name) not in shown]
                count, text = seen[moment]
                assert count == len(shown), (role, moment)  # no effect of another's counted
                for _, name in shown[:5]:
                    assert name in text, (role, moment, name)
                for name in hidden:
                    assert name not in text, (role, moment, name)

    check(seen_by_team=False)  # before a decision: its own team's alone
    assert readers["lead"].post(f"/plans/{demo_id}/runs/{run_id}/publish").status_code \
        in (302, 303)
    check(seen_by_team=True)  # then other teams' funded work too, by name
    page = readers["team"].get(f"/plans/{demo_id}/journey").get_data(as_text=True)
    others = db.exec(select(Initiative.id).join(Team).where(
        Initiative.plan_id == demo_id, Team.name != "IT")).all()
    for initiative_id in others:  # no link to a row it may not open
        assert f"/initiatives/{initiative_id}/edit" not in page


def test_a_viewer_sees_no_button_it_cannot_use(app, db, demo_id, run_id, people):
    viewer, lead = (signed_in_client(app, PEOPLE[role]) for role in ("viewer", "lead"))
    moment = db.exec(select(Moment).where(Moment.plan_id == demo_id,
                                          Moment.key == "greet")).one()
    pages = (f"/plans/{demo_id}/journey", f"/plans/{demo_id}/moments/{moment.id}/measurements")
    words = ("Add moment", "Add influence", "Add stage", "/moments/new", "/influences/new",
             "/edit", "/delete", "Add a measured score", "/stages/new")
    for url in pages:
        seen = viewer.get(url).get_data(as_text=True)
        for word in words:
            assert word not in seen, (url, word)
    journey = lead.get(pages[0]).get_data(as_text=True)  # the lead has them all
    for word in ("Add moment", "Add influence", "Add stage", f"/moments/{moment.id}/edit",
                 "/delete"):
        assert word in journey, word
    assert "Add a measured score" in lead.get(pages[1]).get_data(as_text=True)
