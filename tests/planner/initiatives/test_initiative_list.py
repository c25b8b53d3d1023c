"""The initiative list a page at a time, with a search: a plan of thousands stays a page."""

from __future__ import annotations

import re

import pytest

from models.db import open_session
from models.planfile import import_plan
from optimizer.samples import generate_document
from planner.initiatives.views import PER_PAGE
from tests.webapp import page_text


@pytest.fixture
def large_plan(app) -> int:
    document = generate_document(250, 6, seed=3)
    with open_session(app.extensions["planner_engine"], write=True) as session:
        plan = import_plan(session, document)
        session.commit()
        return plan.id


def _rows(response) -> list[str]:
    return re.findall(r'<code class="id">([^<]+)</code></td>', response.get_data(as_text=True))


def test_a_large_plan_is_listed_a_page_at_a_time(client, large_plan):
    first = client.get(f"/plans/{large_plan}/initiatives")
    assert len(_rows(first)) == PER_PAGE
    assert "1–100 of 250 initiatives" in page_text(first)
    assert "Page 1 of 3" in page_text(first)
    last = client.get(f"/plans/{large_plan}/initiatives?page=3")
    assert len(_rows(last)) == 50 and "201–250 of 250" in page_text(last)
    seen = _rows(first) + _rows(client.get(f"/plans/{large_plan}/initiatives?page=2")) \
        + _rows(last)
    assert len(set(seen)) == 250  # every initiative once


@pytest.mark.parametrize("page, shown", [("0", 1), ("-4", 1), ("x", 1), ("99", 3),
                                         ("99999999999999999999999", 3)])
def test_a_page_that_is_not_there_shows_the_nearest(client, large_plan, page, shown):
    response = client.get(f"/plans/{large_plan}/initiatives", query_string={"page": page})
    assert response.status_code == 200
    assert f"Page {shown} of 3" in page_text(response)


def test_search_finds_by_name_or_id_in_any_case(client, demo_id):
    response = client.get(f"/plans/{demo_id}/initiatives", query_string={"q": "  GREETER  "})
    assert _rows(response) == ["greeter"]
    assert "1 initiative whose name or ID holds “GREETER”" in page_text(response)
    by_name = client.get(f"/plans/{demo_id}/initiatives", query_string={"q": "self-check"})
    assert "selfcheck" in _rows(by_name)


@pytest.mark.parametrize("search", ["%", "_", "\\", "' OR 1=1 --"])
def test_search_words_are_words_not_patterns(client, demo_id, search):
    response = client.get(f"/plans/{demo_id}/initiatives", query_string={"q": search})
    assert response.status_code == 200
    assert _rows(response) == []
    assert "No initiative's name or ID holds" in page_text(response)


def test_filters_and_search_travel_with_the_pages(client, large_plan):
    html = client.get(f"/plans/{large_plan}/initiatives", query_string={"q": "i"}
                      ).get_data(as_text=True)
    assert "q=i" in html.split('rel="next"')[0].rsplit("href=", 1)[1]
