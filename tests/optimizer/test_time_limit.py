"""A time limit gives an honest answer: a portfolio, not called optimal, with a true bound.

The instance is two Chu & Beasley 5.100 problems side by side (200 items, 10 constraints,
no item shared): its optimum is the sum of theirs, 23534 + 41968 = 65502, and neither CBC
nor HiGHS proves it within 30 s on an ordinary machine, so a 1 s limit always stops the
search. (Each problem alone is proven by CBC in about 3 s, too close to 1 s to be a stable
test.) Any valid bound lies between the best known value and the LP relaxation value.
"""

from __future__ import annotations

import math

import pulp
import pytest

from optimizer import Options, solve
from optimizer.solvers import cbc_bound
from tests.optimizer import instances
from tests.optimizer.instances import Instance, initiative_index, to_plan

PARTS = ("5.100-03", "5.100-12")


def side_by_side(parts: list[Instance]) -> Instance:
    """One instance holding independent instances: constraints of one ignore the others."""
    n = sum(p.n for p in parts)
    rows = []
    offset = 0
    for part in parts:
        for row in part.weights:
            rows.append((0,) * offset + row + (0,) * (n - offset - part.n))
        offset += part.n
    return Instance(name="+".join(p.name for p in parts),
                    profits=tuple(x for p in parts for x in p.profits), weights=tuple(rows),
                    capacities=tuple(c for p in parts for c in p.capacities),
                    optimum=sum(p.optimum for p in parts))


@pytest.fixture(scope="module")
def hard():
    by_name = {i.name: i for i in instances.mknapcb1()}
    best, relaxation = instances.mkcbres()
    instance = side_by_side([by_name[name] for name in PARTS])
    return (instance, sum(best[name] for name in PARTS),
            sum(relaxation[name] for name in PARTS))


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_time_limited_answer_is_feasible_with_a_true_bound(hard, solver):
    instance, best_known, lp_value = hard
    result = solve(to_plan(instance), Options(solver=solver, time_limit=1))

    assert result.status == "feasible"
    assert 0 < result.impact <= best_known
    assert result.bound >= result.impact
    assert result.gap > 0
    assert result.gap == pytest.approx((result.bound - result.impact) / result.bound)
    # A true bound: no portfolio beats it (the best known one exists), and it is no weaker
    # than the LP relaxation that every branch-and-bound starts from.
    assert best_known <= result.bound <= lp_value * (1 + 1e-6)
    assert result.solver.seconds < 10

    chosen = [initiative_index(item_id) for item_id in result.funded]
    assert math.fsum(instance.profits[j] for j in chosen) == result.impact
    for row, capacity in zip(instance.weights, instance.capacities, strict=True):
        assert sum(row[j] for j in chosen) <= capacity


# Raw lines of a CBC 2.10.3 log for the instance above, stopped by a 10 s limit
# (pulp.PULP_CBC_CMD(gapRel=0, timeLimit=10, logPath=...), maximisation).
CBC_TIME_LIMIT_LOG = """\
Cbc0010I After 0 nodes, 1 on tree, -64866 best solution, best possible -65844.252 (0.13 seconds)
Cbc0010I After 24000 nodes, 7499 on tree, -65397 best solution, best possible -65796.189 (9.98 seconds)
Cbc0005I Partial search - best objective -65397 (best possible -65796.189), took 1158602 iterations and 343395 nodes (10.05 seconds)
Result - Stopped on time limit

Objective value:                65397.00000000
Upper bound:                    65796.189
Gap:                            -0.01
"""  # noqa: E501 (raw solver output)


def test_cbc_bound_is_the_final_bound_of_the_log():
    assert cbc_bound(CBC_TIME_LIMIT_LOG, pulp.LpMaximize) == pytest.approx(65796.189)


def test_cbc_bound_reads_the_summary_of_a_maximisation():
    summary = CBC_TIME_LIMIT_LOG[CBC_TIME_LIMIT_LOG.index("Result"):]
    assert cbc_bound(summary, pulp.LpMaximize) == pytest.approx(65796.189)


def test_cbc_bound_from_progress_lines_alone_is_turned_to_the_maximising_sense():
    progress = CBC_TIME_LIMIT_LOG[:CBC_TIME_LIMIT_LOG.index("Result")]
    assert cbc_bound(progress, pulp.LpMaximize) == pytest.approx(65796.189)
    assert cbc_bound("no bound here", pulp.LpMaximize) is None
