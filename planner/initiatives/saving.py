"""An initiative saved from its validated form, as its reader may set it: the pages and the
API save through these, so that a proposal is the same whichever way it comes."""

from __future__ import annotations

from sqlmodel import Session

from models import Initiative
from planner.initiatives.forms import InitiativeForm
from planner.initiatives.scope import Scope, settle


def add_initiative(session: Session, plan_id: int, form: InitiativeForm,
                   scope: Scope) -> Initiative:
    """A new initiative of the plan from the form, added to the session (the caller
    commits): a team member's for its own team, its decision left to the optimiser."""
    initiative = Initiative(plan_id=plan_id, key="", name="")
    settle(form, scope, None)
    form.save(initiative)
    session.add(initiative)
    return initiative


def change_initiative(form: InitiativeForm, scope: Scope, initiative: Initiative) -> None:
    """The initiative as the form has it now (its version already claimed): a team
    member's keeps its team, decision and reason, and the links it cannot see."""
    settle(form, scope, initiative)
    form.save(initiative)
