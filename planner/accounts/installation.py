"""The installation's own settings that its admins change in the app, kept in the
database (models.InstallationSetting) so that every process reads the same: for now,
whether local passwords sign in."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models import InstallationSetting

PASSWORDS = "passwords"  # key: local passwords sign in (True, the default) or not


def setting(session: Session, key: str, default: Any = None) -> Any:
    """The setting's value; `default` when it was never set."""
    row = session.get(InstallationSetting, key)
    return default if row is None else row.value


def set_setting(session: Session, key: str, value: Any) -> None:
    """Set it in the session (the caller commits)."""
    row = session.get(InstallationSetting, key)
    if row is None:
        session.add(InstallationSetting(key=key, value=value))
    else:
        row.value = value
        session.add(row)


def passwords_on(session: Session) -> bool:
    """Local passwords sign in: on unless an admin turned them off (only possible with an
    identity provider configured, so that someone can still sign in)."""
    return bool(setting(session, PASSWORDS, True))
