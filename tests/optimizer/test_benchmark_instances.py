"""The optimiser returns the proven optimum of public knapsack benchmark instances.

Each instance becomes a plan as tests/data/README.md says ("As a plan"; see instances.py); the
plan's optimal impact is then the instance's optimum. Every instance is solved with the
default solver; the small multidimensional sets are cross-checked with CBC.
"""

from __future__ import annotations

import itertools
import math

import pytest

from optimizer import Options, solve
from tests.optimizer import instances
from tests.optimizer.instances import Instance, initiative_index, to_plan

MKNAP1 = instances.mknap1()
MKNAP2 = instances.mknap2()
KP_LOW = instances.kp_low()
KP_HIGH = instances.kp_high()

# Optima the README states only to a given precision: compared relatively.
ROUNDED_OPTIMA = {"f5_l-d_kp_15_375": 1e-6}
# Instances of this many items or more take seconds each (still run in CI).
LARGE = 5000


def _param(instance: Instance) -> pytest.param:
    marks = [pytest.mark.slow] if instance.n >= LARGE else []
    return pytest.param(instance, id=instance.name, marks=marks)


# The knapPI instances solved: those of up to 500 items, of each of the three kinds, and
# one of 10,000 items, where size is the point. The other ones of 1,000 to 10,000 items
# would show nothing more; test_knappi_selection_in_the_file_attains_the_optimum still
# reads every one of them.
KP_HIGH_SOLVED = [i for i in KP_HIGH if i.n <= 500 or i.name == "knapPI_1_10000_1000_1"]
ALL = [_param(i) for i in MKNAP1 + MKNAP2 + KP_LOW + KP_HIGH_SOLVED]
SMALL = [_param(i) for i in MKNAP1 + MKNAP2 + KP_LOW]


# --- the parsers ----------------------------------------------------------------------------

def test_instance_counts_are_those_of_the_readme():
    assert len(MKNAP1) == 7
    assert len(MKNAP2) == 48
    assert len(KP_LOW) == 10
    assert len(KP_HIGH) == 21
    assert len(KP_LOW) + len(KP_HIGH) == 31
    names = [i.name for i in MKNAP1 + MKNAP2 + KP_LOW + KP_HIGH]
    assert len(set(names)) == len(names)  # the EXAMPLE block is not a second WEING1


def test_mknap1_optima_are_those_of_the_readme():
    assert [i.optimum for i in MKNAP1] == [3800, 8706.1, 4015, 6120, 12400, 10618, 16537]
    assert [(i.n, i.m) for i in MKNAP1] == [(6, 10), (10, 10), (15, 10), (20, 10), (28, 10),
                                            (39, 5), (50, 5)]


def test_mknap2_reads_capacities_before_weights():
    weing1 = next(i for i in MKNAP2 if i.name == "WEING1")
    assert (weing1.n, weing1.m) == (28, 2)
    assert weing1.profits[:3] == (1898, 440, 22507)
    assert weing1.capacities == (600, 600)
    assert weing1.weights[0][:3] == (45, 0, 85)
    assert weing1.weights[1][-3:] == (40, 19, 150)
    assert weing1.optimum == 141278
    assert next(i for i in MKNAP2 if i.name == "WEING7").optimum == 1095445
    assert [i.name for i in MKNAP2[:3]] == ["SENTO1", "SENTO2", "WEING1"]
    assert MKNAP2[-1].name == "HP2"


def test_kp_optima_cover_every_file():
    optima = instances.kp_optima()
    assert sorted(optima) == sorted(i.name for i in KP_LOW + KP_HIGH)
    assert optima["f5_l-d_kp_15_375"] == instances.F5_OPTIMUM


@pytest.mark.parametrize("instance", [pytest.param(i, id=i.name) for i in KP_HIGH])
def test_knappi_selection_in_the_file_attains_the_optimum(instance):
    """The optimal selection at the end of each knapPI file checks the parse and the csv."""
    chosen = [j for j, bit in enumerate(instance.solution) if bit]
    assert sum(instance.weights[0][j] for j in chosen) <= instance.capacities[0]
    assert sum(instance.profits[j] for j in chosen) == instance.optimum


def test_f5_optimum_by_enumeration():
    f5 = next(i for i in KP_LOW if i.name.startswith("f5_"))
    best = 0.0
    for chosen in itertools.product((0, 1), repeat=f5.n):
        if math.fsum(w for w, c in zip(f5.weights[0], chosen, strict=True) if c) \
                <= f5.capacities[0]:
            best = max(best, math.fsum(p for p, c in zip(f5.profits, chosen, strict=True) if c))
    assert best == pytest.approx(instances.F5_OPTIMUM, rel=1e-9, abs=1e-6)


def test_to_plan_follows_the_readme_mapping():
    multi = to_plan(MKNAP1[0])
    assert multi.max_focus == 1 and multi.budget is None
    assert [(m.id, m.weight, m.headroom) for m in multi.moments] == [("value", 1.0, None)]
    assert [r.capacity for r in multi.resources] == list(MKNAP1[0].capacities)
    first = multi.initiatives[0]
    assert first.total_cost == 0
    assert dict(first.effects) == {"value": MKNAP1[0].profits[0]}
    assert [amount for _, amount in first.uses] == [row[0] for row in MKNAP1[0].weights]

    single = to_plan(KP_LOW[0])
    assert single.max_focus == 1 and single.budget == KP_LOW[0].capacities[0]
    assert single.resources == ()
    assert [i.total_cost for i in single.initiatives] == list(KP_LOW[0].weights[0])
    assert [dict(i.effects)["value"] for i in single.initiatives] == list(KP_LOW[0].profits)


# --- the optimiser --------------------------------------------------------------------------

def _assert_optimum(instance: Instance, result) -> None:
    assert result.status == "optimal", f"{instance.name}: {result.status}"
    rel = ROUNDED_OPTIMA.get(instance.name)
    if rel is None:
        assert round(result.impact, 6) == round(instance.optimum, 6)
    else:
        assert result.impact == pytest.approx(instance.optimum, rel=rel)
    assert result.gap == 0.0
    assert result.bound == pytest.approx(result.impact, rel=1e-12)

    # Recompute from the funded ids alone: the profit, and every capacity respected.
    chosen = [initiative_index(item_id) for item_id in result.funded]
    assert len(set(chosen)) == len(chosen)
    assert math.fsum(instance.profits[j] for j in chosen) == pytest.approx(result.impact,
                                                                           rel=1e-12)
    for row, capacity in zip(instance.weights, instance.capacities, strict=True):
        used = math.fsum(row[j] for j in chosen)
        assert used <= capacity * (1 + 1e-12), f"{instance.name}: uses {used} > {capacity}"
    assert len(result.funded) + len(result.rejected) == instance.n


@pytest.mark.parametrize("instance", ALL)
def test_default_solver_finds_the_proven_optimum(instance):
    result = solve(to_plan(instance), Options())
    assert result.solver.name == "highs"
    _assert_optimum(instance, result)


@pytest.mark.parametrize("instance", SMALL)
def test_cbc_finds_the_proven_optimum(instance):
    result = solve(to_plan(instance), Options(solver="cbc"))
    assert result.solver.name == "cbc"
    _assert_optimum(instance, result)
