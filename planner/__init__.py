"""The Moments of Truth Planner web application: create_app() builds it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the `planner` command imports this package; only the app needs Flask
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev"


class ConfigError(RuntimeError):
    """The app is configured in a way that is unsafe or unusable."""


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py and the environment, then test_config.

    A mapping with TESTING true is used on its own (tests never read the environment).
    """
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder="static")
    app.config.from_mapping(
        SECRET_KEY=DEFAULT_SECRET_KEY,
        DATABASE_URL=f"sqlite:///{Path(app.instance_path) / 'planner.sqlite'}",
        # a 10,000-initiative workbook is about 0.6 MB; uploads are zip-checked before parsing
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        # how long a save waits for another's write lock (SQLite) before answering 503
        DATABASE_BUSY_TIMEOUT_MS=10_000,
        SOLVE_TIME_LIMIT=30.0,
        EXPLAIN_BATCH_SECONDS=20.0,  # "Explain all" keeps what it computed within this
        # Explanations made right after a run is saved, so that the say-no page, the team
        # view and the exports carry figures at once: within this many seconds, on plans of
        # at most this many initiatives (larger ones offer "Explain all" as before).
        EXPLAIN_WITH_RUN_SECONDS=2.0,
        EXPLAIN_WITH_RUN_UP_TO=500,
        SOLVER=None,  # None: the engine's default solver
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    if not (test_config or {}).get("TESTING"):
        app.config.from_pyfile("config.py", silent=True)
        for name in ("SECRET_KEY", "DATABASE_URL"):
            if os.environ.get(name):
                app.config[name] = os.environ[name]
        if os.environ.get("SESSION_COOKIE_SECURE"):  # served over HTTPS: cookies only there
            app.config["SESSION_COOKIE_SECURE"] = (
                os.environ["SESSION_COOKIE_SECURE"].strip().lower() in ("1", "true", "yes"))
    if test_config:
        app.config.from_mapping(test_config)
    _check_secret_key(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from planner import database, demo, web

    database.init_app(app)
    web.init_app(app)
    demo.init_app(app)
    _register_blueprints(app)
    return app


def _check_secret_key(app: Flask) -> None:
    key = app.config.get("SECRET_KEY")
    if app.testing or app.debug:
        return
    if not key or key == DEFAULT_SECRET_KEY:
        raise ConfigError("SECRET_KEY is missing or the default: set the SECRET_KEY environment "
                          "variable (or instance/config.py) to a long random value.")


def _register_blueprints(app: Flask) -> None:
    # One package per feature (the README's layout table), each listing its blueprints.
    from planner import data_io, finance, initiatives, journey, plans, runs

    for feature in (plans, journey, initiatives, runs, finance, data_io):
        for blueprint in feature.blueprints():
            app.register_blueprint(blueprint)
