"""The uncertainty pages' charts, drawn like the run page's (planner/charts.py): a band
from the bad case (P10) to the good case (P90) with the likely case (P50) and the mean
marked, and the share of cases in which each initiative is chosen."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from planner.charts import (
    ACCENT,
    BAD,
    FOCUS,
    GRID,
    INK,
    SMALLEST_TEXT,
    WIDTH,
    compact,
    drawn_once,
    inline,
    tidy,
)
from planner.web import figure as plain_figure

CORE, EXTERIOR = 0.9, 0.1  # the lines between core, borderline and exterior (docs/model.md)
LABEL_WIDTH = 30  # characters per line of a bar's name
MOST_BARS = 40  # initiatives drawn at most; the page's table lists every one


@drawn_once
def band_svg(bands: Sequence[tuple[str, float, float, float, float]], axis: str,
             name: str, money_text: bool = False) -> Markup:
    """Per (label, P10, P50, P90, mean) row, a bar from P10 to P90, a bold tick at P50 and a
    diamond at the mean, each with its figure."""
    if not bands:
        return Markup("")
    text = _text(money_text)
    figure = Figure(figsize=(WIDTH, 1.3 + 0.7 * len(bands)))
    axes = figure.subplots()
    rows = list(range(len(bands)))
    lows = [low for _, low, _, _, _ in bands]
    highs = [high for _, _, _, high, _ in bands]
    axes.barh(rows, [high - low for low, high in zip(lows, highs, strict=True)], left=lows,
              height=0.45, color=ACCENT, alpha=0.35, edgecolor=ACCENT, label="P10 to P90")
    axes.scatter([mid for _, _, mid, _, _ in bands], rows, marker="|", s=700, linewidths=3,
                 c=INK, zorder=3, label="P50 (likely)")
    axes.scatter([mean for *_, mean in bands], rows, marker="D", s=50, c=FOCUS, zorder=4,
                 label="Mean")
    for row, (_, low, mid, high, _) in enumerate(bands):
        axes.annotate(f"{text(low)} · {text(mid)} · {text(high)}", xy=(mid, row),
                      xytext=(0, 13), textcoords="offset points", ha="center",
                      fontsize=SMALLEST_TEXT, color=INK)
    axes.set_yticks(rows, [_wrapped(label) for label, *_ in bands])
    axes.invert_yaxis()
    spread = (max(highs) - min(lows)) or abs(max(highs)) or 1.0
    axes.set_xlim(min(lows) - 0.15 * spread, max(highs) + 0.15 * spread)
    axes.set_ylim(len(bands) - 0.4, -0.9)
    axes.set_xlabel(axis)
    if money_text:
        axes.xaxis.set_major_formatter(compact)
    tidy(axes, grid="x")
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, frameon=False,
                fontsize=SMALLEST_TEXT, markerscale=0.6)
    listing = "; ".join(f"{label}: bad case (P10) {text(low)}, likely (P50) {text(mid)}, "
                        f"good case (P90) {text(high)}, mean {text(mean)}"
                        for label, low, mid, high, mean in bands)
    return inline(figure, name, f"Chart: {axis} across the cases: {listing}.")


@drawn_once
def shares_svg(shares: Sequence[tuple[str, float, bool]]) -> Markup:
    """Per (name, chosen share, in the decision) row, a bar of the share of cases that
    fund it; the decision's bars solid, the others hatched, with the core and exterior
    lines at 90% and 10%."""
    if not shares:
        return Markup("")
    shown = list(shares)[:MOST_BARS]
    figure = Figure(figsize=(WIDTH, 1.2 + 0.42 * len(shown)))
    axes = figure.subplots()
    rows = list(range(len(shown)))
    for row, (_, share, funded) in zip(rows, shown, strict=True):
        axes.barh([row], [max(share, 0.004)], height=0.6, color=ACCENT if funded else "white",
                  edgecolor=ACCENT, hatch=None if funded else "///",
                  label=("Funded by the decision" if funded else "Not funded by the decision"))
        _value_label(axes, share, row, f"{share:.0%}")
    for line, style in ((CORE, "--"), (EXTERIOR, ":")):
        axes.axvline(line, color=BAD if line == CORE else INK, linestyle=style, linewidth=1.2)
    axes.set_yticks(rows, [_wrapped(name) for name, _, _ in shown])
    axes.invert_yaxis()
    axes.set_xlim(0, 1.12)
    axes.xaxis.set_major_formatter(lambda value, _position: f"{value:.0%}")
    axes.set_xlabel("Share of cases in which it is chosen (core at 90% or more, "
                    "exterior at 10% or less)")
    tidy(axes, grid="x")
    axes.grid(axis="x", color=GRID)
    handles, labels = axes.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    axes.legend(unique.values(), unique.keys(), loc="lower left", bbox_to_anchor=(0, 1.0),
                ncols=2, frameon=False, fontsize=SMALLEST_TEXT)
    listing = "; ".join(f"{name} {share:.0%}{' (funded)' if funded else ''}"
                        for name, share, funded in shown)
    more = f" and {len(shares) - len(shown)} more in the table" if len(shares) > len(shown) else ""
    return inline(figure, "shares", f"Chart: share of cases choosing each initiative: "
                                    f"{listing}{more}.")


def _text(money_text: bool) -> Callable[[float], str]:
    return compact if money_text else plain_figure


def _value_label(axes: Axes, x: float, row: int, words: str) -> None:
    axes.annotate(words, xy=(x, row), xytext=(4, 0), textcoords="offset points",
                  va="center", fontsize=SMALLEST_TEXT, color=INK)


def _wrapped(name: str) -> str:
    """A name on at most two short lines, so that the bars keep their room."""
    return "\n".join(textwrap.wrap(name, LABEL_WIDTH, max_lines=2, placeholder="…")) or "–"
