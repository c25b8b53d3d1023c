"""The Moments of Truth Planner web application: create_app() builds it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the `planner` command imports this package; only the app needs Flask
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev"
UNSET = "unset: the instance folder's key"  # no configuration named a SECRET_KEY
SECRET_KEY_FILE = "secret_key"


class ConfigError(RuntimeError):
    """The app is configured in a way that is unsafe or unusable."""


def create_app(test_config: dict[str, Any] | None = None, *,
               instance_path: str | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py and the environment, then test_config.

    A mapping with TESTING true is used on its own (tests never read the environment). When
    nothing names a SECRET_KEY, the instance folder keeps one, made on the first start, so
    that sign-ins and open forms outlive a restart.
    """
    from flask import Flask

    instance_path = instance_path or os.environ.get("PLANNER_INSTANCE") or None
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path,
                template_folder=str(ROOT / "templates"), static_folder="static")
    app.config.from_mapping(
        SECRET_KEY=UNSET,
        DATABASE_URL=f"sqlite:///{Path(app.instance_path) / 'planner.sqlite'}",
        # a 10,000-initiative workbook is about 0.6 MB; uploads are zip-checked before parsing
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        # how long a save waits for another's write lock (SQLite) before answering 503
        DATABASE_BUSY_TIMEOUT_MS=10_000,
        SOLVE_TIME_LIMIT=30.0,
        # A run's job explains every initiative it rejects, so that the say-no page, the team
        # view and the exports carry figures at once; on plans of at most this many
        # initiatives (None: every plan; larger ones offer "Explain all").
        EXPLAIN_WITH_RUN_UP_TO=None,
        # The cores one job explains a run's rejections on: 1, since the queue's worker
        # processes already run jobs side by side; more on a worker machine of its own.
        EXPLAIN_PROCESSES=1,
        SOLVER=None,  # None: the engine's default solver
        # Long work goes to a worker (planner/jobs): Huey's SQLite file in the instance
        # folder, or Redis at REDIS_URL; JOBS_IMMEDIATE does it in the request instead.
        JOBS_IMMEDIATE=False,
        REDIS_URL=None,
        JOBS_STALE_SECONDS=30.0,  # a running job's heartbeat quiet this long: it failed
        # A job worker's processes run this much nicer than the server's, so that on a
        # machine that does both, solves take the cores the pages leave (0: as the pages).
        JOBS_NICENESS=10,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    if not (test_config or {}).get("TESTING"):
        app.config.from_pyfile("config.py", silent=True)
        for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
            if os.environ.get(name):
                app.config[name] = os.environ[name]
        if os.environ.get("SESSION_COOKIE_SECURE"):  # served over HTTPS: cookies only there
            app.config["SESSION_COOKIE_SECURE"] = (
                os.environ["SESSION_COOKIE_SECURE"].strip().lower() in ("1", "true", "yes"))
    if test_config:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["SECRET_KEY"] == UNSET:
        app.config["SECRET_KEY"] = (DEFAULT_SECRET_KEY if app.testing else
                                    instance_secret_key(Path(app.instance_path)))
    _check_secret_key(app)

    from planner import accounts, database, demo, jobs, service, web

    database.init_app(app)
    jobs.init_app(app)
    web.init_app(app)
    service.init_app(app)
    accounts.init_app(app)
    demo.init_app(app)
    _register_blueprints(app)
    return app


def instance_secret_key(folder: Path) -> str:
    """The key kept in the instance folder, made on first use, readable by its owner only.
    Two processes starting at once agree: the file is created exclusively, and the one that
    loses waits for the other's key."""
    import secrets
    import time

    path = folder / SECRET_KEY_FILE
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            key = path.read_text(encoding="ascii").strip()
            if key:
                return key
            time.sleep(0.02)
        raise ConfigError(f"{path} is empty: delete it, or set SECRET_KEY") from None
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return key


def _check_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if app.testing or app.debug:
        return
    if not key or key == DEFAULT_SECRET_KEY:
        raise ConfigError("SECRET_KEY is missing or the default: set the SECRET_KEY environment "
                          "variable (or instance/config.py) to a long random value.")


def _register_blueprints(app: Flask) -> None:
    # One package per feature (the README's layout table), each listing its blueprints.
    from planner import (
        accounts,
        appeals,
        data_io,
        delivery,
        finance,
        history,
        initiatives,
        jobs,
        journey,
        owners,
        plans,
        review,
        runs,
    )

    for feature in (accounts, plans, journey, owners, delivery, review, initiatives, runs,
                    finance, data_io, history, appeals, jobs):
        for blueprint in feature.blueprints():
            app.register_blueprint(blueprint)
