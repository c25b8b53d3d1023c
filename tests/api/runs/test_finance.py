"""Scenarios, the frontier and a run's uncertainty through the API, as their pages do
them: a scenario made with the scenario form's rules, solved as a job and compared; the
frontier's points as its job traced them; a robust job started once per key, its result
read (its money only by those who may open its finance page)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

import optimizer
from models import Job, Run, Scenario
from models.planfile import plan_document
from optimizer.finance.scenarios import apply_overrides
from planner.runs.views import solve_options
from tests.api.conftest import call

SCENARIO = {"name": "Lean year", "budget": "300000", "max_focus": 2,
            "period_budgets": {"H1": 150000}, "weights": {"greet": "2.5"},
            "force_out": ["Door greeter at peak hours"]}


def _made(client, plan_id: int, token: str, body: dict) -> dict:
    answer = call(client, "POST", f"/api/v1/plans/{plan_id}/scenarios", token, json=body)
    assert answer.status_code == 201, answer.get_json()
    assert answer.headers["ETag"] == '"1"'
    assert answer.headers["Location"].endswith(f"/scenarios/{answer.get_json()['id']}")
    return answer.get_json()


def test_a_scenario_is_made_solved_and_compared(app, demo_id, tokens, db):
    client, token = app.test_client(), tokens["finance"]["write"]
    made = _made(client, demo_id, token, SCENARIO)
    assert made["result"] is None and made["solved_at"] is None
    overrides = made["overrides"]
    assert (overrides["budget"], overrides["max_focus"], overrides["period_budgets"],
            overrides["weights"]) == (300000.0, 2, {"H1": 150000.0}, {"greet": 2.5})
    assert list(overrides["decisions"].values()) == ["reject"]
    assert any(line.startswith("Total budget") for line in made["changes"])
    url = f"/api/v1/plans/{demo_id}/scenarios/{made['id']}"
    key = {"Idempotency-Key": "solve-lean"}
    solving = call(client, "POST", f"{url}/solve", token, headers=key)
    assert solving.status_code == 202 and solving.get_json()["status"] == "done"
    assert solving.get_json()["result_location"] == url
    assert call(client, "POST", f"{url}/solve", token, headers=key).get_json() == \
        solving.get_json()
    db.rollback()
    assert db.exec(select(func.count()).select_from(Job)).one() == 1
    read = call(client, "GET", url, tokens["viewer"]["read"])
    assert read.headers["ETag"] == '"1"' and read.get_json()["stale"] is None
    result = read.get_json()["result"]
    with app.app_context():
        options = solve_options()
    inputs = apply_overrides(plan_document(db, demo_id), db.get(Scenario, made["id"]).overrides)
    solved = optimizer.solve(optimizer.plan_from_dict(inputs), options).to_dict()
    for document in (result, solved):
        del document["solver"]
    assert result == solved
    compared = call(client, "GET", f"/api/v1/plans/{demo_id}/scenarios/compare",
                    tokens["viewer"]["read"], query_string={"ids": [made["id"]]})
    assert compared.status_code == 200, compared.get_json()
    sides = compared.get_json()["sides"]
    assert [side["scenario_id"] for side in sides] == [None, made["id"]]
    assert sides[1]["funded"] == solved["funded"] and sides[1]["impact"] == solved["impact"]
    listed = call(client, "GET", f"/api/v1/plans/{demo_id}/scenarios",
                  tokens["viewer"]["read"]).get_json()
    assert [item["name"] for item in listed["items"]] == ["Lean year"]


@pytest.mark.parametrize(("body", "field"), [
    ({"name": ""}, "name"),
    ({**SCENARIO, "weights": {"nowhere": 2}}, "weights.nowhere"),
    ({**SCENARIO, "period_budgets": {"H1": "a lot"}}, "period_budgets.H1"),
    ({**SCENARIO, "force_in": ["No such work"]}, "force_in"),
    ({**SCENARIO, "no_budget": True}, "no_budget"),
], ids=["no-name", "unknown-moment", "budget-not-a-number", "unknown-initiative",
        "budget-and-none"])
def test_a_refused_scenario_field_is_named(app, demo_id, tokens, db, body, field):
    answer = call(app.test_client(), "POST", f"/api/v1/plans/{demo_id}/scenarios",
                  tokens["lead"]["write"], json=body)
    assert answer.status_code == 422
    assert field in {error["field"] for error in answer.get_json()["errors"]}
    assert db.exec(select(func.count()).select_from(Scenario)).one() == 0


def test_scenarios_refuse_as_their_pages(app, demo_id, tokens):
    client, url = app.test_client(), f"/api/v1/plans/{demo_id}/scenarios"
    assert call(client, "POST", url, tokens["viewer"]["write"], json=SCENARIO).status_code == 403
    assert call(client, "GET", url, tokens["team"]["read"]).status_code == 403
    made = _made(client, demo_id, tokens["lead"]["write"], SCENARIO)
    again = call(client, "POST", url, tokens["lead"]["write"], json=SCENARIO)
    assert again.status_code == 422 and again.get_json()["errors"][0]["field"] == "name"
    unsolved = call(client, "GET", f"{url}/compare", tokens["viewer"]["read"],
                    query_string={"ids": [made["id"]]})
    assert unsolved.status_code == 422 and "Solve Lean year first" in unsolved.get_json()[
        "errors"][0]["detail"]
    assert call(client, "POST", f"{url}/{made['id']}/solve",
                tokens["viewer"]["write"]).status_code == 403
    assert call(client, "GET", f"{url}/{made['id'] + 1}",
                tokens["viewer"]["read"]).status_code == 404


def test_the_frontier_gives_its_traced_points(app, demo_id, tokens, db):
    client = app.test_client()
    answer = call(client, "GET", f"/api/v1/plans/{demo_id}/frontier?points=6",
                  tokens["viewer"]["read"])
    assert answer.status_code == 200, answer.get_json()
    frontier = answer.get_json()
    assert frontier["traced"] and frontier["job"]["status"] == "done"
    job = db.get(Job, frontier["job"]["id"])
    assert [{key: point[key] for key in ("budget", "status", "impact", "cost", "funded",
                                         "focus")} for point in frontier["points"]] == \
        job.result["frontier"]["points"]
    assert len(frontier["steps"]) == len(frontier["points"]) - 1
    assert frontier["next_step"] == job.result["next_step"]
    again = call(client, "GET", f"/api/v1/plans/{demo_id}/frontier?points=6",
                 tokens["lead"]["read"]).get_json()
    assert again["job"]["id"] == job.id  # traced once for the plan as it is
    refused = call(client, "GET", f"/api/v1/plans/{demo_id}/frontier?points=1",
                   tokens["viewer"]["read"])
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "points"


def test_a_robust_job_is_started_once_and_read(app, run_id, tokens, db):
    client, plan_id = app.test_client(), db.get(Run, run_id).plan_id
    url = f"/api/v1/plans/{plan_id}/runs/{run_id}/uncertainty"
    assert call(client, "GET", url, tokens["viewer"]["read"]).status_code == 404
    assert call(client, "GET", f"/api/v1/plans/{plan_id}/runs/{run_id}/alternatives",
                tokens["viewer"]["read"]).status_code == 404
    assert call(client, "POST", url, tokens["viewer"]["write"],
                json={"samples": 20}).status_code == 403
    refused = call(client, "POST", url, tokens["finance"]["write"], json={"samples": 5})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "samples"
    key = {"Idempotency-Key": "robust-1"}
    body = {"samples": "20", "seed": 4, "objective": "cvar"}
    started = call(client, "POST", url, tokens["finance"]["write"], json=body, headers=key)
    assert started.status_code == 202, started.get_json()
    assert started.get_json()["result_location"] == url
    assert call(client, "POST", url, tokens["finance"]["write"], json=body,
                headers=key).get_json() == started.get_json()
    db.rollback()
    assert db.exec(select(func.count()).select_from(Job).where(Job.kind == "robust")).one() == 1
    full = call(client, "GET", url, tokens["finance"]["read"]).get_json()
    assert full["params"] == {"samples": 20, "seed": 4, "objective": "cvar"}
    assert full["result"]["samples"] == 20 and full["result"]["robust"]["objective"] == "cvar"
    assert "cost" in full["result"]["decision"]
    read = call(client, "GET", url, tokens["viewer"]["read"]).get_json()
    assert "robust" not in read["result"] and "cost" not in read["result"]["decision"]
    assert read["result"]["initiatives"] == full["result"]["initiatives"]
    assert call(client, "GET", url, tokens["team"]["read"]).status_code == 404
