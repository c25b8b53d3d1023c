"""Sample plans with ranges (optimizer/samples.py, `ranges=True`): the same plan, the same
for a seed, its ranges valid and within the shares the generator promises."""

import copy

import pytest

from optimizer import plan_from_dict, plan_to_dict, solve
from optimizer.samples import (
    COST_SHARES,
    UPLIFT_SHARES,
    add_ranges,
    generate_document,
    generate_plan,
)

RANGE_KEYS = ("cost_range", "effects_range", "weight_range")


def _without_ranges(document):
    document = copy.deepcopy(document)
    document.pop("uncertainty", None)
    for entry in document["initiatives"] + document["moments"]:
        for key in RANGE_KEYS:
            entry.pop(key, None)
    return document


@pytest.mark.parametrize(("initiatives", "moments", "seed"), [(200, 40, 3), (12, 5, 1)])
def test_ranges_only_add_to_the_plan(initiatives, moments, seed):
    plain = generate_document(initiatives, moments, seed)
    ranged = generate_document(initiatives, moments, seed, ranges=True)
    assert "uncertainty" not in plain
    assert not any(key in entry for entry in plain["initiatives"] + plain["moments"]
                   for key in RANGE_KEYS)
    assert _without_ranges(ranged) == plain
    assert ranged == generate_document(initiatives, moments, seed, ranges=True)
    assert ranged != generate_document(initiatives, moments, seed + 1, ranges=True)


def test_a_ranged_plan_is_valid_and_solves_as_the_plain_one():
    ranged = generate_plan(60, 12, seed=5, ranges=True)
    plain = generate_plan(60, 12, seed=5)
    assert plan_from_dict(plan_to_dict(ranged)) == ranged
    first, second = solve(ranged), solve(plain)
    assert (first.funded, first.focus, first.impact) == (second.funded, second.focus,
                                                         second.impact)


def test_the_ranges_keep_to_their_shares():
    plan = generate_plan(200, 40, seed=3, ranges=True)
    costs = [i for i in plan.initiatives if i.cost_range is not None]
    effects = [i for i in plan.initiatives if i.effects_range]
    weights = [m for m in plan.moments if m.weight_range is not None]
    # most initiatives carry their own ranges, some moments do; the rest take the defaults
    assert 0.6 * 200 <= len(costs) < 200 and 0.5 * 200 <= len(effects) < 200
    assert 0 < len(weights) < len(plan.moments)
    assert plan.uncertainty.cost is not None and plan.uncertainty.effects is not None
    for initiative in costs:
        low, high = initiative.cost_range
        total = initiative.total_cost
        assert COST_SHARES[0][0] * total - 1000 <= low <= total <= high
        assert high <= COST_SHARES[1][1] * total + 1000
    for initiative in effects:
        uplifts = dict(initiative.effects)
        assert {moment for moment, _ in initiative.effects_range} == set(uplifts)
        for moment, (low, high) in initiative.effects_range:
            assert UPLIFT_SHARES[0][0] * uplifts[moment] - 0.5 <= low <= uplifts[moment]
            assert uplifts[moment] <= high <= UPLIFT_SHARES[1][1] * uplifts[moment] + 0.5
    # real spread: not every range is a point
    assert sum(i.cost_range[0] < i.cost_range[1] for i in costs) > 0.9 * len(costs)


def test_add_ranges_to_a_document_of_ones_own():
    document = generate_document(8, 4, seed=2)
    assert add_ranges(copy.deepcopy(document), 2) == generate_document(8, 4, seed=2,
                                                                        ranges=True)
