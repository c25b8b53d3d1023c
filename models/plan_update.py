"""Bring an existing plan's journey and initiatives in line with a plan document (an import
into a plan), keeping the rows whose ids match so that their history and links stay.

In two steps, so that a large import holds the write lock only for the write itself:
plan_changes reads the plan and works out every row to add, change and delete (checking the
document whole first); apply_changes writes them, as multi-row statements, after checking
that the plan's rows are still the ones the changes were worked out from. On SQLite the
write lock is the whole database's: working out a 20,000-initiative import inside it kept
everyone else's saves waiting for its whole length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, insert, update
from sqlmodel import Session

import optimizer
from models.initiative import (
    Initiative,
    InitiativeCost,
    InitiativeEffect,
    InitiativeLink,
    InitiativeUse,
)
from models.journey import Influence, Moment
from models.planfile import (
    Keys,
    add_initiative_rows,
    initiative_document,
    initiative_values,
    insert_initiatives,
    plan_rows,
    range_columns,
    with_team_ids,
)

CHUNK = 500  # ids per IN list: well under every database's limit on bound parameters


class PlanMovedError(Exception):
    """The plan's rows are no longer those the changes were worked out from."""


@dataclass
class Written:
    """What an update wrote: ids added and ids changed, per table."""

    added: dict[str, list[str]] = field(default_factory=lambda: {"moments": [],
                                                                 "initiatives": []})
    changed: dict[str, list[str]] = field(default_factory=lambda: {"moments": [],
                                                                   "initiatives": []})


@dataclass
class Changes:
    """Every row an update writes, worked out from the plan's rows as they were read."""

    plan_id: int
    ids: tuple  # the database ids the changes refer to, by table and key (see _ids)
    new_moments: list[dict[str, Any]]
    changed_moments: list[dict[str, Any]]  # with the row's database id as "row_id"
    influences: list[optimizer.Influence]  # the plan's influences, all of them, after
    new_initiatives: list[dict[str, Any]]
    changed_initiatives: list[dict[str, Any]]  # with "row_id"
    rewritten: list[optimizer.Initiative]  # whose costs, effects, uses and links are written
    written: Written


def update_plan(session: Session, plan_id: int, document: Any) -> Written:
    """Add and change the plan's moments, influences and initiatives to match the document.

    The document is checked whole first (PlanError names every problem, nothing is written);
    the plan's settings, stages, periods and resources are left as they are, and nothing is
    deleted but influences, which the document lists in full. Nothing is committed: the
    caller owns the transaction, so an import is all or nothing.
    """
    rows = plan_rows(session, plan_id)
    if rows is None:
        raise LookupError(f"there is no plan {plan_id}")
    return apply_changes(session, plan_changes(rows, document), rows)


def plan_changes(rows: Any, document: Any) -> Changes:
    """What update_plan writes to the plan read as `rows` (models.planfile.plan_rows);
    reads and writes nothing. PlanError when the document breaks a rule."""
    plan = optimizer.plan_from_dict(document)
    written = Written()
    stages = {stage.key: stage.id for stage in rows.stages}
    moments = {moment.key: moment for moment in rows.moments}
    new_moments, changed_moments = [], []
    for moment in plan.moments:
        values = {"name": moment.name, "side": moment.side, "weight": moment.weight,
                  "headroom": moment.headroom, "category": moment.category,
                  "score": moment.score, "owner": moment.owner,
                  **range_columns("weight_", moment.weight_range),
                  "stage_id": stages[moment.stage] if moment.stage else None}
        row = moments.get(moment.id)
        if row is None:
            new_moments.append({"key": moment.id, **values})
            written.added["moments"].append(moment.id)
        elif any(getattr(row, name) != value for name, value in values.items()):
            changed_moments.append({"row_id": row.id, **values})
            written.changed["moments"].append(moment.id)
    keys = Keys(rows)
    existing = {row.key: row for row in rows.initiatives}
    after = {entry["id"]: entry for entry in optimizer.plan_to_dict(plan)["initiatives"]}
    new_initiatives, changed_initiatives, rewritten = [], [], []
    for initiative in plan.initiatives:
        row = existing.get(initiative.id)
        if row is None:
            new_initiatives.append(initiative_values(initiative))
            written.added["initiatives"].append(initiative.id)
        elif initiative_document(row, keys) != after[initiative.id]:
            values = initiative_values(initiative)
            del values["key"]
            changed_initiatives.append({"row_id": row.id, **values})
            written.changed["initiatives"].append(initiative.id)
        else:
            continue
        rewritten.append(initiative)
    return Changes(rows.id, _ids(rows), new_moments, changed_moments, list(plan.influences),
                   new_initiatives, changed_initiatives, rewritten, written)


def apply_changes(session: Session, changes: Changes, rows: Any) -> Written:
    """Write the changes to the plan now read as `rows`: PlanMovedError, and nothing written,
    when its rows are not those the changes were worked out from. Nothing is committed."""
    if _ids(rows) != changes.ids:
        raise PlanMovedError(changes.plan_id)
    plan_id = changes.plan_id
    moments = {moment.key: moment.id for moment in rows.moments}
    if changes.new_moments:
        table = Moment.__table__
        inserted = session.execute(
            insert(table).returning(table.c.id, table.c.key, sort_by_parameter_order=True),
            [{**values, "plan_id": plan_id, "version": 1} for values in changes.new_moments])
        moments.update({key: row_id for row_id, key in inserted})
    # A changed row moves to its next version: an edit form opened before the import must
    # not overwrite it.
    _update_rows(session, Moment, changes.changed_moments)
    session.execute(delete(Influence.__table__).where(Influence.__table__.c.plan_id == plan_id))
    if changes.influences:
        session.execute(insert(Influence.__table__), [
            {"plan_id": plan_id, "source_id": moments[f.source], "target_id": moments[f.target],
             "factor": f.factor, "version": 1} for f in changes.influences])
    initiatives = {row.key: row.id for row in rows.initiatives}
    initiatives.update(insert_initiatives(session, plan_id, changes.new_initiatives))
    _update_rows(session, Initiative, with_team_ids(session, plan_id,
                                                    changes.changed_initiatives))
    changed = [values["row_id"] for values in changes.changed_initiatives]
    for start in range(0, len(changed), CHUNK):
        chunk = changed[start:start + CHUNK]
        for model in (InitiativeCost, InitiativeEffect, InitiativeUse, InitiativeLink):
            table = model.__table__
            session.execute(delete(table).where(table.c.initiative_id.in_(chunk)))
    add_initiative_rows(session, changes.rewritten, initiatives,
                        {period.key: period.id for period in rows.periods},
                        {resource.key: resource.id for resource in rows.resources}, moments)
    written = (Moment, Influence, Initiative, InitiativeCost, InitiativeEffect, InitiativeUse,
               InitiativeLink)
    for row in list(session.identity_map.values()):  # loaded before the statements ran
        if isinstance(row, written):
            session.expire(row)
    return changes.written


def _update_rows(session: Session, model: Any, values: list[dict[str, Any]]) -> None:
    """One UPDATE by id for each row, run as one statement with many parameter sets, each
    row moved to its next version."""
    if not values:
        return
    table = model.__table__
    columns = [name for name in values[0] if name != "row_id"]
    # a bound parameter may not take a column's own name in an UPDATE's SET
    statement = update(table).where(table.c.id == bindparam("row_id")).values(
        {**{name: bindparam(f"new_{name}") for name in columns},
         "version": table.c.version + 1})
    session.execute(statement, [{"row_id": entry["row_id"],
                                 **{f"new_{name}": entry[name] for name in columns}}
                                for entry in values])


def _ids(rows: Any) -> tuple:
    """The database ids of the plan's rows by key, per table: the same plan document can
    be held by other rows (a moment deleted and added again), which the changes must not
    refer to."""
    return tuple(tuple((row.key, row.id) for row in table)
                 for table in (rows.stages, rows.periods, rows.resources, rows.moments,
                               rows.initiatives))
