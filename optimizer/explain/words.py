"""The words of an explanation: the limits in the way, and the message a team reads."""

from __future__ import annotations

from optimizer.explain.context import Context
from optimizer.explain.types import Explanation
from optimizer.model import Data
from optimizer.say_no import (
    least_use,
    limit_words,
    limits_in_the_way,
    money,
    names,
    names_along,
    quoted,
    required_by,
)


def binding(context: Context, i: int, reason: str) -> list[str]:
    """The constraints that keep i out of the run's portfolio, in words."""
    data, initiative = context.data, context.data.initiatives[i]
    if reason == "forced_out":
        return [f"a decision: {initiative.reason.strip() or 'rejected'}"]
    if reason == "off_focus":
        if data.max_focus == 1:
            return ["the focus limit: 1 moment, which it does not move"]
        return [f"the focus limit: {data.max_focus} moments, none of which it moves"]
    forced = {j for j, other in enumerate(data.initiatives) if other.decision == "fund"}
    if reason in ("over_budget", "over_period", "over_capacity"):
        return [f"{limit_words(data, *over)}, whatever else is chosen"
                for over in least_use(data, {i} | forced)]
    if reason == "blocked":
        index = data.initiative_index
        missing = [o for o in initiative.requires if index[o] not in context.funded]
        clashing = [o for o in list(initiative.excludes) + data.excluded_by[i]
                    if index[o] in context.funded]
        needed = required_by(data, i)
        together = least_use(data, needed | {i} | forced) if needed else []
        return ([f"a dependency: it requires {quoted(data.initiatives[index[o]].name)}"
                 for o in missing] +
                [f"a conflict: it excludes {quoted(data.initiatives[index[o]].name)}"
                 for o in dict.fromkeys(clashing)] +
                [f"{limit_words(data, *over, 'with the work it requires, it needs')}, "
                 "whatever else is chosen" for over in together])
    if reason == "saturated":
        moved = [m for m in data.uplift[i] if m in context.focus]
        return [f"the headroom of {names(data, [m])}" for m in moved]
    usages = context.result.periods, context.result.resources
    return limits_in_the_way(data, i, context.funded, *usages)


def message(context: Context, i: int, reason_message: str, explanation: Explanation) -> str:
    """The run's say-no message followed by the figures of the explanation, in words."""
    data, currency = context.data, context.plan.currency
    parts = [reason_message]
    if explanation.impact_if_funded is None:
        parts.append(f"No portfolio can fund it: {_clause(explanation.conflict or '')}.")
    elif explanation.impact_if_counted is not None or explanation.counted_conflict:
        parts.append(_uncounted(context, explanation))
    else:
        parts.append(_if_funded(context, explanation))
    if explanation.reason == "forced_out":
        return " ".join(parts)
    now = money(data.cost[i], currency)
    if explanation.break_even_under is not None:
        boundary = money(explanation.break_even_under, currency)
        parts.append(f"It would be funded at a cost under {boundary} (now {now}): at "
                     f"{boundary} exactly it would only tie with the run's portfolio on "
                     "impact and cost, and a tie does not make it the better choice.")
    elif explanation.break_even_cost is not None:
        parts.append(f"It would be funded at a cost of "
                     f"{money(explanation.break_even_cost, currency)} or less (now {now}).")
    else:
        parts.append("No lower cost would get it funded.")
    if explanation.break_even_uplift is not None:
        parts.append(f"It would also be funded if its uplifts were "
                     f"{explanation.break_even_uplift:.2f} times larger.")
    return " ".join(parts)


def _if_funded(context: Context, explanation: Explanation) -> str:
    """What funding it (forced in) changes: total impact, the work dropped, the focus."""
    dropped, moved = _changes(context.data, explanation)
    change = explanation.impact_if_funded - context.impact
    if abs(change) <= context.tolerance:
        changes = ([f"drop {dropped}"] if dropped else []) + (
            [f"move the focus {moved}"] if moved else [])
        return "Funding it would not lower total impact" + (
            f", but would {_and(changes)}." if changes else ".")
    share = f" ({abs(change) / context.impact:.0%})" if context.impact else ""
    return (f"Funding it would {'lower' if change < 0 else 'raise'} total impact by "
            f"{abs(change):,.1f}{share}" + (f" and drop {dropped}" if dropped else "")
            + (f", and would move the focus {moved}" if moved else "") + ".")


def _uncounted(context: Context, explanation: Explanation) -> str:
    """Forced in, it would move no focus moment; what it takes for it to count."""
    data = context.data
    impact = explanation.impact_if_funded
    change = impact - context.impact
    versus = ("no less" if abs(change) <= context.tolerance
              else f"{abs(change):,.1f} {'less' if change < 0 else 'more'}")
    dropped, moved = _changes(data, explanation)
    sentence = (f"Forced in, it would be funded without moving a focus moment (impact "
                f"{impact:,.1f}, {versus})" + (f", dropping {dropped}" if dropped else "")
                + (f", with the focus moved {moved}" if moved else ""))
    if explanation.impact_if_counted is None:
        return f"{sentence}; {explanation.counted_conflict}."
    moments = explanation.counted_focus
    role = "a focus moment" if len(moments) == 1 else "focus moments"
    along = names_along(data, data.initiative_index[explanation.id],
                  [data.moment_index[m] for m in moments]) or "none"
    return (f"{sentence}; for it to count, {along} would have to be "
            f"{role}, and the best portfolio then gives {explanation.impact_if_counted:,.1f}.")


def _changes(data: Data, explanation: Explanation) -> tuple[str, str]:
    """The funded work the portfolio drops ("'A' and 'B'") and how its focus moves
    ("from 'M' to 'N'"); '' where it does not."""
    dropped = [quoted(data.initiatives[data.initiative_index[j]].name)
               for j in explanation.displaces]
    moved = (f"from {_moment_names(data, explanation.focus_out)} to "
             f"{_moment_names(data, explanation.focus_in)}"
             if explanation.focus_out or explanation.focus_in else "")
    return _and(dropped) if dropped else "", moved


def _clause(sentence: str) -> str:
    """A sentence to go after a colon: no capital to start it, no full stop to end it."""
    sentence = sentence.strip().rstrip(".")
    return sentence[:1].lower() + sentence[1:] if sentence[1:2].islower() else sentence


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _moment_names(data: Data, moment_ids: list[str]) -> str:
    return names(data, [data.moment_index[m] for m in moment_ids]) or "none"
