"""`planner groups map|list|unmap` and `planner passwords on|off`: the group mappings and
the local-passwords switch of the People page, from the server's shell (to set an
installation up before anyone signs in, or to let passwords sign in again when the
identity provider is out of reach)."""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from planner.cli.plans import EXIT_BAD_INPUT, EXIT_OK

ROLE_CHOICES = ("lead", "finance", "viewer")  # as planner/groups/changes.py takes them


def add_commands(commands: Any) -> None:
    groups = commands.add_parser("groups", help="what the identity provider's groups give")
    actions = groups.add_subparsers(dest="action", required=True, parser_class=type(groups))
    mapper = actions.add_parser("map", help="give a group's members the admin right, a role "
                                            "or a team, from their next sign-in")
    _grant_options(mapper, required=True)
    mapper.set_defaults(run=_map)
    lister = actions.add_parser("list", help="every group mapping")
    lister.set_defaults(run=_list)
    unmapper = actions.add_parser("unmap", help="remove a group's mappings (those the "
                                                "options name; without any, all of them)")
    _grant_options(unmapper, required=False)
    unmapper.set_defaults(run=_unmap)
    switch = commands.add_parser("passwords", help="let local passwords sign in, or not "
                                                   "(off: only with an identity provider)")
    switch.add_argument("state", choices=("on", "off"))
    switch.set_defaults(run=_passwords)


def _grant_options(command: argparse.ArgumentParser, *, required: bool) -> None:
    command.add_argument("group", help="the group, exactly as the identity provider sends it")
    gives = command.add_mutually_exclusive_group(required=required)
    gives.add_argument("--admin", action="store_true", help="the installation admin right")
    gives.add_argument("--role", choices=ROLE_CHOICES, help="a role in a plan (or every plan)")
    gives.add_argument("--team", help="membership of this team, named as the plan shows it, "
                                      "in a plan (or every plan not closed)")
    command.add_argument("--plan", help="the plan's name or id (default: every plan)")


@contextmanager
def _app_session(write: bool = False) -> Iterator[tuple[Any, Any]]:
    """The app (its settings) and a session on its database, closed afterwards."""
    from models.db import open_session
    from planner import create_app

    # Not served: the key only satisfies the production check.
    app = create_app({"SECRET_KEY": secrets.token_hex(16)})
    engine = app.extensions["planner_engine"]
    try:
        with open_session(engine, write=write) as session:
            yield app, session
    finally:
        engine.dispose()


def _plan_id(session: Any, args: argparse.Namespace) -> int | None:
    """The --plan named: its id, None for every plan; LookupError when there is none."""
    if args.plan is None:
        return None
    from sqlmodel import select

    from models import Plan

    text = args.plan.strip()
    condition = (Plan.id == int(text)) if text.isdigit() and len(text) < 10 else (
        Plan.name == text)
    found = session.exec(select(Plan.id).where(condition)).first()
    if found is None:
        raise LookupError(f"--plan: there is no plan {args.plan!r}; `planner export` names "
                          "plans by the name the app shows, or by their id.")
    return found


def _grants(args: argparse.Namespace) -> str:
    return "admin" if args.admin else "role" if args.role else "team" if args.team is not None \
        else ""


def _refuse(message: str, what: str = "") -> int:
    """Say why on stderr (and what was not done); the exit code for it."""
    print(f"planner: {message}{' ' + what if what else ''}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _option(field: str) -> str:
    """The option (or argument) a field of planner/groups/changes.py comes from."""
    return {"group": "GROUP", "grants": "--admin, --role or --team"}.get(field, f"--{field}")


def _map(args: argparse.Namespace) -> int:
    from planner.accounts.people import gives
    from planner.groups.changes import MappingError, add_mapping, plan_names

    with _app_session(write=True) as (_, session):
        try:
            mapping = add_mapping(session, group=args.group, grants=_grants(args),
                                  role=args.role, plan_id=_plan_id(session, args),
                                  team=args.team)
        except MappingError as error:
            return _refuse(f"{_option(error.field)}: {error}", "No mapping was added.")
        except LookupError as error:
            return _refuse(str(error), "No mapping was added.")
        session.commit()
        print(f"Members of the group {mapping.group_name} get "
              f"{gives(mapping, plan_names(session))} at their next sign-in.")
    return EXIT_OK


def _list(_args: argparse.Namespace) -> int:
    from sqlmodel import select

    from models import GroupMapping
    from planner.accounts.people import gives
    from planner.groups.changes import plan_names

    with _app_session() as (_, session):
        mappings = session.exec(select(GroupMapping).order_by(GroupMapping.group_name,
                                                              GroupMapping.id)).all()
        names = plan_names(session)
        if not mappings:
            print("No group gives anything yet: `planner groups map GROUP ...` adds one.")
        width = max((len(mapping.group_name) for mapping in mappings), default=0)
        for mapping in mappings:
            print(f"{mapping.group_name:<{width}}  {gives(mapping, names)}")
    return EXIT_OK


def _unmap(args: argparse.Namespace) -> int:
    from models import GroupMapping
    from planner.accounts.people import gives
    from planner.groups.changes import plan_names, same_mappings

    with _app_session(write=True) as (_, session):
        try:
            plan_id = _plan_id(session, args)
        except LookupError as error:
            return _refuse(str(error), "No mapping was removed.")
        if args.team is not None and not args.team.strip():
            return _refuse("--team: name the team, as the plan shows it (such as IT).",
                           "Nothing was removed.")
        grants = _grants(args)
        like = GroupMapping(group_name=args.group, grants=grants, role=args.role,
                            plan_id=plan_id, team=args.team.strip() if args.team else None)
        # The options as `map` reads them (no --plan: every plan); none: all the group's.
        found = same_mappings(session, like, any_plan=args.plan is None and not grants)
        if not found:
            return _refuse(f"the group {args.group!r} has no such mapping "
                           "(`planner groups list` shows them).", "Nothing was removed.")
        names = plan_names(session)
        for mapping in found:
            print(f"The group {mapping.group_name} no longer gives {gives(mapping, names)}.")
            session.delete(mapping)
        session.commit()
        print("Its members lose what it gave at their next sign-in, unless another group "
              "gives it.")
    return EXIT_OK


def _passwords(args: argparse.Namespace) -> int:
    from planner.groups.changes import MappingError, set_passwords

    with _app_session(write=True) as (app, session):
        try:
            set_passwords(session, on=args.state == "on",
                          issuer=app.config.get("OIDC_ISSUER"))
        except MappingError as error:
            return _refuse(str(error))
        session.commit()
    print("Local passwords sign in." if args.state == "on" else
          "Local passwords no longer sign in: only the identity provider does.")
    return EXIT_OK
