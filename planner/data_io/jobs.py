"""Data's kind of job, done by a worker (planner/jobs): `import`, a previewed spreadsheet
written into its plan (confirm.py), the job marked done in the same write."""

from __future__ import annotations

from typing import Any

from flask import Flask

from models import Job
from planner.data_io.confirm import ImportRefused, write_import
from planner.jobs.queue import Progress, Refused, job_kind


@job_kind("import")
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
