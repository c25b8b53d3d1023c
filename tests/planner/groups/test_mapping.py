"""The group mappings applied at a sign-in through the identity provider: each kind of
grant, one plan or every plan, the highest role, hand-made roles untouched, the roles
following the groups at the next sign-in, and the words of each change."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import GroupMapping, Membership, Plan, RecordEntry, Team, User
from models.plan import CLOSED, DECIDED, OPEN
from models.queries import team_ids
from planner.groups.mapping import apply_groups
from tests.webapp import nobodys_password_hash


@pytest.fixture
def plans(app, db) -> dict[str, int]:
    """Three plans, one of them closed: their ids by name."""
    made = {name: Plan(name=name, state=state) for name, state in (
        ("Spring 2027", OPEN), ("Autumn 2027", DECIDED), ("Spring 2026", CLOSED))}
    db.add_all(made.values())
    db.commit()
    return {name: plan.id for name, plan in made.items()}


@pytest.fixture
def ivy(app, db) -> User:
    user = User(email="ivy@example.com", name="Ivy", password_hash=nobodys_password_hash())
    db.add(user)
    db.commit()
    return user


def _map(db, group: str, grants: str, *, role: str | None = None, plan: int | None = None,
         team: str | None = None) -> GroupMapping:
    mapping = GroupMapping(group_name=group, grants=grants, role=role, plan_id=plan,
                           team=team)
    db.add(mapping)
    db.commit()
    return mapping


def _signed_in(db, user: User, *groups: str) -> list[str]:
    """The mappings applied as a sign-in with these groups applies them, committed."""
    words = apply_groups(db, user, list(groups))
    db.commit()
    return words


def _roles(db, user: User) -> dict[str, tuple[str, str, bool]]:
    """The account's role in each plan by the plan's name: (role, team, by groups)."""
    db.expire_all()
    return {name: (m.role, m.team, m.by_groups) for m, name in db.exec(
        select(Membership, Plan.name).join(Plan, Membership.plan_id == Plan.id)
        .where(Membership.user_id == user.id)).all()}


def test_a_role_in_one_plan_and_in_every_plan(db, plans, ivy):
    _map(db, "cx-leads", "role", role="lead", plan=plans["Spring 2027"])
    _map(db, "everyone", "role", role="viewer")
    words = _signed_in(db, ivy, "cx-leads", "everyone")
    assert _roles(db, ivy) == {"Spring 2027": ("lead", "", True),
                               "Autumn 2027": ("viewer", "", True),
                               "Spring 2026": ("viewer", "", True)}
    assert sorted(words) == sorted(["Made CX lead of Spring 2027 (group cx-leads)",
                                    "Made viewer of Autumn 2027 (group everyone)",
                                    "Made viewer of Spring 2026 (group everyone)"])
    db.expire_all()
    saved = db.get(User, ivy.id)
    assert saved.groups == ["cx-leads", "everyone"] and saved.groups_at is not None
    assert saved.group_changes == words


def test_a_team_in_one_plan_or_in_every_plan_not_closed(db, plans, ivy):
    _map(db, "team-it", "team", team="IT")
    _map(db, "stores-spring", "team", team="Stores", plan=plans["Spring 2027"])
    words = _signed_in(db, ivy, "team-it", "stores-spring")
    # Spring 2027: both give a team member; the first mapping's team
    assert _roles(db, ivy) == {"Spring 2027": ("team", "IT", True),
                               "Autumn 2027": ("team", "IT", True)}
    assert "Made team member of IT in Autumn 2027 (group team-it)" in words
    teams = db.exec(select(Team.plan_id).where(Team.name == "IT")).all()
    assert sorted(teams) == sorted([plans["Spring 2027"], plans["Autumn 2027"]])  # made


def test_a_team_mapping_for_one_closed_plan_gives_its_team(db, plans, ivy):
    _map(db, "team-it", "team", team="IT", plan=plans["Spring 2026"])
    assert _signed_in(db, ivy, "team-it") == [
        "Made team member of IT in Spring 2026 (group team-it)"]


def test_a_team_kept_in_a_plan_that_closed_since(db, plans, ivy):
    _map(db, "team-it", "team", team="IT")
    _signed_in(db, ivy, "team-it")
    db.get(Plan, plans["Autumn 2027"]).state = CLOSED
    db.commit()
    assert _signed_in(db, ivy, "team-it") == []
    assert _roles(db, ivy)["Autumn 2027"] == ("team", "IT", True)
    words = _signed_in(db, ivy)
    assert "No longer team member of IT in Autumn 2027 (not in group team-it any more)" \
        in words and _roles(db, ivy) == {}


@pytest.mark.parametrize(("given", "expected"), [
    (("viewer", "lead"), "lead"),
    (("team", "finance"), "finance"),
    (("viewer", "team"), "team"),
    (("finance", "lead", "viewer"), "lead"),
], ids=["lead-over-viewer", "finance-over-team", "team-over-viewer", "lead-over-all"])
def test_the_highest_role_wins(db, plans, ivy, given, expected):
    for role in given:
        if role == "team":
            _map(db, f"g-{role}", "team", team="IT", plan=plans["Spring 2027"])
        else:
            _map(db, f"g-{role}", "role", role=role, plan=plans["Spring 2027"])
    words = _signed_in(db, ivy, *(f"g-{role}" for role in given))
    assert _roles(db, ivy) == {"Spring 2027": (expected, "IT" if expected == "team" else "",
                                               True)}
    assert len(words) == 1 and words[0].startswith("Made ")
    assert words[0].endswith(f"Spring 2027 (group g-{expected})")


def test_a_role_given_by_hand_is_never_touched(db, plans, ivy):
    db.add(Membership(user_id=ivy.id, plan_id=plans["Spring 2027"], role="viewer"))
    db.add(Membership(user_id=ivy.id, plan_id=plans["Autumn 2027"], role="lead"))
    db.commit()
    _map(db, "cx-leads", "role", role="lead")
    words = _signed_in(db, ivy, "cx-leads")
    assert words == ["Made CX lead of Spring 2026 (group cx-leads)"]
    assert _roles(db, ivy)["Spring 2027"] == ("viewer", "", False)
    assert _signed_in(db, ivy) == [
        "No longer CX lead of Spring 2026 (not in group cx-leads any more)"]
    assert _roles(db, ivy) == {"Spring 2027": ("viewer", "", False),
                               "Autumn 2027": ("lead", "", False)}


def test_the_roles_follow_the_groups_at_each_sign_in(db, plans, ivy):
    spring = plans["Spring 2027"]
    _map(db, "cx-leads", "role", role="lead", plan=spring)
    _map(db, "finance", "role", role="finance", plan=spring)
    _map(db, "team-it", "team", team="IT", plan=spring)
    _map(db, "team-ops", "team", team="Operations", plan=spring)
    steps = [
        (("team-it",), ("team", "IT"), "Made team member of IT in Spring 2027 (group team-it)"),
        (("team-it", "cx-leads"), ("lead", ""),
         "Made CX lead of Spring 2027 instead of team member of IT (group cx-leads)"),
        (("finance",), ("finance", ""),
         "Made finance in Spring 2027 instead of CX lead (group finance)"),
        (("team-ops",), ("team", "Operations"), "Made team member of Operations in Spring "
                                                "2027 instead of finance (group team-ops)"),
        (("team-ops",), ("team", "Operations"), None),
        (("Team-Ops",), None,  # names compare exactly, as the provider sends them
         "No longer team member of Operations in Spring 2027 (not in group team-ops any "
         "more)"),
    ]
    for groups, role, said in steps:
        words = _signed_in(db, ivy, *groups)
        assert words == ([said] if said else []), groups
        assert _roles(db, ivy) == ({"Spring 2027": (*role, True)} if role else {}), groups
        db.expire_all()
        assert db.get(User, ivy.id).group_changes == words


def test_a_role_whose_mapping_was_removed_goes(db, plans, ivy):
    mapping = _map(db, "everyone", "role", role="viewer", plan=plans["Spring 2027"])
    _signed_in(db, ivy, "everyone")
    db.delete(mapping)
    db.commit()
    assert _signed_in(db, ivy, "everyone") == [
        "No longer viewer of Spring 2027 (no group mapping gives it any more)"]


def test_the_admin_right_given_and_taken_back_but_a_hand_given_one_stays(db, plans, ivy):
    _map(db, "planner-admins", "admin")
    assert _signed_in(db, ivy, "planner-admins", "other") == [
        "Made an installation admin (group planner-admins)"]
    db.expire_all()
    saved = db.get(User, ivy.id)
    assert saved.admin and saved.admin_by_groups
    assert _signed_in(db, saved, "planner-admins") == []
    assert _signed_in(db, saved, "other") == [
        "No longer an installation admin (not in group planner-admins any more)"]
    db.expire_all()
    saved = db.get(User, ivy.id)
    assert not saved.admin and not saved.admin_by_groups
    saved.admin = True  # by hand
    db.commit()
    assert _signed_in(db, saved, "planner-admins") == []
    assert _signed_in(db, saved) == []
    db.expire_all()
    assert db.get(User, ivy.id).admin and not db.get(User, ivy.id).admin_by_groups


def test_an_account_made_at_the_sign_in_gets_its_roles(db, plans):
    _map(db, "everyone", "role", role="viewer", plan=plans["Spring 2027"])
    new = User(email="new@example.com", name="New", password_hash="")
    assert _signed_in(db, new, "everyone") == [
        "Made viewer of Spring 2027 (group everyone)"]
    assert _roles(db, new) == {"Spring 2027": ("viewer", "", True)}


def test_the_decision_record_names_the_mappings(db, plans, ivy):
    spring = plans["Spring 2027"]
    _map(db, "cx-leads", "role", role="lead", plan=spring)
    _map(db, "everyone", "role", role="viewer", plan=spring)
    _signed_in(db, ivy, "cx-leads")
    _signed_in(db, ivy, "everyone")
    lines = db.exec(select(RecordEntry).where(RecordEntry.plan_id == spring,
                                              RecordEntry.entity == "member")
                    .order_by(RecordEntry.id)).all()
    assert {line.who for line in lines} == {"Group mappings, at Ivy's sign-in"}
    assert [(line.action, line.key) for line in lines][0] == ("added", "Ivy")
    assert ("changed", "role", "lead", "viewer") in [
        (line.action, line.field, line.before, line.after) for line in lines]


def test_a_team_row_named_as_shown_is_reused(db, plans, ivy):
    existing = team_ids(db, plans["Spring 2027"], ["IT"])["IT"]
    db.commit()
    _map(db, "team-it", "team", team="IT", plan=plans["Spring 2027"])
    _signed_in(db, ivy, "team-it")
    db.expire_all()
    member = db.exec(select(Membership).where(Membership.user_id == ivy.id)).one()
    assert member.team_id == existing
