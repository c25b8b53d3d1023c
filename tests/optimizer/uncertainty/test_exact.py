"""Given samples, every figure of `robust` equals an independent reading (reference.py):
each sample solved afresh, the decision's figures in plain Python, the robust portfolio
as a plain scenario model; with ties, infeasible samples and plans without ranges."""

import copy
import math

import numpy as np
import pytest

from optimizer import plan_from_dict, solve
from optimizer.uncertainty import (
    SampleSession,
    draw_samples,
    robust,
    robust_portfolio,
    solve_samples,
    summarise,
)
from tests.optimizer.uncertainty import reference

COUNT = 40


def _document() -> dict:
    """Two halves, a capacity, links, caps; t1 and t2 tie on impact and cost and t3 ties
    on impact only (m4's headroom takes one of them), all three certain."""
    return {
        "plan": "ranged", "budget": 260, "max_focus": 2,
        "periods": [{"id": "H1", "budget": 170}, {"id": "H2"}],
        "resources": [{"id": "it", "capacity": 6}],
        "uncertainty": {"cost": [0.8, 1.4], "effects": [0.4, 1.3], "weight": [0.8, 1.2]},
        "moments": [
            {"id": "m1", "name": "One", "weight": 3, "headroom": 9},
            {"id": "m2", "name": "Two", "weight": 2, "weight_range": [1, 4]},
            {"id": "m3", "name": "Three", "weight": 1.5},
            {"id": "m4", "name": "Four", "weight": 4, "weight_range": [4, 4], "headroom": 5},
        ],
        "initiatives": [
            {"id": "a", "name": "A", "cost": {"H1": 40, "H2": 30}, "effects": {"m1": 5},
             "uses": {"it": 3}},
            {"id": "b", "name": "B", "cost": {"H1": 60}, "effects": {"m1": 4, "m2": 3},
             "confidence": 0.8, "cost_range": [40, 120]},
            {"id": "c", "name": "C", "cost": {"H2": 50}, "effects": {"m2": 6},
             "effects_range": {"m2": [0, 9]}, "uses": {"it": 2}},
            {"id": "d", "name": "D", "cost": {"H1": 30, "H2": 30}, "effects": {"m3": 7},
             "requires": ["c"]},
            {"id": "e", "name": "E", "cost": {"H1": 80}, "effects": {"m1": 6, "m3": 2},
             "excludes": ["b"], "uses": {"it": 4}},
            {"id": "f", "name": "F", "cost": {"H2": 20}, "effects": {"m2": 1},
             "decision": "fund"},
            {"id": "g", "name": "G", "cost": {"H1": 45}, "effects": {"m3": 4},
             "decision": "reject"},
            *[{"id": f"t{k}", "name": f"T{k}", "cost": {"H2": cost}, "cost_range": [cost, cost],
               "effects": {"m4": 5}, "effects_range": {"m4": [5, 5]}}
              for k, cost in ((1, 25), (2, 25), (3, 35))],
        ],
    }


def _infeasible_sometimes() -> dict:
    """f is forced in; its cost may turn out over the whole budget."""
    doc = _document()
    for initiative in doc["initiatives"]:
        if initiative["id"] == "f":
            initiative["cost"] = {"H2": 200}
            initiative["cost_range"] = [150, 330]
    return doc


def _capped() -> dict:
    """Small headrooms: the best portfolios fill their focus moments to the cap, and many
    portfolios tie on impact (the cheapest of them must be found)."""
    doc = _document()
    for moment, headroom in zip(doc["moments"], (3, 2, 2, 5), strict=True):
        moment["headroom"] = headroom
    return doc


def _certain() -> dict:
    doc = _document()
    doc.pop("uncertainty")
    for entry in doc["initiatives"] + doc["moments"]:
        for key in ("cost_range", "effects_range", "weight_range"):
            entry.pop(key, None)
    return doc


TIED = {"t1", "t2"}  # either may be counted


def _canonical(funded) -> set:
    return {("t*" if i in TIED else i) for i in funded}


@pytest.fixture(scope="module", params=[_document, _infeasible_sometimes, _capped])
def case(request):
    document = request.param()
    plan = plan_from_dict(copy.deepcopy(document))
    samples = draw_samples(plan, COUNT, seed=3)
    outcomes = solve_samples(plan, samples)
    return document, plan, samples, outcomes, reference.solve_each(document, samples)


def test_each_sample_is_its_own_exact_optimum(case):
    document, _, samples, outcomes, fresh = case
    for sample, outcome, result in zip(samples, outcomes, fresh, strict=True):
        assert outcome["status"] == result.status
        if result.impact is None:
            assert outcome["impact"] is None and outcome["funded"] == []
            continue
        doc = reference.apply(document, sample)
        funded, focus = set(outcome["funded"]), set(outcome["focus"])
        assert outcome["impact"] == pytest.approx(result.impact, rel=1e-9, abs=1e-9)
        assert outcome["cost"] == pytest.approx(result.cost, rel=1e-9)
        assert reference.impact(doc, funded, focus) == pytest.approx(outcome["impact"], rel=1e-9)
        assert reference.cost(doc, funded) == pytest.approx(outcome["cost"], rel=1e-9)
        assert not reference.over_budget(doc, funded)
        assert _canonical(funded) == _canonical(result.funded)
        assert focus == set(result.focus)


def test_the_tie_goes_to_the_cheapest(case):
    _, _, _, outcomes, _ = case
    on_m4 = [o for o in outcomes if "m4" in o["focus"]]
    assert on_m4 and all(len(TIED & set(o["funded"])) == 1 and "t3" not in o["funded"]
                         for o in on_m4)
    assert all(not {"t1", "t2", "t3"} & set(o["funded"]) for o in outcomes
               if "m4" not in o["focus"])


def test_the_summary_equals_the_independent_reading(case):
    document, plan, samples, outcomes, fresh = case
    doc = summarise(plan, samples, outcomes, seed=3)
    solved = [r for r in fresh if r.impact is not None]
    assert doc["samples"] == COUNT and doc["seed"] == 3
    assert doc["solved"] == len(solved)
    assert doc["infeasible"] == sum(r.status == "infeasible" for r in fresh)
    shares = {i["id"]: i for i in doc["initiatives"]}
    assert list(shares) == sorted(shares)
    for initiative in document["initiatives"]:
        iid = initiative["id"]
        chosen = sum(iid in r.funded for r in solved)
        if iid not in TIED:
            assert shares[iid]["chosen_share"] == chosen / len(solved)
    assert (shares["t1"]["chosen_share"] + shares["t2"]["chosen_share"]) * len(solved) == (
        pytest.approx(sum(bool(TIED & set(r.funded)) for r in solved), abs=1e-9))
    for entry in doc["initiatives"]:
        share, (low, high) = entry["chosen_share"], entry["interval"]
        assert low <= share <= high
        assert entry["class"] == ("core" if share >= 0.9 else "exterior" if share <= 0.1
                                  else "borderline")
    for moment in doc["moments"]:
        assert moment["focus_share"] == sum(moment["id"] in r.focus for r in solved) / len(solved)

    decided = solve(plan_from_dict(copy.deepcopy(document)))
    funded, focus = set(decided.funded), set(decided.focus)
    assert [i["id"] for i in doc["initiatives"] if i["in_decision"]] == sorted(funded)
    docs = [reference.apply(document, s) for s in samples]
    impacts = [reference.impact(d, funded, focus) for d in docs]
    costs = [reference.cost(d, funded) for d in docs]
    regrets = [r.impact - reference.impact(d, funded, focus)
               for d, r in zip(docs, fresh, strict=True) if r.impact is not None]
    decision = doc["decision"]
    assert decision["funded"] == sorted(funded) and decision["focus"] == sorted(focus)
    for key, values in (("impact", impacts), ("cost", costs)):
        assert decision[key]["mean"] == pytest.approx(np.mean(values), rel=1e-9)
        for q in (10, 50, 90):
            assert decision[key][f"p{q}"] == pytest.approx(np.percentile(values, q), rel=1e-9)
    assert decision["over_budget_share"] == sum(
        reference.over_budget(d, funded) for d in docs) / COUNT
    assert decision["regret"]["mean"] == pytest.approx(np.mean(regrets), rel=1e-9, abs=1e-9)
    assert decision["regret"]["p90"] == pytest.approx(np.percentile(regrets, 90), rel=1e-9,
                                                      abs=1e-9)


@pytest.mark.parametrize("make", [_document, _capped])
def test_the_shared_model_decides_every_feasible_sample(make):
    """The engine is the fallback, not the path: on these plans every sample is decided
    on the shared model (a wrong shortcut there would hand samples to the engine)."""
    plan = plan_from_dict(make())
    session = SampleSession(plan)
    outcomes = [session.solve(sample) for sample in draw_samples(plan, COUNT, seed=3)]
    assert session.fallbacks == 0 and all(o["status"] == "optimal" for o in outcomes)


def test_some_samples_are_infeasible_and_counted_apart():
    document = _infeasible_sometimes()
    plan = plan_from_dict(copy.deepcopy(document))
    samples = draw_samples(plan, COUNT, seed=3)
    over = sum(s["cost"]["f"] > document["budget"] for s in samples)
    assert 0 < over < COUNT  # the case this file is for
    doc = robust(plan, samples=samples)
    assert doc["infeasible"] == over and doc["solved"] == COUNT - doc["infeasible"]


def test_a_given_decision_is_held_fixed():
    document = _document()
    plan = plan_from_dict(copy.deepcopy(document))
    samples = draw_samples(plan, 12, seed=8)
    doc = robust(plan, samples=samples, decision=(["a", "f"], ["m1", "m2"]))
    impacts = [reference.impact(reference.apply(document, s), {"a", "f"}, {"m1", "m2"})
               for s in samples]
    assert doc["decision"]["impact"]["p50"] == pytest.approx(np.percentile(impacts, 50),
                                                             rel=1e-9)
    assert [i["id"] for i in doc["initiatives"] if i["in_decision"]] == ["a", "f"]


def test_a_plan_without_ranges_chooses_as_solve_does():
    document = _certain()
    plan = plan_from_dict(copy.deepcopy(document))
    assert draw_samples(plan, 5, seed=1) == [{"cost": {}, "effects": {}, "weight": {}}] * 5
    result = solve(plan)
    doc = robust(plan, count=6, seed=1)
    assert doc["solved"] == 6 and doc["infeasible"] == 0
    chosen = {i["id"] for i in doc["initiatives"] if i["chosen_share"] == 1}
    assert {i["chosen_share"] for i in doc["initiatives"]} <= {0.0, 1.0}
    assert _canonical(chosen) == _canonical(result.funded)
    assert {m["id"] for m in doc["moments"] if m["focus_share"] == 1} == set(result.focus)
    assert doc["decision"]["impact"]["p10"] == pytest.approx(result.impact, rel=1e-12)
    assert doc["decision"]["regret"] == {"mean": 0.0, "p90": 0.0}
    assert doc["decision"]["over_budget_share"] == 0


@pytest.mark.parametrize("objective", ["mean", "cvar"])
@pytest.mark.parametrize("make", [_document, _capped])
def test_the_robust_portfolio_equals_a_plain_scenario_model(objective, make):
    document = make()
    plan = plan_from_dict(copy.deepcopy(document))
    samples = draw_samples(plan, 25, seed=4)
    found = robust_portfolio(plan, samples, objective)
    assert found["status"] == "optimal" and found["objective"] == objective
    funded, focus = reference.scenario(document, samples, objective)
    best = reference.objective_value(document, samples, funded, focus, objective)
    ours = reference.objective_value(document, samples, set(found["funded"]),
                                     set(found["focus"]), objective)
    assert found["value"] == pytest.approx(ours, rel=1e-12)
    assert ours == pytest.approx(best, rel=1e-9)
    assert "f" in found["funded"] and "g" not in found["funded"]
    # Ties go to the least mean cost (t3 adds what t1 or t2 adds to m4, and costs more).
    assert "t3" not in found["funded"]
    assert reference.mean_cost(document, samples, set(found["funded"])) == pytest.approx(
        reference.mean_cost(document, samples, funded), rel=1e-9)


@pytest.mark.parametrize("make", [_infeasible_sometimes, _capped])
def test_an_outcome_does_not_depend_on_the_samples_before_it(make):
    """Changed in place, the shared model must forget the sample before: solved in turn,
    backwards, or each on a model of its own, every sample gives the same outcome."""
    plan = plan_from_dict(make())
    samples = draw_samples(plan, 12, seed=6)
    in_turn = solve_samples(plan, samples)
    backwards = solve_samples(plan, samples[::-1])[::-1]
    alone = [SampleSession(plan).solve(sample) for sample in samples]
    assert in_turn == backwards == alone


def test_one_process_or_two_give_the_same_answer():
    plan = plan_from_dict(_document())
    samples = draw_samples(plan, 18, seed=9)
    seen = []
    one = robust(plan, samples=samples, workers=1, objective="cvar")
    two = robust(plan, samples=samples, workers=2, objective="cvar",
                 progress=lambda done, total: seen.append((done, total)))
    assert one == two
    assert seen[-1] == (18, 18) and all(total == 18 for _, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@pytest.mark.parametrize(("chosen", "count"), [(0, 1000), (1000, 1000), (460, 1000), (3, 7),
                                               (0, 1), (1, 1)])
def test_the_interval_is_wilsons_with_its_ends_exact(chosen, count):
    from optimizer.uncertainty.summary import wilson

    z, p = 1.959964, chosen / count
    centre = (p + z * z / (2 * count)) / (1 + z * z / count)
    half = z / (1 + z * z / count) * math.sqrt(p * (1 - p) / count + z * z / (4 * count ** 2))
    low, high = wilson(chosen, count)
    assert low == pytest.approx(max(0.0, centre - half), abs=1e-12)
    assert high == pytest.approx(min(1.0, centre + half), abs=1e-12)
    # a share of none (or every case) has its end at 0 (or 1) exactly, as a page says it
    assert (low == 0.0) is (chosen == 0) and (high == 1.0) is (chosen == count)
