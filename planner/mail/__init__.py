"""Mail: the outbox every mail is written to, and its sending by the job queue's workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Blueprint, Flask


def init_app(app: Flask) -> None:
    """The outbox's sending, when SMTP_HOST is set."""


def blueprints() -> tuple[Blueprint, ...]:
    return ()
