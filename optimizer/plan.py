"""The plan: plain, frozen inputs of the portfolio model (docs/model.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

DEFAULT_MAX_FOCUS = 3
DECISIONS = ("auto", "fund", "reject")
SIDES = ("front", "back")
CATEGORIES = ("revenue", "bond", "rescue", "retain")


@dataclass(frozen=True)
class Stage:
    id: str
    name: str


@dataclass(frozen=True)
class Period:
    id: str
    budget: float | None = None


@dataclass(frozen=True)
class Resource:
    id: str
    capacity: float
    name: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Moment:
    id: str
    name: str
    stage: str | None = None
    side: str = "front"
    weight: float = 1.0
    headroom: float | None = None
    category: str | None = None
    score: float | None = None
    owner: str = ""  # the team or person accountable for it; display only
    # How far the weight may turn out: (low, high) around `weight` (docs/model.md,
    # "Uncertainty"); None: certain, unless the plan's `uncertainty` gives a default.
    weight_range: tuple[float, float] | None = None


@dataclass(frozen=True)
class Influence:
    source: str  # the back-stage step ("from" in the plan file)
    target: str  # the moment it feeds ("to" in the plan file)
    factor: float


@dataclass(frozen=True)
class Initiative:
    id: str
    name: str
    # Cost per period id; a plan without periods keeps its single cost under "".
    cost: tuple[tuple[str, float], ...]
    effects: tuple[tuple[str, float], ...]
    uses: tuple[tuple[str, float], ...] = ()
    confidence: float = 1.0
    decision: str = "auto"
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    benefit: float | None = None
    team: str = ""
    note: str = ""
    reason: str = ""
    # How far the total cost may turn out: (low, high) around total_cost; None: certain,
    # unless the plan's `uncertainty` gives a default (docs/model.md, "Uncertainty").
    cost_range: tuple[float, float] | None = None
    # (moment id, (low, high)) for uplifts of `effects` that carry their own range.
    effects_range: tuple[tuple[str, tuple[float, float]], ...] = ()

    @property
    def total_cost(self) -> float:
        return sum(amount for _, amount in self.cost)

    def cost_in(self, period_id: str) -> float:
        return dict(self.cost).get(period_id, 0.0)


@dataclass(frozen=True)
class Measurement:
    """A moment's score as measured on a day: display and review only."""

    moment: str
    date: str  # ISO 8601, 2026-03-31
    score: float
    n: int | None = None  # the sample size
    source: str = ""


@dataclass(frozen=True)
class Finance:
    horizon_years: int = 3
    discount_rate: float = 0.08


@dataclass(frozen=True)
class Uncertainty:
    """Default ranges as shares of the likely value, for values without a range of their
    own: (low share <= 1 <= high share) per kind; None: that kind is certain."""

    cost: tuple[float, float] | None = None
    effects: tuple[float, float] | None = None
    weight: tuple[float, float] | None = None


@dataclass(frozen=True)
class Plan:
    name: str
    moments: tuple[Moment, ...]
    initiatives: tuple[Initiative, ...]
    currency: str = "EUR"
    budget: float | None = None
    max_focus: int = DEFAULT_MAX_FOCUS
    finance: Finance | None = None
    periods: tuple[Period, ...] = ()
    resources: tuple[Resource, ...] = ()
    stages: tuple[Stage, ...] = ()
    influences: tuple[Influence, ...] = field(default=())
    measurements: tuple[Measurement, ...] = ()  # the optimiser ignores them
    uncertainty: Uncertainty | None = None  # default ranges (docs/model.md, "Uncertainty")

    def moment(self, moment_id: str) -> Moment:
        return self._moments_by_id[moment_id]

    def initiative(self, initiative_id: str) -> Initiative:
        return self._initiatives_by_id[initiative_id]

    # Looked up by id once built: a run's pages look up each funded initiative, and a scan
    # of 10,000 for each is quadratic. (A frozen dataclass keeps these: cached_property
    # writes the instance's __dict__, not through __setattr__.)
    @cached_property
    def _moments_by_id(self) -> dict[str, Moment]:
        return {m.id: m for m in self.moments}

    @cached_property
    def _initiatives_by_id(self) -> dict[str, Initiative]:
        return {i.id: i for i in self.initiatives}
