"""Scenarios: named variants of a plan, solved, compared side by side, exported to Excel,
and promoted to the plan's own settings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlmodel import Session, select

import optimizer
from models import Initiative, Moment, Period, Plan, Resource, Scenario
from models.base import utcnow
from models.planfile import plan_document
from models.scenario import scenarios_of
from optimizer.finance.scenarios import apply_overrides, check_overrides
from planner.database import get_session
from planner.finance.compare import (
    MAX_COMPARED,
    MIN_COMPARED,
    compare_scenarios,
    comparison_workbook,
    plan_as_it_is,
)
from planner.finance.scenario_forms import ScenarioParts, scenario_form
from planner.finance.scenario_words import override_lines, staleness
from planner.forms import ConfirmForm
from planner.jobs.queue import start
from planner.jobs.views import answer
from planner.runs.reports import run_report
from planner.runs.views import RUN_AS_THE_PLAN, WHAT_IF, RunForm, new_run, solve_options
from planner.spreadsheets import XLSX
from planner.views import (
    CONFLICT,
    attachment,
    claim_version,
    commit,
    current_plan,
    form_page,
    row_or_404,
)

bp = Blueprint("scenarios", __name__)


@bp.get("/plans/<int:plan_id>/scenarios")
def index():
    """Every scenario with what it changes and its last solve; pick some to compare."""
    plan, session = current_plan(), get_session()
    scenarios = scenarios_of(session=session, plan_id=plan.id)
    document = plan_document(session, plan.id)
    rows = [(scenario, override_lines(scenario.overrides, document),
             staleness(scenario, document)) for scenario in scenarios]
    return render_template("scenarios/index.html", plan=plan, rows=rows,
                           solve_form=ConfirmForm(), least=MIN_COMPARED, most=MAX_COMPARED)


@bp.route("/plans/<int:plan_id>/scenarios/new", methods=["GET", "POST"])
def create():
    """A new scenario of the plan."""
    plan, session = current_plan(), get_session()
    form = scenario_form(ScenarioParts.load(session, plan), session)
    if form.validate_on_submit():
        scenario = Scenario(plan_id=plan.id, name="", overrides={})
        form.save(scenario)
        session.add(scenario)
        if commit(f"Scenario {scenario.name} saved."):
            return redirect(url_for("scenarios.show", scenario_id=scenario.id))
    return form_page("scenarios/form.html", form, plan=plan, scenario=None)


@bp.route("/plans/<int:plan_id>/scenarios/<int:scenario_id>/edit", methods=["GET", "POST"])
def edit(scenario_id: int):
    """Change a scenario; a save over someone else's newer one is refused."""
    plan, session = current_plan(), get_session()
    scenario = row_or_404(Scenario, plan.id, scenario_id)
    form = scenario_form(ScenarioParts.load(session, plan), session, own_id=scenario.id)
    if request.method == "GET":
        form.fill(scenario)
    elif form.validate_on_submit():
        if not claim_version(session, scenario, form.version.data):
            flash(CONFLICT, "error")
        else:
            form.save(scenario)
            scenario.updated_at = utcnow()
            if commit(f"Scenario {scenario.name} saved."):
                return redirect(url_for("scenarios.show", scenario_id=scenario.id))
    return form_page("scenarios/form.html", form, plan=plan, scenario=scenario)


@bp.route("/plans/<int:plan_id>/scenarios/<int:scenario_id>/delete", methods=["GET", "POST"])
def delete(scenario_id: int):
    """Delete a scenario on confirmation; the plan is not touched."""
    plan, session = current_plan(), get_session()
    scenario = row_or_404(Scenario, plan.id, scenario_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        session.delete(scenario)
        if commit(f"Scenario {scenario.name} deleted."):
            return redirect(url_for("scenarios.index"))
    return render_template("confirm.html", form=form, plan=plan,
                           title=f"Delete scenario {scenario.name}?",
                           consequences=["The plan, its runs and other scenarios stay."],
                           cancel=url_for("scenarios.show", scenario_id=scenario.id))


@bp.get("/plans/<int:plan_id>/scenarios/<int:scenario_id>")
def show(scenario_id: int):
    """What the scenario changes, and its last solve in full."""
    plan, session = current_plan(), get_session()
    scenario = row_or_404(Scenario, plan.id, scenario_id)
    document = plan_document(session, plan.id)
    return _show_page(plan, scenario, document)


@bp.post("/plans/<int:plan_id>/scenarios/<int:scenario_id>/solve")
def solve(scenario_id: int):
    """Solve the scenario on the plan as it is now, in a job, and keep the solve with it."""
    plan, session = current_plan(), get_session()
    scenario = row_or_404(Scenario, plan.id, scenario_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, "That request could not be read.")
    document = plan_document(session, plan.id)
    problems = scenario_problems(scenario, document)  # said here, at once, not by a job
    if problems:
        return _show_page(plan, scenario, document, problems=problems, status=422)
    return answer(start(session, plan.id, "scenarios", {"ids": [scenario.id]}))


@bp.post("/plans/<int:plan_id>/scenarios/solve-all")
def solve_all():
    """Solve, in a job, every scenario whose solve is missing or older than the plan."""
    plan, session = current_plan(), get_session()
    if not ConfirmForm().validate_on_submit():
        abort(400, "That request could not be read.")
    document = plan_document(session, plan.id)
    due = [scenario.id for scenario in scenarios_of(session=session, plan_id=plan.id)
           if scenario.result is None or staleness(scenario, document) is not None]
    if not due:
        flash("Every scenario's solve answers for the plan as it is.", "ok")
        return redirect(url_for("scenarios.index"))
    return answer(start(session, plan.id, "scenarios", {"ids": due}))


@bp.get("/plans/<int:plan_id>/scenarios/compare")
def compare():
    """Two to four solved scenarios side by side."""
    plan = current_plan()
    chosen, problem = _chosen(plan)
    if problem:
        flash(problem, "error")
        return redirect(url_for("scenarios.index"))
    found = compare_scenarios([plan_as_it_is(get_session(), plan), *chosen])
    return render_template("scenarios/compare.html", plan=plan, found=found,
                           ids=[scenario.id for scenario in chosen])


@bp.get("/plans/<int:plan_id>/scenarios/compare.xlsx")
def compare_download():
    """The comparison as a workbook: a summary, the differences, a sheet per scenario."""
    plan = current_plan()
    chosen, problem = _chosen(plan)
    if problem:
        abort(400, problem)
    body = comparison_workbook(compare_scenarios([plan_as_it_is(get_session(), plan), *chosen]))
    return attachment(body, XLSX, f"plan-{plan.id}-scenarios.xlsx")


@bp.route("/plans/<int:plan_id>/scenarios/<int:scenario_id>/promote", methods=["GET", "POST"])
def promote(scenario_id: int):
    """Make the scenario's settings the plan's own, then run the plan and save the run."""
    plan, session = current_plan(), get_session()
    scenario = row_or_404(Scenario, plan.id, scenario_id)
    document = plan_document(session, plan.id)
    problems = check_overrides(scenario.overrides, document)
    form = ConfirmForm()
    if not problems and form.validate_on_submit():
        _promote(session, plan, scenario)
        if not commit(f"Scenario {scenario.name} promoted: the plan now has its settings."):
            return redirect(url_for("scenarios.show", scenario_id=scenario.id))
        return answer(start(session, plan.id, "run", RUN_AS_THE_PLAN))  # run with them
    return render_template("scenarios/promote.html", plan=plan, scenario=scenario, form=form,
                           lines=override_lines(scenario.overrides, document),
                           problems=problems), 422 if problems else 200


def _show_page(plan: Plan, scenario: Scenario, document: dict[str, Any],
               problems: list[str] | None = None, status: int = 200):
    report = None
    if scenario.result is not None:
        solved = new_run(plan.id, scenario.inputs, optimizer.result_from_dict(scenario.result),
                         kind=WHAT_IF, label=f"Scenario: {scenario.name}")
        solved.created_at = scenario.solved_at
        report = run_report(solved)
    return render_template("scenarios/show.html", plan=plan, scenario=scenario, report=report,
                           lines=override_lines(scenario.overrides, document),
                           stale=staleness(scenario, document), problems=problems or [],
                           solve_form=ConfirmForm(), save_form=RunForm()), status


def scenario_problems(scenario: Scenario, document: dict[str, Any]) -> list[str]:
    """Why the scenario cannot be solved on the plan as it is; none when it can."""
    try:
        optimizer.plan_from_dict(apply_overrides(document, scenario.overrides))
    except optimizer.PlanError as error:
        return error.problems
    return []


def solve_scenario(scenario: Scenario, document: dict[str, Any]
                   ) -> tuple[dict[str, Any], dict[str, Any]] | list[str]:
    """The scenario's inputs and solve on the plan document, or the problems when it
    cannot be solved."""
    try:
        inputs = apply_overrides(document, scenario.overrides)
        result = optimizer.solve(optimizer.plan_from_dict(inputs), solve_options())
    except optimizer.PlanError as error:
        return error.problems
    return inputs, result.to_dict()


def _chosen(plan: Plan) -> tuple[list[Scenario], str | None]:
    """The scenarios picked to compare, in the order picked, or what is wrong with the pick."""
    try:
        ids = list(dict.fromkeys(int(value) for value in request.args.getlist("ids")))
    except ValueError:
        return [], "That choice of scenarios could not be read."
    return chosen(plan, ids)


def chosen(plan: Plan, ids: list[int]) -> tuple[list[Scenario], str | None]:
    """The scenarios of these ids to compare, in this order, or what is wrong with the
    pick; 404 for one the plan does not have."""
    if not MIN_COMPARED <= len(ids) <= MAX_COMPARED:
        return [], f"Pick {MIN_COMPARED} to {MAX_COMPARED} scenarios to compare."
    picked = [row_or_404(Scenario, plan.id, scenario_id) for scenario_id in ids]
    unsolved = [scenario.name for scenario in picked if scenario.result is None]
    if unsolved:
        return [], f"Solve {', '.join(unsolved)} first: only solved scenarios can be compared."
    return picked, None


def _promote(session: Session, plan: Plan, scenario: Scenario) -> None:
    """Write the scenario's overrides into the plan's rows (checked by the caller)."""
    overrides = scenario.overrides
    if "budget" in overrides:
        plan.budget = overrides["budget"]
    if "max_focus" in overrides:
        plan.max_focus = overrides["max_focus"]
    if {"budget", "max_focus"} & set(overrides):
        plan.version += 1
    tables = (("period_budgets", Period, "budget"), ("weights", Moment, "weight"),
              ("capacities", Resource, "capacity"), ("decisions", Initiative, "decision"))
    for key, model, attribute in tables:
        for row in _rows_by_key(session, model, plan.id, overrides.get(key, {})):
            setattr(row, attribute, overrides[key][row.key])
            if hasattr(row, "version"):
                row.version += 1  # an edit form opened before this must not overwrite it
            if model is Initiative:
                row.reason = ("" if row.decision == "auto"
                              else f'Decided in scenario "{scenario.name}", promoted '
                                   f'{utcnow():%Y-%m-%d}.')
    session.add(plan)


def _rows_by_key(session: Session, model: Any, plan_id: int,
                 values: dict[str, Any]) -> list[Any]:
    if not values:
        return []
    return list(session.exec(select(model).where(model.plan_id == plan_id,
                                                 model.key.in_(list(values)))).all())
