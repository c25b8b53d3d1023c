"""Writing a previewed import, all of it, unless the plan changed since the preview: the
work of an import's job (planner/jobs), in sessions of its own.

What to write is worked out first in a session that only reads; the write lock is taken
after, for the check that the plan is as it was and the write itself, which is one
transaction: a worker stopped on the way writes nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from models import PendingImport
from models.db import open_session
from models.journey import replace_measurements, with_measurements
from models.plan_import import plan_fingerprint
from models.plan_update import PlanMovedError, apply_changes, plan_changes
from models.planfile import export_plan, plan_rows
from planner.data_io.merge import IMPORTED
from planner.history.capture import line as record_line

GONE = ("This import preview is no longer kept: it was imported or cancelled, or is more "
        "than a day old. Upload the file again.")
CHANGED = ("The plan changed after this preview was made, so nothing was imported. Upload "
           "the file again to see what it would change now.")


class ImportRefused(Exception):  # noqa: N818 (an outcome, not a fault)
    """Nothing was imported; the words say why (GONE or CHANGED)."""


def write_import(engine: Any, plan_id: int, token: str, *, before_write: Any = None,
                 before_commit: Any = None) -> str:
    """Import the kept preview into its plan and forget it; the words of what was done.
    `before_write()` is called once the changes are worked out, before the write lock is
    taken (a job's progress and its cancel); `before_commit(session, words)` adds to the
    write what must be saved with it (the job marked done)."""
    with open_session(engine) as session:
        pending = pending_import(session, plan_id, token)
        rows = plan_rows(session, plan_id)
        changes = (plan_changes(rows, pending.document)
                   if _fingerprint(session, plan_id, rows) == pending.base else None)
    if before_write is not None:
        before_write()
    with open_session(engine, write=True) as session:
        pending = pending_import(session, plan_id, token, lock=True)
        rows = plan_rows(session, plan_id)
        if changes is None or _fingerprint(session, plan_id, rows) != pending.base:
            session.delete(pending)
            session.commit()
            raise ImportRefused(CHANGED)
        try:
            apply_changes(session, changes, rows)
        except PlanMovedError:  # the same plan in other rows: worked out again, in the lock
            apply_changes(session, plan_changes(rows, pending.document), rows)
        if "measurements" in pending.document:  # the plan's, as the preview merged them
            replace_measurements(session, plan_id, pending.document["measurements"])
        session.delete(pending)
        done = done_words(pending.summary)
        # Written by bulk statements, which the record's flush hook does not see: one line.
        session.add(record_line(plan_id, "imported", "plan", pending.filename, after=done))
        words = f"Imported {pending.filename}: {done}."
        if before_commit is not None:
            before_commit(session, words)
        session.commit()
    return words


def _fingerprint(session: Session, plan_id: int, rows: Any) -> str:
    """The plan as the preview read it, measurements included: any change to it since, a
    score added by its form too, refuses the import."""
    return plan_fingerprint(with_measurements(session, plan_id, export_plan(rows)))


def pending_import(session: Session, plan_id: int, token: str, *,
                   lock: bool = False) -> PendingImport:
    """The kept preview; ImportRefused(GONE) when there is none."""
    statement = select(PendingImport).where(PendingImport.plan_id == plan_id,
                                            PendingImport.token == token)
    if lock:  # of two confirms of one preview, the second waits and then finds it gone
        # its document is read only if it is needed again
        statement = statement.with_for_update().options(defer(PendingImport.document))
    pending = session.exec(statement).first()
    if pending is None:
        raise ImportRefused(GONE)
    return pending


def done_words(summary: dict[str, Any]) -> str:
    """'12 initiatives added, 3 changed; 1 moment added, 0 changed' (lists with changes)."""
    parts = []
    for key in IMPORTED:
        added, changed = len(summary["added"][key]), len(summary["changed"][key])
        if added or changed:
            noun = key if added != 1 else key.removesuffix("s")
            parts.append(f"{added:,} {noun} added, {changed:,} changed")
    return "; ".join(parts)
