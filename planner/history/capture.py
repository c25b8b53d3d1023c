"""Every change the app's sessions write to a plan's rows, as lines of the decision record:
added, changed (one line per field, before and after) and deleted rows, runs and
publications, with who did it. Hooked on the session's flush, so that no view can forget
it; a change made with a bulk statement (an import) records its own summary line."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import has_request_context
from sqlalchemy import event, inspect
from sqlmodel import Session

from models import (
    Influence,
    Initiative,
    Membership,
    Moment,
    Period,
    Plan,
    Publication,
    RecordEntry,
    Resource,
    Run,
    Scenario,
    Stage,
    Team,
)

# The rows a plan owns that the record follows, and the word for each.
TRACKED = {Plan: "plan", Stage: "stage", Period: "period", Resource: "resource",
           Moment: "moment", Influence: "influence", Initiative: "initiative",
           Scenario: "scenario", Membership: "member"}
UNRECORDED = {"id", "version", "created_at", "plan_id", "solved_at", "inputs", "result"}


def install() -> None:
    """Record every flush of every session (once per process)."""
    if not event.contains(Session, "before_flush", _record):
        event.listen(Session, "before_flush", _record)


# Who a job's worker acts for: the person who asked for the job (planner/jobs).
_acting: ContextVar[tuple[int | None, str] | None] = ContextVar("acting", default=None)


@contextmanager
def acting_as(user_id: int | None, name: str) -> Iterator[None]:
    """Within the block, the record names this person as who did what is written."""
    token = _acting.set((user_id, name))
    try:
        yield
    finally:
        _acting.reset(token)


def who() -> tuple[int | None, str]:
    """The person a job acts for, the signed-in person, or the command line."""
    acting = _acting.get()
    if acting is not None:
        return acting
    if has_request_context():
        from flask_login import current_user

        if current_user.is_authenticated:
            return current_user.user.id, current_user.name
    return None, "command line"


def line(plan_id: int, action: str, entity: str, key: str = "", field: str = "",
         before: Any = "", after: Any = "") -> RecordEntry:
    user_id, name = who()
    return RecordEntry(plan_id=plan_id, user_id=user_id, who=name, action=action,
                       entity=entity, key=key, field=field, before=_text(before),
                       after=_text(after))


def _record(session: Session, _context: Any, _instances: Any) -> None:
    lines = []
    for row in list(session.new):
        lines += _added(row)
    for row in list(session.dirty):
        if type(row) in TRACKED and session.is_modified(row, include_collections=False):
            lines += _changed(row)
    for row in list(session.deleted):
        if type(row) in TRACKED and (plan_id := _plan_of(row)) is not None:
            lines.append(line(plan_id, "deleted", TRACKED[type(row)], _key(row)))
    session.add_all(lines)


def _added(row: Any) -> list[RecordEntry]:
    if isinstance(row, Run):
        fingerprint = hashlib.sha256(json.dumps(row.inputs, sort_keys=True).encode()
                                     ).hexdigest()[:16]
        return [line(row.plan_id, "ran", "run", f"#{row.number}", "inputs", "",
                     f"{row.status}; impact {row.impact}; inputs {fingerprint}")]
    if isinstance(row, Publication):
        return [line(row.plan_id, "published", "run", str(row.run_id))]
    if type(row) in TRACKED and (plan_id := _plan_of(row)) is not None:
        return [line(plan_id, "added", TRACKED[type(row)], _key(row))]
    return []


def _changed(row: Any) -> list[RecordEntry]:
    plan_id = _plan_of(row)
    if plan_id is None:
        return []
    lines, state = [], inspect(row)
    for column in row.__table__.columns:  # its own fields, not its relationships
        name = column.key
        if name in UNRECORDED:
            continue
        history = state.attrs[name].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:
            if name == "team_id":  # the team by its name, as people know it
                name, before, after = "team", _team(state, before), _team(state, after)
            lines.append(line(plan_id, "changed", TRACKED[type(row)], _key(row), name,
                              before, after))
    return lines


def _team(state: Any, team_id: int | None) -> str:
    found = state.session.get(Team, team_id) if team_id is not None else None
    return found.name if found is not None else ""


def _plan_of(row: Any) -> int | None:
    return row.id if isinstance(row, Plan) else getattr(row, "plan_id", None)


def _key(row: Any) -> str:
    found = getattr(row, "key", "") or getattr(row, "name", "") or getattr(row, "id", None)
    return "" if found is None else str(found)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)[:2000]
    return str(value)[:2000]
