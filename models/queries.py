"""Read queries the pages need, each in a fixed number of statements (no N+1), and the
few writes that belong with them (a run's number, a team found or added by name)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from models.accounts import Membership, Team, User
from models.initiative import Initiative, InitiativeEffect
from models.journey import Influence, Moment
from models.plan import Plan, Stage
from models.run import Publication, Run


def plans_with_counts(*, session: Session, user_id: int | None = None
                      ) -> list[tuple[Plan, int, int, int]]:
    """Every plan (only those this account has a role in, when given) with its number of
    moments, initiatives and runs."""
    def counts(model: Any) -> dict[int, int]:
        rows = session.exec(select(model.plan_id, func.count()).group_by(model.plan_id))
        return dict(rows.all())

    moments, initiatives, runs = counts(Moment), counts(Initiative), counts(Run)
    statement = select(Plan).order_by(Plan.created_at.desc(), Plan.id.desc())
    if user_id is not None:
        statement = statement.join(Membership, Membership.plan_id == Plan.id).where(
            Membership.user_id == user_id)
    plans = session.exec(statement).all()
    return [(p, moments.get(p.id, 0), initiatives.get(p.id, 0), runs.get(p.id, 0))
            for p in plans]


def add_run(*, session: Session, run: Run) -> Run:
    """Add a run to its plan's runs with the next number (#1, #2, ...). Two runs saved at
    once (two job workers) take their numbers in turn: the plan's row is locked for it
    (PostgreSQL; SQLite's write lock already makes them wait), and the unique (plan,
    number) would refuse a second save rather than misnumber it."""
    session.exec(select(Plan.id).where(Plan.id == run.plan_id).with_for_update()).first()
    last = session.exec(select(func.max(Run.number)).where(Run.plan_id == run.plan_id)).one()
    run.number = (last or 0) + 1
    session.add(run)
    return run


def published_run(*, session: Session, plan_id: int) -> tuple[Run, Publication] | None:
    """The plan's decision: the run published last, with its publication; None if none."""
    statement = (select(Run, Publication).join(Publication, Publication.run_id == Run.id)
                 .where(Publication.plan_id == plan_id)
                 .order_by(Publication.id.desc()).limit(1))
    found = session.exec(statement).first()
    return None if found is None else (found[0], found[1])


def deciding_run(*, session: Session, plan_id: int, team_member: bool
                 ) -> tuple[Run | None, bool]:
    """The run whose statuses and focus the plan's pages show, and whether it is the
    published decision: the published one, for every role; where none is, the CX lead's
    latest draft (never a what-if: a scenario's, a frontier point's or finance's runs),
    except for a team member, who sees decisions only once published."""
    decided = published_run(session=session, plan_id=plan_id)
    if decided is not None:
        return decided[0], True
    return (None if team_member else latest_draft(session=session, plan_id=plan_id)), False


def latest_draft(*, session: Session, plan_id: int) -> Run | None:
    """The newest run made as a draft of the decision (Run.kind), or None."""
    statement = (select(Run).where(Run.plan_id == plan_id, Run.kind == "draft")
                 .order_by(Run.id.desc()).limit(1))
    return session.exec(statement).first()


def publications_of(*, session: Session, plan_id: int) -> list[tuple[Publication, Run]]:
    """Every decision the plan published, newest first (the record of them)."""
    statement = (select(Publication, Run).join(Run, Publication.run_id == Run.id)
                 .where(Publication.plan_id == plan_id).order_by(Publication.id.desc()))
    return [(publication, run) for publication, run in session.exec(statement).all()]


def latest_run(*, session: Session, plan_id: int) -> Run | None:
    """The newest run of any kind, a what-if included: never the plan's state or decision
    (deciding_run, latest_draft say those)."""
    statement = select(Run).where(Run.plan_id == plan_id).order_by(Run.id.desc()).limit(1)
    return session.exec(statement).first()


def runs_of(*, session: Session, plan_id: int) -> list[Any]:
    """The plan's runs, newest first, as the list of them shows them (what each is for and
    how many it funds included), without the plan document and result each keeps: on a
    large plan, reading those back would be most of the portfolio page's time, more with
    every run."""
    if session.get_bind().dialect.name == "postgresql":
        funded = func.json_array_length(Run.result["funded"])
    else:
        funded = func.json_array_length(Run.result, "$.funded")
    statement = (select(Run.id, Run.number, Run.created_at, Run.kind, Run.label, Run.status,
                        Run.budget, Run.max_focus, Run.impact, Run.cost,
                        funded.label("funded"))
                 .where(Run.plan_id == plan_id).order_by(Run.id.desc()))
    return list(session.exec(statement).all())


def stages_of(*, session: Session, plan_id: int) -> list[Stage]:
    statement = select(Stage).where(Stage.plan_id == plan_id).order_by(Stage.position, Stage.id)
    return list(session.exec(statement).all())


def moments_of(*, session: Session, plan_id: int) -> list[Moment]:
    return list(session.exec(select(Moment).where(Moment.plan_id == plan_id)
                             .order_by(Moment.id)).all())


def influences_of(*, session: Session, plan_id: int) -> list[Influence]:
    return list(session.exec(select(Influence).where(Influence.plan_id == plan_id)
                             .order_by(Influence.id)).all())


def movers(*, session: Session, plan_id: int) -> dict[int, list[tuple[int, str, str, float]]]:
    """For each moment id, the initiatives that move it: (id, key, name, uplift)."""
    statement = (select(InitiativeEffect.moment_id, Initiative.id, Initiative.key,
                        Initiative.name, InitiativeEffect.uplift)
                 .join(Initiative, Initiative.id == InitiativeEffect.initiative_id)
                 .where(Initiative.plan_id == plan_id)
                 .order_by(InitiativeEffect.uplift.desc(), Initiative.id))
    by_moment: dict[int, list[tuple[int, str, str, float]]] = {}
    for moment_id, *initiative in session.exec(statement).all():
        by_moment.setdefault(moment_id, []).append(tuple(initiative))
    return by_moment


def initiatives_of(*, session: Session, plan_id: int, team: str | None = None,
                   moment_id: int | None = None) -> list[Initiative]:
    """The plan's initiatives with their costs and effects loaded, optionally filtered."""
    statement = _initiatives(plan_id, team, moment_id, None)
    return list(session.exec(statement.options(
        selectinload(Initiative.costs), selectinload(Initiative.effects))
        .order_by(Initiative.id)).all())


def initiative_page(*, session: Session, plan_id: int, team: str | None = None,
                    moment_id: int | None = None, search: str | None = None, page: int = 1,
                    per_page: int = 100) -> tuple[list[Initiative], int]:
    """One page of the plan's initiatives (costs and effects loaded), filtered, and how
    many initiatives the filters keep in all. `search` is found in the name or the id, in
    any case."""
    statement = _initiatives(plan_id, team, moment_id, search)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.options(
        selectinload(Initiative.costs), selectinload(Initiative.effects))
        .order_by(Initiative.id).offset((page - 1) * per_page).limit(per_page)).all()
    return list(rows), total


def _initiatives(plan_id: int, team: str | None, moment_id: int | None, search: str | None):
    statement = select(Initiative).where(Initiative.plan_id == plan_id)
    if team == "":
        statement = statement.where(Initiative.team_id.is_(None))
    elif team is not None:
        statement = statement.where(Initiative.team_id.in_(
            select(Team.id).where(Team.plan_id == plan_id, Team.name == team)))
    if moment_id is not None:
        statement = statement.where(Initiative.id.in_(
            select(InitiativeEffect.initiative_id).where(InitiativeEffect.moment_id == moment_id)))
    if search:
        # The words as typed, not a pattern: % and _ match themselves.
        pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        statement = statement.where(func.lower(Initiative.name).like(pattern, escape="\\")
                                    | func.lower(Initiative.key).like(pattern, escape="\\"))
    return statement


def teams_of(*, session: Session, plan_id: int) -> list[tuple[str, int]]:
    """Each team of the plan that has initiatives, with their number ("" for those of no
    team), by name."""
    name = func.coalesce(Team.name, "")
    statement = (select(name, func.count()).select_from(Initiative)
                 .outerjoin(Team, Initiative.team_id == Team.id)
                 .where(Initiative.plan_id == plan_id).group_by(name).order_by(name))
    return [(team, count) for team, count in session.exec(statement).all()]


def team_names(*, session: Session, plan_id: int) -> list[str]:
    """The names of the plan's teams, in order."""
    return list(session.exec(select(Team.name).where(Team.plan_id == plan_id)
                             .order_by(Team.name)).all())


def owner_names(session: Session, plan_id: int) -> list[str]:
    """The names a moment's owner is likely to be: the plan's teams, the people with a
    role in it and the owners its moments already have, in order."""
    people = session.exec(select(User.name).join(Membership, Membership.user_id == User.id)
                          .where(Membership.plan_id == plan_id)).all()
    owners = session.exec(select(Moment.owner).where(Moment.plan_id == plan_id)).all()
    return sorted({name for name in [*team_names(session=session, plan_id=plan_id), *people,
                                     *owners] if name})


def team_ids(session: Session, plan_id: int, names: Any) -> dict[str, int | None]:
    """The id of each team of the plan named (added when the plan has no team of that
    name; "" is no team: None), in two statements however many names."""
    wanted = {name for name in names if name}
    found = dict(session.exec(select(Team.name, Team.id).where(
        Team.plan_id == plan_id, Team.name.in_(wanted))).all()) if wanted else {}
    missing = sorted(wanted - set(found))
    if missing:
        table = Team.__table__
        found.update((name, team_id) for team_id, name in session.execute(
            insert(table).returning(table.c.id, table.c.name, sort_by_parameter_order=True),
            [{"plan_id": plan_id, "name": name} for name in missing]))
    return {"": None, **found}


def users_of_moment(*, session: Session, moment_id: int) -> list[tuple[Initiative, int]]:
    """Initiatives that move a moment, each with how many moments it moves in all."""
    moved = select(InitiativeEffect.initiative_id).where(InitiativeEffect.moment_id == moment_id)
    statement = (select(Initiative, func.count(InitiativeEffect.id))
                 .join(InitiativeEffect, InitiativeEffect.initiative_id == Initiative.id)
                 .where(Initiative.id.in_(moved)).group_by(Initiative.id)
                 .order_by(Initiative.id))
    return [(initiative, count) for initiative, count in session.exec(statement).all()]
