"""Versions checked on every change: a row's GET answers its version as an ETag, and a
change must send it back as If-Match. A change sent without one is refused (428); one
made from a stale version is refused (412) with the version as it is now, and nothing is
overwritten. The version is the row's own counter (Plan.version, Moment.version, ...),
which the pages' forms already check the same way."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import abort

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
