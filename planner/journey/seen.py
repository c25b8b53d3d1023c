"""Which initiatives a reader sees moving each moment, by the product's rule for teams: a
team member sees its own team's work in full, and other teams' only as the published
decision shows it (their funded initiatives, by name and the uplift the decision counted);
before a decision, only its own team's. Everyone else sees every initiative."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from models import Initiative, InitiativeEffect, Moment, Run, Team


@dataclass(frozen=True)
class Mover:
    """An initiative that moves a moment, as the reader may see it."""

    name: str
    uplift: float  # points on the moment, as tagged (before confidence and chains)
    initiative_id: int | None  # its row, to link to; None: known from the decision alone


def movers_seen(session: Session, plan_id: int, moments: list[Moment], team: str | None,
                decision: Run | None) -> dict[int, list[Mover]]:
    """For each moment id, the initiatives that move it, the largest uplift first. `team`:
    the team member's team (None: the reader sees every team's); `decision`: the plan's
    published decision, if any (a draft is never shown to a team member)."""
    statement = (select(InitiativeEffect.moment_id, Initiative.id, Initiative.name,
                        InitiativeEffect.uplift)
                 .join(Initiative, Initiative.id == InitiativeEffect.initiative_id)
                 .where(Initiative.plan_id == plan_id))
    if team is not None:
        statement = statement.join(Team, Team.id == Initiative.team_id).where(
            Team.name == team)
    found: dict[int, list[Mover]] = {}
    for moment_id, initiative_id, name, uplift in session.exec(statement).all():
        found.setdefault(moment_id, []).append(Mover(name, uplift, initiative_id))
    if team is not None and decision is not None:
        for moment_id, mover in _others_funded(moments, team, decision):
            found.setdefault(moment_id, []).append(mover)
    for listed in found.values():
        listed.sort(key=lambda mover: (-mover.uplift, mover.name.casefold()))
    return found


def _others_funded(moments: list[Moment], team: str, decision: Run
                   ) -> list[tuple[int, Mover]]:
    """Other teams' initiatives the decision funds, with the moments it counted them on."""
    ids = {moment.key: moment.id for moment in moments}
    funded = set(decision.result.get("funded", []))
    return [(ids[key], Mover(initiative["name"], uplift, None))
            for initiative in decision.inputs.get("initiatives", [])
            if initiative["id"] in funded and initiative.get("team", "") != team
            for key, uplift in initiative.get("effects", {}).items() if key in ids]
