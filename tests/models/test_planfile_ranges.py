"""The ranges around a plan's estimates in the database: imported into their columns,
exported on every way out (and so into a run's inputs), and updated by an import that
changes nothing else."""

from __future__ import annotations

import copy

import pytest
from sqlmodel import select

import optimizer
from models import Initiative, InitiativeEffect, Moment, Plan
from models.db import open_session
from models.plan_update import update_plan
from models.planfile import (
    export_plan,
    import_plan,
    load_plan_rows,
    plan_document,
    plan_file_document,
)

RANGED = {
    "plan": "Ranged", "budget": 1000,
    "uncertainty": {"cost": [0.9, 1.3], "effects": [0.5, 1.2]},
    "periods": [{"id": "H1", "budget": 600}, {"id": "H2"}],
    "moments": [{"id": "fit", "name": "Fit", "weight": 5, "weight_range": [4, 6.5]},
                {"id": "pay", "name": "Pay", "weight": 2}],
    "initiatives": [
        {"id": "a", "name": "A", "cost": {"H1": 100, "H2": 20.5}, "cost_range": [90, 180.75],
         "effects": {"fit": 3, "pay": 1}, "effects_range": {"fit": [1.5, 4.5]}},
        {"id": "b", "name": "B", "cost": {"H2": 50}, "effects": {"pay": 2},
         "effects_range": {"pay": [0, 3]}},
        {"id": "c", "name": "C", "cost": {"H1": 70}, "effects": {"fit": 1}}],
}
UNRANGED = {**copy.deepcopy(RANGED), "plan": "Unranged"}
del UNRANGED["uncertainty"]
for _entry in UNRANGED["moments"] + UNRANGED["initiatives"]:
    for _key in ("weight_range", "cost_range", "effects_range"):
        _entry.pop(_key, None)
RANGE_KEYS = ("cost_range", "effects_range", "weight_range")


def _import(app, document) -> int:
    with open_session(app.extensions["planner_engine"], write=True) as session:
        plan_id = import_plan(session, copy.deepcopy(document)).id
        session.commit()
    return plan_id


def _ranges(document) -> dict:
    """Every range of a plan document, by list and id, and its default shares."""
    found = {"uncertainty": document.get("uncertainty")}
    for kind in ("moments", "initiatives"):
        for entry in document[kind]:
            found[entry["id"]] = {key: entry[key] for key in RANGE_KEYS if key in entry}
    return found


@pytest.mark.parametrize("document", [RANGED, UNRANGED], ids=["ranges", "none"])
def test_every_way_out_carries_the_ranges_imported(app, document):
    plan_id = _import(app, document)
    with open_session(app.extensions["planner_engine"]) as session:
        outs = {"plan_document": plan_document(session, plan_id),
                "plan_file_document": plan_file_document(session, plan_id),
                "load_plan_rows": export_plan(load_plan_rows(session, plan_id))}
    for way, read in outs.items():
        assert _ranges(read) == _ranges(document), way
        assert optimizer.plan_from_dict(read) == optimizer.plan_from_dict(
            document), way


def test_the_ranges_land_in_their_columns(app, db):
    plan_id = _import(app, RANGED)
    plan = db.get(Plan, plan_id)
    assert plan.uncertainty == {"cost": [0.9, 1.3], "effects": [0.5, 1.2]}
    work = {i.key: i for i in db.exec(select(Initiative).where(Initiative.plan_id == plan_id))}
    assert (work["a"].cost_low, work["a"].cost_high) == (90, 180.75)
    assert (work["c"].cost_low, work["c"].cost_high) == (None, None)
    moments = {m.key: m for m in db.exec(select(Moment).where(Moment.plan_id == plan_id))}
    assert (moments["fit"].weight_low, moments["fit"].weight_high) == (4, 6.5)
    assert (moments["pay"].weight_low, moments["pay"].weight_high) == (None, None)
    effects = {(work_key, moment_key): (e.low, e.high)
               for work_key, row in work.items()
               for e in db.exec(select(InitiativeEffect).where(
                   InitiativeEffect.initiative_id == row.id))
               for moment_key in [next(k for k, m in moments.items() if m.id == e.moment_id)]}
    assert effects == {("a", "fit"): (1.5, 4.5), ("a", "pay"): (None, None),
                       ("b", "pay"): (0, 3), ("c", "fit"): (None, None)}


def _update(app, plan_id, document):
    with open_session(app.extensions["planner_engine"], write=True) as session:
        written = update_plan(session, plan_id, document)
        session.commit()
    with open_session(app.extensions["planner_engine"]) as session:
        return written, plan_document(session, plan_id)


def test_an_update_that_changes_only_ranges_writes_them(app):
    plan_id = _import(app, RANGED)
    with open_session(app.extensions["planner_engine"]) as session:
        document = plan_document(session, plan_id)
    works = {entry["id"]: entry for entry in document["initiatives"]}
    works["a"]["cost_range"] = [100, 250]  # changed
    works["a"]["effects_range"]["pay"] = [0.5, 1]  # one more uplift with a range
    del works["b"]["effects_range"]  # taken away
    works["c"]["cost_range"] = [70, 70]  # added
    moments = {entry["id"]: entry for entry in document["moments"]}
    moments["fit"]["weight_range"] = [5, 5]
    moments["pay"]["weight_range"] = [1, 3]
    written, after = _update(app, plan_id, copy.deepcopy(document))
    assert written.added == {"moments": [], "initiatives": []}
    assert written.changed == {"moments": ["fit", "pay"], "initiatives": ["a", "b", "c"]}
    assert after == document
    assert "effects_range" not in next(e for e in after["initiatives"] if e["id"] == "b")


def test_an_update_with_the_same_ranges_changes_nothing(app):
    plan_id = _import(app, RANGED)
    with open_session(app.extensions["planner_engine"]) as session:
        document = plan_document(session, plan_id)
    written, after = _update(app, plan_id, copy.deepcopy(document))
    assert written.changed == {"moments": [], "initiatives": []}
    assert after == document


def test_a_new_initiative_and_moment_keep_their_ranges(app):
    plan_id = _import(app, UNRANGED)
    with open_session(app.extensions["planner_engine"]) as session:
        document = plan_document(session, plan_id)
    document["moments"].append({"id": "new", "name": "New", "weight": 2,
                                "weight_range": [1, 2]})
    document["initiatives"].append({"id": "n", "name": "N", "cost": {"H1": 10},
                                    "cost_range": [5, 20], "effects": {"new": 1},
                                    "effects_range": {"new": [1, 3]}})
    written, after = _update(app, plan_id, copy.deepcopy(document))
    assert written.added == {"moments": ["new"], "initiatives": ["n"]}
    assert _ranges(after) == _ranges(document)
