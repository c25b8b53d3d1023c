"""What an account's groups at the identity provider give it here: the installation's
group mappings applied at each sign-in through the provider, and the words of what that
changed.

One role per plan: of every mapping that matches, the highest role (CX lead, then finance,
then team member, then viewer). A membership a mapping made (`by_groups`) follows the groups
at every sign-in, raised, lowered or removed; one given by hand is never touched. The admin
right works the same way: one a mapping gave goes again when no group gives it; one given
by hand stays."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from models import GroupMapping, Membership, Plan, User
from models.base import utcnow
from models.plan import CLOSED
from models.queries import team_ids
from planner.history.capture import acting_as

RANK = ("lead", "finance", "team", "viewer")  # the first is the highest


@dataclass(frozen=True)
class Wanted:
    """The role the groups give in one plan, and the group that gives it."""

    role: str
    team: str
    group: str


def role_of(role: str, team: str) -> str:
    """A role in words, as a sentence says it: "CX lead", "team member of IT"."""
    return {"lead": "CX lead", "finance": "finance", "team": f"team member of {team}",
            "viewer": "viewer"}[role]


def role_in(role: str, team: str, plan: str) -> str:
    """A role in a plan, in words: "CX lead of Spring 2027", "team member of IT in Spring
    2027"."""
    return f"{role_of(role, team)} {'of' if role in ('lead', 'viewer') else 'in'} {plan}"


def apply_groups(session: Session, user: User, groups: list[str]) -> list[str]:
    """Apply every group mapping to the account, given its groups at a sign-in through the
    provider; the words of what changed ([] when nothing did). Changes the session only:
    the sign-in commits them with itself. Group names compare exactly, as the provider
    writes them."""
    groups = list(dict.fromkeys(name for name in groups or [] if isinstance(name, str)))
    left = set(user.groups or []) - set(groups)  # the groups of the last sign-in it left
    session.add(user)
    session.flush()  # an account made at this sign-in needs its id
    mappings = session.exec(select(GroupMapping).order_by(GroupMapping.id)).all()
    mine = [mapping for mapping in mappings if mapping.group_name in groups]
    words = _admin(user, mine, mappings, left)
    with acting_as(None, f"Group mappings, at {user.name}'s sign-in"):
        words += _roles(session, user, mine, mappings, left)
        user.groups, user.groups_at, user.group_changes = groups, utcnow(), words
        session.add(user)
        session.flush()  # the decision record names the mappings as who changed the roles
    return words


def _admin(user: User, mine: list[GroupMapping], every: list[GroupMapping],
           left: set[str]) -> list[str]:
    giving = next((m.group_name for m in mine if m.grants == "admin"), None)
    if giving is not None and not user.admin:
        user.admin, user.admin_by_groups = True, True
        return [f"Made an installation admin (group {giving})"]
    if giving is None and user.admin and user.admin_by_groups:
        user.admin, user.admin_by_groups = False, False
        return [f"No longer an installation admin ({_gone(every, left, 'admin')})"]
    return []


def _roles(session: Session, user: User, mine: list[GroupMapping],
           every: list[GroupMapping], left: set[str]) -> list[str]:
    plans = {plan.id: plan for plan in session.exec(select(Plan).order_by(Plan.id)).all()}
    held = {m.plan_id: m for m in session.exec(
        select(Membership).where(Membership.user_id == user.id)).all()}
    wanted = _wanted(mine, plans, held)
    words = []
    for plan_id, plan in plans.items():
        found, want = held.get(plan_id), wanted.get(plan_id)
        if found is not None and not found.by_groups:
            continue  # given by hand: never a mapping's to change
        if want is None:
            if found is not None:
                words.append(f"No longer {role_in(found.role, found.team, plan.name)} "
                             f"({_gone(every, left, found.role, plan_id)})")
                session.delete(found)
            continue
        if found is not None and (found.role, found.team) == (want.role, want.team):
            continue
        team_id = team_ids(session, plan_id, [want.team])[want.team]
        if found is None:
            session.add(Membership(user_id=user.id, plan_id=plan_id, role=want.role,
                                   team_id=team_id, by_groups=True))
            words.append(f"Made {role_in(want.role, want.team, plan.name)} "
                         f"(group {want.group})")
            continue
        was = role_of(found.role, found.team)
        found.role, found.team_id = want.role, team_id
        session.add(found)
        words.append(f"Made {role_in(want.role, want.team, plan.name)} instead of {was} "
                      f"(group {want.group})")
    return words


def _wanted(mine: list[GroupMapping], plans: dict[int, Plan],
            held: dict[int, Membership]) -> dict[int, Wanted]:
    """The highest role the groups give in each plan. A team mapping for every plan passes
    over closed plans (a closed plan takes no new team), but keeps a team membership it
    made there before."""
    wanted: dict[int, Wanted] = {}
    for mapping in mine:
        if mapping.grants == "admin":
            continue
        role = mapping.role if mapping.grants == "role" else "team"
        team = (mapping.team or "") if role == "team" else ""
        for plan_id in ([mapping.plan_id] if mapping.plan_id is not None else plans):
            if plan_id not in plans:
                continue
            if role == "team" and mapping.plan_id is None and plans[plan_id].state == CLOSED:
                kept = held.get(plan_id)
                if kept is None or not kept.by_groups or (kept.role, kept.team) != (
                        "team", team):
                    continue
            found = wanted.get(plan_id)
            if found is None or RANK.index(role) < RANK.index(found.role):
                wanted[plan_id] = Wanted(role, team, mapping.group_name)
    return wanted


def _gone(every: list[GroupMapping], left: set[str], role: str,
          plan_id: int | None = None) -> str:
    """Why a right went: a group it is no longer in that gave it, else no mapping does."""
    for mapping in every:
        gives = "admin" if mapping.grants == "admin" else (
            "team" if mapping.grants == "team" else mapping.role)
        if (mapping.group_name in left and gives == role
                and (role == "admin" or mapping.plan_id in (None, plan_id))):
            return f"not in group {mapping.group_name} any more"
    return "no group mapping gives it any more"
