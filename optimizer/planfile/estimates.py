"""How wide a plan's estimates are (docs/plan-format.md, docs/model.md "Uncertainty"): the
`[low, high]` ranges around an initiative's cost and uplifts and a moment's weight, and the
plan's default shares (`uncertainty`), read and checked, and written back.

A range is around the value the plan gives, its likely value: `low <= likely <= high`, so a
range that leaves its own estimate out is refused by the field's path, with both numbers.
"""

from __future__ import annotations

import math
from typing import Any

from optimizer.plan import Uncertainty
from optimizer.planfile.checker import Checker, show
from optimizer.planfile.ranges import RANGE_SHARE, Range

UNCERTAINTY_KEYS = ("cost", "effects", "weight")
Pair = tuple[float, float]


def read_pair(check: Checker, path: str, value: Any, within: Range,
              words: str = "[low, high]") -> Pair | None:
    """Two numbers of the field's kind, low first; None (and the problem noted) if not."""
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        check.add(path, f"must be {words}, two numbers, not {show(_listed(value))}")
        return None
    low = check.number(f"{path}[0]", value[0], within=within)
    high = check.number(f"{path}[1]", value[1], within=within)
    if low is None or high is None:
        return None
    if low > high:
        check.add(path, f"low {plain(low)} is above high {plain(high)}")
        return None
    return (low, high)


def read_range(check: Checker, path: str, value: Any, within: Range, likely: float | None,
               what: str) -> Pair | None:
    """A `[low, high]` range around `likely` (None: the likely value is itself refused, so
    only the range's own numbers are checked); `what` names the likely value in words."""
    pair = read_pair(check, path, value, within)
    if pair is None or likely is None:
        return pair
    low, high = pair
    if low > likely:
        check.add(path, f"low {plain(low)} is above the {what} {plain(likely)}")
        return None
    if high < likely:
        check.add(path, f"high {plain(high)} is below the {what} {plain(likely)}")
        return None
    return pair


def read_effects_range(check: Checker, path: str, value: Any, written: Any,
                       effects: tuple[tuple[str, float], ...], moment_ids: set[str],
                       within: Range) -> tuple[tuple[str, Pair], ...]:
    """`{moment id: [low, high]}` for moments the initiative's `effects` (as `written`)
    names, each around its uplift; sorted by moment id."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        check.add(path, "must be an object of {moment id: [low, high]}")
        return ()
    uplifts = dict(effects)
    named = written if isinstance(written, dict) else {}
    ranges = []
    for key, pair in value.items():
        if key not in moment_ids:
            check.add(path, f"unknown moment {show(key)}")
        elif key not in named:
            check.add(f"{path}.{key}", f"the initiative has no uplift on {show(key)} in "
                                       "effects; a range is around an uplift it gives")
        else:
            # An uplift refused in effects leaves only the range's own numbers to check.
            read = read_range(check, f"{path}.{key}", pair, within, uplifts.get(key),
                              "uplift")
            if read is not None:
                ranges.append((key, read))
    return tuple(sorted(ranges))


def read_uncertainty(check: Checker, value: Any) -> Uncertainty | None:
    """The plan's default shares: `{"cost"|"effects"|"weight": [low share, high share]}`,
    each `low share <= 1 <= high share`; None when the plan gives none."""
    if value is None:
        return None
    if not check.keys("uncertainty", value, set(UNCERTAINTY_KEYS), ()):
        return None
    shares: dict[str, Pair | None] = {}
    for key in UNCERTAINTY_KEYS:
        if value.get(key) is None:
            shares[key] = None
            continue
        path = f"uncertainty.{key}"
        pair = read_pair(check, path, value[key], RANGE_SHARE, "[low share, high share]")
        if pair is not None and pair[0] > 1:
            check.add(path, f"low share {plain(pair[0])} is above 1: the likely value "
                            "must be inside its range")
            pair = None
        elif pair is not None and pair[1] < 1:
            check.add(path, f"high share {plain(pair[1])} is below 1: the likely value "
                            "must be inside its range")
            pair = None
        shares[key] = pair
    return Uncertainty(**shares)


def follow_ranges(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """An initiative's or a moment's entry whose likely values changed (an appeal's new
    quote, an edit in a form or a spreadsheet), with its own ranges moved along: each range
    scaled by the new value over the old, so that it keeps its shares of the likely value
    and holds the new one. A range around an old value of 0 has no shares to keep: it is
    dropped when the value moves off 0 (the plan's default shares then apply). Ranges the
    change did not give anew are the ones moved; `before` and `after` are left as they are.
    """
    moved = dict(after)
    if "cost_range" in after and after.get("cost_range") == before.get("cost_range"):
        _move(moved, "cost_range", _total(before.get("cost")), _total(after.get("cost")))
    ranges = after.get("effects_range")
    if isinstance(ranges, dict) and ranges == before.get("effects_range"):
        old, new = before.get("effects") or {}, after.get("effects") or {}
        holder = dict(ranges)
        for key in ranges:
            _move(holder, key, old.get(key), new.get(key))
        moved["effects_range"] = holder
        if not holder:
            del moved["effects_range"]
    if "weight_range" in after and after.get("weight_range") == before.get("weight_range"):
        _move(moved, "weight_range", before.get("weight", 1), after.get("weight", 1))
    return moved


def _move(holder: dict[str, Any], key: str, old: Any, new: Any) -> None:
    pair = holder.get(key)
    if not (isinstance(pair, (list, tuple)) and len(pair) == 2
            and all(_is_number(end) for end in pair)):
        return  # not a range: the reader says what is wrong
    moved = moved_pair((pair[0], pair[1]), old, new)
    if moved is None:
        del holder[key]
    elif moved != (pair[0], pair[1]):
        holder[key] = list(moved)


def moved_pair(pair: Pair | None, old: Any, new: Any) -> Pair | None:
    """A range around `old` moved to be around `new` (follow_ranges): scaled by new over
    old; None when there was none, or when `old` was 0 and `new` is not; as it was when the
    value did not change (or either is no number)."""
    if pair is None or not _is_number(old) or not _is_number(new) or old == new:
        return pair
    if old == 0:
        return None
    share = new / old
    return (min(pair[0] * share, new), max(pair[1] * share, new))


def _total(cost: Any) -> float | None:
    if isinstance(cost, dict):
        return sum(cost.values()) if all(_is_number(v) for v in cost.values()) else None
    return cost if _is_number(cost) else None


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def pair_list(pair: Pair | None) -> list[float] | None:
    """A range as the plan document writes it."""
    return None if pair is None else [pair[0], pair[1]]


def effects_range_dict(ranges: tuple[tuple[str, Pair], ...]) -> dict[str, list[float]] | None:
    return {key: [low, high] for key, (low, high) in ranges} or None


def uncertainty_dict(uncertainty: Uncertainty | None) -> dict[str, list[float]] | None:
    """The plan document's `uncertainty`: only the kinds given (an empty object when none
    is, so that a plan that says "certain" reads back the same)."""
    if uncertainty is None:
        return None
    return {key: [pair[0], pair[1]] for key in UNCERTAINTY_KEYS
            if (pair := getattr(uncertainty, key)) is not None}


def plain(number: float) -> str:
    """A number as written: 90000, not 90000.0 or 9e+04; others in full (1234567.5)."""
    if math.isfinite(number) and number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
