"""The mail of a published decision: to each team member whose team's initiatives it
changes, those initiatives as the team view words them (funded, or not funded and why).
The plan's first decision changes every initiative; a later one, those whose verdict or
reason differs from the decision before it, each with what it was. A team it changes
nothing for is sent nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlmodel import Session

from models import Plan, Publication, Run
from models.queries import publications_of
from planner.appeals.history import day
from planner.mail.outbox import absolute, mail_on
from planner.notices.letters import mail, team_members
from planner.runs.explanations import stored_explanations
from planner.runs.reports import Verdicts
from planner.runs.views import published

KIND = "decision"


@dataclass
class Line:
    """One initiative of a team in the mail: its verdict now, and before when it changed."""

    key: str
    name: str
    verdict: dict[str, Any]  # Verdicts.of: state, label, reason, message
    before: dict[str, Any] | None  # the decision before's, on a re-publication
    link: str = ""  # its explanation when not funded, else the team view


@published.connect
def tell_the_teams(app: Flask, *, session: Session, publication: Publication) -> None:
    """One mail per team member of each team whose initiatives the publication changes."""
    if not mail_on(app):
        return
    session.flush()
    decisions = publications_of(session=session, plan_id=publication.plan_id)  # newest first
    run = next(r for p, r in decisions if p.id == publication.id)
    earlier = next((r for p, r in decisions if p.id < publication.id), None)
    plan = session.get(Plan, publication.plan_id)
    changed = changes(session, run, earlier)
    members = team_members(session, plan.id, changed)
    told = [line for team in members for line in changed[team]]
    # the words of an explanation, where one is stored, as the team view gives them
    worded = Verdicts(run, stored_explanations(session=session, run_id=run.id,
                                               keys=[line.key for line in told]))
    for line in told:
        line.verdict = worded.of(line.key)
    for team, users in members.items():
        lines = changed[team]
        for line in lines:
            line.link = (absolute("say_no.explanation", plan_id=plan.id, run_id=run.id,
                                  key=line.key) if line.verdict["state"] == "rejected" else
                         absolute("teams.show", plan_id=plan.id, team=team))
        count = f"{len(lines)} initiative{'s' if len(lines) != 1 else ''}"
        subject = (f"{plan.name}: the decision changed {count} of team {team}"
                   if earlier is not None else
                   f"{plan.name}: the decision is published for team {team} ({count})")
        mail(session, users, kind=KIND, event=f"publication:{publication.id}",
             template="decision", subject=subject, plan_id=plan.id,
             link=absolute("teams.show", plan_id=plan.id, team=team), plan=plan, team=team,
             lines=lines, run=run, first=earlier is None, publication=publication,
             on=day(publication.created_at))


def changes(session: Session, run: Run, earlier: Run | None) -> dict[str, list[Line]]:
    """By team, the initiatives whose verdict or reason the run changes from `earlier`'s
    (every one of them when there is no earlier decision), in the run's order; an
    initiative the run no longer has is listed under the team it had."""
    now = Verdicts(run)
    was = Verdicts(earlier) if earlier is not None else None
    entries = {entry["id"]: entry for entry in run.inputs.get("initiatives", [])}
    if earlier is not None:
        for entry in earlier.inputs.get("initiatives", []):
            entries.setdefault(entry["id"], entry)
    found: dict[str, list[Line]] = {}
    for key, entry in entries.items():
        verdict = now.of(key)
        before = was.of(key) if was is not None else None
        if before is not None and _said(before) == _said(verdict):
            continue
        found.setdefault(entry.get("team", ""), []).append(
            Line(key, entry.get("name") or key, verdict, before))
    return found


def _said(verdict: dict[str, Any]) -> tuple[str, str]:
    """What a team reads of a verdict: funded or not, and the reason why not."""
    return verdict["state"], verdict.get("reason", "")
