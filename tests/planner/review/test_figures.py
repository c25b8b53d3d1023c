"""The cycle review's figures on a plan small enough to work out by hand (the rule is in
planner/review/figures.py): two focus moments, one reached through a back-stage step."""

from __future__ import annotations

from datetime import date

import pytest

from optimizer import plan_from_dict, solve
from planner.review.figures import MOST_DOUBT, Reading, review

PLAN = {
    "plan": "Review by hand", "budget": 30, "max_focus": 2,
    "moments": [{"id": "greet", "name": "Greeted", "weight": 1, "headroom": 10,
                 "owner": "Stores"},
                {"id": "queue", "name": "Queue", "weight": 1, "headroom": 100},
                {"id": "rota", "name": "Rota", "side": "back", "weight": 0}],
    "influences": [{"from": "rota", "to": "greet", "factor": 0.5}],
    "initiatives": [
        # 8 x 0.5 = 4 on greet; forced in, since the rota alone fills greet's headroom
        {"id": "a", "name": "Greeter", "team": "Stores", "cost": 10, "effects": {"greet": 8},
         "confidence": 0.5, "decision": "fund", "reason": "promised to the stores"},
        # 24 on the rota, x 0.5 along the chain = 12 on greet
        {"id": "b", "name": "Rota", "team": "IT", "cost": 10, "effects": {"rota": 24}},
        # 5 x 0.8 = 4 on the queue
        {"id": "c", "name": "Kiosk", "team": "IT", "cost": 10, "effects": {"queue": 5},
         "confidence": 0.8}]}
DAY = date(2026, 1, 10)
MEASURED = {"greet": [Reading(date(2025, 12, 31), 60), Reading(date(2026, 3, 31), 63),
                      Reading(date(2026, 6, 30), 66)],
            # a score on the day of the decision is the score at the decision
            "queue": [Reading(DAY, 50), Reading(date(2026, 6, 30), 51)]}


def _review(delivery, measured=MEASURED):
    plan = plan_from_dict(PLAN)
    result = solve(plan).to_dict()
    assert sorted(result["funded"]) == ["a", "b", "c"] and set(result["focus"]) == {
        "greet", "queue"}
    moments, teams = review(PLAN, result, DAY, delivery, measured)
    return {m.key: m for m in moments}, {t.team: t for t in teams}


def test_each_focus_moment_expected_against_measured_since_the_decision():
    moments, _ = _review({"a": "delivered", "b": "delivered", "c": "dropped"})
    greet, queue = moments["greet"], moments["queue"]
    # 4 + 12 = 16 of uplift, capped by the headroom of 10
    assert greet.expected == pytest.approx(10) and greet.owner == "Stores"
    assert (greet.before.score, greet.latest.score) == (60, 66)
    assert greet.change == pytest.approx(6) and greet.realised == pytest.approx(0.6)
    assert greet.delivered == pytest.approx(10)
    assert queue.expected == pytest.approx(4) and queue.before.day == DAY
    assert queue.change == pytest.approx(1) and queue.realised == pytest.approx(0.25)
    assert queue.delivered == 0  # the kiosk was dropped


def test_each_team_realised_over_expected_and_its_suggested_confidence():
    _, teams = _review({"a": "delivered", "b": "delivered", "c": "dropped"})
    stores, it = teams["Stores"], teams["IT"]
    # greet's 10 shared pro rata: the greeter 4/16 of it, 2.5; the rota 12/16, 7.5. The
    # change of 6 is credited in those shares: 1.5 and 4.5.
    assert stores.expected == pytest.approx(2.5) and stores.realised == pytest.approx(1.5)
    assert stores.ratio == pytest.approx(0.6)
    # sure of it, the greeter's share would have been 2.5 / 0.5 = 5: 1.5 of 5 is 0.3
    assert stores.suggested_confidence == pytest.approx(0.3)
    assert it.expected == pytest.approx(7.5) and it.realised == pytest.approx(4.5)
    assert it.suggested_confidence == pytest.approx(0.6)
    assert dict(it.statuses) == {"delivered": 1, "dropped": 1} and it.unmeasured == 0


def test_the_change_is_credited_to_the_delivered_work_alone():
    _, teams = _review({"a": "in progress", "b": "delivered", "c": "delivered"})
    stores, it = teams["Stores"], teams["IT"]
    assert stores.expected == 0 and stores.ratio is None
    assert stores.suggested_confidence is None
    # greet's 6 all to the rota (7.5 expected); the queue's 1 to the kiosk (4 expected)
    assert it.expected == pytest.approx(7.5 + 4) and it.realised == pytest.approx(6 + 1)
    assert it.ratio == pytest.approx(7 / 11.5)
    assert it.suggested_confidence == pytest.approx(7 / (7.5 + 4 / 0.8))


def test_moments_not_measured_since_are_set_apart_and_a_fall_suggests_the_least():
    measured = {"greet": [Reading(date(2025, 12, 31), 60), Reading(date(2026, 6, 30), 55)],
                "queue": [Reading(date(2025, 12, 1), 50)]}
    moments, teams = _review({"a": "delivered", "b": "delivered", "c": "delivered"},
                             measured)
    assert moments["queue"].change is None and moments["queue"].realised is None
    assert moments["greet"].change == pytest.approx(-5)
    it = teams["IT"]
    assert it.unmeasured == pytest.approx(4) and it.expected == pytest.approx(7.5)
    assert it.realised == pytest.approx(-3.75) and it.suggested_confidence == MOST_DOUBT
    moments, _ = _review({}, {})
    assert moments["greet"].before is None and moments["greet"].change is None
