"""Fixtures for the JSON API's tests: the demo plan's people, one per role, each with a
read token and a write token; `call`, a request with a token; and a live server of the API
(a thread, as tests/browser/conftest.py's) for the tests that speak HTTP to it
(Schemathesis, the guide's example script).

    def test_something(app, demo_id, tokens):
        client = app.test_client()
        response = call(client, "GET", f"/api/v1/plans/{demo_id}", tokens["viewer"]["read"])
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import Session, select
from werkzeug.serving import make_server

from models import (
    ApiToken,
    Appeal,
    Influence,
    Initiative,
    Job,
    Measurement,
    Membership,
    Moment,
    Period,
    Resource,
    Run,
    Scenario,
    Stage,
    Team,
    User,
)
from models.db import open_session
from models.queries import team_ids
from planner import create_app
from planner.api.tokens import make_token
from planner.demo import load_demo
from tests.browser.conftest import QuietHandler
from tests.planner.accounts.test_access import PEOPLE, ROLES
from tests.webapp import ADMIN_EMAIL, RUN, TEST_CONFIG, nobodys_password_hash

# Who a test can be: the demo plan's roles (the team member: team IT), someone with no
# role in it, and the installation's admin.
EVERYONE = (*ROLES, "outsider", "admin")
SCOPES = ("read", "write")
# The live server's limit: Schemathesis sends hundreds of requests with one token.
LIVE_CONFIG = {"API_RATE_LIMIT": "100000 per minute"}


def call(client: Any, method: str, url: str, token: str | None, **kwargs: Any) -> Any:
    """The test client's answer to this request, with the token as its bearer (none: no
    Authorization header); `kwargs` as the client's (json=, headers=, query_string=)."""
    headers = dict(kwargs.pop("headers", None) or {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.open(url, method=method, headers=headers, **kwargs)


def add_people(session: Session, plan_id: int) -> dict[str, int]:
    """One account per role in the plan (the team member: team IT), and one with no role
    in it (as tests/planner/accounts/test_access.py's `people`): their ids by role, the
    tests' admin's too."""
    hashed, ids = nobodys_password_hash(), {}
    for role, email in PEOPLE.items():
        user = User(email=email, name=role.capitalize(), password_hash=hashed)
        session.add(user)
        session.flush()
        ids[role] = user.id
        if role != "outsider":
            team = "IT" if role == "team" else ""
            session.add(Membership(user_id=user.id, plan_id=plan_id, role=role,
                                   team_id=team_ids(session, plan_id, [team])[team]))
    ids["admin"] = session.exec(select(User.id).where(User.email == ADMIN_EMAIL)).one()
    session.commit()
    return ids


def add_tokens(session: Session, people: dict[str, int]) -> dict[str, dict[str, str]]:
    """A read token and a write token for each person: {role: {"read": ..., "write":
    ...}}, each the secret to send as the bearer."""
    made = {role: {scope: make_token(session, session.get(User, user_id), name=scope,
                                     scope=scope)[1] for scope in SCOPES}
            for role, user_id in people.items()}
    session.commit()
    return made


def demo_ids(session: Session, plan_id: int, run_id: int | None) -> dict[str, Any]:
    """An id of each kind of row of the demo plan, by the name of the path's parameter
    (initiative_id: the first of team IT's, which the team member may open too); 1 for
    a kind the demo has none of yet."""
    session.rollback()

    def first(column: Any, *where: Any) -> int:
        found = session.exec(select(column).where(*where).order_by(column)).first()
        return found if found is not None else 1

    return {"plan_id": plan_id, "run_id": run_id or 1,
            "initiative_id": first(Initiative.id, Initiative.plan_id == plan_id,
                                   Initiative.team_id == Team.id, Team.name == "IT"),
            "moment_id": first(Moment.id, Moment.plan_id == plan_id),
            "scenario_id": first(Scenario.id, Scenario.plan_id == plan_id),
            "job_id": first(Job.id, Job.plan_id == plan_id),
            "appeal_id": first(Appeal.id), "member_id": first(Membership.id),
            "token_id": first(ApiToken.id), "influence_id": first(Influence.id),
            "measurement_id": first(Measurement.id), "stage_id": first(Stage.id),
            "period_id": first(Period.id), "resource_id": first(Resource.id),
            "token": "no-such-token"}  # an import's preview, kept by its token


@pytest.fixture
def people(app, db, demo_id) -> dict[str, int]:
    """The demo plan's people, one per role, the outsider and the admin: ids by role."""
    return add_people(db, demo_id)


@pytest.fixture
def tokens(db, people) -> dict[str, dict[str, str]]:
    """A read and a write token of each person: tokens["lead"]["write"]."""
    return add_tokens(db, people)


@pytest.fixture(scope="module")
def live_api(tmp_path_factory, database_states) -> Iterator[SimpleNamespace]:
    """The app on a database of its own (the demo plan with a saved run: the tests' RUN
    state, and the people with their tokens), served on a free local port:
    .url, .app, .plan_id, .run_id, .tokens (as the fixture), .people (ids)."""
    url = database_states.fresh(RUN, tmp_path_factory.mktemp("live_api"))
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url, **LIVE_CONFIG})
    plan_id = load_demo(app)  # there already: its id
    with open_session(app.extensions["planner_engine"], write=True) as session:
        people = add_people(session, plan_id)
        tokens = add_tokens(session, people)
        run_id = session.exec(select(Run.id).where(Run.plan_id == plan_id)).first()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(app=app, plan_id=plan_id, run_id=run_id, people=people,
                              tokens=tokens, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join()
        app.extensions["planner_engine"].dispose()
