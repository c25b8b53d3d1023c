"""`planner robust`: the JSON document, the text, and exit codes as `planner solve` has them."""

import copy
import json

import pytest

from optimizer import plan_from_dict
from optimizer.uncertainty import draw_samples, robust
from planner.cli.commands import main
from tests.optimizer.uncertainty.test_exact import _document, _infeasible_sometimes


def _main(argv: list[str]) -> int:
    """The `planner` command line itself (planner/cli/commands.py)."""
    return main(argv)


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_document()), encoding="utf-8")
    return path


def test_json_is_the_document_of_the_same_samples(plan_file, tmp_path, capsys):
    out = tmp_path / "samples.json"
    code = _main(["robust", str(plan_file), "--samples", "12", "--seed", "5", "--workers",
                  "1", "--samples-out", str(out), "--objective", "mean", "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert code == 0
    plan = plan_from_dict(_document())
    samples = draw_samples(plan, 12, 5)
    assert json.loads(out.read_text(encoding="utf-8")) == samples
    expected = robust(plan, samples=samples, objective="mean")
    assert printed == {**expected, "seed": 5}
    assert printed["samples"] == 12 and printed["robust"]["objective"] == "mean"

    code = _main(["robust", str(plan_file), "--samples-in", str(out), "--workers", "2",
                  "--json"])
    again = json.loads(capsys.readouterr().out)
    assert code == 0
    assert again == {**{k: v for k, v in expected.items() if k != "robust"}, "seed": None}


def test_text_names_the_bands_and_the_close_calls(plan_file, capsys):
    assert _main(["robust", str(plan_file), "--samples", "10", "--workers", "1"]) == 0
    text = capsys.readouterr().out
    assert "10 samples of the estimates (drawn with seed 0)" in text
    assert "in a bad case (P10)" in text and "over budget in" in text
    assert "Chosen whatever the estimates" in text and "[f] [in the decision]" in text
    assert "Focus moments" in text and "Robust portfolio" not in text


def test_no_sample_with_a_portfolio_exits_1(tmp_path, capsys):
    document = _infeasible_sometimes()
    for initiative in document["initiatives"]:
        if initiative["id"] == "f":
            initiative["cost"] = {"H2": 300}
            initiative["cost_range"] = [270, 400]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    plan = plan_from_dict(copy.deepcopy(document))
    assert all(s["cost"]["f"] > 260 for s in draw_samples(plan, 5, 0))
    assert _main(["robust", str(path), "--samples", "5", "--workers", "1", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["infeasible"] == 5


@pytest.mark.parametrize(("content", "words"), [
    ("[{\"cost\": {\"nope\": 1}}]", "sample 0: cost.nope: unknown initiative"),
    ("[{}, {\"weight\": {\"m1\": -2}}]", "sample 1: weight.m1: must be a finite number >= 0"),
    ("not json", "not JSON"),
])
def test_a_bad_samples_file_exits_2_with_words(plan_file, tmp_path, capsys, content, words):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert _main(["robust", str(plan_file), "--samples-in", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and words in captured.err and "Traceback" not in captured.err


def test_a_bad_plan_exits_2_with_words(tmp_path, capsys):
    document = _document()
    document["initiatives"][0]["cost_range"] = [90, 60]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert _main(["robust", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "cost_range" in captured.err


@pytest.mark.parametrize("option", [["--samples", "0"], ["--seed", "-1"],
                                    ["--objective", "max"], ["--workers", "x"]])
def test_bad_options_exit_2(plan_file, capsys, option):
    with pytest.raises(SystemExit) as stopped:
        _main(["robust", str(plan_file), *option])
    assert stopped.value.code == 2
