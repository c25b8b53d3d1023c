"""The owners' pages show the decision, whoever reads them: the published one for every
role; before it, the CX lead's latest draft (a team member: nothing yet), never a what-if;
a team member reads other teams' work only as the published decision funds it."""

from __future__ import annotations

import re

from sqlmodel import select

from models import Initiative, Moment, Run, Team
from planner.demo import DEMO_OWNERS
from tests.planner.accounts.test_access import PEOPLE, ROLES
from tests.webapp import page_text, saved_run, signed_in_client


def _pages(client, plan_id: int) -> str:
    """The owners' list and every owner's page, as one text."""
    texts = [page_text(client.get(f"/plans/{plan_id}/owners"))]
    for owner in sorted(set(DEMO_OWNERS.values())):
        answer = client.get(f"/plans/{plan_id}/owners/{owner}")
        assert answer.status_code == 200, owner
        texts.append(page_text(answer))
    return " ".join(texts)


def _names(db, plan_id: int) -> dict[str, tuple[str, str]]:
    """Every initiative's key: (name, team)."""
    db.rollback()
    return {key: (name, team) for key, name, team in db.exec(
        select(Initiative.key, Initiative.name, Team.name).join(Team).where(
            Initiative.plan_id == plan_id)).all()}


def _focus(client, plan_id: int) -> dict[str, tuple[str, list[str]]]:
    """Per owner: its focus moments as the owners' list gives them, and its page's cards
    marked FOCUS."""
    listed = client.get(f"/plans/{plan_id}/owners").get_data(as_text=True)
    rows = re.findall(r'<td data-label="Owner">(.*?)</td>.*?'
                      r'<td data-label="Focus moments">(.*?)</td>', listed, flags=re.S)
    found = {}
    for owner, focus in rows:
        name = re.sub(r"<[^>]+>", "", owner).strip()
        page = client.get(f"/plans/{plan_id}/owners/{name}").get_data(as_text=True)
        cards = re.findall(r'<article class="card owned focus.*?<h2>(.*?)</h2>', page, re.S)
        found[name] = (focus.strip(), [re.sub(r"<[^>]+>", "", card) for card in cards])
    return found


def test_a_team_member_sees_no_work_before_the_decision_and_its_funded_work_after(
        app, db, demo_id, run_id, people):
    team, lead = (signed_in_client(app, PEOPLE[role]) for role in ("team", "lead"))
    names, funded = _names(db, demo_id), set(saved_run(db, run_id).result["funded"])
    before = _pages(team, demo_id)
    assert "No decision yet" in before and "No decision is published yet" not in before
    for name, _ in names.values():
        assert name not in before, name  # the lead's draft is not yet the decision
    drafted = _pages(lead, demo_id)  # the lead reads its draft, as a draft
    assert "shown is the CX lead's latest draft, run #1" in drafted
    assert any(names[key][0] in drafted for key in funded)
    assert lead.post(f"/plans/{demo_id}/runs/{run_id}/publish").status_code in (302, 303)
    after = _pages(team, demo_id)
    assert "As decided: the plan's published decision, run #1" in after
    assert {team for key in funded for _, team in [names[key]]} - {"IT"}
    for key, (name, _) in names.items():
        if key in funded:
            assert name in after, name  # other teams' funded work too, by name
        else:
            assert name not in after, name  # never work the decision did not fund


def test_a_what_if_changes_no_ones_owners_pages(app, db, demo_id, run_id, people):
    readers = {role: signed_in_client(app, PEOPLE[role]) for role in ROLES}
    before = {role: _focus(client, demo_id) for role, client in readers.items()}
    assert before["lead"] == before["finance"] == before["viewer"]
    assert sum(len(cards) for _, cards in before["lead"].values()) == 3  # the draft's
    assert sum(len(cards) for _, cards in before["team"].values()) == 0  # no decision yet
    assert readers["finance"].post(f"/plans/{demo_id}/runs",
                                   data={"max_focus": "1"}).status_code == 302
    db.rollback()
    what_if = db.exec(select(Run).where(Run.plan_id == demo_id)
                      .order_by(Run.id.desc())).first()
    assert what_if.kind == "what-if" and what_if.result["focus"] != saved_run(
        db, run_id).result["focus"]
    for role, client in readers.items():
        assert _focus(client, demo_id) == before[role], role
        assert f"#{what_if.number}" not in _pages(client, demo_id), role


def test_owners_pages_show_no_link_a_viewer_cannot_use(app, db, demo_id, run_id, people):
    viewer = signed_in_client(app, PEOPLE["viewer"])
    moment = db.exec(select(Moment).where(Moment.plan_id == demo_id)).first()
    moment.owner = ""  # a moment nobody owns: the list names it, with no edit link for it
    db.add(moment)
    db.commit()
    for url in (f"/plans/{demo_id}/owners", f"/plans/{demo_id}/owners/Stores"):
        page = viewer.get(url).get_data(as_text=True)
        assert "/edit" not in page and "/delete" not in page, url
    page = signed_in_client(app, PEOPLE["lead"]).get(f"/plans/{demo_id}/owners")
    assert f"/moments/{moment.id}/edit" in page.get_data(as_text=True)
