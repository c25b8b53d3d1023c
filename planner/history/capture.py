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
    User,
)

# The rows a plan owns that the record follows, and the word for each.
TRACKED = {Plan: "plan", Stage: "stage", Period: "period", Resource: "resource",
           Moment: "moment", Influence: "influence", Initiative: "initiative",
           Scenario: "scenario", Membership: "member"}
UNRECORDED = {"id", "version", "created_at", "plan_id", "solved_at", "inputs", "result"}
# A field that holds another row's id, recorded as that row's name under this field name.
BY_NAME = {"team_id": (Team, "team"), "stage_id": (Stage, "stage"),
           "user_id": (User, "person"), "source_id": (Moment, "from moment"),
           "target_id": (Moment, "to moment")}


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
            # its name goes with it: the page names what was deleted, not its ID alone
            lines.append(line(plan_id, "deleted", TRACKED[type(row)], _key(session, row),
                              "", _name(row), ""))
    session.add_all(lines)


def _added(row: Any) -> list[RecordEntry]:
    session = inspect(row).session
    if isinstance(row, Run):
        fingerprint = hashlib.sha256(json.dumps(row.inputs, sort_keys=True).encode()
                                     ).hexdigest()[:16]
        return [line(row.plan_id, "ran", "run", f"#{row.number}", "inputs", "",
                     f"{row.status}; impact {row.impact}; inputs {fingerprint}")]
    if isinstance(row, Publication):  # the run as its "ran" line names it: #3
        run = session.get(Run, row.run_id) if session is not None else None
        number = f"#{run.number}" if run is not None else str(row.run_id)
        return [line(row.plan_id, "published", "run", number)]
    if type(row) in TRACKED and (plan_id := _plan_of(row)) is not None:
        return [line(plan_id, "added", TRACKED[type(row)], _key(session, row), "", "",
                     _name(row))]
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
            if name in BY_NAME:  # the row by its name, as people know it, not its id
                model, name = BY_NAME[name]
                before, after = (_named(state, model, before), _named(state, model, after))
            lines.append(line(plan_id, "changed", TRACKED[type(row)],
                              _key(state.session, row), name, before, after))
    return lines


def _named(state: Any, model: Any, row_id: int | None) -> str:
    found = state.session.get(model, row_id) if row_id is not None else None
    return (getattr(found, "name", "") or getattr(found, "key", "")) if found else ""


def _plan_of(row: Any) -> int | None:
    return row.id if isinstance(row, Plan) else getattr(row, "plan_id", None)


def _key(session: Session | None, row: Any) -> str:
    """What the line concerns: the row's ID in the plan (or its name); a member by the
    person's name; an influence by its two moments' IDs ("greet > queue")."""
    if session is not None and isinstance(row, Membership):
        person = session.get(User, row.user_id)
        if person is not None:
            return person.name
    if session is not None and isinstance(row, Influence):
        source, target = session.get(Moment, row.source_id), session.get(Moment, row.target_id)
        if source is not None and target is not None:
            return f"{source.key} > {target.key}"
    found = getattr(row, "key", "") or getattr(row, "name", "") or getattr(row, "id", None)
    return "" if found is None else str(found)


def _name(row: Any) -> str:
    """The row's name, if it has one besides its ID."""
    return str(getattr(row, "name", "") or "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)[:2000]
    return str(value)[:2000]
