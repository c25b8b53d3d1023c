"""Appeals: a team argues, with new figures and evidence, against a rejection in the
published decision; the CX lead sees what the figures would change, and accepts (the
figures become the initiative's) or declines with a reason, which the team reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    from planner.appeals import views

    return (views.bp,)
