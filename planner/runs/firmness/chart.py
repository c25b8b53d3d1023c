"""The run page's band of the decided portfolio's impact over the plausible cases: from the
bad case (P10) to the good (P90), the likely (P50) marked, and the impact as planned with
the estimates as they stand; drawn like the run's other charts (planner/runs/charts.py)."""

from __future__ import annotations

from markupsafe import Markup
from matplotlib.figure import Figure

from planner.charts import ACCENT, FOCUS, INK, SMALLEST_TEXT, WIDTH, drawn_once, inline, tidy
from planner.web import figure as impact_text


@drawn_once
def impact_band_svg(p10: float, p50: float, p90: float, planned: float | None) -> Markup:
    """The band P10 to P90 as a bar, P50 as a thick mark, the planned impact as a diamond;
    every figure written by its mark."""
    figure = Figure(figsize=(WIDTH, 1.9))
    axes = figure.subplots()
    axes.barh([0], [p90 - p10], left=[p10], height=0.45, color=ACCENT, alpha=0.35,
              edgecolor=ACCENT, label="P10 to P90")
    axes.scatter([p50], [0], marker="|", s=900, linewidths=4, c=INK, zorder=3,
                 label="P50, likely")
    marks = [(p10, "P10", -0.5), (p50, "P50", 0.5), (p90, "P90", -0.5)]
    if planned is not None:
        axes.scatter([planned], [0], marker="D", s=70, c=FOCUS, zorder=4,
                     label="As planned")
    for value, name, row in marks:
        axes.annotate(f"{name} {impact_text(value)}", xy=(value, row), ha="center",
                      va="center", fontsize=SMALLEST_TEXT, color=INK)
    values = [p10, p90] + ([planned] if planned is not None else [])
    low, high = min(values), max(values)
    room = (high - low) * 0.15 or max(abs(high), 1.0) * 0.1
    axes.set_xlim(low - room, high + room)
    axes.set_ylim(-0.9, 0.9)
    axes.set_yticks([])
    axes.set_xlabel("Impact of the decided portfolio over the plausible cases")
    tidy(axes, grid="x")
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, frameon=False,
                fontsize=SMALLEST_TEXT, markerscale=0.5)
    words = (f"bad case (P10) {impact_text(p10)}, likely (P50) {impact_text(p50)}, good case "
             f"(P90) {impact_text(p90)}") + (
        f", as planned {impact_text(planned)}" if planned is not None else "")
    return inline(figure, "impact-band", f"Chart: impact over the plausible cases: {words}.")
