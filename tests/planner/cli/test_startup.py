"""The command line loads only what a command uses: solving a plan file needs the engine,
not the web app, the database or the spreadsheet and chart libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import EXAMPLE_PLAN

HEAVY = ("flask", "sqlmodel", "sqlalchemy", "pandas", "matplotlib", "openpyxl", "wtforms")
PROBE = """
import sys
try:
    from planner.cli import main
    sys.exit(main(sys.argv[1:]))
finally:
    loaded = sorted(name for name in {heavy!r} if name in sys.modules)
    print("LOADED", ",".join(loaded), file=sys.stderr)
"""


@pytest.mark.parametrize("command", [
    ["--help"],
    ["solve", str(EXAMPLE_PLAN), "--json"],
    ["explain", str(EXAMPLE_PLAN), "selfcheck"],  # a rejected initiative
    ["frontier", str(EXAMPLE_PLAN), "--points", "3"],
])
def test_engine_commands_load_no_web_database_or_spreadsheet_code(command):
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *command],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.rsplit("LOADED", 1)[1].strip() == "", done.stderr


def test_the_probe_sees_a_heavy_import():
    probe = PROBE.replace("    from planner.cli import main",
                          "    import pandas\n    from planner.cli import main")
    done = subprocess.run([sys.executable, "-c", probe.format(heavy=HEAVY), "solve",
                           str(EXAMPLE_PLAN), "--json"], capture_output=True, text=True,
                          timeout=120)
    assert "LOADED pandas" in done.stderr
