"""Scenario pages: create, edit, delete, bad input, solve, compare, export and promote."""

from __future__ import annotations

import io

import openpyxl
import pytest
from markupsafe import escape
from sqlmodel import select

from models import Initiative, Moment, Period, Plan, Run, Scenario
from models.planfile import plan_document
from optimizer import plan_from_dict, solve
from optimizer.finance.scenarios import apply_overrides
from planner.spreadsheets import MONEY_FORMAT, escape_cell, sheet_names
from planner.web import figure
from tests.webapp import page_text, saved_run

CUT = {"name": "Budget cut", "budget": "300000", "max_focus": "2", "force_in": "selfcheck",
       "force_out": "greeter"}


def _moment_field(client, plan_id: int, key: str) -> str:
    """The form field of a moment's weight, found by the moment's id in its label."""
    html = client.get(f"/plans/{plan_id}/scenarios/new").get_data(as_text=True)
    for n in range(100):
        if f'for="weight_{n}">' in html and f"({key})</label>" in html.split(
                f'for="weight_{n}">')[1].split("\n")[0]:
            return f"weight_{n}"
    raise AssertionError(f"no weight field for {key}")


def _create(client, plan_id: int, **fields) -> Scenario:
    response = client.post(f"/plans/{plan_id}/scenarios/new", data=fields)
    assert response.status_code == 302, page_text(response)
    return response


def _scenario(db, name: str) -> Scenario:
    db.rollback()  # a fresh read: the app has committed since
    return db.exec(select(Scenario).where(Scenario.name == name)).one()


def _solve(client, plan_id: int, scenario: Scenario):
    response = client.post(f"/plans/{plan_id}/scenarios/{scenario.id}/solve")
    assert response.status_code == 302, page_text(response)


def test_create_saves_only_what_was_filled_in(client, db, demo_id):
    weight = _moment_field(client, demo_id, "queue")
    _create(client, demo_id, **CUT, **{weight: "9.5"}, period_0="100000", capacity_0="3")
    scenario = _scenario(db, "Budget cut")
    assert scenario.overrides == {
        "budget": 300000.0, "max_focus": 2, "period_budgets": {"H1": 100000.0},
        "weights": {"queue": 9.5}, "capacities": {"it": 3.0},
        "decisions": {"greeter": "reject", "selfcheck": "fund"}}
    assert scenario.result is None
    page = page_text(client.get(f"/plans/{demo_id}/scenarios/{scenario.id}"))
    assert "Total budget: EUR 300,000 (plan: EUR 450,000)" in page
    assert ("“Door greeter at peak hours” (greeter): forced out "
            "(plan: left to the optimiser)") in page
    assert "Not solved yet." in page


def test_no_total_budget_is_an_override_of_its_own(client, db, demo_id):
    _create(client, demo_id, name="Unlimited", no_budget="y")
    assert _scenario(db, "Unlimited").overrides == {"budget": None}


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "x", "budget": "-1"}, "budget", "Must be at least 0."),
    ({"name": "x", "budget": "nan"}, "budget", "Enter a finite number"),
    ({"name": "x", "budget": "5", "no_budget": "y"}, "no_budget", "not both"),
    ({"name": "x", "max_focus": "0"}, "max_focus", "between 1 and 20"),
    ({"name": "x", "weight_0": "-2"}, "weight_0", "Must be at least 0."),
    ({"name": "x", "capacity_1": "abc"}, "capacity_1", "Enter a number"),
    ({"name": "x", "force_in": "selfcheck nosuch"}, "force_in",
     "no initiative named or with the ID &#34;nosuch&#34;"),
    ({"name": "x", "force_in": "Self-checkout kiosks\nNo such work"}, "force_in",
     "no initiative named or with the ID &#34;No such work&#34;"),
    ({"name": "x", "force_in": "greeter", "force_out": "greeter"}, "force_out",
     "listed under two decisions"),
])
def test_bad_input_is_a_message_at_its_field_and_nothing_is_saved(client, db, demo_id, fields,
                                                                  field, message):
    response = client.post(f"/plans/{demo_id}/scenarios/new", data=fields)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    block = next(part for part in html.split('<div class="field')[1:] if f'id="{field}"' in part)
    assert "has-error" in block.split(">")[0] and message in block
    for value in fields.values():
        if value and value != "y":  # the input is kept, in its box or its text area
            assert f'value="{value}"' in html or f"{escape(value)}</textarea>" in html
    assert db.exec(select(Scenario)).all() == []


def test_names_are_unique_in_a_plan(client, db, demo_id):
    _create(client, demo_id, name="Same")
    response = client.post(f"/plans/{demo_id}/scenarios/new", data={"name": "Same"})
    assert response.status_code == 422
    assert "already has a scenario with this name" in response.get_data(as_text=True)
    assert len(db.exec(select(Scenario)).all()) == 1


def test_edit_shows_the_overrides_and_saves_changes(client, db, demo_id):
    _create(client, demo_id, **CUT)
    scenario = _scenario(db, "Budget cut")
    html = client.get(f"/plans/{demo_id}/scenarios/{scenario.id}/edit").get_data(as_text=True)
    assert 'value="300000"' in html  # initiatives by name, one per line
    assert "Self-checkout kiosks</textarea>" in html
    assert "Door greeter at peak hours</textarea>" in html
    response = client.post(f"/plans/{demo_id}/scenarios/{scenario.id}/edit",
                           data={"name": "Budget cut", "budget": "250000", "version": "1"})
    assert response.status_code == 302
    scenario = _scenario(db, "Budget cut")
    assert scenario.overrides == {"budget": 250000.0}
    assert scenario.version == 2


def test_a_save_over_a_newer_version_is_refused(client, db, demo_id):
    _create(client, demo_id, **CUT)
    scenario = _scenario(db, "Budget cut")
    url = f"/plans/{demo_id}/scenarios/{scenario.id}/edit"
    assert client.post(url, data={"name": "Budget cut", "version": "1"}).status_code == 302
    stale = client.post(url, data={"name": "Budget cut", "budget": "1", "version": "1"})
    assert "Someone else saved this" in stale.get_data(as_text=True)
    assert _scenario(db, "Budget cut").overrides == {}


def test_delete_asks_then_deletes_the_scenario_only(client, db, demo_id):
    _create(client, demo_id, **CUT)
    scenario = _scenario(db, "Budget cut")
    before = plan_document(db, demo_id)
    url = f"/plans/{demo_id}/scenarios/{scenario.id}/delete"
    assert "The plan, its runs and other scenarios stay." in page_text(client.get(url))
    assert client.post(url).status_code == 302
    db.rollback()
    assert db.exec(select(Scenario)).all() == []
    assert plan_document(db, demo_id) == before


def test_solving_keeps_the_solve_on_the_scenario_and_never_changes_the_plan(client, db,
                                                                            demo_id):
    _create(client, demo_id, **CUT)
    scenario = _scenario(db, "Budget cut")
    before = plan_document(db, demo_id)
    _solve(client, demo_id, scenario)
    scenario = _scenario(db, "Budget cut")
    assert plan_document(db, demo_id) == before
    assert db.exec(select(Run)).all() == []  # a what-if is not a run of the plan
    expected = solve(plan_from_dict(apply_overrides(before, scenario.overrides)))
    assert scenario.inputs == apply_overrides(before, scenario.overrides)
    assert scenario.result["impact"] == pytest.approx(expected.impact)
    assert scenario.result["funded"] == expected.funded
    assert "selfcheck" in scenario.result["funded"]
    assert "greeter" not in scenario.result["funded"]
    page = page_text(client.get(f"/plans/{demo_id}/scenarios/{scenario.id}"))
    assert "Proven optimal" in page and "Last solve" in page


def test_a_solve_is_marked_out_of_date_when_the_plan_changes(client, db, demo_id):
    _create(client, demo_id, **CUT)
    scenario = _scenario(db, "Budget cut")
    _solve(client, demo_id, scenario)
    url = f"/plans/{demo_id}/scenarios/{scenario.id}"
    assert "solve it again" not in page_text(client.get(url))
    db.rollback()
    db.exec(select(Moment).where(Moment.key == "signage")).one().weight = 7
    db.commit()
    assert "solve it again" in page_text(client.get(url))
    assert "out of date" in page_text(client.get(f"/plans/{demo_id}/scenarios"))


def test_a_scenario_that_no_longer_fits_the_plan_says_why(client, db, demo_id):
    weight = _moment_field(client, demo_id, "thanks")
    _create(client, demo_id, name="Thanks", **{weight: "3"})
    scenario = _scenario(db, "Thanks")
    db.delete(db.exec(select(Moment).where(Moment.key == "thanks")).one())
    db.commit()
    response = client.post(f"/plans/{demo_id}/scenarios/{scenario.id}/solve")
    assert response.status_code == 422
    assert "weights['thanks']: the plan has no moment 'thanks'" in page_text(response)
    assert _scenario(db, "Thanks").result is None
    promote = client.get(f"/plans/{demo_id}/scenarios/{scenario.id}/promote")
    assert promote.status_code == 422 and "cannot be promoted" in page_text(promote)


def test_solve_all_solves_what_is_missing(client, db, demo_id):
    _create(client, demo_id, **CUT)
    _create(client, demo_id, name="Base")
    assert client.post(f"/plans/{demo_id}/scenarios/solve-all").status_code == 302
    db.expire_all()
    assert all(s.result is not None for s in db.exec(select(Scenario)).all())


def _two_solved(client, db, demo_id) -> tuple[Scenario, Scenario]:
    _create(client, demo_id, **CUT)
    _create(client, demo_id, name="Base")
    client.post(f"/plans/{demo_id}/scenarios/solve-all")
    return _scenario(db, "Budget cut"), _scenario(db, "Base")


def test_comparison_shows_figures_and_the_work_in_one_and_not_the_other(client, db, demo_id):
    cut, base = _two_solved(client, db, demo_id)
    response = client.get(f"/plans/{demo_id}/scenarios/compare?ids={cut.id}&ids={base.id}")
    assert response.status_code == 200
    page = page_text(response)
    cut_funded, base_funded = set(cut.result["funded"]), set(base.result["funded"])
    only = sorted(cut_funded ^ base_funded)
    assert only  # the forced decisions alone make them differ
    assert f"Funded in some scenarios, not in others ({len(only)})" in page
    html = response.get_data(as_text=True)
    rows = html.split("Funded in some scenarios")[1]
    for key in only:
        row = rows.split(f"<code>{key}</code>")[1].split("</tr>")[0]
        marks = ["✓" if "✓ funded" in cell else "✗" for cell in row.split("<td>")[1:]]
        # first the plan as it is, which "Base" (no change) funds alike
        assert marks == ["✓" if key in base_funded else "✗",
                         "✓" if key in cut_funded else "✗", "✓" if key in base_funded else "✗"]
    for key in cut_funded & base_funded:
        assert f"<code>{key}</code>" not in rows
    assert f"{len(cut_funded & base_funded)} initiatives funded in every scenario" in page
    for heading in ("Impact", "ROI over the horizon", "NPV", "Payback", "Focus moments"):
        assert heading in page


@pytest.mark.parametrize("query", ["", "ids=1&ids=2&ids=3&ids=4&ids=5", "ids=x&ids=2"])
def test_a_comparison_needs_one_to_four_solved_scenarios(client, db, demo_id, query):
    response = client.get(f"/plans/{demo_id}/scenarios/compare?{query}",
                          follow_redirects=True)
    assert response.status_code == 200
    page = page_text(response)
    assert "Pick 1 to 4 scenarios" in page or "could not be read" in page


def test_unsolved_scenarios_cannot_be_compared(client, db, demo_id):
    _create(client, demo_id, name="A")
    _create(client, demo_id, name="B")
    a, b = _scenario(db, "A"), _scenario(db, "B")
    response = client.get(f"/plans/{demo_id}/scenarios/compare?ids={a.id}&ids={b.id}",
                          follow_redirects=True)
    assert "Solve A, B first" in page_text(response)


def test_another_plans_scenario_is_not_found(client, db, demo_id):
    cut, base = _two_solved(client, db, demo_id)
    other = client.post("/plans/new", data={"name": "Other", "currency": "EUR",
                                            "max_focus": "3"})
    assert other.status_code == 302
    db.rollback()
    other_id = db.exec(select(Plan.id).where(Plan.name == "Other")).one()
    assert client.get(f"/plans/{other_id}/scenarios/{cut.id}").status_code == 404
    response = client.get(f"/plans/{other_id}/scenarios/compare?ids={cut.id}&ids={base.id}")
    assert response.status_code == 404


def test_comparison_workbook(client, db, demo_id):
    db.rollback()
    db.exec(select(Initiative).where(Initiative.key == "music")).one().name = "=HYPERLINK(1)"
    db.commit()
    _create(client, demo_id, **{**CUT, "name": "=cmd|' /C calc'!A0"})
    _create(client, demo_id, name="Base")
    client.post(f"/plans/{demo_id}/scenarios/solve-all")
    cut, base = _scenario(db, "=cmd|' /C calc'!A0"), _scenario(db, "Base")
    response = client.get(f"/plans/{demo_id}/scenarios/compare.xlsx?ids={cut.id}&ids={base.id}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Summary", "Differences", "The plan as it is",
                               "=cmd|'  C calc'!A0", "Base"]
    summary = book["Summary"]
    assert summary.freeze_panes == "A2"
    header = [cell.value for cell in summary[1]]
    assert summary.cell(2, 1).value == "The plan as it is"
    assert summary.cell(3, 1).value == "'=cmd|' /C calc'!A0"  # text, not a formula
    assert summary.cell(3, header.index("Cost") + 1).number_format == MONEY_FORMAT
    for row in (2, 4):  # the plan as it is, and "Base", which changes nothing
        assert summary.cell(row, header.index("Impact") + 1).value == pytest.approx(
            base.result["impact"])
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    names = [cell.value for cell in book["Base"]["B"]]
    assert "'=HYPERLINK(1)" in names
    funded = [row[0].value for row in book["Base"].iter_rows(min_row=2) if row[3].value == "yes"]
    assert sorted(funded) == sorted(base.result["funded"])


def test_promoting_makes_the_scenario_the_plans_settings_and_runs_it(client, db, demo_id):
    weight = _moment_field(client, demo_id, "queue")
    _create(client, demo_id, **CUT, **{weight: "9"}, period_0="150000", capacity_1="5")
    scenario = _scenario(db, "Budget cut")
    _solve(client, demo_id, scenario)
    scenario = _scenario(db, "Budget cut")
    greeter = db.exec(select(Initiative).where(Initiative.key == "greeter")).one()
    greeter_version = greeter.version
    url = f"/plans/{demo_id}/scenarios/{scenario.id}/promote"
    page = page_text(client.get(url))
    assert "Total budget: EUR 300,000 (plan: EUR 450,000)" in page
    response = client.post(url)
    assert response.status_code == 302 and "/runs/" in response.headers["Location"]
    db.rollback()
    document = plan_document(db, demo_id)
    assert _without_reasons(document) == _without_reasons(scenario.inputs)
    run = db.exec(select(Run)).one()
    assert run.inputs == document
    assert run.result["funded"] == scenario.result["funded"]
    assert run.impact == pytest.approx(scenario.result["impact"])
    greeter_now = db.get(Initiative, greeter.id)
    assert greeter_now.decision == "reject" and greeter_now.version == greeter_version + 1
    assert "Budget cut" in greeter_now.reason
    # A settings form opened before the promotion cannot overwrite it.
    plan = db.get(Plan, demo_id)
    period = db.exec(select(Period).where(Period.plan_id == demo_id)
                     .order_by(Period.position)).first()
    assert (plan.version, period.version) == (2, 2)


def _without_reasons(document: dict) -> dict:
    return {**document, "initiatives": [{k: v for k, v in initiative.items() if k != "reason"}
                                        for initiative in document["initiatives"]]}


@pytest.mark.parametrize(("value", "escaped"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("a=b", "a=b"), (-5, -5),
    (None, None),
])
def test_cells_that_a_spreadsheet_would_run_are_escaped(value, escaped):
    assert escape_cell(value) == escaped


def test_sheet_names_are_ones_excel_accepts():
    names = sheet_names(["a/b", "x" * 40, "x" * 40, "", "Summary", "summary"])
    assert names[0] == "a b"
    assert all(len(name) <= 31 for name in names)
    assert len({name.lower() for name in names}) == len(names)


def test_the_comparison_starts_with_the_plan_as_it_is_and_says_its_finance(client, db,
                                                                             demo_id):
    _create(client, demo_id, **CUT)
    client.post(f"/plans/{demo_id}/scenarios/solve-all")
    cut = _scenario(db, "Budget cut")
    run = client.post(f"/plans/{demo_id}/runs", data={})
    run_id = int(run.headers["Location"].rsplit("/", 1)[1])
    response = client.get(f"/plans/{demo_id}/scenarios/compare?ids={cut.id}")
    assert response.status_code == 200
    page = page_text(response)
    head = response.get_data(as_text=True).split("<thead>")[1].split("</thead>")[0]
    assert head.index("The plan as it is") < head.index("Budget cut")
    latest = saved_run(db, run_id)  # the latest run is of the plan as it is: its figures
    assert f"Impact {figure(latest.impact)} {figure(cut.result['impact'])}" in page
    assert "Finance horizon 3 years 3 years" in page
    assert "Discount rate 8.00 % 8.00 %" in page
    index = page_text(client.get(f"/plans/{demo_id}/scenarios"))
    assert "with the plan as it is (1 to 4)" in index
