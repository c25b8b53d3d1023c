"""The solve result: plain dataclasses out of the engine, and the result document."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, fields
from typing import Any

OPTIMAL = "optimal"
FEASIBLE = "feasible"
INFEASIBLE = "infeasible"
NO_SOLUTION = "no_solution"

# Say-no reason codes, in the order in which they are tried (docs/model.md, "Say-no reasons").
# First what binds whatever else is chosen, then what binds given the chosen portfolio;
# `blocked` covers both kinds of link (its message says which).
REASONS = ("forced_out", "over_budget", "over_period", "over_capacity", "off_focus", "blocked",
           "saturated", "outranked")
# How each reason is headed where rejected work is listed by reason.
REASON_TITLES = {
    "forced_out": "Rejected by decision",
    "over_budget": "Over the budget, whatever else is chosen",
    "over_period": "Over a period's budget, whatever else is chosen",
    "over_capacity": "Over a resource's capacity, whatever else is chosen",
    "off_focus": "Does not move a focus moment",
    "blocked": "Blocked by a dependency or a conflict",
    "saturated": "Its moments are already covered by funded work",
    "outranked": "Outranked: it would fit, but the money or capacity went to work with more "
                 "impact",
}


@dataclass
class MomentResult:
    id: str
    focus: bool
    improvement: float  # the improvement that counts (v_m)
    uplift: float  # effective uplift from the funded work, before the headroom cap
    headroom: float | None
    contribution: float  # weight * improvement


@dataclass
class Rejection:
    id: str
    reason: str
    message: str


@dataclass
class Usage:
    """How much of a budget or capacity the portfolio uses."""

    id: str
    used: float
    limit: float | None


@dataclass
class SolverInfo:
    name: str
    version: str
    seconds: float  # solver time, all phases
    build_seconds: float = 0.0
    phases: int = 1
    tie_break: str = "proven"  # proven | time_limit | skipped


@dataclass
class Result:
    status: str
    impact: float | None
    bound: float | None
    gap: float | None
    cost: float | None
    budget: float | None
    focus: list[str]
    moments: list[MomentResult]
    funded: list[str]
    rejected: list[Rejection]
    conflicts: list[str]
    solver: SolverInfo
    periods: list[Usage] = field(default_factory=list)
    resources: list[Usage] = field(default_factory=list)

    @property
    def has_portfolio(self) -> bool:
        return self.status in (OPTIMAL, FEASIBLE)

    def rejection(self, initiative_id: str) -> Rejection | None:
        return next((r for r in self.rejected if r.id == initiative_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The solve result document of docs/plan-format.md: what dataclasses.asdict makes,
        without its deep copy of every value: numbers and text need none, and the copy
        costs as much as writing the document out as JSON."""
        document = _flat(self)
        for key in ("focus", "funded", "conflicts"):
            document[key] = list(document[key])
        for key in ("moments", "rejected", "periods", "resources"):
            document[key] = [_flat(item) for item in document[key]]
        document["solver"] = _flat(self.solver)
        return document


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _flat(item: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict, in their order (values as they are)."""
    return {name: getattr(item, name) for name in _field_names(type(item))}


def result_from_dict(document: dict[str, Any]) -> Result:
    """Rebuild a Result from its document (as saved with a run)."""
    return Result(
        status=document["status"], impact=document["impact"], bound=document["bound"],
        gap=document["gap"], cost=document["cost"], budget=document["budget"],
        focus=list(document["focus"]),
        moments=[MomentResult(**m) for m in document["moments"]],
        funded=list(document["funded"]),
        rejected=[Rejection(**r) for r in document["rejected"]],
        conflicts=list(document["conflicts"]), solver=SolverInfo(**document["solver"]),
        periods=[Usage(**u) for u in document.get("periods", [])],
        resources=[Usage(**u) for u in document.get("resources", [])])
