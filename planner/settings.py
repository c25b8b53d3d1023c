"""Every setting of the app, once: its default, what it means, and whether the environment
may set it (README.md's Settings section says the same to the people who install it).

create_app applies them in this order: the defaults below, then the instance folder's
config.py, then the environment (for the settings it may set), then a test's own mapping;
an app made for a test (TESTING true in that mapping) reads neither config.py nor the
environment. Only the standard library here: the `planner` command and Alembic's
command line read settings without loading the web app."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UNSET = "unset: the instance folder's key"  # no configuration named a SECRET_KEY


class ConfigError(RuntimeError):
    """The app is configured in a way that is unsafe or unusable."""


def _yes(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes")


def _database_in(instance: Path) -> str:
    return f"sqlite:///{instance / 'planner.sqlite'}"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any  # a function of the instance folder where the default lies in it
    meaning: str
    environment: bool = False  # the environment variable of its name may set it
    read: Callable[[str], Any] = str  # the variable's text made into the value
    config: bool = True  # a setting of the app's config (instance/config.py may set it)

    def default_in(self, instance: Path) -> Any:
        return self.default(instance) if callable(self.default) else self.default


SETTINGS = (
    Setting("PLANNER_INSTANCE", None, "The instance folder (its config.py, the secret key's "
            "file, the SQLite database and the queue by default); unset: instance/ beside "
            "the code.", environment=True, config=False),
    Setting("SECRET_KEY", UNSET, "The session and CSRF key; unset: the instance folder keeps "
            "one, made at the first start.", environment=True),
    Setting("DATABASE_URL", _database_in, "SQLAlchemy URL of the database; unset: the SQLite "
            "file planner.sqlite in the instance folder.", environment=True),
    Setting("REDIS_URL", None, "The job queue on Redis; unset: the embedded queue in the "
            "instance folder's jobs.sqlite.", environment=True),
    Setting("SESSION_COOKIE_SECURE", False, "Cookies travel over HTTPS only (1, true or yes): "
            "for an app served over HTTPS.", environment=True, read=_yes),
    Setting("SESSION_COOKIE_HTTPONLY", True, "Scripts cannot read the session cookie."),
    Setting("SESSION_COOKIE_SAMESITE", "Lax", "Other sites' pages do not send the session "
            "cookie with their forms."),
    Setting("WTF_CSRF_TIME_LIMIT", None, "Seconds a form's CSRF token lasts; None: as long "
            "as the session."),
    # a 10,000-initiative workbook is about 0.6 MB; uploads are zip-checked before parsing
    Setting("MAX_CONTENT_LENGTH", 16 * 1024 * 1024, "The largest upload, in bytes."),
    Setting("DATABASE_BUSY_TIMEOUT_MS", 10_000, "How long a save waits for another's write "
            "before it answers 503, in milliseconds."),
    Setting("SOLVE_TIME_LIMIT", 30.0, "Seconds one solve (a run's, a scenario's, a frontier "
            "point's) or one explanation of a rejection may take."),
    Setting("SOLVER", None, "The solver of every solve (highs or cbc); None: the engine's "
            "default."),
    Setting("EXPLAIN_WITH_RUN_UP_TO", None, "A run's job explains every initiative it "
            "rejects on plans of at most this many initiatives (larger ones offer Explain "
            "all); None: every plan."),
    Setting("EXPLAIN_PROCESSES", 1, "The cores one job explains a run's rejections on (the "
            "queue's worker processes already run jobs side by side)."),
    Setting("JOBS_IMMEDIATE", False, "Jobs are done in the request that asks for them, not "
            "by a worker."),
    Setting("JOBS_STALE_SECONDS", 30.0, "A running job whose heartbeat is quiet this long "
            "has failed; every worker's reaper looks every third of it (0.5 to 15 s)."),
    Setting("ROBUST_PROCESSES", 2, "How many processes one robust job solves its samples on "
            "when no Redis queue shares them among workers."),
    Setting("JOBS_NICENESS", 10, "How much nicer a job worker's processes run than the "
            "pages (0: as the pages)."),
    Setting("RATELIMIT_STORAGE_URI", None, "Where failed sign-ins are counted, seen by "
            "every process (Flask-Limiter's storage URI); None: the Redis of REDIS_URL if "
            "set, else the database's rate_count table (planner/accounts/throttle.py). "
            "memory:// counts in each process apart: for one process only."),
    Setting("PUBLIC_URL", None, "The address people reach the planner at (https://planner."
            "example.com): the identity provider's redirect address and every link in a "
            "mail are made from it; unset: from the request's own host (a mail sent with no "
            "request behind it then uses the host its event was made on).", environment=True),
    Setting("OIDC_ISSUER", None, "The identity provider's issuer (OpenID Connect), whose "
            "/.well-known/openid-configuration is read; unset: no single sign-on. http:// "
            "only on a loopback address or with AUTHLIB_INSECURE_TRANSPORT=1.",
            environment=True),
    Setting("OIDC_CLIENT_ID", None, "The planner's client id at the identity provider.",
            environment=True),
    Setting("OIDC_CLIENT_SECRET", None, "The planner's client secret at the identity "
            "provider (sent by HTTP Basic, or in the form where the provider asks).",
            environment=True),
    Setting("OIDC_SCOPES", "openid email profile", "The scopes asked for, separated by "
            "spaces (add the provider's groups scope where it has one).", environment=True),
    Setting("OIDC_GROUPS_CLAIM", "groups", "The claim, in the ID token or from userinfo, "
            "that lists a person's groups as strings.", environment=True),
    Setting("OIDC_NAME", "your company account", "What the sign-in page's button names: "
            "\"Sign in with ...\".", environment=True),
    Setting("SMTP_HOST", None, "The SMTP server mails go out through; unset: no mail is "
            "written or sent.", environment=True),
    Setting("SMTP_PORT", 587, "The SMTP server's port.", environment=True, read=int),
    Setting("SMTP_USERNAME", None, "The login at the SMTP server; unset: no login.",
            environment=True),
    Setting("SMTP_PASSWORD", None, "The password of SMTP_USERNAME.", environment=True),
    Setting("SMTP_STARTTLS", True, "STARTTLS before anything else is said (false: none, "
            "for a server on the same machine or network).", environment=True, read=_yes),
    Setting("SMTP_TIMEOUT", 30.0, "Seconds to wait for the SMTP server at each step.",
            environment=True, read=float),
    Setting("MAIL_FROM", "planner@localhost", "The sender of every mail.",
            environment=True),
    Setting("MAIL_RETRY_SECONDS", 30.0, "The wait before a mail's second attempt after "
            "the SMTP server was away or said to wait; it doubles with each attempt, up to "
            "an hour.", environment=True, read=float),
    Setting("MAIL_ATTEMPTS", 10, "Attempts at a mail before it is failed (an admin may "
            "send it again from the outbox).", environment=True, read=int),
    Setting("MAIL_LEASE_SECONDS", 300.0, "How long a worker holds a mail it is sending: a "
            "worker that died mid-send leaves it to another after this.", environment=True,
            read=float),
    Setting("MAIL_SWEEP_SECONDS", 10.0, "How often every worker looks for mail due (a "
            "retry, a reminder, one whose worker died).", environment=True, read=float),
    Setting("API_RATE_LIMIT", "600 per minute", "How many API requests one token may make "
            "(Flask-Limiter's words: \"600 per minute\", \"20 per second\"); past it, 429 "
            "with Retry-After.", environment=True),
    Setting("RATELIMIT_HEADERS_ENABLED", True, "The sign-in's answers carry the rate "
            "limit's headers (Retry-After once throttled)."),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


def defaults(instance: Path) -> dict[str, Any]:
    """Every setting of the app's config at its default, for this instance folder."""
    return {s.name: s.default_in(instance) for s in SETTINGS if s.config}


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings of the app's config that the environment sets (a variable set empty
    sets nothing)."""
    environ = os.environ if environ is None else environ
    return {s.name: s.read(environ[s.name]) for s in SETTINGS
            if s.environment and s.config and environ.get(s.name)}


def environment_value(name: str) -> Any | None:
    """The value the environment gives this setting; None when it gives none."""
    setting = BY_NAME[name]
    if not setting.environment:
        raise KeyError(f"{name} is not read from the environment")
    text = os.environ.get(name)
    return setting.read(text) if text else None
