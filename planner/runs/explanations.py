"""Explanations of a run's rejected initiatives: computed on demand, stored with the run.

An explanation is derived from the run alone (the plan document it solved and its result),
so it is computed once and kept; asking again reads the stored one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

import optimizer
from models import Run, RunExplanation
from optimizer.explain import DEFAULT_TIME_LIMIT, Explainer, Explanation, explanation_from_dict


def rejected_keys(run: Run) -> list[str]:
    """The ids of the initiatives the run did not fund, in the run's order."""
    return [rejection["id"] for rejection in run.result.get("rejected", [])]


def stored_explanations(*, session: Session, run_id: int,
                        keys: list[str] | None = None) -> dict[str, Explanation]:
    """The explanations stored for the run, by initiative id (only `keys` when given)."""
    statement = select(RunExplanation.key, RunExplanation.document).where(
        RunExplanation.run_id == run_id)
    if keys is not None:
        statement = statement.where(RunExplanation.key.in_(keys))
    return {key: explanation_from_dict(document)
            for key, document in session.exec(statement).all()}


def get_or_explain(*, session: Session, run: Run, key: str,
                   time_limit: float = DEFAULT_TIME_LIMIT) -> Explanation:
    """The explanation of one rejected initiative: the stored one, or computed and stored.

    Raises KeyError when the run did not reject that initiative.
    """
    if key not in rejected_keys(run):
        raise KeyError(key)
    stored = stored_explanations(session=session, run_id=run.id, keys=[key])
    if key in stored:
        return stored[key]
    return _explain_and_store(session, run, [key], time_limit)[key]


def explain_run(*, session: Session, run: Run, time_limit: float = DEFAULT_TIME_LIMIT,
                seconds: float | None = None,
                progress: Callable[[int, int], None] | None = None,
                processes: int = 1) -> tuple[int, int]:
    """Compute and store the missing explanations of the run, in the run's order, starting
    no new one after `seconds` (None: all of them), all stored in one transaction at the
    end; how many were computed, and how many are still missing. `progress(done, total)`
    is told after each one; `processes`: the cores to explain on."""
    stored = stored_explanations(session=session, run_id=run.id)
    missing = [key for key in rejected_keys(run) if key not in stored]
    if not missing:
        return 0, 0
    computed = _explain_and_store(session, run, missing, time_limit, seconds, progress,
                                  processes)
    return len(computed), len(missing) - len(computed)


def _explain_and_store(session: Session, run: Run, keys: list[str], time_limit: float,
                       seconds: float | None = None,
                       progress: Callable[[int, int], None] | None = None,
                       processes: int = 1) -> dict[str, Explanation]:
    # One Explainer for all of them: it builds the run's model once and reuses it.
    run_id = run.id
    explainer = Explainer(optimizer.plan_from_dict(run.inputs),
                          optimizer.result_from_dict(run.result), time_limit=time_limit)
    session.rollback()  # hold no lock while the solver works
    explanations = {e.id: e for e in explainer.explain_all(keys, progress, seconds=seconds,
                                                           processes=processes)}
    keys = list(explanations)
    for _attempt in range(3):
        # Another request may have stored some of them meanwhile: same run, same answer.
        stored = stored_explanations(session=session, run_id=run_id, keys=keys)
        for key in keys:
            if key not in stored:
                session.add(RunExplanation(run_id=run_id, key=key,
                                           document=explanations[key].to_dict()))
        try:
            session.commit()
            break
        except IntegrityError:
            session.rollback()
    return explanations
