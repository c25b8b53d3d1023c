"""Explaining on several cores gives exactly what one process gives, in the same order."""

from __future__ import annotations

import pytest

from optimizer import solve
from optimizer.explain import Explainer
from optimizer.explain import explainer as module
from optimizer.samples import generate_plan


def test_several_cores_explain_exactly_as_one(monkeypatch):
    plan = _plan()
    result = solve(plan)
    ids = [rejection.id for rejection in result.rejected]
    assert len(ids) >= 30
    one = Explainer(plan, result).explain_all()
    monkeypatch.setattr(module, "ON_CORES_FROM", 2)
    told = []
    several = Explainer(plan, result).explain_all(
        progress=lambda done, total: told.append((done, total)), processes=2)
    # the same figures and words; only the count of solves each took differs, by which
    # shared solves its process had made before it
    assert [_figures(e) for e in several] == [_figures(e) for e in one]
    assert told[-1] == (len(ids), len(ids))
    with pytest.raises(KeyError, match="not a rejected initiative"):
        Explainer(plan, result).explain_all([*ids[:3], result.funded[0]], processes=2)


def test_after_its_seconds_no_new_batch_is_started(monkeypatch):
    plan = _plan()
    result = solve(plan)
    monkeypatch.setattr(module, "ON_CORES_FROM", 2)
    ids = [rejection.id for rejection in result.rejected]
    made = Explainer(plan, result).explain_all(processes=2, seconds=0.0)
    # the first batches were started with the workers; none after them
    assert 0 < len(made) < len(ids)
    assert [e.id for e in made] == [i for i in ids if i in {e.id for e in made}]


def _plan():
    """34 rejections of every reason but forced_out, most with break-even figures, that one
    process explains in about a second: more than the first batches the two workers are
    given. What costs here is starting the processes, not the questions."""
    return generate_plan(44, 5, seed=1, budget_share=0.1)


def _figures(explanation) -> dict:
    return {k: v for k, v in explanation.to_dict().items() if k != "solves"}
