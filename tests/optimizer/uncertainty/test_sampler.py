"""The sampler draws PERT as docs/model.md defines it, inside the ranges, the same for a
seed; samples files are read and refused by sample and field."""

import json
import math

import pytest

from optimizer import plan_from_dict
from optimizer.uncertainty import (
    SampleError,
    check_samples,
    draw_samples,
    read_samples,
    sample_plan,
    write_samples,
)

DRAWS = 20_000


def _plan(**top) -> dict:
    return {
        "plan": "ranges", "budget": 500,
        "periods": [{"id": "H1"}, {"id": "H2"}],
        "moments": [{"id": "m1", "name": "One", "weight": 2, "weight_range": [1, 5]},
                    {"id": "m2", "name": "Two", "weight": 1}],
        "initiatives": [
            {"id": "a", "name": "A", "cost": {"H1": 30, "H2": 70}, "cost_range": [80, 200],
             "effects": {"m1": 4, "m2": 2}, "effects_range": {"m1": [0, 10]}},
            {"id": "b", "name": "B", "cost": {"H1": 50}, "effects": {"m2": 3}},
            {"id": "z", "name": "Free", "cost": 0, "cost_range": [0, 60], "effects": {"m2": 1}},
        ],
        **top,
    }


def _pert(low: float, likely: float, high: float) -> tuple[float, float]:
    """Mean and standard deviation of PERT, from the Beta distribution's moments."""
    alpha = 1 + 4 * (likely - low) / (high - low)
    beta = 1 + 4 * (high - likely) / (high - low)
    variance = alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1))
    return (low + 4 * likely + high) / 6, (high - low) * math.sqrt(variance)


@pytest.fixture(scope="module")
def drawn() -> list[dict]:
    return draw_samples(plan_from_dict(_plan()), DRAWS, seed=11)


@pytest.mark.parametrize(("field", "pick", "points"), [
    ("cost a", lambda s: s["cost"]["a"], (80, 100, 200)),
    ("cost z", lambda s: s["cost"]["z"], (0, 0, 60)),
    ("uplift a m1", lambda s: s["effects"]["a"]["m1"], (0, 4, 10)),
    ("weight m1", lambda s: s["weight"]["m1"], (1, 2, 5)),
])
def test_values_follow_pert_inside_their_range(drawn, field, pick, points):
    values = [pick(sample) for sample in drawn]
    mean, sd = _pert(*points)
    assert all(points[0] <= v <= points[2] for v in values), field
    got_mean = math.fsum(values) / len(values)
    got_sd = math.sqrt(math.fsum((v - got_mean) ** 2 for v in values) / (len(values) - 1))
    # Four standard errors: a correct sampler fails this about once in 15,000 runs.
    assert abs(got_mean - mean) <= 4 * sd / math.sqrt(len(values)), (field, got_mean, mean)
    assert abs(got_sd - sd) <= 0.03 * sd, (field, got_sd, sd)


def test_only_ranged_values_are_listed(drawn):
    assert all(set(s["cost"]) == {"a", "z"} and s["effects"] == {"a": {"m1": s["effects"]
               ["a"]["m1"]}} and set(s["weight"]) == {"m1"} for s in drawn[:50])


def test_same_seed_same_samples_and_another_seed_others():
    plan = plan_from_dict(_plan())
    assert draw_samples(plan, 30, seed=5) == draw_samples(plan, 30, seed=5)
    assert draw_samples(plan, 30, seed=5) != draw_samples(plan, 30, seed=6)


def test_default_shares_apply_to_values_without_their_own_range():
    plan = plan_from_dict(_plan(uncertainty={"cost": [0.5, 2], "effects": [1, 1.5],
                                             "weight": [1, 1]}))
    samples = draw_samples(plan, 2_000, seed=1)
    # b's cost 50 gets [25, 100]; a keeps its own range, z (cost 0) gets [0, 60] of its own.
    b_costs = [s["cost"]["b"] for s in samples]
    assert min(b_costs) >= 25 and max(b_costs) <= 100
    assert abs(math.fsum(b_costs) / len(b_costs) - (25 + 200 + 100) / 6) < 1.5
    assert all(80 <= s["cost"]["a"] <= 200 and 0 <= s["cost"]["z"] <= 60 for s in samples)
    # a's m2 uplift 2 gets [2, 3]; its m1 keeps [0, 10]; weights are certain ([1, 1]).
    assert all(2 <= s["effects"]["a"]["m2"] <= 3 for s in samples)
    assert max(s["effects"]["a"]["m1"] for s in samples) > 3
    assert all(set(s["weight"]) == {"m1"} for s in samples)


def test_a_sample_plan_scales_period_costs_and_spreads_a_zero_cost():
    plan = plan_from_dict(_plan())
    sampled = sample_plan(plan, {"cost": {"a": 150, "z": 40}, "effects": {"a": {"m1": 7}},
                                 "weight": {"m1": 3}})
    a, b, z = sampled.initiative("a"), sampled.initiative("b"), sampled.initiative("z")
    assert dict(a.cost) == {"H1": 45, "H2": 105}
    assert dict(z.cost) == {"H1": 20, "H2": 20}
    assert dict(a.effects) == {"m1": 7, "m2": 2}
    assert b == plan.initiative("b")
    assert sampled.moment("m1").weight == 3 and sampled.moment("m2").weight == 1
    assert a.cost_range is None and sampled.moment("m1").weight_range is None


def test_samples_file_round_trip(tmp_path):
    plan = plan_from_dict(_plan())
    samples = draw_samples(plan, 20, seed=2)
    write_samples(samples, str(tmp_path / "s.json"))
    assert read_samples(plan, str(tmp_path / "s.json")) == samples


@pytest.mark.parametrize(("samples", "problem"), [
    ({"cost": {}}, "samples: must be a list of objects, one per sample"),
    ([{}, {"cost": {"nope": 3}}], "sample 1: cost.nope: unknown initiative"),
    ([{"cost": {"a": -1}}], "sample 0: cost.a: must be a finite number >= 0, not -1"),
    ([{"cost": {"a": float("nan")}}], "sample 0: cost.a: must be a finite number >= 0, not nan"),
    ([{"effects": {"a": {"m1": float("inf")}}}],
     "sample 0: effects.a.m1: must be a finite number >= 0, not inf"),
    ([{"effects": {"b": {"m1": 1}}}], "sample 0: effects.b.m1: not an effect of b in the plan"),
    ([{"effects": {"x": {"m1": 1}}}], "sample 0: effects.x: unknown initiative"),
    ([{}, {}, {"weight": {"m9": 1}}], "sample 2: weight.m9: unknown moment"),
    ([{"weight": {"m1": "2"}}], "sample 0: weight.m1: must be a number, not '2'"),
    ([{"weight": {"m1": True}}], "sample 0: weight.m1: must be a number, not True"),
    ([{"costs": {}}], "sample 0: unknown field 'costs'"),
    ([3], "sample 0: must be an object"),
])
def test_bad_samples_are_refused_by_sample_and_field(samples, problem):
    with pytest.raises(SampleError) as refused:
        check_samples(plan_from_dict(_plan()), samples)
    assert problem in refused.value.problems


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(SampleError, match="not JSON"):
        read_samples(plan_from_dict(_plan()), str(path))
    with pytest.raises(SampleError, match="cannot read it"):
        read_samples(plan_from_dict(_plan()), str(tmp_path / "missing.json"))
    path.write_text(json.dumps([{"cost": {"a": 1}}]), encoding="utf-8")
    assert read_samples(plan_from_dict(_plan()), str(path)) == [{"cost": {"a": 1}}]
