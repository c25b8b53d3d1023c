"""Group mappings made and removed, and local passwords turned on or off: the same checks
and words for the People page (planner/groups/views.py) and the command line
(planner/cli/groups.py). Each function changes the session only; the caller commits."""

from __future__ import annotations

from sqlmodel import Session, select

from models import GRANTS, GroupMapping, Plan
from planner.accounts.installation import PASSWORDS, set_setting
from planner.accounts.people import gives

ROLE_CHOICES = ("lead", "finance", "viewer")  # a team member's role comes from a team mapping
LONGEST_GROUP, LONGEST_TEAM = 256, 80  # as the table keeps them; a team as the members page


class MappingError(ValueError):
    """A change that cannot be made: `field` names what is wrong (group, grants, role,
    plan, team, passwords), the message says what to do."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _at_most(field: str, text: str, most: int) -> None:
    """MappingError naming `field` when `text` is longer than its column holds."""
    if len(text) > most:
        raise MappingError(field, f"At most {most} characters; this has {len(text)}. "
                                  "Shorten it: nothing was cut.")


def add_mapping(session: Session, *, group: str, grants: str, role: str | None = None,
                plan_id: int | None = None, team: str | None = None) -> GroupMapping:
    """A new mapping: the members of `group` get the admin right, a role (in one plan, or
    every plan when `plan_id` is None) or membership of a team (in one plan, or every plan
    not closed). MappingError names the first field that is wrong; nothing is added."""
    group, team = (group or "").strip(), (team or "").strip()
    mapping = GroupMapping(group_name=group, grants=grants, role=None, plan_id=plan_id,
                           team=None)
    if not group:
        raise MappingError("group", "Name the group, as the identity provider sends it "
                                    "(such as cx-leads).")
    _at_most("group", group, LONGEST_GROUP)
    if grants not in GRANTS:
        raise MappingError("grants", "Choose what the group gives: the admin right, a role "
                                     "or a team.")
    if grants == "admin" and plan_id is not None:
        raise MappingError("plan", "The admin right is for the whole installation, not one "
                                   "plan: choose every plan.")
    if plan_id is not None and session.get(Plan, plan_id) is None:
        raise MappingError("plan", "There is no such plan: choose one of the list, or every "
                                   "plan.")
    if grants == "role":
        if role not in ROLE_CHOICES:
            raise MappingError("role", "Choose the role: CX lead, finance or viewer (a "
                                       "team member's role comes from a team).")
        mapping.role = role
    if grants == "team":
        if not team:
            raise MappingError("team", "A team member belongs to a team: name it, as the "
                                       "plan shows it (such as IT).")
        _at_most("team", team, LONGEST_TEAM)
        mapping.team = team
    if same_mappings(session, mapping):
        raise MappingError("group", f"The group {group} already gives "
                                    f"{gives(mapping, plan_names(session))}: nothing to add.")
    session.add(mapping)
    return mapping


def same_mappings(session: Session, like: GroupMapping, *,
                  any_plan: bool = False) -> list[GroupMapping]:
    """The mappings of the same group that give the same (every grant when `like.grants`
    is "", any plan when `any_plan`), oldest first."""
    query = select(GroupMapping).where(GroupMapping.group_name == like.group_name)
    if like.grants:
        query = query.where(GroupMapping.grants == like.grants)
        for column, value in ((GroupMapping.role, like.role), (GroupMapping.team, like.team)):
            query = query.where(column.is_(None) if value is None else column == value)
    if not any_plan:
        query = query.where(GroupMapping.plan_id.is_(None) if like.plan_id is None
                            else GroupMapping.plan_id == like.plan_id)
    return list(session.exec(query.order_by(GroupMapping.id)).all())


def plan_names(session: Session) -> dict[int, str]:
    """Every plan's name by its id."""
    return dict(session.exec(select(Plan.id, Plan.name)).all())


def set_passwords(session: Session, *, on: bool, issuer: str | None) -> None:
    """Let local passwords sign in, or not. Off only with an identity provider configured
    (OIDC_ISSUER), so that someone can still sign in."""
    if not on and not issuer:
        raise MappingError("passwords", "Local passwords stay on: this installation has no "
                                        "identity provider to sign in with instead. Set "
                                        "OIDC_ISSUER (README, Settings) first; nothing was "
                                        "changed.")
    set_setting(session, PASSWORDS, on)
