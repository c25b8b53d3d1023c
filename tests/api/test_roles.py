"""Every operation of the API as every role, in the states of the cycle where the access
table's answers differ: what each may do is computed from the access table itself (the
rule of the page the operation follows, planner/api/core.py's FOLLOWS), as
tests/planner/accounts/test_access.py does for the pages, and nothing it refuses is let
through. A refused role gets exactly the pages' refusal: 401 without a token, 403 for a
role (or a cycle's state) that may not, 404 for a plan one has no role in, or, to a team
member, a row of another team's. A read token is refused every change (403). Bodies are
minimal: a role let through may well be told a field is missing (422); the point is that
the others are refused before."""

from __future__ import annotations

import pytest
from flask import url_for

from models import Plan
from planner.accounts.access import ACCESS, READ_METHODS
from planner.api.core import FOLLOWS
from tests.api.conftest import call, demo_ids
from tests.planner.accounts.test_access import _allowed

# (who, the cycle's state): every role while the plan is open for proposals; the team
# member again once decided (its appeals) and closed, the CX lead and the admin closed.
CASES = [*((who, "open") for who in ("lead", "finance", "team", "viewer", "outsider",
                                     "admin", None, "read token")),
         ("team", "decided"), ("team", "closed"), ("lead", "closed"), ("admin", "closed")]
REFUSALS = {"sign in": 401, "no": 403, "read instead": 403, "no such plan": 404,
            "no such row": 404}


@pytest.fixture
def queued(app):
    """Jobs only queued, as with no worker running: a robust portfolio or a run let
    through would take its solve's time, and the answer checked is the 202."""
    queue = app.extensions["planner_queue"]
    queue.immediate = False
    yield
    queue.immediate = True


def operations(app, ids: dict[str, int]) -> list[tuple[str, str, str, bool, bool]]:
    """(endpoint, method, url, whether it names a row beyond the plan, whether it is
    under a plan) for every API operation, its ids those of the demo's rows."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("api_") or rule.endpoint.startswith("api_docs"):
                continue
            missing = set(rule.arguments) - set(ids)
            assert not missing, f"{rule.rule}: add an id for {missing} to demo_ids"
            url = url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, url,
                              bool(set(rule.arguments) - {"plan_id"}),
                              "plan_id" in rule.arguments))
    return found


def test_every_operation_follows_a_page_of_the_access_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("api_") and not rule.endpoint.startswith(
                     "api_docs")}
    assert endpoints and endpoints == set(FOLLOWS)
    assert all(FOLLOWS[endpoint] in ACCESS for endpoint in endpoints)


@pytest.mark.parametrize(("who", "state"), CASES, ids=[f"{who}-{state}" for who, state
                                                        in CASES])
def test_every_operation_as_every_role(app, db, run_id, demo_id, tokens, queued, who,
                                       state):
    plan = db.get(Plan, demo_id)
    plan.state = state
    db.commit()
    role = "lead" if who == "read token" else who
    token = None if who is None else tokens[role]["read" if who == "read token" else "write"]
    client, let_through = app.test_client(), []
    for endpoint, method, url, names_a_row, in_plan in operations(
            app, demo_ids(db, demo_id, run_id)):
        db.rollback()
        now = db.get(Plan, demo_id)  # a change let through may have moved the cycle
        # an operation under no plan (a plan file imported as a new plan) has no state
        expected = _allowed(FOLLOWS[endpoint], method, role,
                            (now.state if now else state) if in_plan else "", names_a_row)
        if who == "read token" and method not in READ_METHODS:
            expected = "no"
        response = call(client, method, url, token,
                        json=None if method in READ_METHODS else {})
        where = f"{method} {url} ({FOLLOWS[endpoint]}) as {who}: {response.status_code}"
        assert response.status_code < 500, where
        if expected in REFUSALS:
            if response.status_code != REFUSALS[expected]:
                let_through.append(f"{where}, not {REFUSALS[expected]}")
            assert response.mimetype == "application/problem+json", where
        elif response.status_code in (401, 403):
            let_through.append(f"{where}, refused though the table lets it")
    assert let_through == [], "\n".join(let_through)
