"""An initiative read, not edited: the decision that stands on it (the published one, or
before any, the CX lead's latest draft, which a team member does not see), each decision
published on it, and its appeals across the re-publishes (planner/appeals/history.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from models import Initiative, Run
from models.queries import deciding_run, publications_of
from planner.appeals.history import AppealStory, history_of
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
    appeals: list[AppealStory] = field(default_factory=list)


def standing(session: Session, plan_id: int, initiative: Initiative,
             team_member: bool) -> Standing:
    """What the initiative's page shows of its decisions and appeals to this reader."""
    run, published = deciding_run(session=session, plan_id=plan_id, team_member=team_member)
    found = Standing(run, published, Verdicts(run).of(initiative.key))
    found.decisions = [(publication, decided, Verdicts(decided).of(initiative.key))
                       for publication, decided in publications_of(session=session,
                                                                   plan_id=plan_id)]
    found.appeals = history_of(session, plan_id, initiative.key)
    return found

