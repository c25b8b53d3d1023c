"""What the journey's API tests share: `api`, a request to the demo plan's API as one of
its people, and `set_state`, the plan's cycle put in a state without the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import update

from models import Plan
from tests.api.conftest import call


@pytest.fixture
def api(app, demo_id, tokens) -> Callable[..., Any]:
    """api(role, method, path, **kwargs): the answer to a request under the demo plan
    (/api/v1/plans/<id> + path) with the role's write token (scope="read": its read
    token); kwargs as the test client's (json=, headers=, query_string=)."""
    client = app.test_client()

    def send(role: str, method: str, path: str = "", *, scope: str = "write",
             **kwargs: Any) -> Any:
        return call(client, method, f"/api/v1/plans/{demo_id}{path}", tokens[role][scope],
                    **kwargs)
    return send


def set_state(db, plan_id: int, state: str) -> None:
    db.execute(update(Plan).where(Plan.id == plan_id).values(state=state))
    db.commit()


def if_match(version: int | str) -> dict[str, str]:
    return {"If-Match": f'"{version}"'}


def fields_of(answer: Any) -> list[str]:
    """The fields a 422 problem names."""
    assert answer.status_code == 422, answer.get_json()
    assert answer.mimetype == "application/problem+json"
    return [error["field"] for error in answer.get_json()["errors"]]
