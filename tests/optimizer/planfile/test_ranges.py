"""The numbers a plan may hold (optimizer/planfile/ranges.py, docs/plan-format.md): the
largest allowed accepted, one beyond refused with its path, on every way in; and inside the
ranges, every solve is the optimum an independent exhaustive reading finds, never a crash."""

import contextlib
import copy
import io
import itertools
import json
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from optimizer import PlanError, plan_from_dict, solve
from optimizer.model import build_matrix, index_plan
from optimizer.planfile.ranges import (
    CAPACITY,
    HEADROOM,
    MONEY,
    RANGE_SHARE,
    RANGES,
    SCORE,
    SHARE,
    UPLIFT,
    WEIGHT,
)
from planner.cli import main
from tests.optimizer.planfile.test_planfile import BASE
from tests.optimizer.randomplans import effective_uplift, examples, plan_documents

ROOT = Path(__file__).resolve().parents[3]
DEMO = ROOT / "planner" / "demo" / "retail-fy2027.json"


def test_every_range_is_documented():
    doc = (ROOT / "docs" / "plan-format.md").read_text()
    rows = [line for line in doc.splitlines() if line.startswith("|")]
    for kind in RANGES:
        row = next((r for r in rows if r.startswith(f"| {kind.kind} |")), None)
        assert row is not None, f"{kind.kind} is not in docs/plan-format.md"
        assert row.rstrip().endswith(f"| {kind.words()} |"), (kind.kind, row)


def _at(path):
    def change(document, value):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


# (field, how to set it, its kind, the path a refusal names)
FIELDS = [
    ("budget", _at(["budget"]), MONEY, "budget"),
    ("period budget", _at(["periods", 0, "budget"]), MONEY, 'periods[0] (id "H1").budget'),
    ("period cost", _at(["initiatives", 0, "cost", "H1"]), MONEY,
     'initiatives[0] (id "a").cost.H1'),
    ("effect", _at(["initiatives", 0, "effects", "fit"]), UPLIFT,
     'initiatives[0] (id "a").effects.fit'),
    ("weight", _at(["moments", 0, "weight"]), WEIGHT, 'moments[0] (id "fit").weight'),
    ("headroom", _at(["moments", 0, "headroom"]), HEADROOM, 'moments[0] (id "fit").headroom'),
    ("capacity", _at(["resources", 0, "capacity"]), CAPACITY, 'resources[0] (id "it").capacity'),
    ("uses", _at(["initiatives", 0, "uses", "it"]), CAPACITY, 'initiatives[0] (id "a").uses.it'),
    ("score", _at(["moments", 0, "score"]), SCORE, 'moments[0] (id "fit").score'),
    ("factor", _at(["influences", 0, "factor"]), SHARE, "influences[0].factor"),
    ("confidence", _at(["initiatives", 0, "confidence"]), SHARE,
     'initiatives[0] (id "a").confidence'),
]


def _single_cost(document, value):
    del document["periods"]
    for initiative in document["initiatives"]:
        initiative["cost"] = 10
    document["initiatives"][0]["cost"] = value


FIELDS.append(("single cost", _single_cost, MONEY, 'initiatives[0] (id "a").cost'))


def _high_end(path, low):
    """Set the high end of a range (the range [low, value]) at this path."""
    def change(document, value):
        target = document
        for key in path[:-1]:
            target = target[key] if isinstance(target, list) else target.setdefault(key, {})
        target[path[-1]] = [low, value]
    return change


FIELDS += [
    ("cost range", _high_end(["initiatives", 0, "cost_range"], 100), MONEY,
     'initiatives[0] (id "a").cost_range[1]'),
    ("effect range", _high_end(["initiatives", 0, "effects_range", "fit"], 3), UPLIFT,
     'initiatives[0] (id "a").effects_range.fit[1]'),
    ("weight range", _high_end(["moments", 0, "weight_range"], 5), WEIGHT,
     'moments[0] (id "fit").weight_range[1]'),
    ("range share", _high_end(["uncertainty", "cost"], 1), RANGE_SHARE, "uncertainty.cost[1]"),
]
IDS = [name for name, *_ in FIELDS]


def _document(change, value):
    document = copy.deepcopy(BASE)
    change(document, value)
    return document


@pytest.mark.parametrize("change,kind,path", [f[1:] for f in FIELDS], ids=IDS)
def test_largest_allowed_value_is_accepted_and_solves(change, kind, path):
    plan = plan_from_dict(_document(change, kind.high))
    assert solve(plan).status == "optimal"


@pytest.mark.parametrize("change,kind,path", [f[1:] for f in FIELDS], ids=IDS)
def test_one_beyond_the_range_is_refused_with_its_path(change, kind, path):
    with pytest.raises(PlanError) as caught:
        plan_from_dict(_document(change, math.nextafter(kind.high, math.inf)))
    (problem,) = caught.value.problems
    limit = "must be 1 or less" if kind is SHARE else f"must be at most {kind.words()[-4:]}"
    assert problem.startswith(f"{path}: ") and limit.split()[-1] in problem, problem


@pytest.mark.parametrize("change,kind,path", [f[1:] for f in FIELDS], ids=IDS)
def test_the_command_line_refuses_the_same_with_exit_2(change, kind, path, tmp_path, capsys):
    file = tmp_path / "plan.json"
    file.write_text(json.dumps(_document(change, kind.high * 10)))
    code = main(["solve", str(file)])
    _, err = capsys.readouterr()
    assert code == 2 and path in err and "Traceback" not in err


def test_exact_messages_name_the_limit():
    problems = []
    for change, value in ((_at(["budget"]), 1e13), (_at(["initiatives", 1, "effects", "stock"]),
                                                    2e6)):
        with pytest.raises(PlanError) as caught:
            plan_from_dict(_document(change, value))
        problems += caught.value.problems
    assert problems == ["budget: must be at most 1e12, not 1e13",
                        'initiatives[1] (id "b").effects.stock: must be at most 1e6, not 2e6']


def _demo():
    return json.loads(DEMO.read_text())


def _crash_cases():
    """The numbers that made the solver break the plan (issue 14), on the demo plan."""
    budget = _demo()
    budget["budget"] = 1e308
    effects = _demo()
    effects["initiatives"][0]["effects"] = {k: 1e300 for k in effects["initiatives"][0]["effects"]}
    cost = _demo()
    cost["initiatives"][0]["cost"]["H1"] = 1e18
    weight = _demo()
    weight["moments"][0]["weight"] = 1e200
    return {"budget": (budget, "budget: must be at most 1e12"),
            "effects": (effects, 'initiatives[0] (id "rfid").effects.replenish: must be at most'),
            "cost": (cost, 'initiatives[0] (id "rfid").cost.H1: must be at most 1e12'),
            "weight": (weight, 'moments[0] (id "signage").weight: must be at most 1e6')}


@pytest.mark.parametrize("name", sorted(_crash_cases()))
def test_numbers_that_broke_the_solver_are_refused_by_path(name, tmp_path, capsys):
    document, expected = _crash_cases()[name]
    file = tmp_path / "plan.json"
    file.write_text(json.dumps(document))
    code = main(["solve", str(file)])
    _, err = capsys.readouterr()
    assert code == 2 and expected in err and "Traceback" not in err


def test_demo_with_the_largest_budget_solves_as_with_no_budget():
    document = _demo()
    document["budget"] = MONEY.high
    plan = plan_from_dict(document)
    assert "budget" not in build_matrix(index_plan(plan), scaled=True).rows  # no limit
    document["budget"] = None
    unlimited = solve(plan_from_dict(document))
    result = solve(plan)
    assert result.status == "optimal"
    assert (result.impact, result.funded) == (unlimited.impact, unlimited.funded)


# --- Inside the ranges: the optimum, whatever the magnitudes --------------------------

LEVELS = {
    "mixed": {"money": [MONEY.high, 1e9, 1e3, 1.0, 0.01], "uplift": [UPLIFT.high, 1e3, 1, 1e-6],
              "weight": [WEIGHT.high, 1.0, 1e-6], "capacity": [CAPACITY.high, 1e3, 1e-3]},
    "largest": {"money": [MONEY.high], "uplift": [UPLIFT.high], "weight": [WEIGHT.high],
                "capacity": [CAPACITY.high]},
    "smallest": {"money": [0.01], "uplift": [1e-6], "weight": [1e-6], "capacity": [1e-3]},
}


@st.composite
def wide_documents(draw, levels: dict) -> dict:
    """A small plan whose numbers are drawn near the given magnitudes."""
    document = draw(plan_documents())

    def near(kind: str) -> float:
        return draw(st.floats(0.05, 1.0)) * draw(st.sampled_from(levels[kind]))

    for moment in document["moments"]:
        moment["weight"] = 0 if moment["weight"] == 0 else near("weight")
        if "headroom" in moment:
            moment["headroom"] = near("uplift")
    for initiative in document["initiatives"]:
        initiative["effects"] = {k: v and near("uplift") for k, v in initiative["effects"].items()}
        cost = initiative["cost"]
        initiative["cost"] = ({k: v and near("money") for k, v in cost.items()}
                              if isinstance(cost, dict) else cost and near("money"))
        if "uses" in initiative:
            initiative["uses"] = {k: v and near("capacity") for k, v in initiative["uses"].items()}
    for period in document["periods"]:
        if "budget" in period:
            period["budget"] = near("money")
    for resource in document["resources"]:
        resource["capacity"] = near("capacity")
    if "budget" in document:
        document["budget"] = near("money")
    return document


def best_impact(plan) -> float | None:
    """The best impact over every portfolio and focus (docs/model.md, read without the engine);
    None when no portfolio keeps the rules."""
    uplift = effective_uplift(plan)
    by_id = {i.id: i for i in plan.initiatives}
    limits = [(plan.budget, lambda i: by_id[i].total_cost)] if plan.budget is not None else []
    limits += [(p.budget, lambda i, p=p: by_id[i].cost_in(p.id)) for p in plan.periods
               if p.budget is not None]
    limits += [(r.capacity, lambda i, r=r: dict(by_id[i].uses).get(r.id, 0.0))
               for r in plan.resources]
    best = None
    for size in range(len(by_id) + 1):
        for chosen in itertools.combinations(by_id, size):
            funded = set(chosen)
            if any(math.fsum(amount(i) for i in funded) > limit for limit, amount in limits):
                continue
            if any((i.decision == "fund") != (i.id in funded) and i.decision != "auto"
                   or i.decision == "reject" and i.id in funded for i in plan.initiatives):
                continue
            if any(set(by_id[i].requires) - funded or set(by_id[i].excludes) & funded
                   for i in funded):
                continue
            for k in range(plan.max_focus + 1):
                for focus in itertools.combinations([m.id for m in plan.moments], k):
                    moves = {m: [i for i in funded if uplift.get((i, m), 0) > 0] for m in focus}
                    if not all(moves.values()) or any(
                            by_id[i].decision == "auto"
                            and not any(uplift.get((i, m), 0) > 0 for m in focus)
                            for i in funded):
                        continue
                    value = 0.0
                    for moment in plan.moments:
                        if moment.id in focus:
                            gained = math.fsum(uplift[(i, moment.id)] for i in moves[moment.id])
                            if moment.headroom is not None:
                                gained = min(gained, moment.headroom)
                            value += moment.weight * gained
                    best = value if best is None else max(best, value)
    return best


def _agrees(result, best) -> bool:
    if best is None:
        return result.status == "infeasible"
    return result.status == "optimal" and math.isclose(result.impact, best, rel_tol=1e-6,
                                                       abs_tol=0.0)


@pytest.mark.parametrize("levels", sorted(LEVELS))
@examples(20)
@given(data=st.data())
def test_random_plans_across_the_ranges_give_the_exhaustive_optimum(levels, data):
    plan = plan_from_dict(data.draw(wide_documents(LEVELS[levels]), label="document"))
    result = solve(plan)
    best = best_impact(plan)
    assert _agrees(result, best), (result.status, result.impact, best)


@pytest.mark.parametrize("levels", sorted(LEVELS))
@examples(4)
@given(data=st.data())
def test_planner_solve_gives_the_optimum_at_the_extremes(levels, data):
    document = data.draw(wide_documents(LEVELS[levels]), label="document")
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "plan.json"
        file.write_text(json.dumps(document))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["solve", str(file), "--json"])
    assert "Traceback" not in err.getvalue()
    best = best_impact(plan_from_dict(document))
    answer = json.loads(out.getvalue())
    if best is None:
        assert code == 1 and answer["status"] == "infeasible"
    else:
        assert code == 0 and answer["status"] == "optimal", answer["status"]
        assert math.isclose(answer["impact"], best, rel_tol=1e-6, abs_tol=0.0)
