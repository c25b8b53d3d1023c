"""The robust and alternatives jobs keep, with their run, exactly what the engine gives
(optimizer.uncertainty.robust, optimizer.alternatives), whether the samples are solved in
the job's process or split into parts over the queue's workers; and "core_if" says what
would make an initiative core from the samples themselves."""

from __future__ import annotations

import pytest
from sqlmodel import select

import optimizer
from models import Job, Run, Uncertainty
from optimizer.alternatives import alternatives
from optimizer.uncertainty import draw_samples, robust, solve_samples
from planner.uncertainty import jobs
from planner.uncertainty.core_if import core_if

CASES, SEED = 40, 3


def _start(client, plan_id: int, run_id: int, **data):
    return client.post(f"/plans/{plan_id}/runs/{run_id}/uncertainty/start",
                       data={"samples": str(CASES), "seed": str(SEED), "objective": "mean",
                             **data})


def _kept(db, run_id: int, kind: str = "robust") -> list[Uncertainty]:
    db.rollback()
    return list(db.exec(select(Uncertainty).where(Uncertainty.run_id == run_id,
                                                  Uncertainty.kind == kind)
                       .order_by(Uncertainty.id)).all())


def _engine_document(db, run_id: int, objective: str = "mean") -> dict:
    run = db.get(Run, run_id)
    plan = optimizer.plan_from_dict(run.inputs)
    return robust(plan, count=CASES, seed=SEED, objective=objective,
                  decision=(run.result["funded"], run.result["focus"]))


@pytest.mark.parametrize("objective", ["mean", "cvar"])
def test_the_job_keeps_the_engines_document_with_the_run(app, db, demo_id, ranged_run,
                                                        people, objective):
    response = _start(people["finance"], demo_id, ranged_run, objective=objective)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/runs/{ranged_run}/uncertainty")
    [row] = _kept(db, ranged_run)
    kept = dict(row.result)
    assert kept.pop("cases") == CASES
    assert set(kept.pop("core_if")) == {entry["id"] for entry in kept["initiatives"]
                                        if entry["class"] != "core"}
    assert kept == _engine_document(db, ranged_run, objective)
    assert row.params == {"samples": CASES, "seed": SEED, "objective": objective}
    job = db.exec(select(Job).where(Job.kind == "robust")).one()
    assert (job.status, job.result["uncertainty_id"]) == ("done", row.id)


def test_samples_split_over_the_queue_give_the_same_document(app, db, demo_id, ranged_run,
                                                            people, monkeypatch):
    _start(people["lead"], demo_id, ranged_run)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/10")
    monkeypatch.setattr(jobs, "PART_SIZE", 7)
    _start(people["lead"], demo_id, ranged_run)  # the queue's worker takes every part
    taken, asked = app.extensions["planner_job_task"], []

    def only_the_first(job_id: int) -> None:  # the robust job's; no worker takes a part
        asked.append(job_id)
        if len(asked) == 1:
            taken(job_id)

    monkeypatch.setitem(app.extensions, "planner_job_task", only_the_first)
    _start(people["lead"], demo_id, ranged_run)  # the job solves every part itself
    assert len(asked) == 1 + -(-CASES // 7)
    in_process, by_workers, by_itself = (row.result for row in _kept(db, ranged_run))
    assert in_process == by_workers == by_itself
    parts = db.exec(select(Job).where(Job.kind == "robust-part").order_by(Job.id)).all()
    assert len(parts) == 2 * -(-CASES // 7)
    assert {part.status for part in parts} == {"done"}
    assert [len(part.result["outcomes"]) for part in parts[:6]] == [7, 7, 7, 7, 7, 5]


def test_a_part_whose_worker_failed_is_solved_by_the_job(app, db, demo_id, ranged_run,
                                                        people, monkeypatch):
    _start(people["lead"], demo_id, ranged_run)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/10")
    monkeypatch.setattr(jobs, "PART_SIZE", 15)
    solve = jobs.solve_chunk
    failing = {"left": 1}

    def fails_once(*args, **kwargs):
        if failing["left"]:
            failing["left"] -= 1
            raise RuntimeError("the worker's machine went away")
        return solve(*args, **kwargs)

    monkeypatch.setattr(jobs, "solve_chunk", fails_once)
    _start(people["lead"], demo_id, ranged_run)
    first, second = (row.result for row in _kept(db, ranged_run))
    assert first == second
    statuses = [part.status for part in db.exec(select(Job).where(Job.kind == "robust-part")
                                                .order_by(Job.id))]
    assert statuses == ["failed", "done", "done"]


def test_the_alternatives_job_keeps_the_engines_document(app, db, demo_id, run_id, people):
    response = people["lead"].post(f"/plans/{demo_id}/runs/{run_id}/alternatives/start",
                                   data={"within": "5%", "count": "2"})
    assert response.status_code == 302
    [row] = _kept(db, run_id, "alternatives")
    plan = optimizer.plan_from_dict(db.get(Run, run_id).inputs)
    assert row.result == alternatives(plan, within=0.05, count=2,
                                      time_limit=float(app.config["SOLVE_TIME_LIMIT"]))
    assert row.params == {"within": 0.05, "count": 2}


def _plan():
    return optimizer.plan_from_dict({
        "plan": "two", "budget": 100, "max_focus": 1,
        "moments": [{"id": "m", "name": "Moment"}],
        "initiatives": [{"id": "a", "name": "A", "cost": 60, "effects": {"m": 5}},
                        {"id": "b", "name": "B", "cost": 50, "effects": {"m": 4}}]})


def test_core_if_finds_the_cost_below_which_it_is_chosen():
    plan = _plan()
    costs = [30 + k for k in range(100)]  # 30 .. 129
    samples = [{"cost": {"a": cost}} for cost in costs]
    # chosen whenever its cost is at most 80, and in one case of two above it
    outcomes = [{"status": "optimal", "impact": 1.0,
                 "funded": ["a"] if cost <= 80 or cost % 2 else ["b"]} for cost in costs]
    entries = [{"id": "a", "class": "borderline", "chosen_share": 0.75},
               {"id": "b", "class": "exterior", "chosen_share": 0.25}]
    found = core_if(plan, samples, outcomes, entries)
    # at or below 93: 64 cases, 51 + 7 of them choose it (58 >= 57.6); at 94: 58 of 65
    assert found["a"]["cost_at_most"] == 93
    plain = [cost for cost in costs if sum(
        "a" in outcome["funded"] for drawn, outcome in zip(costs, outcomes, strict=True)
        if drawn <= cost) >= 0.9 * sum(drawn <= cost for drawn in costs)]
    assert max(plain) == 93
    assert found["a"]["share"] == 0.75 and found["a"]["uplift_at_least"] is None
    assert found["b"] == {"cost_at_most": None, "uplift_at_least": None, "share": 0.25}


def test_core_if_finds_an_uplift_and_says_none_when_nothing_decides():
    plan = _plan()
    uplifts = [1 + k / 10 for k in range(100)]
    samples = [{"effects": {"b": {"m": uplift}}} for uplift in uplifts]
    outcomes = [{"status": "optimal", "impact": 1.0, "funded": ["b"] if uplift >= 8 else []}
                for uplift in uplifts]
    outcomes[0] = {"status": "infeasible", "impact": None, "funded": []}  # counted apart
    found = core_if(plan, samples, outcomes, [{"id": "b", "class": "borderline",
                                               "chosen_share": 0.3}])
    # at or above 7.7: 33 cases, the 30 from 8.0 choosing it (30 >= 29.7); at 7.6: 30 of 34
    assert found["b"]["uplift_at_least"] == {"m": pytest.approx(7.7)}
    coin = [{"status": "optimal", "impact": 1.0, "funded": ["b"] if k % 2 else []}
            for k in range(100)]
    assert core_if(plan, samples, coin, [{"id": "b", "class": "borderline",
                                          "chosen_share": 0.5}])["b"]["uplift_at_least"] is None


def test_parts_of_the_samples_join_to_the_whole(ranged_run, db):
    plan = optimizer.plan_from_dict(db.get(Run, ranged_run).inputs)
    samples = draw_samples(plan, count=12, seed=5)
    whole = solve_samples(plan, samples)
    parts = [solve_samples(plan, samples[first:first + 5], start=first)
             for first in range(0, 12, 5)]
    assert [outcome for part in parts for outcome in part] == whole
