"""The demo's last cycle, FY2026: the same store journey a year earlier, decided in January
2026 with its own work (four of this cycle's candidates were turned down then too), each
funded piece's delivery set by its team, and the year of the store exit survey since: so
that the cycle review has something real to show, and the next cycle a plan to start from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import update
from sqlmodel import select

import optimizer
from models import Initiative, Plan, Publication
from models.db import open_session
from models.plan import DECIDED
from models.planfile import import_plan, plan_document
from models.queries import add_run

LAST_CYCLE = "Retail stores FY2026"
DECIDED_AT = datetime(2026, 1, 8, 10, 0, tzinfo=UTC)
DECIDED_BY = "Cleo, CX lead"
BUDGET, PERIODS = 300_000, [{"id": "H1", "budget": 170_000}, {"id": "H2", "budget": 150_000}]
# Last cycle's own work, beside this cycle's candidates it turned down then
WORK = [
    {"id": "shelfscan", "name": "Shelf-gap scanning app", "team": "IT",
     "cost": {"H1": 45000, "H2": 15000}, "uses": {"it": 4}, "effects": {"replenish": 12},
     "confidence": 0.8},
    {"id": "backroom", "name": "Back room sorted by size", "team": "Logistics",
     "cost": {"H1": 30000, "H2": 15000}, "effects": {"instock": 10, "racks": 2},
     "confidence": 0.9},
    {"id": "queuebuster", "name": "Queue-busting handhelds at peak", "team": "IT",
     "cost": {"H1": 50000, "H2": 30000}, "uses": {"it": 5}, "effects": {"queue": 12},
     "confidence": 0.8},
    {"id": "expresslane", "name": "Express lane for five items or fewer", "team": "Stores",
     "cost": {"H1": 10000, "H2": 5000}, "effects": {"queue": 6}, "confidence": 0.9},
    {"id": "receiptless", "name": "Returns without a receipt, by card lookup", "team": "IT",
     "cost": {"H1": 40000, "H2": 30000}, "uses": {"it": 4}, "effects": {"returns": 10},
     "confidence": 0.7},
    {"id": "refundauth", "name": "Store managers approve refunds up to EUR 50",
     "team": "Finance", "cost": {"H1": 10000}, "effects": {"approvals": 15},
     "confidence": 0.9},
    {"id": "returnstalk", "name": "Returns conversation training", "team": "HR",
     "cost": {"H1": 15000, "H2": 10000}, "uses": {"train": 4},
     "effects": {"returns": 6, "advice": 2}, "confidence": 0.8},
]
TURNED_DOWN = ("rfid", "selfcheck", "loyaltyapp", "signage")
# A chain of back-stage steps: refund paperwork takes the store managers' time, which the
# staff rota then lacks at the door, the tills and the fitting rooms (so the refund limit
# reaches the checkout queue through the approvals and the rota)
CHAIN = {"from": "approvals", "to": "rota", "factor": 0.4}
# How far each team got with the work the decision funded
DELIVERY = {"backroom": "delivered", "expresslane": "delivered", "queuebuster": "delivered",
            "refundauth": "delivered", "receiptless": "in progress", "returnstalk": "dropped"}
# What the delivered work actually cost, as a share of its planned cost (recorded with its
# delivery; the review weighs it): the back room and the refund rules ran over, as such work
# does.
ACTUAL = {"backroom": 1.25, "expresslane": 0.95, "queuebuster": 1.1, "refundauth": 1.4}
# Points each of its focus moments climbed over 2026 as the work landed (the survey's drift
# and noise come on top): the in-stock and queue work did most of what was expected, the
# returns work, half dropped and half late, much less.
CLIMBS = {"instock": 7.5, "queue": 12.0, "returns": 8.0}


def last_cycle_document(document: dict[str, Any]) -> dict[str, Any]:
    """The last cycle's plan document, from this cycle's demo document: its journey, its
    survey (every moment's score the first month's), its own work."""
    first: dict[str, float] = {}
    for measured in document["measurements"]:
        first.setdefault(measured["moment"], measured["score"])
    moments = [{**m, "score": first[m["id"]]} if m["id"] in first else dict(m)
               for m in document["moments"]]
    candidates = [i for i in document["initiatives"] if i["id"] in TURNED_DOWN]
    return {**document, "plan": LAST_CYCLE, "budget": BUDGET, "periods": PERIODS,
            "moments": moments, "influences": [*document["influences"], CHAIN],
            "initiatives": WORK + candidates}


def load_last_cycle(app: Flask, document: dict[str, Any]) -> int:
    """Add the last cycle, decided, with its decision published and explained and its
    delivery set, unless a plan of its name is there; its id."""
    from planner.runs.explanations import explain_run
    from planner.runs.views import new_run

    engine = app.extensions["planner_engine"]
    with open_session(engine, write=True) as session:
        existing = session.exec(select(Plan.id).where(Plan.name == LAST_CYCLE)).first()
        if existing is not None:
            return existing
        plan = import_plan(session, last_cycle_document(document), state=DECIDED)
        solved = plan_document(session, plan.id) or {}
        result = optimizer.solve(optimizer.plan_from_dict(solved))
        run = add_run(session=session, run=new_run(plan.id, solved, result))
        run.created_at = DECIDED_AT
        session.flush()
        session.add(Publication(plan_id=plan.id, run_id=run.id, published_by=DECIDED_BY,
                                created_at=DECIDED_AT))
        planned = {entry["id"]: entry["cost"] for entry in solved.get("initiatives", [])}
        for key, status in DELIVERY.items():
            cost = planned.get(key, 0)
            total = sum(cost.values()) if isinstance(cost, dict) else cost
            actual = round(total * ACTUAL[key], 2) if key in ACTUAL else None
            session.execute(update(Initiative).where(Initiative.plan_id == plan.id,
                                                     Initiative.key == key)
                            .values(delivery=status, actual_cost=actual))
        session.commit()
        explain_run(session=session, run=run)
        return plan.id
