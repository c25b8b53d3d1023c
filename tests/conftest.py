"""Fixtures shared by every test package: where the shared documents and data live."""

import os
from pathlib import Path

import pytest

# The project's shared folder sits beside the clone (../shared); SHARED_DIR overrides it.
SHARED = Path(os.environ.get("SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
EXAMPLE_PLAN = SHARED / "examples" / "retail-fy2027.json"
EXAMPLE_EXPECTED = SHARED / "examples" / "retail-fy2027.expected.json"
BENCHMARKS = SHARED / "benchmarks"


@pytest.fixture(scope="session")
def example_plan():
    from optimizer import load_plan

    return load_plan(EXAMPLE_PLAN)
