"""Owners of the moments: given on the moment's form and in plan files, shown on the journey,
each with a page of what the decision asks of its moments, and the memo by owner."""

from __future__ import annotations

import math

from sqlmodel import select

from models import Moment, Run
from planner.demo import DEMO_OWNERS
from planner.runs.breakdown import arrivals
from planner.runs.reports import SayNoEntry
from planner.runs.say_no import memo_by_owner
from planner.web import number
from tests.webapp import page_text, saved_run


def test_the_demos_moments_have_their_owners_on_the_journey(client, db, demo_id):
    text = page_text(client.get(f"/plans/{demo_id}/journey"))
    moments = db.exec(select(Moment).where(Moment.plan_id == demo_id)).all()
    assert {m.key: m.owner for m in moments} == DEMO_OWNERS
    for moment in moments:
        assert f"{moment.name} owner: {moment.owner}" in text
    html = client.get(f"/plans/{demo_id}/journey").get_data(as_text=True)
    assert f'href="/plans/{demo_id}/owners/Stores"' in html


def test_the_moment_form_saves_an_owner_trimmed_and_offers_the_plans_names(client, db,
                                                                             demo_id):
    moment = db.exec(select(Moment).where(Moment.plan_id == demo_id,
                                          Moment.key == "greet")).one()
    url = f"/plans/{demo_id}/moments/{moment.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'list="plan-owners"' in form
    for name in ("Stores", "HR", "IT", "Marketing"):  # its owners and teams
        assert f'<option value="{name}">' in form
    data = {"key": "greet", "name": moment.name, "stage_id": str(moment.stage_id),
            "side": "front", "weight": "8", "headroom": "", "score": "",
            "category": "", "owner": "  Store managers ", "version": str(moment.version)}
    assert client.post(url, data=data).status_code == 302
    db.rollback()
    assert db.get(Moment, moment.id).owner == "Store managers"
    data.update(owner="x" * 121, version=str(moment.version + 1))
    answer = client.post(url, data=data)
    assert answer.status_code == 422 and "Owner" in page_text(answer)
    db.rollback()
    assert db.get(Moment, moment.id).owner == "Store managers"  # nothing half-saved


def test_every_owner_with_the_focus_moments_it_owns(client, db, demo_id, run_id):
    run = saved_run(db, run_id)
    text = page_text(client.get(f"/plans/{demo_id}/owners"))
    assert "No decision is published yet: shown is the CX lead's latest draft" in text
    names = {m["id"]: m["name"] for m in run.inputs["moments"]}
    for owner in set(DEMO_OWNERS.values()):
        focus = [name for key, name in names.items()  # in the journey's order
                 if key in run.result["focus"] and DEMO_OWNERS[key] == owner]
        assert f"{owner} {sum(v == owner for v in DEMO_OWNERS.values())} " \
               f"{', '.join(focus) if focus else '–'}" in text


def test_an_owners_page_gives_each_moment_its_focus_work_and_expected_improvement(
        client, db, demo_id, run_id):
    run = saved_run(db, run_id)
    text = page_text(client.get(f"/plans/{demo_id}/owners/Stores"))
    brought = arrivals(run.inputs, run.result["funded"])
    figures = {m["id"]: m for m in run.result["moments"]}
    owned = [m for m in run.inputs["moments"] if DEMO_OWNERS[m["id"]] == "Stores"]
    for moment in owned:
        figure = figures[moment["id"]]
        expected = min(figure["uplift"], figure["headroom"] or math.inf)
        words = ("A focus moment" if figure["focus"] else "Not a focus moment")
        assert f"{moment['name']} {words}" in text
        assert f"Expected improvement this cycle: {number(expected)} point" in text
        for arrival in brought[moment["id"]]:
            assert f"{arrival.name} {arrival.via or 'the moment itself'}" in text
        assert f"on its baseline score of {number(moment['score'])} (the plan's)" in text
        latest = f"latest {number(moment['score'])} on 2026-11-30"
        if figure["focus"]:  # its target: the score then plus the improvement counted
            latest += f" · target {number(moment['score'] + figure['improvement'])}"
        assert latest in text
    # the greeting is fed by the staff rota, a back-stage step HR owns: the chain is named
    assert "Footfall-based staff rota Back room: staff rota matches footfall (×0.6)" in text
    assert "Refund or exchange without a fight" not in text  # Finance owns it
    assert client.get(f"/plans/{demo_id}/owners/Nobody").status_code == 404


def test_the_memo_by_owner_on_a_hand_computed_example():
    inputs = {
        "moments": [{"id": "wait", "name": "Short wait", "owner": "Stores"},
                    {"id": "rota", "name": "Rota", "side": "back", "owner": "HR"},
                    {"id": "sign", "name": "Signage"}],
        "influences": [{"from": "rota", "to": "wait", "factor": 0.5}],
        "initiatives": [
            {"id": "a", "name": "Better rota", "cost": 10, "effects": {"rota": 4},
             "confidence": 0.5},
            {"id": "b", "name": "Queue app", "cost": 20, "effects": {"wait": 3}},
            {"id": "c", "name": "New signs", "cost": 5, "effects": {"sign": 1}},
        ]}
    result = {"funded": ["a", "b"], "moments": [
        {"id": "wait", "focus": True, "improvement": 4.0, "uplift": 4.0, "headroom": None},
        {"id": "rota", "focus": False, "improvement": 0.0, "uplift": 2.0, "headroom": 1.5},
        {"id": "sign", "focus": False, "improvement": 0.0, "uplift": 0.0, "headroom": None}]}
    turned_down = SayNoEntry("c", "New signs", "", 5.0, "off_focus", "Off focus", "…")
    memos = {memo.owner: memo for memo in memo_by_owner(inputs, result, [turned_down])}
    assert list(memos) == ["HR", "Stores", ""]
    # a's 4 points at confidence 0.5 reach the wait through the rota at 0.5: 1.0; b: 3
    assert memos["Stores"].moments == [("Short wait", True, 4.0)]
    assert memos["Stores"].funded == [("Queue app", 3.0), ("Better rota", 1.0)]
    assert memos["HR"].moments == [("Rota", False, 1.5)]  # capped by its headroom
    assert memos["HR"].funded == [("Better rota", 2.0)]
    assert memos[""].not_funded == [turned_down] and not memos["Stores"].not_funded


def test_the_memo_lists_every_owner_on_the_page_and_in_markdown(client, db, demo_id, run_id):
    text = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}/memo"))
    markdown = client.get(f"/plans/{demo_id}/runs/{run_id}/memo.md").get_data(as_text=True)
    assert "By owner of the moments" in text and "## By owner of the moments" in markdown
    for owner in set(DEMO_OWNERS.values()):
        assert f"### {owner}" in markdown


def test_a_run_keeps_the_owners_the_plan_had(client, db, demo_id, run_id):
    run = db.get(Run, run_id)
    assert {m["id"]: m.get("owner") for m in run.inputs["moments"]} == DEMO_OWNERS
