"""Finance on the pages: a run's return, the efficient frontier, each point's portfolio, and
the charts drawn on the server."""

from __future__ import annotations

import copy
import re

import pytest
from sqlmodel import func, select

import optimizer
from models import Initiative, Moment, Run
from models.db import open_session
from models.planfile import import_plan, plan_document
from optimizer.finance.frontier import Point, frontier
from optimizer.finance.returns import PortfolioReturns, initiative_returns, portfolio_returns
from planner import kept
from planner.demo import load_demo
from planner.finance.frontier import budget_text, step_words
from planner.finance.frontier_chart import frontier_svg
from planner.finance.frontier_forms import PAGE_POINTS
from planner.runs.charts import cost_by_period_svg, impact_by_moment_svg
from planner.runs.returns import coverage_words
from planner.web import figure, money, number, percent
from tests.webapp import make_app, page_text, saved_run, signed_in_client

OPTIONS = optimizer.Options(time_limit=30.0)  # as the test app's solve_options()
HOSTILE = "<script>alert(1)</script> costs $5 or $x"

# Worked by hand: one initiative of EUR 100,000 bringing EUR 60,000 a year, 2 years at 10 %.
TINY = {
    "plan": "Tiny", "currency": "EUR", "budget": 100000,
    "finance": {"horizon_years": 2, "discount_rate": 0.1},
    "moments": [{"id": "greet", "name": "Greeted at the door"}],
    "initiatives": [
        {"id": "smile", "name": "Smile training", "cost": 100000, "effects": {"greet": 5},
         "benefit": 60000},
        {"id": "mat", "name": "Welcome mat", "cost": 200000, "effects": {"greet": 1}}],
}


def _import(app, document: dict) -> int:
    with open_session(app.extensions["planner_engine"], write=True) as session:
        plan_id = import_plan(session, copy.deepcopy(document)).id
        session.commit()
    return plan_id


def _run_page(client, plan_id: int, **data):
    response = client.post(f"/plans/{plan_id}/runs", data=data)
    assert response.status_code == 302
    return client.get(response.headers["Location"])


def _latest_run(db) -> Run:
    db.rollback()
    return db.exec(select(Run).order_by(Run.id.desc())).first()


def _run_count(db) -> int:
    db.rollback()
    return db.exec(select(func.count()).select_from(Run)).one()


def _plan_now(db, plan_id: int) -> optimizer.Plan:
    plan = optimizer.plan_from_dict(plan_document(db, plan_id))
    db.rollback()
    return plan


def _rename(db, model, key: str, name: str) -> None:
    row = db.exec(select(model).where(model.key == key)).one()
    row.name = name
    db.commit()


# --- a run's return -----------------------------------------------------------------------

def test_run_page_shows_the_return_of_the_funded_work(client, db, demo_id):
    response = _run_page(client, demo_id)
    text = page_text(response)
    run = _latest_run(db)
    plan = optimizer.plan_from_dict(run.inputs)
    expected = portfolio_returns(plan, run.result["funded"])
    assert expected.without_benefit == ["accessibility"]  # the demo's one funded gap
    covered = expected.covered
    assert "<h2>Return</h2>" in response.get_data(as_text=True)
    for words in (f"Total cost {money(expected.cost, 'EUR')}",
                  f"Yearly benefit {money(covered.benefit, 'EUR')}",
                  f"ROI over 3 years {percent(covered.roi)}",
                  f"NPV at 8.00 % {money(covered.npv, 'EUR')}",
                  f"Payback {number(covered.payback_years, 1)} years",
                  "1 funded initiative (EUR 30,000) states no benefit: the figures cover the "
                  "other 6.",
                  "Over 3 years of benefit, discounted at 8.00 % a year (the defaults"):
        assert words in text


def test_run_page_gives_each_funded_initiative_its_return(client, db, demo_id):
    text = page_text(_run_page(client, demo_id))
    run = _latest_run(db)
    plan = optimizer.plan_from_dict(run.inputs)
    for key in run.result["funded"]:
        initiative = plan.initiative(key)
        own = initiative_returns(plan, initiative)
        if own.benefit is None:
            row = f"{initiative.name} {key} {money(own.cost)} no benefit stated – – –"
        else:
            row = (f"{initiative.name} {key} {money(own.cost)} {money(own.benefit)} "
                   f"{percent(own.roi)} {money(own.npv)} {number(own.payback_years, 1)} years")
        assert row in text


def test_return_of_a_tiny_plan_worked_by_hand(app, client):
    plan_id = _import(app, TINY)
    text = page_text(_run_page(client, plan_id))
    # ROI (2 x 60,000 - 100,000) / 100,000 = 20 %; NPV 60,000/1.1 + 60,000/1.21 - 100,000
    # = 4,132.23; payback 100,000 / 60,000 = 1.67 years.
    assert "Total cost EUR 100,000" in text and "Yearly benefit EUR 60,000" in text
    assert "ROI over 2 years 20.00 %" in text
    assert "NPV at 10.00 % EUR 4,132" in text
    assert "Payback 1.7 years" in text
    assert "Over 2 years of benefit, discounted at 10.00 % a year." in text
    assert "states no benefit" not in text


def test_no_stated_benefit_is_said_in_words_not_shown_as_zero(app, client):
    document = copy.deepcopy(TINY)
    document["budget"] = 300000
    del document["initiatives"][0]["benefit"]
    response = _run_page(client, _import(app, document))
    text = page_text(response)
    assert ("None of the 2 funded initiatives states a yearly benefit, so ROI, NPV and payback "
            "cannot be worked out.") in text
    assert "ROI over" not in text and "NPV at" not in text
    assert text.count("no benefit stated") == 2


@pytest.mark.parametrize("missing, cost, funded, words", [
    (["a"], 30000.0, 7, "1 funded initiative (EUR 30,000) states no benefit: the figures "
                        "cover the other 6."),
    (["a", "b", "c"], 120000.0, 12, "3 funded initiatives (EUR 120,000) state no benefit: "
                                    "the figures cover the other 9."),
    ([], 0.0, 5, ""),
])
def test_coverage_words(missing, cost, funded, words):
    portfolio = PortfolioReturns(cost=500000.0, covered=None, without_benefit=missing,
                                 cost_without_benefit=cost)
    assert coverage_words(portfolio, funded, "EUR") == words


def test_an_infeasible_run_has_no_return_panel(client, db, demo_id):
    rfid = db.exec(select(Initiative).where(Initiative.key == "rfid")).one()
    rfid.decision, rfid.reason = "fund", "board decision"
    db.commit()
    response = _run_page(client, demo_id, budget="100000")
    assert "No portfolio fits the plan" in page_text(response)
    assert "<h2>Return</h2>" not in response.get_data(as_text=True)


def test_a_run_whose_saved_inputs_fail_the_checks_still_shows(client, db, demo_id,
                                                                monkeypatch):
    _run_page(client, demo_id)
    saved = _latest_run(db)
    saved.inputs = dict(saved.inputs, max_focus=0)  # as if the plan rules had changed
    db.add(saved)
    db.commit()
    # new rules come with new code, in a new process: one that has worked out no run yet,
    # and finds none of the figures kept by the old code (their keys name its code)
    from planner.runs import returns
    kept.forget_all()
    monkeypatch.setattr(returns, "RETURNS_CODE", "the new code")
    response = client.get(f"/plans/{demo_id}/runs/{saved.id}")
    assert response.status_code == 200
    assert "no longer pass the plan checks, so its return cannot be worked out" in page_text(
        response)


def test_run_page_draws_impact_by_moment_and_cost_against_budget(client, db, demo_id):
    html = _run_page(client, demo_id).get_data(as_text=True)
    run = _latest_run(db)
    assert html.count("<svg") == 2
    assert 'class="chart-svg chart-impact"' in html and 'class="chart-svg chart-cost"' in html
    names = {m["id"]: m["name"] for m in run.inputs["moments"]}
    for moment in run.result["moments"]:
        if moment["focus"]:
            assert f"{names[moment['id']]} {figure(moment['contribution'])}" in html
    assert "H1 EUR 260,000 spent of EUR 260,000" in html
    assert f"Whole plan {money(run.cost, 'EUR')} spent of EUR 450,000" in html


def test_a_runs_charts_are_drawn_once_and_the_same_figures_draw_the_same_chart(
        client, demo_id):
    first = _run_page(client, demo_id).get_data(as_text=True)
    run_url = f"/plans/{demo_id}/runs/{_run_id(first)}"
    drawn = kept.CHARTS.misses
    again = client.get(run_url).get_data(as_text=True)
    assert re.findall(r"<svg.*?</svg>", again, re.S) == re.findall(r"<svg.*?</svg>", first, re.S)
    assert kept.CHARTS.misses == drawn  # nothing drawn again
    # other figures are other drawings: a list and a tuple of the same rows are one key
    rows = [("Greeting", 12.5), ("Checkout", 3.0)]
    assert impact_by_moment_svg(rows) == impact_by_moment_svg(tuple(rows))
    assert impact_by_moment_svg(rows) != impact_by_moment_svg([("Greeting", 12.5)])


def _no_script_but_the_apps(html: str) -> bool:
    """Whether every script of the page is one of the app's own files (base.html's)."""
    return all(tag.startswith('<script src="/static/')
               for tag in re.findall(r"<script[^>]*>", html, flags=re.I))


def _run_id(html: str) -> int:
    return int(re.search(r"/runs/(\d+)/say-no", html).group(1))


def test_user_text_in_charts_and_pages_is_escaped(client, db, demo_id):
    _rename(db, Moment, "queue", HOSTILE)
    _rename(db, Initiative, "mobilepos", HOSTILE)
    run_page = _run_page(client, demo_id)
    pages = [run_page, client.get(f"/plans/{demo_id}/frontier"),
             client.get(f"/plans/{demo_id}/frontier/portfolio?budget=450000")]
    for response in pages:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert _no_script_but_the_apps(html)
    run_html = run_page.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; costs $5 or $x" in run_html
    assert "<svg" in run_html
    # the trend charts of the journey and of the moment's own page name it in their titles
    queue = db.exec(select(Moment).where(Moment.key == "queue")).one()
    for url in (f"/plans/{demo_id}/journey",
                f"/plans/{demo_id}/moments/{queue.id}/measurements"):
        html = client.get(url).get_data(as_text=True)
        assert _no_script_but_the_apps(html), url
        assert 'aria-label="Chart: measured score of &lt;script&gt;alert(1)&lt;/script&gt; ' \
               'costs $5 or $x:' in html, url


# --- the frontier page --------------------------------------------------------------------

def test_frontier_page_draws_the_chart_the_table_and_the_steps(client, db, demo_id):
    response = client.get(f"/plans/{demo_id}/frontier")
    assert response.status_code == 200
    html, text = response.get_data(as_text=True), page_text(response)
    plan = _plan_now(db, demo_id)
    expected = frontier(plan, PAGE_POINTS, OPTIONS)
    assert expected.complete and len(expected.points) == 22
    assert html.count("<svg") == 1 and 'class="chart-svg chart-frontier"' in html
    assert "Plan budget EUR 450,000" in text
    assert "Every step: 22 points" in text
    for point in expected.points:  # each point stands at its cost, the step's start
        url = f"/plans/{demo_id}/frontier/portfolio?budget={budget_text(point.cost)}"
        assert f'<a href="{url}"' in html  # in the table
        assert f'xlink:href="{url}"' in html  # on the chart
    assert html.count(f'<a href="/plans/{demo_id}/frontier/portfolio') == 22
    for lower, upper in zip(expected.points, expected.points[1:], strict=False):
        assert step_words(plan, lower, upper) in text
    # The forced-in accessibility fixes cost EUR 30,000: nothing fits below that.
    assert "Below EUR 30,000 no portfolio keeps every rule" in text
    # Where the plan's budget meets the steps is what the run at that budget gives.
    run = optimizer.solve(plan, OPTIONS)
    assert f"what it buys, impact {figure(run.impact)}" in text
    top = expected.points[-1]
    names = ", ".join(plan.moment(key).name for key in top.focus)
    assert (f"{money(top.cost, 'EUR')} {figure(top.impact)} {len(top.funded)} {names} "
            "Proven optimal") in text


def test_frontier_says_what_the_next_100k_buys_at_the_plan_budget(client, db, demo_id):
    plan = _plan_now(db, demo_id)
    lower, upper = (_point(plan, budget) for budget in (450000.0, 550000.0))
    text = page_text(client.get(f"/plans/{demo_id}/frontier?points=3"))
    words = step_words(plan, lower, upper, by_budget=True)
    assert words.startswith("From EUR 450,000 to EUR 550,000")
    assert f"What the next EUR 100,000 buys: {words}" in text
    client.post(f"/plans/{demo_id}/edit", data={"name": "Retail stores FY2027",
                                                "currency": "EUR", "max_focus": "3",
                                                "version": "1"})
    plan = _plan_now(db, demo_id)
    assert plan.budget is None
    text = page_text(client.get(f"/plans/{demo_id}/frontier?points=3"))
    assert "What the next" not in text and "The plan has no total budget" in text
    assert "Plan budget" not in text


def test_frontier_with_fewer_points_than_steps(client, db, demo_id):
    html = client.get(f"/plans/{demo_id}/frontier?points=5").get_data(as_text=True)
    shown = html.count(f'<a href="/plans/{demo_id}/frontier/portfolio')
    assert 2 <= shown <= 5
    assert html.count(f'xlink:href="/plans/{demo_id}/frontier/portfolio') == shown
    text = " ".join(html.split())
    assert f"{shown} points spread over the range" in text
    assert "the steps between them are not shown" in text
    every = frontier(_plan_now(db, demo_id), PAGE_POINTS, OPTIONS).points
    for point in every[-1:]:  # the top step is always among them
        assert f"budget={budget_text(point.cost)}" in html


@pytest.mark.parametrize("points, message", [
    ("0", "between 2 and 200"),
    ("1", "between 2 and 200"),
    ("201", "between 2 and 200"),
    ("x", "Enter a whole number, such as 3"),
    ("2.5", "Enter a whole number, such as 3"),
    ("", "Enter how many points to show at most"),
])
def test_bad_point_counts_are_a_message_at_the_field(client, demo_id, points, message):
    response = client.get(f"/plans/{demo_id}/frontier", query_string={"points": points})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in page_text(response)
    assert f'value="{points}"' in html and 'aria-invalid="true"' in html
    assert "<svg" not in html


def test_frontier_of_a_plan_that_breaks_the_rules_lists_its_problems(client, db):
    client.post("/plans/new", data={"name": "Empty", "currency": "EUR", "max_focus": "3"})
    for url in ("/plans/1/frontier", "/plans/1/frontier/portfolio?budget=1000"):
        response = client.get(url)
        assert response.status_code == 422
        assert "moments: must list at least one moment" in page_text(response)
    assert _run_count(db) == 0


def test_frontier_of_a_plan_without_initiatives(client):
    client.post("/plans/new", data={"name": "Bare", "currency": "EUR", "max_focus": "3",
                                    "budget": "5000"})
    moment = client.post("/plans/1/moments/new", data={
        "key": "greet", "name": "Greeted", "stage_id": "0", "side": "front", "weight": "1",
        "headroom": "", "category": "", "score": "", "version": ""})
    assert moment.status_code == 302
    response = client.get("/plans/1/frontier")
    assert response.status_code == 200
    assert "<svg" in response.get_data(as_text=True)
    assert "Every step: 1 point" in page_text(response)
    assert client.get("/plans/1/frontier/portfolio?budget=0").status_code == 200


def test_frontier_of_a_plan_no_portfolio_can_satisfy(client, db, demo_id):
    # Self-checkout and mobile point-of-sale exclude each other: forcing both in fits nothing.
    for key in ("selfcheck", "mobilepos"):
        row = db.exec(select(Initiative).where(Initiative.key == key)).one()
        row.decision, row.reason = "fund", "board decision"
    db.commit()
    response = client.get(f"/plans/{demo_id}/frontier?points=3")
    assert response.status_code == 200
    text = page_text(response)
    assert text.count("No portfolio fits the plan") == 1
    assert "No portfolio keeps every rule at any budget" in text
    point = client.get(f"/plans/{demo_id}/frontier/portfolio?budget=500000")
    assert point.status_code == 200
    assert "Why no portfolio fits" in page_text(point)
    assert "Save as a run" in page_text(point)


# --- one point's portfolio ----------------------------------------------------------------

def test_a_point_opens_its_portfolio_solved_now(client, db, demo_id):
    response = client.get(f"/plans/{demo_id}/frontier/portfolio?budget=244600")
    assert response.status_code == 200
    text = page_text(response)
    plan = _plan_now(db, demo_id)
    expected = optimizer.solve(optimizer.with_overrides(plan, budget=244600.0), OPTIONS)
    assert "Portfolio at EUR 244,600" in text and "solved just now, not saved" in text
    assert f"Impact {figure(expected.impact)} Cost {money(expected.cost, 'EUR')}" in text
    funded_table = text.split("Funded initiatives", 1)[1].split("Capacity", 1)[0]
    for initiative in plan.initiatives:
        assert (initiative.name in funded_table) == (initiative.id in expected.funded)
    for key in expected.focus:
        assert plan.moment(key).name in text
    assert "<svg" in response.get_data(as_text=True)
    assert "/say-no" not in response.get_data(as_text=True)  # an unsaved run has no pages
    assert _run_count(db) == 0


def test_save_as_a_run_posts_the_run_form_with_that_budget(client, db, demo_id):
    html = client.get(f"/plans/{demo_id}/frontier/portfolio?budget=244600").get_data(
        as_text=True)
    action, data = _save_form(html)
    assert action == f"/plans/{demo_id}/runs"
    assert data == {"budget": "244600", "what_if": "frontier"}
    response = client.post(action, data=data)
    assert response.status_code == 302
    run = _latest_run(db)
    expected = optimizer.solve(optimizer.with_overrides(_plan_now(db, demo_id),
                                                        budget=244600.0), OPTIONS)
    assert run.budget == 244600
    assert (run.kind, run.label) == ("what-if", "Frontier: budget EUR 244,600")
    assert run.result["funded"] == expected.funded and run.impact == pytest.approx(
        expected.impact)
    assert response.headers["Location"].endswith(f"/runs/{run.id}")


def test_save_as_a_run_carries_a_csrf_token_when_csrf_is_on(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    try:
        plan_id = load_demo(app)
        client = signed_in_client(app)
        # The frontier's GET forms need no token; the save button's POST has one.
        assert client.get(f"/plans/{plan_id}/frontier?points=3").status_code == 200
        html = client.get(f"/plans/{plan_id}/frontier/portfolio?budget=300000").get_data(
            as_text=True)
        action, data = _save_form(html)
        assert data["csrf_token"] and data["budget"] == "300000"
        assert client.post(action, data=data).status_code == 302
        assert client.post(action, data={"budget": "300000"}).status_code == 400
        with open_session(app.extensions["planner_engine"]) as session:
            assert [run.budget for run in session.exec(select(Run)).all()] == [300000]
    finally:
        app.extensions["planner_engine"].dispose()


@pytest.mark.parametrize("query, message", [
    ({}, "Enter a budget"),
    ({"budget": ""}, "Enter a budget"),
    ({"budget": "-1"}, "at least 0"),
    ({"budget": "abc"}, "Enter a number"),
    ({"budget": "inf"}, "finite"),
    ({"budget": "1e309"}, "finite"),
])
def test_bad_point_budgets_are_a_message_at_the_field(client, db, demo_id, query, message):
    response = client.get(f"/plans/{demo_id}/frontier/portfolio", query_string=query)
    assert response.status_code == 422
    assert message in page_text(response)
    assert "Save as a run" not in page_text(response)
    assert _run_count(db) == 0


def test_plan_navigation_links_the_frontier(client, demo_id):
    html = client.get(f"/plans/{demo_id}/portfolio").get_data(as_text=True)
    assert f'<a href="/plans/{demo_id}/frontier" >Frontier</a>' in html
    html = client.get(f"/plans/{demo_id}/frontier?points=2").get_data(as_text=True)
    assert f'<a href="/plans/{demo_id}/frontier" aria-current="page">Frontier</a>' in html


# --- the charts ---------------------------------------------------------------------------

POINTS = [Point(0.0, "infeasible", None, None),
          Point(100.0, "optimal", 5.0, 90.0, ["a"], ["m"]),
          Point(200.0, "feasible", 7.5, 180.0, ["a", "b"], ["m"]),
          Point(300.0, "no_solution", None, None)]


def _charts() -> dict[str, str]:
    return {"frontier": frontier_svg(POINTS, 150.0, "EUR", lambda budget: f"/p?b={budget:g}"),
            "impact": impact_by_moment_svg([(HOSTILE, 3.0), ("Queue", 1.5)]),
            "cost": cost_by_period_svg([("H1", 5.0, 10.0), ("H2", 7.0, None)], "EUR")}


def test_charts_are_inline_svg_the_page_policy_allows():
    for name, svg in _charts().items():
        assert svg.startswith("<svg ") and svg.endswith("</svg>")
        # The CSP refuses inline styles and scripts: presentation attributes only.
        assert "style" not in svg and "<script" not in svg
        assert "<title>Chart: " in svg and 'role="img"' in svg and 'aria-label="Chart: ' in svg
        ids = re.findall(r' id="([^"]+)"', svg)
        assert ids and all(key.startswith(f"{name}-") for key in ids)
        for reference in re.findall(r'(?:href="#|url\(#)([^")]+)', svg):
            assert reference in ids


def test_charts_are_the_same_every_time():
    assert _charts() == _charts()


def test_frontier_chart_marks_each_kind_of_point_and_links_it():
    svg = _charts()["frontier"]
    for label in ("Proven optimal", "Not proven optimal (time limit)", "No portfolio fits",
                  "None found in the time limit", "Plan budget EUR 150", "7.5", "5.0"):
        assert label in svg
    for budget in ("0", "90", "180", "300"):  # a point stands at its cost, if it has one
        assert f'xlink:href="/p?b={budget}"' in svg
    assert "EUR 180 buys impact 7.5. Open its portfolio." in svg
    assert "Budget EUR 300: no portfolio. Open its portfolio." in svg
    assert 'target="' not in svg  # links open in the same tab


def test_bar_charts_carry_their_figures_and_escape_names():
    charts = _charts()
    assert "3.0" in charts["impact"] and "1.5" in charts["impact"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; costs $5 or $x 3.0" in charts["impact"]
    assert "5 of 10" in charts["cost"] and "7, no budget" in charts["cost"]
    assert impact_by_moment_svg([]) == "" and cost_by_period_svg([], "EUR") == ""


def _save_form(html: str) -> tuple[str, dict[str, str]]:
    """The action and fields of the page's "Save as a run" form."""
    form = next((found for found in re.finditer(
        r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
        if "Save as a run" in found[2]), None)
    assert form is not None
    fields = dict(re.findall(r'<input [^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', form[2]))
    return form[1], fields


def _point(plan: optimizer.Plan, budget: float) -> Point:
    result = optimizer.solve(optimizer.with_overrides(plan, budget=budget), OPTIONS)
    return Point(budget, result.status, result.impact, result.cost, result.funded, result.focus)


def test_a_name_cannot_leave_the_chart_attribute_it_is_written_in():
    svg = str(impact_by_moment_svg([('Queue" onload="alert(1)', 3.0)]))
    assert 'onload="alert(1)"' not in svg  # the quote is escaped inside aria-label
    assert "Queue&quot; onload=&quot;alert(1)" in svg


def test_a_saved_runs_returns_are_worked_out_once(client, db, demo_id, monkeypatch):
    from planner.runs import returns

    run = saved_run(db, _run_id(_run_page(client, demo_id).get_data(as_text=True)))
    first = returns.run_returns(run)
    read = []
    monkeypatch.setattr(returns.optimizer, "plan_from_dict",
                        lambda document: read.append(document) or None)
    assert returns.run_returns(saved_run(db, run.id)) is first and read == []
    # the same id made at another time (SQLite gives a deleted row's id again) is another run
    db.expunge(run)
    run.created_at = run.created_at.replace(year=run.created_at.year - 1)
    with pytest.raises(AttributeError):  # worked out again, from the stubbed reader
        returns.run_returns(run)
    assert len(read) == 1
