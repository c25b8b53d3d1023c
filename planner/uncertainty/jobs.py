"""How firm a run's choice is, worked out by a worker (planner/jobs) and kept in one
models.Uncertainty row written with the job's end:

- `robust`: samples of the run's plan drawn once (seeded), every one solved exactly
  (docs/model.md, "Uncertainty"), summed up against the run's portfolio, with the robust
  portfolio and what would make each initiative that is not core, core. With the queue on
  Redis the samples are split into parts, each a job of its own (`robust-part`) that any
  worker may take, so that a company adds machines to go faster; the job that split them
  solves the parts no worker has taken yet itself, so that it never waits on a worker
  busy with it. Elsewhere they are solved on this machine's cores. Each sample's solve is
  a function of the plan and the sample alone: the answer is the same either way.
- `alternatives`: the near-optimal portfolios that differ most from the run's plan's best.
"""

from __future__ import annotations

import os
import socket
import time
from typing import Any

from flask import Flask
from sqlalchemy import update
from sqlmodel import select

import optimizer
from models import Job, Run, Uncertainty
from models.base import utcnow
from models.db import open_session
from optimizer.alternatives import alternatives
from optimizer.uncertainty import SampleSession, draw_samples, robust_portfolio, summarise
from optimizer.uncertainty.run import solve_chunk
from planner.jobs.queue import (
    CANCELLED,
    DONE,
    ENDED,
    QUEUED,
    REPORT_EVERY,
    RUNNING,
    Progress,
    Refused,
    every,
    job_kind,
    settle,
)
from planner.uncertainty.core_if import core_if
from planner.uncertainty.processes import solve_on_cores

ROBUST, ALTERNATIVES, PART = "robust", "alternatives", "robust-part"
PART_SIZE = 100  # samples in one part of a job spread over the queue's workers
WAIT = 0.2  # seconds between two looks at the parts other workers are solving


@job_kind(ROBUST)
def robust_job(app: Flask, job: Job, progress: Progress) -> dict[str, Any]:
    """Draw the samples, solve each, and keep the summary with the run."""
    engine = app.extensions["planner_engine"]
    run_id, plan, decision = _run_plan(engine, job)
    params = job.params
    progress.report("Drawing the samples", 1)
    samples = draw_samples(plan, count=int(params["samples"]), seed=int(params["seed"]))
    told = every(REPORT_EVERY, lambda done, total: progress.report(
        f"Solving the samples: {done:,} of {total:,}", 2 + 90 * done / max(total, 1)))
    if app.config.get("REDIS_URL"):
        outcomes, figures = solve_on_queue(app, job, samples, progress, told,
                                           _Here(plan, decision))
    else:
        outcomes, figures = solve_on_cores(plan, samples, decision, told,
                                           int(app.config["ROBUST_PROCESSES"]))
    progress.report("Summing up the samples and solving the robust portfolio", 93)
    result = robust_document(plan, samples, outcomes, decision, params, figures,
                             float(app.config["SOLVE_TIME_LIMIT"]))
    return _keep(engine, job, progress, run_id, ROBUST, result)


def robust_document(plan: optimizer.Plan, samples: list[dict[str, Any]],
                    outcomes: list[dict[str, Any]], decision: tuple[list[str], list[str]],
                    params: dict[str, Any], figures: list[Any],
                    time_limit: float) -> dict[str, Any]:
    """The Uncertainty result document (docs/plan-format.md) of these samples and their
    outcomes, with the robust portfolio, "core_if" and "cases" (how many samples). The
    robust portfolio is one model over every sample, which on a large plan may take far
    longer than the samples themselves (docs/benchmarks.md): it has one solve's time limit
    (SOLVE_TIME_LIMIT), and past it is kept as the best found, with its bound."""
    summary = summarise(plan, samples, outcomes, decision=decision, seed=int(params["seed"]),
                        figures=figures)
    summary["robust"] = robust_portfolio(plan, samples, objective=params["objective"],
                                         time_limit=time_limit)
    summary["core_if"] = core_if(plan, samples, outcomes, summary["initiatives"])
    summary["cases"] = len(samples)
    return summary


@job_kind(ALTERNATIVES)
def alternatives_job(app: Flask, job: Job, progress: Progress) -> dict[str, Any]:
    """The other good portfolios of the run's plan, kept with the run."""
    engine = app.extensions["planner_engine"]
    run_id, plan, _decision = _run_plan(engine, job)
    progress.report("Looking for other good portfolios, one at a time", 5)
    result = alternatives(plan, within=float(job.params["within"]),
                          count=int(job.params["count"]),
                          time_limit=float(app.config["SOLVE_TIME_LIMIT"]))
    return _keep(engine, job, progress, run_id, ALTERNATIVES, result)


@job_kind(PART)
def robust_part(app: Flask, job: Job, progress: Progress) -> dict[str, Any]:
    """Solve one part of a robust job's samples; its outcomes, and the decision's figures
    in each sample, are kept in this job's row for the job that split them."""
    progress.report("Solving a part of the samples", 1)
    return _solve_part(app.extensions["planner_engine"], job)


def _solve_part(engine: Any, part: Job) -> dict[str, Any]:
    """A part taken by a worker: its run's plan read, then solved (_Here.solve)."""
    _run_id, plan, decision = _run_plan(engine, part)
    return _Here(plan, decision).solve(part.params["samples"])


class _Here:
    """The parts a robust job solves in its own process, all on one model of the run's plan
    (made at the first): an outcome depends on its sample alone, not on the model's past."""

    def __init__(self, plan: optimizer.Plan, decision: tuple[list[str], list[str]]) -> None:
        self.plan, self.decision = plan, decision
        self.session: SampleSession | None = None

    def solve(self, samples: list[dict[str, Any]]) -> dict[str, Any]:
        """The part's outcomes and the decision's figures in each of its samples (a list
        each, as JSON keeps them: optimizer.uncertainty.summarise reads them alike)."""
        if self.session is None:
            self.session = SampleSession(self.plan)
        outcomes, figures = solve_chunk(self.session, samples, self.decision)
        return {"outcomes": outcomes, "figures": [list(figure) for figure in figures]}


def solve_on_queue(app: Flask, job: Job, samples: list[dict[str, Any]], progress: Progress,
                   told: Any, here: _Here) -> tuple[list[dict[str, Any]], list[Any]]:
    """Each sample's outcome, in order, and the decision's figures in each, its parts
    solved by whichever worker takes them: the queue's, or this one where none has taken
    a part yet (or one failed)."""
    engine = app.extensions["planner_engine"]
    firsts = list(range(0, len(samples), PART_SIZE))
    with open_session(engine, write=True) as session:
        parts = [Job(plan_id=job.plan_id, kind=PART, user_id=job.user_id, who=job.who,
                     params={"run_id": job.params["run_id"], "parent": job.id, "first": first,
                             "samples": samples[first:first + PART_SIZE]})
                 for first in firsts]
        session.add_all(parts)
        session.commit()
        ids = [part.id for part in parts]
    for part_id in ids:
        app.extensions["planner_job_task"](part_id)
    solved: dict[int, dict[str, Any]] = {}
    try:
        while len(solved) < len(ids):
            progress.check()
            mine = _claim(engine, [part_id for part_id in ids if part_id not in solved])
            if mine is not None:
                solved[mine] = _solve_here(engine, mine, here)
            else:
                solved.update(_finished(app, engine, ids, solved, here))
                time.sleep(WAIT)
            told(sum(len(part["outcomes"]) for part in solved.values()), len(samples))
    finally:
        _cancel_left(engine, [part_id for part_id in ids if part_id not in solved])
    return ([outcome for part_id in ids for outcome in solved[part_id]["outcomes"]],
            [figure for part_id in ids for figure in solved[part_id]["figures"]])


def _claim(engine: Any, waiting: list[int]) -> int | None:
    """A part no worker has taken yet, claimed by this one; None when every part is taken."""
    for part_id in waiting:
        now = utcnow()
        with open_session(engine, write=True) as session:
            claimed = session.execute(update(Job).where(Job.id == part_id, Job.status == QUEUED)
                                      .values(status=RUNNING, started_at=now, heartbeat_at=now,
                                              worker=f"{socket.gethostname()}:{os.getpid()}"))
            session.commit()
        if claimed.rowcount == 1:
            return part_id
    return None


def _solve_here(engine: Any, part_id: int, here: _Here) -> dict[str, Any]:
    """Solve a part claimed by this job, and mark it done."""
    with open_session(engine) as session:
        part = session.get(Job, part_id)
    solved = here.solve(part.params["samples"])
    with open_session(engine, write=True) as session:
        session.execute(update(Job).where(Job.id == part_id, Job.status == RUNNING).values(
            status=DONE, percent=100.0, step="Done", finished_at=utcnow(), result=solved))
        session.commit()
    return solved


def _finished(app: Flask, engine: Any, ids: list[int], solved: dict[int, dict[str, Any]],
              here: _Here) -> dict[int, dict[str, Any]]:
    """The parts other workers have finished since the last look; a part whose worker
    failed or stopped is solved here instead."""
    found: dict[int, dict[str, Any]] = {}
    with open_session(engine, write=True) as session:
        parts = session.exec(select(Job).where(Job.id.in_(
            [part_id for part_id in ids if part_id not in solved]))).all()
        stale = float(app.config["JOBS_STALE_SECONDS"])
        parts = [settle(session, part, stale) for part in parts]
        for part in parts:
            if part.status == DONE and "figures" in part.result:
                found[part.id] = part.result
    for part in parts:
        if part.status in ENDED and part.id not in found:
            found[part.id] = here.solve(part.params["samples"])
    return found


def _cancel_left(engine: Any, left: list[int]) -> None:
    """Stop the parts still waiting or running: the job that needed them has ended."""
    if not left:
        return
    with open_session(engine, write=True) as session:
        session.execute(update(Job).where(Job.id.in_(left), Job.status == QUEUED).values(
            status=CANCELLED, finished_at=utcnow(), cancel_asked=True,
            message="Not needed: the job that split the samples has ended."))
        session.execute(update(Job).where(Job.id.in_(left), Job.status == RUNNING)
                        .values(cancel_asked=True))
        session.commit()


def _run_plan(engine: Any, job: Job) -> tuple[int, optimizer.Plan, tuple[list[str], list[str]]]:
    """The job's run: its id, its plan and its portfolio (funded, focus)."""
    run_id = int(job.params["run_id"])
    with open_session(engine) as session:
        run = session.get(Run, run_id)
        if run is None or run.plan_id != job.plan_id:
            raise Refused("The run was deleted before this could be worked out.")
        inputs, result = run.inputs, run.result
    try:
        plan = optimizer.plan_from_dict(inputs)
    except optimizer.PlanError as error:
        raise Refused("The run's plan cannot be read: " + "; ".join(error.problems)) from error
    return run_id, plan, (list(result.get("funded") or []), list(result.get("focus") or []))


def _keep(engine: Any, job: Job, progress: Progress, run_id: int, kind: str,
          result: dict[str, Any]) -> dict[str, Any]:
    """Keep the result with its run, and end the job, in one transaction."""
    progress.check()
    with open_session(engine, write=True) as session:
        kept = Uncertainty(plan_id=job.plan_id, run_id=run_id, kind=kind,
                           params={key: value for key, value in job.params.items()
                                   if key != "run_id"}, result=result)
        session.add(kept)
        session.flush()
        progress.finish_in(session, run_id=run_id, uncertainty_id=kept.id)
        session.commit()
    return {"run_id": run_id, "uncertainty_id": kept.id}
