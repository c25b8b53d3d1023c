"""Lists that grow, read page by page with a cursor: `?limit=` (1 to 200, 50 by default)
and `?cursor=` from the last page's `next_cursor`. The cursor is the last row's id, so a
page never skips or repeats a row when others are added meanwhile (an offset would)."""

from __future__ import annotations

import base64
from typing import Any

from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy.sql import Select
from sqlmodel import Session

LONGEST_PAGE, PAGE = 200, 50


class PageArgs(Schema):
    limit = fields.Integer(load_default=PAGE, validate=validate.Range(1, LONGEST_PAGE),
                           metadata={"description": "Rows on a page (1 to 200)."})
    cursor = fields.String(load_default=None, validate=validate.Length(max=64),
                           metadata={"description": "The last page's next_cursor; "
                                                    "none: the first page."})


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """The schema of a page of `item`s: the items and the cursor of the next page."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item), required=True),
        "next_cursor": fields.String(required=True, allow_none=True, metadata={
            "description": "Send as ?cursor= for the next page; null: this is the last."}),
    }, name=name)


def _after(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        after = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError):
        after = -1
    if not 0 <= after < 2**31:
        abort(422, errors=[{"field": "cursor", "detail": "Not a cursor this API gave: "
                                                         "start again without one."}])
    return after


def paged(session: Session, statement: Select, key: Any, args: dict[str, Any],
          shape=lambda row: row) -> dict[str, Any]:
    """One page of the statement's rows, ordered by `key` (a unique, growing column: the
    rows' id), each made into its item by `shape`."""
    rows = session.exec(statement.where(key > _after(args["cursor"])).order_by(key)
                        .limit(args["limit"] + 1)).all()
    more = len(rows) > args["limit"]
    rows = rows[:args["limit"]]
    last = getattr(rows[-1], "id", None) if rows else None
    return {"items": [shape(row) for row in rows],
            "next_cursor": base64.urlsafe_b64encode(str(last).encode()).decode().rstrip("=")
            if more and last is not None else None}
