"""`planner solve`: the report, the result document and the exit codes."""

import json
import subprocess
import sys

import pytest

from planner.cli import main
from tests.conftest import EXAMPLE_PLAN


def _run(capsys, *args):
    code = main(["solve", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_report_lists_focus_funded_totals_and_say_no(capsys):
    code, out, _ = _run(capsys, EXAMPLE_PLAN)
    assert code == 0
    assert "Status: optimal (proven)" in out
    assert "Impact 563.95" in out
    assert "Door greeter at peak hours" in out
    assert "Cost: EUR 420,000 of EUR 450,000" in out
    assert "Does not move a focus moment (7)" in out
    assert "Blocked by a dependency or a conflict (1)" in out


def test_json_on_stdout_is_all_a_separate_process_prints():
    # A solver library writing to the process's stdout (a banner, a log line) would make the
    # document unreadable; capsys cannot see such writes, a separate process can.
    done = subprocess.run([sys.executable, "-m", "planner.cli", "solve", str(EXAMPLE_PLAN),
                           "--json"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "optimal"
    assert done.stderr == ""


def test_json_is_the_result_document(capsys):
    code, out, _ = _run(capsys, EXAMPLE_PLAN, "--json")
    document = json.loads(out)
    assert code == 0
    for key in ("status", "impact", "bound", "gap", "cost", "budget", "focus", "moments",
                "funded", "rejected", "conflicts", "solver"):
        assert key in document
    assert document["impact"] == pytest.approx(563.95)
    assert {"name", "version", "seconds"} <= set(document["solver"])
    everyone = document["funded"] + [r["id"] for r in document["rejected"]]
    assert len(everyone) == len(set(everyone)) == 15


def test_overrides_and_solver_choice(capsys):
    code, out, _ = _run(capsys, EXAMPLE_PLAN, "--json", "--budget", "200000", "--max-focus",
                        "2", "--solver", "cbc", "--time-limit", "30")
    document = json.loads(out)
    assert code == 0
    assert document["budget"] == 200000 and len(document["focus"]) <= 2
    assert document["solver"]["name"] == "cbc"


def test_infeasible_plan_exits_1_with_reasons(capsys, tmp_path):
    plan = json.loads(EXAMPLE_PLAN.read_text())
    plan["budget"] = 10000
    path = tmp_path / "tight.json"
    path.write_text(json.dumps(plan))
    code, out, _ = _run(capsys, path)
    assert code == 1
    assert "infeasible" in out and "over the budget of EUR 10,000" in out


@pytest.mark.parametrize("content,expected", [
    ('{"plan": "x"', "not valid JSON"),
    ('{"plan": "x", "moments": [], "initiatives": [], "oops": 1}', 'unknown key "oops"'),
    ('{"plan": "x", "budget": NaN, "moments": [], "initiatives": []}', "not a finite number"),
])
def test_bad_plan_exits_2_with_a_message_and_no_traceback(capsys, tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    assert expected in err and "Traceback" not in err


def test_missing_file_exits_2(capsys, tmp_path):
    code, _, err = _run(capsys, tmp_path / "none.json")
    assert code == 2 and "cannot read" in err


@pytest.mark.parametrize("args", [["--budget", "-5"], ["--budget", "nan"], ["--max-focus", "0"],
                                  ["--solver", "gurobi"], ["--time-limit", "0"]])
def test_bad_options_exit_2(capsys, args):
    with pytest.raises(SystemExit) as caught:
        main(["solve", str(EXAMPLE_PLAN), *args])
    assert caught.value.code == 2
    assert "error" in capsys.readouterr().err


def test_explain_one_initiative(capsys):
    code = main(["explain", str(EXAMPLE_PLAN), "selfcheck"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Self-checkout kiosks [selfcheck]: not funded (blocked)" in out
    assert "Impact if funded:" in out and "Break-even cost:" in out


def test_explain_json_and_funded_and_unknown(capsys):
    assert main(["explain", str(EXAMPLE_PLAN), "fitattend", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["id"] == "fitattend" and document["reason"] == "off_focus"
    assert {"impact_if_funded", "impact_lost", "displaces", "focus_change",
            "break_even_cost", "break_even_uplift", "binding"} <= set(document)
    assert main(["explain", str(EXAMPLE_PLAN), "greeter"]) == 0
    assert "is funded" in capsys.readouterr().out
    assert main(["explain", str(EXAMPLE_PLAN), "nope"]) == 2
    assert "no initiative 'nope'" in capsys.readouterr().err


def test_solve_explain_adds_figures_to_every_rejected_entry(capsys):
    code = main(["solve", str(EXAMPLE_PLAN), "--explain", "--json"])
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert code == 0
    assert all("impact_if_funded" in entry and "break_even_cost" in entry
               for entry in document["rejected"])
    assert "explaining [" in captured.err and "8/8" in captured.err


def test_frontier_text_and_json(capsys):
    code = main(["frontier", str(EXAMPLE_PLAN), "--points", "4"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "efficient frontier" in out and "What each step buys:" in out
    assert "points spread over the range" in out
    assert "The plan's budget: EUR 450,000, which buys impact 564.0." in out
    assert "solving [" in err and "4/4" in err
    code = main(["frontier", str(EXAMPLE_PLAN), "--points", "3", "--json"])
    document = json.loads(capsys.readouterr()[0])
    assert code == 0 and 2 <= len(document["points"]) <= 3
    assert document["complete"] is False and document["solves"] >= 3
    assert document["points"][-1]["impact"] == pytest.approx(563.95)
    assert {"budget", "status", "impact", "cost", "funded", "focus"} <= set(
        document["points"][0])
    code = main(["frontier", str(EXAMPLE_PLAN), "--json"])
    document = json.loads(capsys.readouterr()[0])
    assert document["complete"] is True and len(document["points"]) == 22


@pytest.mark.parametrize("args", [["--points", "1"], ["--points", "x"], ["--budget", "5"],
                                  ["--points", "1001"], ["--points", "100000"]])
def test_frontier_bad_options_exit_2(capsys, args):
    with pytest.raises(SystemExit) as stopped:
        main(["frontier", str(EXAMPLE_PLAN), *args])
    assert stopped.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
