"""The ranges around a plan's estimates and its default shares (docs/plan-format.md,
optimizer/planfile/estimates.py): each accepted as the Plan's fields, each bad value refused
with its path and both numbers, and written back exactly."""

import copy
import json

import pytest

from optimizer import PlanError, plan_from_dict, plan_to_dict, solve
from optimizer.plan import Uncertainty
from optimizer.planfile import follow_ranges, plan_from_json
from optimizer.planfile.estimates import moved_pair
from tests.optimizer.planfile.test_planfile import BASE

A = 'initiatives[0] (id "a")'
B = 'initiatives[1] (id "b")'
FIT = 'moments[0] (id "fit")'


def _with(**changes):
    """BASE with keys set: `a`, `b` (initiative entries), `fit`, `stock` (moment entries),
    `top` (top-level keys)."""
    document = copy.deepcopy(BASE)
    where = {"a": document["initiatives"][0], "b": document["initiatives"][1],
             "fit": document["moments"][0], "stock": document["moments"][1], "top": document}
    for name, values in changes.items():
        where[name].update(values)
        for key in [key for key, value in values.items() if value is DROP]:
            del where[name][key]
    return document


DROP = object()  # a key to leave out


# (name, document, what the plan holds: a function of the Plan giving the value, expected)
ACCEPTED = [
    ("cost range around a period cost", _with(a={"cost_range": [80, 150]}),
     lambda p: p.initiative("a").cost_range, (80.0, 150.0)),
    ("cost range around the sum of periods", _with(a={"cost": {"H1": 60, "H2": 40},
                                                      "cost_range": [100, 100]}),
     lambda p: p.initiative("a").cost_range, (100.0, 100.0)),
    ("cost range of a zero cost", _with(a={"cost": {}, "cost_range": [0, 30]}),
     lambda p: p.initiative("a").cost_range, (0.0, 30.0)),
    ("cost range at the money limit", _with(a={"cost_range": [0, 1e12]}),
     lambda p: p.initiative("a").cost_range, (0.0, 1e12)),
    ("a null cost range is none", _with(a={"cost_range": None}),
     lambda p: p.initiative("a").cost_range, None),
    ("no cost range", BASE, lambda p: p.initiative("a").cost_range, None),
    ("effects ranges sorted by moment", _with(
        a={"effects": {"stock": 1, "fit": 3}, "effects_range": {"stock": [0, 2], "fit": [2, 4]}}),
     lambda p: p.initiative("a").effects_range, (("fit", (2.0, 4.0)), ("stock", (0.0, 2.0)))),
    ("effects range on some uplifts only", _with(
        a={"effects": {"stock": 1, "fit": 3}, "effects_range": {"fit": [3, 3.5]}}),
     lambda p: p.initiative("a").effects_range, (("fit", (3.0, 3.5)),)),
    ("no effects range", BASE, lambda p: p.initiative("b").effects_range, ()),
    ("weight range", _with(fit={"weight_range": [4, 7.5]}),
     lambda p: p.moment("fit").weight_range, (4.0, 7.5)),
    ("weight range of the default weight", _with(fit={"weight": DROP,
                                                      "weight_range": [0.5, 1]}),
     lambda p: p.moment("fit").weight_range, (0.5, 1.0)),
    ("weight range of a weight of 0", _with(stock={"weight_range": [0, 2]}),
     lambda p: p.moment("stock").weight_range, (0.0, 2.0)),
    ("no weight range", BASE, lambda p: p.moment("fit").weight_range, None),
    ("uncertainty of every kind", _with(top={"uncertainty": {
        "cost": [0.9, 1.3], "effects": [0.5, 1.2], "weight": [1, 1]}}),
     lambda p: p.uncertainty, Uncertainty((0.9, 1.3), (0.5, 1.2), (1.0, 1.0))),
    ("uncertainty of one kind", _with(top={"uncertainty": {"effects": [0, 1000]}}),
     lambda p: p.uncertainty, Uncertainty(effects=(0.0, 1000.0))),
    ("empty uncertainty says certain", _with(top={"uncertainty": {}}),
     lambda p: p.uncertainty, Uncertainty()),
    ("no uncertainty", BASE, lambda p: p.uncertainty, None),
]


@pytest.mark.parametrize(("document", "value", "expected"), [c[1:] for c in ACCEPTED],
                         ids=[c[0] for c in ACCEPTED])
def test_each_range_is_read_into_the_plan(document, value, expected):
    assert value(plan_from_dict(document)) == expected


# (name, document, the exact problem)
REFUSED = [
    ("cost low above the cost", _with(a={"cost_range": [120, 150]}),
     f"{A}.cost_range: low 120 is above the cost 100"),
    ("cost high below the cost", _with(a={"cost_range": [50, 99.5]}),
     f"{A}.cost_range: high 99.5 is below the cost 100"),
    ("cost high below the sum of periods", _with(a={"cost": {"H1": 60, "H2": 40},
                                                    "cost_range": [50, 90]}),
     f"{A}.cost_range: high 90 is below the cost 100"),
    ("cost low above high", _with(a={"cost_range": [150, 80]}),
     f"{A}.cost_range: low 150 is above high 80"),
    ("cost range negative", _with(a={"cost_range": [-1, 150]}),
     f"{A}.cost_range[0]: must be 0 or more, not -1"),
    ("cost range past money", _with(a={"cost_range": [80, 2e12]}),
     f"{A}.cost_range[1]: must be at most 1e12, not 2e12"),
    ("cost range not a number", _with(a={"cost_range": [80, "lots"]}),
     f'{A}.cost_range[1]: must be a number, not "lots"'),
    ("cost range bool", _with(a={"cost_range": [True, 150]}),
     f"{A}.cost_range[0]: must be a number, not true"),
    ("cost range one number", _with(a={"cost_range": 150}),
     f"{A}.cost_range: must be [low, high], two numbers, not 150"),
    ("cost range three numbers", _with(a={"cost_range": [1, 100, 150]}),
     f"{A}.cost_range: must be [low, high], two numbers, not [1, 100, 150]"),
    ("cost range infinite", _with(a={"cost_range": [80, float("inf")]}),
     f"{A}.cost_range[1]: must be a finite number; Infinity is not a finite number"),
    ("effects low above the uplift", _with(a={"effects_range": {"fit": [4, 5]}}),
     f"{A}.effects_range.fit: low 4 is above the uplift 3"),
    ("effects high below the uplift", _with(a={"effects_range": {"fit": [1, 2.75]}}),
     f"{A}.effects_range.fit: high 2.75 is below the uplift 3"),
    ("effects range unknown moment", _with(a={"effects_range": {"fitt": [1, 4]}}),
     f'{A}.effects_range: unknown moment "fitt"'),
    ("effects range on a moment not in effects", _with(a={"effects_range": {"stock": [0, 1]}}),
     f'{A}.effects_range.stock: the initiative has no uplift on "stock" in effects; '
     "a range is around an uplift it gives"),
    ("effects range negative", _with(b={"effects_range": {"stock": [-0.5, 4]}}),
     f"{B}.effects_range.stock[0]: must be 0 or more, not -0.5"),
    ("effects range past uplift", _with(b={"effects_range": {"stock": [4, 2e6]}}),
     f"{B}.effects_range.stock[1]: must be at most 1e6, not 2e6"),
    ("effects range not an object", _with(a={"effects_range": [1, 4]}),
     f"{A}.effects_range: must be an object of {{moment id: [low, high]}}"),
    ("effects range not a pair", _with(a={"effects_range": {"fit": 3}}),
     f"{A}.effects_range.fit: must be [low, high], two numbers, not 3"),
    ("weight low above the weight", _with(fit={"weight_range": [6, 8]}),
     f"{FIT}.weight_range: low 6 is above the weight 5"),
    ("weight high below the weight", _with(fit={"weight_range": [1, 4]}),
     f"{FIT}.weight_range: high 4 is below the weight 5"),
    ("weight high below the default weight", _with(fit={"weight": DROP,
                                                        "weight_range": [0, 0.5]}),
     f"{FIT}.weight_range: high 0.5 is below the weight 1"),
    ("weight range past weight", _with(fit={"weight_range": [5, 1e7]}),
     f"{FIT}.weight_range[1]: must be at most 1e6, not 1e7"),
    ("uncertainty unknown key", _with(top={"uncertainty": {"costs": [0.9, 1.2]}}),
     'uncertainty: unknown key "costs"'),
    ("uncertainty not an object", _with(top={"uncertainty": [0.9, 1.2]}),
     "uncertainty: must be an object"),
    ("uncertainty low share above 1", _with(top={"uncertainty": {"cost": [1.1, 1.3]}}),
     "uncertainty.cost: low share 1.1 is above 1: the likely value must be inside its range"),
    ("uncertainty high share below 1", _with(top={"uncertainty": {"weight": [0.5, 0.9]}}),
     "uncertainty.weight: high share 0.9 is below 1: the likely value must be inside its "
     "range"),
    ("uncertainty share negative", _with(top={"uncertainty": {"effects": [-0.1, 1.2]}}),
     "uncertainty.effects[0]: must be 0 or more, not -0.1"),
    ("uncertainty share past its limit", _with(top={"uncertainty": {"effects": [0.5, 5000]}}),
     "uncertainty.effects[1]: must be at most 1000, not 5000"),
    ("uncertainty share not finite", _with(top={"uncertainty": {"cost": [float("nan"), 1]}}),
     "uncertainty.cost[0]: must be a finite number; NaN is not a finite number"),
    ("uncertainty not a pair", _with(top={"uncertainty": {"cost": 1.2}}),
     "uncertainty.cost: must be [low share, high share], two numbers, not 1.2"),
    ("unknown range key", _with(a={"costs_range": [1, 2]}),
     f'{A}: unknown key "costs_range"'),
]


@pytest.mark.parametrize(("document", "expected"), [c[1:] for c in REFUSED],
                         ids=[c[0] for c in REFUSED])
def test_each_bad_range_is_refused_by_its_path(document, expected):
    with pytest.raises(PlanError) as caught:
        plan_from_dict(document)
    assert caught.value.problems == [expected]


def test_a_refused_likely_value_leaves_the_range_to_its_own_checks():
    document = _with(a={"cost": {"H1": -5}, "cost_range": [80, 150],
                        "effects": {"fit": "x"}, "effects_range": {"fit": [1, -2]}},
                     fit={"weight": -1, "weight_range": [1, 2]})
    with pytest.raises(PlanError) as caught:
        plan_from_dict(document)
    assert caught.value.problems == [
        f"{FIT}.weight: must be 0 or more, not -1",
        f"{A}.cost.H1: must be 0 or more, not -5",
        f'{A}.effects.fit: must be a number, not "x"',
        f"{A}.effects_range.fit[1]: must be 0 or more, not -2"]


def test_every_bad_range_is_listed_at_once():
    document = _with(a={"cost_range": [120, 150], "effects_range": {"fit": [4, 5]}},
                     fit={"weight_range": [6, 8]}, top={"uncertainty": {"cost": [2, 3]}})
    with pytest.raises(PlanError) as caught:
        plan_from_dict(document)
    assert len(caught.value.problems) == 4


def test_non_finite_numbers_in_plan_json_are_named_by_their_range_path():
    document = _with(a={"cost_range": [80, 150]})
    text = json.dumps(document).replace("150", "Infinity")
    with pytest.raises(PlanError) as caught:
        plan_from_json(text)
    assert caught.value.problems == [
        f"{A}.cost_range[1]: must be a finite number; Infinity is not a finite number"]


FULL = _with(a={"cost": {"H1": 60, "H2": 40.5}, "cost_range": [90, 160.25],
                "effects": {"fit": 3, "stock": 1},
                "effects_range": {"stock": [0.5, 2], "fit": [1.5, 4.5]}},
             fit={"weight_range": [2.5, 7]},
             top={"uncertainty": {"cost": [0.8, 1.5], "effects": [0.5, 1.5],
                                  "weight": [1, 1]}})


@pytest.mark.parametrize("document", [FULL, BASE, _with(top={"uncertainty": {}}),
                                      _with(top={"uncertainty": {"weight": [0.75, 2]}})],
                         ids=["every range", "no range", "empty uncertainty", "one share"])
def test_ranges_round_trip_exactly_and_absent_stays_absent(document):
    plan = plan_from_dict(document)
    written = plan_to_dict(plan)
    assert plan_from_dict(json.loads(json.dumps(written))) == plan
    for key in ("cost_range", "effects_range"):
        for entry, original in zip(written["initiatives"], document["initiatives"],
                                   strict=True):
            assert (key in entry) == (key in original)
    for entry, original in zip(written["moments"], document["moments"], strict=True):
        assert entry.get("weight_range") == original.get("weight_range")
    assert written.get("uncertainty") == document.get("uncertainty")


def test_written_ranges_are_the_ones_read():
    written = plan_to_dict(plan_from_dict(FULL))
    entry = written["initiatives"][0]
    assert entry["cost_range"] == [90, 160.25]
    # sorted by moment id, whatever order the file gave
    assert list(entry["effects_range"].items()) == [("fit", [1.5, 4.5]), ("stock", [0.5, 2])]
    assert written["moments"][0]["weight_range"] == [2.5, 7]


def test_ranges_leave_the_solve_unchanged():
    with_ranges, without = plan_from_dict(FULL), plan_from_dict(_with(
        a={"cost": {"H1": 60, "H2": 40.5}, "effects": {"fit": 3, "stock": 1}}))
    first, second = solve(with_ranges), solve(without)
    assert (first.funded, first.focus, first.impact) == (second.funded, second.focus,
                                                         second.impact)


# (name, entry before, entry after the change, the entry follow_ranges gives)
FOLLOWED = [
    ("a cheaper quote scales the cost range",
     {"cost": {"H1": 100, "H2": 100}, "cost_range": [150, 300]},
     {"cost": {"H1": 50, "H2": 50}, "cost_range": [150, 300]},
     {"cost": {"H1": 50, "H2": 50}, "cost_range": [75, 150]}),
    ("a single cost too", {"cost": 80, "cost_range": [80, 120]},
     {"cost": 160, "cost_range": [80, 120]}, {"cost": 160, "cost_range": [160, 240]}),
    ("an uplift moves its own range only",
     {"effects": {"fit": 4, "pay": 2}, "effects_range": {"fit": [2, 6], "pay": [1, 3]}},
     {"effects": {"fit": 8, "pay": 2}, "effects_range": {"fit": [2, 6], "pay": [1, 3]}},
     {"effects": {"fit": 8, "pay": 2}, "effects_range": {"fit": [4, 12], "pay": [1, 3]}}),
    ("a weight", {"weight": 5, "weight_range": [4, 6]}, {"weight": 10, "weight_range": [4, 6]},
     {"weight": 10, "weight_range": [8, 12]}),
    ("the default weight", {"weight_range": [0.5, 2]}, {"weight": 2, "weight_range": [0.5, 2]},
     {"weight": 2, "weight_range": [1, 4]}),
    ("a value off 0 drops its range", {"cost": 0, "cost_range": [0, 50]},
     {"cost": 30, "cost_range": [0, 50]}, {"cost": 30}),
    ("the last uplift range dropped", {"effects": {"fit": 0}, "effects_range": {"fit": [0, 2]}},
     {"effects": {"fit": 1}, "effects_range": {"fit": [0, 2]}}, {"effects": {"fit": 1}}),
    ("a value to 0 makes it certain", {"cost": 40, "cost_range": [30, 60]},
     {"cost": 0, "cost_range": [30, 60]}, {"cost": 0, "cost_range": [0, 0]}),
    ("a range given anew is kept as given", {"cost": 100, "cost_range": [90, 150]},
     {"cost": 200, "cost_range": [180, 400]}, {"cost": 200, "cost_range": [180, 400]}),
    ("nothing changed", {"cost": 100, "cost_range": [90, 150]},
     {"cost": 100, "cost_range": [90, 150], "name": "New name"},
     {"cost": 100, "cost_range": [90, 150], "name": "New name"}),
    ("no ranges", {"cost": 100, "effects": {"fit": 1}}, {"cost": 50, "effects": {"fit": 2}},
     {"cost": 50, "effects": {"fit": 2}}),
]


@pytest.mark.parametrize(("before", "after", "expected"), [c[1:] for c in FOLLOWED],
                         ids=[c[0] for c in FOLLOWED])
def test_follow_ranges_moves_a_range_with_its_value(before, after, expected):
    kept = copy.deepcopy((before, after))
    assert follow_ranges(before, after) == expected
    assert (before, after) == kept


def test_a_plan_with_its_values_changed_and_followed_reads_again():
    document = copy.deepcopy(FULL)
    before = copy.deepcopy(document["initiatives"][0])
    document["initiatives"][0].update(cost={"H1": 1, "H2": 2}, effects={"fit": 30, "stock": 0})
    with pytest.raises(PlanError):
        plan_from_dict(document)
    document["initiatives"][0] = follow_ranges(before, document["initiatives"][0])
    moment = document["moments"][0]
    moment_before = copy.deepcopy(moment)
    moment["weight"] = 0.1
    document["moments"][0] = follow_ranges(moment_before, moment)
    plan = plan_from_dict(document)
    assert plan.initiative("a").cost_range[0] <= 3 <= plan.initiative("a").cost_range[1]
    assert dict(plan.initiative("a").effects_range) == {"fit": (15.0, 45.0),
                                                        "stock": (0.0, 0.0)}


@pytest.mark.parametrize(("pair", "old", "new", "expected"), [
    ((90.0, 150.0), 100, 50, (45.0, 75.0)),
    ((90.0, 150.0), 100, 100, (90.0, 150.0)),
    ((0.0, 20.0), 0, 10, None),
    ((0.0, 0.0), 0, 0, (0.0, 0.0)),
    (None, 100, 50, None),
    ((1.0, 3.0), 2, None, (1.0, 3.0)),
])
def test_moved_pair_for_rows_that_hold_a_range_in_columns(pair, old, new, expected):
    assert moved_pair(pair, old, new) == expected
