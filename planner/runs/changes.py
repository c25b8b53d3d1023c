"""Whether the plan changed since a run was made: the notice on every page that shows a
run as the decision (its page, the portfolio, the say-no pages, the team view, the memo
and the exports), in words a reader can act on."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy import func
from sqlmodel import Session, select

from models import Plan, RecordEntry, Run
from models.planfile import plan_document
from planner.database import get_session
from planner.kept import Kept
from planner.runs.views import bp

# Parts of the plan document, in the order a reader thinks of them, and their words.
PARTS = (("budget", "the budget"), ("max_focus", "the number of focus moments"),
         ("periods", "the periods"), ("resources", "the resources"),
         ("stages", "the stages"), ("moments", "the moments"),
         ("influences", "the back-stage steps' influences"), ("initiatives", "the initiatives"))


def changed_since(run: Run | None) -> list[str]:
    """What differs, in words, between the plan as it is and the plan this run solved;
    empty when nothing does (or the run is not a saved run of a plan that exists)."""
    if run is None or run.id is None:
        return []
    document = _current(run.plan_id)
    if document is None:
        return []
    return differences(run.inputs, document)


def differences(solved: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """The parts of two plan documents that differ, in words."""
    words = [word for key, word in PARTS if solved.get(key) != current.get(key)]
    named = {key for key, _ in PARTS}
    if any(solved.get(key) != current.get(key) for key in (set(solved) | set(current)) - named):
        words.append("the plan's settings")
    return words


@bp.app_template_global("run_changed_notice")
def notice(run: Run | None) -> str | None:
    """The sentence a page shows when the plan changed since the run; None if it did not."""
    words = changed_since(run)
    if not words:
        return None
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return (f"The plan has changed since this run ({listed}): what is shown here is the "
            "decision for the plan as it was. Run it again for the plan as it is.")


def _current(plan_id: int) -> dict[str, Any] | None:
    """The plan's document as it is now, read once per request, and built again only when
    the plan's record has a line it had not (every change to a plan writes one): building
    it is most of a run page's time on a large plan."""
    cache = g.setdefault("plan_documents", {})
    if plan_id not in cache:
        cache[plan_id] = _built(get_session(), plan_id)
    return cache[plan_id]


DOCUMENTS_KEPT = 4  # plan documents a process keeps (one of 20,000 initiatives is ~20 MB)
_documents: Kept[dict[str, Any] | None] = Kept(DOCUMENTS_KEPT)


def _built(session: Session, plan_id: int) -> dict[str, Any] | None:
    # Read the record's newest line before the rows: a change committed in between makes
    # the document newer than its key, never older.
    plan = session.get(Plan, plan_id)  # the page's own, already read
    if plan is None:
        return None
    newest = session.exec(select(func.max(RecordEntry.id))
                          .where(RecordEntry.plan_id == plan_id)).one()
    # the plan's time too: a plan deleted and its id given again is another plan
    return _documents.get((plan_id, plan.created_at, newest),
                          lambda: plan_document(session, plan_id))
