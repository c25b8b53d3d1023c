"""Charts drawn on the server as inline SVG: no script and no CDN, for company intranets.

Each chart reads without colour: marker shapes and line styles tell the series apart, every
bar and point carries its figure, and the page has the same figures in a table. matplotlib's
SVG is cleaned for inline use: styles become presentation attributes (the CSP refuses inline
styles), ids get a per-chart prefix (two charts on one page must not share one), and the
XML writer escapes every text, so user text cannot become markup.
"""

from __future__ import annotations

import io
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

import matplotlib
from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from optimizer.finance.frontier import Point
from optimizer.result import FEASIBLE, INFEASIBLE, NO_SOLUTION, OPTIMAL
from planner.web import money

# The same for every chart, so set once for the process (rc_context is not thread-safe):
# text stays text (small, and escaped by the SVG writer), ids are the same on every
# drawing, and a "$" in a name is a dollar sign, not the start of a formula.
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "planner",
                            "text.parse_math": False})

INK, ACCENT, FOCUS, BAD, GRID = "#1d2430", "#1f5fbf", "#b4530f", "#b3261e", "#d9dee6"
WIDTH = 7.0  # inches; the page scales the drawing to its column
FONT = "'DejaVu Sans', Verdana, Arial, sans-serif"  # the metrics matplotlib laid out with
LABEL_WIDTH = 28  # characters per line of a bar's name
POINT_LABELS_UP_TO = 15  # with more points their figures would collide: none are written

# How each kind of frontier point is drawn (status, marker, face, edge, legend); a point
# without a portfolio sits on the budget axis.
POINT_MARKS = (
    (OPTIMAL, "o", ACCENT, ACCENT, "Proven optimal"),
    (FEASIBLE, "s", "none", ACCENT, "Not proven optimal (time limit)"),
    (INFEASIBLE, "x", None, BAD, "No portfolio fits"),  # a cross has no face: one colour
    (NO_SOLUTION, "^", "none", BAD, "None found in the time limit"),
)

SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
HREF = f"{{{XLINK_NS}}}href"
TEXT_TAGS = {f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}tspan"}
URL_REFERENCE = re.compile(r"url\(#([^)]+)\)")


def frontier_svg(points: Sequence[Point], plan_budget: float | None, currency: str,
                 url_for_point: Callable[[float], str]) -> Markup:
    """Best impact against budget; each point links to its portfolio (url_for_point)."""
    figure = Figure(figsize=(WIDTH, 3.8))
    axes = figure.subplots()
    found = [point for point in points if point.impact is not None]
    if found:
        # Between two points the best impact is at least the one on the left: a step.
        axes.plot([p.budget for p in found], [p.impact for p in found], color=ACCENT,
                  drawstyle="steps-post", linewidth=1.5, label="Best impact at each budget")
    titles = _draw_points(axes, points, url_for_point, currency)
    if len(points) <= POINT_LABELS_UP_TO:
        _label_rises(axes, found)
    top = max([p.budget for p in points] + [plan_budget or 0.0]) or 1.0
    axes.set_xlim(-0.02 * top, 1.04 * top)
    highest = max((point.impact for point in found), default=0.0)
    axes.set_ylim(0, (highest or 1.0) * 1.12)  # room for the figures above the points
    if plan_budget is not None:
        _mark_plan_budget(axes, plan_budget, currency)
    axes.xaxis.set_major_formatter(_compact)
    axes.set_xlabel(f"Budget ({currency})")
    axes.set_ylabel("Impact")
    _tidy(axes, grid="both")
    axes.legend(loc="lower right", frameon=False, fontsize=8)
    return _inline(figure, "frontier", _frontier_title(points, currency), titles)


def _draw_points(axes: Axes, points: Sequence[Point], url_for_point: Callable[[float], str],
                 currency: str) -> dict[str, str]:
    """One marker shape per kind of point, each a link; the links' tooltips, by url."""
    titles: dict[str, str] = {}
    for status, marker, face, edge, label in POINT_MARKS:
        chosen = [point for point in points if point.status == status]
        if chosen:
            colours = {"c": edge} if face is None else {"facecolors": face, "edgecolors": edge}
            dots = axes.scatter([p.budget for p in chosen], [p.impact or 0.0 for p in chosen],
                                marker=marker, s=46, linewidths=1.8, zorder=3, label=label,
                                **colours)
            dots.set_urls(_links(chosen, url_for_point, titles, currency))
    return titles


def _label_rises(axes: Axes, found: Sequence[Point]) -> None:
    """The impact above each point where it changes; repeated along a flat stretch, clutter."""
    for k, point in enumerate(found):
        if k == 0 or point.impact != found[k - 1].impact:
            axes.annotate(f"{point.impact:,.1f}", xy=(point.budget, point.impact),
                          xytext=(0, 7), textcoords="offset points", ha="center",
                          fontsize=8, color=INK)


def _links(points: Sequence[Point], url_for_point: Callable[[float], str],
           titles: dict[str, str], currency: str) -> list[str]:
    """Each point's link, remembering its tooltip (budget and impact) for _inline."""
    urls = []
    for point in points:
        url = url_for_point(point.budget)
        impact = ("no portfolio" if point.impact is None else f"impact {point.impact:,.1f}")
        titles[url] = f"Budget {money(point.budget, currency)}: {impact}. Open its portfolio."
        urls.append(url)
    return urls


def _mark_plan_budget(axes: Axes, plan_budget: float, currency: str) -> None:
    """A dashed vertical line, labelled above the plot where no point's figure is."""
    axes.axvline(plan_budget, color=FOCUS, linestyle="--", linewidth=1.2)
    axes.annotate(f"Plan budget {money(plan_budget, currency)}", xy=(plan_budget, 1),
                  xycoords=("data", "axes fraction"), xytext=(0, 4),
                  textcoords="offset points", ha="center", va="bottom", fontsize=9,
                  color=FOCUS)


def _frontier_title(points: Sequence[Point], currency: str) -> str:
    top = max(point.budget for point in points)
    return (f"Chart: best impact against budget at {len(points)} budgets from "
            f"{money(0, currency)} to {money(top, currency)}; the table gives every point.")


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
        _value_label(axes, value, row, f"{value:,.1f}")
    axes.set_yticks(rows, [_wrapped(name) for name, _ in ordered])
    axes.invert_yaxis()
    axes.set_xlim(0, (max(values) or 1.0) * 1.12)
    axes.set_xlabel("Contribution to impact (weight × improvement)")
    _tidy(axes, grid="x")
    listing = "; ".join(f"{name} {value:,.1f}" for name, value in ordered)
    return _inline(figure, "impact", f"Chart: contribution to impact by focus moment: {listing}.")


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
    axes.xaxis.set_major_formatter(_compact)
    axes.set_xlabel(f"Money ({currency})")
    _tidy(axes, grid="x")
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=2, frameon=False, fontsize=8,
                markerscale=0.5)
    listing = "; ".join(f"{label} {money(spent, currency)} spent" + (
        f" of {money(limit, currency)}" if limit is not None else ", no budget")
        for label, spent, limit in periods)
    return _inline(figure, "cost", f"Chart: money spent against the budget: {listing}.")


def _value_label(axes: Axes, x: float, row: int, words: str, gap: int = 4) -> None:
    axes.annotate(words, xy=(x, row), xytext=(gap, 0), textcoords="offset points",
                  va="center", fontsize=9, color=INK)


def _wrapped(name: str) -> str:
    """A name on at most three short lines, so that the bars keep their room."""
    return "\n".join(textwrap.wrap(name, LABEL_WIDTH, max_lines=3, placeholder="…")) or "–"


def _compact(value: float, _position: int | None = None) -> str:
    """An axis figure in few characters: 1,250,000 -> '1.25M', 450,000 -> '450k'."""
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def _tidy(axes: Axes, grid: str) -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis=grid, color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)


def _inline(figure: Figure, name: str, title: str,
            link_titles: dict[str, str] | None = None) -> Markup:
    """The figure as an <svg> element to put in a page: clean, titled, deterministic.

    Safe as markup because ElementTree writes it: every text and attribute value in it is
    escaped on the way out, whatever matplotlib or the user put in.
    """
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", pad_inches=0.08,
                   metadata={"Date": None})
    root = ET.fromstring(buffer.getvalue())
    for child in list(root):
        if child.tag == f"{{{SVG_NS}}}metadata" or child.find(f"{{{SVG_NS}}}style") is not None:
            root.remove(child)
    _styles_to_attributes(root)
    _prefix_ids(root, name)
    _drop_blank_text(root)
    _title_links(root, link_titles or {})
    for size in ("width", "height"):
        root.attrib.pop(size, None)
    root.attrib.update({"class": f"chart-svg chart-{name}", "role": "img", "aria-label": title,
                        "font-family": FONT, "stroke-linejoin": "round",
                        "stroke-linecap": "butt"})
    heading = ET.Element(f"{{{SVG_NS}}}title")
    heading.text = title
    root.insert(0, heading)
    return Markup(ET.tostring(root, encoding="unicode"))


def _styles_to_attributes(root: ET.Element) -> None:
    """style="fill: #fff; stroke: ..." -> fill="#fff" stroke="...": the CSP allows those."""
    for element in root.iter():
        style = element.attrib.pop("style", "")
        for declaration in style.split(";"):
            prop, _, value = declaration.partition(":")
            if prop.strip() and prop.strip() != "font-family":  # one family, on the root
                element.set(prop.strip(), value.strip())
        if "d" in element.attrib:
            element.set("d", " ".join(element.get("d", "").split()))


def _prefix_ids(root: ET.Element, name: str) -> None:
    """Give referenced ids this chart's prefix and drop the rest."""
    renamed: dict[str, str] = {}

    def new_name(old: str) -> str:
        return renamed.setdefault(old, f"{name}-{len(renamed) + 1}")

    for element in root.iter():
        href = element.get(HREF, "")
        if href.startswith("#"):
            element.set(HREF, "#" + new_name(href[1:]))
        for key, value in list(element.attrib.items()):
            if "url(#" in value:
                element.set(key, URL_REFERENCE.sub(lambda m: f"url(#{new_name(m[1])})", value))
    for element in root.iter():
        old = element.attrib.pop("id", None)
        if old in renamed:
            element.set("id", renamed[old])


def _drop_blank_text(root: ET.Element) -> None:
    """Remove the pretty-printing whitespace between elements (not inside a text)."""
    for element in root.iter():
        if element.tag in TEXT_TAGS:
            continue
        if element.text is not None and not element.text.strip():
            element.text = None
        for child in element:
            if child.tail is not None and not child.tail.strip():
                child.tail = None


def _title_links(root: ET.Element, link_titles: dict[str, str]) -> None:
    """Open links in the same tab, each with its tooltip."""
    for link in root.iter(f"{{{SVG_NS}}}a"):
        link.attrib.pop("target", None)
        words = link_titles.get(link.get(HREF, ""))
        if words:
            title = ET.Element(f"{{{SVG_NS}}}title")
            title.text = words
            link.insert(0, title)
