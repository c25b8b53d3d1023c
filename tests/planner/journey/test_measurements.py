"""Measured scores of the moments: in plan files, by form, on the journey's cards with a
focus moment's target, and who may record them."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

from sqlmodel import select

from models import Measurement, Moment, Run
from planner.demo import demo_document
from planner.journey.trend import Target, target_of
from planner.web import number
from tests.webapp import page_text, saved_run


def _moment(db, plan_id: int, key: str) -> Moment:
    return db.exec(select(Moment).where(Moment.plan_id == plan_id, Moment.key == key)).one()


def test_the_demo_has_a_year_of_scores_and_its_plan_file_round_trips(client, db, demo_id):
    found = db.exec(select(Measurement).where(Measurement.plan_id == demo_id)).all()
    measured = [m for m in demo_document()["moments"] if m.get("score") is not None]
    assert len(found) == 12 * len(measured)
    days = {m.taken_on for m in found}
    assert len(days) == 12 and (min(days), max(days)) == (date(2025, 12, 31), date(2026, 11, 30))
    for moment in measured:  # the last month ends at today's score
        last = max((m for m in found if m.moment_id == _moment(db, demo_id, moment["id"]).id),
                   key=lambda m: m.taken_on)
        assert last.score == moment["score"]
    document = json.loads(client.get(f"/plans/{demo_id}/plan.json").get_data(as_text=True))
    assert document["measurements"] == demo_document()["measurements"]
    document["plan"] = "Copy"
    answer = client.post("/plans/import", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(json.dumps(document).encode()), "p.json")})
    assert answer.status_code == 302
    copy_id = int(answer.headers["Location"].split("/plans/")[1].split("/")[0])
    again = json.loads(client.get(f"/plans/{copy_id}/plan.json").get_data(as_text=True))
    assert again["measurements"] == document["measurements"]


def test_a_run_solves_the_plan_without_its_measurements(client, db, demo_id, run_id):
    assert "measurements" not in saved_run(db, run_id).inputs


def test_a_score_is_added_by_form_as_people_type_it(client, db, demo_id):
    moment = _moment(db, demo_id, "greet")
    url = f"/plans/{demo_id}/moments/{moment.id}/measurements"
    before = len(db.exec(select(Measurement).where(Measurement.moment_id == moment.id)).all())
    answer = client.post(url, data={"taken_on": " 2026-12-31 ", "score": "52.5 pts",
                                    "n": "1,200", "source": " mystery shopper "})
    assert answer.status_code == 302
    db.rollback()
    rows = db.exec(select(Measurement).where(Measurement.moment_id == moment.id)
                   .order_by(Measurement.taken_on)).all()
    assert len(rows) == before + 1
    assert (rows[-1].taken_on, rows[-1].score, rows[-1].n, rows[-1].source) == (
        date(2026, 12, 31), 52.5, 1200, "mystery shopper")
    page = client.get(url)
    assert "2026-12-31 52.5 1,200 mystery shopper" in page_text(page)
    assert ('aria-label="Chart: measured score of Greeted within 30 seconds: 2025-12-31 '
            in page.get_data(as_text=True))
    assert "2026-12-31 52.5." in page.get_data(as_text=True)  # the new point is drawn


def test_bad_scores_are_named_at_their_field_and_nothing_is_saved(client, db, demo_id):
    moment = _moment(db, demo_id, "greet")
    url = f"/plans/{demo_id}/moments/{moment.id}/measurements"
    count = len(db.exec(select(Measurement)).all())
    for data, words in (
            ({"taken_on": "31/12/2026", "score": "50"}, "Enter a date as 2026-03-31."),
            ({"taken_on": "2026-02-30", "score": "50"}, "Enter a date as 2026-03-31."),
            ({"taken_on": "2026-12-31", "score": "lots"}, '"lots" is not one'),
            # a score is points, never money
            ({"taken_on": "2026-12-31", "score": "EUR 50"}, "this field is points"),
            ({"taken_on": "2026-12-31", "score": ""}, "Score"),
            ({"taken_on": "2026-12-31", "score": "50", "n": "0"}, "At least 1."),
            ({"taken_on": "2026-12-31", "score": "50", "n": "2.5"}, "Enter a whole number")):
        answer = client.post(url, data=data)
        assert answer.status_code == 422, data
        assert words in page_text(answer), (data, page_text(answer))
    db.rollback()
    assert len(db.exec(select(Measurement)).all()) == count


def test_a_score_is_deleted(client, db, demo_id):
    moment = _moment(db, demo_id, "greet")
    first = db.exec(select(Measurement).where(Measurement.moment_id == moment.id)
                    .order_by(Measurement.taken_on)).first()
    first_id, moment_id = first.id, moment.id
    answer = client.post(f"/plans/{demo_id}/measurements/{first_id}/delete")
    assert answer.status_code == 302
    db.rollback()
    db.expunge_all()
    assert db.exec(select(Measurement).where(Measurement.id == first_id)).first() is None
    left = db.exec(select(Measurement).where(Measurement.moment_id == moment_id)).all()
    assert len(left) == 11


def test_the_journey_shows_each_trend_and_a_focus_moments_target(client, db, demo_id, run_id):
    run = saved_run(db, run_id)
    html = client.get(f"/plans/{demo_id}/journey").get_data(as_text=True)
    text = page_text(client.get(f"/plans/{demo_id}/journey"))
    measured = [m for m in run.inputs["moments"] if m.get("score") is not None]
    assert html.count('class="chart-svg chart-trend-') == len(measured)
    figures = {m["id"]: m for m in run.result["moments"]}
    for moment in measured:
        assert f"latest {moment['score']:g} on 2026-11-30" in text
        if figures[moment["id"]]["focus"]:
            target = moment["score"] + figures[moment["id"]]["improvement"]
            assert f"target {number(target)} ({number(moment['score'])} + " in text


def test_a_target_starts_from_the_runs_score_else_the_last_one_measured_before_it():
    moment = Moment(key="greet", name="Greeted", plan_id=1)
    run = Run(plan_id=1, max_focus=3, status="optimal", created_at=datetime(2026, 6, 15,
                                                                            tzinfo=UTC),
              inputs={"moments": [{"id": "greet", "name": "Greeted"}]},
              result={"moments": [{"id": "greet", "focus": True, "improvement": 6.0}]})
    scores = [Measurement(plan_id=1, moment_id=1, taken_on=date(2026, month, 1), score=s)
              for month, s in ((4, 40.0), (6, 44.0), (7, 47.0))]
    assert target_of(moment, run, scores) == Target(44.0, 6.0)  # June's, not July's
    assert target_of(moment, run, scores[2:]) is None  # nothing measured before the run
    run.inputs = {"moments": [{"id": "greet", "name": "Greeted", "score": 41.0}]}
    assert target_of(moment, run, scores).score == 47.0
    run.result = {"moments": [{"id": "greet", "focus": False, "improvement": 6.0}]}
    assert target_of(moment, run, scores) is None  # only a focus moment has one


def test_the_summary_goes_from_the_first_score_to_the_latest(client, db, demo_id):
    moment = _moment(db, demo_id, "greet")
    url = f"/plans/{demo_id}/moments/{moment.id}/measurements"
    rows = db.exec(select(Measurement).where(Measurement.moment_id == moment.id)
                   .order_by(Measurement.taken_on)).all()
    # a dip below the first score and a peak above the latest: neither is the trend
    for day, score in (("2027-01-31", 20.0), ("2027-02-28", 95.0), ("2027-03-31", 50.0)):
        assert client.post(url, data={"taken_on": day, "score": str(score)}).status_code == 302
    first = rows[0]
    text = page_text(client.get(url))
    change = 50.0 - first.score
    assert (f"From the first measured score, {number(first.score)} on "
            f"{first.taken_on.isoformat()}, to the latest, 50 on 2027-03-31: "
            f"{'+' if change > 0 else ''}{number(change)} points over {len(rows) + 3} "
            "scores.") in text
    assert "from 20 to 95" not in text
    journey = page_text(client.get(f"/plans/{demo_id}/journey"))
    assert (f"measured score: first {number(first.score)} on {first.taken_on.isoformat()}, "
            "latest 50 on 2027-03-31") in journey


def test_a_moments_name_is_escaped_in_its_trend_and_its_card(client, db, demo_id):
    """The trend chart (an <svg> put in the page as markup) and the card around it write a
    moment's name as text, never as markup."""
    moment = _moment(db, demo_id, "greet")
    moment.name = '<script>alert(1)</script> & "greet"'
    db.add(moment)
    db.commit()
    html = client.get(f"/plans/{demo_id}/journey").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert 'Chart: measured score of &lt;script&gt;alert(1)&lt;/script&gt; &amp;' in html
