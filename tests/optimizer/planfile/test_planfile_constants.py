"""NaN, Infinity and -Infinity in a plan file: refused with the path of the field that holds
them (docs/plan-format.md: every number is finite), by the reader and by `planner solve`."""

import copy
import json

import pytest

from optimizer import PlanError, plan_from_dict
from optimizer.planfile import plan_from_json
from planner.cli import main

BASE = {
    "plan": "Constants",
    "budget": 1000,
    "max_focus": 2,
    "finance": {"horizon_years": 3, "discount_rate": 0.08},
    "periods": [{"id": "H1", "budget": 600}, {"id": "H2", "budget": 500}],
    "resources": [{"id": "it", "capacity": 10}],
    "moments": [
        {"id": "fit", "name": "Fitting room", "weight": 5, "headroom": 20, "score": 60},
        {"id": "greet", "name": "Greeting", "weight": 3},
        {"id": "stock", "name": "Stock", "side": "back", "weight": 0},
    ],
    "influences": [{"from": "stock", "to": "fit", "factor": 0.5}],
    "initiatives": [
        {"id": "a", "name": "A", "cost": 100, "effects": {"fit": 3}, "uses": {"it": 2},
         "confidence": 0.8, "benefit": 500},
        {"id": "b", "name": "B", "cost": {"H1": 50, "H2": 20}, "effects": {"greet": 4}},
    ],
}

# Each kind of number in a plan file: where it is, and the path its problem names.
NUMBERS = [
    ("budget", ["budget"], "budget"),
    ("discount rate", ["finance", "discount_rate"], "finance.discount_rate"),
    ("period budget", ["periods", 0, "budget"], 'periods[0] (id "H1").budget'),
    ("capacity", ["resources", 0, "capacity"], 'resources[0] (id "it").capacity'),
    ("weight", ["moments", 1, "weight"], 'moments[1] (id "greet").weight'),
    ("headroom", ["moments", 0, "headroom"], 'moments[0] (id "fit").headroom'),
    ("score", ["moments", 0, "score"], 'moments[0] (id "fit").score'),
    ("factor", ["influences", 0, "factor"], "influences[0].factor"),
    ("cost", ["initiatives", 0, "cost"], 'initiatives[0] (id "a").cost'),
    ("per-period cost", ["initiatives", 1, "cost", "H2"], 'initiatives[1] (id "b").cost.H2'),
    ("uses", ["initiatives", 0, "uses", "it"], 'initiatives[0] (id "a").uses.it'),
    ("uplift", ["initiatives", 1, "effects", "greet"], 'initiatives[1] (id "b").effects.greet'),
    ("confidence", ["initiatives", 0, "confidence"], 'initiatives[0] (id "a").confidence'),
    ("benefit", ["initiatives", 0, "benefit"], 'initiatives[0] (id "a").benefit'),
]
WHOLE_NUMBERS = [
    ("max_focus", ["max_focus"], "max_focus"),
    ("horizon", ["finance", "horizon_years"], "finance.horizon_years"),
]
CONSTANTS = ["NaN", "Infinity", "-Infinity"]
MARK = "@constant@"


def plan_text(where: list, constant: str) -> str:
    """The base plan as JSON text with `constant` written at `where`."""
    document = copy.deepcopy(BASE)
    target = document
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = MARK
    return json.dumps(document, indent=2).replace(f'"{MARK}"', constant)


def expected(path: str, constant: str, whole: bool) -> str:
    if whole:
        return f"{path}: must be a whole number, not {constant}"
    return f"{path}: must be a finite number; {constant} is not a finite number"


CASES = [pytest.param(where, path, constant, whole, id=f"{kind}-{constant}")
         for rows, whole in ((NUMBERS, False), (WHOLE_NUMBERS, True))
         for kind, where, path in rows for constant in CONSTANTS]


def test_the_base_plan_is_valid_and_solves(tmp_path, capsys):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(BASE))
    assert main(["solve", str(path)]) == 0


@pytest.mark.parametrize(("where", "path", "constant", "whole"), CASES)
def test_the_reader_names_the_field(where, path, constant, whole):
    with pytest.raises(PlanError) as caught:
        plan_from_json(plan_text(where, constant))
    assert caught.value.problems == [expected(path, constant, whole)]


@pytest.mark.parametrize(("where", "path", "constant", "whole"), CASES)
def test_planner_solve_exits_2_naming_the_field(where, path, constant, whole, tmp_path,
                                                capsys):
    plan = tmp_path / "plan.json"
    plan.write_text(plan_text(where, constant))
    code = main(["solve", str(plan), "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert f"  - {expected(path, constant, whole)}\n" in err
    assert "Traceback" not in err


def test_every_constant_is_listed_at_once():
    text = plan_text(["budget"], "NaN").replace('"weight": 3', '"weight": Infinity')
    with pytest.raises(PlanError) as caught:
        plan_from_json(text)
    assert caught.value.problems == [
        "budget: must be a finite number; NaN is not a finite number",
        'moments[1] (id "greet").weight: must be a finite number; '
        "Infinity is not a finite number"]


@pytest.mark.parametrize(("where", "message"), [
    (["plan"], "plan: must be text, not NaN"),
    (["initiatives", 0, "decision"], 'initiatives[0] (id "a").decision: must be one of '
                                     "auto, fund, reject, not NaN"),
    (["moments", 0, "stage"], 'moments[0] (id "fit").stage: unknown stage NaN'),
    (["initiatives", 1, "requires"], 'initiatives[1] (id "b").requires: must be a list'),
])
def test_a_constant_where_no_number_belongs_is_named_too(where, message):
    with pytest.raises(PlanError) as caught:
        plan_from_json(plan_text(where, "NaN"))
    assert message in caught.value.problems


@pytest.mark.parametrize("text", ["1e309", "-1e309", "1" + "0" * 400])
def test_numbers_beyond_any_float_are_named_too(text):
    with pytest.raises(PlanError) as caught:
        plan_from_json(plan_text(["moments", 1, "weight"], text))
    [problem] = caught.value.problems
    assert problem.startswith('moments[1] (id "greet").weight: must be a finite number; ')


@pytest.mark.parametrize(("value", "spelling"), [(float("nan"), "NaN"), (float("inf"), "Infinity"),
                                                 (float("-inf"), "-Infinity")])
def test_a_document_built_in_code_gets_the_same_words(value, spelling):
    document = copy.deepcopy(BASE)
    document["moments"][1]["weight"] = value
    with pytest.raises(PlanError) as caught:
        plan_from_dict(document)
    assert caught.value.problems == [expected('moments[1] (id "greet").weight', spelling, False)]
