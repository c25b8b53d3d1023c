"""Finance's what-ifs: a frontier point or a scenario saved as a run, and finance's own
runs, are labelled what-ifs that never change what the plan's pages show as its state;
the frontier writes its figures one way, in its sentences and its table alike; and each
page offers a reader only the buttons their role may use."""

from __future__ import annotations

import re

from sqlmodel import func, select

from models import Plan, Run, Scenario
from models.queries import deciding_run
from optimizer.finance.frontier import Point
from planner.finance.compare import PLAN_AS_IT_IS, plan_as_it_is
from planner.finance.frontier import step_words
from planner.web import figure
from tests.planner.runs.test_run_kinds import post_run, with_roles
from tests.webapp import page_text

NOTICE = "The plan has changed since this run"


def _focus_names(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", " ", card.split("</h3>")[0]).strip()
            for card in html.split('<article class="card focus">')[1:]]


def _moment_names(run: Run) -> dict[str, str]:
    return {row["id"]: row["name"] for row in run.inputs["moments"]}


def test_a_saved_frontier_point_leaves_the_leads_draft_focus_on_every_page(app, db,
                                                                              demo_id):
    people = with_roles(app, db, demo_id)
    draft = post_run(people["lead"], demo_id)
    point = post_run(people["finance"], demo_id, budget="100000", what_if="frontier")
    names = _moment_names(draft)
    drafted = {names[key] for key in draft.result["focus"]}
    other = {names[key] for key in point.result["focus"]} - drafted
    assert other, "the point at EUR 100,000 focuses elsewhere"
    db.rollback()
    assert deciding_run(session=db, plan_id=demo_id, team_member=False)[0].id == draft.id
    for role in ("lead", "finance", "viewer"):
        html = people[role].get(f"/plans/{demo_id}/journey").get_data(as_text=True)
        shown = _focus_names(html)
        assert len(shown) == len(drafted), role
        assert all(any(name in card for name in drafted) for card in shown), role
        assert not any(name in card for card in shown for name in other), role
    # the initiative list reads the lead's draft too: what it funds, not the point's
    funded_by_point_only = set(point.result["funded"]) - set(draft.result["funded"])
    text = page_text(people["lead"].get(f"/plans/{demo_id}/initiatives"))
    rows = {row["id"]: row["name"] for row in draft.inputs["initiatives"]}
    for key in funded_by_point_only:
        at = text.index(rows[key])
        assert "not funded" in text[at:at + 400], key
    # the portfolio's latest draft is the lead's, with no changed notice
    text = page_text(people["lead"].get(f"/plans/{demo_id}/portfolio"))
    assert f"Latest draft: run #{draft.number}" in text and NOTICE not in text
    assert f"#{point.number} What-if: Frontier: budget EUR 100,000" in text


def test_a_scenario_saved_as_a_run_is_a_labelled_what_if_of_its_settings(app, db, demo_id):
    people = with_roles(app, db, demo_id)
    finance = people["finance"]
    assert finance.post(f"/plans/{demo_id}/scenarios/new", data={
        "name": "Budget cut 10%", "budget": "405000", "force_out": "greeter"}).status_code == 302
    scenario = db.exec(select(Scenario).where(Scenario.name == "Budget cut 10%")).one()
    page = finance.get(f"/plans/{demo_id}/scenarios/{scenario.id}").get_data(as_text=True)
    assert f'name="what_if" value="scenario-{scenario.id}"' in page
    run = post_run(finance, demo_id, what_if=f"scenario-{scenario.id}")
    assert (run.kind, run.label) == ("what-if", "Scenario: Budget cut 10%")
    assert run.budget == 405000
    greeter = next(row for row in run.inputs["initiatives"] if row["id"] == "greeter")
    assert greeter["decision"] == "reject" and "greeter" not in run.result["funded"]
    assert run.result["overrides"] == scenario.overrides
    text = page_text(people["lead"].get(f"/plans/{demo_id}/runs/{run.id}"))
    assert f"Run #{run.number}: What-if: Scenario: Budget cut 10%" in text
    assert NOTICE not in text  # its own budget and decision are not the plan's changes
    assert "Latest draft" not in page_text(people["lead"].get(f"/plans/{demo_id}/portfolio"))


def test_a_scenario_not_in_the_plan_is_refused_and_nothing_is_saved(client, db, demo_id):
    response = client.post(f"/plans/{demo_id}/runs", data={"what_if": "scenario-999"})
    assert response.status_code == 422
    assert "The scenario to save as a run is no longer in the plan." in page_text(response)
    response = client.post(f"/plans/{demo_id}/runs", data={"what_if": "guess"})
    assert response.status_code == 422
    assert "Where the run comes from could not be read" in page_text(response)
    db.rollback()
    assert db.exec(select(func.count()).select_from(Run)).one() == 0


def test_the_frontiers_sentences_write_impact_as_its_table_does(client, demo_id):
    lower = Point(budget=80000.0, status="optimal", impact=195.35, cost=80000.0,
                  funded=[], focus=[])
    upper = Point(budget=100000.0, status="optimal", impact=205.45, cost=100000.0,
                  funded=[], focus=[])
    # 205.45 is 205.4499... as a float: written half up, as a person reads it, 205.5
    assert figure(205.45) == "205.5" and figure(195.35) == "195.4"
    assert step_words(_Named(), lower, upper) == (
        "From EUR 80,000 to EUR 100,000, impact rises by 10.1 (from 195.4 to 205.5).")
    # on the page: the step to the demo's point of impact 205.45 reads the same in both
    text = page_text(client.get(f"/plans/{demo_id}/frontier"))
    table, steps = text.split("What each step buys", 1)
    assert " 205.5 " in table and "205.5)" in steps
    assert "205.4 " not in text and "205.4)" not in text


class _Named:
    """A plan as step_words reads it when no work changes between the two points."""

    currency = "EUR"


def test_the_comparisons_plan_as_it_is_is_never_a_what_if(app, db, demo_id):
    people = with_roles(app, db, demo_id)
    what_if = post_run(people["finance"], demo_id)  # of the plan as it is, yet a what-if

    def column() -> Scenario:
        with app.app_context():
            db.rollback()
            return plan_as_it_is(db, db.get(Plan, demo_id))

    assert column().solved_at != what_if.created_at  # solved for the page instead
    draft = post_run(people["lead"], demo_id)
    found = column()
    assert found.name == PLAN_AS_IT_IS
    assert found.solved_at.replace(tzinfo=None) == draft.created_at.replace(tzinfo=None)


def test_each_role_sees_only_the_buttons_it_may_use(app, db, demo_id):
    people = with_roles(app, db, demo_id)
    assert people["finance"].post(f"/plans/{demo_id}/scenarios/new",
                                  data={"name": "Lean"}).status_code == 302
    scenario = db.exec(select(Scenario).where(Scenario.name == "Lean")).one()
    pages = {"scenario": f"/plans/{demo_id}/scenarios/{scenario.id}",
             "scenarios": f"/plans/{demo_id}/scenarios",
             "point": f"/plans/{demo_id}/frontier/portfolio?budget=300000"}
    viewer = {name: people["viewer"].get(url).get_data(as_text=True)
              for name, url in pages.items()}
    for html in viewer.values():
        assert "Save as a run" not in html and f'action="/plans/{demo_id}/runs"' not in html
        for word in ("/edit", "/delete", "/promote", "/solve", "/scenarios/new"):
            assert word not in html, word
    finance = {name: people["finance"].get(url).get_data(as_text=True)
               for name, url in pages.items()}
    assert "Save as a run" in finance["scenario"] and "Save as a run" in finance["point"]
    assert "/promote" not in finance["scenario"]  # the CX lead's alone
    assert "/edit" in finance["scenario"] and "/scenarios/new" in finance["scenarios"]
    lead = people["lead"].get(pages["scenario"]).get_data(as_text=True)
    assert "/promote" in lead
