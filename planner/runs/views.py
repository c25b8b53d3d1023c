"""The portfolio page: run the optimiser (its form), see focus, funded work and the say-no
list, and every run labelled with what it is for.

A run is a draft of the decision (the CX lead's runs from this page), or a what-if
(finance's runs from it, a scenario's or a frontier point's "Save as a run"), with where it
came from in words. Only publishing a run makes it the decision, and changes what the
teams read; a what-if is never the plan's state, and only the CX lead may publish one."""

from __future__ import annotations

from datetime import datetime

from blinker import Signal
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import Session, select

import optimizer
from models import Plan, Publication, Run, RunExplanation
from models.plan import DECIDED, OPEN
from models.plan import DRAFT as PLAN_DRAFT
from models.queries import latest_draft, publications_of, published_run, runs_of
from planner.accounts.access import may
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.jobs.queue import recent_jobs, start
from planner.jobs.views import WHAT, answer
from planner.plans.cycle import move
from planner.runs import exports
from planner.runs.changes import DRAFT, WHAT_IF, RunForm, checked_run, notice, own_changes
from planner.runs.reports import shown_report
from planner.views import commit, current_plan, plan_and_run
from planner.web import figure, money, when

bp = Blueprint("portfolio", __name__)
# Sent in the publication's transaction, before its commit, with the session and the new
# Publication: what builds on runs adds its rows to the change (planner/notices: the mail
# to the teams whose initiatives it changes).
published = Signal("a run is published as the plan's decision")
# every page that shows a run says when the plan changed since it was made
bp.add_app_template_global(notice, "run_changed_notice")
exports.routes.add_to(bp)  # the run's downloads


@bp.get("/plans/<int:plan_id>/portfolio")
def show():
    """The run form, the latest run in full and every earlier run."""
    plan = current_plan()
    form = RunForm(data={"budget": plan.budget, "max_focus": plan.max_focus})
    return _page(plan, form)


@bp.post("/plans/<int:plan_id>/runs")
def run():
    """Run the plan as it is (with this run's budget and focus count) in a job: solved,
    saved and every rejection explained by a worker, its progress shown meanwhile."""
    plan = current_plan()
    plan_id, currency, form = plan.id, plan.currency, RunForm()
    valid = form.validate_on_submit()
    params, source_problems, plan_problems = (checked_run(plan_id, currency, form) if valid
                                              else ({}, [], []))
    problems = source_problems + plan_problems
    if not valid or problems:
        return _page(current_plan(), form, problems=problems, status=422)
    return answer(start(get_session(), plan_id, "run", params))


RUN_AS_THE_PLAN = {"budget": None, "max_focus": None}  # a run job with the plan's settings


@bp.get("/plans/<int:plan_id>/runs/<int:run_id>")
def run_page(run_id: int):
    """One saved run: what it is for, its inputs in brief and its result in full."""
    plan, saved = plan_and_run(run_id)
    decision = published_run(session=get_session(), plan_id=plan.id)
    published = get_session().exec(select(Publication).where(
        Publication.run_id == saved.id).order_by(Publication.id.desc())).first()
    is_decision = decision is not None and decision[0].id == saved.id
    return render_template("portfolio/run.html", plan=plan, run=saved,
                           report=shown_report(plan, saved), published=published,
                           reproduce_form=ConfirmForm(), is_decision=is_decision,
                           what=what_it_is(saved, published.created_at if published else None,
                                           is_decision))


def what_it_is(run: Run, published_at: datetime | None, is_decision: bool) -> str:
    """What a run is for, in words: "Decision (published 12 March)", "Draft",
    "What-if: Frontier: budget EUR 400,000"."""
    if published_at is not None:
        which = "Decision" if is_decision else "Earlier decision"
        return f"{which} (published {day(published_at)})"
    if run.kind == WHAT_IF:
        return f"What-if: {run.label}" if run.label else "What-if"
    return "Draft"


def day(moment: datetime) -> str:
    """'12 March', with its year when not this year's."""
    year = "" if moment.year == datetime.now().year else f" {moment.year}"
    return f"{moment.day} {moment:%B}{year}"


@bp.route("/plans/<int:plan_id>/runs/<int:run_id>/delete", methods=["GET", "POST"])
def delete_run(run_id: int):
    """Delete a what-if run, and its explanations, on confirmation; the plan stays."""
    plan, saved = plan_and_run(run_id)
    session, form = get_session(), ConfirmForm()
    if session.exec(select(Publication.id).where(Publication.run_id == saved.id)).first():
        abort(409, f"Run #{saved.number} was published as a decision: it stays in the record "
                   "and cannot be deleted.")
    # Like a published run, a row the table's rule for the page cannot tell apart: finance
    # may delete runs (its what-ifs), but a draft of the decision stays the CX lead's.
    if saved.kind != WHAT_IF and not may("portfolio.publish", send=True):
        abort(409, f"Run #{saved.number} is a draft of the decision: only a CX lead deletes "
                   "it. What-ifs are theirs to delete who may run them.")
    if form.validate_on_submit():
        session.delete(saved)
        if commit(f"Run #{saved.number} deleted."):
            return redirect(url_for("portfolio.show"))
    return render_template("confirm.html", form=form, plan=plan,
                           title=f"Delete run #{saved.number}?",
                           consequences=_what_goes_with(session, saved),
                           cancel=url_for("portfolio.run_page", run_id=saved.id))


def _what_goes_with(session: Session, saved: Run) -> list[str]:
    explained = session.exec(select(func.count()).where(
        RunExplanation.run_id == saved.id)).one()
    lines = [f"Its {explained} explanation{'s' if explained != 1 else ''} of what was not "
             "funded go with it."] if explained else []
    if saved.kind == WHAT_IF:
        lines.append("It is a what-if: no page shows it as the plan's state, so no other "
                     "page changes.")
    elif published_run(session=session, plan_id=saved.plan_id) is None:
        latest = latest_draft(session=session, plan_id=saved.plan_id)
        if latest is not None and latest.id == saved.id:
            earlier = [run for run in runs_of(session=session, plan_id=saved.plan_id)
                       if run.id != saved.id and run.kind == DRAFT]
            lines.append(f"It is the latest draft: the initiative list, the journey and the "
                         f"team view then show draft #{earlier[0].number}." if earlier else
                         "It is the plan's only draft: the initiative list, the journey and "
                         "the team view then show no run.")
    lines.append("The plan, its other runs and its scenarios stay.")
    return lines


@bp.route("/plans/<int:plan_id>/runs/<int:run_id>/publish", methods=["GET", "POST"])
def publish(run_id: int):
    """Publish the run as the plan's decision, after asking: the teams then read it."""
    plan, saved = plan_and_run(run_id)
    if saved.status not in PUBLISHABLE:
        abort(409, NO_PORTFOLIO)
    session, form = get_session(), ConfirmForm()
    if form.validate_on_submit():
        publish_run(session, plan, saved)
        if commit(f"Run #{saved.number} published as the plan's decision: the teams now "
                  "read it."):
            return redirect(url_for("portfolio.run_page", run_id=saved.id))
    before = published_run(session=session, plan_id=plan.id)
    lines = ["The team view and each team's explanations show this run's decisions."]
    if saved.kind == WHAT_IF:
        lines.append(f"It is a what-if ({saved.label or 'not the plan as it is'}): published, "
                     f"it becomes the decision, with its own changes ("
                     f"{_changed_words(saved)}). The plan's settings stay as they are.")
    if plan.state != DECIDED:
        lines.append("The plan becomes decided: teams no longer propose or edit "
                     "initiatives, and they may appeal a rejection.")
    if before is not None:
        lines.append(f"The decision published before (run #{before[0].number}, "
                     f"{when(before[1].created_at)}) stays in the record.")
    changed = notice(saved)
    return render_template("confirm.html", form=form, plan=plan, action="Publish",
                           title=f"Publish run #{saved.number} as the decision?",
                           consequences=lines + ([changed] if changed else []),
                           cancel=url_for("portfolio.run_page", run_id=saved.id))


PUBLISHABLE = ("optimal", "feasible")  # a run's statuses with a portfolio
NO_PORTFOLIO = "A run with no portfolio cannot be the decision."


def publish_run(session: Session, plan: Plan, run: Run) -> Publication:
    """The run made the plan's decision in the session, by the signed-in person (the caller
    commits): its publication, the plan decided, and what builds on runs told (published)."""
    publication = Publication(plan_id=plan.id, run_id=run.id, user_id=current_user.user.id,
                              published_by=current_user.name)
    session.add(publication)
    move(session, plan.id, (PLAN_DRAFT, OPEN), DECIDED)  # proposals close with the decision
    published.send(current_app._get_current_object(), session=session,
                   publication=publication)
    return publication


@bp.post("/plans/<int:plan_id>/runs/<int:run_id>/reproduce")
def reproduce(run_id: int):
    """Solve the run again from its saved inputs and say whether the answer is the same:
    a decision anyone can check."""
    plan, saved = plan_and_run(run_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    get_session().rollback()  # hold nothing while the solver works
    again = optimizer.solve(optimizer.plan_from_dict(saved.inputs), solve_options())
    same = (again.status == saved.status and sorted(again.funded)
            == sorted(saved.result.get("funded", [])) and sorted(again.focus)
            == sorted(saved.result.get("focus", [])))
    if same:
        flash(f"Solved again from its saved inputs: the same answer ({again.status}, the "
              f"same {len(again.funded)} initiatives and focus moments, impact "
              f"{figure(again.impact)}).", "ok")
    else:
        flash(f"Solved again from its saved inputs, the answer differs: {again.status}, "
              f"impact {figure(again.impact)}, {len(again.funded)} initiatives funded. "
              "Tell whoever looks after the planner.", "error")
    return redirect(url_for("portfolio.run_page", run_id=saved.id))


def _changed_words(run: Run) -> str:
    """A what-if's own changes in brief: "budget EUR 400,000, 4 focus moments"."""
    changes = own_changes(run)
    words = []
    if "budget" in changes:
        words.append("no budget" if changes["budget"] is None else
                     f"budget {money(changes['budget'], run.inputs.get('currency', ''))}")
    if "max_focus" in changes:
        words.append(f"{changes['max_focus']} focus moments")
    others = sum(len(changes.get(key) or {}) for key in ("period_budgets", "weights",
                                                         "capacities", "decisions"))
    if others:
        words.append(f"{others} other setting{'s' if others != 1 else ''}")
    return ", ".join(words) or "none"


def new_run(plan_id: int, document: dict, result: optimizer.Result, *, kind: str = DRAFT,
            label: str = "") -> Run:
    """A run of this plan document with its result (not yet added to any session): a
    draft of the decision, or a what-if with where it came from in words."""
    return Run(plan_id=plan_id, budget=document.get("budget"), max_focus=document["max_focus"],
               kind=kind, label=label, status=result.status, impact=result.impact,
               cost=result.cost, inputs=document, result=result.to_dict())


def solve_options() -> optimizer.Options:
    """The solver and time limit from the app's configuration."""
    config = current_app.config
    solver = config.get("SOLVER") or optimizer.DEFAULT_SOLVER
    return optimizer.Options(solver=solver, time_limit=float(config["SOLVE_TIME_LIMIT"]))


def solve_document(document: dict, budget: float | None, max_focus: int | None,
                   options: optimizer.Options) -> tuple[dict, optimizer.Result]:
    """Apply a run's budget and focus count to the plan document and solve it."""
    if budget is not None:
        document["budget"] = budget
    if max_focus is not None:
        document["max_focus"] = max_focus
    plan = optimizer.plan_from_dict(document)
    return document, optimizer.solve(plan, options)


def _page(plan: Plan, form: RunForm, problems: list[str] | None = None, status: int = 200):
    """The portfolio page: the run form, the decision, the latest draft in full (never a
    what-if: it is not the plan's state), and every run labelled with what it is."""
    session = get_session()
    latest = latest_draft(session=session, plan_id=plan.id)
    if problems:
        flash("The plan cannot be solved as it stands; fix the problems listed below.", "error")
    published: dict[int, datetime] = {}
    for publication, _run in reversed(publications_of(session=session, plan_id=plan.id)):
        published[publication.run_id] = publication.created_at  # the newest kept
    decision = published_run(session=session, plan_id=plan.id)
    runs = [(row, what_it_is(row, published.get(row.id), decision is not None
                             and decision[0].id == row.id))
            for row in runs_of(session=session, plan_id=plan.id)]
    return render_template("portfolio/show.html", plan=plan, form=form, problems=problems or [],
                           latest=latest, report=shown_report(plan, latest) if latest else None,
                           decision=decision[0] if decision else None,
                           decided_words=f"published {day(decision[1].created_at)} by "
                           f"{decision[1].published_by or 'someone no longer here'}"
                           if decision else None, runs=runs, jobs=recent_jobs(session, plan.id),
                           job_words=WHAT), status
