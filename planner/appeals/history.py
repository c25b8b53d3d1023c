"""Appeals kept across re-publishes: every appeal on an initiative, with the decision it was
made against, its status, the answer and what it changed, and one sentence for each
decision published since ("The decision of 12 March changed this: now funded").

A page shows them with `templates/appeals/_history.html`, given the list as
`appeal_history`: `history_of(session, plan_id, key)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import redirect, render_template, url_for
from sqlmodel import Session, select

from models import Appeal, Publication, Run
from models.queries import publications_of
from planner.accounts.access import own_team
from planner.appeals.effect import figures_of, in_words, now_of, total_of
from planner.database import get_session
from planner.views import current_plan
from planner.web import number


@dataclass
class AppealStory:
    """One appeal as its team reads it, after any number of re-publishes."""

    appeal: Appeal
    run_number: int | None  # the run of the decision it was made against
    decided_on: str  # that decision's date in words ("12 March"); "" if never published
    changed: list[str]  # what it asked to change, in words
    since: list[str] = field(default_factory=list)  # a sentence per decision published since

    @property
    def status(self) -> str:
        """Its status in words: waiting, or accepted / declined by whom, with the reason."""
        appeal = self.appeal
        if appeal.status == "open":
            return "waiting for the CX lead's answer."
        said = f"{appeal.status} by {appeal.answered_by}" + (
            f": {appeal.answer}" if appeal.answer else "")
        return said if said.endswith((".", "!", "?")) else said + "."


def history_of(session: Session, plan_id: int, key: str) -> list[AppealStory]:
    """Every appeal on initiative `key` of the plan, oldest first, whatever decision it was
    made against, each with what the decisions published since say of it."""
    appeals = session.exec(select(Appeal).where(Appeal.plan_id == plan_id, Appeal.key == key)
                           .order_by(Appeal.id)).all()
    if not appeals:
        return []
    published = list(reversed(publications_of(session=session, plan_id=plan_id)))
    stories = []
    for appeal in appeals:
        run = session.get(Run, appeal.run_id)
        against = _publication_of(published, appeal)
        later = [(p, r) for p, r in published
                 if (p.id > against.id if against is not None
                     else p.created_at > appeal.created_at)]
        stories.append(AppealStory(
            appeal=appeal, run_number=run.number if run is not None else None,
            decided_on=day(against.created_at) if against is not None else "",
            changed=_changed(appeal, run), since=[since(p, r, key) for p, r in later]))
    return stories


def since(publication: Publication, run: Run, key: str) -> str:
    """What one decision published after the appeal says of the initiative, for its team."""
    on = f"The decision of {day(publication.created_at)}"
    if key in run.result.get("funded", []):
        return f"{on} changed this: now funded."
    rejection = next((r for r in run.result.get("rejected", []) if r["id"] == key), None)
    if rejection is None:
        return f"{on} no longer has this initiative."
    reason = rejection.get("message", "").strip()
    if reason.startswith("Not funded: "):
        reason = reason.removeprefix("Not funded: ")
    return f"{on} did not change this; still declined: {reason or rejection['reason']}"


def day(moment: datetime) -> str:
    """A date as people say it: "12 March", with the year when it is not this one."""
    this_year = datetime.now().year
    return f"{moment.day} {moment:%B}" + ("" if moment.year == this_year else
                                          f" {moment.year}")


def current_decision(session: Session, plan_id: int) -> tuple[Publication, Run] | None:
    published = publications_of(session=session, plan_id=plan_id)
    return published[0] if published else None


def _publication_of(published: list[tuple[Publication, Run]],
                    appeal: Appeal) -> Publication | None:
    """The publication the appeal was made against: the last one of its run by then."""
    found = [p for p, _ in published
             if p.run_id == appeal.run_id and p.created_at <= appeal.created_at]
    return found[-1] if found else next((p for p, _ in published if p.run_id == appeal.run_id),
                                        None)


def _changed(appeal: Appeal, run: Run | None) -> list[str]:
    """What the appeal asked to change, with the figures of the decision it was made
    against."""
    inputs: dict[str, Any] = run.inputs if run is not None else {}
    entry = next((i for i in inputs.get("initiatives", []) if i["id"] == appeal.key), None)
    before: dict[str, Any] = {}
    if entry is not None:
        before = {"cost": total_of(entry), "confidence": entry.get("confidence", 1),
                  **now_of(entry)}
    labels = {"effects": {m["id"]: m.get("name") or m["id"] for m in inputs.get("moments", [])},
              "uses": {r["id"]: r.get("name") or r["id"] for r in inputs.get("resources", [])}}
    return in_words(figures_of(appeal), before, labels, number)


def old_link(plan_id: int, run: Run, key: str) -> Any | None:
    """Where a link to an appeal on a decision since replaced leads, instead of nowhere: to
    the initiative's rejection in the decision now, with every appeal on it; or, where that
    decision funds it (or has it no more), to the appeals and what became of them. None for
    a link that still stands, or that names no appeal (the page says what it says)."""
    session = get_session()
    decided = current_decision(session, plan_id)
    if decided is None or decided[1].id == run.id:
        return None
    if session.exec(select(Appeal.id).where(Appeal.plan_id == plan_id, Appeal.run_id == run.id,
                                            Appeal.key == key)).first() is None:
        return None
    team = own_team()
    entry = next((i for i in run.inputs["initiatives"] if i["id"] == key), None)
    if entry is None or (team is not None and entry.get("team", "") != team):
        return None
    now = decided[1]
    if any(r["id"] == key for r in now.result.get("rejected", [])):
        return redirect(url_for("say_no.explanation", plan_id=plan_id, run_id=now.id, key=key))
    return render_template("appeals/old.html", plan=current_plan(), entry=entry, run=run,
                           decision=now, decided_on=day(decided[0].created_at),
                           appeal_history=history_of(session, plan_id, key))
