"""The uncertainty pages for each role: who reads them, who starts their jobs, and the
robust portfolio saved as a what-if that changes nothing the teams read; a run without
results says so and offers its job; other portfolios are told apart in words, by name."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from models import Publication, Run, Uncertainty
from models.queries import deciding_run, latest_draft
from planner.uncertainty.reading import Names, core_if_words
from planner.uncertainty.words import differences, listed
from tests.webapp import page_text

START = {"samples": "40", "seed": "3", "objective": "mean"}


def _url(plan_id: int, run_id: int, page: str = "uncertainty") -> str:
    return f"/plans/{plan_id}/runs/{run_id}/{page}"


PAGES = {"firmness": "uncertainty", "finance": "uncertainty/finance",
         "alternatives": "alternatives"}
# role -> the pages it may open; a team member finds no such run (it reads no run page)
READS = {"lead": {"firmness": 200, "finance": 200, "alternatives": 200},
         "finance": {"firmness": 200, "finance": 200, "alternatives": 200},
         "viewer": {"firmness": 200, "finance": 403, "alternatives": 200},
         "team": {"firmness": 404, "finance": 404, "alternatives": 404}}


@pytest.mark.parametrize("role", list(READS))
def test_each_role_opens_the_pages_its_role_reads(app, demo_id, ranged_run, people, role):
    for page, status in READS[role].items():
        response = people[role].get(_url(demo_id, ranged_run, PAGES[page]))
        assert response.status_code == status, (role, page)


@pytest.mark.parametrize(("role", "status"), [("lead", 302), ("finance", 302),
                                              ("viewer", 403), ("team", 404)])
def test_only_finance_and_the_lead_start_the_jobs(app, db, demo_id, ranged_run, people, role,
                                                  status):
    robust = people[role].post(_url(demo_id, ranged_run, "uncertainty/start"), data=START)
    others = people[role].post(_url(demo_id, ranged_run, "alternatives/start"),
                               data={"within": "2%", "count": "1"})
    assert (robust.status_code, others.status_code) == (status, status)
    db.rollback()
    assert db.exec(select(func.count()).select_from(Uncertainty)).one() == (
        2 if status == 302 else 0)


def test_a_run_without_results_says_so_and_offers_the_job(app, demo_id, ranged_run, people):
    for page in PAGES.values():
        lead = page_text(people["lead"].get(_url(demo_id, ranged_run, page)))
        assert "Not worked out yet for this run" in lead
        viewer = people["viewer"].get(_url(demo_id, ranged_run, page))
        if viewer.status_code == 200:
            text = page_text(viewer)
            assert "Finance or the CX lead can" in text
            assert "/start" not in viewer.get_data(as_text=True)
    assert "Work out how firm it is" in page_text(people["lead"].get(_url(demo_id, ranged_run)))


def test_a_plan_without_ranges_is_said_to_give_every_case_alike(app, db, demo_id,
                                                               ranged_run, people):
    said = "gives no estimate a range"
    assert said not in page_text(people["lead"].get(_url(demo_id, ranged_run)))
    other = people["lead"].post(f"/plans/{demo_id}/runs", data={})
    plain = int(other.headers["Location"].rsplit("/", 1)[1])
    db.rollback()
    run = db.get(Run, plain)  # its plan document without any range
    run.inputs = {**{key: value for key, value in run.inputs.items() if key != "uncertainty"},
                  "initiatives": [{key: value for key, value in entry.items()
                                   if key not in ("cost_range", "effects_range")}
                                  for entry in run.inputs["initiatives"]],
                  "moments": [{key: value for key, value in entry.items()
                               if key != "weight_range"} for entry in run.inputs["moments"]]}
    db.commit()
    assert said in page_text(people["viewer"].get(_url(demo_id, plain)))
    assert said in page_text(people["finance"].get(_url(demo_id, plain, "uncertainty/finance")))


def test_the_pages_show_the_kept_figures_with_names(app, db, demo_id, ranged_run, people):
    people["finance"].post(_url(demo_id, ranged_run, "uncertainty/start"), data=START)
    db.rollback()
    run = db.get(Run, ranged_run)
    row = db.exec(select(Uncertainty)).one()
    names = {entry["id"]: entry["name"] for entry in run.inputs["initiatives"]}
    html = people["viewer"].get(_url(demo_id, ranged_run)).get_data(as_text=True)
    assert html.count("<svg") == 2  # the impact band and the shares
    text = page_text(people["viewer"].get(_url(demo_id, ranged_run)))
    impact = row.result["decision"]["impact"]
    assert f"in a bad case (P10, one case in ten is worse) it delivers {impact['p10']:,.1f}" \
        in text
    for entry in row.result["initiatives"]:
        assert names[entry["id"]] in text
    borderline = [entry for entry in row.result["initiatives"]
                  if entry["class"] == "borderline"]
    assert borderline and "Borderline: a close call" in text
    names_of = Names.of(run)
    for key, wanted in row.result["core_if"].items():  # what would make it core, in words
        assert core_if_words(wanted, names_of, key) in text
    said = [core_if_words(row.result["core_if"][entry["id"]], names_of, entry["id"])
            for entry in borderline]
    assert any("turns out at" in words for words in said), said
    money = page_text(people["finance"].get(_url(demo_id, ranged_run, "uncertainty/finance")))
    share = row.result["decision"]["over_budget_share"]
    assert f"Cases over budget (the total or a period's) {share * 100:.0f}%" in money
    assert "Save the robust portfolio as a what-if" in money
    viewer_money = people["viewer"].get(_url(demo_id, ranged_run, "uncertainty/finance"))
    assert viewer_money.status_code == 403


def test_the_robust_portfolio_saved_as_a_what_if_changes_nothing_teams_read(
        app, db, demo_id, ranged_run, people):
    people["lead"].post(_url(demo_id, ranged_run, "uncertainty/start"), data=START)
    db.rollback()
    robust = db.exec(select(Uncertainty)).one().result["robust"]
    before = deciding_run(session=db, plan_id=demo_id, team_member=True)
    draft = latest_draft(session=db, plan_id=demo_id)
    team_view = page_text(people["team"].get(f"/plans/{demo_id}/teams"))
    saved = people["finance"].post(_url(demo_id, ranged_run, "uncertainty/save-robust"))
    assert saved.status_code == 302
    db.rollback()
    what_if = db.exec(select(Run).order_by(Run.id.desc())).first()
    assert what_if.kind == "what-if"
    assert what_if.label.startswith(f"Robust portfolio of run #{db.get(Run, ranged_run).number}")
    assert sorted(what_if.result["funded"]) == sorted(robust["funded"])
    assert deciding_run(session=db, plan_id=demo_id, team_member=True) == before
    assert latest_draft(session=db, plan_id=demo_id).id == draft.id
    assert db.exec(select(func.count()).select_from(Publication)).one() == 0
    assert page_text(people["team"].get(f"/plans/{demo_id}/teams")) == team_view
    viewer = people["viewer"].post(_url(demo_id, ranged_run, "uncertainty/save-robust"))
    assert viewer.status_code == 403


def test_saving_a_robust_portfolio_before_one_is_worked_out_is_refused(
        app, demo_id, ranged_run, people):
    response = people["finance"].post(_url(demo_id, ranged_run, "uncertainty/save-robust"))
    assert response.status_code == 409


def test_other_portfolios_are_told_apart_by_name(app, db, demo_id, run_id, people):
    people["lead"].post(_url(demo_id, run_id, "alternatives/start"),
                        data={"within": "10%", "count": "2"})
    db.rollback()
    run = db.get(Run, run_id)
    row = db.exec(select(Uncertainty)).one()
    text = page_text(people["viewer"].get(_url(demo_id, run_id, "alternatives")))
    assert row.result["alternatives"], "the demo plan has portfolios within 10%"
    names = {entry["id"]: entry["name"] for entry in run.inputs["initiatives"]}
    for alternative in row.result["alternatives"]:
        words = differences((run.result["funded"], run.result["focus"]),
                            (alternative["funded"], alternative["focus"]), run.inputs)
        assert f"It {words}." in text
        changed = set(alternative["funded"]) ^ set(run.result["funded"])
        assert changed and all(names[key] in words for key in changed)


INPUTS = {"initiatives": [{"id": "app", "name": "App redesign"},
                          {"id": "north", "name": "Store pilot North"},
                          {"id": "south", "name": "Store pilot South"},
                          {"id": "chat", "name": "Chat"}],
          "moments": [{"id": "delivery", "name": "Delivery"},
                      {"id": "returns", "name": "Returns"},
                      {"id": "fit", "name": "Fit"}]}


@pytest.mark.parametrize(("decision", "other", "words"), [
    ((["north", "south", "chat"], ["returns", "fit"]), (["app", "chat"], ["delivery", "fit"]),
     "funds App redesign instead of Store pilot North and Store pilot South; focus on "
     "Delivery instead of Returns"),
    ((["chat"], ["fit"]), (["chat", "app"], ["fit"]), "also funds App redesign"),
    ((["chat", "north"], ["fit"]), (["chat"], ["fit", "returns"]),
     "does without Store pilot North; also focus on Returns"),
    ((["chat"], ["fit"]), (["chat"], []), "no focus on Fit"),
    ((["chat"], ["fit"]), (["chat"], ["fit"]), "the same portfolio and focus as the decision"),
], ids=["instead", "also", "without-and-focus", "no-focus", "same"])
def test_differences_in_words(decision, other, words):
    assert differences(decision, other, INPUTS) == words


def test_long_lists_are_cut_short():
    assert listed([]) == "" and listed(["A"]) == "A" and listed(["A", "B"]) == "A and B"
    assert listed([str(k) for k in range(8)]) == "0, 1, 2, 3, 4 and 3 more"


@pytest.mark.parametrize(("over", "said"), [(True, True), (False, False)])
def test_a_robust_portfolio_below_the_runs_mean_is_said_to_keep_the_budget(
        app, db, demo_id, ranged_run, people, over, said):
    people["finance"].post(_url(demo_id, ranged_run, "uncertainty/start"), data=START)
    db.rollback()
    budget = db.get(Run, ranged_run).inputs["budget"]
    row = db.exec(select(Uncertainty)).one()
    result = dict(row.result)
    decision = dict(result["decision"])
    decision["cost"] = {**decision["cost"], "mean": budget + 5000 if over else budget - 5000}
    result["decision"] = decision
    result["robust"] = {**result["robust"], "objective": "mean",
                        "value": decision["impact"]["mean"] - 1.0}
    row.result = result
    db.commit()
    text = page_text(people["finance"].get(_url(demo_id, ranged_run, "uncertainty/finance")))
    warning = "The run's portfolio does more on average only by breaking the budget"
    assert (warning in text) is said
    if said:
        assert "The robust portfolio keeps to the budget at those mean costs." in text


def test_a_robust_portfolio_stopped_by_its_time_limit_says_so(app, db, demo_id, ranged_run,
                                                             people):
    people["finance"].post(_url(demo_id, ranged_run, "uncertainty/start"), data=START)
    db.rollback()
    row = db.exec(select(Uncertainty)).one()
    assert row.result["robust"]["status"] == "optimal" and "bound" not in row.result["robust"]
    row.result = {**row.result, "robust": {**row.result["robust"], "status": "feasible",
                                           "value": 500.0, "bound": 612.25}}
    db.commit()
    text = page_text(people["finance"].get(_url(demo_id, ranged_run, "uncertainty/finance")))
    assert ("Not proven the best: the search over every case at once stopped at its time "
            "limit with this portfolio; no portfolio does better than 612.3 (this one: "
            "500.0)") in text


def test_names_are_text_in_the_charts_and_tables_never_markup(app, db, demo_id, ranged_run,
                                                              people):
    """The charts are <svg> put in the pages as markup: an initiative's or a moment's name in
    them, as in the tables beside them, is written as text."""
    from sqlalchemy.orm.attributes import flag_modified

    hostile = '<script>alert(1)</script> & "x"'
    db.rollback()
    run = db.get(Run, ranged_run)
    inputs = dict(run.inputs)
    inputs["initiatives"] = [{**entry, "name": f"{hostile} {entry['id']}"}
                             for entry in inputs["initiatives"]]
    inputs["moments"] = [{**entry, "name": f"{hostile} {entry['id']}"}
                         for entry in inputs["moments"]]
    run.inputs = inputs
    flag_modified(run, "inputs")
    db.commit()
    people["finance"].post(_url(demo_id, ranged_run, "uncertainty/start"), data=START)
    for page in ("uncertainty", "uncertainty/finance", "alternatives"):
        html = people["finance"].get(_url(demo_id, ranged_run, page)).get_data(as_text=True)
        assert "<script>alert(1)" not in html, page
    html = people["finance"].get(_url(demo_id, ranged_run)).get_data(as_text=True)
    assert "Chart: share of cases choosing each initiative: &lt;script&gt;alert(1)" in html
