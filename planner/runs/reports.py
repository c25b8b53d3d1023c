"""What a saved run says, arranged for the pages: focus, funded work, totals, say-no list.

Built from the run's own inputs (the plan document it solved) and result, so a run reads
the same after the plan has changed.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask import render_template
from markupsafe import Markup

from models import Plan, Run
from optimizer.explain import Explanation
from optimizer.result import FEASIBLE, INFEASIBLE, NO_SOLUTION, OPTIMAL, REASON_TITLES, REASONS
from planner.kept import REPORTS
from planner.runs.breakdown import Arrival, arrivals
from planner.runs.charts import cost_by_period_svg, impact_by_moment_svg
from planner.runs.returns import RunReturns, run_returns

log = logging.getLogger(__name__)

STATUS_WORDS = {
    OPTIMAL: "Proven optimal",
    FEASIBLE: "Good portfolio, not proven optimal",
    INFEASIBLE: "No portfolio fits the plan",
    NO_SOLUTION: "Stopped before any portfolio was found",
}


class Verdicts:
    """Per initiative id, what the latest run decided: funded, or the say-no entry."""

    def __init__(self, run: Run | None,
                 explanations: dict[str, Explanation] | None = None) -> None:
        self.run = run
        result = run.result if run else {}
        self.funded = set(result.get("funded", []))
        self.rejected = {r["id"]: r for r in result.get("rejected", [])}
        self.explanations = explanations or {}

    def of(self, key: str) -> dict[str, Any]:
        if key in self.funded:
            return {"state": "funded", "label": "funded", "message": ""}
        if key in self.rejected:
            rejection = self.rejected[key]
            explanation = self.explanations.get(key)
            return {"state": "rejected", "label": "not funded",
                    "reason": REASON_TITLES.get(rejection["reason"], rejection["reason"]),
                    "message": explanation.message if explanation else rejection["message"],
                    "explained": explanation is not None}
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
    arrivals: list[Arrival] = field(default_factory=list)  # what adds up to the uplift


@dataclass
class FundedLine:
    key: str
    name: str
    team: str
    costs: dict[str, float]
    total: float
    decision: str


@dataclass
class SayNoEntry:
    """A rejected initiative of a run, with its explanation when one is stored."""

    key: str
    name: str
    team: str
    cost: float
    reason: str
    reason_title: str
    message: str  # the explanation's message when explained, else the run's reason
    explanation: Explanation | None = None
    # Names (from the run's own inputs) of what the explanation refers to by id.
    displaces: list[str] = field(default_factory=list)
    brings: list[str] = field(default_factory=list)
    focus_out: list[str] = field(default_factory=list)
    focus_in: list[str] = field(default_factory=list)
    counted_focus: list[str] = field(default_factory=list)  # for it to count (forced in)

    @property
    def impact_lost(self) -> float | None:
        return self.explanation.impact_lost if self.explanation else None

    @property
    def impact_lost_share(self) -> str | None:
        """Impact lost as a share of the run's impact, '2%' as in the message; None: unknown."""
        if self.impact_lost is None or not self.explanation.impact:
            return None
        share = self.impact_lost / self.explanation.impact
        return f"{share:.0%}" if abs(share) >= 0.01 or share == 0 else f"{share:.1%}"


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
    say_no: list[tuple[str, str, list[SayNoEntry]]] = field(default_factory=list)

    @property
    def result(self) -> dict[str, Any]:
        return self.run.result

    # Worked out when a page shows them, not for every use of the report (the memo).
    @cached_property
    def returns(self) -> RunReturns | None:
        """Cost, benefit, ROI, NPV and payback of the funded work; None without a portfolio."""
        return run_returns(self.run)

    @cached_property
    def impact_chart(self) -> Markup:
        return impact_by_moment_svg([(line.name, line.contribution) for line in self.focus])

    @cached_property
    def cost_chart(self) -> Markup:
        """Spent against budget per period, then for the whole plan."""
        rows = [(period["id"], period["used"], period["limit"]) for period in self.periods]
        rows.append(("Whole plan", self.result["cost"] or 0.0, self.result["budget"]))
        return cost_by_period_svg(rows, self.currency)


def run_report(run: Run) -> RunReport:
    """Arrange a run's result for its page."""
    inputs, result = run.inputs, run.result
    moments = {m["id"]: m for m in inputs["moments"]}
    initiatives = {i["id"]: i for i in inputs["initiatives"]}
    period_keys = [p["id"] for p in inputs.get("periods", [])]
    brought = arrivals(inputs, result["funded"]) if result.get("focus") else {}
    focus = [FocusLine(m["id"], moments[m["id"]]["name"], moments[m["id"]].get("weight", 1),
                       m["improvement"], m["uplift"], m["headroom"], m["contribution"],
                       brought.get(m["id"], []))
             for key in result["focus"] for m in result["moments"] if m["id"] == key]
    funded = [_funded_line(initiatives[key], period_keys) for key in result["funded"]]
    resource_names = {r["id"]: r for r in inputs.get("resources", [])}
    resources = [dict(usage, name=resource_names[usage["id"]].get("name") or usage["id"],
                      unit=resource_names[usage["id"]].get("unit", ""))
                 for usage in result.get("resources", [])]
    say_no = group_by_reason(say_no_entries(run))
    return RunReport(run, inputs.get("currency", "EUR"), STATUS_WORDS.get(run.status, run.status),
                     focus, funded, period_keys, result.get("periods", []), resources, say_no)


def shown_report(plan: Plan, run: Run) -> Markup:
    """portfolio/_report.html for a saved run of the plan, rendered once per process
    (kept.REPORTS): it is made from the run alone, which never changes, and rendering it
    is most of its pages' time on a plan of 1,000 initiatives."""
    return REPORTS.get((plan.id, run.id, run.created_at), lambda: Markup(render_template(
        "portfolio/_report.html", plan=plan, report=run_report(run))))


def prepare_pages(run: Run) -> None:
    """Work out what a saved run's pages show of it that is costly to work out (its charts
    and its return figures), kept for every process of the app (planner/kept.py), so that
    its pages find them ready. What fails here is worked out by the page that shows it,
    and fails there if it must: the run is saved whatever happens here."""
    report = run_report(run)
    try:
        report.impact_chart, report.cost_chart, report.returns  # noqa: B018 (kept)
    except Exception:  # noqa: BLE001
        log.exception("the pages of run %s were not prepared", run.id)


def say_no_entries(run: Run, explanations: dict[str, Explanation] | None = None
                   ) -> list[SayNoEntry]:
    """The run's rejected initiatives in the run's order, with their stored explanations."""
    explanations = explanations or {}
    initiatives = {i["id"]: i for i in run.inputs["initiatives"]}
    moments = {m["id"]: m["name"] for m in run.inputs["moments"]}

    def named(keys: list[str], names: dict[str, Any]) -> list[str]:
        return [names.get(key, key) for key in keys]

    initiative_names = {key: i["name"] for key, i in initiatives.items()}
    entries = []
    for rejection in run.result.get("rejected", []):
        initiative = initiatives[rejection["id"]]
        explanation = explanations.get(rejection["id"])
        entry = SayNoEntry(rejection["id"], initiative["name"], initiative.get("team", ""),
                           total_cost(initiative), rejection["reason"],
                           REASON_TITLES.get(rejection["reason"], rejection["reason"]),
                           explanation.message if explanation else rejection["message"],
                           explanation)
        if explanation:
            entry.displaces = named(explanation.displaces, initiative_names)
            entry.brings = named(explanation.brings, initiative_names)
            entry.focus_out = named(explanation.focus_out, moments)
            entry.focus_in = named(explanation.focus_in, moments)
            entry.counted_focus = named(explanation.counted_focus, moments)
        entries.append(entry)
    return entries


def group_by_reason(entries: list[SayNoEntry]) -> list[tuple[str, str, list[SayNoEntry]]]:
    """(reason code, title, entries) for each reason that has entries, in docs/model.md's order."""
    groups = []
    for reason in REASONS:
        members = [entry for entry in entries if entry.reason == reason]
        if members:
            groups.append((reason, REASON_TITLES[reason], members))
    return groups


def by_impact_lost(entries: list[SayNoEntry]) -> list[SayNoEntry]:
    """Most impact lost first; those without a figure (not explained, or never fundable) last."""
    return sorted(entries, key=lambda entry: (entry.impact_lost is None,
                                              -(entry.impact_lost or 0.0)))


def total_cost(initiative: dict[str, Any]) -> float:
    """An initiative's cost over all periods, from its plan-document entry."""
    cost = initiative["cost"]
    return math.fsum(cost.values()) if isinstance(cost, dict) else float(cost)


def _funded_line(initiative: dict[str, Any], period_keys: list[str]) -> FundedLine:
    cost = initiative["cost"]
    costs = dict(cost) if isinstance(cost, dict) else {}
    return FundedLine(initiative["id"], initiative["name"], initiative.get("team", ""),
                      {key: costs.get(key, 0.0) for key in period_keys}, total_cost(initiative),
                      initiative.get("decision", "auto"))


@dataclass
class TeamMemo:
    team: str
    funded: list[FundedLine]
    not_funded: list[SayNoEntry]

    @property
    def funded_cost(self) -> float:
        return math.fsum(line.total for line in self.funded)


def memo_by_team(report: RunReport, entries: list[SayNoEntry]) -> list[TeamMemo]:
    """Per team (alphabetical, work without a team last): what was funded and what was not."""
    teams = {line.team for line in report.funded} | {entry.team for entry in entries}
    return [TeamMemo(team, [line for line in report.funded if line.team == team],
                     [entry for entry in entries if entry.team == team])
            for team in sorted(teams, key=lambda team: (team == "", team.casefold()))]
