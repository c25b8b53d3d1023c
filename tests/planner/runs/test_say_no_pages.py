"""The say-no page a hundred rejections at a time, in either order, every one once."""

from __future__ import annotations

import re

import pytest

from models.db import open_session
from models.planfile import import_plan
from optimizer.samples import generate_document
from planner.runs.say_no import PER_PAGE
from tests.webapp import page_text


@pytest.fixture
def large_run(app, client) -> tuple[int, int]:
    document = generate_document(260, 8, seed=5, budget_share=0.1)
    with open_session(app.extensions["planner_engine"], write=True) as session:
        plan_id = import_plan(session, document).id
        session.commit()
    location = client.post(f"/plans/{plan_id}/runs", data={}).headers["Location"]
    return plan_id, int(location.rsplit("/", 1)[1])


def _keys(response) -> list[str]:
    return re.findall(r"/say-no/([A-Za-z0-9_.:-]+)\"", response.get_data(as_text=True))


@pytest.mark.parametrize("sort", [None, "impact_lost"])
def test_every_rejection_once_over_the_pages(client, large_run, sort):
    plan_id, run_id = large_run
    url = f"/plans/{plan_id}/runs/{run_id}/say-no"
    first = client.get(url, query_string={"sort": sort} if sort else {})
    total = int(re.search(r"([\d,]+) initiatives not funded", page_text(first)).group(1)
                .replace(",", ""))
    assert total > PER_PAGE
    pages = -(-total // PER_PAGE)
    assert f"Page 1 of {pages}" in page_text(first)
    seen = []
    for number in range(1, pages + 1):
        query = {"page": number, **({"sort": sort} if sort else {})}
        seen += list(dict.fromkeys(_keys(client.get(url, query_string=query))))
    assert len(seen) == len(set(seen)) == total


def test_a_page_past_the_end_shows_the_last(client, large_run):
    plan_id, run_id = large_run
    response = client.get(f"/plans/{plan_id}/runs/{run_id}/say-no?page=99999999999999")
    assert response.status_code == 200
    assert re.search(r"Page (\d+) of \1", page_text(response))


def test_the_run_page_lists_the_first_ten_of_each_reason_and_links_the_rest(client, db,
                                                                            large_run):
    from tests.webapp import saved_run

    plan_id, run_id = large_run
    rejected = saved_run(db, run_id).result["rejected"]
    reasons = {}
    for entry in rejected:
        reasons.setdefault(entry["reason"], []).append(entry["id"])
    assert max(len(keys) for keys in reasons.values()) > 10
    response = client.get(f"/plans/{plan_id}/runs/{run_id}")
    listed = _keys(response)
    assert len(listed) == sum(min(len(keys), 10) for keys in reasons.values())
    text = page_text(response)
    for keys in reasons.values():
        if len(keys) > 10:
            assert f"And {len(keys) - 10:,} more for this reason: every one on the say-no " \
                   "page" in text
    assert f'href="/plans/{plan_id}/runs/{run_id}/say-no"' in response.get_data(as_text=True)
