"""The demo plan (a store-retail journey) and plan import/export for the app's database."""

from __future__ import annotations

import calendar
import json
import math
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from sqlmodel import select

from models import Plan
from models.db import open_session
from models.plan import OPEN
from models.planfile import export_plan, import_plan, load_plan_rows

DEMO_PLAN = Path(__file__).resolve().parent / "retail-fy2027.json"

__all__ = ["DEMO_PLAN", "demo_document", "export_plan", "import_plan", "load_demo",
           "load_demo_cycles", "load_plan_rows"]


# Who is accountable for each of the demo's moments, across the departments whose work
# moves it: the example plan file names none, the demo shows the owners' pages with them.
DEMO_OWNERS = {"signage": "Marketing", "greet": "Stores", "racks": "Stores",
               "instock": "Logistics", "fitting": "Stores", "advice": "HR",
               "queue": "Stores", "thanks": "Stores", "returns": "Finance",
               "replenish": "Logistics", "rota": "HR", "approvals": "Finance"}


# A year of the store exit survey, month by month, before this cycle: each measured moment
# wanders a little around a slow drift and ends at the score the example plan gives it;
# the last cycle's focus moments climbed as its work landed (last_cycle.CLIMBS).
SURVEY_MONTHS = 12
SURVEY = "monthly store exit survey"


def demo_document() -> dict[str, Any]:
    """The demo plan: the example plan file, with an owner for every moment and a year of
    measured scores. Its figures stay the example's (the README's worked example); the
    last cycle's journey has a chain of back-stage steps (planner/demo/last_cycle.py)."""
    from planner.demo.last_cycle import CLIMBS

    document = json.loads(DEMO_PLAN.read_text(encoding="utf-8"))
    for moment in document["moments"]:
        moment.setdefault("owner", DEMO_OWNERS.get(moment["id"], ""))
    document.setdefault("measurements", demo_measurements(document["moments"], CLIMBS))
    return document


def demo_measurements(moments: list[dict[str, Any]], climbs: dict[str, float] | None = None
                      ) -> list[dict[str, Any]]:
    """Month-end scores from December 2025 to November 2026 of every moment with a score,
    each moment in `climbs` climbing that many points from February to August."""
    ends = []
    year, month = 2025, 12
    for _ in range(SURVEY_MONTHS):
        ends.append(date(year, month, calendar.monthrange(year, month)[1]).isoformat())
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    found = []
    for rank, moment in enumerate(m for m in moments if m.get("score") is not None):
        for months_before, day in zip(range(SURVEY_MONTHS - 1, -1, -1), ends, strict=True):
            wander = 1.5 * math.sin(1.7 * months_before + rank) * (months_before > 0)
            to_come = min(1.0, max(0.0, (months_before - 3) / 7))  # of the climb
            climb = (climbs or {}).get(moment["id"], 0.0) * to_come
            score = round(moment["score"] - 0.15 * months_before - climb + wander, 1)
            found.append({"moment": moment["id"], "date": day, "score": score,
                          "n": 380 + 37 * ((rank + months_before) % 5), "source": SURVEY})
    return found


def load_demo(app: Flask) -> int:
    """Load the demo plan into the app's database unless a plan of its name is there, open
    for proposals; its id."""
    document = demo_document()
    with open_session(app.extensions["planner_engine"], write=True) as session:
        existing = session.exec(select(Plan.id).where(Plan.name == document["plan"])).first()
        if existing is not None:
            return existing
        plan = import_plan(session, document, state=OPEN)  # where the teams propose
        session.commit()
        return plan.id


# The demo's accounts, one per role in the demo plan, printed when the demo starts: they
# exist only in a database the demo was loaded into (`planner serve --demo`, scripts/run).
DEMO_PASSWORD = "moments of truth demo"
DEMO_ACCOUNTS = (("lead@demo.example", "Cleo, CX lead", "lead", ""),
                 ("finance@demo.example", "Finn, finance", "finance", ""),
                 ("it@demo.example", "Ivy, IT team", "team", "IT"),
                 ("viewer@demo.example", "Vic, viewer", "viewer", ""))


def demo_accounts(app: Flask, *plan_ids: int) -> list[tuple[str, str]]:
    """The demo's accounts and their roles in the demo's plans (made if missing), as
    (email, role) to print."""
    from models import Membership
    from models.queries import team_ids
    from planner.accounts.users import add_user, find_user

    with open_session(app.extensions["planner_engine"], write=True) as session:
        for email, name, role, team in DEMO_ACCOUNTS:
            user = find_user(session, email) or add_user(
                session, email=email, name=name, password=DEMO_PASSWORD)
            for plan_id in plan_ids:
                if session.exec(select(Membership).where(
                        Membership.user_id == user.id,
                        Membership.plan_id == plan_id)).first() is None:
                    session.add(Membership(user_id=user.id, plan_id=plan_id, role=role,
                                           team_id=team_ids(session, plan_id, [team])[team]))
        session.commit()
    return [(email, role + (f" ({team})" if team else "")) for email, _, role, team
            in DEMO_ACCOUNTS]


def load_demo_cycles(app: Flask) -> tuple[int, int]:
    """The demo plan, open for proposals, and its last cycle, decided and measured since
    (planner/demo/last_cycle.py), each loaded unless there; their ids."""
    from planner.demo.last_cycle import load_last_cycle

    return load_demo(app), load_last_cycle(app, demo_document())


def init_app(app: Flask) -> None:
    """Add the `load-demo` command to `flask --app planner`."""
    import click

    @app.cli.command("load-demo")
    def load_demo_command() -> None:
        """Load the demo plan (store retail, FY2027) and its last cycle (FY2026) unless
        they are already there."""
        this, last = load_demo_cycles(app)
        click.echo(f"Demo plan ready (id {this}; its last cycle, decided: id {last}).")
