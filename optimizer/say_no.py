"""Say-no reasons: for every unfunded initiative, the first reason that applies (docs/model.md)."""

from __future__ import annotations

import math
from collections.abc import Callable

from optimizer.model import Data
from optimizer.result import Rejection, Usage

# Uplift within this much of the headroom counts as at the headroom.
AT_HEADROOM = 1e-9


QUOTES = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019", "\u00ab": "\u00bb"}


def quoted(name: str) -> str:
    """A name in single quotes, once: a name that comes in quotes of its own ("Express"
    lane aside) keeps only ours, so that no sentence reads ''Express''."""
    name = name.strip()
    while len(name) >= 2 and QUOTES.get(name[0]) == name[-1]:
        name = name[1:-1].strip()
    return f"'{name}'"


def money(amount: float, currency: str) -> str:
    return f"{currency} {amount:,.0f}" if abs(amount - round(amount)) < 0.005 or abs(
        amount) >= 1000 else f"{currency} {amount:,.2f}"


def names(data: Data, moments: list[int] | set[int]) -> str:
    named = [quoted(data.moments[m].name) for m in sorted(moments)]
    if len(named) <= 1:
        return "".join(named)
    return ", ".join(named[:-1]) + " and " + named[-1]


def names_along(data: Data, i: int, moments: list[int] | set[int]) -> str:
    """These moments that initiative i moves, by name, each it reaches only along a chain
    of back-stage steps with the steps it is tagged to: "'Greeted' through 'Staff rota'"."""
    tagged = sorted(data.moment_index[moment_id] for moment_id, _ in data.initiatives[i].effects)
    along = {m: [t for t in tagged if t != m and m in data.reach[t]] if m not in tagged else []
             for m in sorted(moments)}
    # a step named on the way to another of these moments is not named again on its own
    on_the_way = {step for steps in along.values() for step in steps}
    named = [quoted(data.moments[m].name) + (f" through {names(data, steps)}" if steps else "")
             for m, steps in along.items() if m not in on_the_way]
    if len(named) <= 1:
        return "".join(named)
    return ", ".join(named[:-1]) + " and " + named[-1]


def _uplift(data: Data, funded: set[int], m: int) -> float:
    return math.fsum(data.uplift[i][m] for i in data.moved_by[m] if i in funded)


def trim_focus(data: Data, funded: set[int], focus: set[int]) -> set[int]:
    """Drop focus moments that count for nothing and that no funded work needs.

    A solver may leave a spare focus slot on a moment that adds no impact; reporting it
    as a focus moment would tell teams to focus on something that does not matter.
    """
    kept = set(focus)
    auto_funded = [i for i in funded if data.initiatives[i].decision == "auto"]
    for m in sorted(focus):
        if data.moments[m].weight * min(_uplift(data, funded, m), data.cap[m]) > 0:
            continue
        rest = kept - {m}
        if all(rest.intersection(data.uplift[i]) for i in auto_funded):
            kept = rest
    return kept


def reasons(data: Data, funded: set[int], focus: set[int], periods: list[Usage],
            resources: list[Usage]) -> list[Rejection]:
    """One Rejection for every initiative not funded, in id order: the first reason of
    RULES that applies, else `outranked` (it would fit, but other work gives more impact)."""
    rejected = []
    forced = {i for i, initiative in enumerate(data.initiatives)
              if initiative.decision == "fund"}
    for i, initiative in enumerate(data.initiatives):
        if i in funded:
            continue
        code, message = next(
            (found for rule in RULES if (found := rule(data, i, funded, focus, forced))),
            ("outranked", ""))
        if code == "outranked":
            message = _outranked(data, i, funded, focus, periods, resources)
        rejected.append(Rejection(id=initiative.id, reason=code, message=message))
    return rejected


def _quoted(data: Data, items: list[int] | set[int]) -> str:
    """Initiatives by name, each in single quotes: "'A', 'B' and 'C'"."""
    named = [quoted(data.initiatives[j].name) for j in sorted(items)]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def required_by(data: Data, i: int) -> set[int]:
    """What funding i takes with it: the work it requires, and what that requires, on."""
    index, found, waiting = data.initiative_index, set(), [i]
    while waiting:
        for other in data.initiatives[waiting.pop()].requires:
            j = index[other]
            if j != i and j not in found:
                found.add(j)
                waiting.append(j)
    return found


def least_use(data: Data, chosen: set[int]) -> list[tuple[str, str, float, float, float]]:
    """The limits that `chosen` alone breaks, whatever else is funded with it (no cost or
    use is below zero): (kind, id, what the initiatives of `chosen` that are not funded by
    decision need, what the work funded by decision takes, the limit), kind being
    "budget", "period" or "resource"; in that order."""
    plan = data.plan
    forced = {j for j in chosen if data.initiatives[j].decision == "fund"}
    own = chosen - forced
    found = []

    def over(kind: str, key: str, amounts: list[float], limit: float | None) -> None:
        need = math.fsum(amounts[j] for j in own)
        taken = math.fsum(amounts[j] for j in forced)
        if limit is not None and need and need + taken > limit * (1 + AT_HEADROOM) + 1e-9:
            found.append((kind, key, need, taken, limit))

    over("budget", "", data.cost, plan.budget)
    for period in plan.periods:
        over("period", period.id, [c.get(period.id, 0.0) for c in data.period_cost],
             period.budget)
    for resource in plan.resources:
        over("resource", resource.id, [u.get(resource.id, 0.0) for u in data.uses],
             resource.capacity)
    return found


def limit_words(data: Data, kind: str, key: str, need: float, taken: float,
                limit: float, needs_words: str = "it needs") -> str:
    """"it needs EUR 90,000 in H1; H1's budget is EUR 80,000", with what work funded by
    decision takes of it."""
    currency = data.plan.currency
    if kind == "resource":
        resource = next(r for r in data.plan.resources if r.id == key)
        unit = f" {resource.unit}" if resource.unit else ""
        name = resource.name or resource.id
        needs, of = f"{need:g}{unit} of {name}", f"{name}'s capacity is {limit:g}{unit}"
        took = f"{taken:g}{unit}"
    else:
        needs = money(need, currency) + (f" in {key}" if kind == "period" else "")
        of = (f"{key}'s budget is " if kind == "period" else "the budget is ") + money(
            limit, currency)
        took = money(taken, currency)
    if taken:
        of += f", of which work funded by decision takes {took}"
    return f"{needs_words} {needs}; {of}"


def _over_a_limit(data: Data, i: int, funded: set[int], focus: set[int],
                  forced: set[int]) -> tuple[str, str] | None:
    """It alone (with the work funded by decision) breaks a budget or a capacity: that
    limit binds, whatever else is chosen."""
    over = least_use(data, {i} | forced)
    if not over:
        return None
    kind, key, need, taken, limit = over[0]
    code = {"budget": "over_budget", "period": "over_period", "resource": "over_capacity"}
    return code[kind], (f"Not funded: {limit_words(data, kind, key, need, taken, limit)}, "
                        "whatever else is chosen.")


def _linked_out(data: Data, i: int, funded: set[int], focus: set[int],
                forced: set[int]) -> tuple[str, str] | None:
    """A link binds whatever else is chosen: it requires work rejected by decision, work
    that moves nothing (the say-no rule keeps it out), or work that cannot fit beside it;
    it, or work it requires, conflicts with work funded by decision; or two pieces of the
    work it requires exclude each other."""
    index = data.initiative_index
    needed = required_by(data, i)
    closure = needed | {i}
    out = {j for j in needed if data.initiatives[j].decision == "reject"}
    if out:
        return "blocked", (f"Not funded: it depends on {_quoted(data, out)}, which "
                           f"{'is' if len(out) == 1 else 'are'} rejected by decision, "
                           "whatever else is chosen.")
    idle = {j for j in needed if data.initiatives[j].decision == "auto" and not data.uplift[j]}
    if idle:  # the say-no rule keeps work that moves nothing out
        return "blocked", (f"Not funded: it depends on {_quoted(data, idle)}, which "
                           f"{'moves' if len(idle) == 1 else 'move'} no moment (its uplifts "
                           "come to zero) and so is never funded, whatever else is chosen.")
    pairs = [(j, index[o]) for j in sorted(closure) for o in data.initiatives[j].excludes
             if index[o] in closure | forced]
    pairs += [(j, index[o]) for j in sorted(closure) for o in data.excluded_by[j]
              if index[o] in forced]
    for j, k in pairs:
        if k in forced or j in forced:
            other = k if k in forced else j
            via = "" if i in (j, k) else f" through {_quoted(data, {j, k} - {other})}"
            return "blocked", (f"Not funded: it conflicts with {_quoted(data, {other})}, "
                               f"which is funded by decision{via}, whatever else is chosen.")
        return "blocked", (f"Not funded: it depends on {_quoted(data, needed)}, but "
                           f"{_quoted(data, {j, k})} exclude each other, whatever else is "
                           "chosen.")
    over = least_use(data, closure | forced) if needed else []
    if not over:
        return None
    return "blocked", (f"Not funded: it depends on {_quoted(data, needed)}, and "
                       f"{limit_words(data, *over[0], 'together they need')}, whatever else "
                       "is chosen.")


def _forced_out(data: Data, i: int, funded: set[int], focus: set[int],
                forced: set[int]) -> tuple[str, str] | None:
    initiative = data.initiatives[i]
    if initiative.decision != "reject":
        return None
    why = initiative.reason.strip() or "no reason was recorded"
    return "forced_out", f"Rejected by decision: {why}."


def _off_focus(data: Data, i: int, funded: set[int], focus: set[int],
               forced: set[int]) -> tuple[str, str] | None:
    moves = set(data.uplift[i])
    if moves & focus or (moves and not focus):
        # With no focus moment at all, nothing was chosen for a reason of its own (the
        # money or a capacity): saying "it moves none of them" would hide it.
        return None
    focus_names = names(data, focus) or "none chosen"
    if not moves:
        return "off_focus", ("Not funded: it does not move any moment (its uplifts come to "
                             "zero), so it cannot move the moments we focus on this cycle "
                             f"({focus_names}).")
    return "off_focus", (f"Not funded: it moves {names_along(data, i, moves)}, but none of "
                         f"the moments we focus on this cycle ({focus_names}).")


def _blocked(data: Data, i: int, funded: set[int], focus: set[int],
             forced: set[int]) -> tuple[str, str] | None:
    initiative = data.initiatives[i]
    index = data.initiative_index
    missing = [o for o in initiative.requires if index[o] not in funded]
    clashing = [o for o in initiative.excludes if index[o] in funded]
    clashing += [o for o in data.excluded_by[i] if index[o] in funded and o not in clashing]
    if not missing and not clashing:
        return None
    parts = []
    if missing:
        names = ", ".join(quoted(data.initiatives[index[o]].name) for o in missing)
        parts.append(f"it depends on {names}, which {'is' if len(missing) == 1 else 'are'} "
                     "not funded")
    if clashing:
        names = ", ".join(quoted(data.initiatives[index[o]].name) for o in clashing)
        parts.append(f"it conflicts with {names}, which {'is' if len(clashing) == 1 else 'are'}"
                     " funded")
    return "blocked", "Not funded: " + "; and ".join(parts) + "."


def _saturated(data: Data, i: int, funded: set[int], focus: set[int],
               forced: set[int]) -> tuple[str, str] | None:
    on_focus = [m for m in data.uplift[i] if m in focus]
    if not on_focus:
        return None
    for m in on_focus:
        headroom = data.moments[m].headroom
        if headroom is None or _uplift(data, funded, m) < headroom * (1 - AT_HEADROOM):
            return None
    return "saturated", (f"Not funded: the focus moments it moves "
                         f"({names_along(data, i, on_focus)}) are already at their headroom "
                         "through funded work.")


def limits_in_the_way(data: Data, i: int, funded: set[int], periods: list[Usage],
                      resources: list[Usage]) -> list[str]:
    """The budgets and capacities this initiative would break on top of the portfolio."""
    plan, initiative = data.plan, data.initiatives[i]
    currency = plan.currency
    limits = []
    cost = data.cost[i]
    spent = math.fsum(data.cost[j] for j in funded)
    if plan.budget is not None and spent + cost > plan.budget:
        limits.append(f"the budget (it costs {money(cost, currency)}; "
                      f"{money(max(plan.budget - spent, 0), currency)} is left)")
    for usage in periods:
        need = initiative.cost_in(usage.id)
        if usage.limit is not None and need and usage.used + need > usage.limit:
            limits.append(f"the {usage.id} budget (it needs {money(need, currency)}; "
                          f"{money(max(usage.limit - usage.used, 0), currency)} is left)")
    uses = data.uses[i]
    for usage, resource in zip(resources, plan.resources, strict=True):
        need = uses.get(usage.id, 0.0)
        if need and usage.used + need > usage.limit:
            unit = f" {resource.unit}" if resource.unit else ""
            limits.append(f"{resource.name or resource.id} (it needs {need:g}{unit}; "
                          f"{max(usage.limit - usage.used, 0):g}{unit} is left)")
    return limits


def _outranked(data: Data, i: int, funded: set[int], focus: set[int], periods: list[Usage],
               resources: list[Usage]) -> str:
    """Name the limits this initiative would break on top of the chosen portfolio."""
    on_focus = [m for m in data.uplift[i] if m in focus]
    limits = limits_in_the_way(data, i, funded, periods, resources)
    if not focus:
        moves = names_along(data, i, data.uplift[i])
        if not limits:
            return (f"Not funded: it moves {moves}, but no portfolio had any impact to "
                    "gain, so no moment was chosen as a focus moment this cycle.")
        leave = "leaves" if len(limits) == 1 else "leave"
        return (f"Not funded: it moves {moves}, but " + " and ".join(limits) + f" {leave} "
                "no room for it, and nothing fits, so no moment could be a focus moment this "
                "cycle.")
    role = "a focus moment" if len(on_focus) == 1 else "focus moments"
    focus_part = f"it moves {names_along(data, i, on_focus)} ({role})"
    if not limits:
        return (f"Not funded: {focus_part}, but funding it would add no impact to the "
                "chosen portfolio.")
    return (f"Not funded: {focus_part}, but " + " and ".join(limits) +
            " went to work with more impact.")


# The reasons tried in order before `outranked` (docs/model.md, "Say-no reasons"): each
# gives (code, message) or None. First what binds whatever else is chosen (a decision, a
# budget or a capacity it alone breaks, a link), then what binds given the portfolio.
Rule = Callable[[Data, int, set[int], set[int], set[int]], tuple[str, str] | None]
RULES: list[Rule] = [_forced_out, _over_a_limit, _linked_out, _off_focus, _blocked,
                     _saturated]
