"""The History page says every line in words: people, rows and values by their names,
never by a database id, and an answered appeal as an appeal."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from models import Membership, Moment, RecordEntry, Stage, User
from models.queries import team_ids
from planner.history.capture import line
from tests.webapp import nobodys_password_hash, page_text


@pytest.fixture
def ana(db, demo_id) -> int:
    """Ana Ruiz, an account with no role in the demo plan yet; her account's id."""
    user = User(email="ana@example.com", name="Ana Ruiz", password_hash=nobodys_password_hash())
    db.add(user)
    db.commit()
    return user.id


def _history(client, plan_id: int, **query) -> str:
    return page_text(client.get(f"/plans/{plan_id}/history", query_string=query))


def test_a_role_given_changed_and_taken_is_said_with_the_persons_name(client, db, demo_id,
                                                                    ana):
    url = f"/plans/{demo_id}/members"
    assert client.post(url, data={"email": "ana@example.com", "role": "viewer"}
                       ).status_code == 302
    assert client.post(url, data={"email": "ana@example.com", "role": "finance"}
                       ).status_code == 302
    db.rollback()
    member_id = db.exec(select(Membership.id).where(Membership.user_id == ana)).one()
    page = _history(client, demo_id)
    assert "gave Ana Ruiz a role in this plan" in page
    assert "changed the role of Ana Ruiz from Viewer to Finance" in page
    assert client.post(f"{url}/{member_id}/remove", data={"confirmed": "yes"}
                       ).status_code == 302
    page = _history(client, demo_id)
    assert "took Ana Ruiz off this plan" in page
    assert not re.search(r"member \d", page)
    narrowed = _history(client, demo_id, entity="member", key="Ana Ruiz")
    assert "History of Ana Ruiz" in narrowed and "took Ana Ruiz off" in narrowed


def test_an_older_line_by_a_membership_id_is_said_by_name(client, db, demo_id, ana):
    member = Membership(user_id=ana, plan_id=demo_id, role="finance",
                        team_id=team_ids(db, demo_id, [""])[""])
    db.add(member)
    db.flush()
    db.add(RecordEntry(plan_id=demo_id, who="Ada Admin", action="changed", entity="member",
                       key=str(member.id), field="role", before="viewer", after="finance"))
    db.commit()
    page = _history(client, demo_id)
    assert "Ada Admin changed the role of Ana Ruiz from Viewer to Finance" in page
    assert f"member {member.id}" not in page


def test_a_moments_stage_and_a_publication_are_said_by_name(client, db, demo_id):
    moment = db.exec(select(Moment).where(Moment.key == "queue")).one()
    old = db.get(Stage, moment.stage_id).name
    other = db.exec(select(Stage).where(Stage.plan_id == demo_id,
                                        Stage.id != moment.stage_id)).first()
    moment.stage_id = other.id
    db.commit()
    run_id = int(client.post(f"/plans/{demo_id}/runs", data={}).headers["Location"]
                 .rsplit("/", 1)[1])
    client.post(f"/plans/{demo_id}/runs/{run_id}/publish")
    page = _history(client, demo_id)
    assert (f"changed the stage of the moment of truth '{moment.name}' from '{old}' to "
            f"'{other.name}'") in page
    assert "published run #1 as the plan's decision" in page
    assert "ran run #1: optimal, impact" in page and "fingerprint of its inputs" in page


def test_an_answered_appeal_is_said_as_an_appeal(client, db, demo_id):
    """The lines planner/appeals/accept.py writes: the appeal's own, and its figures'."""
    with client.application.test_request_context():
        db.add_all([
            line(demo_id, "changed", "initiative", "rfid", "cost", "45,000", "30,000"),
            line(demo_id, "changed", "initiative", "rfid", "uplift on queue", "6", "8"),
            line(demo_id, "accepted", "appeal", "rfid", "appeal by Ben Ortiz", "",
                 "cost 30,000 instead of 45,000"),
            line(demo_id, "declined", "appeal", "rota", "appeal by Ben Ortiz", "",
                 "the pilot showed no change"),
        ])
    db.commit()
    page = _history(client, demo_id)
    names = {m.key: m.name for m in db.exec(select(Moment)).all()}
    assert ("accepted the appeal by Ben Ortiz for the initiative 'RFID stock visibility': "
            "cost 30,000 instead of 45,000") in page
    assert ("changed the cost of the initiative 'RFID stock visibility' from 45,000 to "
            "30,000") in page
    assert f"changed the uplift on '{names['queue']}' of the initiative" in page
    assert ("declined the appeal by Ben Ortiz for the initiative 'Footfall-based staff "
            "rota', because: the pilot showed no change") in page


def test_an_initiatives_uplifts_are_listed_by_the_moments_names(client, db, demo_id):
    with client.application.test_request_context():
        db.add(line(demo_id, "changed", "initiative", "rota", "effects", "greet 1; queue 6",
                    "greet 2; queue 6"))
    db.commit()
    names = {m.key: m.name for m in db.exec(select(Moment)).all()}
    assert (f"from '{names['greet']}' 1; '{names['queue']}' 6 to '{names['greet']}' 2; "
            f"'{names['queue']}' 6") in _history(client, demo_id)
