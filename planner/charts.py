"""What every chart shares: drawn on the server as inline SVG, no script and no CDN, for
company intranets; each feature draws its own (runs/charts.py, finance/frontier_chart.py).

Each chart reads without colour: marker shapes and line styles tell the series apart, every
bar and point carries its figure, and the page has the same figures in a table. matplotlib's
SVG is cleaned for inline use: styles become presentation attributes (the CSP refuses inline
styles), ids get a per-chart prefix (two charts on one page must not share one), and the
XML writer escapes every text, so user text cannot become markup.
"""

from __future__ import annotations

import functools
import io
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable

import matplotlib
from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from planner.kept import CHART_TEXT, CHARTS, code_of

SMALLEST_TEXT = 11  # points, drawn as px at the chart's own size
INK, ACCENT, FOCUS, BAD, GRID = "#1d2430", "#1f5fbf", "#b4530f", "#b3261e", "#d9dee6"
WIDTH = 7.0  # inches; the page scales the drawing to its column
FONT = "'DejaVu Sans', Verdana, Arial, sans-serif"  # the metrics matplotlib laid out with

# The same for every chart, so set once for the process (rc_context is not thread-safe):
# text stays text (small, and escaped by the SVG writer), ids are the same on every
# drawing, a "$" in a name is a dollar sign, not the start of a formula, and every text is
# 11 points or more: the page never draws a chart below its own size (on a phone it scrolls
# inside its frame instead), so no text reads under 11 px.
matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "planner",
                            "text.parse_math": False, "font.size": SMALLEST_TEXT})

SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
HREF = f"{{{XLINK_NS}}}href"
TEXT_TAGS = {f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}tspan"}
URL_REFERENCE = re.compile(r"url\(#([^)]+)\)")
# matplotlib is not thread-safe (its documentation says to lock around it): one drawing at
# a time in a process, whose server answers on several threads.
DRAWING = threading.RLock()


def alone(draw: Callable[..., Markup]) -> Callable[..., Markup]:
    """A drawing function that runs under DRAWING."""
    @functools.wraps(draw)
    def drawing(*args: object, **kwargs: object) -> Markup:
        with DRAWING:
            return draw(*args, **kwargs)

    return drawing


def compact(value: float, _position: int | None = None) -> str:
    """An axis figure in few characters: 1,250,000 -> '1.25M', 450,000 -> '450k'."""
    for size, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.3g}"


def drawn_once(draw: Callable[..., Markup]) -> Callable[..., Markup]:
    """A chart that is drawn once for the same figures and then kept (kept.CHARTS), by
    this process and in the database for the others (kept.CHART_TEXT; a run's job draws
    its run's charts, so that its pages find them drawn): matplotlib takes about 0.15 s
    to draw one, the figures of a saved run never change, and its pages are the ones read
    most. The arguments (sequences of rows, strings, numbers) are made into tuples to be
    keys; a drawing is kept for the code that drew it, never shown for another's."""
    name = f"{draw.__module__}.{draw.__qualname__}"
    code = f"{code_of(__name__, draw.__module__)} matplotlib {matplotlib.__version__}"
    drawn = alone(draw)

    @functools.wraps(draw)
    def chart(*args: object) -> Markup:
        key = (name, code, _frozen(args))
        # Markup again: the text is what inline() wrote, every user text in it escaped.
        return CHARTS.get(key, lambda: Markup(CHART_TEXT.get(key, lambda: str(drawn(*args)))))

    return chart


@alone
def warm_up() -> Markup:
    """Draw a small chart and drop it: a process's first drawing is slower by the fonts and
    text layout matplotlib loads for it (see ready_to_fork in planner/service.py)."""
    figure = Figure(figsize=(2, 1))
    axes = figure.subplots()
    axes.bar(["a", "b"], [1.0, 2.0])
    axes.set_title("warm")
    tidy(axes, "y")
    return inline(figure, "warm", "warm")


def _frozen(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def tidy(axes: Axes, grid: str) -> None:
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis=grid, color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)


def inline(figure: Figure, name: str, title: str,
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
