"""The next cycle, started from a decided one: its journey (stages, moments with their
owners and latest measured scores, the chains of influence), its periods, resources and
people, every measured score so far so that the trend goes on, and the initiatives the
decision did not fund as candidates again. The decided plan is kept as it was."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from models import Membership, Plan
from models.planfile import import_plan, plan_file_document
from models.queries import published_run, team_ids
from planner.history.capture import line

DECIDED_AFRESH = ("decision", "reason")  # an earlier cycle's forcing is not carried over


def next_document(session: Session, plan: Plan) -> dict[str, Any]:
    """The plan document of the next cycle (the plan must have a published decision)."""
    decided = published_run(session=session, plan_id=plan.id)
    assert decided is not None, "a next cycle starts from a decided one"
    funded = set(decided[0].result["funded"])
    document = plan_file_document(session, plan.id) or {}
    latest: dict[str, float] = {}
    for measured in sorted(document.get("measurements", []), key=lambda m: m["date"]):
        latest[measured["moment"]] = measured["score"]
    for moment in document["moments"]:
        if moment["id"] in latest:
            moment["score"] = latest[moment["id"]]
    candidates = [i for i in document["initiatives"] if i["id"] not in funded]
    kept = {i["id"] for i in candidates}
    for initiative in candidates:
        for name in DECIDED_AFRESH:
            initiative.pop(name, None)
        for link in ("requires", "excludes"):  # the work done or gone is no longer there
            if link in initiative:
                initiative[link] = [key for key in initiative[link] if key in kept]
                if not initiative[link]:
                    del initiative[link]
    document["initiatives"] = candidates
    return document


def start_next_cycle(session: Session, plan: Plan, name: str) -> Plan:
    """Add the next cycle as a new plan, a draft, with the same people in the same roles
    (flushed, not committed); PlanError when a plan of the name exists."""
    added = import_plan(session, next_document(session, plan), name=name)
    for member in session.exec(select(Membership).where(Membership.plan_id == plan.id)).all():
        team = member.team
        session.add(Membership(user_id=member.user_id, plan_id=added.id, role=member.role,
                               team_id=team_ids(session, added.id, [team])[team]))
    # in the decided plan's record too: where its next cycle went on
    session.add(line(plan.id, "started", "plan", added.name, "next cycle", "", added.name))
    session.flush()
    return added
