"""The journey: moments of truth (front and back stage), the influences between them, and
the scores measured on them, with the queries that move those scores in and out of plan
files (models.planfile reads and writes the rest of the plan)."""

from datetime import date
from typing import Any

from sqlalchemy import UniqueConstraint, delete, insert
from sqlmodel import Field, Session, SQLModel, select

import optimizer


class MomentBase(SQLModel):
    key: str
    name: str
    side: str = "front"
    weight: float = 1.0
    headroom: float | None = None
    category: str | None = None
    score: float | None = None
    owner: str = ""  # the team or person accountable for the moment (display only)
    # The weight's own range (low <= weight <= high), both None for none.
    weight_low: float | None = None
    weight_high: float | None = None


class Moment(MomentBase, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    stage_id: int | None = Field(default=None, foreign_key="stage.id", ondelete="SET NULL",
                                 index=True)
    # Optimistic locking: a save names the version it was edited from.
    version: int = 1


class Influence(SQLModel, table=True):
    """Improving the back-stage step `source` improves moment `target` by `factor` times."""

    __table_args__ = (UniqueConstraint("source_id", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    source_id: int = Field(foreign_key="moment.id", ondelete="CASCADE", index=True)
    target_id: int = Field(foreign_key="moment.id", ondelete="CASCADE", index=True)
    factor: float
    version: int = 1  # optimistic locking, as on moments


class Measurement(SQLModel, table=True):
    """A moment's score as measured on a day (display and review only): how a leader sees
    whether the focus moments moved."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", ondelete="CASCADE", index=True)
    moment_id: int = Field(foreign_key="moment.id", ondelete="CASCADE", index=True)
    taken_on: date
    score: float
    n: int | None = None  # the sample size
    source: str = ""


def measurement_values(plan_id: int, measurements: Any, moment_ids: dict[str, int]
                       ) -> list[dict[str, Any]]:
    """Measurement rows of a plan from the plan file's measurements."""
    return [{"plan_id": plan_id, "moment_id": moment_ids[m.moment],
             "taken_on": date.fromisoformat(m.date), "score": m.score, "n": m.n,
             "source": m.source} for m in measurements]


def replace_measurements(session: Session, plan_id: int, entries: list[dict[str, Any]]
                         ) -> None:
    """The plan's measurements become these plan-file entries (checked: their moments are
    the plan's), in one statement each way."""
    moment_ids = dict(session.exec(select(Moment.key, Moment.id)
                                   .where(Moment.plan_id == plan_id)).all())
    session.execute(delete(Measurement.__table__).where(
        Measurement.__table__.c.plan_id == plan_id))
    measurements = [optimizer.Measurement(e["moment"], e["date"], e["score"], e.get("n"),
                                          e.get("source", "")) for e in entries]
    if measurements:
        session.execute(insert(Measurement.__table__),
                        measurement_values(plan_id, measurements, moment_ids))


def with_measurements(session: Session, plan_id: int, document: dict[str, Any]
                      ) -> dict[str, Any]:
    """The plan document with the plan's measured scores, in the order they were recorded
    (a plan file's own order): what a plan file holds. A run solves the plan without them:
    the optimiser ignores them."""
    rows = session.exec(select(Measurement.taken_on, Measurement.score, Measurement.n,
                               Measurement.source, Moment.key)
                        .join(Moment, Moment.id == Measurement.moment_id)
                        .where(Measurement.plan_id == plan_id)
                        .order_by(Measurement.id)).all()
    if rows:
        document = {**document, "measurements": [_entry(key, taken_on, score, n, source)
                                                 for taken_on, score, n, source, key in rows]}
    return document


def _entry(moment: str, taken_on: date, score: float, n: int | None, source: str
           ) -> dict[str, Any]:
    """A plan file's measurement, without the fields it leaves out."""
    entry: dict[str, Any] = {"moment": moment, "date": taken_on.isoformat(), "score": score}
    if n is not None:
        entry["n"] = n
    if source:
        entry["source"] = source
    return entry
