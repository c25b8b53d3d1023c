"""Saying no, with reasons: the say-no page, explanations stored once, the team view's
links, the say-no memo and its download."""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select

import optimizer
import planner.runs.explanations
from models import Initiative, Job, Run, RunExplanation
from models.db import open_session
from optimizer.explain import Explainer
from optimizer.result import REASON_TITLES, REASONS
from tests.webapp import make_app, page_text, saved_run, signed_in_client

STORES = {"greeter", "fitattend", "returnsdesk", "accessibility", "bagging"}


def _stored(db, run_id: int) -> dict[str, dict]:
    db.rollback()
    rows = db.exec(select(RunExplanation).where(RunExplanation.run_id == run_id)).all()
    return {row.key: row.document for row in rows}


def _expected(run: Run) -> dict[str, optimizer.explain.Explanation]:
    explainer = Explainer(optimizer.plan_from_dict(run.inputs),
                          optimizer.result_from_dict(run.result))
    return {e.id: e for e in explainer.explain_all()}


def _order(html: str, keys) -> list[str]:
    """The keys in the order their explanation links first appear on the page."""
    return sorted(keys, key=lambda key: html.index(f'/say-no/{key}"'))


def _refuse(*_args, **_kwargs):
    raise AssertionError("the Explainer was called again")


@pytest.fixture
def no_solver(monkeypatch):
    """Any attempt to explain again fails the test."""
    monkeypatch.setattr(planner.runs.explanations, "Explainer", _refuse)


def test_say_no_page_groups_rejections_by_reason(client, db, demo_id, run_id):
    response = client.get(f"/plans/{demo_id}/runs/{run_id}/say-no")
    assert response.status_code == 200
    text, html = page_text(response), response.get_data(as_text=True)
    rejected = saved_run(db, run_id).result["rejected"]
    reasons = [reason for reason in REASONS if any(r["reason"] == reason for r in rejected)]
    assert len(reasons) >= 2, "the demo run says no for more than one reason"
    positions = [text.index(f"{REASON_TITLES[reason]} (") for reason in reasons]
    assert positions == sorted(positions)
    for rejection in rejected:
        assert rejection["message"] in text
        # Each entry sits under its own reason's heading and before the next one.
        title = REASON_TITLES[rejection["reason"]]
        start = text.index(f"{title} (")
        following = [p for p in positions if p > start]
        assert start < text.index(rejection["message"]) < (following[0] if following
                                                            else len(text))
    assert "0 explained" in text and "Explain all" in text and "say-no/explain" in html


def test_run_page_links_to_the_say_no_page_and_the_memo(client, demo_id, run_id):
    html = client.get(f"/plans/{demo_id}/runs/{run_id}").get_data(as_text=True)
    assert f'href="/plans/{demo_id}/runs/{run_id}/say-no"' in html
    assert f'href="/plans/{demo_id}/runs/{run_id}/memo"' in html
    assert f'href="/plans/{demo_id}/runs/{run_id}/say-no/selfcheck"' in html


def test_explain_all_stores_each_explanation_once(client, db, demo_id, run_id, monkeypatch):
    built = []

    class CountingExplainer(Explainer):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(planner.runs.explanations, "Explainer", CountingExplainer)
    response = client.post(f"/plans/{demo_id}/runs/{run_id}/say-no/explain")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/runs/{run_id}/say-no?sort=reason")
    run = saved_run(db, run_id)
    stored = _stored(db, run_id)
    assert built == [1], "one Explainer serves every rejection of the run"
    expected = _expected(run)
    assert stored.keys() == expected.keys() == {r["id"] for r in run.result["rejected"]}
    for key, document in stored.items():
        assert document["message"] == expected[key].message
        assert document["impact_lost"] == pytest.approx(expected[key].impact_lost)
        assert document["displaces"] == expected[key].displaces
    text = page_text(client.get(response.headers["Location"]))
    assert f"Explained {len(stored)} rejected initiatives." in text
    assert f"{len(stored)} explained" in text and "Explain all" not in text

    monkeypatch.setattr(planner.runs.explanations, "Explainer", _refuse)
    again = client.post(f"/plans/{demo_id}/runs/{run_id}/say-no/explain", follow_redirects=True)
    assert "Every rejected initiative was already explained." in page_text(again)
    assert _stored(db, run_id) == stored


def test_explain_all_is_a_job_that_stores_every_explanation_together(
        client, db, demo_id, run_id):
    rejected = [r["id"] for r in saved_run(db, run_id).result["rejected"]]
    assert len(rejected) >= 3
    response = client.post(f"/plans/{demo_id}/runs/{run_id}/say-no/explain",
                           follow_redirects=True)
    assert f"Explained {len(rejected)} rejected initiatives." in page_text(response)
    db.rollback()
    job = db.exec(select(Job).where(Job.kind == "explain")).one()
    assert (job.status, job.percent, job.result["computed"]) == ("done", 100.0, len(rejected))
    assert job.step == "Done" and job.who == "Ada Admin"
    assert set(_stored(db, run_id)) == set(rejected)
    expected = _expected(saved_run(db, run_id))
    for key, document in _stored(db, run_id).items():  # all at once, as each alone
        assert document["impact_if_funded"] == pytest.approx(expected[key].impact_if_funded)
        assert document["break_even_cost"] == pytest.approx(expected[key].break_even_cost)
    html = client.get(f"/plans/{demo_id}/runs/{run_id}/say-no").get_data(as_text=True)
    assert f"{len(rejected)} explained" in page_text(client.get(
        f"/plans/{demo_id}/runs/{run_id}/say-no"))
    assert "Explain the rest</button>" not in html
    assert "Explain all</button>" not in html


def test_say_no_page_shows_the_figures_of_stored_explanations(client, db, demo_id, run_id):
    client.post(f"/plans/{demo_id}/runs/{run_id}/say-no/explain")
    text = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}/say-no"))
    selfcheck = _stored(db, run_id)["selfcheck"]
    assert selfcheck["message"] in text
    lost = f"{selfcheck['impact_lost']:,.1f}"
    assert f"Impact lost {lost} (27%)" in text
    assert "Would drop Door greeter at peak hours, Mobile point-of-sale for staff" in text
    assert "Break-even cost EUR 102,000 or less (now EUR 170,000)" in text
    assert "a conflict: it excludes 'Mobile point-of-sale for staff'" in text
    assert re.search(r"Break-even uplift x\d+\.\d\d", text), "RFID needs larger uplifts"
    assert "not up to x10" in text


def test_sort_by_impact_lost_puts_the_largest_first_and_the_unexplained_last(
        client, db, demo_id, run_id):
    keys = [r["id"] for r in saved_run(db, run_id).result["rejected"]]
    expected = _expected(saved_run(db, run_id))
    smallest = min(keys, key=lambda key: expected[key].impact_lost)
    client.get(f"/plans/{demo_id}/runs/{run_id}/say-no/{smallest}")
    html = client.get(f"/plans/{demo_id}/runs/{run_id}/say-no?sort=impact_lost").get_data(
        as_text=True)
    assert _order(html, keys)[0] == smallest, "the only explained one comes before the rest"

    client.post(f"/plans/{demo_id}/runs/{run_id}/say-no/explain")
    response = client.get(f"/plans/{demo_id}/runs/{run_id}/say-no?sort=impact_lost")
    html = response.get_data(as_text=True)
    by_loss = sorted(keys, key=lambda key: -expected[key].impact_lost)
    assert _order(html, keys) == by_loss
    assert _order(html, keys)[-1] == smallest
    assert "Sort by: reason · impact lost" in page_text(response)
    # The default and an unknown sort group by reason, as the run lists them.
    for url in ("say-no", "say-no?sort=reason", "say-no?sort=whatever"):
        html = client.get(f"/plans/{demo_id}/runs/{run_id}/{url}").get_data(as_text=True)
        groups = [key for reason in REASONS for key in keys
                  if saved_run(db, run_id).result["rejected"][keys.index(key)]["reason"] == reason]
        assert _order(html, keys) == groups, url


def test_explanation_page_computes_once_and_then_reads_it(client, db, demo_id, run_id,
                                                          request):
    url = f"/plans/{demo_id}/runs/{run_id}/say-no/selfcheck"
    response = client.get(url)
    assert response.status_code == 200
    text = page_text(response)
    stored = _stored(db, run_id)
    assert list(stored) == ["selfcheck"]
    assert "Why not: Self-checkout kiosks" in text and stored["selfcheck"]["message"] in text
    assert "Impact if funded" in text and "funded at EUR 102,000 or less (now EUR 170,000)" in text
    assert "Blocked by a dependency or a conflict" in text

    request.getfixturevalue("no_solver")
    again = client.get(url)
    assert again.status_code == 200
    assert page_text(again).split("All say-no")[1] == text.split("All say-no")[1]
    db.rollback()
    assert db.exec(select(func.count()).select_from(RunExplanation)).one() == 1


def test_a_rejection_by_decision_is_explained_without_break_even(client, db, demo_id):
    loyalty = db.exec(select(Initiative).where(Initiative.key == "loyaltyapp")).one()
    loyalty.decision, loyalty.reason = "reject", "not this year"
    db.commit()
    location = client.post(f"/plans/{demo_id}/runs", data={}).headers["Location"]
    text = page_text(client.get(f"{location}/say-no/loyaltyapp"))
    assert "Rejected by decision" in text and "Break-even does not apply" in text


def test_team_view_links_each_rejection_to_its_explanation(client, db, demo_id, run_id):
    html = client.get(f"/plans/{demo_id}/teams?team=Stores").get_data(as_text=True)
    rejected = [r for r in saved_run(db, run_id).result["rejected"] if r["id"] in STORES]
    links = re.findall(rf'href="(/plans/{demo_id}/runs/{run_id}/say-no/[^"]+)"', html)
    assert sorted(links) == sorted(f"/plans/{demo_id}/runs/{run_id}/say-no/{r['id']}"
                                   for r in rejected)
    assert "Explain: what funding it would cost" in page_text(client.get(
        f"/plans/{demo_id}/teams?team=Stores"))
    opened = client.get(links[0])
    assert opened.status_code == 200 and "In figures" in page_text(opened)
    # Once explained, the team view shows the explanation's message.
    key = links[0].rsplit("/", 1)[1]
    text = page_text(client.get(f"/plans/{demo_id}/teams?team=Stores"))
    assert _stored(db, run_id)[key]["message"] in text
    assert "The explanation in figures" in text


def test_memo_lists_per_team_what_was_funded_and_what_not(client, db, demo_id, run_id):
    response = client.get(f"/plans/{demo_id}/runs/{run_id}/memo")
    assert response.status_code == 200
    text = page_text(response)
    run = saved_run(db, run_id)
    initiatives = {i["id"]: i for i in run.inputs["initiatives"]}
    assert "Portfolio decisions: Retail stores FY2027" in text
    assert "8 of the rejections are not explained yet" in text
    teams = sorted({i["team"] for i in initiatives.values()})
    positions = [text.index(f" {team} Funded (") for team in teams]
    assert positions == sorted(positions)
    for team, start, end in zip(teams, positions, positions[1:] + [len(text)], strict=True):
        section = text[start:end]
        for key in run.result["funded"]:
            if initiatives[key]["team"] == team:
                assert initiatives[key]["name"] in section
        for rejection in run.result["rejected"]:
            if initiatives[rejection["id"]]["team"] == team:
                assert rejection["message"] in section
                assert REASON_TITLES[rejection["reason"]] in section
    assert "Mobile point-of-sale for staff · EUR 90,000" in text
    assert "Impact lost:" not in text

    client.post(f"/plans/{demo_id}/runs/{run_id}/say-no/explain")
    text = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}/memo"))
    assert "not explained yet" not in text
    assert ("Impact lost: 151.2 (27%) · break-even cost: EUR 102,000 or less "
            "(now EUR 170,000)") in text


def test_memo_download_is_a_markdown_attachment_per_team(client, db, demo_id, run_id):
    client.post(f"/plans/{demo_id}/runs/{run_id}/say-no/explain")
    response = client.get(f"/plans/{demo_id}/runs/{run_id}/memo.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="say-no-memo-plan-{demo_id}-run-{run_id}.md"')
    memo = response.get_data(as_text=True)
    assert memo.startswith("# Portfolio decisions: Retail stores FY2027\n")
    run = saved_run(db, run_id)
    stored = _stored(db, run_id)
    by_team, by_owner = memo.split("\n## By owner of the moments\n")
    teams = re.findall(r"^## (.+)$", by_team, flags=re.M)
    assert teams == sorted({i["team"] for i in run.inputs["initiatives"]})
    stores = by_team.split("## Stores\n")[1].split("\n## ")[0]
    assert "- Door greeter at peak hours: EUR" in stores
    names = {i["id"]: i["name"] for i in run.inputs["initiatives"]}
    for key in STORES & set(stored):
        assert f"- **{names[key]}**: EUR" in stores
        assert stored[key]["message"] in stores
    assert "Impact lost:" in stores and "break-even cost:" in stores
    owners = re.findall(r"^### (.+)$", by_owner, flags=re.M)
    assert owners == sorted({m["owner"] for m in run.inputs["moments"]})
    assert "<" not in memo


def test_user_text_is_escaped_on_the_pages_and_in_the_markdown(client, db, demo_id):
    bagging = db.exec(select(Initiative).where(Initiative.key == "bagging")).one()
    bagging.name = "<script>alert(1)</script> [click](http://x) *now*"
    db.commit()
    location = client.post(f"/plans/{demo_id}/runs", data={}).headers["Location"]
    for url in ("say-no", "say-no/bagging", "memo"):
        html = client.get(f"{location}/{url}").get_data(as_text=True)
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html, url
    memo = client.get(f"{location}/memo.md").get_data(as_text=True)
    assert r"\<script\>alert(1)\</script\> \[click\](http://x) \*now\*" in memo
    assert "<script>" not in memo


def test_explain_all_without_csrf_token_is_refused(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    from planner.demo import load_demo

    plan_id = load_demo(app)
    client = signed_in_client(app)
    token = _token(client.get(f"/plans/{plan_id}/portfolio").get_data(as_text=True))
    client.post(f"/plans/{plan_id}/runs", data={"csrf_token": token})
    engine = app.extensions["planner_engine"]
    with open_session(engine) as session:
        run_id = session.exec(select(Run.id)).one()
    url = f"/plans/{plan_id}/runs/{run_id}/say-no/explain"
    response = client.post(url)
    assert response.status_code == 400 and b"expired" in response.data
    with open_session(engine) as session:
        assert session.exec(select(RunExplanation)).all() == []
    token = _token(client.get(f"/plans/{plan_id}/runs/{run_id}/say-no").get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    with open_session(engine) as session:
        assert len(session.exec(select(RunExplanation)).all()) == 8
    engine.dispose()


def _token(html: str) -> str:
    return html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


@pytest.mark.parametrize("path", [
    "/plans/999/runs/{run}/say-no", "/plans/{plan}/runs/999/say-no",
    "/plans/{plan}/runs/{run}/say-no/nosuch", "/plans/{plan}/runs/{run}/say-no/mobilepos",
    "/plans/{plan}/runs/999/say-no/selfcheck", "/plans/{plan}/runs/999/memo",
    "/plans/999/runs/{run}/memo.md", "/plans/{other}/runs/{run}/say-no",
    "/plans/{other}/runs/{run}/say-no/selfcheck", "/plans/{other}/runs/{run}/memo",
    "/plans/{plan}/runs/x/say-no", "/plans/{plan}/runs/{run}/memo.pdf",
])
def test_bad_ids_are_not_found(client, db, demo_id, run_id, path):
    client.post("/plans/new", data={"name": "Other", "currency": "EUR", "max_focus": "3"})
    url = path.format(plan=demo_id, run=run_id, other=demo_id + 1)
    assert client.get(url).status_code == 404
    assert _stored(db, run_id) == {}


@pytest.mark.parametrize("path", ["/plans/999/runs/{run}/say-no/explain",
                                  "/plans/{plan}/runs/999/say-no/explain",
                                  "/plans/{other}/runs/{run}/say-no/explain"])
def test_explain_all_of_a_bad_run_is_not_found(client, db, demo_id, run_id, path):
    client.post("/plans/new", data={"name": "Other", "currency": "EUR", "max_focus": "3"})
    assert client.post(path.format(plan=demo_id, run=run_id, other=demo_id + 1)
                       ).status_code == 404
    assert _stored(db, run_id) == {}


def test_a_run_without_a_portfolio_has_nothing_to_explain(client, db, demo_id):
    rfid = db.exec(select(Initiative).where(Initiative.key == "rfid")).one()
    rfid.decision, rfid.reason = "fund", "board decision"
    db.commit()
    location = client.post(f"/plans/{demo_id}/runs", data={"budget": "100000"}).headers[
        "Location"]
    assert "found no portfolio" in page_text(client.get(f"{location}/say-no"))
    assert client.get(f"{location}/say-no/loyaltyapp").status_code == 404
    assert client.post(f"{location}/say-no/explain").status_code == 302
    assert "no portfolio that fits" in page_text(client.get(f"{location}/memo"))
    assert client.get(f"{location}/memo.md").status_code == 200


def test_explanations_go_with_their_plan(client, db, demo_id, run_id):
    client.post(f"/plans/{demo_id}/runs/{run_id}/say-no/explain")
    assert _stored(db, run_id)
    client.post(f"/plans/{demo_id}/delete")
    db.rollback()
    assert db.exec(select(RunExplanation)).all() == []


def test_an_explanation_stored_meanwhile_is_kept(app, client, db, demo_id, run_id,
                                                 monkeypatch):
    """Two requests explaining the same rejection at once: one row, no error."""
    real = Explainer.explain

    def explain_while_another_request_stores_it(self, key):
        explanation = real(self, key)
        with open_session(app.extensions["planner_engine"], write=True) as other:
            other.add(RunExplanation(run_id=run_id, key=key, document=explanation.to_dict()))
            other.commit()
        return explanation

    monkeypatch.setattr(Explainer, "explain", explain_while_another_request_stores_it)
    assert client.get(f"/plans/{demo_id}/runs/{run_id}/say-no/selfcheck").status_code == 200
    assert list(_stored(db, run_id)) == ["selfcheck"]


def test_a_run_whose_saved_inputs_fail_the_checks_says_so(client, db, demo_id, run_id):
    saved = saved_run(db, run_id)
    inputs = dict(saved.inputs)
    inputs["max_focus"] = 0  # as if the plan rules had changed since the run was saved
    saved.inputs = inputs
    db.add(saved)
    db.commit()
    key = saved.result["rejected"][0]["id"]
    for response in (client.get(f"/plans/{demo_id}/runs/{run_id}/say-no/{key}"),
                     client.post(f"/plans/{demo_id}/runs/{run_id}/say-no/explain")):
        assert response.status_code == 409
        assert "no longer pass the plan checks" in page_text(response)
        assert "max_focus" in page_text(response)
    assert _stored(db, run_id) == {}


def test_the_say_no_list_is_made_again_only_once_another_explanation_is_stored(
        client, db, demo_id, run_id, monkeypatch):
    from planner.runs import say_no

    made = []
    real = say_no.say_no_entries
    monkeypatch.setattr(say_no, "say_no_entries", lambda run, stored=None: (
        made.append(sorted(stored or {})) or real(run, stored)))
    url = f"/plans/{demo_id}/runs/{run_id}/say-no"
    for _ in range(3):
        assert "Impact lost" not in page_text(client.get(url))
    assert made == [[]]
    assert client.get(f"{url}/selfcheck").status_code == 200  # explained, and stored
    text = page_text(client.get(url))
    assert made == [[], ["selfcheck"], ["selfcheck"]]
    assert _stored(db, run_id)["selfcheck"]["message"] in text and "Impact lost" in text
