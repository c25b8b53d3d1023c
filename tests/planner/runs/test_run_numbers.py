"""Runs are numbered per plan (#1, #2, ...), and a what-if run can be deleted, its
explanations with it, the plan and its other runs untouched."""

from __future__ import annotations

from sqlmodel import func, select

from models import Run, RunExplanation
from models.db import open_session
from models.planfile import import_plan
from planner.demo import demo_document
from tests.webapp import page_text


def _run(client, plan_id: int, budget: str = "450000") -> int:
    response = client.post(f"/plans/{plan_id}/runs", data={"budget": budget})
    assert response.status_code == 302
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _new_plan(client, name: str) -> int:
    response = client.post("/plans/new", data={"name": name, "currency": "EUR",
                                               "max_focus": "3"})
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_each_plan_numbers_its_own_runs(app, client, db, demo_id):
    first = _run(client, demo_id)
    with open_session(app.extensions["planner_engine"], write=True) as session:
        other_plan = import_plan(session, demo_document(), name="Other").id
        session.commit()
    assert db.get(Run, _run(client, other_plan)).number == 1
    second = _run(client, demo_id, "300000")
    db.rollback()
    assert (db.get(Run, first).number, db.get(Run, second).number) == (1, 2)
    page = page_text(client.get(f"/plans/{demo_id}/runs/{second}"))
    assert "Run #2" in page
    assert "Say no, with reasons · run #2" in page_text(
        client.get(f"/plans/{demo_id}/runs/{second}/say-no"))


def test_a_run_is_deleted_with_its_explanations_on_confirmation(client, db, demo_id):
    first, second = _run(client, demo_id), _run(client, demo_id, "300000")
    client.post(f"/plans/{demo_id}/runs/{second}/say-no/explain")
    db.rollback()
    explained = db.exec(select(func.count()).where(RunExplanation.run_id == second)).one()
    assert explained > 0
    confirm = page_text(client.get(f"/plans/{demo_id}/runs/{second}/delete"))
    assert "Delete run #2?" in confirm
    assert f"Its {explained} explanations of what was not funded go with it." in confirm
    assert ("It is the latest draft: the initiative list, the journey and the team view then "
            "show draft #1.") in confirm
    response = client.post(f"/plans/{demo_id}/runs/{second}/delete", follow_redirects=True)
    assert "Run #2 deleted." in page_text(response)
    db.rollback()
    assert db.get(Run, second) is None and db.get(Run, first) is not None
    assert db.exec(select(func.count()).where(RunExplanation.run_id == second)).one() == 0
    # The next run takes the next number after the runs that remain.
    third = _run(client, demo_id)
    db.rollback()
    assert db.get(Run, third).number == 2


def test_another_plans_run_cannot_be_deleted_through_this_plan(client, db, demo_id):
    run_id = _run(client, demo_id)
    other_plan = _new_plan(client, "Other")
    assert client.post(f"/plans/{other_plan}/runs/{run_id}/delete").status_code == 404
    db.rollback()
    assert db.get(Run, run_id) is not None


def test_a_run_reproduces_from_its_saved_inputs(client, db, demo_id):
    run_id = _run(client, demo_id)
    response = client.post(f"/plans/{demo_id}/runs/{run_id}/reproduce", follow_redirects=True)
    assert "Solved again from its saved inputs: the same answer (optimal" in \
        page_text(response)
    # A run whose saved answer is not what its inputs give says so.
    db.rollback()
    saved = db.get(Run, run_id)
    saved.result = {**saved.result, "funded": saved.result["funded"][1:]}
    db.commit()
    response = client.post(f"/plans/{demo_id}/runs/{run_id}/reproduce", follow_redirects=True)
    assert "Solved again from its saved inputs, the answer differs" in page_text(response)
