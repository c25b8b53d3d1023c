"""A robust job on the queue for real: two `planner worker` processes on Redis share its
samples' parts (tests/planner/jobs/test_workers.py starts them), and the kept document is
the one optimizer.uncertainty.robust gives in one process."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlmodel import select

import optimizer
from models import Job, Run, Uncertainty
from models.db import open_session
from models.planfile import plan_document
from models.queries import add_run
from optimizer.uncertainty import robust
from planner.demo import load_demo
from planner.runs.views import new_run
from planner.uncertainty.jobs import PART_SIZE
from tests.planner.jobs import test_workers
from tests.planner.jobs.test_workers import _last_job, _queue, _wait
from tests.planner.uncertainty.conftest import SHARES
from tests.webapp import signed_in_client

CASES, SEED = 2 * PART_SIZE + 30, 11  # three parts
# A Redis database of its own: workers of another test's queue would take these jobs,
# and find no such job in their database (9 and 11 are the other worker tests')
REDIS_URL = os.environ.get("TEST_ROBUST_REDIS_URL", "redis://127.0.0.1:6379/12")


@pytest.fixture
def queue(database_url, tmp_path, monkeypatch) -> Iterator[tuple]:
    """Two workers on a queue of their own."""
    monkeypatch.setattr(test_workers, "REDIS_URL", REDIS_URL)
    yield from _queue(database_url, tmp_path, 2)


def test_two_workers_share_the_parts_and_keep_the_engines_document(queue):
    app, _workers = queue
    plan_id = load_demo(app)
    client = signed_in_client(app)
    engine = app.extensions["planner_engine"]
    with open_session(engine, write=True) as session:  # a run saved as its job saves one
        document = {**plan_document(session, plan_id), "uncertainty": SHARES}
        solved = optimizer.solve(optimizer.plan_from_dict(document))
        saved = add_run(session=session, run=new_run(plan_id, document, solved))
        session.commit()
        run_id = saved.id
    response = client.post(f"/plans/{plan_id}/runs/{run_id}/uncertainty/start",
                           data={"samples": str(CASES), "seed": str(SEED),
                                 "objective": "mean"})
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = _wait(app, _last_job(app).id, lambda job: job.kind == "robust")
    job = _wait(app, job.id, lambda job: job.status in ("done", "failed"), timeout=180)
    assert job.status == "done", job.message
    with open_session(engine) as session:
        run = session.get(Run, run_id)
        kept = session.exec(select(Uncertainty)).one().result
        parts = session.exec(select(Job).where(Job.kind == "robust-part")
                             .order_by(Job.id)).all()
        plan = optimizer.plan_from_dict(run.inputs)
        decision = (run.result["funded"], run.result["focus"])
    assert [part.status for part in parts] == ["done"] * 3
    assert len({part.worker for part in parts}) == 2  # the job's worker and the other
    assert kept.pop("cases") == CASES and kept.pop("core_if") is not None
    assert kept == robust(plan, count=CASES, seed=SEED, decision=decision, objective="mean")
