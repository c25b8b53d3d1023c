"""An accepted appeal's figures become the initiative's: its cost (in total, each period
keeping its share, or per period), its uplift on each moment, its use of each resource and
its confidence; and the decision record says so in one line a reader can follow ("appeal by
Ivy accepted: cost 90,000 -> 70,000, uplift on Checkout 4 -> 6"), besides a line per
figure."""

from __future__ import annotations

import math
from typing import Any

from flask import abort
from sqlmodel import Session, select

from models import (
    Appeal,
    Initiative,
    InitiativeCost,
    InitiativeEffect,
    InitiativeUse,
    Moment,
    Period,
    Resource,
)
from optimizer.planfile.estimates import moved_pair
from planner.appeals.effect import WORDS, figures_of, in_words, shares_of
from planner.history.capture import line as record_line
from planner.web import number

# Each kind of change: the plan's rows it names, and the initiative's rows it sets.
ROWS: dict[str, tuple[Any, Any, str, str]] = {
    "costs": (Period, InitiativeCost, "period_id", "amount"),
    "effects": (Moment, InitiativeEffect, "moment_id", "uplift"),
    "uses": (Resource, InitiativeUse, "resource_id", "amount"),
}


def apply(session: Session, plan_id: int, appeal: Appeal) -> None:
    """Make every figure of the appeal the initiative's, with its lines in the record; 409,
    nothing changed, when the initiative or a period, moment or resource it names is no
    longer in the plan."""
    initiative = session.exec(select(Initiative).where(Initiative.plan_id == plan_id,
                                                       Initiative.key == appeal.key)).first()
    if initiative is None:
        abort(409, "The initiative is no longer in the plan; decline the appeal instead.")
    figures = figures_of(appeal)
    found = {kind: _plan_rows(session, plan_id, kind, list(amounts))
             for kind, amounts in figures.changes.items()}
    costs = list(session.exec(select(InitiativeCost).where(
        InitiativeCost.initiative_id == initiative.id).order_by(InitiativeCost.id)).all())
    before: dict[str, Any] = {"cost": sum(c.amount for c in costs),
                              "confidence": initiative.confidence}
    labels: dict[str, dict[str, str]] = {}
    lines = []
    if figures.cost is not None:
        for cost, amount in zip(costs, shares_of([c.amount for c in costs], figures.cost),
                                strict=True):
            cost.amount = amount
        if not costs:
            session.add(InitiativeCost(initiative_id=initiative.id, amount=figures.cost))
        lines.append(("cost", number(before["cost"]), number(figures.cost)))
    for kind, rows in found.items():
        parent, child, column, value = ROWS[kind]
        mine = {getattr(r, column): r for r in session.exec(select(child).where(
            child.initiative_id == initiative.id)).all()}
        before[kind], labels[kind] = {}, {}
        for key, amount in figures.changes[kind].items():
            row = rows[key]
            labels[kind][key] = getattr(row, "name", "") or key
            existing = mine.get(row.id)
            before[kind][key] = getattr(existing, value) if existing is not None else None
            if existing is None:
                session.add(child(initiative_id=initiative.id, **{column: row.id, value: amount}))
            else:
                setattr(existing, value, amount)
                if kind == "effects" and existing.low is not None and existing.high is not None:
                    # its range keeps its shares of the new uplift (_move_cost_range)
                    moved = moved_pair((existing.low, existing.high), before[kind][key], amount)
                    existing.low, existing.high = moved if moved else (None, None)
            lines.append((f"{WORDS[kind]} {key}", number(before[kind][key]), number(amount)))
    _move_cost_range(session, initiative, before["cost"])
    if figures.confidence is not None:
        initiative.confidence = figures.confidence  # the record's hook writes its line
    initiative.version += 1
    # costs, uplifts and uses are rows of their own, which the record's hook does not follow
    for name, old, new in lines:
        session.add(record_line(plan_id, "changed", "initiative", initiative.key, name, old,
                                new))
    said = ", ".join(in_words(figures, before, labels, number))
    session.add(record_line(plan_id, "accepted", "appeal", initiative.key,
                            f"appeal by {appeal.who}", "", said))


def _move_cost_range(session: Session, initiative: Initiative, cost_before: float) -> None:
    """The initiative's cost range moved along with the cost the appeal changed, keeping
    its shares of the likely value (optimizer.planfile.follow_ranges, as a plan file's
    update does): a range that no longer holds its value would make the plan unreadable."""
    session.flush()
    cost_after = math.fsum(c.amount for c in session.exec(select(InitiativeCost).where(
        InitiativeCost.initiative_id == initiative.id)).all())
    if initiative.cost_low is not None and initiative.cost_high is not None:
        moved = moved_pair((initiative.cost_low, initiative.cost_high), cost_before, cost_after)
        initiative.cost_low, initiative.cost_high = moved if moved else (None, None)


def declined(plan_id: int, appeal: Appeal, reason: str) -> Any:
    """The record's line of a declined appeal: by whom it was made, and why declined."""
    return record_line(plan_id, "declined", "appeal", appeal.key, f"appeal by {appeal.who}",
                       "", reason)


def _plan_rows(session: Session, plan_id: int, kind: str, keys: list[str]) -> dict[str, Any]:
    """The plan's periods, moments or resources these keys name; 409 for one it lacks."""
    parent = ROWS[kind][0]
    rows = {row.key: row for row in session.exec(select(parent).where(
        parent.plan_id == plan_id, parent.key.in_(keys))).all()}
    missing = [key for key in keys if key not in rows]
    if missing:
        abort(409, f"The appeal names {', '.join(missing)}, no longer in the plan "
                   f"({WORDS[kind].split()[0]}); decline it instead. Nothing was changed.")
    return rows
