"""Whether the moments moved: each moment's measured scores, its trend as a small chart, and
for a focus moment its target, the score at the decision plus the improvement the decision
expects of it, beside the latest measurement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from matplotlib.figure import Figure
from sqlmodel import Session, select

from models import Measurement, Moment, Run
from planner.charts import FOCUS, INK, drawn_once, inline
from planner.web import number

LEAST_SPAN = 10.0  # points of score a trend's axis spans at least


@dataclass(frozen=True)
class Target:
    """What the decision expects of a focus moment: from `base` (its score when the run was
    made) by `improvement`, to `score`."""

    base: float
    improvement: float

    @property
    def score(self) -> float:
        return self.base + self.improvement


@dataclass(frozen=True)
class Scores:
    """A moment's measured scores (oldest first), its target and its trend, as a page
    shows them beside the moment."""

    measured: list[Measurement]
    target: Target | None
    trend: Markup

    @property
    def first(self) -> Measurement | None:
        return self.measured[0] if self.measured else None

    @property
    def latest(self) -> Measurement | None:
        return self.measured[-1] if self.measured else None

    @property
    def to_go(self) -> float | None:
        """How far the latest score is below the target (0: reached); None without both."""
        if self.target is None or self.latest is None:
            return None
        return max(0.0, self.target.score - self.latest.score)


def scores_of(moment: Moment, run: Run | None, measured: list[Measurement]) -> Scores:
    """The moment's scores, with its target from the run (a focus moment's) and its trend."""
    target = target_of(moment, run, measured)
    return Scores(measured, target, trend_of(moment, measured, target))


def measurements_of(session: Session, *, plan_id: int | None = None,
                    moment_id: int | None = None) -> dict[int, list[Measurement]]:
    """The measured scores of a plan's moments (or of one moment), oldest first, by moment."""
    statement = select(Measurement).order_by(Measurement.taken_on, Measurement.id)
    if plan_id is not None:
        statement = statement.where(Measurement.plan_id == plan_id)
    if moment_id is not None:
        statement = statement.where(Measurement.moment_id == moment_id)
    found: dict[int, list[Measurement]] = {} if moment_id is None else {moment_id: []}
    for measurement in session.exec(statement).all():
        found.setdefault(measurement.moment_id, []).append(measurement)
    return found


def target_of(moment: Moment, run: Run | None, measured: list[Measurement]) -> Target | None:
    """A focus moment's target from the run: its score then (as the run's plan had it, else
    the last measured on or before the run's day) plus the improvement the run counts on
    it; None when it is not a focus moment of the run or no score is known."""
    if run is None:
        return None
    figure = next((m for m in run.result.get("moments", []) if m["id"] == moment.key), None)
    if figure is None or not figure["focus"]:
        return None
    solved = next((m for m in run.inputs["moments"] if m["id"] == moment.key), {})
    base = solved.get("score")
    if base is None:
        before = [m for m in measured if m.taken_on <= run.created_at.date()]
        base = before[-1].score if before else None
    return None if base is None else Target(base, figure["improvement"])


def trend_of(moment: Moment, measured: list[Measurement], target: Target | None = None
             ) -> Markup:
    """The moment's scores over time as a small chart, its target a dashed line; nothing,
    at no cost, for a moment never measured."""
    if not measured:
        return Markup("")
    return trend_svg(moment.key, moment.name,
                     [(m.taken_on.isoformat(), m.score) for m in measured],
                     None if target is None else target.score)


@drawn_once
def trend_svg(key: str, name: str, points: tuple[tuple[str, float], ...],
              target: float | None) -> Markup:
    """Score against date, each point marked, the target a dashed line: a sparkline with
    no text of its own (the page writes the dates and figures beside it), so that it can
    take any width a card has and still leave no text too small to read."""
    if not points:
        return Markup("")
    figure = Figure(figsize=(3.2, 0.9))
    axes = figure.subplots()
    days = [date.fromisoformat(day) for day, _ in points]
    scores = [score for _, score in points]
    axes.plot(days, scores, color=INK, marker="o", markersize=3, linewidth=1.2)
    if target is not None:
        axes.axhline(target, color=FOCUS, linestyle="--", linewidth=1)
    # at least LEAST_SPAN points high, so that a survey's noise does not look like a trend
    low, high = min(scores + [target or scores[0]]), max(scores + [target or scores[0]])
    middle, half = (low + high) / 2, max(high - low, LEAST_SPAN) / 2 * 1.1
    axes.set_ylim(middle - half, middle + half)
    axes.set_xticks([])
    axes.set_yticks([])
    axes.spines[["top", "right", "left"]].set_visible(False)
    listing = "; ".join(f"{day} {number(score)}" for day, score in points)
    words = f" Target {number(target)}." if target is not None else ""
    return inline(figure, f"trend-{key}", f"Chart: measured score of {name}: {listing}.{words}")
