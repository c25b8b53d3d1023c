"""A job's page: what it is doing, how far it has got and for how long, polled as a small
JSON document; cancelling it; and where each kind of job leads when it is done."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from werkzeug.wrappers import Response

from models import Job
from models.base import as_utc, utcnow
from planner.database import get_session
from planner.forms import ConfirmForm
from planner.jobs.queue import CANCELLED, DONE, ENDED, FAILED, QUEUED, cancel, settle
from planner.views import current_plan, row_or_404

bp = Blueprint("jobs", __name__)

WHAT = {"run": "Running the optimiser", "explain": "Explaining every rejected initiative",
        "import": "Importing a spreadsheet", "scenarios": "Solving scenarios",
        "frontier": "Tracing the efficient frontier",
        "robust": "Working out how firm the choice is",
        "robust-part": "Solving a share of the plausible cases",
        "alternatives": "Finding other good portfolios"}
WAITING = 15  # seconds a job may wait for a worker before the page says none has come


@bp.get("/plans/<int:plan_id>/jobs/<int:job_id>")
def show(job_id: int):
    """The job's progress, updated as it goes (by the page's script, or a reload)."""
    plan, job = _plan_and_job(job_id)
    return render_template("jobs/show.html", plan=plan, job=job, facts=facts(job),
                           form=ConfirmForm())


@bp.get("/plans/<int:plan_id>/jobs/<int:job_id>.json")
def progress(job_id: int):
    """The job's progress as JSON: status, step, percent, seconds, message, and where its
    result is once it is done."""
    _, job = _plan_and_job(job_id)
    response = jsonify(facts(job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/plans/<int:plan_id>/jobs/<int:job_id>/cancel")
def cancel_job(job_id: int):
    """Ask the job to stop: a queued one ends at once, a running one at its next step."""
    plan, job = _plan_and_job(job_id)
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form had expired; nothing was changed. Reload the page.")
    if job.status not in ENDED:
        job = cancel(get_session(), job)
        flash("Cancelled." if job.status == CANCELLED else
              "Asked to stop: it stops at its next step, saving nothing more.", "ok")
    return redirect(url_for("jobs.show", job_id=job.id))


def answer(job: Job) -> Response:
    """Where the page that started a job goes: to the result when the job is done already
    (an immediate queue), back with its words when it failed, else to its progress."""
    if job.status == DONE:
        flash(done_words(job), "ok")
        return redirect(result_url(job))
    if job.status == FAILED:
        flash(job.message, "error")
        return redirect(result_url(job))
    return redirect(url_for("jobs.show", plan_id=job.plan_id, job_id=job.id))


def facts(job: Job) -> dict[str, Any]:
    """What the page and its JSON say of the job."""
    end = job.finished_at or utcnow()
    started = job.started_at or job.created_at
    seconds = max(0.0, (as_utc(end) - as_utc(started)).total_seconds())
    waiting = job.status == QUEUED and (utcnow() - as_utc(job.created_at)).total_seconds() > WAITING
    return {"id": job.id, "kind": job.kind, "what": WHAT.get(job.kind, job.kind),
            "status": job.status,
            "step": (done_words(job) if job.status == DONE else job.step
                     or ("Waiting for a worker" if job.status == QUEUED else "")),
            "percent": round(job.percent, 1), "seconds": round(seconds, 1),
            "message": job.message or (_NO_WORKER if waiting else ""),
            "done_words": done_words(job) if job.status == DONE else "",
            "result_url": result_url(job) if job.status in (DONE, FAILED) or
            job.result.get("run_id") else None}


_NO_WORKER = ("No worker has taken it yet. It starts when one does: `planner worker` (which "
              "`planner serve` starts beside the pages) must be running.")


def done_words(job: Job) -> str:
    if job.kind == "import":
        return job.result.get("words", "Imported.")
    if job.kind == "explain":
        count = job.result.get("computed", 0)
        return f"Explained {count:,} rejected initiative{'s' if count != 1 else ''}."
    if job.kind == "frontier":
        return "Frontier traced."
    if job.kind == "robust":
        return (f"Worked out from {int(job.params.get('samples', 0)):,} plausible cases and "
                "kept with the run.")
    if job.kind == "alternatives":
        return "Other good portfolios found and kept with the run."
    if job.kind == "robust-part":
        return "This share of the cases is solved; the job that asked for it sums them up."
    if job.kind == "scenarios":
        count, failed = job.result.get("solved", 0), job.result.get("failed", [])
        return (f"{count:,} scenario{'s' if count != 1 else ''} solved."
                + (f" These no longer fit the plan and were not solved: {', '.join(failed)}."
                   " Open each to see why." if failed else ""))
    return "Run saved, with the reasons for everything it did not fund."


def result_url(job: Job) -> str:
    """The page of what the job made (or, for one that made nothing, where it was asked)."""
    run_id = job.result.get("run_id")
    if job.kind == "run":
        return (url_for("portfolio.run_page", plan_id=job.plan_id, run_id=run_id) if run_id
                else url_for("portfolio.show", plan_id=job.plan_id))
    if job.kind == "frontier":
        return url_for("frontier.show", plan_id=job.plan_id, points=job.params["points"])
    if job.kind in ("robust", "robust-part"):
        return url_for("uncertainty.show", plan_id=job.plan_id, run_id=job.params["run_id"])
    if job.kind == "alternatives":
        return url_for("uncertainty.alternatives", plan_id=job.plan_id,
                       run_id=job.params["run_id"])
    if job.kind == "scenarios":
        ids = job.params.get("ids", [])
        return (url_for("scenarios.show", plan_id=job.plan_id, scenario_id=ids[0])
                if len(ids) == 1 else url_for("scenarios.index", plan_id=job.plan_id))
    if job.kind == "explain":
        return url_for("say_no.show", plan_id=job.plan_id, run_id=job.params["run_id"],
                       sort=job.params.get("sort"))
    return url_for("initiatives.index" if job.status == DONE else "imports.upload",
                   plan_id=job.plan_id)


def _plan_and_job(job_id: int) -> tuple[Any, Job]:
    plan = current_plan()
    job = row_or_404(Job, plan.id, job_id)
    return plan, settle(get_session(), job, float(current_app.config["JOBS_STALE_SECONDS"]))

