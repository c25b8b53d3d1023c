"""Fixtures of the single sign-on tests: one identity provider per test module (a node
process, tests/sso/idp.py), and the module's app signing in through it (the `app` fixture
of tests.webapp then points it at each test's database, as for every other test).

A module names the groups claim its provider sends with GROUPS_CLAIM (default "groups")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from planner import create_app
from tests.sso.idp import Browser, Provider, running_provider
from tests.webapp import ADMIN, TEST_CONFIG, SQLiteStates


@pytest.fixture(scope="module")
def provider(request) -> Iterator[Provider]:
    with running_provider(getattr(request.module, "GROUPS_CLAIM", "groups")) as running:
        yield running


@pytest.fixture(scope="module")
def module_app(database_states, tmp_path_factory, provider):
    """The app with the tests' configuration and this module's provider."""
    url = database_states.fresh(ADMIN, tmp_path_factory.mktemp("app")) if isinstance(
        database_states, SQLiteStates) else database_states.url
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url, **provider.settings()})
    yield app
    app.extensions["planner_engine"].dispose()


@pytest.fixture
def browser(provider) -> Browser:
    """A new browser at the provider: no session there yet."""
    return Browser(provider)
