"""The API's fixtures give what they say: each person's tokens act as that person, with
its scope, through the test client and through the live server."""

from __future__ import annotations

import requests

from tests.api.conftest import call


def test_each_token_acts_as_its_person_with_its_scope(app, demo_id, tokens):
    client = app.test_client()
    for role in ("lead", "viewer", "admin"):
        seen = call(client, "GET", "/api/v1/plans", tokens[role]["read"]).get_json()
        assert [plan["id"] for plan in seen["items"]] == [demo_id], role
    assert call(client, "GET", "/api/v1/plans", tokens["outsider"]["read"]).get_json()[
        "items"] == []
    assert call(client, "GET", "/api/v1/plans", None).status_code == 401
    refused = call(client, "POST", "/api/v1/plans", tokens["lead"]["read"])
    assert refused.status_code == 403 and "only reads" in refused.get_json()["detail"]


def test_the_live_server_answers_with_its_tokens(live_api):
    answer = requests.get(f"{live_api.url}/api/v1/plans/{live_api.plan_id}", timeout=10,
                          headers={"Authorization": f"Bearer {live_api.tokens['viewer']['read']}"})
    assert answer.status_code == 200 and answer.json()["id"] == live_api.plan_id
    assert answer.headers["ETag"] == f'"{answer.json()["version"]}"'
    assert live_api.run_id is not None
