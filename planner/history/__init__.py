"""The decision record of a plan: every change, run and publication with who and when
(capture), and its History page with a CSV export (views)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    from planner.history import capture, views

    capture.install()
    return (views.bp,)
