"""Return figures of initiatives and portfolios: cost, annual benefit, ROI, NPV, payback.

The optimiser ignores money's return (docs/model.md, "Inputs"); finance reads it from each
initiative's `benefit` (money per year) and the plan's `finance` settings
(docs/plan-format.md):

- Timing. Costs are spent in the plan year: a plan without periods spends at its start;
  a plan with periods divides the year evenly among them, in their order, and each
  period's cost falls at the start of its slice (H1 at 0, H2 at half a year). Benefits
  come at the end of each year of the horizon, from the end of the plan year on.
- ROI over the horizon: (horizon_years * benefit - cost) / cost, undiscounted.
- NPV: benefits and costs discounted at `discount_rate` to the start of the plan year.
- Payback: cost / benefit, in years of benefit.

A missing benefit is unknown, not zero: an initiative without one has no ROI, NPV or
payback, and a portfolio's figures cover only its work with a stated benefit, naming the
rest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from optimizer.plan import Finance, Initiative, Plan


@dataclass(frozen=True)
class Returns:
    """What some work costs and returns over the plan's horizon."""

    cost: float
    benefit: float | None  # per year; None: not stated
    roi: float | None  # over the horizon; None without a benefit or at no cost
    npv: float | None
    payback_years: float | None  # None without a positive benefit

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PortfolioReturns:
    """A portfolio's figures, over the funded work that states a benefit."""

    cost: float  # all funded work
    covered: Returns | None  # the funded work with a stated benefit; None if there is none
    without_benefit: list[str] = field(default_factory=list)  # funded ids with none stated
    cost_without_benefit: float = 0.0
    horizon_years: int = 3
    discount_rate: float = 0.08

    @property
    def complete(self) -> bool:
        return not self.without_benefit

    def to_dict(self) -> dict[str, Any]:
        document = asdict(self)
        document["complete"] = self.complete
        return document


def settings(plan: Plan) -> Finance:
    return plan.finance or Finance()


def cost_timing(plan: Plan) -> dict[str, float]:
    """When each period's money is spent, in years from the start of the plan year."""
    if not plan.periods:
        return {"": 0.0}
    share = 1.0 / len(plan.periods)
    return {period.id: k * share for k, period in enumerate(plan.periods)}


def present_cost(plan: Plan, initiatives: Iterable[Initiative]) -> float:
    finance, timing = settings(plan), cost_timing(plan)
    rate = finance.discount_rate
    return math.fsum(amount / (1 + rate) ** timing.get(period, 0.0)
                     for initiative in initiatives for period, amount in initiative.cost)


def annuity(finance: Finance) -> float:
    """Present value of one unit of money at the end of each year of the horizon."""
    rate = finance.discount_rate
    return math.fsum((1 + rate) ** -year for year in range(1, finance.horizon_years + 1))


def returns_of(plan: Plan, initiatives: list[Initiative]) -> Returns:
    """Figures of this work taken together (every one with a stated benefit)."""
    finance = settings(plan)
    cost = math.fsum(initiative.total_cost for initiative in initiatives)
    benefits = [initiative.benefit for initiative in initiatives]
    if any(benefit is None for benefit in benefits):
        raise ValueError("every initiative needs a stated benefit here")
    benefit = math.fsum(benefits)
    roi = (finance.horizon_years * benefit - cost) / cost if cost > 0 else None
    npv = benefit * annuity(finance) - present_cost(plan, initiatives)
    payback = cost / benefit if benefit > 0 else None
    return Returns(cost=cost, benefit=benefit, roi=roi, npv=npv, payback_years=payback)


def initiative_returns(plan: Plan, initiative: Initiative) -> Returns:
    if initiative.benefit is None:
        return Returns(cost=initiative.total_cost, benefit=None, roi=None, npv=None,
                       payback_years=None)
    return returns_of(plan, [initiative])


def portfolio_returns(plan: Plan, funded: Iterable[str]) -> PortfolioReturns:
    """A portfolio's figures over its work with a stated benefit, naming the rest."""
    finance = settings(plan)
    chosen = [plan.initiative(initiative_id) for initiative_id in funded]
    stated = [initiative for initiative in chosen if initiative.benefit is not None]
    missing = [initiative for initiative in chosen if initiative.benefit is None]
    return PortfolioReturns(
        cost=math.fsum(initiative.total_cost for initiative in chosen),
        covered=returns_of(plan, stated) if stated else None,
        without_benefit=sorted(initiative.id for initiative in missing),
        cost_without_benefit=math.fsum(initiative.total_cost for initiative in missing),
        horizon_years=finance.horizon_years, discount_rate=finance.discount_rate)
