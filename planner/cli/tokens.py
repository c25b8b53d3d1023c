"""`planner tokens add|list|revoke`: personal access tokens for the JSON API from the
server's shell, as one's account page makes them (planner/tokens): to give a program its
token before anyone signs in, or to revoke a leaked one at once. A token made is printed
once; the database keeps only its hash."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from planner.cli.arguments import whole
from planner.cli.plans import EXIT_BAD_INPUT, EXIT_OK, app_engine

LONGEST_DAYS = 3650  # as the account page allows (planner/tokens/views.py)
LONGEST_NAME = 100


def add_commands(commands: Any) -> None:
    tokens = commands.add_parser("tokens", help="personal access tokens for the JSON API")
    actions = tokens.add_subparsers(dest="action", required=True, parser_class=type(tokens))
    add = actions.add_parser("add", help="make a token for an account (printed once)")
    add.add_argument("email", help="the account's email address")
    add.add_argument("--scope", choices=("read", "write"), default="read",
                     help="read (the default): opens what the account may open; write: "
                          "also changes what it may change")
    add.add_argument("--expires", type=whole(1, LONGEST_DAYS), metavar="DAYS",
                     help=f"days until it expires (1 to {LONGEST_DAYS:,}; default: never)")
    add.add_argument("--name", default="command line",
                     help="what uses it, to tell it apart (default: command line)")
    add.set_defaults(run=_add)
    lister = actions.add_parser("list", help="the tokens of an account, or of everyone")
    lister.add_argument("email", nargs="?", help="the account's email address (default: all)")
    lister.set_defaults(run=_list)
    revoke = actions.add_parser("revoke", help="revoke a token: its next request is refused")
    revoke.add_argument("id", type=whole(1), help="the token's id, as `planner tokens list` "
                                                  "shows it")
    revoke.set_defaults(run=_revoke)


def _refuse(message: str) -> int:
    print(f"planner: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _add(args: argparse.Namespace) -> int:
    from models.db import open_session
    from planner.accounts.users import find_user
    from planner.api.tokens import make_token

    name = args.name.strip()
    if not name or len(name) > LONGEST_NAME:
        return _refuse(f"--name: give 1 to {LONGEST_NAME} characters. No token was made.")
    with app_engine() as engine, open_session(engine, write=True) as session:
        user = find_user(session, args.email)
        if user is None:
            return _refuse(f"EMAIL: there is no account {args.email!r} (`planner users add "
                           "EMAIL` adds one). No token was made.")
        if not user.active:
            return _refuse(f"EMAIL: the account {user.email} is stopped; an admin starts it "
                           "again on the People page. No token was made.")
        token, secret = make_token(session, user, name=name, scope=args.scope,
                                   days=args.expires)
        session.commit()
        expires = f"until {_when(token.expires_at)}" if token.expires_at else "until revoked"
        print(f"Token {token.id} ({token.name!r}, {token.scope}, {expires}) of {user.email}, "
              "shown this once:")
        print(secret)
        print("Send it as the header `Authorization: Bearer <token>` to /api/v1/...; "
              "the reference is at /api.")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from sqlmodel import select

    from models import ApiToken, User
    from models.db import open_session
    from planner.accounts.users import find_user

    with app_engine() as engine, open_session(engine) as session:
        statement = select(ApiToken, User.email).join(User, User.id == ApiToken.user_id)
        if args.email is not None:
            user = find_user(session, args.email)
            if user is None:
                return _refuse(f"EMAIL: there is no account {args.email!r}.")
            statement = statement.where(ApiToken.user_id == user.id)
        rows = session.exec(statement.order_by(ApiToken.id)).all()
        if not rows:
            print("No token yet: `planner tokens add EMAIL` makes one.")
        for token, email in rows:
            state = (f"revoked {_when(token.revoked_at)}" if token.revoked_at else
                     f"expires {_when(token.expires_at)}" if token.expires_at else "active")
            used = _when(token.last_used_at) if token.last_used_at else "never used"
            print(f"{token.id:>5}  {email}  {token.prefix}…  {token.scope:<5}  "
                  f"{token.name!r}  made {_when(token.created_at)}  {state}  {used}")
    return EXIT_OK


def _revoke(args: argparse.Namespace) -> int:
    from models import ApiToken
    from models.base import utcnow
    from models.db import open_session

    with app_engine() as engine, open_session(engine, write=True) as session:
        token = session.get(ApiToken, args.id)
        if token is None:
            return _refuse(f"ID: there is no token {args.id} (`planner tokens list` shows "
                           "them). Nothing was revoked.")
        if token.revoked_at is not None:
            print(f"Token {token.id} ({token.name!r}) was revoked already.")
            return EXIT_OK
        token.revoked_at = utcnow()
        session.add(token)
        session.commit()
        print(f"Token {token.id} ({token.name!r}) is revoked: its next request is refused.")
    return EXIT_OK


def _when(moment: Any) -> str:
    from planner.web import when

    return when(moment)
