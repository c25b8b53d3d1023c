"""The kinds of long work a job does, each ending in one write of its result:

- `run`: solve the plan as it is (with the run's budget and focus count), save the run,
  work out its charts and return figures (kept for every process, so that its pages find
  them ready), then explain every initiative it rejected (docs/model.md, "What would
  change the answer"), so that the say-no page, the team view, the memo and the exports
  carry them without a click. The run is saved, and shown, as soon as it is solved; its
  explanations are stored together when all are made.
- `explain`: "Explain all": the missing explanations of a saved run, stored together.
- `import`: a previewed spreadsheet written into its plan (planner/data_io/confirm.py).
- `scenarios`: scenarios solved on the plan as it is, every solve kept together.
- `frontier`: the efficient frontier of the plan as its page saw it, kept in the job.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app
from sqlalchemy import update
from sqlmodel import select

import optimizer
from models import Job, Run, Scenario
from models.base import utcnow
from models.db import open_session
from models.plan_import import plan_fingerprint
from models.planfile import plan_document
from models.queries import add_run
from planner.data_io.confirm import ImportRefused, write_import
from planner.finance.frontier import trace
from planner.finance.scenarios import solve_scenario
from planner.jobs.queue import KINDS, Cancelled, Progress, Refused
from planner.runs.explanations import explain_run, rejected_keys
from planner.runs.reports import prepare_pages
from planner.runs.views import new_run, solve_document, solve_options

REPORT_EVERY = 0.5  # seconds between two progress reports while explaining


def run_plan(app: Flask, job: Job, progress: Progress) -> dict[str, Any]:
    engine = app.extensions["planner_engine"]
    progress.report("Reading the plan", 1)
    with open_session(engine) as session:
        document = plan_document(session, job.plan_id)
    if document is None:
        raise Refused("The plan was deleted before it could be run.")
    progress.report("Solving the plan", 5)
    try:
        document, result = solve_document(document, job.params.get("budget"),
                                          job.params.get("max_focus"), solve_options())
    except optimizer.PlanError as error:
        raise Refused("The plan cannot be solved as it stands: "
                      + "; ".join(error.problems)) from error
    progress.check()  # cancelled while solving: nothing is saved
    with open_session(engine, write=True) as session:
        saved = add_run(session=session, run=new_run(job.plan_id, document, result))
        session.flush()
        progress.record_in(session, run_id=saved.id)  # the run and its job's word of it
        session.commit()
        run_id, number = saved.id, saved.number
    prepare_pages(saved)
    progress.report(f"Run #{number} saved; explaining what it did not fund", 50)
    up_to = current_app.config["EXPLAIN_WITH_RUN_UP_TO"]
    if result.has_portfolio and result.rejected and (
            up_to is None or len(document["initiatives"]) <= up_to):
        try:
            _explain(engine, run_id, progress, start=50)
        except Cancelled:
            raise Cancelled(f"Run #{number} was saved; its explanations were not made "
                            "(Explain all, on its say-no page, makes them).") from None
    return {"run_id": run_id}


def explain_saved_run(app: Flask, job: Job, progress: Progress) -> dict[str, Any]:
    run_id = job.params["run_id"]
    progress.report("Explaining what the run did not fund", 1, run_id=run_id)
    computed = _explain(app.extensions["planner_engine"], run_id, progress, start=0)
    return {"run_id": run_id, "computed": computed}


def confirm_import(app: Flask, job: Job, progress: Progress) -> dict[str, Any]:
    progress.report("Working out what the file changes", 5)
    try:
        words = write_import(app.extensions["planner_engine"], job.plan_id,
                             job.params["token"],
                             before_write=lambda: progress.report("Writing it", 60),
                             before_commit=lambda session, words: progress.finish_in(
                                 session, words=words))
    except ImportRefused as refused:
        raise Refused(str(refused)) from None
    return {"words": words}


def solve_scenarios(app: Flask, job: Job, progress: Progress) -> dict[str, Any]:
    """Solve the scenarios on the plan as it is; every solve is kept, together, at the end."""
    engine = app.extensions["planner_engine"]
    with open_session(engine) as session:
        document = plan_document(session, job.plan_id)
        scenarios = [scenario for scenario in session.exec(select(Scenario).where(
            Scenario.plan_id == job.plan_id, Scenario.id.in_(job.params["ids"]))).all()]
    if document is None:
        raise Refused("The plan was deleted before its scenarios could be solved.")
    solved, failed = {}, []
    for done, scenario in enumerate(scenarios):
        progress.report(f"Solving {scenario.name} ({done + 1:,} of {len(scenarios):,})",
                        99 * done / len(scenarios))
        answer = solve_scenario(scenario, document)
        if isinstance(answer, list):
            failed.append(scenario.name)
        else:
            solved[scenario.id] = answer
    now = utcnow()
    with open_session(engine, write=True) as session:
        for scenario_id, (inputs, result) in solved.items():
            session.execute(update(Scenario).where(Scenario.id == scenario_id).values(
                inputs=inputs, result=result, solved_at=now))
        progress.finish_in(session, solved=len(solved), failed=failed)
        session.commit()
    return {"solved": len(solved), "failed": failed}


def trace_frontier(app: Flask, job: Job, progress: Progress) -> dict[str, Any]:
    """The frontier of the plan as the page that asked saw it."""
    with open_session(app.extensions["planner_engine"]) as session:
        document = plan_document(session, job.plan_id)
    if document is None or plan_fingerprint(document) != job.params["fingerprint"]:
        raise Refused("The plan changed before its frontier was traced: open the frontier "
                      "page again to trace it as it is now.")
    progress.report("Tracing the frontier, breakpoint by breakpoint", 1)
    return trace(optimizer.plan_from_dict(document), job.params["points"],
                 _every(REPORT_EVERY, lambda done, of: progress.report(
                     f"Tracing the frontier: {done:,} breakpoints of at most {of:,}",
                     1 + 98 * done / max(of, 1))))


def _every(seconds: float, report: Any) -> Any:
    """`report(done, of)`, at most once every `seconds` and at the end."""
    last = [0.0]

    def told(done: int, of: int) -> None:
        if time.monotonic() - last[0] >= seconds or done == of:
            last[0] = time.monotonic()
            report(done, of)

    return told


def _explain(engine: Any, run_id: int, progress: Progress, start: float) -> int:
    """Explain the run's rejections not explained yet, reporting how far it has got from
    `start` percent to 99; how many it made."""
    told = _every(REPORT_EVERY, lambda done, total: progress.report(
        f"Explaining what the run did not fund: {done:,} of {total:,}",
        start + (99 - start) * done / total))

    with open_session(engine, write=True) as session:
        run = session.get(Run, run_id)
        if run is None or not rejected_keys(run):
            return 0
        computed, _left = explain_run(session=session, run=run, progress=told,
                                      processes=current_app.config["EXPLAIN_PROCESSES"])
    return computed


KINDS.update({"run": run_plan, "explain": explain_saved_run, "import": confirm_import,
              "scenarios": solve_scenarios, "frontier": trace_frontier})
