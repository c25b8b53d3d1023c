"""Bring an existing plan's journey and initiatives in line with a plan document (an import
into a plan), keeping the rows whose ids match so that their history and links stay."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

import optimizer
from models.initiative import Initiative
from models.journey import Influence, Moment
from models.planfile import Keys, add_initiative_rows, initiative_document, load_plan_rows

INITIATIVE_FIELDS = ("name", "team", "decision", "reason", "confidence", "benefit", "note")


@dataclass
class Written:
    """What an update wrote: ids added and ids changed, per table."""

    added: dict[str, list[str]] = field(default_factory=lambda: {"moments": [],
                                                                 "initiatives": []})
    changed: dict[str, list[str]] = field(default_factory=lambda: {"moments": [],
                                                                   "initiatives": []})


def update_plan(session: Session, plan_id: int, document: Any) -> Written:
    """Add and change the plan's moments, influences and initiatives to match the document.

    The document is checked whole first (PlanError names every problem, nothing is written);
    the plan's settings, stages, periods and resources are left as they are, and nothing is
    deleted but influences, which the document lists in full. Rows are flushed, not
    committed: the caller owns the transaction, so an import is all or nothing.
    """
    plan = optimizer.plan_from_dict(document)
    rows = load_plan_rows(session, plan_id)
    if rows is None:
        raise LookupError(f"there is no plan {plan_id}")
    written = Written()
    moments = _update_moments(session, rows, plan, written)
    for influence in list(rows.influences):
        session.delete(influence)
    session.flush()
    session.add_all(Influence(plan_id=plan_id, source_id=moments[f.source].id,
                              target_id=moments[f.target].id, factor=f.factor)
                    for f in plan.influences)
    _update_initiatives(session, rows, plan, moments, written)
    session.flush()
    return written


def _update_moments(session: Session, rows: Any, plan: optimizer.Plan,
                    written: Written) -> dict[str, Moment]:
    stages = {stage.key: stage.id for stage in rows.stages}
    moments = {moment.key: moment for moment in rows.moments}
    for moment in plan.moments:
        values = {"name": moment.name, "side": moment.side, "weight": moment.weight,
                  "headroom": moment.headroom, "category": moment.category,
                  "score": moment.score,
                  "stage_id": stages[moment.stage] if moment.stage else None}
        row = moments.get(moment.id)
        if row is None:
            row = moments[moment.id] = Moment(plan_id=rows.id, key=moment.id, **values)
            session.add(row)
            written.added["moments"].append(moment.id)
        elif _assign(row, values):
            row.version += 1  # an edit form opened before the import must not overwrite it
            written.changed["moments"].append(moment.id)
    session.flush()
    return moments


def _update_initiatives(session: Session, rows: Any, plan: optimizer.Plan,
                        moments: dict[str, Moment], written: Written) -> None:
    keys = Keys(rows)
    existing = {row.key: row for row in rows.initiatives}
    before = {row.key: initiative_document(row, keys) for row in rows.initiatives}
    after = {entry["id"]: entry for entry in optimizer.plan_to_dict(plan)["initiatives"]}
    rewritten = []
    for initiative in plan.initiatives:
        row = existing.get(initiative.id)
        if row is not None and before[initiative.id] == after[initiative.id]:
            continue
        values = {name: getattr(initiative, name) for name in INITIATIVE_FIELDS}
        if row is None:
            row = existing[initiative.id] = Initiative(plan_id=rows.id, key=initiative.id,
                                                       **values)
            session.add(row)
            written.added["initiatives"].append(initiative.id)
        else:
            _assign(row, values)
            row.version += 1
            for child in (*row.costs, *row.effects, *row.uses, *row.links):
                session.delete(child)
            written.changed["initiatives"].append(initiative.id)
        rewritten.append(initiative)
    session.flush()
    periods = {period.key: period for period in rows.periods}
    resources = {resource.key: resource for resource in rows.resources}
    add_initiative_rows(session, rewritten, existing, periods, resources, moments)


def _assign(row: Any, values: dict[str, Any]) -> bool:
    """Set the values on the row; whether any of them changed."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
