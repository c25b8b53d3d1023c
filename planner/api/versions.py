"""Versions checked on every change: a row's GET answers its version as an ETag, and a
change must send it back as If-Match. A change sent without one is refused (428); one
made from a stale version is refused (412) with the version as it is now, and nothing is
overwritten. The version is the row's own counter (Plan.version, Moment.version, ...),
which the pages' forms already check the same way."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError

from planner.database import get_session
from planner.views import claim_version

ETAG_HELP = "The row's version: send it back as If-Match with a change."


def etag(version: int) -> str:
    return f'"{version}"'


def with_etag(response: Response, version: int) -> Response:
    response.headers["ETag"] = etag(version)
    return response


def check_if_match(version: int) -> None:
    """Refuse a change that does not name the row's version now."""
    sent = request.headers.get("If-Match")
    if not sent:
        abort(428, message="Send the version you change as If-Match (the ETag of its GET): "
                           "nothing was changed.", current_version=version,
              headers={"ETag": etag(version)})
    wanted = {tag.strip().removeprefix("W/") for tag in sent.split(",")}
    if "*" not in wanted and etag(version) not in wanted:
        abort(412, message=f"This was changed since (it is at version {version} now): read "
                           "it again and make your change on that; nothing was changed.",
              current_version=version, headers={"ETag": etag(version)})


def claimed(row: Any) -> None:
    """Move the row to its next version, or 412 when another change took it first (its
    If-Match already checked)."""
    session = get_session()
    if claim_version(session, row, row.version):
        return
    now = session.get(type(row), row.id)
    if now is None:
        abort(404, message="It was deleted meanwhile; nothing was changed.")
    check_if_match(now.version)
    abort(412, message="This was changed at the same moment: read it again and make your "
                       "change on that; nothing was changed.", current_version=now.version,
          headers={"ETag": etag(now.version)})


def committed() -> None:
    """Commit the request's change; 409, nothing saved, where the database refuses it."""
    session = get_session()
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        abort(409, message="That change clashes with a record saved at the same moment (a "
                           "duplicate id?). Nothing was saved.")
