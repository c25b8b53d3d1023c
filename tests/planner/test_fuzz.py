"""A bounded fuzz of every form and every id-taking route: hostile values never give a
server error, and never change another plan's rows. The values of each route's requests are
Hypothesis examples (pinned in CI by tests/conftest.py's profile; a failing one is shrunk
to the fewest hostile fields)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

from hypothesis import given, seed, settings
from hypothesis import strategies as st

from models import Influence, Initiative, Moment, Period, Resource, Run, Scenario, Stage
from models.db import open_session
from models.planfile import import_plan, plan_document
from planner.demo import demo_document
from tests.webapp import api_token_headers

VALUES = ["", " ", "0", "-1", "1e309", "nan", "inf", "-inf", "1e12", "1e13", "2.5", "x",
          "99999999999999999999999999", "75,000 EUR", "50k", "=SUM(A1)", "@x", "+1",
          "a\x00b", "\u202egnp.exe", "line\nbreak", "<script>alert(1)</script>", "é" * 300,
          "x" * 5000, "'; DROP TABLE plan; --", "%", "_", "\\", "../../etc/passwd", "true"]
POSTS_PER_ROUTE = 12
QUERIES_PER_PAGE = 6
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _other_plan(app) -> int:
    document = demo_document()
    document["plan"] = "Someone else's plan"
    with open_session(app.extensions["planner_engine"], write=True) as session:
        plan = import_plan(session, document)
        session.commit()
        return plan.id


def _document(app, plan_id: int) -> dict:
    with open_session(app.extensions["planner_engine"]) as session:
        return plan_document(session, plan_id)


def _urls(app, plan_id: int, rows: dict[str, int]) -> list[tuple[str, set[str]]]:
    """Each POST route of the plan (and of a row of it), with its methods; deletions last
    (the plan's own the very last), so that they do not take the rest's rows away."""
    found = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or "<token>" in rule.rule:
            continue
        for kind in ("stages", "periods", "resources"):
            url = rule.rule.replace("<int:plan_id>", str(plan_id)).replace("<kind>", kind)
            for name, value in rows.items():
                url = url.replace(f"<int:{name}>", str(rows.get(f"{kind}:{name}", value)))
            if "<" not in url and (url, rule.methods) not in found:
                found.append((url, rule.methods))
    return sorted(found, key=lambda pair: (pair[0].endswith("/delete"),
                                           pair[0] == f"/plans/{plan_id}/delete"))


def _rows(app, plan_id: int) -> dict[str, int]:
    """One row id of each kind the plan's routes take."""
    with open_session(app.extensions["planner_engine"]) as session:
        first = {model: session.exec(model.__table__.select().where(
            model.plan_id == plan_id)).first() for model in (
            Stage, Period, Resource, Moment, Influence, Initiative, Run, Scenario)}
    return {"moment_id": first[Moment].id, "influence_id": first[Influence].id,
            "initiative_id": first[Initiative].id, "row_id": first[Stage].id,
            "stages:row_id": first[Stage].id, "periods:row_id": first[Period].id,
            "resources:row_id": first[Resource].id,
            "run_id": first[Run].id, "scenario_id": first[Scenario].id}


def _with_run_and_scenario(client, plan_id: int) -> None:
    assert client.post(f"/plans/{plan_id}/runs", data={}).status_code == 302
    assert client.post(f"/plans/{plan_id}/scenarios/new",
                       data={"name": "Fuzzed"}).status_code == 302


def _never_a_server_error(url: str, send: Callable, names: set[str], examples: int) -> None:
    """`send(fields)` answers the URL below 500 for `examples` sets of hostile values, each
    of the names given one or left out."""
    @settings(max_examples=examples)
    @given(st.fixed_dictionaries({}, optional={name: st.sampled_from(VALUES)
                                               for name in sorted(names)}))
    def answered(fields: dict[str, str]) -> None:
        response = send(fields)
        assert response.status_code < 500, (url, fields, response.status_code)

    if settings.default.derandomize:  # pinned, but not to the same values on every route
        answered = seed(zlib.crc32(url.encode()))(answered)
    answered()


def test_hostile_form_posts_never_fail_nor_touch_another_plan(app, client, demo_id):
    other = _other_plan(app)
    before = _document(app, other)
    _with_run_and_scenario(client, demo_id)
    for url, methods in _urls(app, demo_id, _rows(app, demo_id)):
        names = {"version", "name", "key", "budget"}
        if "GET" in methods:
            names |= set(FIELD.findall(client.get(url).get_data(as_text=True)))
        _never_a_server_error(url, lambda data, url=url: client.post(url, data=data), names,
                              POSTS_PER_ROUTE)
    assert _document(app, other) == before


def test_another_plans_rows_are_not_found_through_this_plan(app, client, demo_id):
    other = _other_plan(app)
    _with_run_and_scenario(client, demo_id)
    _with_run_and_scenario(client, other)
    before = _document(app, other)
    theirs = _rows(app, other)
    api = api_token_headers(app)  # the JSON API's operations read a token, not a session
    app.config["API_RATE_LIMIT"] = "100000 per minute"  # a walk, not the limit's test
    for url, methods in _urls(app, demo_id, theirs):
        if any(str(value) in url for value in theirs.values()):
            for method in sorted(methods - {"HEAD", "OPTIONS"}):
                response = (client.open(url, method=method, json={"name": "taken over"},
                                        headers={**api, "If-Match": '"1"'})
                            if url.startswith("/api/v1/") else
                            client.open(url, method=method, data={"name": "taken over"}))
                assert response.status_code == 404, (method, url)
    assert _document(app, other) == before


QUERY_NAMES = ["team", "q", "moment", "sort", "page", "points", "budget", "ids", "key"]


def test_hostile_queries_on_every_page_never_fail(app, client, demo_id):
    _with_run_and_scenario(client, demo_id)
    rows = _rows(app, demo_id)
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = rule.rule.replace("<int:plan_id>", str(demo_id)).replace("<kind>", "stages")
        for name, value in rows.items():
            url = url.replace(f"<int:{name}>", str(value))
        url = re.sub(r"<[^>]+>", "x", url)
        _never_a_server_error(url, lambda query, url=url: client.get(url, query_string=query),
                              set(QUERY_NAMES), QUERIES_PER_PAGE)
