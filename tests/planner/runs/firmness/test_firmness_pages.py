"""How firm the run's choice is, on the pages of each role: the say-no list and a
rejection's explanation, the run page, and an initiative's page, read from a robust result
kept for the run (models.Uncertainty) as the job keeps it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Initiative, Membership, User
from models.queries import team_ids
from planner import kept
from tests.planner.runs.firmness.helpers import keep_result, robust_result
from tests.webapp import nobodys_password_hash, page_text, saved_run, signed_in_client

SHARES = {"rfid": 0.03, "selfcheck": 0.46, "loyaltyapp": 0.22, "mobilepos": 0.62,
          "greeter": 0.95}
CORE_IF = {"selfcheck": {"cost_at_most": 120000.0, "uplift_at_least": {"queue": 30.0},
                         "share": 0.9},
           "rfid": {"cost_at_most": None, "uplift_at_least": None, "share": 0.03}}


@pytest.fixture
def kept_result(db, run_id):
    run = saved_run(db, run_id)
    return keep_result(db, run, robust_result(run, SHARES, core_if=CORE_IF))


def _member(app, db, plan_id: int, role: str, team: str | None = None):
    email = f"{role}@example.com"
    user = User(email=email, name=role.title(), password_hash=nobodys_password_hash())
    db.add(user)
    db.flush()
    db.add(Membership(user_id=user.id, plan_id=plan_id, role=role,
                      team_id=team_ids(db, plan_id, [team])[team] if team else None))
    db.commit()
    return signed_in_client(app, email)


def _initiative_id(db, plan_id: int, key: str) -> int:
    return db.exec(select(Initiative.id).where(Initiative.plan_id == plan_id,
                                               Initiative.key == key)).one()


@pytest.mark.parametrize("role", ["lead", "finance", "viewer"])
def test_the_say_no_list_says_how_firm_each_no_is(app, db, demo_id, run_id, kept_result,
                                                  role):
    reader = _member(app, db, demo_id, role)
    text = page_text(reader.get(f"/plans/{demo_id}/runs/{run_id}/say-no"))
    assert "A firm no: rejected in 97% of plausible cases" in text  # rfid, exterior
    assert "A close call: chosen in 46% of plausible cases" in text  # selfcheck
    assert "95% sure its share lies between 43% and 49%" in text
    assert "over 996 plausible cases; 4 more had no portfolio that fits" in text
    # every rejection of the run, and no funded initiative, says how firm it is
    assert text.count("of plausible cases") == len(saved_run(db, run_id).result["rejected"])


def test_without_a_result_each_page_says_it_is_not_worked_out(client, demo_id, run_id):
    say_no = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}/say-no"))
    assert "How firm each no is: not worked out yet." in say_no
    assert "plausible cases" not in say_no
    run = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}"))
    assert "How firm is this choice? Not worked out yet" in run


def test_a_new_result_shows_at_once_on_the_kept_list(client, db, demo_id, run_id,
                                                      kept_result):
    url = f"/plans/{demo_id}/runs/{run_id}/say-no"
    assert "chosen in 46% of plausible cases" in page_text(client.get(url))
    made = kept.SAY_NO_PAGES.misses
    assert "chosen in 46% of plausible cases" in page_text(client.get(url))
    assert kept.SAY_NO_PAGES.misses == made  # kept: not made again
    run = saved_run(db, run_id)
    keep_result(db, run, robust_result(run, {**SHARES, "selfcheck": 0.71}))
    text = page_text(client.get(url))
    assert "chosen in 71% of plausible cases" in text and "46%" not in text
    assert kept.SAY_NO_PAGES.misses == made + 1


def test_the_run_page_shows_the_band_the_focus_and_the_funded_shares(client, db, demo_id,
                                                                     run_id, kept_result):
    response = client.get(f"/plans/{demo_id}/runs/{run_id}")
    text = page_text(response)
    assert ("Impact of this portfolio: 350.1 in a bad case (P10: 1 case in 10 is worse), "
            "402.0 in the likely case (P50) and 447.3 in a good case (P90: 1 case in 10 is "
            "better); 564.0 with the estimates as they stand, 401.2 on average.") in text
    assert 'class="chart-svg chart-impact-band"' in response.get_data(as_text=True)
    assert ("Cost: EUR 1,190,000 on average, more than EUR 1,260,000 in 1 case in 10 (P90). "
            "It breaks the budget, or a period's, in 31% of the cases.") in text
    assert ("Against the best portfolio within each case's budgets, it gives up 6.1 of impact "
            "on average; it gives up 14.0 or more in 1 case in 10 (P90).") in text
    assert "FOCUS Refund or exchange without a fight 100% of cases" in text
    funded = text.split("Funded initiatives, least firm first", 1)[1]
    assert funded.index("Mobile point-of-sale for staff mobilepos 62% borderline 59% to 65%") \
        < funded.index("Door greeter at peak hours greeter 95% core")
    assert "Self-checkout kiosks" not in funded.split("How firm", 1)[0]  # rejected: not here


def test_each_reader_of_the_run_page_reads_the_band(app, db, demo_id, run_id, kept_result):
    for role in ("finance", "viewer"):
        text = page_text(_member(app, db, demo_id, role).get(
            f"/plans/{demo_id}/runs/{run_id}"))
        assert "402.0 in the likely case (P50)" in text and "31% of the cases" in text


def test_the_explanation_and_the_initiative_page_say_what_would_make_it_core(
        client, demo_id, run_id, kept_result):
    why = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}/say-no/selfcheck"))
    assert "How firm this no is A close call: chosen in 46% of plausible cases" in why
    words = ("It would be core, chosen in at least 9 in 10 of the plausible cases where its "
             "cost turns out at most EUR 120,000 (now EUR 170,000), or where its uplift on "
             "Checkout queue under 3 minutes turns out at least 30 points (now 22).")
    assert words in why
    firm_no = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}/say-no/rfid"))
    assert "A firm no: rejected in 97% of plausible cases" in firm_no
    assert "No figure of its own would make it core" in firm_no


def test_a_team_member_reads_its_own_initiatives_share_once_published(
        app, client, db, demo_id, run_id, kept_result):
    member = _member(app, db, demo_id, "team", "IT")
    own, other = (_initiative_id(db, demo_id, key) for key in ("selfcheck", "loyaltyapp"))
    page = f"/plans/{demo_id}/initiatives/{own}"
    assert "plausible cases" not in page_text(member.get(page))  # a draft: not theirs yet
    assert member.get(f"/plans/{demo_id}/runs/{run_id}/say-no/selfcheck").status_code == 404
    client.post(f"/plans/{demo_id}/runs/{run_id}/publish")
    text = page_text(member.get(page))
    assert "How firm A close call: chosen in 46% of plausible cases" in text
    assert "where its cost turns out at most EUR 120,000 (now EUR 170,000)" in text
    why = page_text(member.get(f"/plans/{demo_id}/runs/{run_id}/say-no/selfcheck"))
    assert "A close call: chosen in 46% of plausible cases" in why
    # and on its team's page, beside the verdict
    team = page_text(member.get(f"/plans/{demo_id}/teams"))
    assert "Why not:" in team and "A close call: chosen in 46% of plausible cases" in team
    # another team's initiative, and its rejection, stay out of its reach
    assert member.get(f"/plans/{demo_id}/initiatives/{other}").status_code == 404
    assert member.get(f"/plans/{demo_id}/runs/{run_id}/say-no/loyaltyapp").status_code == 404
    assert member.get(f"/plans/{demo_id}/runs/{run_id}/say-no").status_code in (403, 404)


def test_a_funded_core_initiative_reads_as_a_firm_yes(client, db, demo_id, run_id,
                                                      kept_result):
    text = page_text(client.get(
        f"/plans/{demo_id}/initiatives/{_initiative_id(db, demo_id, 'greeter')}"))
    assert "A firm yes: chosen in 95% of plausible cases" in text
    assert "It is core: chosen in 95% of plausible cases" in text


@pytest.mark.parametrize(("role", "start"), [("lead", True), ("finance", True),
                                             ("viewer", False)])
def test_who_may_work_firmness_out_is_offered_it_on_the_run_page(app, db, demo_id, run_id,
                                                                   role, start):
    reader = _member(app, db, demo_id, role)
    html = reader.get(f"/plans/{demo_id}/runs/{run_id}").get_data(as_text=True)
    pages = f"/plans/{demo_id}/runs/{run_id}/uncertainty"
    assert (f'href="{pages}">work out how firm it is</a>' in html) is start
    keep_result(db, saved_run(db, run_id), robust_result(saved_run(db, run_id), SHARES))
    html = reader.get(f"/plans/{demo_id}/runs/{run_id}").get_data(as_text=True)
    assert "work out how firm it is" not in html
    assert f'href="{pages}">Every initiative' in html  # every reader of the run
    assert (f'href="{pages}/finance">The cost band' in html) is start  # money: lead, finance


def test_a_decision_that_overruns_some_cases_budgets_is_said_to_deliver_more(client, db,
                                                                            demo_id, run_id):
    run = saved_run(db, run_id)
    keep_result(db, run, robust_result(run, SHARES, regret={"mean": -3.5, "p90": 0.0}))
    text = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}"))
    assert ("Against the best portfolio within each case's budgets, it delivers 3.5 more "
            "impact on average, as it breaks the budget in some cases.") in text
    assert "gives up" not in text
