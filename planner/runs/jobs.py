"""The run's kinds of job, done by a worker (planner/jobs), each ending in one write of its
result:

- `run`: solve the plan as it is (with the run's budget and focus count, and a what-if's
  other changes: a scenario's settings), save the run as what it is for (a draft of the
  decision, or a what-if with where it came from, in words),
  work out its charts and return figures (kept for every process, so that its pages find
  them ready), then explain every initiative it rejected (docs/model.md, "What would
  change the answer"), so that the say-no page, the team view, the memo and the exports
  carry them without a click. The run is saved, and shown, as soon as it is solved; its
  explanations are stored together when all are made.
- `explain`: "Explain all": the missing explanations of a saved run, stored together.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

import optimizer
from models import Job, Run
from models.db import open_session
from models.planfile import plan_document
from models.queries import add_run
from optimizer.finance.scenarios import apply_overrides
from planner.jobs.queue import REPORT_EVERY, Cancelled, Progress, Refused, every, job_kind
from planner.runs.changes import WHAT_IF
from planner.runs.explanations import explain_run, rejected_keys
from planner.runs.reports import prepare_pages
from planner.runs.views import DRAFT, new_run, solve_document, solve_options


@job_kind("run")
def run_plan(app: Flask, job: Job, progress: Progress) -> dict[str, Any]:
    engine = app.extensions["planner_engine"]
    progress.report("Reading the plan", 1)
    with open_session(engine) as session:
        document = plan_document(session, job.plan_id)
    if document is None:
        raise Refused("The plan was deleted before it could be run.")
    progress.report("Solving the plan", 5)
    params = job.params
    kind, overrides = params.get("kind", DRAFT), params.get("overrides")
    try:
        if overrides:  # a scenario's settings, as they were when it was asked
            document = apply_overrides(document, overrides)
        document, result = solve_document(document, params.get("budget"),
                                          params.get("max_focus"), solve_options())
    except optimizer.PlanError as error:
        raise Refused("The plan cannot be solved as it stands: "
                      + "; ".join(error.problems)) from error
    progress.check()  # cancelled while solving: nothing is saved
    made = new_run(job.plan_id, document, result, kind=kind, label=params.get("label", ""))
    if kind == WHAT_IF:  # what it changed of the plan, so that it is never taken for it
        made.result = {**made.result, "overrides": {
            **(overrides or {}), **{key: params[key] for key in ("budget", "max_focus")
                                    if params.get(key) is not None}}}
    with open_session(engine, write=True) as session:
        saved = add_run(session=session, run=made)
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


@job_kind("explain")
def explain_saved_run(app: Flask, job: Job, progress: Progress) -> dict[str, Any]:
    run_id = job.params["run_id"]
    progress.report("Explaining what the run did not fund", 1, run_id=run_id)
    computed = _explain(app.extensions["planner_engine"], run_id, progress, start=0)
    return {"run_id": run_id, "computed": computed}


def _explain(engine: Any, run_id: int, progress: Progress, start: float) -> int:
    """Explain the run's rejections not explained yet, reporting how far it has got from
    `start` percent to 99; how many it made."""
    told = every(REPORT_EVERY, lambda done, total: progress.report(
        f"Explaining what the run did not fund: {done:,} of {total:,}",
        start + (99 - start) * done / total))

    with open_session(engine, write=True) as session:
        run = session.get(Run, run_id)
        if run is None or not rejected_keys(run):
            return 0
        computed, _left = explain_run(session=session, run=run, progress=told,
                                      processes=current_app.config["EXPLAIN_PROCESSES"])
    return computed
