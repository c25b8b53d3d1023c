"""The next cycle starts from this cycle's measured scores: each moment's latest measured
score is its new baseline score, and its headroom what is left below the ceiling it was
planned with (its baseline score plus its headroom, docs/model.md), never last cycle's
headroom beside a new score."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from models import Measurement, Moment, Plan
from planner.review.next_cycle import AT_CEILING, rescored
from tests.webapp import page_text

DAY = date(2026, 6, 15)


def test_a_moments_headroom_is_what_is_left_below_its_ceiling():
    readings = [("2026-01-01", 40.0), ("2026-06-01", 44.0), ("2026-09-01", 50.0)]
    moment = {"id": "greet", "score": 48.0, "headroom": 30.0}
    assert not rescored(moment, readings, DAY)
    assert moment == {"id": "greet", "score": 50.0, "headroom": 28.0}  # the ceiling: 78
    # no baseline score: counted from the last one measured by the day of the decision
    moment = {"id": "greet", "headroom": 20.0}
    assert not rescored(moment, readings, DAY)
    assert moment == {"id": "greet", "score": 50.0, "headroom": 14.0}  # 44 + 20 - 50
    # nothing to count it from: the headroom stays as it was, the score is the latest
    moment = {"id": "greet", "headroom": 20.0}
    assert not rescored(moment, readings[2:], DAY)
    assert moment == {"id": "greet", "score": 50.0, "headroom": 20.0}
    moment = {"id": "greet", "score": 48.0}  # no cap: none is made
    assert not rescored(moment, readings, DAY) and moment == {"id": "greet", "score": 50.0}
    moment = {"id": "greet", "score": 48.0, "headroom": 30.0}  # never measured: as it was
    assert not rescored(moment, [], DAY)
    assert moment == {"id": "greet", "score": 48.0, "headroom": 30.0}
    # measured at or past its ceiling: the least headroom, and said so
    moment = {"id": "greet", "score": 48.0, "headroom": 1.0}
    assert rescored(moment, readings, DAY) and moment["headroom"] == AT_CEILING


def _moments(db, plan_id: int) -> dict[str, Moment]:
    db.rollback()
    return {m.key: m for m in db.exec(select(Moment).where(Moment.plan_id == plan_id)).all()}


def test_the_next_cycle_starts_from_the_measured_scores_with_the_headroom_left(
        client, db, demo_id, run_id):
    assert client.post(f"/plans/{demo_id}/runs/{run_id}/publish").status_code in (302, 303)
    before = _moments(db, demo_id)
    for key, score in (("greet", 60.0), ("signage", 85.0)):
        db.add(Measurement(plan_id=demo_id, moment_id=before[key].id, score=score,
                           taken_on=date(2026, 12, 31), source="exit survey"))
    db.commit()
    before = _moments(db, demo_id)
    answer = client.post(f"/plans/{demo_id}/next-cycle", data={"name": "Retail FY2028"},
                         follow_redirects=True)
    text = page_text(answer)
    assert 'with no headroom left: "Store signage invites people in"; check its headroom' \
        in text
    db.rollback()
    added = db.exec(select(Plan).where(Plan.name == "Retail FY2028")).one()
    after = _moments(db, added.id)
    # greeted: 48 with 30 to go (a ceiling of 78), measured 60 since: 18 left
    assert (after["greet"].score, after["greet"].headroom) == (60.0, 18.0)
    # the signage: 71 with 10 to go, measured 85: past its ceiling, the least headroom
    assert (after["signage"].score, after["signage"].headroom) == (85.0, AT_CEILING)
    for key, moment in before.items():  # every other moment: its ceiling kept
        if key in ("greet", "signage"):
            continue
        assert after[key].score == moment.score, key  # the demo's latest measurements
        if moment.headroom is None or moment.score is None:
            assert after[key].headroom == moment.headroom, key
        else:
            assert after[key].score + after[key].headroom == moment.score + moment.headroom
    # the decided plan keeps its own
    assert {k: (m.score, m.headroom) for k, m in _moments(db, demo_id).items()} == {
        k: (m.score, m.headroom) for k, m in before.items()}
