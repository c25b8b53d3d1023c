"""What a saved run says, arranged for the pages: focus, funded work, totals, say-no list.

Built from the run's own inputs (the plan document it solved) and result, so a run reads
the same after the plan has changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models import Run
from optimizer.result import FEASIBLE, INFEASIBLE, NO_SOLUTION, OPTIMAL, REASON_TITLES, REASONS

STATUS_WORDS = {
    OPTIMAL: "Proven optimal",
    FEASIBLE: "Good portfolio, not proven optimal",
    INFEASIBLE: "No portfolio fits the plan",
    NO_SOLUTION: "Stopped before any portfolio was found",
}


class Verdicts:
    """Per initiative id, what the latest run decided: funded, or the say-no entry."""

    def __init__(self, run: Run | None) -> None:
        self.run = run
        result = run.result if run else {}
        self.funded = set(result.get("funded", []))
        self.rejected = {r["id"]: r for r in result.get("rejected", [])}

    def of(self, key: str) -> dict[str, Any]:
        if key in self.funded:
            return {"state": "funded", "label": "funded", "message": ""}
        if key in self.rejected:
            rejection = self.rejected[key]
            return {"state": "rejected", "label": "not funded",
                    "reason": REASON_TITLES.get(rejection["reason"], rejection["reason"]),
                    "message": rejection["message"]}
        if self.run is None:
            return {"state": "none", "label": "no run yet", "message": ""}
        return {"state": "none", "label": "not in the latest run", "message": ""}


@dataclass
class FocusLine:
    key: str
    name: str
    weight: float
    improvement: float
    uplift: float
    headroom: float | None
    contribution: float


@dataclass
class FundedLine:
    key: str
    name: str
    team: str
    costs: dict[str, float]
    total: float
    decision: str


@dataclass
class SayNo:
    key: str
    name: str
    team: str
    message: str


@dataclass
class RunReport:
    run: Run
    currency: str
    status_words: str
    focus: list[FocusLine]
    funded: list[FundedLine]
    period_keys: list[str]
    periods: list[dict[str, Any]]
    resources: list[dict[str, Any]]
    say_no: list[tuple[str, str, list[SayNo]]] = field(default_factory=list)

    @property
    def result(self) -> dict[str, Any]:
        return self.run.result


def run_report(run: Run) -> RunReport:
    """Arrange a run's result for its page."""
    inputs, result = run.inputs, run.result
    moments = {m["id"]: m for m in inputs["moments"]}
    initiatives = {i["id"]: i for i in inputs["initiatives"]}
    period_keys = [p["id"] for p in inputs.get("periods", [])]
    focus = [FocusLine(m["id"], moments[m["id"]]["name"], moments[m["id"]].get("weight", 1),
                       m["improvement"], m["uplift"], m["headroom"], m["contribution"])
             for key in result["focus"] for m in result["moments"] if m["id"] == key]
    funded = [_funded_line(initiatives[key], period_keys) for key in result["funded"]]
    resource_names = {r["id"]: r for r in inputs.get("resources", [])}
    resources = [dict(usage, name=resource_names[usage["id"]].get("name") or usage["id"],
                      unit=resource_names[usage["id"]].get("unit", ""))
                 for usage in result.get("resources", [])]
    say_no = []
    for reason in REASONS:
        entries = [SayNo(r["id"], initiatives[r["id"]]["name"],
                         initiatives[r["id"]].get("team", ""), r["message"])
                   for r in result["rejected"] if r["reason"] == reason]
        if entries:
            say_no.append((reason, REASON_TITLES[reason], entries))
    return RunReport(run, inputs.get("currency", "EUR"), STATUS_WORDS.get(run.status, run.status),
                     focus, funded, period_keys, result.get("periods", []), resources, say_no)


def _funded_line(initiative: dict[str, Any], period_keys: list[str]) -> FundedLine:
    cost = initiative["cost"]
    costs = dict(cost) if isinstance(cost, dict) else {}
    total = sum(costs.values()) if isinstance(cost, dict) else float(cost)
    return FundedLine(initiative["id"], initiative["name"], initiative.get("team", ""),
                      {key: costs.get(key, 0.0) for key in period_keys}, total,
                      initiative.get("decision", "auto"))
