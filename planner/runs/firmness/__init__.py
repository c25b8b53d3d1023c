"""How firm a run's choice is, as the run, say-no and initiative pages show it: the newest
kept robust result of the run (models.Uncertainty, kind "robust"; docs/plan-format.md,
"Uncertainty result"), shaped for the templates with the run's own names.

Read here by a query of its own, never through the feature that makes these results
(planner/uncertainty builds on runs, so runs may not import it back). A result is only
ever added: the newest row of a run is the one shown, and its id and time name it, so
that a page kept by them (kept.SAY_NO_PAGES) shows a new result at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import g
from markupsafe import Markup
from sqlmodel import Session, select

from models import Run, Uncertainty
from planner.database import get_session
from planner.kept import FIRMNESS
from planner.runs.firmness.chart import impact_band_svg

ROBUST = "robust"  # Uncertainty.kind of a firmness result
CORE, BORDERLINE, EXTERIOR = "core", "borderline", "exterior"  # docs/model.md, Uncertainty


@dataclass(frozen=True)
class Share:
    """One initiative's chosen share over the plausible cases, its 95% interval and class,
    and whether the run funds it."""

    key: str
    name: str
    share: float
    low: float
    high: float
    kind: str  # CORE, BORDERLINE or EXTERIOR
    funded: bool


@dataclass(frozen=True)
class MomentShare:
    key: str
    name: str
    share: float  # of the cases whose best portfolio has it in focus
    focus: bool  # in the run's focus


@dataclass(frozen=True)
class CoreIf:
    """What would make a not-core initiative core: a cost at most this (None: none found),
    or at least these uplifts (moment name, uplift needed, uplift now)."""

    cost_at_most: float | None
    cost_now: float
    uplifts: tuple[tuple[str, float, float], ...]
    share: float | None


@dataclass
class Firmness:
    """A run's newest robust result, named by the run's own inputs."""

    row_id: int
    created_at: datetime
    samples: int
    seed: int | None
    solved: int
    infeasible: int
    currency: str
    shares: dict[str, Share] = field(default_factory=dict)
    moments: list[MomentShare] = field(default_factory=list)
    impact: dict[str, float] = field(default_factory=dict)  # mean, p10, p50, p90
    cost: dict[str, float] = field(default_factory=dict)  # mean, p90 (and more, if given)
    over_budget_share: float | None = None
    regret: dict[str, float] = field(default_factory=dict)
    planned_impact: float | None = None  # the run's impact with the estimates as given
    # What would make each initiative core, as kept, read by wanted() with the run's names
    # (of 20,000 initiatives, a page asks for one or none).
    core_if: dict[str, Any] = field(default_factory=dict, repr=False)
    inputs: dict[str, Any] = field(default_factory=dict, repr=False)

    def wanted(self, key: str) -> CoreIf | None:
        """What would make this initiative core, in the run's names; None if not kept."""
        found = self.core_if.get(key)
        initiative = next((i for i in self.inputs.get("initiatives", []) if i["id"] == key),
                          None)
        if not isinstance(found, dict) or initiative is None:
            return None
        moments = {m["id"]: m.get("name") or m["id"] for m in self.inputs.get("moments", [])}
        return _core_if(initiative, found, moments)

    @property
    def key(self) -> tuple[int, datetime]:
        """What names this result, for a kept page's key."""
        return self.row_id, self.created_at

    @property
    def band(self) -> bool:
        """Whether the impact's bad, likely and good cases are all given."""
        return all(name in self.impact for name in ("p10", "p50", "p90"))

    @property
    def impact_chart(self) -> Markup:
        """The impact band as a chart (empty without the band)."""
        if not self.band:
            return Markup("")
        return impact_band_svg(self.impact["p10"], self.impact["p50"], self.impact["p90"],
                               self.planned_impact)

    @property
    def funded(self) -> list[Share]:
        """The shares of what the run funds, least firm first."""
        return sorted((s for s in self.shares.values() if s.funded),
                      key=lambda s: (s.share, s.name.casefold()))


def newest(session: Session, run_id: int, kind: str = ROBUST) -> tuple[int, datetime] | None:
    """The id and time of the run's newest kept result of this kind (what names it), or
    None; a query of two columns, the result itself left unread."""
    found = session.exec(select(Uncertainty.id, Uncertainty.created_at).where(
        Uncertainty.run_id == run_id, Uncertainty.kind == kind)
        .order_by(Uncertainty.id.desc()).limit(1)).first()
    return (found[0], found[1]) if found is not None else None


def firmness(session: Session, run: Run) -> Firmness | None:
    """How firm the run's choice is, from its newest robust result; None when none is kept
    (or it holds no initiative's share, as a result of no solved case)."""
    named = newest(session, run.id)
    if named is None:
        return None
    return FIRMNESS.get((run.id, run.created_at, *named),
                        lambda: shaped(session.get(Uncertainty, named[0]), run))


def shaped(row: Uncertainty, run: Run) -> Firmness | None:
    """The kept result in the run's own names (an id the run does not know keeps its id)."""
    result = row.result or {}
    inputs = run.inputs or {}
    initiatives = {i["id"]: i for i in inputs.get("initiatives", [])}
    moments = {m["id"]: m.get("name") or m["id"] for m in inputs.get("moments", [])}
    funded = set((run.result or {}).get("funded", []))
    focus = set((run.result or {}).get("focus", []))
    decision = result.get("decision") or {}
    found = Firmness(
        row_id=row.id, created_at=row.created_at, samples=int(result.get("samples") or 0),
        seed=result.get("seed"), solved=int(result.get("solved") or 0),
        infeasible=int(result.get("infeasible") or 0),
        currency=inputs.get("currency", "EUR"),
        impact=_figures(decision.get("impact")), cost=_figures(decision.get("cost")),
        over_budget_share=_number(decision.get("over_budget_share")),
        regret=_figures(decision.get("regret")), planned_impact=_number(run.impact),
        core_if=result.get("core_if") or {}, inputs=inputs)
    for entry in result.get("initiatives") or []:
        key = str(entry.get("id"))
        share = _number(entry.get("chosen_share"))
        if share is None:
            continue
        low, high = (entry.get("interval") or [share, share])[:2]
        found.shares[key] = Share(
            key, initiatives.get(key, {}).get("name") or key, share, float(low), float(high),
            entry.get("class") or _kind(share), key in funded)
    for entry in result.get("moments") or []:
        key, share = str(entry.get("id")), _number(entry.get("focus_share"))
        if share is not None:
            found.moments.append(MomentShare(key, moments.get(key, key), share, key in focus))
    found.moments.sort(key=lambda m: (not m.focus, -m.share, m.name.casefold()))
    return found if found.shares else None


def firmness_of(run: Run | None) -> Firmness | None:
    """For the templates (registered as a Jinja global by the say-no feature): the run's
    firmness, read once per request (or app context) whichever parts of a page ask."""
    if run is None or run.id is None:
        return None
    read = g.setdefault("firmness_read", {})
    if run.id not in read:
        read[run.id] = firmness(get_session(), run)
    return read[run.id]


def _core_if(initiative: dict[str, Any], wanted: dict[str, Any],
             moments: dict[str, str]) -> CoreIf:
    cost = initiative.get("cost", 0)
    now = float(sum(cost.values()) if isinstance(cost, dict) else cost or 0)
    effects = initiative.get("effects") or {}
    uplifts = tuple(sorted(
        (moments.get(moment, moment), float(value), float(effects.get(moment, 0)))
        for moment, value in (wanted.get("uplift_at_least") or {}).items()
        if _number(value) is not None))
    return CoreIf(_number(wanted.get("cost_at_most")), now, uplifts,
                  _number(wanted.get("share")))


def _kind(share: float) -> str:
    """The class of a share, where a result does not give it (docs/model.md)."""
    return CORE if share >= 0.9 else EXTERIOR if share <= 0.1 else BORDERLINE


def _figures(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    return {name: number for name, figure in value.items()
            if (number := _number(figure)) is not None}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
