"""The decision through the API: a run published as the Publish page does it (the plan
decided, the teams mailed), read back with when and by whom, and its say-no list read page
by page with the say-no page's reasons and words."""

from __future__ import annotations

from sqlmodel import func, select

from models import Plan, Publication, Run
from optimizer.result import REASON_TITLES, REASONS
from planner.runs.views import published as published_signal
from tests.api.conftest import call


def _say_no(client, url: str, token: str, limit: int) -> list[dict]:
    """Every item of a say-no list, read page by page."""
    items, cursor = [], None
    while True:
        page = call(client, "GET", url, token, query_string={
            "limit": limit, **({"cursor": cursor} if cursor else {})}).get_json()
        items += page["items"]
        assert len(page["items"]) <= limit
        cursor = page["next_cursor"]
        if cursor is None:
            return items


def test_a_published_run_is_the_decision_with_its_say_no_list(app, run_id, tokens, db):
    saved, client = db.get(Run, run_id), app.test_client()
    base = f"/api/v1/plans/{saved.plan_id}"
    missing = call(client, "GET", f"{base}/decision", tokens["viewer"]["read"])
    assert missing.status_code == 404 and "publish" in missing.get_json()["detail"]
    key = {"Idempotency-Key": "publish-1"}
    told = []  # what builds on runs (the teams' mail) is told as by the page

    def receiver(_app, *, session, publication):
        told.append(publication.run_id)

    with published_signal.connected_to(receiver):
        published = call(client, "POST", f"{base}/runs/{run_id}/publish",
                         tokens["lead"]["write"], headers=key)
    assert published.status_code == 201, published.get_json()
    assert published.headers["Location"] == f"{base}/decision"
    again = call(client, "POST", f"{base}/runs/{run_id}/publish", tokens["lead"]["write"],
                 headers=key)
    assert again.get_json() == published.get_json()
    db.rollback()
    assert db.exec(select(func.count()).select_from(Publication)).one() == 1
    assert db.get(Plan, saved.plan_id).state == "decided"
    assert told == [run_id]
    decision = call(client, "GET", f"{base}/decision", tokens["viewer"]["read"]).get_json()
    assert decision == published.get_json()
    assert decision["run"]["id"] == run_id and decision["run"]["is_decision"]
    assert decision["run"]["what"].startswith("Decision (published ")
    assert decision["published_by"] == "Lead"
    assert [line["id"] for line in decision["funded"]] == saved.result["funded"]
    assert [moment["id"] for moment in decision["focus"]] == saved.result["focus"]

    listed = _say_no(client, f"{base}/decision/say-no", tokens["finance"]["read"], limit=4)
    rejected = {rejection["id"]: rejection for rejection in saved.result["rejected"]}
    assert sorted(item["id"] for item in listed) == sorted(rejected)
    order = [REASONS.index(item["reason"]) for item in listed]
    assert order == sorted(order)  # grouped by reason, in docs/model.md's order
    for item in listed:
        assert item["message"] == rejected[item["id"]]["message"]
        assert item["reason_title"] == REASON_TITLES[item["reason"]]
        assert (item["explained"], item["impact_lost"]) == (False, None)
    assert _say_no(client, f"{base}/runs/{run_id}/say-no", tokens["viewer"]["read"],
                   limit=50) == listed


def test_who_may_publish_and_read_the_decision(app, run_id, tokens, db):
    base, client = f"/api/v1/plans/{db.get(Run, run_id).plan_id}", app.test_client()
    for role in ("finance", "viewer", "team"):
        refused = call(client, "POST", f"{base}/runs/{run_id}/publish", tokens[role]["write"])
        assert refused.status_code in (403, 404), role
        assert refused.mimetype == "application/problem+json"
    assert call(client, "POST", f"{base}/runs/{run_id}/publish",
                tokens["outsider"]["write"]).status_code == 404
    assert call(client, "POST", f"{base}/runs/{run_id}/publish",
                tokens["admin"]["write"]).status_code == 201
    assert call(client, "GET", f"{base}/decision", tokens["team"]["read"]).status_code == 403
    assert call(client, "GET", f"{base}/decision/say-no",
                tokens["team"]["read"]).status_code == 403
    db.rollback()
    assert db.exec(select(func.count()).select_from(Publication)).one() == 1


def test_a_cursor_not_given_is_refused(app, run_id, tokens, db):
    answer = call(app.test_client(), "GET", f"/api/v1/plans/{db.get(Run, run_id).plan_id}"
                  f"/runs/{run_id}/say-no?cursor=OTk5", tokens["lead"]["read"])
    assert answer.status_code == 422
    assert answer.get_json()["errors"][0]["field"] == "cursor"
