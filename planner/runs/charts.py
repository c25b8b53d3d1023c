"""The run page's charts: each focus moment's contribution, and spending by period."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from planner.charts import (
    ACCENT,
    FOCUS,
    INK,
    SMALLEST_TEXT,
    WIDTH,
    compact,
    drawn_once,
    inline,
    tidy,
)
from planner.web import figure as impact_text
from planner.web import money

LABEL_WIDTH = 28  # characters per line of a bar's name


@drawn_once
def impact_by_moment_svg(contributions: Sequence[tuple[str, float]]) -> Markup:
    """Each focus moment's contribution to impact (name, weight x improvement), largest first."""
    if not contributions:
        return Markup("")
    ordered = sorted(contributions, key=lambda pair: -pair[1])
    figure = Figure(figsize=(WIDTH, 0.9 + 0.5 * len(ordered)))
    axes = figure.subplots()
    rows = list(range(len(ordered)))
    values = [value for _, value in ordered]
    axes.barh(rows, values, height=0.6, color=FOCUS)
    for row, value in zip(rows, values, strict=True):
        _value_label(axes, value, row, impact_text(value))
    axes.set_yticks(rows, [_wrapped(name) for name, _ in ordered])
    axes.invert_yaxis()
    axes.set_xlim(0, (max(values) or 1.0) * 1.12)
    axes.set_xlabel("Contribution to impact (weight × improvement)")
    tidy(axes, grid="x")
    listing = "; ".join(f"{name} {impact_text(value)}" for name, value in ordered)
    return inline(figure, "impact", f"Chart: contribution to impact by focus moment: {listing}.")


@drawn_once
def cost_by_period_svg(periods: Sequence[tuple[str, float, float | None]],
                       currency: str) -> Markup:
    """Money spent against the budget, per (label, spent, budget or None) row."""
    if not periods:
        return Markup("")
    figure = Figure(figsize=(WIDTH, 1.1 + 0.55 * len(periods)))
    axes = figure.subplots()
    rows = list(range(len(periods)))
    axes.barh(rows, [spent for _, spent, _ in periods], height=0.55, color=ACCENT,
              label="Spent")
    limited = [(row, limit) for row, (_, _, limit) in zip(rows, periods, strict=True)
               if limit is not None]
    if limited:
        axes.scatter([limit for _, limit in limited], [row for row, _ in limited], marker="|",
                     s=620, linewidths=3, c=INK, zorder=3, label="Budget")
    for row, (_, spent, limit) in zip(rows, periods, strict=True):
        words = f"{money(spent)} of {money(limit)}" if limit is not None else (
            f"{money(spent)}, no budget")
        _value_label(axes, max(spent, limit or 0.0), row, words, gap=9)
    axes.set_yticks(rows, [_wrapped(label) for label, _, _ in periods])
    axes.invert_yaxis()
    top = max(max(spent, limit or 0.0) for _, spent, limit in periods) or 1.0
    axes.set_xlim(0, top * 1.05)
    axes.xaxis.set_major_formatter(compact)
    axes.set_xlabel(f"Money ({currency})")
    tidy(axes, grid="x")
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False,
                fontsize=SMALLEST_TEXT, markerscale=0.5)
    listing = "; ".join(f"{label} {money(spent, currency)} spent" + (
        f" of {money(limit, currency)}" if limit is not None else ", no budget")
        for label, spent, limit in periods)
    return inline(figure, "cost", f"Chart: money spent against the budget: {listing}.")


def _value_label(axes: Axes, x: float, row: int, words: str, gap: int = 4) -> None:
    axes.annotate(words, xy=(x, row), xytext=(gap, 0), textcoords="offset points",
                  va="center", fontsize=SMALLEST_TEXT, color=INK)


def _wrapped(name: str) -> str:
    """A name on at most three short lines, so that the bars keep their room."""
    return "\n".join(textwrap.wrap(name, LABEL_WIDTH, max_lines=3, placeholder="…")) or "–"
