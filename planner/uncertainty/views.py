"""A run's uncertainty pages: how firm its choice is (every reader of the run), its cost
band and the robust portfolio (finance and the CX lead, who may save that portfolio as a
what-if), and other good portfolios near it; each offers to start the job that works its
figures out (planner/uncertainty/jobs.py) to whoever may run the plan."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from models import Job, Plan, Run
from models.planfile import plan_document
from optimizer.finance.scenarios import check_overrides
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.jobs.queue import DONE, FAILED, start
from planner.jobs.views import answer
from planner.runs.changes import WHAT_IF
from planner.uncertainty.forms import OBJECTIVES, AlternativesForm, RobustForm
from planner.uncertainty.reading import (
    ALTERNATIVES,
    ROBUST,
    Names,
    firmness,
    has_ranges,
    kept,
    money_figures,
    other_portfolios,
)
from planner.views import plan_and_run

bp = Blueprint("uncertainty", __name__)
HAS_PORTFOLIO = ("optimal", "feasible")
BEST = {"mean": "best on average", "cvar": "best in the worst 10%"}  # by its objective


@bp.get("/plans/<int:plan_id>/runs/<int:run_id>/uncertainty")
def show(run_id: int):
    """How firm the run's choice is: its impact band, its focus moments' shares and every
    initiative's chosen share, with what would make it core."""
    plan, run = plan_and_run(run_id)
    row = kept(get_session(), run, ROBUST)
    names = Names.of(run)
    return _page("uncertainty/show.html", plan, run, row=row,
                 figures=firmness(row.result, names) if row else None)


@bp.get("/plans/<int:plan_id>/runs/<int:run_id>/uncertainty/finance")
def finance(run_id: int):
    """The run's cost band, the share of cases over budget, its regret, and the robust
    portfolio beside it."""
    plan, run = plan_and_run(run_id)
    row = kept(get_session(), run, ROBUST)
    return _page("uncertainty/finance.html", plan, run, row=row, save_form=ConfirmForm(),
                 figures=money_figures(row.result, run, Names.of(run)) if row else None,
                 objectives=dict(OBJECTIVES))


@bp.get("/plans/<int:plan_id>/runs/<int:run_id>/alternatives")
def alternatives(run_id: int):
    """Other good portfolios, side by side with the run's, each with its differences in
    words."""
    plan, run = plan_and_run(run_id)
    row = kept(get_session(), run, ALTERNATIVES)
    return _page("uncertainty/alternatives.html", plan, run, row=row,
                 others=other_portfolios(row.result, run, Names.of(run)) if row else [])


@bp.post("/plans/<int:plan_id>/runs/<int:run_id>/uncertainty/start")
def start_robust(run_id: int):
    """Solve the run's plan in many plausible cases, in a job."""
    plan, run = plan_and_run(run_id)
    form = RobustForm()
    if not form.validate_on_submit():
        return _page("uncertainty/show.html", plan, run, row=kept(get_session(), run, ROBUST),
                     figures=None, robust_form=form, status=422)
    _has_portfolio(run)
    return _answer(start(get_session(), plan.id, ROBUST, form.params(run.id)),
                   "uncertainty.show")


@bp.post("/plans/<int:plan_id>/runs/<int:run_id>/alternatives/start")
def start_alternatives(run_id: int):
    """Look for other good portfolios of the run's plan, in a job."""
    plan, run = plan_and_run(run_id)
    form = AlternativesForm()
    if not form.validate_on_submit():
        return _page("uncertainty/alternatives.html", plan, run,
                     row=kept(get_session(), run, ALTERNATIVES), others=[],
                     alternatives_form=form, status=422)
    _has_portfolio(run)
    return _answer(start(get_session(), plan.id, ALTERNATIVES, form.params(run.id)),
                   "uncertainty.alternatives")


@bp.post("/plans/<int:plan_id>/runs/<int:run_id>/uncertainty/save-robust")
def save_robust(run_id: int):
    """Save the robust portfolio as a what-if: the plan as it is, solved with that
    portfolio's initiatives funded and the others not. No team reads it."""
    plan, run = plan_and_run(run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, "That request could not be read.")
    row = kept(get_session(), run, ROBUST)
    robust = (row.result.get("robust") or {}) if row else {}
    if robust.get("status") not in HAS_PORTFOLIO:
        abort(409, "This run has no robust portfolio to save: work out how firm its choice "
                   "is first.")
    session = get_session()
    document = plan_document(session, plan.id)
    overrides = robust_overrides(document, robust["funded"])
    problems = check_overrides(overrides, document)
    if problems:
        flash("The robust portfolio no longer fits the plan: " + "; ".join(problems), "error")
        return redirect(url_for("uncertainty.finance", run_id=run.id))
    label = (f"Robust portfolio of run #{run.number}: "
             f"{BEST.get(robust.get('objective'), BEST['mean'])} over "
             f"{row.result.get('samples', 0):,} cases")
    return answer(start(session, plan.id, "run", {"budget": None, "max_focus": None,
                                                  "kind": WHAT_IF, "label": label,
                                                  "overrides": overrides}))


def robust_overrides(document: dict[str, Any], funded: list[str]) -> dict[str, Any]:
    """A scenario's overrides that fund exactly these initiatives: each funded one forced
    in ("fund"), every other the optimiser would decide ("auto") forced out ("reject");
    those decided already stay as they are."""
    chosen = set(funded)
    return {"decisions": {entry["id"]: "fund" if entry["id"] in chosen else "reject"
                          for entry in document.get("initiatives", [])
                          if entry.get("decision", "auto") == "auto" or entry["id"] in chosen}}


def _has_portfolio(run: Run) -> None:
    if run.status not in HAS_PORTFOLIO:
        abort(409, "This run has no portfolio: there is no choice to test.")


def _answer(job: Job, page: str) -> Response:
    """Where starting a job leads: to its page of results when it is done already (an
    immediate queue), back there with its words when it failed, else to its progress."""
    run_id = job.params["run_id"]
    if job.status == DONE:
        flash("Worked out and kept with the run.", "ok")
        return redirect(url_for(page, plan_id=job.plan_id, run_id=run_id))
    if job.status == FAILED:
        flash(job.message, "error")
        return redirect(url_for(page, plan_id=job.plan_id, run_id=run_id))
    return redirect(url_for("jobs.show", plan_id=job.plan_id, job_id=job.id))


def _page(template: str, plan: Plan, run: Run, status: int = 200, **values: Any):
    values.setdefault("robust_form", RobustForm())
    values.setdefault("alternatives_form", AlternativesForm())
    return render_template(template, plan=plan, run=run, has_portfolio=run.status in
                           HAS_PORTFOLIO, ranged=has_ranges(run.inputs or {}), **values), status
