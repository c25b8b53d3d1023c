"""A run's return for its page: cost, benefit, ROI, NPV and payback, and what is unknown.

Worked out from the run's own inputs (the plan document it solved), so a run reads the same
after the plan has changed. A missing benefit is unknown, not zero (optimizer.finance.returns): the
figures cover the funded work that states one, and the words say what they leave out.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import optimizer
from models import Run
from optimizer.finance.returns import (
    PortfolioReturns,
    Returns,
    initiative_returns,
    portfolio_returns,
)
from optimizer.result import FEASIBLE, OPTIMAL
from planner.kept import RETURNS, RETURNS_TEXT, code_of
from planner.web import money


@dataclass(frozen=True)
class InitiativeReturn:
    key: str
    name: str
    figures: Returns


@dataclass(frozen=True)
class RunReturns:
    """The figures of a run's funded work, or in `unavailable` why there are none."""

    portfolio: PortfolioReturns | None
    initiatives: list[InitiativeReturn] = field(default_factory=list)
    coverage: str = ""  # what the figures leave out; empty when they cover all funded work
    unavailable: str = ""  # why there are no figures at all
    plan_sets_finance: bool = False  # False: the default horizon and rate apply

    @property
    def figures(self) -> Returns | None:
        return self.portfolio.covered if self.portfolio else None


# The code that works the figures out, for the key of the text kept for every process:
# read once, not on every page that shows a run.
RETURNS_CODE = code_of(__name__, "optimizer.finance.returns")


def run_returns(run: Run) -> RunReturns | None:
    """The run's return figures; None when the run has no portfolio. A saved run never
    changes, so its figures are worked out once (reading its inputs back into a plan takes
    most of the run page's time on a large plan), by its job, and kept (kept.RETURNS, and
    for every process kept.RETURNS_TEXT)."""
    if run.id is None:
        return _work_out(run)
    key = (run.id, run.created_at, RETURNS_CODE)
    return RETURNS.get(key, lambda: _read(RETURNS_TEXT.get(
        key, lambda: json.dumps(asdict(figures) if (figures := _work_out(run)) else None))))


def _read(text: str) -> RunReturns | None:
    """RunReturns from the JSON of its asdict()."""
    found = json.loads(text)
    if found is None:
        return None
    portfolio = found["portfolio"]
    if portfolio is not None:
        covered = portfolio["covered"]
        portfolio = PortfolioReturns(**{**portfolio, "covered": covered and Returns(**covered)})
    lines = [InitiativeReturn(line["key"], line["name"], Returns(**line["figures"]))
             for line in found["initiatives"]]
    return RunReturns(**{**found, "portfolio": portfolio, "initiatives": lines})


def _work_out(run: Run) -> RunReturns | None:
    if run.result["status"] not in (OPTIMAL, FEASIBLE):
        return None
    try:
        plan = optimizer.plan_from_dict(run.inputs)
    except optimizer.PlanError:
        return RunReturns(None, unavailable=(
            "The inputs saved with this run no longer pass the plan checks, so its return "
            "cannot be worked out; run the plan again."))
    funded = run.result["funded"]
    portfolio = portfolio_returns(plan, funded)
    lines = [InitiativeReturn(key, plan.initiative(key).name,
                              initiative_returns(plan, plan.initiative(key))) for key in funded]
    return RunReturns(portfolio, lines, coverage_words(portfolio, len(funded), plan.currency),
                      unavailable_words(portfolio, len(funded)),
                      plan_sets_finance=plan.finance is not None)


def coverage_words(portfolio: PortfolioReturns, funded: int, currency: str) -> str:
    """'3 funded initiatives (EUR 120,000) state no benefit: the figures cover the other 9.'"""
    missing = len(portfolio.without_benefit)
    if missing == 0 or missing == funded:
        return ""
    cost = money(portfolio.cost_without_benefit, currency)
    if missing == 1:
        return (f"1 funded initiative ({cost}) states no benefit: the figures cover the "
                f"other {funded - 1}.")
    return (f"{missing} funded initiatives ({cost}) state no benefit: the figures cover the "
            f"other {funded - missing}.")


def unavailable_words(portfolio: PortfolioReturns, funded: int) -> str:
    """Why a portfolio has no return figures at all; empty when it has some."""
    if funded == 0:
        return "Nothing is funded, so there is no return to show."
    if portfolio.covered is not None:
        return ""
    which = ("The funded initiative states no" if funded == 1
             else f"None of the {funded} funded initiatives states a")
    return (f"{which} yearly benefit, so ROI, NPV and payback cannot be worked out. "
            "Enter each initiative's benefit to see them.")
