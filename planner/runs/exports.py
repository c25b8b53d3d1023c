"""A saved run as files: the funded portfolio and the say-no list with reasons, as one Excel
workbook and as CSV files.

The tables are built from the run's own inputs and result (as its page is), with the
explanations stored for it so far; nothing is solved or saved to export them.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
from flask import Response

from models import Plan, Run
from planner.runs.changes import notice
from planner.runs.reports import RunReport, SayNoEntry, run_report
from planner.runs.say_no import explained_entries
from planner.spreadsheets import XLSX, Sheet, csv_bytes, workbook_bytes
from planner.views import Routes, attachment, plan_and_run
from planner.web import when

CSV = "text/csv"  # Flask adds the charset
DECISION_WORDS = {"auto": "chosen by the optimiser", "fund": "forced in"}
SEPARATOR = "; "  # between names in one cell; names may hold commas
CENT = Decimal("0.01")

routes = Routes()


@routes.get("/plans/<int:plan_id>/runs/<int:run_id>/portfolio.xlsx")
def run_workbook(run_id: int):
    """The run as a workbook: its summary, the funded work and the say-no list."""
    plan, saved = plan_and_run(run_id)
    report, entries = run_report(saved), explained_entries(saved)
    body = workbook_bytes([summary_sheet(report, entries), funded_sheet(report),
                           not_funded_sheet(report, entries)])
    return _download(body, XLSX, plan, saved, "portfolio.xlsx")


@routes.get("/plans/<int:plan_id>/runs/<int:run_id>/funded.csv")
def funded_csv(run_id: int):
    """The run's funded initiatives as a CSV file."""
    plan, saved = plan_and_run(run_id)
    body = _csv(funded_sheet(run_report(saved)))
    return _download(body, CSV, plan, saved, "funded.csv")


@routes.get("/plans/<int:plan_id>/runs/<int:run_id>/not-funded.csv")
def not_funded_csv(run_id: int):
    """The run's say-no list, with reasons and any stored explanation, as a CSV file."""
    plan, saved = plan_and_run(run_id)
    body = _csv(not_funded_sheet(run_report(saved), explained_entries(saved)))
    return _download(body, CSV, plan, saved, "not-funded.csv")


def summary_sheet(report: RunReport, entries: list[SayNoEntry]) -> Sheet:
    """One row: status in words, impact, money against the budget, focus, counts, return."""
    result, currency = report.result, report.currency
    cost, budget = result.get("cost"), result.get("budget")
    row = {
        "Run": report.run.number,
        "Run at": when(report.run.created_at),
        "Status": report.status_words,
        "Impact": result.get("impact"),
        _in("Cost", currency): cost,
        _in("Budget", currency): budget,
        _in("Unspent", currency): budget - cost if None not in (budget, cost) else None,
        "Focus moments": SEPARATOR.join(line.name for line in report.focus),
        "Funded": len(report.funded),
        "Not funded": len(entries),
        **_return_figures(report),
        # The workbook travels without the app: it says itself when it is out of date.
        "Plan changed since": notice(report.run) or "no",
    }
    money = [column for column in row if column.endswith(f"({currency})")]
    return Sheet("Summary", pd.DataFrame([row]), money=money, percent=["ROI", "Discount rate"],
                 numbers=["Payback (years)"], impacts=["Impact"])


def funded_sheet(report: RunReport) -> Sheet:
    """Each funded initiative: its cost per period and in all, decision, moments moved."""
    currency = report.currency
    initiatives = _initiatives(report.run)
    moments = {moment["id"]: moment["name"] for moment in report.run.inputs["moments"]}
    periods = {_in(key, currency): key for key in report.period_keys}
    total, benefit = _in("Total cost", currency), _in("Yearly benefit", currency)
    states_benefit = any(i.get("benefit") is not None for i in initiatives.values())
    columns = ["Initiative", "Name", "Team", *periods, total, "Decision", "Moments moved",
               *([benefit] if states_benefit else [])]
    rows = []
    for line in report.funded:
        initiative = initiatives[line.key]
        rows.append({
            "Initiative": line.key, "Name": line.name, "Team": line.team,
            **{column: line.costs[key] for column, key in periods.items()},
            total: line.total, "Decision": DECISION_WORDS.get(line.decision, line.decision),
            "Moments moved": SEPARATOR.join(moments.get(key, key)
                                            for key in initiative["effects"]),
            benefit: initiative.get("benefit"),
        })
    money = [*periods, total, *([benefit] if states_benefit else [])]
    return Sheet("Funded", pd.DataFrame(rows, columns=columns), money=money)


def not_funded_sheet(report: RunReport, entries: list[SayNoEntry]) -> Sheet:
    """Each rejected initiative: its reason and message, and the figures of its stored
    explanation (empty cells while it is not explained)."""
    currency = report.currency
    total, break_even = _in("Total cost", currency), _in("Break-even cost", currency)
    rows = [{"Initiative": entry.key, "Name": entry.name, "Team": entry.team,
             total: entry.cost, "Reason": entry.reason_title, "Message": entry.message,
             "Explained": "yes" if entry.explanation else "no",
             **_explained_figures(entry, break_even)} for entry in entries]
    columns = ["Initiative", "Name", "Team", total, "Reason", "Message", "Explained",
               "Impact lost", "Impact if funded", "Impact if counted", break_even,
               "Break-even uplift", "Displaces"]
    return Sheet("Not funded", pd.DataFrame(rows, columns=columns), money=[total, break_even],
                 numbers=["Break-even uplift"],
                 impacts=["Impact lost", "Impact if funded", "Impact if counted"])


def _csv(sheet: Sheet) -> bytes:
    """The sheet as a CSV file, its columns kept: money with two decimals (30000.00, never
    30000.0 or 0.30000000000000004), shares as the decimals they are (0.08)."""
    frame = sheet.frame.copy()
    for columns, written in ((sheet.money, _cents), (sheet.percent, _decimals)):
        for column in columns:
            if column in frame.columns:
                frame[column] = frame[column].map(written).astype(object)
    return csv_bytes(frame)


def _cents(value: Any) -> Decimal | None:
    if value is None or isinstance(value, str) or not math.isfinite(float(value)):
        return None
    return Decimal(repr(float(value))).quantize(CENT, rounding=ROUND_HALF_UP)


def _decimals(value: Any) -> Decimal | None:
    if value is None or isinstance(value, str) or not math.isfinite(float(value)):
        return None
    return Decimal(repr(round(float(value), 12)))


def download_name(plan: Plan, run: Run, what: str) -> str:
    """'retail-stores-fy2027-run-3-portfolio.xlsx': the plan's name in ASCII letters and
    digits, so that every browser and mail program keeps it."""
    ascii_name = unicodedata.normalize("NFKD", plan.name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return f"{base or f'plan-{plan.id}'}-run-{run.number}-{what}"


def _explained_figures(entry: SayNoEntry, break_even: str) -> dict[str, Any]:
    explanation = entry.explanation
    if explanation is None:
        return {}
    return {"Impact lost": explanation.impact_lost,
            "Impact if funded": explanation.impact_if_funded,
            "Impact if counted": explanation.impact_if_counted,
            break_even: explanation.break_even_cost,
            "Break-even uplift": explanation.break_even_uplift,
            "Displaces": SEPARATOR.join(entry.displaces)}


def _return_figures(report: RunReport) -> dict[str, Any]:
    """ROI, NPV and payback of the funded work that states a benefit; none without figures."""
    returns = report.returns
    figures = returns.figures if returns else None
    if figures is None:
        return {}
    currency = report.currency
    return {_in("Yearly benefit", currency): figures.benefit, "ROI": figures.roi,
            _in("NPV", currency): figures.npv, "Payback (years)": figures.payback_years,
            "Horizon (years)": returns.portfolio.horizon_years,
            "Discount rate": returns.portfolio.discount_rate,
            _in("Cost without a stated benefit", currency):
                returns.portfolio.cost_without_benefit}


def _in(label: str, currency: str) -> str:
    """A money column's header: 'Total cost (EUR)'."""
    return f"{label} ({currency})"


def _initiatives(run: Run) -> dict[str, dict[str, Any]]:
    return {initiative["id"]: initiative for initiative in run.inputs["initiatives"]}


def _download(body: bytes, mimetype: str, plan: Plan, run: Run, what: str) -> Response:
    return attachment(body, mimetype, download_name(plan, run, what))
