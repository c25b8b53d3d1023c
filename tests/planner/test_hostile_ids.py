"""Ids that no database row can have, in a URL or a query, are ids of nothing: 404."""

from __future__ import annotations

import re

import pytest

from tests.webapp import api_token_headers, page_text

# Past what a 64-bit integer holds, and the largest id a row could have (PostgreSQL's
# integer): the first reaches a query only through the `int` converter, the second reaches
# the database and finds no row.
HUGE = ["99999999999999999999999", "2147483647"]


def _id_routes(app) -> list[tuple[str, list[str], str]]:
    """(rule, its id arguments, method) for every route that takes an id."""
    found = []
    for rule in app.url_map.iter_rules():
        ids = [name for name, converter in rule._converters.items()
               if converter.regex == r"\d+"]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if ids:
                found.append((rule.rule, ids, method))
    return found


def test_every_id_route_is_checked(app):
    assert len(_id_routes(app)) > 40  # the plan's pages, its rows' pages, runs, scenarios


@pytest.mark.parametrize("value", [str(2**31), str(2**63), "99999999999999999999999"])
def test_every_id_beyond_the_database_is_the_id_of_nothing(app, value):
    """Whatever its size, an id no row can have reaches every route as 0, the id of no row:
    the walk below with the largest of them shows every route answers 404 to it."""
    converter = app.url_map.converters["int"](app.url_map)
    assert converter.to_python(value) == 0
    assert converter.to_python(str(2**31 - 1)) == 2**31 - 1


@pytest.mark.parametrize("value", HUGE)
def test_an_id_beyond_the_database_is_a_404_on_every_route(app, client, demo_id, value):
    requests = []
    for rule, ids, method in _id_routes(app):
        for position in range(len(ids)):
            # one id out of range, the others real (the demo plan), then all of them
            for out in ({ids[position]}, set(ids)):
                url = rule
                for name in ids:
                    url = url.replace(f"<int:{name}>", value if name in out else str(demo_id))
                url = re.sub(r"<[^>]+>", "x", url)  # any other argument: a token, say
                if (method, url) not in requests:
                    requests.append((method, url))
    api = api_token_headers(app)  # the JSON API's operations read a token, not a session
    app.config["API_RATE_LIMIT"] = "100000 per minute"  # a walk, not the limit's test
    for method, url in requests:
        response = (client.open(url, method=method, json={}, headers=api)
                    if url.startswith("/api/v1/") else client.open(url, method=method, data={}))
        assert response.status_code == 404, (method, url, response.status_code)


@pytest.mark.parametrize("ids", [["99999999999999999999999", "1"], ["1", str(2**40)]])
def test_scenario_ids_beyond_the_database_are_a_404(client, demo_id, ids):
    response = client.get(f"/plans/{demo_id}/scenarios/compare", query_string={"ids": ids})
    assert response.status_code == 404
    assert "There is no such record" in page_text(response)
