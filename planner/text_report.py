"""The readable text report of a solve, as `planner solve` prints it."""

from __future__ import annotations

from optimizer import Plan, Result
from optimizer.result import REASON_TITLES
from optimizer.say_no import money


def _status_line(result: Result) -> str:
    if result.status == "optimal":
        return "Status: optimal (proven)"
    if result.status == "feasible":
        return (f"Status: feasible, NOT proven optimal: the time limit stopped the search; "
                f"impact is at most {result.bound:,.2f} (gap {result.gap:.2%})")
    if result.status == "infeasible":
        return "Status: infeasible: no portfolio satisfies the plan"
    return "Status: no solution: the time limit stopped the search before any portfolio"


def render_report(plan: Plan, result: Result) -> str:
    lines = [plan.name, "=" * len(plan.name), _status_line(result)]
    if result.status == "infeasible":
        lines += ["", "Why:"] + [f"  - {conflict}" for conflict in result.conflicts]
        return "\n".join(lines)
    if not result.has_portfolio:
        return "\n".join(lines)
    lines += [_focus_section(plan, result), _funded_section(plan, result),
              _totals_section(plan, result), _say_no_section(plan, result)]
    return "\n".join(lines)


def _focus_section(plan: Plan, result: Result) -> str:
    by_id = {m.id: m for m in result.moments}
    rows = [f"\nImpact {result.impact:,.2f}, from {len(result.focus)} focus moments:"]
    for moment_id in result.focus:
        moment, counted = plan.moment(moment_id), by_id[moment_id]
        headroom = "no cap" if counted.headroom is None else f"of {counted.headroom:g}"
        rows.append(f"  * {moment.name} [{moment_id}]: +{counted.improvement:.2f} points "
                    f"({headroom}), weight {moment.weight:g} -> {counted.contribution:,.2f}")
    return "\n".join(rows)


def _funded_section(plan: Plan, result: Result) -> str:
    rows = [f"\nFunded ({len(result.funded)}):"]
    for initiative_id in result.funded:
        initiative = plan.initiative(initiative_id)
        team = f" ({initiative.team})" if initiative.team else ""
        forced = " [forced in]" if initiative.decision == "fund" else ""
        rows.append(f"  - {initiative.name}{team} [{initiative_id}]: "
                    f"{money(initiative.total_cost, plan.currency)}{forced}")
    return "\n".join(rows)


def _totals_section(plan: Plan, result: Result) -> str:
    budget = "no total budget" if result.budget is None else (
        f"of {money(result.budget, plan.currency)}")
    rows = [f"\nCost: {money(result.cost or 0, plan.currency)} {budget}"]
    for usage in result.periods:
        limit = "no budget" if usage.limit is None else f"of {money(usage.limit, plan.currency)}"
        rows.append(f"  period {usage.id}: {money(usage.used, plan.currency)} {limit}")
    for usage, resource in zip(result.resources, plan.resources, strict=True):
        unit = f" {resource.unit}" if resource.unit else ""
        rows.append(f"  {resource.name or resource.id}: {usage.used:g} of "
                    f"{usage.limit:g}{unit}")
    return "\n".join(rows)


def _say_no_section(plan: Plan, result: Result) -> str:
    rows = [f"\nSay no ({len(result.rejected)}):"]
    for code, title in REASON_TITLES.items():
        group = [r for r in result.rejected if r.reason == code]
        if not group:
            continue
        rows.append(f"  {title} ({len(group)}):")
        for rejection in group:
            initiative = plan.initiative(rejection.id)
            rows.append(f"    - {initiative.name} [{rejection.id}]: {rejection.message}")
    return "\n".join(rows)
