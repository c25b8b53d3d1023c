"""What the solved samples say: the chosen share of each initiative with its interval, the
focus share of each moment, and the decided portfolio held fixed in every sample (the
Uncertainty result of docs/plan-format.md; definitions in docs/model.md, "Uncertainty").

Every figure is recomputed from portfolios on each sample's own Data and reported
unrounded; lists are in id order.
"""

from __future__ import annotations

import math

from optimizer.checks import SLACK, portfolio_cost, portfolio_impact
from optimizer.engine import solve
from optimizer.model import Data, index_plan
from optimizer.plan import Plan
from optimizer.uncertainty.sampler import sample_plan

Z = 1.959964  # the 95% Wilson interval
CORE, EXTERIOR = 0.9, 0.1  # chosen share at least / at most


def wilson(chosen: int, count: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval of a share chosen / count (count > 0)."""
    share = chosen / count
    spread = z * z / count
    centre = (share + spread / 2) / (1 + spread)
    half = z * math.sqrt(share * (1 - share) / count + spread / (4 * count)) / (1 + spread)
    # At a share of 0 (or 1) the bound is 0 (or 1) exactly; the subtraction leaves dust
    # (2e-19 at 0 of 1,000), which a page would read as "under 1%".
    low = 0.0 if chosen == 0 else max(0.0, centre - half)
    high = 1.0 if chosen == count else min(1.0, centre + half)
    return low, high


def share_class(share: float) -> str:
    return "core" if share >= CORE else "exterior" if share <= EXTERIOR else "borderline"


def spread(values: list[float], *, bands: bool = True) -> dict[str, float | None]:
    """Mean and (with `bands`) P10, P50, P90 by numpy's linear percentiles; None if empty."""
    import numpy as np

    keys = ("mean", "p10", "p50", "p90") if bands else ("mean", "p90")
    if not values:
        return dict.fromkeys(keys)
    figures = {"mean": math.fsum(values) / len(values)}
    for key in keys[1:]:
        figures[key] = float(np.percentile(np.asarray(values, np.float64), float(key[1:])))
    return figures


def over_budget(data: Data, funded: set[int]) -> bool:
    """Whether the portfolio breaks the budget or any period's budget (as optimizer.checks
    reads a limit: past it by more than 1e-9 of it)."""
    plan = data.plan

    def over(used: float, limit: float) -> bool:
        return used > limit + SLACK * max(1.0, abs(limit))

    if plan.budget is not None and over(portfolio_cost(data, funded), plan.budget):
        return True
    return any(period.budget is not None and over(
        math.fsum(data.initiatives[i].cost_in(period.id) for i in funded), period.budget)
        for period in plan.periods)


def plan_decision(plan: Plan) -> tuple[list[str], list[str]] | None:
    """The plan's own optimum (its likely values), or None if it has none."""
    result = solve(plan)
    return (sorted(result.funded), sorted(result.focus)) if result.has_portfolio else None


def summarise(plan: Plan, samples: list[dict], outcomes: list[dict], *,
              decision: tuple[list[str], list[str]] | None = None,
              seed: int | None = None,
              figures: list[tuple[float, float, bool]] | None = None) -> dict:
    """The Uncertainty result document (without "robust"). `decision`: (funded ids, focus
    ids) held fixed; None: the plan's own optimum. `figures`: the decision's fixed_figures
    in each sample, when the processes that solved them computed them too."""
    if len(samples) != len(outcomes):
        raise ValueError("one outcome per sample")
    solved = [o for o in outcomes if o.get("impact") is not None]
    count = len(solved)
    if decision is None:
        decision = plan_decision(plan)
    decided = set(decision[0]) if decision else set()
    chosen = {i.id: 0 for i in plan.initiatives}
    focused = {m.id: 0 for m in plan.moments}
    for outcome in solved:
        for initiative_id in outcome["funded"]:
            chosen[initiative_id] += 1
        for moment_id in outcome["focus"]:
            focused[moment_id] += 1
    initiatives = []
    for initiative_id in sorted(chosen):
        share = chosen[initiative_id] / count if count else None
        initiatives.append({
            "id": initiative_id, "chosen_share": share,
            "interval": list(wilson(chosen[initiative_id], count)) if count else None,
            "class": share_class(share) if share is not None else None,
            "in_decision": initiative_id in decided})
    moments = [{"id": moment_id, "focus_share": focused[moment_id] / count if count else None}
               for moment_id in sorted(focused)]
    return {"samples": len(samples), "seed": seed, "solved": count,
            "infeasible": sum(o["status"] == "infeasible" for o in outcomes),
            "initiatives": initiatives, "moments": moments,
            "decision": held_fixed(plan, samples, outcomes, decision, figures)}


def fixed_figures(data: Data, decision: tuple[list[str], list[str]]
                  ) -> tuple[float, float, bool]:
    """A decided portfolio and focus in one sample: its impact, its cost, and whether it
    breaks the budget or a period's budget."""
    funded = {data.initiative_index[i] for i in decision[0]}
    focus = {data.moment_index[m] for m in decision[1]}
    return (portfolio_impact(data, funded, focus), portfolio_cost(data, funded),
            over_budget(data, funded))


def held_fixed(plan: Plan, samples: list[dict], outcomes: list[dict],
               decision: tuple[list[str], list[str]] | None,
               figures: list[tuple[float, float, bool]] | None = None) -> dict | None:
    """The decided portfolio and focus in every sample: impact and cost over all samples,
    the share over budget, and the regret over the samples that have an optimum.
    `figures`: fixed_figures of each sample, if already computed where it was solved."""
    if decision is None:
        return None
    funded_ids, focus_ids = sorted(decision[0]), sorted(decision[1])
    if figures is None:
        figures = [fixed_figures(index_plan(sample_plan(plan, s)), (funded_ids, focus_ids))
                   for s in samples]
    impacts = [impact for impact, _, _ in figures]
    regrets = [outcome["impact"] - impact
               for outcome, (impact, _, _) in zip(outcomes, figures, strict=True)
               if outcome.get("impact") is not None]
    return {"funded": funded_ids, "focus": focus_ids, "impact": spread(impacts),
            "cost": spread([cost for _, cost, _ in figures]),
            "over_budget_share": (sum(over for _, _, over in figures) / len(samples)
                                  if samples else None),
            "regret": spread(regrets, bands=False)}
