"""`planner tokens add|list|revoke` against the test database: a token printed once that
the API takes, listed without its secret, revoked at once; refusals name their option."""

from __future__ import annotations

import re

import pytest

from planner.cli import main
from tests.api.conftest import call
from tests.webapp import ADMIN_EMAIL


@pytest.fixture
def cli(app, database_url, monkeypatch, capsys):
    """Run `planner ...` against the test database: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main([str(arg) for arg in args])
        except SystemExit as stopped:  # argparse's refusal of an option
            code = stopped.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_add_list_and_revoke(app, cli):
    code, out, err = cli("tokens", "add", ADMIN_EMAIL.upper(), "--scope", "write",
                         "--expires", "7", "--name", "Nightly sync")
    assert code == 0, err
    secret = re.search(r"^(mot_\S+)$", out, re.M).group(1)
    assert "shown this once" in out and "Authorization: Bearer" in out
    token_id = int(re.search(r"Token (\d+)", out).group(1))
    client = app.test_client()
    assert call(client, "GET", "/api/v1/plans", secret).status_code == 200
    code, out, _ = cli("tokens", "list")
    assert code == 0 and "'Nightly sync'" in out and "write" in out and ADMIN_EMAIL in out
    assert secret not in out and secret[:8] in out
    code, out, _ = cli("tokens", "list", "nobody@example.com")
    assert code == 2
    assert cli("tokens", "revoke", token_id)[0] == 0
    assert call(client, "GET", "/api/v1/plans", secret).status_code == 401
    code, out, _ = cli("tokens", "list", ADMIN_EMAIL)
    assert "revoked" in out


@pytest.mark.parametrize(("args", "named"), [
    (("add", "nobody@example.com"), "EMAIL"),
    (("add", ADMIN_EMAIL, "--expires", "0"), "--expires"),
    (("add", ADMIN_EMAIL, "--expires", "3651"), "--expires"),
    (("add", ADMIN_EMAIL, "--scope", "admin"), "--scope"),
    (("add", ADMIN_EMAIL, "--name", " "), "--name"),
    (("revoke", "999999"), "ID"),
    (("revoke", "x"), "id"),
], ids=["unknown-email", "expires-0", "expires-too-long", "scope", "empty-name",
        "unknown-id", "id-not-a-number"])
def test_refusals_name_the_option(cli, args, named):
    code, out, err = cli("tokens", *args)
    assert code == 2 and named in err and not re.search(r"mot_\S{20}", out)
