"""Two to four scenarios side by side, for the page and as an Excel workbook.

Each scenario is read from its last solve (the plan document it solved and the result), so
a comparison shows what was solved, with when, and says when the plan has moved on since.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlmodel import Session

import optimizer
from models import Plan, Scenario
from models.base import utcnow
from models.planfile import plan_document
from models.queries import deciding_run
from optimizer.finance.returns import Returns, settings
from optimizer.finance.scenarios import Column, Comparison, compare
from optimizer.result import REASON_TITLES, result_from_dict
from planner.runs.changes import differences
from planner.runs.views import solve_options
from planner.spreadsheets import Sheet, workbook_bytes

MIN_COMPARED, MAX_COMPARED = 1, 4  # scenarios, beside the plan as it is
PLAN_AS_IT_IS = "The plan as it is"


@dataclass
class Side:
    """One scenario of the comparison: the saved row, its column, and its words."""

    scenario: Scenario
    column: Column
    focus_names: list[str]

    @property
    def figures(self) -> Returns | None:
        returns = self.column.returns
        return returns.covered if returns else None

    @property
    def finance(self) -> tuple[int, float]:
        """The finance horizon (years) and discount rate its ROI, NPV and payback use."""
        finance = settings(self.column.plan)
        return finance.horizon_years, finance.discount_rate

    @property
    def unspent(self) -> float | None:
        result = self.column.result
        if result.budget is None or result.cost is None:
            return None
        return result.budget - result.cost


@dataclass
class ScenarioComparison:
    sides: list[Side]
    comparison: Comparison
    names: dict[str, str]  # initiative id -> name, over every plan compared
    currency: str

    def difference_rows(self) -> list[tuple[str, str, list[bool]]]:
        """(id, name, funded in each scenario) of the work funded in some but not all."""
        return [(key, self.names.get(key, key), funded)
                for key, funded in self.comparison.differences.items()]


def plan_as_it_is(session: Session, plan: Plan) -> Scenario:
    """The plan with no change, as the first column of a comparison (never saved): its
    decision, or else the CX lead's latest draft, when that is of the plan as it is now
    (never a what-if: it is not the plan's state), else the plan solved now."""
    document = plan_document(session, plan.id)
    latest, _published = deciding_run(session=session, plan_id=plan.id, team_member=False)
    if latest is not None and not differences(latest.inputs, document):
        inputs, result, solved_at = latest.inputs, latest.result, latest.created_at
    else:
        session.rollback()  # hold nothing while the solver works
        inputs = document
        result = optimizer.solve(optimizer.plan_from_dict(document), solve_options()).to_dict()
        solved_at = utcnow()
    return Scenario(id=None, plan_id=plan.id, name=PLAN_AS_IT_IS, overrides={}, inputs=inputs,
                    result=result, solved_at=solved_at)


def compare_scenarios(scenarios: list[Scenario]) -> ScenarioComparison:
    """The comparison of these solved scenarios; PlanError if a saved solve cannot be read."""
    named, sides_focus, names = [], [], {}
    for scenario in scenarios:
        plan = optimizer.plan_from_dict(scenario.inputs)
        result = result_from_dict(scenario.result)
        named.append((scenario.name, plan, result))
        sides_focus.append([plan.moment(key).name for key in result.focus])
        names.update({initiative.id: initiative.name for initiative in plan.initiatives})
    comparison = compare(named)
    sides = [Side(scenario, column, focus)
             for scenario, column, focus in zip(scenarios, comparison.columns, sides_focus,
                                                strict=True)]
    return ScenarioComparison(sides, comparison, names, named[0][1].currency)


def comparison_workbook(found: ScenarioComparison) -> bytes:
    """A summary sheet, a sheet of the differences, then one sheet per scenario."""
    return workbook_bytes([_summary_sheet(found), _differences_sheet(found),
                           *(_scenario_sheet(side) for side in found.sides)])


def _summary_sheet(found: ScenarioComparison) -> Sheet:
    rows = []
    for side in found.sides:
        result, figures = side.column.result, side.figures
        rows.append({
            "Scenario": side.scenario.name,
            "Status": result.status.replace("_", " "),
            "Impact": result.impact,
            "Cost": result.cost,
            "Budget": result.budget,
            "Unspent budget": side.unspent,
            "Yearly benefit": figures.benefit if figures else None,
            "ROI": figures.roi if figures else None,
            "NPV": figures.npv if figures else None,
            "Payback (years)": figures.payback_years if figures else None,
            "Benefit not stated (cost)": (side.column.returns.cost_without_benefit
                                          if side.column.returns else None),
            "Focus moments": ", ".join(side.focus_names),
            "Funded": len(result.funded),
            "Solved at (UTC)": _when(side.scenario),
        })
    return Sheet("Summary", pd.DataFrame(rows),
                 money=["Cost", "Budget", "Unspent budget", "Yearly benefit", "NPV",
                        "Benefit not stated (cost)"],
                 percent=["ROI"], numbers=["Payback (years)"], impacts=["Impact"])


def _differences_sheet(found: ScenarioComparison) -> Sheet:
    names = [f"{side.scenario.name} (scenario)" if side.scenario.name in ("Initiative", "Name")
             else side.scenario.name for side in found.sides]
    rows = [{"Initiative": key, "Name": name,
             **{scenario: "funded" if funded else "not funded"
                for scenario, funded in zip(names, flags, strict=True)}}
            for key, name, flags in found.difference_rows()]
    return Sheet("Differences", pd.DataFrame(rows, columns=["Initiative", "Name", *names]))


def _scenario_sheet(side: Side) -> Sheet:
    plan, result = side.column.plan, side.column.result
    funded = set(result.funded)
    rejected = {rejection.id: rejection for rejection in result.rejected}
    rows: list[dict[str, Any]] = []
    for initiative in plan.initiatives:
        rejection = rejected.get(initiative.id)
        rows.append({
            "Initiative": initiative.id, "Name": initiative.name, "Team": initiative.team,
            "Funded": "yes" if initiative.id in funded else "no",
            "Cost": initiative.total_cost, "Yearly benefit": initiative.benefit,
            "Decision": initiative.decision,
            "Reason": REASON_TITLES.get(rejection.reason, rejection.reason) if rejection else "",
            "Message": rejection.message if rejection else "",
        })
    rows.sort(key=lambda row: (row["Funded"] != "yes", row["Initiative"]))
    return Sheet(side.scenario.name, pd.DataFrame(rows), money=["Cost", "Yearly benefit"])


def _when(scenario: Scenario) -> str:
    solved = scenario.solved_at
    return solved.strftime("%Y-%m-%d %H:%M") if solved else ""
