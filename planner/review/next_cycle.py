"""The next cycle, started from a decided one: its journey (stages, moments with their
owners, the chains of influence), each moment's latest measured score as its new baseline
score with what is left of its headroom, its periods, resources and people, every measured
score so far so that the trend goes on, and the initiatives the decision did not fund as
candidates again. The decided plan is kept as it was.

A headroom is how many points a moment's score can still rise on its scale (docs/model.md,
docs/plan-format.md: a score of 70 out of 100 has 30), so it is counted from the baseline
score it was given with: the ceiling the plan holds, its baseline score plus its headroom,
stays, and the next cycle's headroom is that ceiling less its new baseline score. A moment
with no baseline score is counted from its last score measured on or before the day of the
decision; one with neither keeps its headroom, which then has nothing to be counted from."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from models import Membership, Plan
from models.planfile import import_plan, plan_file_document
from models.queries import published_run, team_ids
from optimizer.planfile.ranges import HEADROOM
from planner.history.capture import line

DECIDED_AFRESH = ("decision", "reason")  # an earlier cycle's forcing is not carried over
# The headroom a moment keeps when measured at or past its ceiling: the plan format takes
# none of 0, and this little leaves it nothing worth a focus; the CX lead is told which.
AT_CEILING = 0.01


def rescored(moment: dict[str, Any], readings: list[tuple[str, float]], day: date) -> bool:
    """Give a moment of a plan document its latest measured score (readings: (ISO date,
    score), oldest first) as its baseline score, and the headroom left below its ceiling;
    whether it is measured at or past that ceiling. Nothing changes without a reading."""
    if not readings:
        return False
    latest = readings[-1][1]
    then = moment.get("score")
    if then is None:
        before = [score for day_taken, score in readings if date.fromisoformat(day_taken) <= day]
        then = before[-1] if before else None
    moment["score"] = latest
    headroom = moment.get("headroom")
    if headroom is None or then is None:
        return False
    left = then + headroom - latest
    moment["headroom"] = min(HEADROOM.high, max(AT_CEILING, left))
    return left <= AT_CEILING


def next_document(session: Session, plan: Plan) -> tuple[dict[str, Any], list[str]]:
    """The plan document of the next cycle (the plan must have a published decision), and
    the names of the moments measured at or past their ceiling."""
    decided = published_run(session=session, plan_id=plan.id)
    assert decided is not None, "a next cycle starts from a decided one"
    funded = set(decided[0].result["funded"])
    day = decided[1].created_at.date()
    document = plan_file_document(session, plan.id) or {}
    readings: dict[str, list[tuple[str, float]]] = {}
    for measured in sorted(document.get("measurements", []), key=lambda m: m["date"]):
        readings.setdefault(measured["moment"], []).append((measured["date"], measured["score"]))
    at_ceiling = [moment["name"] for moment in document["moments"]
                  if rescored(moment, readings.get(moment["id"], []), day)]
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
    return document, at_ceiling


def start_next_cycle(session: Session, plan: Plan, name: str) -> tuple[Plan, list[str]]:
    """Add the next cycle as a new plan, a draft, with the same people in the same roles
    (flushed, not committed), and the names of its moments measured at or past their
    ceiling; PlanError when a plan of the name exists."""
    document, at_ceiling = next_document(session, plan)
    added = import_plan(session, document, name=name)
    for member in session.exec(select(Membership).where(Membership.plan_id == plan.id)).all():
        team = member.team
        session.add(Membership(user_id=member.user_id, plan_id=added.id, role=member.role,
                               team_id=team_ids(session, added.id, [team])[team]))
    # in the decided plan's record too: where its next cycle went on
    session.add(line(plan.id, "started", "plan", added.name, "next cycle", "", added.name))
    session.flush()
    return added, at_ceiling
