"""Finance's kinds of job, done by a worker (planner/jobs), each ending in one write of its
result:

- `scenarios`: scenarios solved on the plan as it is, every solve kept together.
- `frontier`: the efficient frontier of the plan as its page saw it, kept in the job.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import update
from sqlmodel import select

import optimizer
from models import Job, Scenario
from models.base import utcnow
from models.db import open_session
from models.plan_import import plan_fingerprint
from models.planfile import plan_document
from planner.finance.frontier import trace
from planner.finance.scenarios import solve_scenario
from planner.jobs.queue import REPORT_EVERY, Progress, Refused, every, job_kind


@job_kind("scenarios")
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


@job_kind("frontier")
def trace_frontier(app: Flask, job: Job, progress: Progress) -> dict[str, Any]:
    """The frontier of the plan as the page that asked saw it."""
    with open_session(app.extensions["planner_engine"]) as session:
        document = plan_document(session, job.plan_id)
    if document is None or plan_fingerprint(document) != job.params["fingerprint"]:
        raise Refused("The plan changed before its frontier was traced: open the frontier "
                      "page again to trace it as it is now.")
    progress.report("Tracing the frontier, breakpoint by breakpoint", 1)
    return trace(optimizer.plan_from_dict(document), job.params["points"],
                 every(REPORT_EVERY, lambda done, of: progress.report(
                     f"Tracing the frontier: {done:,} breakpoints of at most {of:,}",
                     1 + 98 * done / max(of, 1))))
