"""An initiative read, not edited: the decision that stands on it (the published one, or
before any, the CX lead's latest draft, which a team member does not see), each decision
published on it, and its appeals across the re-publishes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from models import Appeal, Initiative, Run
from models.queries import deciding_run, publications_of
from planner.runs.reports import Verdicts


@dataclass
class Standing:
    """Where an initiative stands: the run whose status is shown and whether it is the
    published decision (False: the lead's latest draft), its verdict there, every
    decision published on it (newest first) and its appeals (newest first)."""

    run: Run | None
    published: bool
    verdict: dict[str, Any]
    decisions: list[tuple[Any, Run, dict[str, Any]]] = field(default_factory=list)
    appeals: list[tuple[Appeal, int | None]] = field(default_factory=list)


def standing(session: Session, plan_id: int, initiative: Initiative,
             team_member: bool) -> Standing:
    """What the initiative's page shows of its decisions and appeals to this reader."""
    run, published = deciding_run(session=session, plan_id=plan_id, team_member=team_member)
    found = Standing(run, published, Verdicts(run).of(initiative.key))
    found.decisions = [(publication, decided, Verdicts(decided).of(initiative.key))
                       for publication, decided in publications_of(session=session,
                                                                   plan_id=plan_id)]
    found.appeals = appeals_of(session, plan_id, initiative.key)
    return found


def appeals_of(session: Session, plan_id: int, key: str) -> list[tuple[Appeal, int | None]]:
    """The initiative's appeals, newest first, each with the number of the run it
    appealed against (every appeal is against a published decision)."""
    rows = session.exec(select(Appeal, Run.number).join(Run, Appeal.run_id == Run.id)
                        .where(Appeal.plan_id == plan_id, Appeal.key == key)
                        .order_by(Appeal.id.desc())).all()
    return [(appeal, number) for appeal, number in rows]
