"""The Moments of Truth Planner web application: create_app() builds it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.settings import (  # noqa: F401 (ConfigError: planner's, for its callers)
    UNSET,
    ConfigError,
    defaults,
    environment_value,
    from_environment,
)

if TYPE_CHECKING:  # the `planner` command imports this package; only the app needs Flask
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev"
SECRET_KEY_FILE = "secret_key"


def create_app(test_config: dict[str, Any] | None = None, *,
               instance_path: str | None = None) -> Flask:
    """Build the app: the settings' defaults (planner/settings.py), then instance/config.py
    and the environment, then test_config.

    A mapping with TESTING true is used on its own (tests never read the environment). When
    nothing names a SECRET_KEY, the instance folder keeps one, made on the first start, so
    that sign-ins and open forms outlive a restart.
    """
    from flask import Flask

    instance_path = instance_path or environment_value("PLANNER_INSTANCE") or None
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path,
                template_folder=str(ROOT / "templates"), static_folder="static")
    app.config.from_mapping(defaults(Path(app.instance_path)))
    if not (test_config or {}).get("TESTING"):
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(from_environment())
    if test_config:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["SECRET_KEY"] == UNSET:
        app.config["SECRET_KEY"] = (DEFAULT_SECRET_KEY if app.testing else
                                    instance_secret_key(Path(app.instance_path)))
    _check_secret_key(app)

    from planner import accounts, database, demo, jobs, mail, service, sso, web

    database.init_app(app)
    jobs.init_app(app)
    mail.init_app(app)
    web.init_app(app)
    service.init_app(app)
    accounts.init_app(app)
    sso.init_app(app)
    demo.init_app(app)
    _register_blueprints(app)
    from planner import api

    api.init_app(app)  # after the pages: each operation takes its page's rule
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
        api,
        appeals,
        data_io,
        delivery,
        finance,
        groups,
        history,
        initiatives,
        jobs,
        journey,
        mail,
        notices,
        owners,
        plans,
        review,
        runs,
        sso,
        tokens,
        uncertainty,
    )

    for feature in (accounts, api, sso, groups, mail, notices, plans, journey, owners, delivery,
                    review, initiatives, runs, finance, uncertainty, data_io, history,
                    appeals, jobs, tokens):
        for blueprint in feature.blueprints():
            app.register_blueprint(blueprint)
