"""Writes that a retry could double (starting a run, an import) take an Idempotency-Key:
the first request with a key is done and its answer kept; the same key again, with the
same request, gets the same answer and does nothing; with another request, it is refused
(422). Keys are per person, kept with the answer (models.IdempotentRequest)."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from flask import Response, json, request
from flask_login import current_user
from flask_smorest import abort
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models import IdempotentRequest
from planner.database import get_session, holds_the_write_lock, reading, writing_apart

HEADER = "Idempotency-Key"
LONGEST_KEY = 255
# How an operation that takes the key describes it (put beside @idempotent: @blp.doc).
KEY_HEADER = {"in": "header", "name": "Idempotency-Key", "required": False,
              "schema": {"type": "string", "maxLength": LONGEST_KEY},
              "description": "Any text unique to this request (a UUID): the same key sent "
                             "again gets the first answer, and starts nothing more."}



def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Keep the view's answer under the request's Idempotency-Key, if it sends one."""
    @functools.wraps(view)
    def once(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view(*args, **kwargs)
        if len(key) > LONGEST_KEY:
            abort(422, errors=[{"field": HEADER, "detail": f"At most {LONGEST_KEY} "
                                                           "characters."}])
        digest = hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode(),
                                            request.get_data()])).hexdigest()
        user_id = current_user.user.id
        with reading() as session:
            kept = session.exec(select(IdempotentRequest).where(
                IdempotentRequest.user_id == user_id, IdempotentRequest.key == key)).first()
        if kept is not None:
            if kept.request_hash != digest:
                abort(422, errors=[{"field": HEADER, "detail": "This key was sent before "
                                    "with another request: use a new key for a new one."}])
            answer = Response(json.dumps(kept.response), status=kept.status,
                              mimetype="application/json")
            if kept.location:
                answer.headers["Location"] = kept.location
            answer.headers["Idempotent-Replayed"] = "true"
            return answer
        answer = view(*args, **kwargs)
        response = answer if isinstance(answer, Response) else None
        if response is not None and response.status_code < 500 and response.is_json:
            if holds_the_write_lock():  # a read after the view's commit took it again
                get_session().commit()
            with writing_apart() as session:
                session.add(IdempotentRequest(
                    user_id=user_id, key=key, request_hash=digest,
                    status=response.status_code, response=response.get_json(),
                    location=response.headers.get("Location", "")))
                try:
                    session.commit()
                except IntegrityError:  # the same key at the same moment: the first kept
                    session.rollback()
        return answer
    return once
