"""What a run is for and what it changes: the run form that starts one, with what it is
(a draft of the decision, or a what-if with where it came from in words) and the plan's
checks said at once, before a job is asked for (the portfolio page and the API start runs
here); and whether the plan changed since a run was made: the notice on every page that shows a
run (its page, the portfolio, the say-no pages, the team view, the memo and the exports),
in words a reader can act on.

A what-if (Run.kind) solved the plan with changes of its own (a budget, a scenario's
settings): those are not changes of the plan, so it is compared with the plan as it is
with its own changes made again; only what changed besides them is said."""

from __future__ import annotations

import json
from typing import Any

from flask import g
from flask_wtf import FlaskForm
from sqlalchemy import func
from sqlmodel import Session, select
from wtforms import HiddenField
from wtforms.validators import NumberRange, Optional

import optimizer
from models import Plan, Publication, RecordEntry, Run, Scenario
from models.planfile import plan_document
from optimizer import PlanError
from optimizer.finance.scenarios import apply_overrides
from planner.accounts.access import FINANCE, may
from planner.database import get_session, reading
from planner.forms import AtLeast, Number, WholeNumber
from planner.kept import CHANGED_WORDS, PLAN_DOCUMENTS
from planner.web import LARGEST_ID, money

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


DRAFT = "draft"  # Run.kind of the CX lead's runs; WHAT_IF of every other
FROM_FRONTIER, FROM_SCENARIO = "frontier", "scenario-"  # RunForm.what_if: where it came from


class RunForm(FlaskForm):
    """The form that starts a run of the optimiser."""

    budget = Number("Budget for this run", [Optional(), AtLeast(0)],
                    description="Empty: the plan's budget.")
    max_focus = WholeNumber("Focus moments", [Optional(), NumberRange(1, 20)],
                             description="Empty: the plan's setting.")
    # Where a what-if comes from, set by the page that saves it: "frontier", or
    # "scenario-<id>" (its settings are the run's); empty on the portfolio page.
    what_if = HiddenField()


def checked_run(plan_id: int, currency: str, form: RunForm
                ) -> tuple[dict[str, Any], list[str], list[str]]:
    """The run job's settings from a valid run form, with why it cannot be run: the
    problems of where it comes from (the form's what_if), then the plan's own.

    The plan is read and checked in a session that only reads: in the request's own, a
    POST holds the write lock (on SQLite, the whole database's) from its first read (the
    access check's, of the plan), and every save would wait while a large plan is read
    and checked."""
    get_session().rollback()  # hold no write lock while the plan is read and checked
    with reading() as session:
        params, source_problems = run_settings(session, plan_id, currency, form)
        if source_problems:
            return params, source_problems, []
        try:  # a plan that breaks a rule is said here, at once, not by a job
            optimizer.plan_from_dict(apply_overrides(plan_document(session, plan_id),
                                                     params.get("overrides") or {}))
        except optimizer.PlanError as error:
            return params, [], error.problems
    return params, [], []


def run_settings(session: Session, plan_id: int, currency: str, form: RunForm
                 ) -> tuple[dict[str, Any], list[str]]:
    """The run job's settings: what the run is for, and where a what-if came from, in
    words; or why it cannot be run."""
    params = {"budget": form.budget.data, "max_focus": form.max_focus.data,
              "kind": DRAFT, "label": ""}
    source = form.what_if.data or ""
    if source == FROM_FRONTIER:
        budget = "the plan's" if form.budget.data is None else money(form.budget.data,
                                                                      currency)
        return {**params, "kind": WHAT_IF, "label": f"Frontier: budget {budget}"}, []
    if source.startswith(FROM_SCENARIO):
        number = source.removeprefix(FROM_SCENARIO)
        scenario = (session.get(Scenario, int(number))
                    if number.isdigit() and int(number) <= LARGEST_ID else None)
        if scenario is None or scenario.plan_id != plan_id:
            return params, ["The scenario to save as a run is no longer in the plan."]
        return {"budget": None, "max_focus": None, "kind": WHAT_IF,
                "label": f"Scenario: {scenario.name}", "overrides": scenario.overrides}, []
    if source:
        return params, ["Where the run comes from could not be read: open the page again."]
    membership = g.get("membership")
    if membership is not None and membership.role == FINANCE:  # never the plan's state
        return {**params, "kind": WHAT_IF, "label": "Finance's what-if"}, []
    return params, []
