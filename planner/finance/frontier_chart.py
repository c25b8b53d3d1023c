"""The frontier's chart: best impact against budget, a staircase rising at each step's cost."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from optimizer.finance.frontier import Point
from optimizer.finance.frontier import point_at as _at
from optimizer.result import FEASIBLE, INFEASIBLE, NO_SOLUTION, OPTIMAL
from planner.charts import (
    ACCENT,
    BAD,
    FOCUS,
    INK,
    SMALLEST_TEXT,
    WIDTH,
    alone,
    compact,
    inline,
    tidy,
)
from planner.web import figure as impact_text
from planner.web import money

POINT_LABELS_UP_TO = 15  # with more points their figures would collide: none are written
# How each kind of frontier point is drawn (status, marker, face, edge, legend); a point
# without a portfolio sits on the budget axis.
POINT_MARKS = (
    (OPTIMAL, "o", ACCENT, ACCENT, "Proven optimal"),
    (FEASIBLE, "s", "none", ACCENT, "Not proven optimal (time limit)"),
    (INFEASIBLE, "x", None, BAD, "No portfolio fits"),  # a cross has no face: one colour
    (NO_SOLUTION, "^", "none", BAD, "None found in the time limit"),
)


@alone
def frontier_svg(points: Sequence[Point], plan_budget: float | None, currency: str,
                 url_for_point: Callable[[float], str], end: float | None = None) -> Markup:
    """Best impact against budget: a staircase that rises at each breakpoint's cost (the
    least money that buys its impact) and runs on to `end`; each point links to its
    portfolio (url_for_point)."""
    figure = Figure(figsize=(WIDTH, 3.8))
    axes = figure.subplots()
    found = sorted((point for point in points if point.impact is not None), key=_at)
    right = max([_at(p) for p in points] + [plan_budget or 0.0, end or 0.0]) or 1.0
    if found:
        # From one breakpoint's cost to the next, the best impact is the lower one's.
        axes.plot([_at(p) for p in found] + [right], [p.impact for p in found]
                  + [found[-1].impact], color=ACCENT, drawstyle="steps-post", linewidth=1.5,
                  label="Best impact at each budget")
    titles = _draw_points(axes, points, url_for_point, currency)
    if len(points) <= POINT_LABELS_UP_TO:
        _label_rises(axes, found)
    axes.set_xlim(-0.02 * right, 1.04 * right)
    highest = max((point.impact for point in found), default=0.0)
    axes.set_ylim(0, (highest or 1.0) * 1.12)  # room for the figures above the points
    if plan_budget is not None:
        _mark_plan_budget(axes, plan_budget, currency, _impact_at(found, plan_budget))
    axes.xaxis.set_major_formatter(compact)
    axes.set_xlabel(f"Budget ({currency})")
    axes.set_ylabel("Impact")
    tidy(axes, grid="both")
    axes.legend(loc="lower right", frameon=False, fontsize=SMALLEST_TEXT)
    return inline(figure, "frontier", _frontier_title(points, currency), titles)


def _impact_at(found: Sequence[Point], budget: float) -> float | None:
    """The staircase's height at `budget`: the impact of the last breakpoint it affords."""
    below = [point for point in found if _at(point) <= budget * (1 + 1e-12)]
    return below[-1].impact if below else None


def _draw_points(axes: Axes, points: Sequence[Point], url_for_point: Callable[[float], str],
                 currency: str) -> dict[str, str]:
    """One marker shape per kind of point, each a link; the links' tooltips, by url."""
    titles: dict[str, str] = {}
    for status, marker, face, edge, label in POINT_MARKS:
        chosen = [point for point in points if point.status == status]
        if chosen:
            colours = {"c": edge} if face is None else {"facecolors": face, "edgecolors": edge}
            dots = axes.scatter([_at(p) for p in chosen], [p.impact or 0.0 for p in chosen],
                                marker=marker, s=46, linewidths=1.8, zorder=3, label=label,
                                **colours)
            dots.set_urls(_links(chosen, url_for_point, titles, currency))
    return titles


def _label_rises(axes: Axes, found: Sequence[Point]) -> None:
    """The impact above each point where it changes; repeated along a flat stretch, clutter."""
    for k, point in enumerate(found):
        if k == 0 or point.impact != found[k - 1].impact:
            axes.annotate(impact_text(point.impact), xy=(_at(point), point.impact),
                          xytext=(0, 7), textcoords="offset points", ha="center",
                          fontsize=SMALLEST_TEXT, color=INK)


def _links(points: Sequence[Point], url_for_point: Callable[[float], str],
           titles: dict[str, str], currency: str) -> list[str]:
    """Each point's link, remembering its tooltip (cost and impact) for _inline."""
    urls = []
    for point in points:
        url = url_for_point(_at(point))
        if point.impact is None:
            words = f"Budget {money(point.budget, currency)}: no portfolio"
        else:
            words = f"{money(_at(point), currency)} buys impact {impact_text(point.impact)}"
        titles[url] = f"{words}. Open its portfolio."
        urls.append(url)
    return urls


def _mark_plan_budget(axes: Axes, plan_budget: float, currency: str,
                      impact: float | None) -> None:
    """A dashed vertical line, labelled above the plot where no point's figure is, and a
    mark where it meets the staircase: what the plan's budget buys."""
    axes.axvline(plan_budget, color=FOCUS, linestyle="--", linewidth=1.2)
    axes.annotate(f"Plan budget {money(plan_budget, currency)}", xy=(plan_budget, 1),
                  xycoords=("data", "axes fraction"), xytext=(0, 4),
                  textcoords="offset points", ha="center", va="bottom", fontsize=SMALLEST_TEXT,
                  color=FOCUS)
    if impact is not None:
        axes.plot([plan_budget], [impact], marker="D", color=FOCUS, markersize=6, zorder=4,
                  linestyle="none", label=f"The plan's budget buys {impact_text(impact)}")


def _frontier_title(points: Sequence[Point], currency: str) -> str:
    top = max(_at(point) for point in points)
    return (f"Chart: best impact against budget, {len(points)} points up to "
            f"{money(top, currency)}; the table gives every point.")
