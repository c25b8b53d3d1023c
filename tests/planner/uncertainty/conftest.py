"""A saved run of the demo plan whose estimates carry ranges (the plan's default shares,
docs/plan-format.md), as the uncertainty pages' jobs read it, and a client per role."""

from __future__ import annotations

import pytest
from sqlalchemy.orm.attributes import flag_modified

from models import Run
from tests.planner.runs.test_run_kinds import with_roles

SHARES = {"cost": [0.7, 1.5], "effects": [0.4, 1.3]}


@pytest.fixture
def ranged_run(db, run_id) -> int:
    """The demo plan's first run, its plan document given default ranges."""
    db.rollback()
    run = db.get(Run, run_id)
    run.inputs = {**run.inputs, "uncertainty": SHARES}
    flag_modified(run, "inputs")
    db.commit()
    return run_id


@pytest.fixture
def people(app, db, demo_id) -> dict:
    """A signed-in client for each role in the demo plan (the team member: of Stores)."""
    return with_roles(app, db, demo_id)
