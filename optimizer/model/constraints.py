"""The rows of the model, one function per constraint family (define_*), and how the
solver form scales them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from optimizer.model.data import Data

# The sense of a row, as PuLP numbers them (LpConstraintLE, LpConstraintEQ).
LE, EQ = -1, 0
# The solver form (build_matrix(scaled=True)) leaves a row or column alone while its
# magnitude lies in ORDINARY, and brings it to about TARGET otherwise: far enough above the
# solver's absolute tolerances (1e-6) that they stay within the engine's check (1e-9,
# relative). A coefficient past the limit it meets is cut to CUT times that limit: funding
# that work breaks the limit all the same, by far more than any tolerance.
ORDINARY = (1.0, 1e6)
TARGET = 1e3
CUT = 1e3


def decade(largest: float) -> float:
    """1 for a magnitude in ORDINARY (or 0); else the power of ten that brings it to
    TARGET to 10 * TARGET."""
    if largest == 0 or ORDINARY[0] <= largest <= ORDINARY[1]:
        return 1.0
    return 10.0 ** (math.floor(math.log10(largest)) - math.log10(TARGET))


@dataclass(slots=True)
class Rows:
    """The rows of a Matrix as the define_* functions write them, one family at a time."""

    scaled: bool  # the solver form (build_matrix)
    names: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    sense: list[int] = field(default_factory=list)
    rhs: list[float] = field(default_factory=list)

    def add(self, name: str, columns: list[int], coefficients: list[float], kind: int,
            bound: float) -> None:
        if not columns:  # 0 <= rhs with rhs >= 0 always holds: nothing to tell the solver
            return
        self.names.append(name)
        self.starts.append(len(self.index))
        self.index.extend(columns)
        self.value.extend(coefficients)
        self.sense.append(kind)
        self.rhs.append(bound)

    def limit(self, name: str, terms: list[tuple[int, float]], bound: float,
              unit: float) -> None:
        """sum of amounts of funded work <= bound, in the plan's units divided by `unit`."""
        if not self.scaled:
            self.add(name, [i for i, _ in terms], [a / unit for _, a in terms], LE,
                     bound / unit)
            return
        terms = [(i, a) for i, a in terms if a > 0]
        if math.fsum(a for _, a in terms) <= bound:
            return  # no limit
        if bound == 0:  # any work that needs some of it breaks it
            self.add(name, [i for i, _ in terms], [1.0] * len(terms), LE, 0.0)
            return
        row = unit * decade(bound / unit)
        self.add(name, [i for i, _ in terms], [min(a, CUT * bound) / row for _, a in terms],
                 LE, bound / row)


def define_focus_moments(rows: Rows, data: Data, caps: list[float], v_scale: list[float],
                         blocked: set[int]) -> None:
    """Per moment: its improvement comes from funded work (from_work) and counts, up to its
    cap, only while it is in focus (focus_cap); a focus moment is moved by funded work
    (focus_moved). Column v_m holds the improvement divided by v_scale[m]."""
    y0 = len(data.initiatives)
    v0 = y0 + len(data.moments)
    for m in range(len(data.moments)):
        movers, cap, unit = data.moved_by[m], caps[m], v_scale[m]
        gains = list(zip(movers, data.moved_uplift[m], strict=True))
        if rows.scaled:  # uplift past the cap adds nothing: it counts as CUT * cap
            gains = [(i, min(e, CUT * cap)) for i, e in gains if i not in blocked]
        rows.add(f"from_work{m}", [v0 + m, *[i for i, _ in gains]],
                 [1.0, *[-e / unit for _, e in gains]], LE, 0.0)
        rows.add(f"focus_cap{m}", [v0 + m, y0 + m], [1.0, -cap / unit], LE, 0.0)
        rows.add(f"focus_moved{m}", [y0 + m, *movers], [1.0] + [-1.0] * len(movers), LE,
                 0.0)


def define_max_focus(rows: Rows, data: Data) -> None:
    """At most max_focus moments in focus."""
    y0, n_m = len(data.initiatives), len(data.moments)
    rows.add("max_focus", list(range(y0, y0 + n_m)), [1.0] * n_m, LE, data.max_focus)


def define_decision(rows: Rows, data: Data, i: int) -> None:
    """Initiative i's decision: forced in, forced out, or (auto) the say-no rule: it moves
    a focus moment."""
    decision = data.initiatives[i].decision
    if decision == "fund":
        rows.add(f"forced_in{i}", [i], [1.0], EQ, 1.0)
    elif decision == "reject":
        rows.add(f"forced_out{i}", [i], [1.0], EQ, 0.0)
    else:
        y0, moves = len(data.initiatives), data.uplift[i]
        rows.add(f"say_no{i}", [i, *[y0 + m for m in moves]], [1.0] + [-1.0] * len(moves),
                 LE, 0.0)


def define_links(rows: Rows, data: Data, i: int, excluded: set[tuple[int, int]]) -> None:
    """Initiative i's links: funded, it needs the work it requires; it and the work it
    excludes are never both funded (one row per pair, `excluded` holds those written)."""
    initiative = data.initiatives[i]
    for other in initiative.requires:
        j = data.initiative_index[other]
        rows.add(f"requires{i}_{j}", [i, j], [1.0, -1.0], LE, 0.0)
    for other in initiative.excludes:
        j = data.initiative_index[other]
        pair = (min(i, j), max(i, j))
        if pair not in excluded:
            excluded.add(pair)
            rows.add(f"excludes{pair[0]}_{pair[1]}", [i, j], [1.0, 1.0], LE, 1.0)


def define_budget(rows: Rows, data: Data, costs: list[tuple[int, float]],
                  scale: float) -> None:
    """The total cost of the funded work within the plan's budget, if it has one."""
    if data.plan.budget is not None:
        rows.limit("budget", costs, data.plan.budget, scale)


def define_period_budgets(rows: Rows, data: Data, scale: float) -> None:
    """The cost of the funded work in each period within that period's budget, if any."""
    for t, period in enumerate(data.plan.periods):
        if period.budget is not None:
            rows.limit(f"period{t}", [(i, spend[period.id]) for i, spend in
                                      enumerate(data.period_cost) if spend.get(period.id)],
                       period.budget, scale)


def define_capacities(rows: Rows, data: Data) -> None:
    """What the funded work uses of each resource within its capacity."""
    resources = data.plan.resources
    # Few initiatives use resources: one pass over them collects every resource's row.
    terms: dict[str, list[tuple[int, float]]] = {r.id: [] for r in resources}
    for i, uses in enumerate(data.uses):
        for resource_id, amount in uses.items():
            if amount:
                terms[resource_id].append((i, amount))
    for k, resource in enumerate(resources):
        rows.limit(f"resource{k}", terms[resource.id], resource.capacity, 1.0)

