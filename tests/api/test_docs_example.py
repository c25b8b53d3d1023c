"""The API guide's example script (docs/api.md) runs as written against a live planner:
it reads the published decision, its say-no list and the moments' measured scores into
pandas tables, with a read token."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import requests

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def example_script() -> str:
    """The guide's Python block under its example's heading."""
    example = GUIDE.read_text(encoding="utf-8").split("## Example:", 1)[1]
    return re.search(r"```python\n(.*?)```", example, re.S).group(1)


def test_the_guides_example_reads_the_decision_and_the_scores(live_api, tmp_path):
    lead = {"Authorization": f"Bearer {live_api.tokens['lead']['write']}"}
    plan = f"{live_api.url}/api/v1/plans/{live_api.plan_id}"
    published = requests.post(f"{plan}/runs/{live_api.run_id}/publish", headers=lead,
                              timeout=30)
    assert published.status_code == 201, published.text
    moment_id = requests.get(f"{plan}/moments", headers=lead, timeout=30).json()[
        "items"][0]["id"]
    measured = requests.post(f"{plan}/moments/{moment_id}/measurements", headers=lead,
                             timeout=30, json={"taken_on": "2027-03-31", "score": "61.5",
                                               "n": 240, "source": "exit survey"})
    assert measured.status_code == 201, measured.text
    script = tmp_path / "decision.py"
    script.write_text(example_script(), encoding="utf-8")
    env = {**os.environ, "PLANNER_URL": live_api.url, "PLANNER_PLAN": str(live_api.plan_id),
           "PLANNER_TOKEN": live_api.tokens["viewer"]["read"]}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert f"Decision: run {live_api.run_id}, published" in done.stdout
    funded = published.json()["funded"]
    assert f"Funded: {len(funded)} initiatives" in done.stdout
    assert "exit survey" in done.stdout and "61.5" in done.stdout
