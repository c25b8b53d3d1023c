"""What the initiative form offers its reader: a team member proposes for its own team,
leaves forced decisions to the CX lead, and links only to what it may read (its own team's
initiatives and those the published decision funds). What it may not set is not shown;
a request that sends it anyway is refused with the field named, never dropped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import request
from sqlmodel import Session, select

from models import Initiative, Team
from models.queries import deciding_run
from planner.initiatives.forms import InitiativeForm

# The fields only the CX lead sets, and what a team member is told when it sends one.
LEAD_ONLY = {
    "decision": "Decision: only the CX lead forces an initiative in or out (with its "
                "reason); a team member's proposal is left to the optimiser.",
    "reason": "Reason for the decision: only the CX lead gives it, with a forced decision.",
}


@dataclass
class Scope:
    """The reader's limits on the form: `team` is the team member's own team (None: the
    lead or an admin, who set everything); `visible` the ids of the initiatives it may
    read (None: all)."""

    team: str | None
    visible: set[int] | None = None
    hidden_links: dict[str, list[int]] = field(default_factory=dict)


def visible_ids(session: Session, plan_id: int, team: str | None) -> set[int] | None:
    """The initiatives a reader may see named: a team member its own team's and those
    the published decision funds; everyone else, all (None)."""
    if team is None:
        return None
    rows = session.exec(select(Initiative.id, Initiative.key, Team.name)
                        .join(Team, Initiative.team_id == Team.id, isouter=True)
                        .where(Initiative.plan_id == plan_id)).all()
    run, published = deciding_run(session=session, plan_id=plan_id, team_member=True)
    funded = set(run.result.get("funded", [])) if run is not None and published else set()
    return {row_id for row_id, key, name in rows if name == team or key in funded}


def narrow(form: InitiativeForm, session: Session, plan_id: int, team: str | None,
           initiative: Initiative | None = None) -> Scope:
    """Fit the form to its reader: a team member's requires/excludes offer only what it
    may read; the links it cannot see are kept as they are on save (keep_hidden)."""
    scope = Scope(team, visible_ids(session, plan_id, team))
    if scope.visible is None:
        return scope
    for name in ("requires", "excludes"):
        select_field = form[name]
        select_field.choices = [choice for choice in select_field.choices
                                if choice.value in scope.visible]
        if initiative is not None:
            scope.hidden_links[name] = [link.other_id for link in initiative.links
                                        if link.kind == name
                                        and link.other_id not in scope.visible]
    return scope


def refused_fields(scope: Scope, initiative: Initiative | None,
                   sent: Mapping[str, Any]) -> dict[str, str]:
    """What a request sent (`sent`: its fields as typed) that its reader may not set, by
    field, each in words naming it: another team, or a decision or reason other than the
    initiative's own."""
    if scope.team is None:
        return {}
    found = {}
    team = " ".join((sent.get("team") or "").split())
    if "team" in sent and team not in ("", scope.team):
        found["team"] = (f"Team: a team member proposes for its own team ({scope.team}) "
                         f"only, not for \u201c{team}\u201d.")
    current = {"decision": initiative.decision if initiative else "auto",
               "reason": initiative.reason if initiative else ""}
    for name, words in LEAD_ONLY.items():
        if name in sent and (sent.get(name) or "").strip() != current[name]:
            found[name] = words
    return found


def refusals(scope: Scope, initiative: Initiative | None) -> list[str]:
    """What the page's request sent that its reader may not set, each naming the field."""
    return list(refused_fields(scope, initiative, request.form).values())


def settle(form: InitiativeForm, scope: Scope, initiative: Initiative | None) -> None:
    """Before a team member's save: its own team, the decision and reason as they are, and
    the links it cannot see kept."""
    if scope.team is None:
        return
    form.team.data = scope.team
    form.decision.data = initiative.decision if initiative else "auto"
    form.reason.data = initiative.reason if initiative else ""
    for name, hidden in scope.hidden_links.items():
        form[name].data = list(form[name].data or []) + hidden
