"""Fixtures shared by every test package: where the shared documents and data live, and
the app and database fixtures of tests.webapp."""

import os
from pathlib import Path

import pytest

# The app and database fixtures serve the web app's tests and the models' tests alike.
pytest_plugins = ("tests.webapp",)

# The project's shared folder sits beside the clone (../shared); SHARED_DIR overrides it.
SHARED = Path(os.environ.get("SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
EXAMPLE_PLAN = SHARED / "examples" / "retail-fy2027.json"
EXAMPLE_EXPECTED = SHARED / "examples" / "retail-fy2027.expected.json"
BENCHMARKS = SHARED / "benchmarks"


@pytest.fixture(scope="session")
def example_plan():
    from optimizer import load_plan

    return load_plan(EXAMPLE_PLAN)
