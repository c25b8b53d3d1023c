"""The engine against docs/model.md: the example, brute force, properties, reasons, conflicts."""

import ast
import dataclasses
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer import Options, plan_from_dict, solve, with_overrides
from optimizer.checks import violations
from optimizer.model import index_plan
from tests.conftest import EXAMPLE_EXPECTED
from tests.optimizer.randomplans import examples, exhaustive, feasible, impact_of, plans

SOLVERS = ["highs", "cbc"]


def _check(plan, result):
    """The result satisfies every constraint and its figures add up."""
    data = index_plan(plan)
    funded = {data.initiative_index[i] for i in result.funded}
    focus = {data.moment_index[m] for m in result.focus}
    assert violations(data, funded, focus) == []
    assert feasible(plan, set(result.funded), set(result.focus))
    assert result.impact == pytest.approx(impact_of(plan, set(result.funded), set(result.focus)),
                                          abs=1e-9)
    assert sorted(result.funded + [r.id for r in result.rejected]) == sorted(
        i.id for i in plan.initiatives)


@pytest.mark.parametrize("solver", SOLVERS)
def test_example_gives_expected_answer(example_plan, solver):
    import json

    expected = json.loads(EXAMPLE_EXPECTED.read_text())
    result = solve(example_plan, Options(solver=solver))
    assert result.status == expected["status"]
    assert result.impact == pytest.approx(expected["impact"], rel=1e-9)
    assert result.cost == pytest.approx(expected["cost"])
    assert sorted(result.funded) == sorted(expected["funded"])
    assert sorted(result.focus) == sorted(expected["focus"])
    assert result.gap == 0 and result.bound == pytest.approx(result.impact)
    _check(example_plan, result)


@examples(60)
@given(plans(), st.sampled_from(SOLVERS))
def test_optimum_equals_exhaustive_search(plan, solver):
    result = solve(plan, Options(solver=solver))
    best = exhaustive(plan)
    if best is None:
        assert result.status == "infeasible"
        assert result.conflicts
        return
    assert result.status == "optimal", result.conflicts
    assert result.impact == pytest.approx(best[0], rel=1e-9, abs=1e-9)
    # tie-break: the cheapest portfolio among those of the best impact
    assert result.cost == pytest.approx(best[1], abs=1e-9)
    _check(plan, result)


@examples(20)
@given(plans())
def test_more_budget_never_lowers_impact(plan):
    impacts = []
    for budget in (0, 5, 10, 20, 40, None):
        result = solve(dataclasses.replace(plan, budget=budget))
        impacts.append(result.impact if result.has_portfolio else None)
    solved = [impact for impact in impacts if impact is not None]
    assert solved == sorted(solved)
    # once a budget admits a portfolio, every larger one does too
    first = next((k for k, impact in enumerate(impacts) if impact is not None), len(impacts))
    assert all(impact is not None for impact in impacts[first:])


@examples(15)
@given(plans(), st.data())
def test_shuffled_input_gives_the_same_answer(plan, data):
    shuffled = dataclasses.replace(
        plan,
        moments=tuple(data.draw(st.permutations(plan.moments), label="moments")),
        initiatives=tuple(data.draw(st.permutations(plan.initiatives), label="initiatives")),
        influences=tuple(data.draw(st.permutations(plan.influences), label="influences")))
    first, second = solve(plan), solve(shuffled)
    assert first.status == second.status
    assert first.impact == second.impact
    assert first.funded == second.funded and first.focus == second.focus


def test_example_shuffled_same_answer(example_plan):
    rng = random.Random(7)
    shuffled = dataclasses.replace(
        example_plan,
        initiatives=tuple(rng.sample(example_plan.initiatives, len(example_plan.initiatives))),
        moments=tuple(rng.sample(example_plan.moments, len(example_plan.moments))))
    assert solve(shuffled).funded == solve(example_plan).funded


def test_overrides(example_plan):
    tighter = solve(with_overrides(example_plan, budget=200000, max_focus=2))
    assert tighter.status == "optimal"
    assert tighter.cost <= 200000 and len(tighter.focus) <= 2
    assert tighter.impact < 563.95


def _plan(initiatives, moments=None, **settings):
    moments = moments or [{"id": "m", "name": "Checkout queue", "weight": 2, "headroom": 10},
                          {"id": "n", "name": "Signage", "weight": 1}]
    return plan_from_dict({"plan": "t", "moments": moments, "initiatives": initiatives,
                           **settings})


def _reason(result, initiative_id):
    return result.rejection(initiative_id)


def test_reason_forced_out_gives_the_stated_reason():
    plan = _plan([{"id": "a", "name": "A", "cost": 1, "effects": {"m": 3},
                   "decision": "reject", "reason": "brand freeze"}])
    rejection = _reason(solve(plan), "a")
    assert rejection.reason == "forced_out"
    assert "brand freeze" in rejection.message


def test_reason_off_focus():
    plan = _plan([{"id": "a", "name": "A", "cost": 1, "effects": {"m": 3}},
                  {"id": "b", "name": "B", "cost": 1, "effects": {"n": 1}}], max_focus=1)
    result = solve(plan)
    assert result.focus == ["m"]
    rejection = _reason(result, "b")
    assert rejection.reason == "off_focus"
    assert "'Signage'" in rejection.message and "'Checkout queue'" in rejection.message


def test_reason_blocked_by_unfunded_requirement_and_by_exclusion():
    plan = _plan([{"id": "a", "name": "A", "cost": 8, "effects": {"m": 3}},
                  {"id": "b", "name": "B", "cost": 5, "effects": {"m": 4}, "requires": ["c"]},
                  {"id": "c", "name": "C", "cost": 5, "effects": {"n": 0.1}},
                  {"id": "d", "name": "D", "cost": 1, "effects": {"m": 1}, "excludes": ["a"]}],
                 budget=9, max_focus=1)
    result = solve(plan)
    assert result.funded == ["a"]
    assert _reason(result, "b").reason == "blocked"
    assert "depends on 'C'" in _reason(result, "b").message
    assert _reason(result, "d").reason == "blocked"
    assert "conflicts with 'A'" in _reason(result, "d").message


def test_reason_saturated():
    plan = _plan([{"id": "a", "name": "A", "cost": 1, "effects": {"m": 10}},
                  {"id": "b", "name": "B", "cost": 1, "effects": {"m": 5}}])
    result = solve(plan)
    assert result.funded == ["a"]
    assert _reason(result, "b").reason == "saturated"


def test_reason_outranked_names_the_budget():
    plan = _plan([{"id": "a", "name": "A", "cost": 6, "effects": {"m": 5}},
                  {"id": "b", "name": "B", "cost": 6, "effects": {"m": 4}}], budget=10)
    result = solve(plan)
    rejection = _reason(result, "b")
    assert rejection.reason == "outranked"
    assert "the budget" in rejection.message and "EUR 4 is left" in rejection.message


def test_reason_outranked_names_a_capacity():
    plan = _plan([{"id": "a", "name": "A", "cost": 0, "effects": {"m": 5}, "uses": {"it": 2}},
                  {"id": "b", "name": "B", "cost": 0, "effects": {"m": 4}, "uses": {"it": 2}}],
                 resources=[{"id": "it", "name": "IT delivery", "capacity": 3, "unit": "FTE"}])
    rejection = _reason(solve(plan), "b")
    assert rejection.reason == "outranked"
    assert "IT delivery" in rejection.message


def test_cheapest_of_equal_impact_portfolios():
    plan = _plan([{"id": "a", "name": "A", "cost": 9, "effects": {"m": 10}},
                  {"id": "b", "name": "B", "cost": 3, "effects": {"m": 10}},
                  {"id": "c", "name": "C", "cost": 5, "effects": {"m": 10}}])
    result = solve(plan)
    assert result.funded == ["b"] and result.cost == 3


def test_forced_in_work_counts_and_is_exempt_from_say_no():
    plan = _plan([{"id": "a", "name": "A", "cost": 1, "effects": {"n": 3}, "decision": "fund"},
                  {"id": "b", "name": "B", "cost": 1, "effects": {"m": 4}}], max_focus=1)
    result = solve(plan)
    assert set(result.funded) == {"a", "b"}
    assert result.focus == ["m"]


def test_back_stage_step_counts_through_its_influence():
    moments = [{"id": "queue", "name": "Queue", "weight": 3},
               {"id": "rota", "name": "Rota", "side": "back", "weight": 0}]
    plan = _plan([{"id": "r", "name": "Rota", "cost": 1, "effects": {"rota": 10},
                   "confidence": 0.5}], moments=moments,
                 influences=[{"from": "rota", "to": "queue", "factor": 0.4}], max_focus=1)
    result = solve(plan)
    assert result.funded == ["r"] and result.focus == ["queue"]
    assert result.impact == pytest.approx(3 * 0.5 * 0.4 * 10)


INFEASIBLE = [
    ("over budget", dict(budget=5), [
        {"id": "a", "name": "A", "cost": 4, "effects": {"m": 1}, "decision": "fund"},
        {"id": "b", "name": "B", "cost": 4, "effects": {"m": 1}, "decision": "fund"}],
     ["costs EUR 8, over the budget of EUR 5", "'A' (a)", "'B' (b)"]),
    ("requires rejected", {}, [
        {"id": "a", "name": "A", "cost": 1, "effects": {"m": 1}, "decision": "fund",
         "requires": ["b"]},
        {"id": "b", "name": "B", "cost": 1, "effects": {"m": 1}, "decision": "reject"}],
     ["'B' (b), required by forced-in 'A' (a) must be funded, but it is rejected"]),
    ("exclude each other", {}, [
        {"id": "a", "name": "A", "cost": 1, "effects": {"m": 1}, "decision": "fund",
         "excludes": ["b"]},
        {"id": "b", "name": "B", "cost": 1, "effects": {"m": 1}, "decision": "fund"}],
     ["exclude each other"]),
    ("over capacity", dict(resources=[{"id": "it", "name": "IT", "capacity": 1}]), [
        {"id": "a", "name": "A", "cost": 1, "effects": {"m": 1}, "decision": "fund",
         "uses": {"it": 2}}],
     ["needs 2 of IT, over its capacity of 1"]),
    ("period over budget", dict(periods=[{"id": "H1", "budget": 1}, {"id": "H2"}]), [
        {"id": "a", "name": "A", "cost": {"H1": 2}, "effects": {"m": 1}, "decision": "fund"}],
     ["In period H1", "over that period's budget of EUR 1"]),
    ("focus limit", dict(max_focus=1), [
        {"id": "a", "name": "A", "cost": 1, "effects": {"m": 1}, "decision": "fund",
         "requires": ["b", "c"]},
        {"id": "b", "name": "B", "cost": 1, "effects": {"m": 1}},
        {"id": "c", "name": "C", "cost": 1, "effects": {"n": 1}}],
     ["covering it takes 2 focus moments, over the limit of 1"]),
]


@pytest.mark.parametrize("settings,initiatives,expected", [c[1:] for c in INFEASIBLE],
                         ids=[c[0] for c in INFEASIBLE])
@pytest.mark.parametrize("solver", SOLVERS)
def test_infeasible_plans_say_why(settings, initiatives, expected, solver):
    result = solve(_plan(initiatives, **settings), Options(solver=solver))
    assert result.status == "infeasible"
    assert result.funded == [] and result.impact is None
    text = " ".join(result.conflicts)
    for phrase in expected:
        assert phrase in text, result.conflicts


def test_every_conflict_is_listed():
    plan = _plan([{"id": "a", "name": "A", "cost": 9, "effects": {"m": 1}, "decision": "fund",
                   "requires": ["b"]},
                  {"id": "b", "name": "B", "cost": 1, "effects": {"m": 1}, "decision": "reject"}],
                 budget=5)
    assert len(solve(plan).conflicts) == 2


def test_names_of_user_text_never_reach_the_solver():
    # PuLP writes "-" in a name as "_": as solver names these ids would be one.
    moments = [{"id": "a_b", "name": "x", "weight": 1}, {"id": "a-b", "name": "y", "weight": 2}]
    plan = _plan([{"id": "i_1", "name": "I", "cost": 1, "effects": {"a_b": 1}},
                  {"id": "i-1", "name": "J", "cost": 1, "effects": {"a-b": 1}}],
                 moments=moments, max_focus=1)
    result = solve(plan)
    assert result.focus == ["a-b"] and result.funded == ["i-1"]


def test_optimizer_imports_nothing_of_the_web_or_database_layer():
    forbidden = {"flask", "flask_wtf", "wtforms", "sqlmodel", "sqlalchemy", "planner", "models"}
    root = Path(__file__).resolve().parents[2] / "optimizer"
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"


@pytest.mark.parametrize("solver", SOLVERS)
def test_concurrent_solves_do_not_interfere(example_plan, solver):
    from concurrent.futures import ThreadPoolExecutor

    budgets = [450000, 200000, 300000, 450000, 200000, 300000]
    alone = {b: solve(with_overrides(example_plan, budget=b), Options(solver=solver))
             for b in set(budgets)}
    with ThreadPoolExecutor(max_workers=3) as pool:
        together = list(pool.map(
            lambda b: solve(with_overrides(example_plan, budget=b), Options(solver=solver)),
            budgets))
    for budget, result in zip(budgets, together, strict=True):
        assert result.funded == alone[budget].funded
        assert result.impact == alone[budget].impact


def test_cbc_leaves_no_temporary_files(example_plan, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.delenv("TMP", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", None)
    solve(example_plan, Options(solver="cbc"))
    assert list(tmp_path.iterdir()) == []


def test_a_plan_built_in_code_is_checked_before_solving(example_plan):
    from optimizer import PlanError

    broken = dataclasses.replace(example_plan, max_focus=0)
    with pytest.raises(PlanError, match="max_focus"):
        solve(broken)
    with pytest.raises(PlanError, match="budget"):
        with_overrides(example_plan, budget=float("nan"))
    with pytest.raises(PlanError, match="max_focus"):
        with_overrides(example_plan, max_focus=0)


def test_a_solver_that_overruns_its_limit_is_stopped_from_outside(example_plan, tmp_path,
                                                                  monkeypatch):
    import time

    from optimizer import solvers

    solvers.solver_version("cbc")  # the real version, before the stand-in replaces CBC
    stuck = tmp_path / "cbc"
    stuck.write_text("#!/bin/sh\nsleep 30\n")
    stuck.chmod(0o755)
    monkeypatch.setattr(solvers, "CBC_PATH", str(stuck))
    monkeypatch.setattr(solvers, "GRACE_SECONDS", 0.5)
    began = time.monotonic()
    result = solve(example_plan, Options(solver="cbc", time_limit=0.5))
    assert time.monotonic() - began < 10
    assert result.status == "no_solution" and result.funded == []


@examples(10)
@given(plans())
def test_the_result_document_is_every_field_of_the_result(plan):
    result = solve(plan)
    assert result.to_dict() == dataclasses.asdict(result)
    assert list(result.to_dict()) == list(dataclasses.asdict(result))
