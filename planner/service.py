"""What the people who run the planner need of it: a health check a load balancer or a
monitor can ask (/healthz: the database answers, and which queue jobs go to), a log
line for every request with how long it took, and an app made ready for a server that
forks its workers from it."""

from __future__ import annotations

import logging
import time

from flask import Blueprint, Flask, current_app, g, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from planner.database import engine

bp = Blueprint("service", __name__)
requests_log = logging.getLogger("planner.requests")


def init_app(app: Flask) -> None:
    app.before_request(_started)
    app.after_request(_log_request)
    app.register_blueprint(bp)
    if not requests_log.handlers and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(message)s"))
        requests_log.addHandler(handler)
        requests_log.setLevel(logging.INFO)
        requests_log.propagate = False


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not; never cached."""
    try:
        with engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except SQLAlchemyError as error:
        database = f"unreachable: {type(error).__name__}"
    queue = type(current_app.extensions["planner_queue"]).__name__
    response = jsonify({"status": "ok" if database == "ok" else "failing",
                        "database": database, "queue": queue})
    response.status_code = 200 if database == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def ready_to_fork(app: Flask) -> None:
    """Do once, before the server forks its workers from this process, what each would
    otherwise do on its first pages (a few tenths of a second each, in the first answers
    after every start): compile every template and draw a first chart; and give the
    workers one queue of turns for password hashes. Then close every
    connection, to the database and to the queue, so that no worker shares one. Last, move
    every object made so far out of the garbage collector's sight (gc.freeze, as Python's
    documentation advises before a fork): a worker's first collections would otherwise
    touch every object it shares with this process, and copy their memory for itself."""
    import gc

    from sqlalchemy.orm import configure_mappers

    from planner.accounts.passwords import share_turns
    from planner.charts import warm_up

    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    warm_up()
    configure_mappers()
    share_turns()  # one password hash at a time in the whole server
    app.extensions["planner_engine"].dispose()
    app.extensions["planner_queue"].storage.close()
    gc.collect()
    gc.freeze()


def _started() -> None:
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    started = g.pop("request_started", None)
    if started is not None:
        requests_log.info("%s %s %s %.1f ms", request.method, request.full_path.rstrip("?"),
                          response.status_code, (time.perf_counter() - started) * 1000)
    return response
