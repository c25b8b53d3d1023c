"""`planner groups map|list|unmap` and `planner passwords on|off` against the test
database: each kind of mapping, the refusals naming their option, and passwords off only
with an identity provider."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import GroupMapping, Plan
from models.plan import OPEN
from planner.accounts.installation import passwords_on
from planner.cli import main


@pytest.fixture
def cli(app, db, database_url, monkeypatch, capsys):
    """Run `planner ...` against the test database, with no identity provider: (exit
    code, stdout, stderr). A plan "Spring 2027" is there."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("OIDC_ISSUER", raising=False)
    db.add(Plan(name="Spring 2027", state=OPEN))
    db.commit()

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as stopped:  # argparse's refusal of an option
            code = stopped.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _mappings(db) -> list[tuple]:
    db.rollback()
    return [(m.group_name, m.grants, m.role, m.plan_id is not None, m.team)
            for m in db.exec(select(GroupMapping).order_by(GroupMapping.id)).all()]


def test_map_list_and_unmap(cli, db):
    for args, said in (
            (("planner-admins", "--admin"), "get the installation admin right"),
            (("everyone", "--role", "viewer"), "get Viewer in every plan"),
            (("cx-leads", "--role", "lead", "--plan", "Spring 2027"),
             "get CX lead in Spring 2027"),
            (("team-it", "--team", "IT"), "get team member of IT in every plan not closed"),
            (("team-it", "--team", "IT", "--plan", "Spring 2027"),
             "get team member of IT in Spring 2027")):
        code, out, err = cli("groups", "map", *args)
        assert code == 0 and said in out, (args, err)
    assert _mappings(db) == [("planner-admins", "admin", None, False, None),
                             ("everyone", "role", "viewer", False, None),
                             ("cx-leads", "role", "lead", True, None),
                             ("team-it", "team", None, False, "IT"),
                             ("team-it", "team", None, True, "IT")]
    code, out, _ = cli("groups", "list")
    assert code == 0 and out.splitlines() == [
        "cx-leads        CX lead in Spring 2027",
        "everyone        Viewer in every plan",
        "planner-admins  the installation admin right",
        "team-it         team member of IT in every plan not closed",
        "team-it         team member of IT in Spring 2027"]
    # the options read as `map` reads them: no --plan is the every-plan mapping
    code, out, _ = cli("groups", "unmap", "team-it", "--team", "IT")
    assert code == 0 and "no longer gives team member of IT in every plan not closed" in out
    code, out, _ = cli("groups", "unmap", "cx-leads", "--role", "lead", "--plan",
                       "Spring 2027")
    assert code == 0 and "no longer gives CX lead in Spring 2027" in out
    code, out, _ = cli("groups", "unmap", "planner-admins")  # every mapping of the group
    assert code == 0 and "no longer gives the installation admin right" in out
    assert _mappings(db) == [("everyone", "role", "viewer", False, None),
                             ("team-it", "team", None, True, "IT")]


@pytest.mark.parametrize(("args", "words"), [
    (("groups", "map", "g", "--role", "lead", "--plan", "Winter"),
     "--plan: there is no plan 'Winter'"),
    (("groups", "map", "g", "--role", "owner"), "argument --role: invalid choice: 'owner'"),
    (("groups", "map", "g", "--team", " "), "--team: A team member belongs to a team"),
    (("groups", "map", "g"), "one of the arguments --admin --role --team is required"),
    (("groups", "map", "g", "--admin", "--role", "lead"),
     "argument --role: not allowed with argument --admin"),
    (("groups", "map", "g", "--admin", "--plan", "Spring 2027"),
     "--plan: The admin right is for the whole installation"),
    (("groups", "map", " ", "--admin"), "GROUP: Name the group"),
    (("groups", "map", "everyone", "--role", "viewer"),
     "GROUP: The group everyone already gives Viewer in every plan"),
    (("groups", "unmap", "nobody"), "the group 'nobody' has no such mapping"),
    (("groups", "unmap", "everyone", "--role", "lead"), "has no such mapping"),
    (("groups", "unmap", "everyone", "--plan", "Winter"), "--plan: there is no plan"),
    (("groups", "unmap", "everyone", "--team", ""), "--team: name the team"),
    (("passwords", "maybe"), "argument state: invalid choice: 'maybe'"),
    (("passwords", "off"), "Local passwords stay on: this installation has no identity "
                           "provider"),
], ids=["unknown-plan", "unknown-role", "team-unnamed", "nothing-given", "two-given",
        "admin-in-a-plan", "no-group", "already", "unmap-unknown", "unmap-other-role",
        "unmap-unknown-plan", "unmap-team-unnamed", "passwords-bad", "passwords-off-alone"])
def test_bad_input_is_refused_naming_the_option(cli, db, args, words):
    db.add(GroupMapping(group_name="everyone", grants="role", role="viewer"))
    db.commit()
    code, _, err = cli(*args)
    assert code == 2 and words in err, err
    assert _mappings(db) == [("everyone", "role", "viewer", False, None)]
    db.rollback()
    assert passwords_on(db)


def test_passwords_off_and_on_with_an_identity_provider(cli, db, monkeypatch):
    for name, value in (("OIDC_ISSUER", "http://127.0.0.1:9/realms/company"),
                        ("OIDC_CLIENT_ID", "planner"), ("OIDC_CLIENT_SECRET", "secret")):
        monkeypatch.setenv(name, value)
    code, out, _ = cli("passwords", "off")
    assert code == 0 and "no longer sign in" in out
    db.rollback()
    assert not passwords_on(db)
    monkeypatch.delenv("OIDC_ISSUER")  # the way back in works without the provider
    code, out, _ = cli("passwords", "on")
    assert code == 0 and out == "Local passwords sign in.\n"
    db.rollback()
    assert passwords_on(db)
