"""ROI, NPV and payback, against figures computed by hand."""

import pytest

from optimizer import plan_from_dict
from optimizer.finance.returns import initiative_returns, portfolio_returns


def _plan(initiatives, **settings):
    return plan_from_dict({"plan": "t", "moments": [{"id": "m", "name": "M"}],
                           "initiatives": initiatives, **settings})


def test_one_initiative_without_periods():
    plan = _plan([{"id": "a", "name": "A", "cost": 100000, "effects": {"m": 1},
                   "benefit": 50000}], finance={"horizon_years": 3, "discount_rate": 0.08})
    figures = initiative_returns(plan, plan.initiative("a"))
    assert figures.cost == 100000 and figures.benefit == 50000
    assert figures.roi == pytest.approx(0.5)  # (3 * 50,000 - 100,000) / 100,000
    # 50,000 * (1/1.08 + 1/1.08^2 + 1/1.08^3) - 100,000, all spent at the start
    assert figures.npv == pytest.approx(28854.85, abs=0.01)
    assert figures.payback_years == pytest.approx(2.0)


def test_costs_fall_in_their_period():
    plan = _plan([{"id": "a", "name": "A", "cost": {"H1": 60000, "H2": 40000},
                   "effects": {"m": 1}, "benefit": 50000}],
                 periods=[{"id": "H1"}, {"id": "H2"}])  # default finance: 3 years at 8%
    figures = initiative_returns(plan, plan.initiative("a"))
    # H2 money is spent half a year in: 40,000 / 1.08^0.5 = 38,490.02
    assert figures.npv == pytest.approx(128854.85 - 60000 - 38490.02, abs=0.01)
    assert figures.roi == pytest.approx(0.5)


def test_zero_rate_and_one_year():
    plan = _plan([{"id": "a", "name": "A", "cost": 80, "effects": {"m": 1}, "benefit": 100}],
                 finance={"horizon_years": 1, "discount_rate": 0})
    figures = initiative_returns(plan, plan.initiative("a"))
    assert (figures.roi, figures.npv, figures.payback_years) == pytest.approx((0.25, 20, 0.8))


def test_a_missing_benefit_is_unknown_not_zero():
    plan = _plan([{"id": "a", "name": "A", "cost": 100, "effects": {"m": 1}, "benefit": 60},
                  {"id": "b", "name": "B", "cost": 50, "effects": {"m": 1}},
                  {"id": "c", "name": "C", "cost": 0, "effects": {"m": 1}, "benefit": 0}],
                 finance={"horizon_years": 2, "discount_rate": 0})
    alone = initiative_returns(plan, plan.initiative("b"))
    assert alone.benefit is None and alone.roi is None and alone.npv is None
    assert alone.payback_years is None and alone.cost == 50
    free = initiative_returns(plan, plan.initiative("c"))
    assert free.roi is None and free.payback_years is None and free.npv == 0

    portfolio = portfolio_returns(plan, ["a", "b", "c"])
    assert portfolio.cost == 150 and not portfolio.complete
    assert portfolio.without_benefit == ["b"] and portfolio.cost_without_benefit == 50
    covered = portfolio.covered  # a and c: cost 100, benefit 60 a year
    assert (covered.cost, covered.benefit) == (100, 60)
    assert covered.roi == pytest.approx(0.2) and covered.npv == pytest.approx(20)
    assert covered.payback_years == pytest.approx(100 / 60)
    assert portfolio.to_dict()["complete"] is False

    nothing = portfolio_returns(plan, ["b"])
    assert nothing.covered is None and nothing.without_benefit == ["b"]
    empty = portfolio_returns(plan, [])
    assert empty.covered is None and empty.complete and empty.cost == 0
