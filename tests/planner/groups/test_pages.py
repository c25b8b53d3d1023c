"""The People page's group parts: how each account signs in, its groups and what its last
sign-in through the provider changed; mappings added (bad input refused by field, nothing
saved) and removed; local passwords turned off only with an identity provider. Admins
only."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import GroupMapping, Membership, Plan, User
from models.plan import CLOSED, OPEN
from planner.accounts.installation import passwords_on
from planner.groups.mapping import apply_groups
from tests.webapp import nobodys_password_hash, page_text, signed_in_client

ISSUER = "http://127.0.0.1:9/realms/company"
ROLES = ("lead", "finance", "team", "viewer")


@pytest.fixture
def spring(app, db) -> int:
    plan = Plan(name="Spring 2027", state=OPEN)
    db.add_all([plan, Plan(name="Old cycle", state=CLOSED)])
    db.commit()
    return plan.id


def _mappings(db) -> list[tuple]:
    db.rollback()
    return [(m.group_name, m.grants, m.role, m.plan_id, m.team)
            for m in db.exec(select(GroupMapping).order_by(GroupMapping.id)).all()]


def test_the_page_shows_how_each_signs_in_and_what_the_groups_gave(app, db, client, spring):
    db.add(GroupMapping(group_name="cx-leads", grants="role", role="lead", plan_id=spring))
    ivy = User(email="ivy@example.com", name="Ivy", password_hash="",
               oidc_subject=f"{ISSUER} ivy-sub")
    both = User(email="bo@example.com", name="Bo", password_hash=nobodys_password_hash(),
                oidc_subject=f"{ISSUER} bo-sub")
    db.add_all([ivy, both])
    db.commit()
    apply_groups(db, ivy, ["cx-leads", "staff"])
    apply_groups(db, both, ["staff"])
    db.add(Membership(user_id=both.id, plan_id=spring, role="viewer"))
    db.commit()
    page = page_text(client.get("/admin/people"))
    assert "Spring 2027: CX lead (from groups)" in page
    assert "Spring 2027: Viewer;" not in page and "Spring 2027: Viewer (from groups)" not in page
    assert "Spring 2027: Viewer" in page  # given by hand: no "(from groups)"
    assert "Ivy ivy@example.com Spring 2027: CX lead (from groups) identity provider " \
           "cx-leads, staff (" in page
    assert "Made CX lead of Spring 2027 (group cx-leads)" in page
    assert "password and identity provider staff (" in page
    assert "That sign-in changed nothing." in page
    assert "Ada Admin (you) admin@example.com Installation admin password never signed " \
           "in through it" in page
    assert "cx-leads CX lead in Spring 2027 Remove" in page


def test_an_admin_adds_each_kind_of_mapping(app, db, client, spring):
    for form, said in (
            ({"group": "planner-admins", "grants": "admin"},
             "Members of the group planner-admins get the installation admin right at "
             "their next sign-in through the identity provider."),
            ({"group": "everyone", "grants": "role", "role": "viewer", "plan": ""},
             "get Viewer in every plan"),
            ({"group": "cx-leads", "grants": "role", "role": "lead", "plan": str(spring)},
             "get CX lead in Spring 2027"),
            ({"group": "team-it", "grants": "team", "team": " IT ", "plan": ""},
             "get team member of IT in every plan not closed"),
            ({"group": "team-ops", "grants": "team", "team": "Operations",
              "plan": str(spring)}, "get team member of Operations in Spring 2027")):
        response = client.post("/admin/groups", data=form, follow_redirects=True)
        assert said in page_text(response), form
    assert _mappings(db) == [("planner-admins", "admin", None, None, None),
                             ("everyone", "role", "viewer", None, None),
                             ("cx-leads", "role", "lead", spring, None),
                             ("team-it", "team", None, None, "IT"),
                             ("team-ops", "team", None, spring, "Operations")]
    page = page_text(client.get("/admin/people"))
    assert "planner-admins the installation admin right Remove" in page
    assert "team-it team member of IT in every plan not closed Remove" in page


@pytest.mark.parametrize(("form", "label", "words"), [
    ({"group": "  ", "grants": "admin"}, "Group", "Name the group"),
    ({"group": "x" * 257, "grants": "admin"}, "Group", "At most 256 characters"),
    ({"group": "g", "grants": "everything"}, "Its members get", "Choose what the group gives"),
    ({"group": "g", "grants": "role", "role": "team"}, "Role (for a role)",
     "Choose the role: CX lead, finance or viewer"),
    ({"group": "g", "grants": "role", "role": "lead", "plan": "999999"},
     "Plan (for a role or a team)", "There is no such plan"),
    ({"group": "g", "grants": "role", "role": "lead", "plan": "not-an-id"},
     "Plan (for a role or a team)", "There is no such plan"),
    ({"group": "g", "grants": "admin", "plan": "SPRING"}, "Plan (for a role or a team)",
     "The admin right is for the whole installation"),
    ({"group": "g", "grants": "team", "team": " "}, "Team (for a team)",
     "A team member belongs to a team: name it"),
    ({"group": "g", "grants": "team", "team": "T" * 81}, "Team (for a team)",
     "At most 80 characters"),
    ({"group": "everyone", "grants": "role", "role": "viewer"}, "Group",
     "The group everyone already gives Viewer in every plan: nothing to add."),
], ids=["no-group", "long-group", "bad-grant", "bad-role", "no-such-plan", "plan-not-id",
        "admin-in-a-plan", "team-unnamed", "long-team", "already"])
def test_bad_mapping_input_is_refused_by_field_and_nothing_saved(
        app, db, client, spring, form, label, words):
    db.add(GroupMapping(group_name="everyone", grants="role", role="viewer"))
    db.commit()
    form = {**form, "plan": str(spring) if form.get("plan") == "SPRING" else form.get(
        "plan", "")}
    response = client.post("/admin/groups", data=form)
    assert response.status_code == 422
    page = page_text(response)
    assert words in page and f"marked below ({label}); nothing was saved." in page
    assert _mappings(db) == [("everyone", "role", "viewer", None, None)]


def test_a_mapping_is_removed_and_its_roles_go_at_the_next_sign_in(app, db, client, spring):
    mapping = GroupMapping(group_name="cx-leads", grants="role", role="lead", plan_id=spring)
    ivy = User(email="ivy@example.com", name="Ivy", password_hash="")
    db.add_all([mapping, ivy])
    db.commit()
    apply_groups(db, ivy, ["cx-leads"])
    db.commit()
    response = client.post(f"/admin/groups/{mapping.id}/delete", follow_redirects=True)
    assert ("The group cx-leads no longer gives CX lead in Spring 2027; its members lose it "
            "at their next sign-in") in page_text(response)
    assert _mappings(db) == []
    assert client.post(f"/admin/groups/{mapping.id}/delete").status_code == 404
    assert client.post("/admin/groups/99999999999/delete").status_code == 404
    ivy = db.get(User, ivy.id)
    assert apply_groups(db, ivy, ["cx-leads"]) == [
        "No longer CX lead of Spring 2027 (no group mapping gives it any more)"]


def test_passwords_go_off_only_with_an_identity_provider(app, db, client):
    refused = client.post("/admin/passwords", data={"to": "off"})
    assert refused.status_code == 409
    assert "Local passwords stay on: this installation has no identity provider" in \
        page_text(refused) and "Set OIDC_ISSUER" in page_text(refused)
    db.rollback()
    assert passwords_on(db)
    assert client.post("/admin/passwords", data={"to": "maybe"}).status_code == 400
    page = page_text(client.get("/admin/people"))
    assert "They can be turned off once the installation signs in through an identity " \
           "provider" in page and "Turn local passwords off" not in page
    app.config["OIDC_ISSUER"] = ISSUER
    assert "Turn local passwords off" in page_text(client.get("/admin/people"))
    off = client.post("/admin/passwords", data={"to": "off"}, follow_redirects=True)
    assert "Local passwords no longer sign in" in page_text(off)
    assert "password (turned off)" in page_text(off)
    db.rollback()
    assert not passwords_on(db)
    on = client.post("/admin/passwords", data={"to": "on"}, follow_redirects=True)
    assert "Local passwords sign in again." in page_text(on)
    db.rollback()
    assert passwords_on(db)


@pytest.mark.parametrize("role", ROLES)
def test_only_an_admin_changes_groups_or_passwords(app, db, spring, role):
    mapping = GroupMapping(group_name="everyone", grants="role", role="viewer")
    user = User(email=f"{role}@example.com", name=role, password_hash=nobodys_password_hash())
    db.add_all([mapping, user])
    db.commit()
    db.add(Membership(user_id=user.id, plan_id=spring, role=role))
    db.commit()
    client = signed_in_client(app, user.email)
    for url, form in (("/admin/groups", {"group": "mine", "grants": "admin"}),
                      (f"/admin/groups/{mapping.id}/delete", {}),
                      ("/admin/passwords", {"to": "on"}), ("/admin/people", None)):
        response = client.get(url) if form is None else client.post(url, data=form)
        assert response.status_code == 403, url
    assert _mappings(db) == [("everyone", "role", "viewer", None, None)]
    assert app.test_client().post("/admin/groups", data={}).status_code == 401
