"""Plan file <-> database: import a plan document as rows, export rows as a plan document.

The plan document is the one of docs/plan-format.md; an import validates it whole with the
engine's rules first, so that a bad file writes nothing.
"""

from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

import optimizer
from models.accounts import Team
from models.base import utcnow
from models.initiative import (
    Initiative,
    InitiativeCost,
    InitiativeEffect,
    InitiativeLink,
    InitiativeUse,
)
from models.journey import Influence, Measurement, Moment, measurement_values, with_measurements
from models.plan import DRAFT, Period, Plan, Resource, Stage
from models.queries import team_ids
from optimizer.planfile.estimates import pair_list, uncertainty_dict

NO_PERIOD = ""


def load_plan_rows(session: Session, plan_id: int) -> Plan | None:
    """The plan with every row it owns, in a fixed number of queries (no N+1)."""
    statement = select(Plan).where(Plan.id == plan_id).options(
        selectinload(Plan.stages), selectinload(Plan.periods), selectinload(Plan.resources),
        selectinload(Plan.moments), selectinload(Plan.influences),
        selectinload(Plan.initiatives).selectinload(Initiative.costs),
        selectinload(Plan.initiatives).selectinload(Initiative.effects),
        selectinload(Plan.initiatives).selectinload(Initiative.uses),
        selectinload(Plan.initiatives).selectinload(Initiative.links))
    return session.exec(statement).first()


def import_plan(session: Session, document: Any, *, name: str | None = None,
                state: str = DRAFT) -> Plan:
    """Validate a plan document and add it as a new plan, its cycle in `state` (a draft
    unless said); PlanError when it breaks a rule.

    The rows are added and flushed, not committed: the caller owns the transaction.
    """
    plan = optimizer.plan_from_dict(document)
    plan_name = name or plan.name
    if session.exec(select(Plan.id).where(Plan.name == plan_name)).first() is not None:
        raise optimizer.PlanError([f'plan: a plan named "{plan_name}" already exists'])
    finance = plan.finance
    row = Plan(name=plan_name, currency=plan.currency, budget=plan.budget,
               max_focus=plan.max_focus, state=state,
               horizon_years=finance.horizon_years if finance else None,
               discount_rate=finance.discount_rate if finance else None,
               uncertainty=uncertainty_dict(plan.uncertainty))
    session.add(row)
    session.flush()
    stages = _add_all(session, {s.id: Stage(plan_id=row.id, position=n, key=s.id, name=s.name)
                                for n, s in enumerate(plan.stages)})
    periods = _add_all(session, {p.id: Period(plan_id=row.id, position=n, key=p.id,
                                              budget=p.budget)
                                 for n, p in enumerate(plan.periods)})
    resources = _add_all(session, {r.id: Resource(plan_id=row.id, position=n, key=r.id,
                                                  name=r.name, capacity=r.capacity, unit=r.unit)
                                   for n, r in enumerate(plan.resources)})
    moments = _add_all(session, {m.id: Moment(
        plan_id=row.id, key=m.id, name=m.name, side=m.side, weight=m.weight,
        headroom=m.headroom, category=m.category, score=m.score, owner=m.owner,
        **range_columns("weight_", m.weight_range),
        stage_id=stages[m.stage].id if m.stage else None) for m in plan.moments})
    session.add_all(Influence(plan_id=row.id, source_id=moments[f.source].id,
                              target_id=moments[f.target].id, factor=f.factor)
                    for f in plan.influences)
    moment_ids = {key: moment.id for key, moment in moments.items()}
    initiative_ids = insert_initiatives(session, row.id, [
        initiative_values(i) for i in plan.initiatives])
    add_initiative_rows(session, list(plan.initiatives), initiative_ids,
                        {key: p.id for key, p in periods.items()},
                        {key: r.id for key, r in resources.items()}, moment_ids)
    if plan.measurements:
        session.execute(insert(Measurement.__table__), measurement_values(
            row.id, plan.measurements, moment_ids))
    return row


def _add_all(session: Session, rows: dict[str, Any]) -> dict[str, Any]:
    session.add_all(rows.values())
    session.flush()
    return rows


INITIATIVE_FIELDS = ("name", "team", "decision", "reason", "confidence", "benefit", "note")


def initiative_values(initiative: optimizer.Initiative) -> dict[str, Any]:
    """The initiative row's own columns (not its costs, effects, uses and links)."""
    return {"key": initiative.id, **{name: getattr(initiative, name)
                                     for name in INITIATIVE_FIELDS},
            **range_columns("cost_", initiative.cost_range)}


def range_columns(prefix: str, pair: tuple[float, float] | None) -> dict[str, float | None]:
    """A range as its two columns (`cost_low`, `cost_high` for "cost_"; None for none)."""
    return {f"{prefix}low": None if pair is None else pair[0],
            f"{prefix}high": None if pair is None else pair[1]}


def insert_initiatives(session: Session, plan_id: int, values: list[dict[str, Any]]
                       ) -> dict[str, int]:
    """Insert initiative rows as one multi-row INSERT and return their ids by key.

    Core, not ORM objects: an object made and flushed per row costs seconds on a large
    import, all of it inside the write lock (docs/benchmarks.md, "History of the
    speed-ups"). RETURNING brings the ids back in the order sent.
    """
    if not values:
        return {}
    table, now = Initiative.__table__, utcnow()
    statement = insert(table).returning(table.c.id, table.c.key,
                                        sort_by_parameter_order=True)
    rows = session.execute(statement, [{**entry, "plan_id": plan_id, "version": 1,
                                        "created_at": now}
                                       for entry in with_team_ids(session, plan_id, values)])
    return {key: row_id for row_id, key in rows}


def with_team_ids(session: Session, plan_id: int, values: list[dict[str, Any]]
                  ) -> list[dict[str, Any]]:
    """Initiative columns as initiative_values gives them, the team's name made the id of
    the plan's team of that name (added where the plan has none)."""
    teams = team_ids(session, plan_id, {entry["team"] for entry in values})
    return [{**{name: value for name, value in entry.items() if name != "team"},
             "team_id": teams[entry["team"]]} for entry in values]


def add_initiative_rows(session: Session, work: list[optimizer.Initiative],
                        initiatives: dict[str, int], periods: dict[str, int],
                        resources: dict[str, int], moments: dict[str, int]) -> None:
    """The costs, effects, uses and links of these initiatives (whose rows exist), written
    as one multi-row INSERT per table, since an object per row costs seconds on a large
    plan's tens of thousands of small rows. Each mapping gives a row's database id by its
    plan-format id."""
    costs, effects, uses, links = [], [], [], []
    for initiative in work:
        own_id = initiatives[initiative.id]
        ranges = dict(initiative.effects_range)
        costs += [{"initiative_id": own_id, "amount": amount,
                   "period_id": periods[key] if key != NO_PERIOD else None}
                  for key, amount in initiative.cost]
        effects += [{"initiative_id": own_id, "moment_id": moments[key], "uplift": uplift,
                     **range_columns("", ranges.get(key))} for key, uplift in initiative.effects]
        uses += [{"initiative_id": own_id, "resource_id": resources[key], "amount": amount}
                 for key, amount in initiative.uses]
        links += [{"initiative_id": own_id, "other_id": initiatives[other], "kind": kind}
                  for kind in ("requires", "excludes") for other in getattr(initiative, kind)]
    for model, values in ((InitiativeCost, costs), (InitiativeEffect, effects),
                          (InitiativeUse, uses), (InitiativeLink, links)):
        if values:
            session.execute(insert(model.__table__), values)  # Core: no ORM bookkeeping


def export_plan(plan: Plan) -> dict[str, Any]:
    """The plan document (docs/plan-format.md) of a plan row loaded with load_plan_rows."""
    document: dict[str, Any] = {"plan": plan.name, "currency": plan.currency}
    if plan.budget is not None:
        document["budget"] = plan.budget
    document["max_focus"] = plan.max_focus
    if plan.has_finance:
        document["finance"] = {"horizon_years": plan.horizon_years,
                               "discount_rate": plan.discount_rate}
    if plan.uncertainty is not None:
        document["uncertainty"] = {kind: list(pair) for kind, pair in plan.uncertainty.items()}
    if plan.periods:
        document["periods"] = [_some({"id": p.key, "budget": p.budget}) for p in plan.periods]
    if plan.resources:
        document["resources"] = [_some({"id": r.key, "name": r.name or None,
                                        "capacity": r.capacity, "unit": r.unit or None})
                                 for r in plan.resources]
    stage_keys = {s.id: s.key for s in plan.stages}
    if plan.stages:
        document["stages"] = [{"id": s.key, "name": s.name} for s in plan.stages]
    moment_keys = {m.id: m.key for m in plan.moments}
    document["moments"] = [_some({
        "id": m.key, "name": m.name, "stage": stage_keys.get(m.stage_id), "side": m.side,
        "weight": m.weight, "headroom": m.headroom, "category": m.category, "score": m.score,
        "owner": m.owner or None, "weight_range": _pair(m.weight_low, m.weight_high)})
        for m in plan.moments]
    if plan.influences:
        document["influences"] = [{"from": moment_keys[f.source_id], "to": moment_keys[f.target_id],
                                   "factor": f.factor} for f in plan.influences]
    keys = Keys(plan)
    document["initiatives"] = [initiative_document(i, keys) for i in plan.initiatives]
    return document


class Keys:
    """Plan-format ids of a plan's rows, by database id."""

    def __init__(self, plan: Plan) -> None:
        self.periods = {p.id: p.key for p in plan.periods}
        self.first_period = plan.periods[0].key if plan.periods else None
        self.resources = {r.id: r.key for r in plan.resources}
        self.moments = {m.id: m.key for m in plan.moments}
        self.initiatives = {i.id: i.key for i in plan.initiatives}


def initiative_document(initiative: Initiative, keys: Keys) -> dict[str, Any]:
    """One entry of the plan document's initiatives list."""
    cost: Any
    if keys.first_period is None:
        cost = sum(c.amount for c in initiative.costs)
    else:
        cost = {}
        for c in initiative.costs:
            # A cost entered before the plan had periods falls in the first one.
            period = keys.periods.get(c.period_id, keys.first_period)
            cost[period] = cost.get(period, 0.0) + c.amount
    links = {kind: [keys.initiatives[link.other_id] for link in initiative.links
                    if link.kind == kind] for kind in ("requires", "excludes")}
    return _some({
        "id": initiative.key, "name": initiative.name, "team": initiative.team or None,
        "cost": cost,
        "uses": {keys.resources[u.resource_id]: u.amount for u in initiative.uses} or None,
        "effects": {keys.moments[e.moment_id]: e.uplift for e in initiative.effects},
        "confidence": initiative.confidence, "decision": initiative.decision,
        "requires": links["requires"] or None, "excludes": links["excludes"] or None,
        "benefit": initiative.benefit, "note": initiative.note or None,
        "reason": initiative.reason or None,
        "cost_range": _pair(initiative.cost_low, initiative.cost_high),
        "effects_range": {keys.moments[e.moment_id]: [e.low, e.high]
                          for e in initiative.effects
                          if e.low is not None and e.high is not None} or None})


def _pair(low: float | None, high: float | None) -> list[float] | None:
    """Two range columns as the plan document's [low, high]; None when the row has none."""
    return pair_list(None if low is None or high is None else (low, high))


def _some(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if value is not None}


def plan_document(session: Session, plan_id: int) -> dict[str, Any] | None:
    """The plan document of the plan with this id, or None when there is none."""
    rows = plan_rows(session, plan_id)
    return None if rows is None else export_plan(rows)


def plan_file_document(session: Session, plan_id: int) -> dict[str, Any] | None:
    """What the plan's plan file holds: its document with its measured scores; None when
    there is no such plan."""
    document = plan_document(session, plan_id)
    return None if document is None else with_measurements(session, plan_id, document)


def plan_rows(session: Session, plan_id: int) -> Any:
    """The plan's rows as plain records with their database ids, shaped as the loaded
    objects export_plan reads; None when there is no such plan.

    Read as plain rows, one query per table: on a large plan, making an object of every
    row would be most of the time (docs/benchmarks.md, "History of the speed-ups").
    """
    plan = session.exec(select(Plan).where(Plan.id == plan_id)).first()
    if plan is None:
        return None

    def rows(*columns: Any, order: Any, join: Any = None) -> list[Any]:
        statement = select(*columns)
        if join is not None:
            statement = statement.join(Initiative, join == Initiative.id)
            statement = statement.where(Initiative.plan_id == plan_id)
        else:
            statement = statement.where(columns[0].class_.plan_id == plan_id)
        # plain Core rows: the ORM's handling of each row of plain columns costs as much again
        return list(connection.execute(statement.order_by(order)).all())

    connection = session.connection()
    teams = dict(session.exec(select(Team.id, Team.name).where(Team.plan_id == plan_id)).all())
    fields = ("id", "key", "name", "team_id", "decision", "reason", "confidence", "benefit",
              "note", "cost_low", "cost_high")
    # by position: a row's mapping of names would be made afresh for each row, a cost that
    # shows on a large plan
    work = {row[0]: SimpleNamespace(**dict(zip(fields, row, strict=True)),
                                    team=teams.get(row[3], ""),
                                    costs=[], effects=[], uses=[], links=[])
            for row in rows(*_columns(Initiative, *fields), order=Initiative.id)}
    for name, model, fields in (
            ("costs", InitiativeCost, ("period_id", "amount")),
            ("effects", InitiativeEffect, ("moment_id", "uplift", "low", "high")),
            ("uses", InitiativeUse, ("resource_id", "amount")),
            ("links", InitiativeLink, ("other_id", "kind"))):
        for row in rows(*_columns(model, "initiative_id", *fields), order=model.id,
                        join=model.initiative_id):
            getattr(work[row.initiative_id], name).append(row)
    return SimpleNamespace(
        id=plan.id, name=plan.name, currency=plan.currency, budget=plan.budget,
        max_focus=plan.max_focus,
        has_finance=plan.has_finance, horizon_years=plan.horizon_years,
        discount_rate=plan.discount_rate, uncertainty=plan.uncertainty,
        stages=rows(*_columns(Stage, "id", "key", "name"), order=Stage.position),
        periods=rows(*_columns(Period, "id", "key", "budget"), order=Period.position),
        resources=rows(*_columns(Resource, "id", "key", "name", "capacity", "unit"),
                       order=Resource.position),
        moments=rows(*_columns(Moment, "id", "key", "name", "stage_id", "side", "weight",
                               "headroom", "category", "score", "owner", "weight_low",
                               "weight_high"), order=Moment.id),
        influences=rows(*_columns(Influence, "source_id", "target_id", "factor"),
                        order=Influence.id),
        initiatives=list(work.values()))


def _columns(model: Any, *names: str) -> list[Any]:
    return [getattr(model, name) for name in names]
