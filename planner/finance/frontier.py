"""The efficient frontier page: the best impact at each budget, and each point's portfolio."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Blueprint, render_template, request, url_for
from sqlmodel import Session, select

import optimizer
from models import Job, Plan
from models.plan_import import plan_fingerprint
from models.planfile import plan_document
from optimizer.finance.frontier import Frontier, Point, frontier, frontier_from_dict, point_at
from planner.database import get_session
from planner.finance.frontier_chart import frontier_svg
from planner.finance.frontier_forms import FrontierForm, PointForm
from planner.forms import ConfirmForm
from planner.jobs.queue import DONE, QUEUED, RUNNING, start
from planner.jobs.views import facts
from planner.runs.reports import STATUS_WORDS, run_report
from planner.runs.views import RunForm, new_run, solve_document, solve_options
from planner.views import current_plan
from planner.web import figure, money

bp = Blueprint("frontier", __name__)

NEXT_SLICE = 100_000.0  # "what the next slice of budget buys", in the plan's currency


@dataclass(frozen=True)
class PointRow:
    """A point of the frontier as the table shows it."""

    point: Point
    url: str
    focus: list[str]  # the focus moments' names
    status_words: str


@bp.get("/plans/<int:plan_id>/frontier")
def show():
    """The frontier chart and table, what each step buys and what the next slice buys: as
    traced by a job for the plan as it is (the first to open it asks for the job; a page
    whose job is under way shows its progress)."""
    plan = current_plan()
    form = FrontierForm(request.args)
    if "points" in request.args and not form.validate():
        return _frontier_page(plan, form, status=422)
    session = get_session()
    document = plan_document(session, plan.id)
    try:
        current = optimizer.plan_from_dict(document)
    except optimizer.PlanError as error:
        return _frontier_page(plan, form, problems=error.problems, status=422)
    job = traced(session, plan.id, form.points.data, plan_fingerprint(document))
    if job.status != DONE:
        return _frontier_page(plan, form, job=job, job_facts=facts(job),
                              confirm_form=ConfirmForm())
    found = frontier_from_dict(job.result["frontier"])
    rows = [PointRow(point, _point_url(point_at(point)),
                     [current.moment(key).name for key in point.focus],
                     STATUS_WORDS.get(point.status, point.status)) for point in found.points]
    steps = [step_words(current, lower, upper)
             for lower, upper in zip(found.points, found.points[1:], strict=False)]
    chart = frontier_svg(found.points, found.plan_budget, current.currency,
                         lambda budget: _point_url(budget), end=found.total_cost)
    budget_buys = None if found.plan_budget is None else found.impact_at(found.plan_budget)
    return _frontier_page(plan, form, found=found, rows=rows, steps=steps, chart=chart,
                          next_step=job.result["next_step"], currency=current.currency,
                          budget_buys=budget_buys)


def traced(session: Session, plan_id: int, points: int, fingerprint: str) -> Job:
    """The job that traces the frontier of the plan as it is, with this many points: the
    one done or under way, else a new one (failed or cancelled ones are asked again)."""
    for job in session.exec(select(Job).where(Job.plan_id == plan_id, Job.kind == "frontier")
                            .order_by(Job.id.desc()).limit(20)).all():
        if job.params == {"points": points, "fingerprint": fingerprint} and job.status in (
                QUEUED, RUNNING, DONE):
            return job
    return start(session, plan_id, "frontier", {"points": points, "fingerprint": fingerprint})


def trace(plan: optimizer.Plan, points: int,
          progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """The frontier of the plan and what the next slice of budget buys (a job's work);
    `progress(done, of)` is told as breakpoints are found."""
    found = frontier(plan, points, solve_options(), progress)
    return {"frontier": found.to_dict(), "next_step": _next_slice(plan)}


@bp.get("/plans/<int:plan_id>/frontier/portfolio")
def portfolio():
    """The portfolio at one budget, solved now, with a button to save it as a run."""
    plan = current_plan()
    form = PointForm(request.args)
    if not form.validate():
        return _point_page(plan, form, status=422)
    session = get_session()
    document = plan_document(session, plan.id)
    session.rollback()  # hold no lock while the solver works
    try:
        document, result = solve_document(document, form.budget.data, None, solve_options())
    except optimizer.PlanError as error:
        return _point_page(plan, form, problems=error.problems, status=422)
    unsaved = new_run(plan.id, document, result)
    return _point_page(plan, form, report=run_report(unsaved),
                       save_form=RunForm(data={"budget": form.budget.data}))


def _next_slice(plan: optimizer.Plan) -> str | None:
    """What NEXT_SLICE more than the plan's budget buys, in words; None without a budget."""
    if plan.budget is None:
        return None
    lower, upper = (_point_at(plan, budget) for budget in (plan.budget,
                                                           plan.budget + NEXT_SLICE))
    return step_words(plan, lower, upper, by_budget=True)


def step_words(plan: optimizer.Plan, lower: Point, upper: Point, *,
               by_budget: bool = False) -> str:
    """What moving from one breakpoint to a higher one buys, in words; `by_budget`: from
    one budget to another (what more money buys), rather than from cost to cost. Every
    figure is written as the table and the chart write it (planner.web: figure, money),
    and the rise is that of the figures shown, so the sentence adds up as read."""
    at = (lambda point: point.budget) if by_budget else point_at
    span = (f"From {money(at(lower), plan.currency)} to "
            f"{money(at(upper), plan.currency)}")
    if lower.impact is None or upper.impact is None:
        if upper.impact is None:
            return f"{span}: no portfolio keeps every rule at either budget."
        return (f"{span}: the first portfolio that keeps every rule, with impact "
                f"{figure(upper.impact)}.")
    if upper.impact - lower.impact <= 1e-9 * max(1.0, abs(upper.impact)):
        return f"{span}: no more impact; the best portfolio stays the same."
    rise = _shown(upper.impact) - _shown(lower.impact)
    words = (f"{span}, impact rises by {figure(rise)} (from {figure(lower.impact)} to "
             f"{figure(upper.impact)})" if rise > 0 else
             f"{span}, impact rises by less than 0.1 (it stays {figure(upper.impact)} "
             "as written)")
    added = [f"'{plan.initiative(i).name}'" for i in upper.funded if i not in lower.funded]
    dropped = [f"'{plan.initiative(i).name}'" for i in lower.funded if i not in upper.funded]
    if added:
        words += ": it adds " + _and(added)
    if dropped:
        words += (" and drops " if added else ": it drops ") + _and(dropped)
    return words + "."


def _shown(impact: float) -> float:
    """The impact as figure() writes it (one decimal, halves up), as a number."""
    return float(Decimal(repr(float(impact))).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _and(items: list[str]) -> str:
    if len(items) > 4:
        return ", ".join(items[:3]) + f" and {len(items) - 3} more"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _point_at(plan: optimizer.Plan, budget: float) -> Point:
    result = optimizer.solve(optimizer.with_overrides(plan, budget=budget), solve_options())
    return Point(budget=budget, status=result.status, impact=result.impact, cost=result.cost,
                 funded=list(result.funded), focus=list(result.focus))


def _point_url(budget: float) -> str:
    return url_for("frontier.portfolio", budget=budget_text(budget))


def budget_text(budget: float) -> str:
    """The shortest text that reads back as the same budget: 244600.0 -> '244600'."""
    text = repr(float(budget))
    return text[:-2] if text.endswith(".0") else text


def _frontier_page(plan: Plan, form: FrontierForm, status: int = 200,
                   problems: list[str] | None = None, found: Frontier | None = None,
                   **context):
    return render_template("frontier/show.html", plan=plan, form=form, found=found,
                           problems=problems or [], next_slice=NEXT_SLICE,
                           **context), status


def _point_page(plan: Plan, form: PointForm, status: int = 200,
                problems: list[str] | None = None, **context):
    return render_template("frontier/portfolio.html", plan=plan, form=form,
                           problems=problems or [], **context), status
