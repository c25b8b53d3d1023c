"""`planner import` and `planner export`: plan files in and out of the app's database."""

from __future__ import annotations

import json
import re

import pytest

import optimizer
from planner.cli import main
from tests.conftest import EXAMPLE_PLAN


@pytest.fixture
def cli(app, database_url, monkeypatch, capsys):
    """Run `planner ...` against the test database: (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(arg) for arg in args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_import_then_export_gives_the_same_plan(cli, tmp_path):
    code, out, _ = cli("import", EXAMPLE_PLAN)
    assert code == 0 and "as plan 1" in out
    code, _, _ = cli("export", "1", tmp_path / "out.json")
    assert code == 0
    exported = json.loads((tmp_path / "out.json").read_text())
    original = optimizer.plan_from_dict(json.loads(EXAMPLE_PLAN.read_text()))
    assert exported == optimizer.plan_to_dict(original)
    code, out, _ = cli("import", tmp_path / "out.json", "--name", "Copy")
    assert code == 0
    code, _, _ = cli("export", "Copy", tmp_path / "copy.json")
    again = json.loads((tmp_path / "copy.json").read_text())
    assert again == {**exported, "plan": "Copy"}


@pytest.mark.parametrize(("content", "message"), [
    ('{"plan": "x", "moments": [], "initiatives": [], "budget": NaN}', "NaN is not a finite"),
    ('{"plan": "x"}', "moments: is required"),
    ("not json", "not valid JSON"),
])
def test_a_bad_plan_file_is_refused_with_its_problems(cli, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, _, err = cli("import", path)
    assert code == 2
    assert message in err
    code, _, err = cli("export", "1", tmp_path / "none.json")
    assert code == 2 and "no plan '1'" in err


def test_import_shows_its_steps_on_stderr(cli):
    code, out, err = cli("import", EXAMPLE_PLAN)
    assert code == 0 and "Imported" in out
    assert re.search(rf"reading and checking {EXAMPLE_PLAN.name} \.\.\. \d+\.\d s\n", err)
    assert re.search(r"writing 15 initiatives \.\.\. \d+\.\d s\n", err)
    code, _, err = cli("import", EXAMPLE_PLAN)
    assert code == 2 and "writing 15 initiatives ... stopped" in err


def test_import_refuses_a_name_already_taken(cli):
    assert cli("import", EXAMPLE_PLAN)[0] == 0
    code, _, err = cli("import", EXAMPLE_PLAN)
    assert code == 2 and "already exists" in err


@pytest.mark.parametrize("name", ["plan.txt", "plan.csv"])
def test_only_json_and_xlsx(cli, tmp_path, name):
    path = tmp_path / name
    path.write_text("{}")
    code, _, err = cli("import", path)
    assert code == 2 and ".json or .xlsx" in err
    assert cli("import", EXAMPLE_PLAN)[0] == 0
    code, _, err = cli("export", "1", path)
    assert code == 2 and ".json or .xlsx" in err


def test_a_workbook_export_imports_back_as_the_same_plan(cli, tmp_path):
    assert cli("import", EXAMPLE_PLAN)[0] == 0
    assert cli("export", "1", tmp_path / "plan.xlsx")[0] == 0
    assert cli("export", "1", tmp_path / "plan.json")[0] == 0
    code, out, err = cli("import", tmp_path / "plan.xlsx", "--name", "From Excel")
    assert code == 0, err
    assert cli("export", "From Excel", tmp_path / "again.json")[0] == 0
    original = json.loads((tmp_path / "plan.json").read_text())
    again = json.loads((tmp_path / "again.json").read_text())
    assert again == {**original, "plan": "From Excel"}


def test_a_workbook_with_a_formula_is_refused_naming_the_cell(cli, tmp_path):
    import openpyxl

    assert cli("import", EXAMPLE_PLAN)[0] == 0
    assert cli("export", "1", tmp_path / "plan.xlsx")[0] == 0
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    book["Initiatives"]["B2"] = "=1+1"
    book.save(tmp_path / "plan.xlsx")
    code, _, err = cli("import", tmp_path / "plan.xlsx", "--name", "Formula")
    assert code == 2
    assert "B2" in err and "formula" in err
