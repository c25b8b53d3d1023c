"""Firmness in words: percentages that never overstate, a verdict for each class and
decision, and a kept result read with the run's own names whatever it lacks."""

from __future__ import annotations

from datetime import datetime

import pytest

from models import Run, Uncertainty
from planner.runs.firmness import shaped
from planner.runs.firmness.words import VERDICTS, percent, verdict


@pytest.mark.parametrize(("share", "words"), [
    (0.0, "0%"), (0.004, "under 1%"), (0.005, "1%"), (0.465, "47%"), (0.46, "46%"),
    (0.97, "97%"), (0.994, "99%"), (0.995, "over 99%"), (0.9999, "over 99%"), (1.0, "100%"),
])
def test_a_share_reads_as_a_whole_percentage_that_never_overstates(share, words):
    assert percent(share) == words


def _run() -> Run:
    return Run(id=3, plan_id=1, budget=100.0, max_focus=1, status="optimal", impact=12.5,
               cost=90.0, inputs={"currency": "EUR", "moments": [{"id": "m", "name": "Moment"}],
                                  "initiatives": [{"id": "a", "name": "Alpha", "cost": 90,
                                                   "effects": {"m": 5}},
                                                  {"id": "b", "name": "Beta",
                                                   "cost": {"H1": 20, "H2": 30}}]},
               result={"funded": ["a"], "focus": ["m"], "rejected": [{"id": "b"}]})


def _row(result: dict) -> Uncertainty:
    return Uncertainty(id=9, plan_id=1, run_id=3, kind="robust", result=result,
                       created_at=datetime(2027, 3, 1))


def test_each_class_and_decision_has_its_verdict():
    firm = shaped(_row({"solved": 10, "initiatives": [
        {"id": "a", "chosen_share": 0.05, "interval": [0.01, 0.2], "class": "exterior"},
        {"id": "b", "chosen_share": 0.95, "interval": [0.8, 0.99], "class": "core"}]}), _run())
    assert verdict(firm.shares["a"]) == ("Funded with the estimates as they stand, yet chosen "
                                         "in only 5% of plausible cases")
    assert verdict(firm.shares["b"]).startswith("Chosen in 95% of plausible cases, though not")
    assert set(VERDICTS) == {(funded, kind) for funded in (True, False)
                             for kind in ("core", "borderline", "exterior")}


def test_a_result_is_read_with_the_runs_names_and_what_it_lacks_is_left_out():
    firm = shaped(_row({"solved": 10, "initiatives": [
        {"id": "a", "chosen_share": 0.5}, {"id": "gone", "chosen_share": 0.2},
        {"id": "b", "chosen_share": None}],
        "moments": [{"id": "m", "focus_share": 0.7}],
        "decision": {"impact": {"p10": 1, "p50": 2}, "over_budget_share": 0},
        "core_if": {"a": {"cost_at_most": 60}, "gone": {"cost_at_most": 1}}}), _run())
    assert firm.shares["a"].name == "Alpha" and firm.shares["a"].kind == "borderline"
    assert (firm.shares["a"].low, firm.shares["a"].high) == (0.5, 0.5)  # no interval given
    assert firm.shares["gone"].name == "gone" and "b" not in firm.shares
    assert [(m.name, m.share, m.focus) for m in firm.moments] == [("Moment", 0.7, True)]
    assert not firm.band and str(firm.impact_chart) == ""  # no P90: no band drawn
    assert firm.over_budget_share == 0.0 and firm.key == (9, datetime(2027, 3, 1))
    assert firm.wanted("a").cost_now == 90 and firm.wanted("a").cost_at_most == 60
    assert firm.wanted("gone") is None and firm.wanted("b") is None
    assert shaped(_row({"solved": 0, "initiatives": []}), _run()) is None
