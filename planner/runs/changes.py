"""Whether the plan changed since a run was made: the notice on every page that shows a
run (its page, the portfolio, the say-no pages, the team view, the memo and the exports),
in words a reader can act on.

A what-if (Run.kind) solved the plan with changes of its own (a budget, a scenario's
settings): those are not changes of the plan, so it is compared with the plan as it is
with its own changes made again; only what changed besides them is said."""

from __future__ import annotations

import json
from typing import Any

from flask import g
from sqlalchemy import func
from sqlmodel import Session, select

from models import Plan, Publication, RecordEntry, Run
from models.planfile import plan_document
from optimizer import PlanError
from optimizer.finance.scenarios import apply_overrides
from planner.accounts.access import may
from planner.database import get_session
from planner.kept import CHANGED_WORDS, PLAN_DOCUMENTS

# Parts of the plan document, in the order a reader thinks of them, and their words.
PARTS = (("budget", "the budget"), ("max_focus", "the number of focus moments"),
         ("periods", "the periods"), ("resources", "the resources"),
         ("stages", "the stages"), ("moments", "the moments"),
         ("influences", "the back-stage steps' influences"), ("initiatives", "the initiatives"))


def changed_since(run: Run | None) -> list[str]:
    """What differs, in words, between the plan as it is and the plan this run solved;
    empty when nothing does (or the run is not a saved run of a plan that exists).

    The words for one run against its plan at one line of the plan's record never change,
    so they are worked out by one process and read by the others: under a few editors the
    plan has a new line nearly every time a process looks, and working them out means
    building the plan's whole document."""
    if run is None or run.id is None:
        return []
    plan_at = _plan_at(run.plan_id)
    if plan_at is None:
        return []

    def worked_out() -> str:
        document = _document(get_session(), plan_at)
        if document is not None and run.kind == WHAT_IF:
            document = _with_own_changes(document, run)
        return json.dumps([] if document is None else differences(run.inputs, document))

    return json.loads(CHANGED_WORDS.get((run.id, run.created_at, *plan_at), worked_out))


def differences(solved: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """The parts of two plan documents that differ, in words."""
    words = [word for key, word in PARTS if solved.get(key) != current.get(key)]
    named = {key for key, _ in PARTS}
    if any(solved.get(key) != current.get(key) for key in (set(solved) | set(current)) - named):
        words.append("the plan's settings")
    return words


WHAT_IF = "what-if"


def own_changes(run: Run) -> dict[str, Any]:
    """What a what-if changed of the plan, as a scenario's overrides: kept in its result
    when it was made (planner/runs/jobs.py), else its budget and focus count, all that
    finance's runs and a frontier point change."""
    kept = run.result.get("overrides") if isinstance(run.result, dict) else None
    if isinstance(kept, dict):
        return kept
    return {"budget": run.inputs.get("budget"), "max_focus": run.inputs.get("max_focus", 3)}


def _with_own_changes(document: dict[str, Any], run: Run) -> dict[str, Any]:
    """The plan document with the what-if's own changes made again; those that no longer
    fit the plan (a row since deleted) are left out, and the difference is then said."""
    changes = own_changes(run)
    try:
        return apply_overrides(document, changes)
    except PlanError:
        return apply_overrides(document, {key: changes[key] for key in ("budget", "max_focus")
                                          if key in changes})


def notice(run: Run | None) -> str | None:
    """The sentence a page shows when the plan changed since the run; None if it did not.
    Offers to run it again only to whoever may run the plan (planner/accounts/access.py)."""
    words = changed_since(run)
    if not words:
        return None
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    again = " Run it again for the plan as it is." if may("portfolio.run", send=True) else ""
    if run.kind == WHAT_IF:
        return (f"The plan has changed since this run ({listed}), besides the what-if's own "
                "changes: what is shown here is the what-if on the plan as it was.")
    published = get_session().exec(select(Publication.id).where(
        Publication.run_id == run.id).limit(1)).first() is not None
    what = "the decision" if published else "a draft of the decision"
    return (f"The plan has changed since this run ({listed}): what is shown here is {what} "
            f"for the plan as it was.{again}")


def _plan_at(plan_id: int) -> tuple[int, str, int | None] | None:
    """The plan as it is now, named by its id, its time (a plan deleted and its id given
    again is another plan) and its record's newest line (every change to a plan writes
    one): read once per request."""
    cache = g.setdefault("plans_at", {})
    if plan_id not in cache:
        session = get_session()
        plan = session.get(Plan, plan_id)  # the page's own, already read
        cache[plan_id] = None if plan is None else (plan_id, plan.created_at.isoformat(), (
            session.exec(select(func.max(RecordEntry.id))
                         .where(RecordEntry.plan_id == plan_id)).one()))
    return cache[plan_id]


def _document(session: Session, plan_at: tuple[int, str, int | None]) -> dict[str, Any] | None:
    """The plan's document at that line of its record, built again only for a newer line.
    The line is read before the rows: a change committed in between makes the document
    newer than its key, never older (kept.PLAN_DOCUMENTS)."""
    return PLAN_DOCUMENTS.get(plan_at, lambda: plan_document(session, plan_at[0]))
