"""The admins' page of the installation's people: every account with its roles; a new
account; an account stopped (its sessions end at once) or made an admin; never one's own."""

from __future__ import annotations

from sqlmodel import select

from models import Membership, User
from models.queries import team_ids
from planner.accounts.passwords import matches
from tests.webapp import ADMIN_EMAIL, nobodys_password_hash, page_text, signed_in_client


def _account(db, email: str, **values) -> User:
    user = User(email=email, name=email.split("@")[0].capitalize(),
                password_hash=nobodys_password_hash(), **values)
    db.add(user)
    db.commit()
    return user


def test_the_page_lists_every_account_with_its_roles(app, db, demo_id, client):
    ivy = _account(db, "ivy@example.com")
    db.add(Membership(user_id=ivy.id, plan_id=demo_id, role="team",
                      team_id=team_ids(db, demo_id, ["IT"])["IT"]))
    db.commit()
    page = page_text(client.get("/admin/people"))
    assert "Retail stores FY2027: Team member (IT)" in page
    assert "Installation admin" in page and "(you)" in page
    assert "People" in page_text(client.get("/"))  # the admin's way to it


def test_an_admin_adds_an_account_and_a_bad_one_is_refused_whole(app, db, client):
    added = client.post("/admin/people", follow_redirects=True, data={
        "name": "Finn Finance", "email": "Finn@Example.com",
        "password": "correct horse battery", "confirm": "correct horse battery"})
    assert "Account added for Finn Finance" in page_text(added)
    db.rollback()
    finn = db.exec(select(User).where(User.email == "finn@example.com")).one()
    assert not finn.admin and matches(finn.password_hash, "correct horse battery")
    short = client.post("/admin/people", data={
        "name": "Shorty", "email": "short@example.com", "password": "too short",
        "confirm": "too short"})
    assert short.status_code == 422 and "At least 12 characters" in page_text(short)
    again = client.post("/admin/people", data={
        "name": "Finn again", "email": "finn@example.com",
        "password": "another long password", "confirm": "another long password"})
    assert again.status_code == 422 and "already has an account" in page_text(again)
    db.rollback()
    assert db.exec(select(User.email).where(User.email == "short@example.com")).first() is None


def test_a_stopped_account_is_signed_out_at_once_and_can_be_let_back(app, db, client):
    viv = _account(db, "viv@example.com")
    theirs = signed_in_client(app, "viv@example.com")
    assert theirs.get("/").status_code == 200
    stopped = client.post(f"/admin/people/{viv.id}/active", data={"to": "no"},
                          follow_redirects=True)
    assert "Viv can no longer sign in" in page_text(stopped)
    assert theirs.get("/").status_code == 302  # to the sign-in page
    client.post(f"/admin/people/{viv.id}/active", data={"to": "yes"})
    db.expire_all()
    assert db.get(User, viv.id).active


def test_an_admin_is_made_and_unmade_but_never_by_themself(app, db, client):
    viv = _account(db, "viv@example.com")
    made = client.post(f"/admin/people/{viv.id}/admin", data={"to": "yes"})
    assert made.status_code == 302
    db.expire_all()
    assert db.get(User, viv.id).admin
    me = db.exec(select(User).where(User.email == ADMIN_EMAIL)).one()
    for url in (f"/admin/people/{me.id}/admin", f"/admin/people/{me.id}/active"):
        refused = client.post(url, data={"to": "no"})
        assert refused.status_code == 409 and "ask another admin" in page_text(refused)
    db.expire_all()
    me = db.get(User, me.id)
    assert me.admin and me.active
    assert client.post("/admin/people/999999/admin", data={"to": "yes"}).status_code == 404


def test_only_an_admin_opens_it(app, db, client):
    _account(db, "viv@example.com")
    viewer = signed_in_client(app, "viv@example.com")
    assert viewer.get("/admin/people").status_code == 403
    assert "People" not in page_text(viewer.get("/")).split("Planning cycles")[1][:200]
