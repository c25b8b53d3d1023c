"""Group mappings: the identity provider's groups and the roles their members get here,
applied at each sign-in through the provider (mapping.py), kept by admins on the People
page (views.py) or with `planner groups` (planner/cli/groups.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    """The feature's pages; imported only when an app is made."""
    from planner.groups import views

    return (views.bp,)
