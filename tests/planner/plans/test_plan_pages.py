"""The plan's pages as each role reads them: no button or link its role cannot use;
removing someone asks first and says what it takes away; names in the messages are quoted
once, though they carry quotes of their own."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Membership, Plan, Stage, User
from models.queries import team_ids
from tests.webapp import nobodys_password_hash, page_text, signed_in_client


@pytest.fixture
def people(app, db, demo_id):
    """The demo plan's CX lead (Lena Lead), a viewer and a finance person."""
    hashed = nobodys_password_hash()
    for email, name, role in (("lead@example.com", "Lena Lead", "lead"),
                              ("viewer@example.com", "Vic Viewer", "viewer"),
                              ("finance@example.com", "Fay Finance", "finance")):
        user = User(email=email, name=name, password_hash=hashed)
        db.add(user)
        db.flush()
        db.add(Membership(user_id=user.id, plan_id=demo_id, role=role,
                          team_id=team_ids(db, demo_id, [""])[""]))
    db.commit()


def _member_id(db, email: str) -> int:
    db.rollback()
    return db.exec(select(Membership.id).join(User, Membership.user_id == User.id)
                   .where(User.email == email)).one()


def test_removing_someone_asks_first_then_removes(app, db, demo_id, people):
    lead = signed_in_client(app, "lead@example.com")
    member_id = _member_id(db, "finance@example.com")
    url = f"/plans/{demo_id}/members/{member_id}/remove"
    asked = lead.post(url)
    assert asked.status_code == 200
    text = page_text(asked)
    assert "Remove Fay Finance (Finance) from this plan?" in text
    assert "can no longer open this plan; their account stays" in text
    assert "add them again with the role Finance" in text
    assert '<input type="hidden" name="confirmed" value="yes">' in asked.get_data(as_text=True)
    assert db.get(Membership, member_id) is not None  # nothing removed yet
    done = lead.post(url, data={"confirmed": "yes"})
    assert done.status_code == 302
    db.rollback()
    assert db.get(Membership, member_id) is None
    assert db.exec(select(User).where(User.email == "finance@example.com")).one()
    assert "Fay Finance is no longer in this plan" in page_text(lead.get(done.location))


def test_removing_the_only_lead_says_so(app, db, demo_id, people):
    lead = signed_in_client(app, "lead@example.com")
    asked = lead.post(f"/plans/{demo_id}/members/{_member_id(db, 'lead@example.com')}/remove")
    assert "They are the plan's only CX lead" in page_text(asked)


def test_a_viewer_sees_no_button_it_cannot_use(app, db, demo_id, people):
    page = signed_in_client(app, "viewer@example.com").get(f"/plans/{demo_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for endpoint_words in ("/edit", "/delete", "/move/", "/state", "/members", "/new\"",
                           "/imports/upload", "Close the cycle"):
        assert endpoint_words not in html, endpoint_words
    assert "Plan file (JSON)" in html  # what it may read stays
    # Finance edits the settings, but not the lists or the cycle.
    html = signed_in_client(app, "finance@example.com").get(
        f"/plans/{demo_id}").get_data(as_text=True)
    assert f'/plans/{demo_id}/edit"' in html
    assert "/move/" not in html and "/state" not in html and "stages/new" not in html


def test_the_lead_sees_the_lists_buttons_until_the_cycle_closes(app, db, demo_id, people):
    lead = signed_in_client(app, "lead@example.com")
    html = lead.get(f"/plans/{demo_id}").get_data(as_text=True)
    assert "/move/" in html and "stages/new" in html and "/state" in html
    db.rollback()
    db.get(Plan, demo_id).state = "closed"
    db.commit()
    html = lead.get(f"/plans/{demo_id}").get_data(as_text=True)
    assert "/move/" not in html and "stages/new" not in html and "/delete" not in html
    assert f'/plans/{demo_id}/edit"' not in html
    # People may still be given a role, or removed, in a closed plan.
    members = lead.get(f"/plans/{demo_id}/members").get_data(as_text=True)
    assert "/remove" in members and "Add someone, or change a role" in members


@pytest.mark.parametrize("name", ['"Express"', "“Express”", "'Express'"])
def test_a_name_in_quotes_of_its_own_is_quoted_once(client, db, demo_id, name):
    response = client.post(f"/plans/{demo_id}/stages/new", data={"key": "express",
                                                               "name": name})
    assert response.status_code == 302, page_text(response)
    text = page_text(client.get(response.location))
    assert 'Stage "Express" added.' in text
    assert not any(twice in text for twice in ('""', "''", '"“', "'\""))
    stage = db.exec(select(Stage).where(Stage.key == "express")).one()
    asked = page_text(client.get(f"/plans/{demo_id}/stages/{stage.id}/delete"))
    assert 'Delete stage "Express"?' in asked
