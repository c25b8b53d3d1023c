"""Fixtures shared by every test package: where the test data lives, and the app and
database fixtures of tests.webapp."""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis properties stand where a test once ran over a range of seeds. In CI (and in
# `scripts/test`) their examples are derandomized, so that a run is repeatable and its time
# steady; `HYPOTHESIS_PROFILE=explore` draws new examples, many more of them, to look for
# what the pinned ones miss. Solves take a while, so no per-example deadline.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The app and database fixtures serve the web app's tests and the models' tests alike.
pytest_plugins = ("tests.webapp",)

# The worked example (the demo plan, and the result it must give) and the public benchmark
# instances (tests/data/README.md: where each comes from, and its terms).
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE_PLAN = Path(__file__).resolve().parent.parent / "planner" / "demo" / "retail-fy2027.json"
EXAMPLE_EXPECTED = DATA / "examples" / "retail-fy2027.expected.json"
BENCHMARKS = DATA


@pytest.fixture(scope="session")
def example_plan():
    from optimizer import load_plan

    return load_plan(EXAMPLE_PLAN)
