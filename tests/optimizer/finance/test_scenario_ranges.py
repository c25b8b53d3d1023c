"""A what-if's weight moves the moment's weight range along, so the plan still reads."""

import json

from optimizer.finance.scenarios import apply_overrides, scenario_plan
from tests.conftest import EXAMPLE_PLAN


def test_a_weight_override_moves_its_range():
    document = json.loads(EXAMPLE_PLAN.read_text())
    returns = next(m for m in document["moments"] if m["id"] == "returns")
    returns["weight_range"] = [8, 12]
    plan = scenario_plan(document, {"weights": {"returns": 20, "queue": 2}})
    assert plan.moment("returns").weight == 20
    assert plan.moment("returns").weight_range == (16, 24)
    changed = apply_overrides(document, {"weights": {"returns": 5}})
    assert next(m for m in changed["moments"] if m["id"] == "returns")["weight_range"] == [4, 6]
    assert returns["weight_range"] == [8, 12]  # the given document is left as it was
