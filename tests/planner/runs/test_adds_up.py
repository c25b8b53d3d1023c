"""The run page shows how each focus moment's improvement adds up: each funded
initiative's uplift, times its confidence, times the factor of the step it arrives
through, to the improvement (capped at the headroom) and the contribution shown."""

from __future__ import annotations

import math

from planner.runs.breakdown import arrivals
from tests.webapp import page_text, saved_run


def test_the_parts_add_up_to_each_focus_moments_uplift(db, run_id):
    run = saved_run(db, run_id)
    brought = arrivals(run.inputs, run.result["funded"])
    moments = {m["id"]: m for m in run.result["moments"]}
    assert run.result["focus"]
    for key in run.result["focus"]:
        total = math.fsum(part.amount for part in brought[key])
        assert math.isclose(total, moments[key]["uplift"], rel_tol=1e-9, abs_tol=1e-9)
        assert moments[key]["improvement"] <= total + 1e-9


def test_the_demo_shows_work_arriving_through_a_back_stage_step(client, db, demo_id, run_id):
    run = saved_run(db, run_id)
    brought = arrivals(run.inputs, run.result["funded"])
    through = [(key, part) for key in run.result["focus"] for part in brought[key] if part.via]
    assert through, "the demo's run should fund work that reaches a focus moment indirectly"
    text = page_text(client.get(f"/plans/{demo_id}/runs/{run_id}"))
    key, part = through[0]
    name = next(m["name"] for m in run.inputs["moments"] if m["id"] == key)
    assert f"How the improvement of {name} adds up to" in text
    assert f"through {part.via} ×" in text


def test_one_rounding_rule_for_impact_on_every_page(client, db, demo_id, run_id):
    """The demo's impact of 563.95 reads 564.0 on the run page, the portfolio, the say-no
    page and an explanation alike."""
    from planner.web import figure, number

    run = saved_run(db, run_id)
    shown = figure(run.impact)
    assert shown == "564.0" and number(14.875) == "14.88" and number(2.675) == "2.68"
    rejected = run.result["rejected"][0]["id"]
    for page in (f"/plans/{demo_id}/runs/{run_id}", f"/plans/{demo_id}/portfolio",
                 f"/plans/{demo_id}/runs/{run_id}/say-no",
                 f"/plans/{demo_id}/runs/{run_id}/say-no/{rejected}"):
        text = page_text(client.get(page))
        assert shown in text and "563.95" not in text, page
