"""`planner users add EMAIL [--admin]`: an account in the app's database. The password is
asked at a terminal (twice, not echoed); from a script, the first line of standard input is
the password and the second its confirmation."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from planner.cli.plans import EXIT_BAD_INPUT, EXIT_OK, app_engine


def add_commands(commands: Any) -> None:
    users = commands.add_parser("users", help="the people who sign in to the web app")
    actions = users.add_subparsers(dest="action", required=True, parser_class=type(users))
    add = actions.add_parser("add", help="add an account (the password is asked for)")
    add.add_argument("email")
    add.add_argument("--name", default="", help="as shown in the app (default: the email)")
    add.add_argument("--admin", action="store_true",
                     help="an installation admin, who may do everything in every plan")
    add.set_defaults(run=_add)


def _password() -> tuple[str, str]:
    if sys.stdin.isatty():
        return (getpass.getpass("Password (at least 12 characters): "),
                getpass.getpass("The password again: "))
    lines = sys.stdin.read().splitlines()
    return (lines[0] if lines else ""), (lines[1] if len(lines) > 1 else "")


def _add(args: argparse.Namespace) -> int:
    from models.db import open_session
    from planner.accounts.users import AccountError, add_user

    password, again = _password()
    if password != again:
        print("planner: the two passwords differ; no account was added.", file=sys.stderr)
        return EXIT_BAD_INPUT
    with app_engine() as engine, open_session(engine, write=True) as session:
        try:
            user = add_user(session, email=args.email, name=args.name, password=password,
                            admin=args.admin)
        except AccountError as error:
            print(f"planner: {error} No account was added.", file=sys.stderr)
            return EXIT_BAD_INPUT
        session.commit()
        print(f"Added {user.email}{' (admin)' if user.admin else ''}.")
    return EXIT_OK
