"""The portfolio page: runs, their saved inputs and results, the say-no list, the runs list."""

from __future__ import annotations

import pytest
from sqlmodel import select

import optimizer
from models import Initiative, Run
from models.planfile import plan_document
from tests.webapp import page_text


def _runs(db) -> list[Run]:
    db.rollback()
    return list(db.exec(select(Run).order_by(Run.id)).all())


def test_portfolio_page_before_any_run(client, demo_id):
    response = client.get(f"/plans/{demo_id}/portfolio")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="budget"' in html and 'value="450000"' in html and 'value="3"' in html
    assert "Saved runs" not in page_text(response)


def test_run_is_saved_with_its_inputs_and_result(client, db, demo_id):
    response = client.post(f"/plans/{demo_id}/runs", data={"budget": "", "max_focus": ""})
    assert response.status_code == 302
    [run] = _runs(db)
    assert run.status == "optimal" and run.budget == 450000 and run.max_focus == 3
    assert run.inputs == plan_document(db, demo_id)
    result = optimizer.result_from_dict(run.result)
    assert result.impact == pytest.approx(run.impact) and result.cost == run.cost
    expected = optimizer.solve(optimizer.plan_from_dict(run.inputs))
    assert (result.focus, result.funded) == (expected.focus, expected.funded)
    assert sorted(result.funded + [r.id for r in result.rejected]) == sorted(
        i["id"] for i in run.inputs["initiatives"])
    assert response.headers["Location"].endswith(f"/runs/{run.id}")


def test_run_page_shows_focus_funded_totals_and_say_no_list(client, db, demo_id):
    page = client.get(client.post(f"/plans/{demo_id}/runs", data={}).headers["Location"])
    assert page.status_code == 200
    text = page_text(page)
    result = _runs(db)[0].result
    assert "Proven optimal" in text
    for moment in result["focus"]:
        assert moment in text
    assert "Focus moments" in text and "Contribution" in text
    assert "Funded initiatives" in text and "Accessibility fixes required by law" in text
    assert "forced in" in text
    assert "260,000" in text  # H1 budget against its use
    assert "IT delivery" in text and "FTE-months" in text
    assert f"Say no: {len(result['rejected'])} initiatives not funded" in text
    assert "Does not move a focus moment" in text
    for rejection in result["rejected"]:
        assert rejection["message"] in text


def test_budget_and_focus_count_override_for_one_run(client, db, demo_id):
    client.post(f"/plans/{demo_id}/runs", data={"budget": "200000", "max_focus": "2"})
    [run] = _runs(db)
    assert (run.budget, run.max_focus) == (200000, 2)
    assert (run.inputs["budget"], run.inputs["max_focus"]) == (200000, 2)
    assert run.cost <= 200000 and len(run.result["focus"]) <= 2
    # The plan itself keeps its settings.
    assert client.get(f"/plans/{demo_id}/portfolio").get_data(as_text=True).count(
        'value="450000"') == 1


def test_more_budget_gives_at_least_as_much_impact(client, db, demo_id):
    for budget in ("150000", "300000", "450000"):
        client.post(f"/plans/{demo_id}/runs", data={"budget": budget})
    impacts = [run.impact for run in _runs(db)]
    assert impacts == sorted(impacts)


def test_runs_are_listed_with_date_and_figures(client, db, demo_id):
    client.post(f"/plans/{demo_id}/runs", data={"budget": "300000"})
    client.post(f"/plans/{demo_id}/runs", data={})
    text = page_text(client.get(f"/plans/{demo_id}/portfolio"))
    assert "Saved runs" in text and "#1" in text and "#2" in text
    assert "300,000" in text and "UTC" in text and "optimal" in text
    assert "Latest draft: run #2" in text
    from planner.web import figure, money
    for run in _runs(db):  # each row with its figures, and how many it funds
        budget = money(run.budget) if run.budget is not None else "none"
        assert (f"#{run.number} Draft {run.created_at.strftime('%Y-%m-%d')}" in text
                and f"{budget} {run.max_focus} {figure(run.impact)} {money(run.cost)} "
                    f"{len(run.result['funded'])}" in text), run.number


@pytest.mark.parametrize("data, message", [
    ({"budget": "-1"}, "at least 0"),
    ({"budget": "nan"}, "finite"),
    ({"max_focus": "0"}, "between 1 and 20"),
    ({"max_focus": "three"}, "Enter a whole number, such as 3"),
])
def test_bad_run_settings_are_a_message_and_no_run(client, db, demo_id, data, message):
    response = client.post(f"/plans/{demo_id}/runs", data=data)
    assert response.status_code == 422
    assert message in page_text(response)
    assert _runs(db) == []


def test_infeasible_plan_shows_its_conflicts(client, db, demo_id):
    rfid = db.exec(select(Initiative).where(Initiative.key == "rfid")).one()
    rfid.decision, rfid.reason = "fund", "board decision"
    db.commit()
    response = client.post(f"/plans/{demo_id}/runs", data={"budget": "100000"})
    [run] = _runs(db)
    assert run.status == "infeasible" and run.result["conflicts"]
    text = page_text(client.get(response.headers["Location"]))
    assert "No portfolio fits the plan" in text and "Why no portfolio fits" in text
    for conflict in run.result["conflicts"]:
        assert conflict in text


def test_a_plan_that_breaks_the_rules_lists_its_problems(client, db):
    client.post("/plans/new", data={"name": "Empty", "currency": "EUR", "max_focus": "3"})
    response = client.post("/plans/1/runs", data={})
    assert response.status_code == 422
    assert "moments: must list at least one moment" in page_text(response)
    assert _runs(db) == []


def test_a_run_reads_the_same_after_the_plan_changes(client, db, demo_id):
    location = client.post(f"/plans/{demo_id}/runs", data={}).headers["Location"]
    greeter = db.exec(select(Initiative).where(Initiative.key == "greeter")).one()
    client.post(f"/plans/{demo_id}/initiatives/{greeter.id}/delete")
    text = page_text(client.get(location))
    assert "Door greeter at peak hours" in text


def test_run_of_another_plan_is_not_found(client, demo_id):
    client.post(f"/plans/{demo_id}/runs", data={})
    client.post("/plans/new", data={"name": "Other", "currency": "EUR", "max_focus": "3"})
    assert client.get("/plans/2/runs/1").status_code == 404


def test_starting_a_run_lets_others_save_while_the_plan_is_checked(database_url,
                                                                    monkeypatch):
    """The plan is read and checked before its job is made without the write lock (on
    SQLite, the whole database's): on a large plan that takes a while, and every save of
    everyone else would wait for it."""
    from sqlalchemy import update

    from models import Plan
    from models.db import open_session
    from planner.demo import load_demo
    from planner.runs import changes
    from tests.webapp import make_app, signed_in_client

    app = make_app(database_url, DATABASE_BUSY_TIMEOUT_MS=300)
    engine, plan_id = app.extensions["planner_engine"], load_demo(app)
    real, saved = changes.plan_document, []

    def document_while_another_saves(session, plan):
        with open_session(engine, write=True) as other:  # waits 0.3 s at most for the lock
            other.execute(update(Plan).where(Plan.id == plan).values(name="Renamed meanwhile"))
            other.commit()
        saved.append(plan)
        return real(session, plan)

    monkeypatch.setattr(changes, "plan_document", document_while_another_saves)
    answer = signed_in_client(app).post(f"/plans/{plan_id}/runs", data={})
    assert answer.status_code == 302 and saved == [plan_id]
    engine.dispose()
