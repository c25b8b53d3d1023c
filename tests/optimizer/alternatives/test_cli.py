"""`planner alternatives`: the document as JSON, the text, and the exit codes (0 with
alternatives, 1 when the plan has no portfolio, 2 for a bad plan or option)."""

import json

import pytest

from optimizer import load_plan
from optimizer.alternatives import alternatives
from planner.cli.alternatives import render_alternatives
from planner.cli.commands import main
from tests.conftest import EXAMPLE_PLAN


def _run(capsys, *args):
    code = main(["alternatives", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_is_the_alternatives_document(capsys):
    code, out, _ = _run(capsys, EXAMPLE_PLAN, "--within", "2%", "--count", "2", "--json")
    document = json.loads(out)
    assert code == 0
    assert document == alternatives(load_plan(EXAMPLE_PLAN), within=0.02, count=2)
    assert {"best", "funded", "focus", "alternatives", "complete"} <= set(document)
    for alternative in document["alternatives"]:
        assert set(alternative) == {"funded", "focus", "impact", "cost", "distance"}
        assert alternative["impact"] >= 0.98 * document["best"] - 1e-9
        assert alternative["distance"] >= 1


def test_text_says_what_each_alternative_changes(capsys):
    code, out, _ = _run(capsys, EXAMPLE_PLAN, "--within", "0.02", "--count", "1")
    document = alternatives(load_plan(EXAMPLE_PLAN), within=0.02, count=1)
    [alternative] = document["alternatives"]
    plan = load_plan(EXAMPLE_PLAN)
    assert code == 0
    assert "within 2% of the best impact" in out and "Alternative 1:" in out
    assert f"at least {alternative['distance']} initiative" in out
    for i in set(alternative["funded"]) - set(document["funded"]):
        assert f"+ funds {plan.initiative(i).name} [{i}]" in out
    for i in set(document["funded"]) - set(alternative["funded"]):
        assert f"- does not fund {plan.initiative(i).name} [{i}]" in out


def test_a_short_list_says_so(capsys):
    code, out, _ = _run(capsys, EXAMPLE_PLAN, "--within", "0")
    assert code == 0
    assert "There is no alternative: no other portfolio within 0% of the best" in out
    code, out, _ = _run(capsys, EXAMPLE_PLAN, "--within", "0", "--json")
    assert json.loads(out)["complete"] is False


def test_a_plan_without_a_portfolio_exits_1_with_its_conflict(capsys, tmp_path):
    plan = json.loads(EXAMPLE_PLAN.read_text())
    plan["budget"] = 10000
    path = tmp_path / "tight.json"
    path.write_text(json.dumps(plan))
    code, out, err = _run(capsys, path, "--json")
    assert code == 1 and out == ""
    assert "infeasible" in err and "over the budget of EUR 10,000" in err


@pytest.mark.parametrize("content,expected", [
    ('{"plan": "x"', "not valid JSON"),
    ('{"plan": "x", "moments": [], "initiatives": [], "oops": 1}', 'unknown key "oops"'),
])
def test_a_bad_plan_exits_2_without_a_traceback(capsys, tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, out, err = _run(capsys, path)
    assert code == 2 and out == ""
    assert expected in err and "Traceback" not in err


@pytest.mark.parametrize("args", [["--within", "1.5"], ["--within", "-1%"],
                                  ["--within", "abc"], ["--count", "0"], ["--count", "2.5"],
                                  ["--count", "101"], ["--time-limit", "0"]])
def test_bad_options_exit_2(capsys, args):
    with pytest.raises(SystemExit) as caught:
        main(["alternatives", str(EXAMPLE_PLAN), *args])
    assert caught.value.code == 2
    assert "error" in capsys.readouterr().err


@pytest.mark.parametrize("reason,words", [
    ("exhausted", "There is only 1 alternative: no other portfolio within 2% of the best"),
    ("time_limit", "The time limit stopped the search: only 1 alternative found."),
    ("numerical", "broke a rule of the plan to the precision the planner checks"),
])
def test_a_short_list_says_why(reason, words):
    plan = load_plan(EXAMPLE_PLAN)
    document = alternatives(plan, within=0.02, count=1)
    document.update(complete=False, reason=reason)
    assert words in render_alternatives(plan, document)
