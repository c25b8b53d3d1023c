"""The mail of one whole planning cycle, received by a real SMTP server: proposals opened
with a closing day, the reminder two days before, the decision published, an appeal made
and answered, a re-publication that changes something and one that changes nothing; who
receives each, and what it says, in its text and its HTML."""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import select

from models import Appeal, Initiative, Plan, Run, RunExplanation
from models.db import open_session
from optimizer.result import REASON_TITLES
from planner.appeals.history import day
from planner.mail.sender import run_producers
from tests.planner.notices.conftest import OUTSIDER, PEOPLE, PUBLIC_URL, Received
from tests.webapp import page_text, saved_run, signed_in_client

NAME = "Retail <FY27> & more"  # what HTML must escape
LEAD = "Cleo <CX> & lead"


def wanting(kind: str, *, role: str | None = None, team: str | None = None) -> set[str]:
    """The people of the plan (of this role, or this team) who have `kind` on."""
    return {email for email, _, their_role, their_team, off in PEOPLE
            if kind not in off and role in (None, their_role) and team in (None, their_team)}


def once_each(mails: list[Received]) -> set[str]:
    """The recipients, each of whom got exactly one mail."""
    counted = Counter(mail.to for mail in mails)
    assert all(count == 1 for count in counted.values()), counted
    return set(counted)


def says(mail: Received, *words: str) -> None:
    """Both parts say each of these words: the text as it is, the HTML as it reads; and
    the HTML escapes what people typed (the plan's name, the lead's)."""
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", "", mail.html)).split())
    for word in words:
        assert word in " ".join(mail.text.split()), (word, mail.text)
        assert word in shown, (word, shown)
    assert "<FY27>" not in mail.html and "<CX>" not in mail.html


def links(mail: Received, *addresses: str) -> None:
    """Both parts give each of these addresses, the HTML as a link."""
    for address in addresses:
        assert address in mail.text, (address, mail.text)
        assert f'href="{html.escape(address)}"' in mail.html, (address, mail.html)


def at_noon(day_: date) -> datetime:
    return datetime.combine(day_, time(12)).astimezone(UTC)


def test_one_whole_cycle(app, db, demo_id, people, inbox):
    with open_session(app.extensions["planner_engine"], write=True) as session:
        session.get(Plan, demo_id).name = NAME
        session.commit()
    lead, ivy = (signed_in_client(app, email) for email in ("lead@example.com",
                                                               "ivy@example.com"))
    state = f"/plans/{demo_id}/state"
    assert lead.post(state, data={"from": "open", "to": "draft"}).status_code == 302
    assert inbox.sent() == []  # back to draft: nobody is told

    # Proposals open, with a closing day: everyone in the plan is told, once.
    closes = date.today() + timedelta(days=10)
    assert lead.post(state, data={"from": "draft", "to": "open",
                                  "proposals_close": closes.isoformat()}).status_code == 302
    assert f"Proposals close at the end of {closes.day} {closes:%B %Y}" in page_text(
        lead.get(f"/plans/{demo_id}"))
    opened = inbox.sent()
    assert once_each(opened) == wanting("proposals")
    assert OUTSIDER not in once_each(opened) and "sam@example.com" not in once_each(opened)
    for mail in opened:
        assert mail.subject == f"{NAME}: proposals are open until {day(closes)}"
        says(mail, NAME, f"Proposals close at the end of {day(closes)}",
             "Open for proposals: teams propose and edit their own initiatives.")
        links(mail, f"{PUBLIC_URL}/plans/{demo_id}/initiatives", f"{PUBLIC_URL}/account")

    # The reminder: two days before the closing day, once however often the sweep runs.
    run_producers(app, at_noon(closes - timedelta(days=3)))
    assert inbox.sent() == []
    for days_before in (2, 2, 1):
        run_producers(app, at_noon(closes - timedelta(days=days_before)))
    reminded = inbox.sent()
    assert once_each(reminded) == wanting("proposals")
    for mail in reminded:
        assert mail.subject == f"{NAME}: proposals close on {day(closes)}"
        says(mail, f"proposals close on {day(closes)}, at the end of the day.")
        links(mail, f"{PUBLIC_URL}/plans/{demo_id}/initiatives")
    run_producers(app, at_noon(closes))
    assert inbox.sent() == []

    # The first decision, explained with its run: each team member, every initiative of
    # their team, in the team view's words.
    app.config["EXPLAIN_WITH_RUN_UP_TO"] = 100
    first = publish(lead, demo_id)
    run = saved_run(db, first)
    assert db.exec(select(RunExplanation).where(RunExplanation.run_id == first)).first()
    decided = inbox.sent()
    assert once_each(decided) == wanting("decision", team="IT") | wanting("decision",
                                                                          team="Stores")
    for mail in decided:
        team = "IT" if mail.to != "sam@example.com" else "Stores"
        assert mail.subject.startswith(f"{NAME}: the decision is published for team {team}")
        says(mail, f"the decision is published: run #{run.number}", f"published by {LEAD}",
             f"As decided, team {team}'s initiatives:")
        links(mail, f"{PUBLIC_URL}/plans/{demo_id}/teams?team={team}")
        told_of(mail, run, team, demo_id)
        team_view = page_text(signed_in_client(app, mail.to).get(
            f"/plans/{demo_id}/teams?team={team}"))
        lines = [line.strip() for line in mail.text.splitlines()]
        whys = [n for n, line in enumerate(lines) if line.startswith("Why not:")]
        assert whys and all(lines[n] in team_view and lines[n + 1] in team_view
                            for n in whys)
    rejected = [r["id"] for r in run.result["rejected"] if team_of(run, r["id"]) == "IT"]
    assert rejected, "the demo's decision funds every IT initiative: no appeal to test"

    # An appeal: to the plan's CX lead only, with its evidence.
    key = rejected[0]
    assert ivy.post(f"/plans/{demo_id}/runs/{first}/say-no/{key}/appeal", data={
        "cost": "EUR 10k", "note": "The vendor <quoted> 10k & more."}).status_code == 302
    db.rollback()
    appeal = db.exec(select(Appeal)).one()
    assert appeal.user_id == people["ivy@example.com"].id
    received = inbox.sent()
    assert once_each(received) == wanting("appeal-received", role="lead") == {
        "lead@example.com"}
    assert received[0].subject == f"{NAME}: Ivy appeals for {name_of(run, key)}"
    says(received[0], "The vendor <quoted> 10k & more.", "By Ivy, against the decision of")
    links(received[0], f"{PUBLIC_URL}/plans/{demo_id}/appeals")

    # Its answer: to the person who appealed, in the words their page uses.
    assert lead.post(f"/plans/{demo_id}/appeals/{appeal.id}/accept",
                     data={"answer": ""}).status_code == 302
    answered = inbox.sent()
    assert once_each(answered) == {"ivy@example.com"}
    assert answered[0].subject == f"{NAME}: your appeal for {name_of(run, key)} is accepted"
    says(answered[0], f"is accepted by {LEAD}.", "Its figures are the initiative's now")
    links(answered[0], f"{PUBLIC_URL}/plans/{demo_id}/runs/{first}/say-no/{key}")

    # A declined appeal: the reason, to the person who appealed.
    sam = signed_in_client(app, "sam@example.com")
    stores = next(r["id"] for r in run.result["rejected"] if team_of(run, r["id"]) == "Stores")
    assert sam.post(f"/plans/{demo_id}/runs/{first}/say-no/{stores}/appeal", data={
        "confidence": "1", "note": "Sure now."}).status_code == 302
    assert once_each(inbox.sent()) == wanting("appeal-received", role="lead")
    db.rollback()
    declined = db.exec(select(Appeal).where(Appeal.key == stores)).one()
    assert lead.post(f"/plans/{demo_id}/appeals/{declined.id}/decline",
                     data={"answer": "Not this year & <sorry>"}).status_code == 302
    answered = inbox.sent()
    assert once_each(answered) == {"sam@example.com"}
    assert answered[0].subject == f"{NAME}: your appeal for {name_of(run, stores)} is declined"
    says(answered[0], f"is declined by {LEAD}: Not this year & <sorry>.")
    assert "<sorry>" not in answered[0].html

    # A re-publication that changes one initiative's reason: its team only, saying what
    # it was and what it is.
    db.rollback()
    with open_session(app.extensions["planner_engine"], write=True) as session:
        forced = session.exec(select(Initiative).where(Initiative.plan_id == demo_id,
                                                       Initiative.key == key)).one()
        forced.decision, forced.reason = "reject", "Next year"
        session.commit()
    second = publish(lead, demo_id)
    again = saved_run(db, second)
    teams_changed = {team_of(again, k) for k in changed(run, again)}
    assert "IT" in teams_changed and "Stores" not in teams_changed  # others: nobody's
    assert [k for k in changed(run, again) if team_of(again, k) == "IT"] == [key]
    told = inbox.sent()
    assert once_each(told) == wanting("decision", team="IT")
    for mail in told:
        assert mail.subject == f"{NAME}: the decision changed 1 initiative of team IT"
        says(mail, "It changes 1 of team IT's initiatives",
             f"{name_of(again, key)}: not funded (before: not funded: "
             f"{REASON_TITLES['off_focus']})", f"Why not: {REASON_TITLES['forced_out']}.",
             "Next year")
        links(mail, f"{PUBLIC_URL}/plans/{demo_id}/runs/{second}/say-no/{key}")
        for other in (i["name"] for i in again.inputs["initiatives"]
                      if team_of(again, i["id"]) == "IT" and i["id"] != key):
            assert other not in mail.text  # only what changed

    # A re-publication that changes nothing: no mail at all.
    publish(lead, demo_id)
    assert inbox.sent() == []


def publish(client, plan_id: int) -> int:
    """A run of the plan as it is, published as the decision: its id."""
    run_id = int(client.post(f"/plans/{plan_id}/runs", data={}).headers["Location"]
                 .rsplit("/", 1)[1])
    assert client.post(f"/plans/{plan_id}/runs/{run_id}/publish").status_code == 302
    return run_id


def team_of(run: Run, key: str) -> str:
    return next(i.get("team", "") for i in run.inputs["initiatives"] if i["id"] == key)


def name_of(run: Run, key: str) -> str:
    return next(i["name"] for i in run.inputs["initiatives"] if i["id"] == key)


def changed(before: Run, after: Run) -> set[str]:
    """The initiatives whose verdict or reason differs between the two runs."""
    def said(run: Run) -> dict[str, str]:
        return {**{k: "funded" for k in run.result["funded"]},
                **{r["id"]: r["reason"] for r in run.result["rejected"]}}
    was, now = said(before), said(after)
    return {k for k in set(was) | set(now) if was.get(k) != now.get(k)}


def told_of(mail: Received, run: Run, team: str, plan_id: int) -> None:
    """The mail lists every initiative of the team, funded, or not funded with why."""
    reasons = {r["id"]: r["reason"] for r in run.result["rejected"]}
    for entry in run.inputs["initiatives"]:
        if entry.get("team") != team:
            continue
        key = entry["id"]
        if key in run.result["funded"]:
            says(mail, f"{entry['name']}: funded")
        else:
            says(mail, f"{entry['name']}: not funded",
                 f"Why not: {REASON_TITLES[reasons[key]]}.")
            links(mail, f"{PUBLIC_URL}/plans/{plan_id}/runs/{run.id}/say-no/{key}")

