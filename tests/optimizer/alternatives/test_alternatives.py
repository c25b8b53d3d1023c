"""Near-optimal alternatives against an independent reading: every portfolio of a small
plan with its best focus, enumerated, and the rule of docs/model.md ("Near-optimal
alternatives") applied to them by hand."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer import alternatives as alternatives_module
from optimizer import plan_from_dict
from optimizer.alternatives import (
    EXHAUSTED,
    NUMERICAL,
    TIME_LIMIT,
    NoPortfolioError,
    alternatives,
)
from optimizer.checks import violations
from optimizer.model import index_plan
from optimizer.samples import generate_plan
from tests.optimizer.randomplans import effective_uplift, examples, feasible, impact_of, plans

REL = 1e-9  # the tie tolerance of docs/model.md, relative


def portfolios(plan) -> dict[frozenset, tuple[float, float]]:
    """Every portfolio that keeps every rule with some focus: {funded ids: (its impact with
    its best focus, its cost)}."""
    ids = [i.id for i in plan.initiatives]
    cost = {i.id: i.total_cost for i in plan.initiatives}
    uplift = effective_uplift(plan)
    focuses = [set(chosen) for k in range(plan.max_focus + 1)
               for chosen in itertools.combinations([m.id for m in plan.moments], k)]
    found = {}
    for size in range(len(ids) + 1):
        for chosen in itertools.combinations(ids, size):
            funded = set(chosen)
            impacts = [impact_of(plan, funded, focus, uplift) for focus in focuses
                       if feasible(plan, funded, focus, uplift)]
            if impacts:
                found[frozenset(funded)] = (max(impacts), sum(cost[i] for i in funded))
    return found


def expected_next(found, shown, floor) -> tuple[int, float, float] | None:
    """(distance, impact, cost) the next alternative must have, given the portfolios shown:
    the largest smallest distance, then the most impact, then the least cost; None when no
    portfolio at or above the floor differs from every one shown."""
    scored = [(min(len(funded ^ other) for other in shown), impact, cost)
              for funded, (impact, cost) in found.items() if impact >= floor]
    scored = [score for score in scored if score[0] >= 1]
    if not scored:
        return None
    distance = max(score[0] for score in scored)
    at_distance = [score for score in scored if score[0] == distance]
    top = max(score[1] for score in at_distance)
    tied = [score for score in at_distance if score[1] >= top - REL * abs(top)]
    return distance, top, min(score[2] for score in tied)


def check_document(plan, document, within, count, found=None):
    """Every alternative keeps every rule, meets the tolerance, and is the one the rule
    names given those before it; a short list is short because none is left."""
    found = portfolios(plan) if found is None else found
    best = max(impact for impact, _ in found.values())
    assert document["best"] == pytest.approx(best, rel=REL, abs=REL)
    optimum = frozenset(document["funded"])
    assert found[optimum][0] == pytest.approx(best, rel=REL, abs=REL)
    floor = best - within * best - REL * abs(best)
    data = index_plan(plan)
    shown = [optimum]
    for alternative in document["alternatives"]:
        funded, focus = frozenset(alternative["funded"]), set(alternative["focus"])
        assert violations(data, {data.initiative_index[i] for i in funded},
                          {data.moment_index[m] for m in focus}) == []
        assert feasible(plan, set(funded), focus)
        assert alternative["impact"] == pytest.approx(impact_of(plan, set(funded), focus),
                                                      rel=REL, abs=REL)
        assert alternative["impact"] == pytest.approx(found[funded][0], rel=REL, abs=REL)
        assert alternative["impact"] >= floor
        assert alternative["cost"] == pytest.approx(found[funded][1], rel=REL, abs=REL)
        want = expected_next(found, shown, floor)
        assert want is not None, "an alternative where none is left"
        assert alternative["distance"] == min(len(funded ^ other) for other in shown) == want[0]
        assert alternative["impact"] == pytest.approx(want[1], rel=REL, abs=REL)
        assert alternative["cost"] == pytest.approx(want[2], rel=REL, abs=REL)
        shown.append(funded)
    assert document["complete"] == (len(document["alternatives"]) == count)
    if not document["complete"]:
        assert document["reason"] == EXHAUSTED
        assert expected_next(found, shown, floor) is None


@examples(25)
@given(plans(max_initiatives=7), st.sampled_from([0, 0.1, 0.3, 1]), st.integers(1, 4))
def test_each_alternative_is_the_farthest_within_the_tolerance(plan, within, count):
    found = portfolios(plan)
    if not found:
        with pytest.raises(NoPortfolioError) as raised:
            alternatives(plan, within=within, count=count)
        assert raised.value.result.status == "infeasible" and raised.value.result.conflicts
        return
    check_document(plan, alternatives(plan, within=within, count=count), within, count, found)


@pytest.mark.parametrize("seed", [3, 8])
def test_a_sample_plan_of_ten_initiatives(seed):
    plan = generate_plan(10, 4, seed=seed)
    document = alternatives(plan, within=0.1, count=3)
    assert document["alternatives"], "a plan of ten initiatives has alternatives within 10%"
    check_document(plan, document, 0.1, 3)


def _plan(initiatives, *, budget=None, capacity=None, headroom=None, max_focus=2) -> dict:
    moment = {"id": "m", "name": "Moment", "weight": 1}
    if headroom is not None:
        moment["headroom"] = headroom
    document = {"plan": "hand-made", "max_focus": max_focus,
                "moments": [moment, {"id": "n", "name": "Other", "weight": 1}],
                "initiatives": [{"id": k, "name": f"Work {k}", **parts}
                                for k, parts in initiatives.items()]}
    if budget is not None:
        document["budget"] = budget
    if capacity is not None:
        document["resources"] = [{"id": "team", "capacity": capacity}]
    return document


def test_ties_in_distance_go_to_more_impact_then_less_cost():
    # One initiative at a time (the team does one); each alone differs from any other
    # by 2, so the order is by impact, then by cost.
    plan = _four_of_a_kind()
    document = alternatives(plan, within=0.05, count=4)
    assert document["funded"] == ["a"] and document["best"] == 10
    assert [(a["funded"], a["impact"], a["cost"], a["distance"])
            for a in document["alternatives"]] == [
        (["d"], 9.9, 3, 2), (["b"], 9.9, 5, 2), (["c"], 9.8, 4, 2)]
    assert document["complete"] is False and document["reason"] == EXHAUSTED
    check_document(plan, document, 0.05, 4)


def test_a_unique_optimum_at_tolerance_zero_has_no_alternative():
    plan = plan_from_dict(_plan({"a": {"effects": {"m": 5}, "cost": 5},
                                 "b": {"effects": {"n": 3}, "cost": 5},
                                 "c": {"effects": {"m": 1}, "cost": 1}}, budget=10))
    document = alternatives(plan, within=0, count=3)
    assert (document["best"], document["funded"], document["focus"]) == (8, ["a", "b"],
                                                                          ["m", "n"])
    assert document["alternatives"] == []
    assert document["complete"] is False and document["reason"] == EXHAUSTED
    # A quarter below the best lets one in: a and c (6), two from a and b.
    wider = alternatives(plan, within=0.25, count=3)
    assert [(a["funded"], a["impact"], a["distance"]) for a in wider["alternatives"]] == [
        (["a", "c"], 6, 2)]
    check_document(plan, wider, 0.25, 3)


def test_equal_portfolios_are_alternatives_at_tolerance_zero():
    plan = plan_from_dict(_plan({"a": {"effects": {"m": 4}, "cost": 2},
                                 "b": {"effects": {"m": 4}, "cost": 2}}, budget=2,
                                max_focus=1))
    document = alternatives(plan, within=0, count=1)
    assert document["complete"] is True
    [alternative] = document["alternatives"]
    assert alternative["impact"] == document["best"] == 4
    assert {*alternative["funded"], *document["funded"]} == {"a", "b"}


def test_an_infeasible_plan_is_an_error_naming_the_conflict():
    plan = plan_from_dict(_plan({"a": {"effects": {"m": 4}, "cost": 20, "decision": "fund"}},
                                budget=10))
    with pytest.raises(NoPortfolioError) as raised:
        alternatives(plan)
    assert raised.value.result.status == "infeasible"
    assert "a" in " ".join(raised.value.result.conflicts)


@pytest.mark.parametrize("options", [{"within": -0.1}, {"within": 1.5}, {"count": 0},
                                     {"count": 2.5}, {"time_limit": 0},
                                     {"within": float("nan")}])
def test_bad_options_are_refused(options):
    plan = plan_from_dict(_plan({"a": {"effects": {"m": 4}, "cost": 2}}))
    with pytest.raises(ValueError):
        alternatives(plan, **options)


def _four_of_a_kind():
    """Four alternatives to one another: one at a time, each alone differs by 2."""
    work = {"a": (10, 10), "b": (9.9, 5), "c": (9.8, 4), "d": (9.9, 3)}
    return plan_from_dict(_plan({k: {"effects": {"m": e}, "cost": c, "uses": {"team": 1}}
                                 for k, (e, c) in work.items()}, capacity=1))


def test_a_search_stopped_by_the_time_limit_keeps_what_it_found(monkeypatch):
    solves = []
    solve_once = alternatives_module._Search._solve

    def three_solves(self, *args, **kwargs):  # the first alternative's three phases
        solves.append(1)
        return None if len(solves) > 3 else solve_once(self, *args, **kwargs)

    monkeypatch.setattr(alternatives_module._Search, "_solve", three_solves)
    document = alternatives(_four_of_a_kind(), within=0.05, count=3)
    assert [a["funded"] for a in document["alternatives"]] == [["d"]]
    assert document["complete"] is False and document["reason"] == TIME_LIMIT


def test_a_portfolio_that_breaks_a_rule_is_solved_again_tighter(monkeypatch):
    refused = []
    check = alternatives_module.violations

    def refuse_first(data, funded, focus):  # as if the solver's tolerance let one through
        if not refused:
            refused.append(set(funded))
            return ["over a limit"]
        return check(data, funded, focus)

    monkeypatch.setattr(alternatives_module, "violations", refuse_first)
    document = alternatives(_four_of_a_kind(), within=0.05, count=3)
    assert refused == [{3}]  # d, the first alternative, refused once, then found again
    assert [a["funded"] for a in document["alternatives"]] == [["d"], ["b"], ["c"]]
    monkeypatch.setattr(alternatives_module, "violations", lambda *_: ["over a limit"])
    document = alternatives(_four_of_a_kind(), within=0.05, count=3)
    assert document["alternatives"] == [] and document["reason"] == NUMERICAL
