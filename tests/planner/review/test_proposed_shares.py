"""Default ranges proposed from a decided cycle (planner/review/shares.py): measured over
planned uplift per delivered initiative, worked out by hand on the small plan of
test_figures.py; the 10th and 90th percentiles as shares, never from too few initiatives;
and on the demo plan, the review page's proposal, which the CX lead alone accepts into a
plan's default ranges, nothing else of the plan changed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from models import Initiative, Measurement, Moment, Plan, Publication
from optimizer import plan_from_dict, solve
from planner.review.figures import Reading, review
from planner.review.shares import MIN_BASIS, cost_ratios, propose, uplift_ratios
from tests.planner.accounts.test_access import PEOPLE
from tests.planner.review.test_figures import DAY, MEASURED, PLAN
from tests.planner.review.test_review_pages import decided  # noqa: F401 (a fixture)
from tests.webapp import page_text, signed_in_client


def _ratios(delivery, measured=MEASURED) -> dict[str, float]:
    result = solve(plan_from_dict(PLAN)).to_dict()
    moments, _ = review(PLAN, result, DAY, delivery, measured)
    return uplift_ratios(PLAN, result, moments, delivery)


def test_measured_over_planned_uplift_of_each_delivered_initiative_by_hand():
    # greet: change 6 over the delivered 10, shared 2.5 (greeter) and 7.5 (rota); queue:
    # change 1 over the kiosk's 4. Planned at confidence 1: 2.5 / 0.5, 7.5, 4 / 0.8.
    ratios = _ratios({"a": "delivered", "b": "delivered", "c": "delivered"})
    assert ratios == pytest.approx({"a": 1.5 / 5, "b": 4.5 / 7.5, "c": 1 / 5})
    # the dropped kiosk has none; nor has work on a moment not measured since
    assert _ratios({"a": "delivered", "b": "delivered", "c": "dropped"}) == pytest.approx(
        {"a": 0.3, "b": 0.6})
    unmeasured = {"greet": MEASURED["greet"], "queue": [Reading(date(2025, 12, 1), 50)]}
    assert set(_ratios({"a": "delivered", "b": "delivered", "c": "delivered"},
                       unmeasured)) == {"a", "b"}
    assert _ratios({"a": "in progress", "b": "planned", "c": "dropped"}) == {}


@pytest.mark.parametrize(("ratios", "shares"), [
    # positions 0.5 and 4.5 of six: halfway between the 1st and 2nd, the 5th and 6th
    ([0.5, 0.8, 0.9, 1.1, 1.4, 2.0], (0.65, 1.7)),
    ([2.0, 0.5, 1.4, 0.9, 1.1, 0.8], (0.65, 1.7)),  # in any order
    ([1.1, 1.2, 1.3, 1.4, 1.5], (1.0, 1.46)),  # all above 1: the low share is 1
    ([0.2, 0.4, 0.6, 0.8, 0.9], (0.28, 1.0)),  # all below: the high share is 1
])
def test_the_10th_and_90th_percentiles_around_1(ratios, shares):
    proposal = propose("effects", {f"i{n}": r for n, r in enumerate(ratios)})
    assert proposal.shares == pytest.approx(shares) and proposal.basis == len(ratios)
    assert f"From {len(ratios)} delivered initiatives" in proposal.words


@pytest.mark.parametrize("count", range(MIN_BASIS))
def test_too_few_initiatives_propose_nothing_and_say_so(count):
    proposal = propose("effects", {f"i{n}": 1.5 for n in range(count)})
    assert proposal.shares is None and proposal.basis == count
    assert proposal.words.startswith("Too little to go on: ")
    assert f"rests on at least {MIN_BASIS}; none is proposed." in proposal.words


def _delivered_and_measured(db, demo_id: int, run) -> None:
    """Every funded initiative delivered; the decision on 15 June 2026; each focus moment
    measured on 30 September, 10 points above its last score before the decision."""
    for initiative in db.exec(select(Initiative).where(
            Initiative.plan_id == demo_id, Initiative.key.in_(run.result["funded"]))).all():
        initiative.delivery = "delivered"
        db.add(initiative)
    publication = db.exec(select(Publication).where(Publication.plan_id == demo_id)).one()
    publication.created_at = datetime(2026, 6, 15, tzinfo=UTC)
    db.add(publication)
    for key in run.result["focus"]:
        moment = db.exec(select(Moment).where(Moment.plan_id == demo_id,
                                              Moment.key == key)).one()
        before = db.exec(select(Measurement).where(
            Measurement.moment_id == moment.id, Measurement.taken_on <= date(2026, 6, 15))
            .order_by(Measurement.taken_on.desc())).first()
        db.add(Measurement(plan_id=demo_id, moment_id=moment.id, taken_on=date(2026, 9, 30),
                           score=(before.score if before else 50) + 10, source="survey"))
    db.commit()


def test_the_lead_accepts_the_proposed_shares_into_the_plans_default_ranges(
        client, app, db, demo_id, decided, people):  # noqa: F811
    url = f"/plans/{demo_id}/review"
    assert "Too little to go on: none delivered" in page_text(client.get(url))
    _delivered_and_measured(db, demo_id, decided)
    text = page_text(client.get(url))
    assert "No cost range is proposed: no delivered work has its actual cost recorded yet" \
        in text
    assert "Accept these default ranges" in text
    db.rollback()
    plan = db.get(Plan, demo_id)
    before = (plan.version, plan.uncertainty, plan.budget)
    for role in ("finance", "viewer", "team"):
        other = signed_in_client(app, PEOPLE[role])
        assert "Accept these default ranges" not in page_text(other.get(url)), role
        assert other.post(f"{url}/shares", data={"target": str(demo_id)}).status_code == 403
    assert "How wide the next plan" not in page_text(signed_in_client(
        app, PEOPLE["team"]).get(url))
    lead = signed_in_client(app, PEOPLE["lead"])
    answer = lead.post(f"{url}/shares", data={"target": str(demo_id)})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(
        f"/plans/{demo_id}")
    db.rollback()
    plan = db.get(Plan, demo_id)
    proposed = plan.uncertainty["effects"]
    assert f"Uplifts {proposed[0] * 100:.0f}% to {proposed[1] * 100:.0f}% of the estimate" \
        in text
    assert proposed[0] <= 1 <= proposed[1]
    # the other kinds it held stay; nothing else of the plan changes but its version
    assert plan.uncertainty == {**(before[1] or {}), "effects": proposed}
    assert (plan.version, plan.budget) == (before[0] + 1, before[2])
    # a plan the lead does not lead, or one closed, is no target
    db.add(Plan(name="Someone else's"))
    db.commit()
    other_id = db.exec(select(Plan.id).where(Plan.name == "Someone else's")).one()
    assert lead.post(f"{url}/shares", data={"target": str(other_id)}).status_code == 400
    db.rollback()
    assert db.get(Plan, other_id).uncertainty is None


def test_actual_over_planned_cost_of_the_delivered_work_with_one_recorded():
    inputs = {"initiatives": [{"id": "a", "cost": 100.0},
                              {"id": "b", "cost": {"H1": 50, "H2": 150}},
                              {"id": "c", "cost": 80.0}, {"id": "d", "cost": 0.0},
                              {"id": "e", "cost": 40.0}]}
    delivery = {"a": "delivered", "b": "delivered", "c": "dropped", "d": "delivered",
                "e": "delivered"}
    actual = {"a": 130.0, "b": 180.0, "c": 90.0, "d": 10.0, "e": None}
    # c was dropped, d had no planned cost to weigh against, e has none recorded
    assert cost_ratios(inputs, delivery, actual) == {"a": 1.3, "b": 0.9}


FACTORS = (0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5)


def test_actual_costs_set_with_the_delivery_propose_the_cost_range(
        client, app, db, demo_id, decided, people):  # noqa: F811
    _delivered_and_measured(db, demo_id, decided)
    planned = {entry["id"]: entry["cost"] for entry in decided.inputs["initiatives"]}
    funded = sorted(decided.result["funded"])
    assert len(funded) >= MIN_BASIS
    lead = signed_in_client(app, PEOPLE["lead"])
    for key, factor in zip(funded, FACTORS, strict=False):
        initiative = db.exec(select(Initiative).where(Initiative.plan_id == demo_id,
                                                      Initiative.key == key)).one()
        total = planned[key] if not isinstance(planned[key], dict) else sum(
            planned[key].values())
        answer = lead.post(f"/plans/{demo_id}/initiatives/{initiative.id}/delivery",
                           data={"status": "delivered", "back": "delivery",
                                 "actual_cost": f"EUR {total * factor:,.2f}"})
        assert answer.status_code == 303, key
    refused = lead.post(f"/plans/{demo_id}/initiatives/{initiative.id}/delivery",
                        data={"status": "delivered", "actual_cost": "-5"})
    assert refused.status_code == 422 and "Actual cost" in refused.get_data(as_text=True)
    db.rollback()
    ratios = sorted(initiative.actual_cost / (planned[initiative.key] if not isinstance(
        planned[initiative.key], dict) else sum(planned[initiative.key].values()))
        for initiative in db.exec(select(Initiative).where(
            Initiative.plan_id == demo_id, Initiative.key.in_(funded))).all())
    shares = propose("cost", dict(enumerate(ratios))).shares
    text = page_text(client.get(f"/plans/{demo_id}/review"))
    assert f"Costs {shares[0] * 100:.0f}% to {shares[1] * 100:.0f}% of the estimate" in text
    assert lead.post(f"/plans/{demo_id}/review/shares",
                     data={"target": str(demo_id)}).status_code == 303
    db.rollback()
    assert db.get(Plan, demo_id).uncertainty["cost"] == pytest.approx(list(shares))
