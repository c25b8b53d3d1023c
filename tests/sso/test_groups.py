"""The provider's groups give roles here: the installation's group mappings are applied at
each sign-in through the provider, from the groups claim OIDC_GROUPS_CLAIM names (here
"memberOf"), and follow the groups when they change at the provider."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import GroupMapping, Membership, Plan
from models.plan import OPEN
from tests.sso.idp import Browser
from tests.sso.seen import account

GROUPS_CLAIM = "memberOf"  # the claim this module's provider sends the groups in


@pytest.fixture
def plan_id(app, db) -> int:
    """A plan open for proposals, and the mappings of three groups."""
    plan = Plan(name="Spring 2027", state=OPEN)
    db.add(plan)
    db.commit()
    db.add_all([GroupMapping(group_name="cx-leads", grants="role", role="lead",
                             plan_id=plan.id),
                GroupMapping(group_name="team-it", grants="team", team="IT"),
                GroupMapping(group_name="planner-admins", grants="admin")])
    db.commit()
    return plan.id


def _roles(db, email: str) -> list[tuple[str, str, bool]]:
    user = account(db, email)
    return [(found.role, found.team, found.by_groups) for found in db.exec(
        select(Membership).where(Membership.user_id == user.id)).all()]


def test_the_groups_give_roles_at_sign_in_and_follow_them_at_the_next(
        app, db, provider, plan_id):
    provider.person("una-1", "una@example.com", name="Una",
                    groups=["cx-leads", "planner-admins", "not-mapped"])
    client = app.test_client()
    assert Browser(provider).sign_in(client, "una-1").status_code == 302
    una = account(db, "una@example.com")
    assert _roles(db, "una@example.com") == [("lead", "", True)]
    assert (una.admin, una.admin_by_groups) == (True, True)
    assert una.groups == ["cx-leads", "planner-admins", "not-mapped"]
    assert una.group_changes == ["Made an installation admin (group planner-admins)",
                                 "Made CX lead of Spring 2027 (group cx-leads)"]
    assert client.get(f"/plans/{plan_id}").status_code == 200  # the lead opens the plan
    # The provider moves her to the IT team's group: the next sign-in follows.
    provider.person("una-1", "una@example.com", name="Una", groups=["team-it"])
    client = app.test_client()
    assert Browser(provider).sign_in(client, "una-1").status_code == 302
    una = account(db, "una@example.com")
    assert _roles(db, "una@example.com") == [("team", "IT", True)]
    assert not una.admin and una.groups == ["team-it"]
    assert una.group_changes == [
        "No longer an installation admin (not in group planner-admins any more)",
        "Made team member of IT in Spring 2027 instead of CX lead (group team-it)"]
    # In no group any more: no role is left, and the plan is not hers to open.
    provider.person("una-1", "una@example.com", name="Una", groups=[])
    client = app.test_client()
    assert Browser(provider).sign_in(client, "una-1").status_code == 302
    assert _roles(db, "una@example.com") == []
    assert client.get(f"/plans/{plan_id}").status_code == 404


def test_a_role_given_by_hand_stays_whatever_the_groups(app, db, provider, plan_id):
    provider.person("val-1", "val@example.com", name="Val", groups=["cx-leads"])
    assert Browser(provider).sign_in(app.test_client(), "val-1").status_code == 302
    found = db.exec(select(Membership)).one()
    found.role, found.by_groups = "viewer", False
    db.add(found)
    db.commit()
    provider.person("val-1", "val@example.com", name="Val", groups=[])
    assert Browser(provider).sign_in(app.test_client(), "val-1").status_code == 302
    assert _roles(db, "val@example.com") == [("viewer", "", False)]
    assert account(db, "val@example.com").group_changes == []


def test_groups_that_are_not_a_list_of_names_are_refused(app, db, provider, plan_id):
    """A groups claim the app cannot read refuses the sign-in rather than take roles
    away: nothing is saved."""
    provider.person("wim-1", "wim@example.com", name="Wim", groups="cx-leads")
    client = app.test_client()
    response = Browser(provider).sign_in(client, "wim-1")
    assert response.status_code == 403
    assert "The groups claim 'memberOf' (OIDC_GROUPS_CLAIM) is not a list" in (
        response.get_data(as_text=True).replace("&#39;", "'"))
    assert account(db, "wim@example.com") is None
