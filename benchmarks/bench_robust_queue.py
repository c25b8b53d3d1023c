"""Benchmark: a robust job of 200 initiatives x 1,000 samples done by two `planner worker`
processes on Redis (its samples split into parts over the queue), against the same
samples solved in one process by robust(workers=2) (the samples and their summary; the
robust portfolio, one model over every sample, is timed apart: the job gives it
SOLVE_TIME_LIMIT). Run by hand from the repository root:
.venv/bin/python benchmarks/bench_robust_queue.py"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from sqlmodel import select  # noqa: E402

import optimizer  # noqa: E402
from models import Job, Uncertainty  # noqa: E402
from models.db import open_session  # noqa: E402
from models.planfile import import_plan, plan_document  # noqa: E402
from models.queries import add_run  # noqa: E402
from optimizer.samples import generate_document  # noqa: E402
from optimizer.uncertainty import robust  # noqa: E402
from planner import create_app  # noqa: E402
from planner.runs.views import new_run  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/13"
COUNT, SEED = int(os.environ.get("COUNT", "1000")), 0


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-robust-queue-"))
    database = f"sqlite:///{folder / 'bench.sqlite'}"
    # the workers as nice as this process: on a shared machine the comparison is fair
    (folder / "config.py").write_text("JOBS_NICENESS = 0\n")
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": database,
                      "REDIS_URL": REDIS_URL, "JOBS_IMMEDIATE": False},
                     instance_path=str(folder))
    engine = app.extensions["planner_engine"]
    document = generate_document(200, 80, seed=1)
    document["uncertainty"] = {"cost": [0.8, 1.4], "effects": [0.5, 1.3], "weight": [0.8, 1.2]}
    with open_session(engine, write=True) as session:
        plan_id = import_plan(session, document).id
        session.commit()
        inputs = plan_document(session, plan_id)
        solved = optimizer.solve(optimizer.plan_from_dict(inputs))
        run = add_run(session=session, run=new_run(plan_id, inputs, solved))
        session.commit()
        run_id = run.id
    plan = optimizer.plan_from_dict(inputs)
    decision = (sorted(solved.funded), sorted(solved.focus))

    started = time.perf_counter()
    alone = robust(plan, count=COUNT, seed=SEED, decision=decision, workers=2)
    in_process = time.perf_counter() - started
    print(f"robust(workers=2) in one process, the samples and their summary: "
          f"{in_process:.1f} s", flush=True)

    env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": REDIS_URL,
           "SECRET_KEY": "bench", "PLANNER_INSTANCE": str(folder), "PYTHONPATH": str(ROOT)}
    workers = [subprocess.Popen([sys.executable, "-m", "planner.cli", "worker",
                                 "--processes", "1"], cwd=ROOT, env=env,
                                start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(2)]
    try:
        time.sleep(8)  # the workers start
        with open_session(engine, write=True) as session:
            job = Job(plan_id=plan_id, kind="robust", params={
                "run_id": run_id, "samples": COUNT, "seed": SEED, "objective": "mean"})
            session.add(job)
            session.commit()
            job_id = job.id
        started = time.perf_counter()
        app.extensions["planner_job_task"](job_id)
        while True:
            with open_session(engine) as session:
                job = session.get(Job, job_id)
                if job.status in ("done", "failed", "cancelled"):
                    break
            time.sleep(0.1)
        on_queue = time.perf_counter() - started
        with open_session(engine) as session:
            kept = session.get(Uncertainty, job.result["uncertainty_id"]).result
            parts = session.exec(select(Job).where(Job.kind == "robust-part")).all()
            solved_by = {part.worker for part in parts}
            first = min(part.started_at for part in parts)
            last = max(part.finished_at for part in parts)
        kept.pop("core_if"), kept.pop("cases")
        portfolio = kept.pop("robust")
        print(f"job on two Redis workers: {on_queue:.1f} s ({job.status}); parts solved "
              f"from first start to last end in {(last - first).total_seconds():.1f} s by "
              f"{len(solved_by)} workers; same document: {kept == alone}; robust "
              f"portfolio {portfolio['status']}", flush=True)
        span = (last - first).total_seconds()
        print(f"ratio, the samples on the queue / in one process: {span / in_process:.2f}; "
              f"the whole job / in one process: {on_queue / in_process:.2f}")
    finally:
        for process in workers:
            os.killpg(process.pid, 2)
        for process in workers:
            process.wait(timeout=30)
        client.flushdb()


if __name__ == "__main__":
    main()
