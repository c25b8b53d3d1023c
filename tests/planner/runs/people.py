"""People with a role in a plan, for the tests of what each role sees: one account per
role, and a client signed in as it."""

from __future__ import annotations

from sqlmodel import select

from models import Membership, Run, User
from models.queries import team_ids
from tests.webapp import nobodys_password_hash, signed_in_client

ROLES = ("lead", "finance", "team", "viewer")


def with_roles(app, db, plan_id: int, team: str = "Stores") -> dict:
    """A signed-in client per role in the plan (the team member: of `team`)."""
    hashed = nobodys_password_hash()
    for role in ROLES:
        user = User(email=f"{role}@example.com", name=role.capitalize(), password_hash=hashed)
        db.add(user)
        db.flush()
        own = team if role == "team" else ""
        db.add(Membership(user_id=user.id, plan_id=plan_id, role=role,
                          team_id=team_ids(db, plan_id, [own])[own]))
    db.commit()
    return {role: signed_in_client(app, f"{role}@example.com") for role in ROLES}


def post_run(client, plan_id: int, **data) -> Run | None:
    """Post the run form (as this client) and return the run it saved, read afresh."""
    from models.db import open_session

    response = client.post(f"/plans/{plan_id}/runs", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    engine = client.application.extensions["planner_engine"]
    with open_session(engine) as session:
        run = session.exec(select(Run).where(Run.id == run_id)).one()
        session.expunge(run)
    return run
