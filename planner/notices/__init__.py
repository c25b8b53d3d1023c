"""Notices: what the planner tells people by mail, and when. Each module composes one
kind of message from the database and writes it to the outbox (planner/mail) in the
transaction of the change it tells of, connected to the signal that change's view sends:
a decision published (decisions.py), an appeal made or answered (appeals.py), proposals
opened, and their reminder two days before they close (proposals.py). The features send
their signals and know nothing of mail: notices build on them, never the reverse."""

from __future__ import annotations

from typing import TYPE_CHECKING

# Imported for their connections to the features' signals and the outbox's producers.
from planner.notices import appeals, decisions, proposals  # noqa: F401

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    return ()
