"""A kept robust result for a saved run, written as the job that works it out keeps it
(docs/plan-format.md, "Uncertainty result", with the app's `core_if` and `cases`)."""

from __future__ import annotations

from typing import Any

from models import Run, Uncertainty


def robust_result(run: Run, shares: dict[str, float], *, core_if: dict | None = None,
                  focus_shares: dict[str, float] | None = None,
                  regret: dict[str, float] | None = None) -> dict[str, Any]:
    """The result document for this run: each listed initiative's chosen share (the rest
    0 or 1, as the run decided), classed by docs/model.md, with an interval around it."""
    funded = set(run.result["funded"])
    every = {i["id"]: (1.0 if i["id"] in funded else 0.0) for i in run.inputs["initiatives"]}
    every.update(shares)
    initiatives = [{"id": key, "chosen_share": share,
                    "interval": [max(0.0, share - 0.03), min(1.0, share + 0.03)],
                    "class": "core" if share >= 0.9 else "exterior" if share <= 0.1
                    else "borderline", "in_decision": key in funded}
                   for key, share in every.items()]
    focus = set(run.result["focus"])
    moments = [{"id": m["id"], "focus_share": (focus_shares or {}).get(
        m["id"], 1.0 if m["id"] in focus else 0.0)} for m in run.inputs["moments"]]
    return {"samples": 1000, "seed": 7, "solved": 996, "infeasible": 4,
            "initiatives": initiatives, "moments": moments,
            "decision": {"funded": sorted(funded), "focus": sorted(focus),
                         "impact": {"mean": 401.2, "p10": 350.1, "p50": 402.0, "p90": 447.3},
                         "cost": {"mean": 1190000, "p90": 1260000},
                         "over_budget_share": 0.31,
                         "regret": regret or {"mean": 6.1, "p90": 14.0}},
            "core_if": core_if or {}, "cases": 996}


def keep_result(db, run: Run, result: dict[str, Any]) -> Uncertainty:
    """Keep the result for the run, as the job does; the row as saved."""
    row = Uncertainty(plan_id=run.plan_id, run_id=run.id, kind="robust",
                      params={"samples": 1000, "seed": 7}, result=result)
    db.add(row)
    db.commit()
    db.refresh(row)
    return row
