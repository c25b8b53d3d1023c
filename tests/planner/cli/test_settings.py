"""The settings (planner/settings.py): each is documented, each one the code reads is
declared there, and an installation's own settings win over the defaults in one order:
instance/config.py, then the environment, then a test's own mapping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from planner import create_app
from planner.settings import BY_NAME, SETTINGS, Setting

ROOT = Path(__file__).resolve().parents[3]
# What names a setting in the code: app.config["NAME"], config.get("NAME"),
# os.environ.get("NAME"), os.environ["NAME"], os.getenv("NAME"), environment_value("NAME").
READ = re.compile(r"""config(?:\[|\.get\(|\.setdefault\()\s*["']([A-Z][A-Z0-9_]*)["']""")
FROM_ENVIRONMENT = re.compile(r"""(?:environ(?:\[|\.get\()|getenv\(|environment_value\()"""
                              r"""\s*["']([A-Z][A-Z0-9_]*)["']""")


def _documentation() -> str:
    """README.md's Settings section and every page of docs/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    pages = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").rglob("*.md"))]
    return "\n".join([section, *pages])


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_settings_are_documented(setting: Setting):
    assert f"`{setting.name}`" in _documentation()


def _code() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
            for package in ("planner", "models") for path in sorted((ROOT / package).rglob("*.py"))
            if path.name != "settings.py"}


def test_every_setting_the_code_reads_is_declared():
    read = {f"{path}: {name}" for path, text in _code().items() for name in READ.findall(text)
            if name not in BY_NAME}
    from_environment = {f"{path}: {name}" for path, text in _code().items()
                        for name in FROM_ENVIRONMENT.findall(text)
                        if name not in BY_NAME or not BY_NAME[name].environment}
    assert read == set() and from_environment == set()


def test_the_rules_see_every_way_of_reading_a_setting():
    text = ('app.config["A_ONE"]; current_app.config.get("B_TWO"); config.setdefault("C", 1)\n'
            'os.environ.get("D_FOUR"); os.environ["E"]; os.getenv("F"); environment_value("G")')
    assert READ.findall(text) == ["A_ONE", "B_TWO", "C"]
    assert FROM_ENVIRONMENT.findall(text) == ["D_FOUR", "E", "F", "G"]


@pytest.fixture
def instance(tmp_path, monkeypatch) -> Path:
    """An instance folder with a config.py, and an environment that sets only what a test
    sets in it."""
    for setting in SETTINGS:
        monkeypatch.delenv(setting.name, raising=False)
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "config.py").write_text(
        "SOLVE_TIME_LIMIT = 12.0\nJOBS_STALE_SECONDS = 45.0\nSESSION_COOKIE_SECURE = True\n",
        encoding="utf-8")
    monkeypatch.setenv("SECRET_KEY", "the settings test's own long key")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "false")
    monkeypatch.setenv("SOLVE_TIME_LIMIT", "99")  # not a setting the environment may set
    return folder


def test_config_py_then_the_environment_then_the_given_mapping_win(instance, database_url):
    app = create_app({"DATABASE_URL": database_url, "JOBS_STALE_SECONDS": 5.0},
                     instance_path=str(instance))
    try:
        assert app.config["SOLVE_TIME_LIMIT"] == 12.0  # config.py
        assert app.config["SESSION_COOKIE_SECURE"] is False  # the environment over config.py
        assert app.config["JOBS_STALE_SECONDS"] == 5.0  # the mapping over config.py
        assert app.config["SECRET_KEY"] == "the settings test's own long key"
        assert app.config["JOBS_NICENESS"] == BY_NAME["JOBS_NICENESS"].default
    finally:
        app.extensions["planner_engine"].dispose()


def test_a_test_app_reads_neither_config_py_nor_the_environment(instance, database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url},
                     instance_path=str(instance))
    try:
        for name in ("SOLVE_TIME_LIMIT", "JOBS_STALE_SECONDS", "SESSION_COOKIE_SECURE"):
            assert app.config[name] == BY_NAME[name].default, name
        assert app.config["SECRET_KEY"] == "dev"
    finally:
        app.extensions["planner_engine"].dispose()


def test_every_setting_of_the_config_has_its_default(tmp_path, database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url},
                     instance_path=str(tmp_path))
    try:
        for setting in SETTINGS:
            if setting.config and setting.name not in ("SECRET_KEY", "DATABASE_URL"):
                assert app.config[setting.name] == setting.default, setting.name
        assert BY_NAME["DATABASE_URL"].default_in(tmp_path) == (
            f"sqlite:///{tmp_path / 'planner.sqlite'}")
    finally:
        app.extensions["planner_engine"].dispose()
