"""Plan file rules (docs/plan-format.md): each rule has an example that breaks it."""

import copy
import json

import pytest

from optimizer import PlanError, load_plan, plan_from_dict, plan_to_dict, save_plan
from optimizer.planfile import plan_from_json
from tests.conftest import EXAMPLE_PLAN

BASE = {
    "plan": "Test plan",
    "budget": 1000,
    "periods": [{"id": "H1", "budget": 600}, {"id": "H2"}],
    "resources": [{"id": "it", "name": "IT", "capacity": 10, "unit": "FTE"}],
    "stages": [{"id": "buy", "name": "Buy"}],
    "moments": [
        {"id": "fit", "name": "Fitting room", "stage": "buy", "weight": 5, "headroom": 20},
        {"id": "stock", "name": "Stock", "side": "back", "weight": 0},
    ],
    "influences": [{"from": "stock", "to": "fit", "factor": 0.5}],
    "initiatives": [
        {"id": "a", "name": "A", "cost": {"H1": 100}, "effects": {"fit": 3}, "uses": {"it": 2}},
        {"id": "b", "name": "B", "cost": {"H2": 50}, "effects": {"stock": 4},
         "requires": ["a"], "excludes": []},
    ],
}


def _problems(change) -> list[str]:
    document = copy.deepcopy(BASE)
    change(document)
    with pytest.raises(PlanError) as caught:
        plan_from_dict(document)
    return caught.value.problems


def _set(path, value):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _delete(path):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return change


RULES = [
    ("plan required", _delete(["plan"]), "plan: is required"),
    ("plan not empty", _set(["plan"], " "), "plan: must not be empty"),
    ("unknown top key", _set(["budgets"], 5), 'unknown key "budgets"'),
    ("currency code", _set(["currency"], "euro"), "currency: must be a three-letter"),
    ("budget number", _set(["budget"], "lots"), "budget: must be a number"),
    ("budget >= 0", _set(["budget"], -1), "budget: must be 0 or more"),
    ("budget bool", _set(["budget"], True), "budget: must be a number"),
    ("budget finite", _set(["budget"], float("inf")), "budget: must be a finite number"),
    ("budget nan", _set(["budget"], float("nan")), "budget: must be a finite number"),
    ("max_focus integer", _set(["max_focus"], 2.5), "max_focus: must be a whole number"),
    ("max_focus >= 1", _set(["max_focus"], 0), "max_focus: must be 1 or more"),
    ("finance unknown key", _set(["finance"], {"rate": 0.1}), 'finance: unknown key "rate"'),
    ("horizon >= 1", _set(["finance"], {"horizon_years": 0}), "finance.horizon_years: must be 1"),
    ("discount < 1", _set(["finance"], {"discount_rate": 1}), "finance.discount_rate: must be less"),
    ("discount >= 0", _set(["finance"], {"discount_rate": -0.1}), "finance.discount_rate: must be 0"),
    ("period id unique", _set(["periods", 1, "id"], "H1"), 'periods[1] (id "H1").id: duplicate'),
    ("period budget", _set(["periods", 0, "budget"], -5), 'periods[0] (id "H1").budget: must be 0'),
    ("period unknown key", _set(["periods", 0, "cost"], 1), 'periods[0] (id "H1"): unknown key'),
    ("resource capacity", _set(["resources", 0, "capacity"], -1), "resources[0] (id \"it\").capacity"),
    ("resource capacity required", _delete(["resources", 0, "capacity"]), ".capacity: is required"),
    ("resource id unique", lambda d: d["resources"].append({"id": "it", "capacity": 1}),
     'resources[1] (id "it").id: duplicate id "it"'),
    ("stage id unique", lambda d: d["stages"].append({"id": "buy", "name": "x"}),
     'stages[1] (id "buy").id: duplicate'),
    ("moments required", _delete(["moments"]), "moments: is required"),
    ("moments not empty", _set(["moments"], []), "moments: must list at least one moment"),
    ("moment id unique", _set(["moments", 1, "id"], "fit"), 'moments[1] (id "fit").id: duplicate'),
    ("moment id text", _set(["moments", 1, "id"], 7), "moments[1].id: must be non-empty text"),
    ("moment name required", _delete(["moments", 0, "name"]), 'moments[0] (id "fit").name: is required'),
    ("moment stage exists", _set(["moments", 0, "stage"], "pay"), 'unknown stage "pay"'),
    ("moment side", _set(["moments", 0, "side"], "middle"), "side: must be one of front, back"),
    ("moment weight >= 0", _set(["moments", 0, "weight"], -2), "weight: must be 0 or more"),
    ("moment headroom > 0", _set(["moments", 0, "headroom"], 0), "headroom: must be greater than 0"),
    ("measurement moment exists", _set(["measurements"], [
        {"moment": "fitt", "date": "2026-03-31", "score": 50}]),
     'measurements[0].moment: unknown moment "fitt"'),
    ("measurement date real", _set(["measurements"], [
        {"moment": "fit", "date": "2026-02-30", "score": 50}]),
     'measurements[0].date: must be a date as 2026-03-31, not "2026-02-30"'),
    ("measurement date ISO", _set(["measurements"], [
        {"moment": "fit", "date": "31/03/2026", "score": 50}]),
     'measurements[0].date: must be a date as 2026-03-31, not "31/03/2026"'),
    ("measurement score number", _set(["measurements"], [
        {"moment": "fit", "date": "2026-03-31", "score": "high"}]),
     'measurements[0].score: must be a number, not "high"'),
    ("measurement score in range", _set(["measurements"], [
        {"moment": "fit", "date": "2026-03-31", "score": 2e9}]),
     "measurements[0].score: "),
    ("measurement sample >= 1", _set(["measurements"], [
        {"moment": "fit", "date": "2026-03-31", "score": 50, "n": 0}]),
     "measurements[0].n: must be 1 or more, not 0"),
    ("measurement sample whole", _set(["measurements"], [
        {"moment": "fit", "date": "2026-03-31", "score": 50, "n": 2.5}]),
     "measurements[0].n: must be a whole number, not 2.5"),
    ("measurement needs a score", _set(["measurements"], [
        {"moment": "fit", "date": "2026-03-31"}]), "measurements[0].score: is required"),
    ("measurement unknown key", _set(["measurements"], [
        {"moment": "fit", "date": "2026-03-31", "score": 50, "scor": 1}]),
     'measurements[0]: unknown key "scor"'),
    ("moment owner is text", _set(["moments", 0, "owner"], 7),
     'moments[0] (id "fit").owner: must be text, not 7'),
    ("moment owner visible", _set(["moments", 0, "owner"], "Sto\u202eres"),
     'moments[0] (id "fit").owner: '),
    ("moment category", _set(["moments", 0, "category"], "love"), "category: must be one of"),
    ("moment score number", _set(["moments", 0, "score"], "high"), "score: must be a number"),
    ("moment unknown key", _set(["moments", 0, "colour"], "red"), 'unknown key "colour"'),
    ("influence from exists", _set(["influences", 0, "from"], "nope"), 'influences[0].from: unknown moment "nope"'),
    ("influence to exists", _set(["influences", 0, "to"], "nope"), 'influences[0].to: unknown moment "nope"'),
    ("influence different", _set(["influences", 0, "to"], "stock"), "must be different moments"),
    ("influence factor <= 1", _set(["influences", 0, "factor"], 1.5), "factor: must be 1 or less"),
    ("influence factor > 0", _set(["influences", 0, "factor"], 0), "factor: must be greater than 0"),
    ("influence duplicate", lambda d: d["influences"].append(dict(d["influences"][0])),
     "duplicate influence"),
    ("initiatives required", _delete(["initiatives"]), "initiatives: is required"),
    ("initiative id unique", _set(["initiatives", 1, "id"], "a"), 'initiatives[1] (id "a").id: duplicate'),
    ("initiative name", _delete(["initiatives", 0, "name"]), 'initiatives[0] (id "a").name: is required'),
    ("initiative cost required", _delete(["initiatives", 0, "cost"]), ".cost: is required"),
    ("cost >= 0", _set(["initiatives", 0, "cost"], {"H1": -1}), 'initiatives[0] (id "a").cost.H1: must be 0'),
    ("cost period exists", _set(["initiatives", 0, "cost"], {"H3": 1}), 'cost: unknown period "H3"'),
    ("cost total finite", _set(["initiatives", 0, "cost"], {"H1": 1e308, "H2": 1e308}), 'initiatives[0] (id "a").cost: the costs add up to more than any finite number'),
    ("cost object needs periods", lambda d: (d.pop("periods"), d["initiatives"][0].update(cost={"H1": 1})),
     "per-period costs need the plan's periods"),
    ("effects required", _delete(["initiatives", 0, "effects"]), ".effects: is required"),
    ("effects not empty", _set(["initiatives", 0, "effects"], {}), "effects: must name at least one moment"),
    ("effects moment exists", _set(["initiatives", 0, "effects"], {"fitt": 2}),
     'initiatives[0] (id "a").effects: unknown moment "fitt"'),
    ("uplift >= 0", _set(["initiatives", 0, "effects"], {"fit": -2}), "effects.fit: must be 0 or more"),
    ("uses resource exists", _set(["initiatives", 0, "uses"], {"ops": 1}), 'uses: unknown resource "ops"'),
    ("uses >= 0", _set(["initiatives", 0, "uses"], {"it": -1}), "uses.it: must be 0 or more"),
    ("confidence <= 1", _set(["initiatives", 0, "confidence"], 1.2), "confidence: must be 1 or less"),
    ("confidence > 0", _set(["initiatives", 0, "confidence"], 0), "confidence: must be greater than 0"),
    ("decision", _set(["initiatives", 0, "decision"], "maybe"), "decision: must be one of auto, fund, reject"),
    ("requires exists", _set(["initiatives", 1, "requires"], ["zzz"]), 'requires[0]: unknown initiative "zzz"'),
    ("requires not self", _set(["initiatives", 1, "requires"], ["b"]), "requires[0]: an initiative cannot name itself"),
    ("excludes exists", _set(["initiatives", 1, "excludes"], ["zzz"]), 'excludes[0]: unknown initiative "zzz"'),
    ("requires list", _set(["initiatives", 1, "requires"], "a"), "requires: must be a list"),
    ("benefit finite", _set(["initiatives", 0, "benefit"], float("inf")), "benefit: must be a finite number"),
    ("team text", _set(["initiatives", 0, "team"], 5), "team: must be text"),
    ("initiative unknown key", _set(["initiatives", 0, "costs"], 5), 'initiatives[0] (id "a"): unknown key "costs"'),
]


@pytest.mark.parametrize("change,expected", [(c, e) for _, c, e in RULES],
                         ids=[name for name, _, _ in RULES])
def test_each_rule_refuses_a_breaking_plan(change, expected):
    problems = _problems(change)
    assert any(expected in problem for problem in problems), problems


def test_base_plan_is_valid():
    plan = plan_from_dict(copy.deepcopy(BASE))
    assert [i.id for i in plan.initiatives] == ["a", "b"]
    assert plan.max_focus == 3 and plan.currency == "EUR"


def test_every_problem_is_listed_at_once():
    document = copy.deepcopy(BASE)
    document["budget"] = -1
    document["initiatives"][0]["effects"] = {"fitt": 2}
    document["initiatives"][1]["confidence"] = 3
    with pytest.raises(PlanError) as caught:
        plan_from_dict(document)
    assert len(caught.value.problems) == 3


def test_not_an_object():
    with pytest.raises(PlanError):
        plan_from_dict([1, 2])


@pytest.mark.parametrize("text", ['{"plan": "x", "budget": NaN}', '{"budget": Infinity}',
                                  '{"budget": 1e309}', "{not json"])
def test_json_non_finite_and_broken_text_refused(text):
    with pytest.raises(PlanError):
        plan_from_json(text)


def test_example_round_trip(tmp_path):
    plan = load_plan(EXAMPLE_PLAN)
    assert plan_from_dict(plan_to_dict(plan)) == plan
    path = tmp_path / "plan.json"
    save_plan(plan, path)
    assert load_plan(path) == plan
    original = json.loads(EXAMPLE_PLAN.read_text())
    assert plan_from_dict(original) == plan


def test_an_owner_round_trips_trimmed_and_no_owner_is_left_out():
    document = copy.deepcopy(BASE)
    document["moments"][0]["owner"] = "  Store operations "
    document["moments"][1]["owner"] = ""
    plan = plan_from_dict(document)
    assert [m.owner for m in plan.moments] == ["Store operations", ""]
    again = plan_to_dict(plan)
    assert again["moments"][0]["owner"] == "Store operations"
    assert "owner" not in again["moments"][1]
    assert plan_from_dict(again) == plan


def test_measurements_round_trip_in_their_order():
    document = copy.deepcopy(BASE)
    document["measurements"] = [
        {"moment": "fit", "date": "2026-03-31", "score": 52.5, "n": 400, "source": "survey"},
        {"moment": "fit", "date": "2026-01-31", "score": -3},
        {"moment": "stock", "date": "2026-02-28", "score": 7, "source": "  audit "}]
    plan = plan_from_dict(document)
    again = plan_to_dict(plan)
    assert again["measurements"] == [
        {"moment": "fit", "date": "2026-03-31", "score": 52.5, "n": 400, "source": "survey"},
        {"moment": "fit", "date": "2026-01-31", "score": -3},
        {"moment": "stock", "date": "2026-02-28", "score": 7, "source": "audit"}]
    assert plan_from_dict(again) == plan
    assert "measurements" not in plan_to_dict(plan_from_dict(BASE))


def test_single_cost_without_periods_round_trips():
    document = copy.deepcopy(BASE)
    del document["periods"]
    for initiative in document["initiatives"]:
        initiative["cost"] = 70
    plan = plan_from_dict(document)
    assert plan.initiatives[0].total_cost == 70
    assert plan_to_dict(plan)["initiatives"][0]["cost"] == 70
    assert plan_from_dict(plan_to_dict(plan)) == plan
