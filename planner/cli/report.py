"""The readable text reports: a solve (`planner solve`), an explanation, a frontier."""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer import Plan, Result
from optimizer.finance.frontier import Frontier, step_words
from optimizer.result import REASON_TITLES
from optimizer.say_no import money

if TYPE_CHECKING:  # the explanations' solver loads only when something is explained
    from optimizer.explain import Explanation


def _status_line(result: Result) -> str:
    if result.status == "optimal":
        return "Status: optimal (proven)"
    if result.status == "feasible":
        return (f"Status: feasible, NOT proven optimal: the time limit stopped the search; "
                f"impact is at most {result.bound:,.2f} (gap {result.gap:.2%})")
    if result.status == "infeasible":
        return "Status: infeasible: no portfolio satisfies the plan"
    if result.conflicts:  # the engine says why: a numerical limit, not the time
        return "Status: no solution: " + "; ".join(result.conflicts)
    return "Status: no solution: the time limit stopped the search before any portfolio"


def render_report(plan: Plan, result: Result,
                  explanations: dict[str, Explanation] | None = None) -> str:
    lines = [plan.name, "=" * len(plan.name), _status_line(result)]
    if result.status == "infeasible":
        lines += ["", "Why:"] + [f"  - {conflict}" for conflict in result.conflicts]
        return "\n".join(lines)
    if not result.has_portfolio:
        return "\n".join(lines)
    lines += [_focus_section(plan, result), _funded_section(plan, result),
              _totals_section(plan, result), _say_no_section(plan, result, explanations or {})]
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


def _say_no_section(plan: Plan, result: Result, explanations: dict[str, Explanation]) -> str:
    rows = [f"\nSay no ({len(result.rejected)}):"]
    for code, title in REASON_TITLES.items():
        group = [r for r in result.rejected if r.reason == code]
        if not group:
            continue
        rows.append(f"  {title} ({len(group)}):")
        for rejection in group:
            initiative = plan.initiative(rejection.id)
            explained = explanations.get(rejection.id)
            message = explained.message if explained else rejection.message
            rows.append(f"    - {initiative.name} [{rejection.id}]: {message}")
    return "\n".join(rows)


def render_explanation(plan: Plan, explanation: Explanation) -> str:
    """One rejected initiative: its reason, the what-if figures and the limits in the way."""
    initiative = plan.initiative(explanation.id)
    title = f"{initiative.name} [{initiative.id}]: not funded ({explanation.reason})"
    lines = [title, "=" * len(title), explanation.message, ""]
    if explanation.impact_if_funded is None:
        lines.append(f"Impact if funded: no portfolio can fund it ({explanation.conflict})")
    else:
        lines.append(f"Impact if funded: {explanation.impact_if_funded:,.2f} "
                     f"(now {explanation.impact:,.2f}; lost {explanation.impact_lost:,.2f})")
    if explanation.impact_if_counted is not None:
        lines.append(f"Impact if it counts: {explanation.impact_if_counted:,.2f} (with "
                     f"{', '.join(explanation.counted_focus)} in focus)")
    elif explanation.counted_conflict:
        lines.append(f"Impact if it counts: none ({explanation.counted_conflict})")
    if explanation.displaces:
        lines.append("It would drop: " + ", ".join(
            f"{plan.initiative(i).name} [{i}]" for i in explanation.displaces))
    if explanation.brings:
        lines.append("It would bring in: " + ", ".join(
            f"{plan.initiative(i).name} [{i}]" for i in explanation.brings))
    if explanation.focus_out:
        lines.append(f"Focus moments: out {', '.join(explanation.focus_out)}; "
                     f"in {', '.join(explanation.focus_in)}")
    cost = ("none" if explanation.break_even_cost is None
            else money(explanation.break_even_cost, plan.currency))
    uplift = ("none up to x10" if explanation.break_even_uplift is None
              else f"x{explanation.break_even_uplift:.2f}")
    lines.append(f"Break-even cost: {cost} (now {money(initiative.total_cost, plan.currency)})")
    lines.append(f"Break-even uplift: {uplift}")
    lines.append("In the way: " + ("; ".join(explanation.binding) or "nothing"))
    return "\n".join(lines)


def render_frontier(plan: Plan, found: Frontier) -> str:
    currency = plan.currency
    title = f"{plan.name}: efficient frontier"
    count = len(found.points)
    if found.complete:
        scope = (f"Every step: {count} point{'s' if count != 1 else ''}, each the least money "
                 "that buys a higher impact, with its proven best portfolio.")
    else:
        scope = (f"{count} exact points spread over the range (the step at or below each of "
                 "evenly spaced budgets); the plan has more steps, and those between them "
                 "are not shown (--points raises the limit).")
    lines = [title, "=" * len(title), scope,
             f"{found.solves} solves in {found.seconds:.1f} s; the cost of every initiative "
             f"is {money(found.total_cost, currency)}.", "",
             f"  {'cost':>16}  {'impact':>10}  {'funded':>6}  focus"]
    for point in found.points:
        if point.impact is None:
            lines.append(f"  {money(point.budget, currency):>16}  {point.status}")
            continue
        lines.append(f"  {money(point.cost or 0, currency):>16}  {point.impact:>10,.1f}  "
                     f"{len(point.funded):>6}  {', '.join(point.focus) or '-'}"
                     + ("" if point.status == "optimal" else f"  ({point.status})"))
    if found.fits_from is not None:
        lines.append(f"\nBelow {money(found.fits_from, currency)} no portfolio keeps every "
                     "rule (forced-in work costs that much).")
    if found.plan_budget is not None:
        buys = found.impact_at(found.plan_budget)
        lines.append(f"\nThe plan's budget: {money(found.plan_budget, currency)}"
                     + ("." if buys is None else f", which buys impact {buys:,.1f}."))
    lines.append("\nWhat each step buys:")
    for lower, upper in zip(found.points, found.points[1:], strict=False):
        lines.append(f"  - {step_words(plan, lower, upper)}")
    return "\n".join(lines)
