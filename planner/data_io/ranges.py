"""The ranges around a plan's estimates on a sheet: each end in a column of its own ("cost
low" and "cost high", "weight low" and "weight high", and per moment "effect low <moment
id>" and "effect high <moment id>", beside the "effect <moment id>" columns), put together
into the plan document's `[low, high]` (docs/plan-format.md) as a row is read, and taken
apart as a sheet is written. One end without the other is refused by its cell's place."""

from __future__ import annotations

from typing import Any

from planner.data_io.cells import Problem

# The plan document's field, and the row fields its low and high ends are read into.
PAIRS = {"cost_range": ("cost_low", "cost_high"),
         "weight_range": ("weight_low", "weight_high"),
         "effects_range": ("effects_low", "effects_high")}
ENDS = ("low", "high")
RANGE_ENDS = {field for fields in PAIRS.values() for field in fields}


def join_ends(sheet: str, row: Any, layout: Any, problems: list[Problem]) -> None:
    """Put the row's range ends together into its document fields, in place: the cells as
    typed too, by (field, moment id or None, 0 or 1), for the preview. A field whose two
    columns are absent is left out (an import leaves it as it is); both cells empty: no
    range; one end without the other: a problem at the empty cell's place."""
    for name, fields in PAIRS.items():
        if not any(field in row.values or field in row.bad for field in fields):
            continue
        ends = [row.values.pop(field, None) for field in fields]
        for end, field in enumerate(fields):
            for target in [t for t in row.typed if t == field or t[:1] == (field,)]:
                grid_id = target[1] if isinstance(target, tuple) else None
                row.typed[(name, grid_id, end)] = row.typed.pop(target)
                layout.headers[(name, grid_id, end)] = layout.headers[target]
                layout.headers.setdefault(name if grid_id is None else (name, grid_id),
                                          layout.headers[target])
        if any(field in row.bad for field in fields):
            row.bad.add(name)  # its cell's problem is said already
            continue
        if name == "effects_range":
            lows, highs = (end or {} for end in ends)
            row.values[name] = {key: _pair(sheet, row.number, layout, problems,
                                           (fields, key), lows.get(key), highs.get(key))
                                for key in dict.fromkeys([*lows, *highs])}
        else:
            row.values[name] = _pair(sheet, row.number, layout, problems, (fields, None),
                                     *ends)


def _pair(sheet: str, number: int, layout: Any, problems: list[Problem],
          where: tuple[tuple[str, str], str | None], low: float | None,
          high: float | None) -> list[float] | None:
    if low is None and high is None:
        return None
    if low is not None and high is not None:
        return [low, high]
    fields, key = where
    missing = 0 if low is None else 1
    problems.append(Problem(sheet, number, _header(layout, fields[missing], key),
                            f'is empty while "{_header(layout, fields[1 - missing], key)}" '
                            f"is not: give the {ENDS[missing]} end of the range too, or "
                            "neither"))
    return None


def _header(layout: Any, field: str, key: str | None) -> str:
    """The column of a range's end as the sheet writes it, or as it would be written."""
    target = field if key is None else (field, key)
    if target in layout.headers:
        return layout.headers[target]
    return field.replace("effects", "effect").replace("_", " ") + (f" {key}" if key else "")


def split_ends(entry: dict[str, Any]) -> dict[str, Any]:
    """A plan-document entry with its ranges as the row fields of their ends, for a sheet."""
    found = dict(entry)
    for name, fields in PAIRS.items():
        pair = found.get(name)
        if isinstance(pair, dict):
            for end, field in enumerate(fields):
                found[field] = {key: ends[end] for key, ends in pair.items()}
        elif isinstance(pair, list | tuple) and len(pair) == 2:
            for end, field in enumerate(fields):
                found[field] = pair[end]
    return found


def ranged_columns(entries: list[dict[str, Any]]) -> set[Any]:
    """The range ends some entry (as split_ends gives it) holds: fields, (field, id) of a
    grid; a sheet leaves the others out, so that a plan without ranges reads as before."""
    found: set[Any] = set()
    for entry in entries:
        for field in RANGE_ENDS & entry.keys():
            ends = entry[field]
            found |= {(field, key) for key in ends} if isinstance(ends, dict) else {field}
    return found
