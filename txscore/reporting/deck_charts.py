"""Native, editable PowerPoint charts for the deck (python-pptx): bars, lines and XY
scatters, with their intervals.

Each function draws one chart into a rectangle of a slide and returns the chart. Values go
in unrounded (labels and axes show one decimal); colours are given per bar, line or point
(the study's brand colours, :func:`txscore.reporting.palette.brand_colours`). No typeface
is set anywhere: the text takes the theme's fonts, the template's when there is one.

Intervals
    Bar and line charts carry them as custom error bars: ``c:errBars`` with custom plus and
    minus values, written into the chart XML here (python-pptx has no error-bar API).
    XY scatters draw each point's interval as a thin cross in the point's colour (one
    series per point: the horizontal segment, a gap, the vertical segment): LibreOffice
    Impress (7.4) ignores custom horizontal error bars, and a cross reads the same in
    PowerPoint and Impress.
LibreOffice
    Impress drops an XY series that comes before a longer one: the series of a scatter are
    written longest first (reference lines, crosses, corner names, points).
Safe text
    The chart's embedded workbook (PowerPoint's "Edit data") is written here with
    XlsxWriter, strings as strings: a brand named ``=HYPERLINK(...)`` stays text, never a
    formula or a link. Names lose the characters XML cannot hold (:func:`clean`).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.chart import XL_MARKER_STYLE as MARKER
from pptx.enum.dml import MSO_LINE
from pptx.oxml.ns import qn
from pptx.util import Pt

from txscore.reporting.palette import GREY
from txscore.reporting.xlsx import normalise_zip

__all__ = ["Bar", "Guide", "Line", "Marks", "Point", "Rect", "bar_chart", "clean",
           "line_chart", "nice_limits", "xy_chart"]

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
#: chart text, axis numbers and labels (points)
FONT_PT, TICK_PT, LABEL_PT = 12, 11, 11
GRIDLINE = "#D9D9D9"
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """Text for a slide or a chart: tabs and line breaks as spaces, characters XML cannot
    hold as U+FFFD; nothing else changes (``=`` stays, it is text).

    >>> clean("=HYPERLINK(1)\\tx\\x07")
    '=HYPERLINK(1) x\\ufffd'
    """
    return _INVALID.sub("\ufffd", re.sub(r"[\t\r\n]+", " ", str(text)))


@dataclass(frozen=True)
class Rect:
    """A rectangle of a slide, in EMU."""

    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class Bar:
    """One bar: ``value`` None draws none and no number (a suppressed cell)."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    colour: str = "#0072B2"
    focus: bool = False


@dataclass(frozen=True)
class Line:
    """One line over the categories: None leaves a gap (and no number)."""

    name: str
    values: tuple[float | None, ...]
    lows: tuple[float | None, ...]
    highs: tuple[float | None, ...]
    colour: str
    focus: bool = False
    dash: bool = False


@dataclass(frozen=True)
class Point:
    """One named point of a scatter with its intervals on both axes."""

    name: str
    x: float
    y: float
    colour: str
    x_ci: tuple[float, float] | None = None
    y_ci: tuple[float, float] | None = None
    hollow: bool = False
    focus: bool = False


@dataclass(frozen=True)
class Guide:
    """A reference line of a scatter: its points, ``(x, None)`` for a gap."""

    name: str
    points: tuple[tuple[float, float | None], ...]
    colour: str = GREY
    dash: bool = True


@dataclass(frozen=True)
class Marks:
    """Texts at places of a scatter (the quadrants' names): no marker, no line."""

    name: str
    points: tuple[tuple[float, float], ...]
    texts: tuple[str, ...]
    colours: tuple[str, ...]


def nice_limits(values: Iterable[float | None], *, step: float = 5.0, pad: float = 3.0,
                lo: float = 0.0, hi: float = 100.0) -> tuple[float, float]:
    """An axis range holding ``values`` with room, on multiples of ``step``, within
    ``lo``..``hi``.

    >>> nice_limits([36.2, 70.7])
    (30.0, 75.0)
    """
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return lo, hi
    low = math.floor((min(finite) - pad) / step) * step
    high = math.ceil((max(finite) + pad) / step) * step
    return max(low, lo), min(high, hi)


# ---------------------------------------------------------------------- embedded data
def _workbook(cells: Iterable[tuple[int, int, object]], when: dt.datetime) -> bytes:
    """The chart's embedded workbook: text cells as text (no formula, no link), numbers as
    numbers, blanks left out; fixed timestamps."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"created": when})
    sheet = book.add_worksheet()
    for row, col, value in cells:
        if isinstance(value, str):
            sheet.write_string(row, col, value)
        elif value is not None and math.isfinite(float(value)):
            sheet.write_number(row, col, float(value))
    book.close()
    return normalise_zip(buf.getvalue(), when)


class _CategoryData(CategoryChartData):
    """Category chart data whose embedded workbook is :func:`_workbook`'s, laid out as
    python-pptx refers to it (categories in A2.., one column per series, its name in
    row 1)."""

    when = dt.datetime(1980, 1, 1)

    @property
    def xlsx_blob(self) -> bytes:
        cells: list[tuple[int, int, object]] = [
            (1 + r, 0, c.label) for r, c in enumerate(self.categories)]
        for i, series in enumerate(self):
            cells.append((0, 1 + i, series.name))
            cells += [(1 + r, 1 + i, v) for r, v in enumerate(series.values)]
        return _workbook(cells, self.when)


class _XyData(XyChartData):
    """XY chart data whose embedded workbook is :func:`_workbook`'s: per series its name
    (column B), then x (A) and y (B) rows, one blank row between series, as python-pptx
    refers to them."""

    when = dt.datetime(1980, 1, 1)

    @property
    def xlsx_blob(self) -> bytes:
        cells: list[tuple[int, int, object]] = []
        before = 0
        for i, series in enumerate(self):
            top = 2 * i + before
            cells.append((top, 1, series.name))
            cells += [(top + 1 + r, 0, x) for r, x in enumerate(series.x_values)]
            cells += [(top + 1 + r, 1, y) for r, y in enumerate(series.y_values)]
            before += len(series)
        return _workbook(cells, self.when)


# ---------------------------------------------------------------------- XML helpers
def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def _sub(parent: Any, tag: str, **attrs: str) -> Any:
    return etree.SubElement(parent, qn(tag), attrs)


def _number(value: float) -> str:
    return repr(float(value))


def _literal(values: Sequence[float | None]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{_number(v)}</c:v></c:pt>'
                     for i, v in enumerate(values) if v is not None)
    return (f'<c:numLit><c:formatCode>General</c:formatCode><c:ptCount val="{len(values)}"/>'
            f"{points}</c:numLit>")


def _before_data(ser: Any, element: Any) -> None:
    """Insert ``element`` into a ``c:ser`` before its data (and before the error bars when
    ``element`` is a ``c:dLbls``), as the schema orders them."""
    tags = ["c:errBars", "c:cat", "c:val", "c:xVal", "c:yVal"]
    if element.tag == qn("c:errBars"):
        tags = tags[1:]
    for tag in tags:
        anchor = ser.find(qn(tag))
        if anchor is not None:
            anchor.addprevious(element)
            return
    ser.append(element)


def _error_bars(series: Any, values: Sequence[float | None], lows: Sequence[float | None],
                highs: Sequence[float | None], colour: str) -> None:
    """Custom error bars from ``lows`` to ``highs`` around ``values`` (none where any is
    missing): ``c:errBars`` with custom plus and minus values."""
    plus: list[float | None] = []
    minus: list[float | None] = []
    for v, lo, hi in zip(values, lows, highs, strict=True):
        ok = all(x is not None and math.isfinite(x) for x in (v, lo, hi))
        plus.append(max(hi - v, 0.0) if ok else None)  # type: ignore[operator]
        minus.append(max(v - lo, 0.0) if ok else None)  # type: ignore[operator]
    if all(p is None for p in plus):
        return
    xml = (f'<c:errBars xmlns:c="{C_NS}" xmlns:a="{A_NS}"><c:errBarType val="both"/>'
           '<c:errValType val="cust"/><c:noEndCap val="0"/>'
           f"<c:plus>{_literal(plus)}</c:plus><c:minus>{_literal(minus)}</c:minus>"
           f'<c:spPr><a:ln w="12700"><a:solidFill><a:srgbClr val="{colour.lstrip("#")}"/>'
           "</a:solidFill></a:ln></c:spPr></c:errBars>")
    _before_data(series._element, etree.fromstring(xml))


def _labels(series: Any, entries: Sequence[tuple[int, str, str | None, str | None, bool]]
            ) -> None:
    """Data labels on some points: ``(index, position, text, colour, bold)``; ``text``
    None shows the series' name (it follows the name when it is edited)."""
    dlbls = etree.Element(qn("c:dLbls"))
    for idx, position, text, colour, bold in entries:
        d = _sub(dlbls, "c:dLbl")
        _sub(d, "c:idx", val=str(idx))
        if text is not None:
            rich = _sub(_sub(d, "c:tx"), "c:rich")
            _sub(rich, "a:bodyPr")
            run = _sub(_sub(rich, "a:p"), "a:r")
            props = _sub(run, "a:rPr", b="1" if bold else "0",
                         sz=str(LABEL_PT * 100))
            if colour:
                _sub(_sub(props, "a:solidFill"), "a:srgbClr", val=colour.lstrip("#").upper())
            _sub(run, "a:t").text = clean(text)
        else:
            pr = _sub(d, "c:txPr")
            _sub(pr, "a:bodyPr")
            _sub(pr, "a:lstStyle")
            ppr = _sub(_sub(pr, "a:p"), "a:pPr")
            _sub(ppr, "a:defRPr", b="1" if bold else "0", sz=str(LABEL_PT * 100))
        _sub(d, "c:dLblPos", val=position)
        for tag, on in (("showLegendKey", 0), ("showVal", int(text is not None)),
                        ("showCatName", 0), ("showSerName", int(text is None)),
                        ("showPercent", 0), ("showBubbleSize", 0)):
            _sub(d, f"c:{tag}", val=str(on))
    for tag in ("showLegendKey", "showVal", "showCatName", "showSerName", "showPercent",
                "showBubbleSize"):
        _sub(dlbls, f"c:{tag}", val="0")
    _before_data(series._element, dlbls)


def _new_chart(slide: Any, rect: Rect, kind: Any, data: Any) -> Any:
    frame = slide.shapes.add_chart(kind, rect.left, rect.top, rect.width, rect.height, data)
    chart = frame.chart
    chart.font.size = Pt(FONT_PT)
    chart.has_title = False
    blanks = chart.element.find(f"{qn('c:chart')}/{qn('c:dispBlanksAs')}")
    if blanks is not None:
        blanks.set("val", "gap")
    return chart


def _axis(axis: Any, title: str, limits: tuple[float, float] | None, *,
          number_format: str = "0", gridlines: bool = True) -> None:
    if limits is not None:
        axis.minimum_scale, axis.maximum_scale = limits
        span = limits[1] - limits[0]
        axis.major_unit = next(u for u in (1, 2, 5, 10, 20, 25, 50) if span / u <= 10)
    axis.has_major_gridlines = gridlines
    if gridlines:
        axis.major_gridlines.format.line.color.rgb = _rgb(GRIDLINE)
    axis.tick_labels.number_format = number_format
    axis.tick_labels.number_format_is_linked = False
    axis.tick_labels.font.size = Pt(TICK_PT)
    if title:
        axis.has_title = True
        frame = axis.axis_title.text_frame
        frame.text = clean(title)
        frame.paragraphs[0].runs[0].font.size = Pt(FONT_PT)
        frame.paragraphs[0].runs[0].font.bold = False


def _contrast(colour: str) -> str:
    """Black or white text, whichever reads on ``colour``."""
    r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 else "#FFFFFF"


# ---------------------------------------------------------------------- the charts
def bar_chart(slide: Any, rect: Rect, bars: Sequence[Bar], *, name: str, axis_title: str,
              limits: tuple[float, float], when: dt.datetime) -> Any:
    """Horizontal bars, the first of ``bars`` at the top, each in its colour with its
    value (one decimal) at its base and its interval as an error bar; the focus bar
    outlined in black, its number bold."""
    rows = list(reversed(bars))  # a bar chart draws its first category at the bottom
    data = _CategoryData(number_format="0.0")
    data.when = when
    data.categories = [clean(b.label) for b in rows]
    data.add_series(clean(name), [b.value for b in rows])
    chart = _new_chart(slide, rect, XL_CHART_TYPE.BAR_CLUSTERED, data)
    plot = chart.plots[0]
    plot.gap_width, plot.vary_by_categories = 45, False
    series = plot.series[0]
    series.invert_if_negative = False
    for i, bar in enumerate(rows):
        point = series.points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb(bar.colour)
        if bar.focus:
            point.format.line.color.rgb = _rgb("#000000")
            point.format.line.width = Pt(2)
        if bar.value is not None:
            label = point.data_label
            label.position = XL_LABEL_POSITION.INSIDE_BASE
            label.font.size = Pt(LABEL_PT)
            label.font.bold = bar.focus
            label.font.color.rgb = _rgb(_contrast(bar.colour))
    _error_bars(series, [b.value for b in rows], [b.low for b in rows],
                [b.high for b in rows], "#333333")
    chart.has_legend = False
    _axis(chart.value_axis, axis_title, limits)
    chart.category_axis.tick_labels.font.size = Pt(FONT_PT)
    chart.category_axis.format.line.color.rgb = _rgb(GREY)
    return chart


def line_chart(slide: Any, rect: Rect, categories: Sequence[str], lines: Sequence[Line], *,
               axis_title: str, limits: tuple[float, float], when: dt.datetime) -> Any:
    """One line per entry of ``lines`` over the ``categories`` (waves), with markers and
    the intervals as error bars in the line's colour; the legend on the right."""
    data = _CategoryData(number_format="0.0")
    data.when = when
    data.categories = [clean(c) for c in categories]
    for line in lines:
        data.add_series(clean(line.name), list(line.values))
    chart = _new_chart(slide, rect, XL_CHART_TYPE.LINE_MARKERS, data)
    for series, line in zip(chart.plots[0].series, lines, strict=True):
        series.smooth = False
        series.format.line.color.rgb = _rgb(line.colour)
        series.format.line.width = Pt(3.5 if line.focus else 2.0)
        if line.dash:
            series.format.line.dash_style = MSO_LINE.DASH
        series.marker.style = MARKER.CIRCLE
        series.marker.size = 9 if line.focus else 7
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = _rgb(line.colour)
        series.marker.format.line.color.rgb = _rgb(line.colour)
        _error_bars(series, line.values, line.lows, line.highs, line.colour)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.RIGHT
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(TICK_PT)
    _axis(chart.value_axis, axis_title, limits)
    chart.category_axis.tick_labels.font.size = Pt(FONT_PT)
    return chart


def _cross(point: Point) -> tuple[tuple[float, float | None], ...]:
    """A point's intervals as one line: horizontal segment, gap, vertical segment."""
    (x0, x1), (y0, y1) = point.x_ci or (point.x, point.x), point.y_ci or (point.y, point.y)
    return ((x0, point.y), (x1, point.y), (point.x, None), (point.x, y0), (point.x, y1))


def xy_chart(slide: Any, rect: Rect, points: Sequence[Point], *, guides: Sequence[Guide] = (),
             marks: Sequence[Marks] = (), x_title: str, y_title: str,
             x_limits: tuple[float, float], y_limits: tuple[float, float], interval: str,
             when: dt.datetime) -> Any:
    """A scatter: each point its own series (named, labelled with its name, in its
    colour, hollow or larger for the focus), its intervals as a cross
    (``interval.format(name=...)`` names that series), the ``guides`` as lines and the
    ``marks`` as texts; no legend."""
    entries: list[tuple[int, str, Any]] = [(len(g.points), "guide", g) for g in guides]
    entries += [(5, "cross", p) for p in points if p.x_ci or p.y_ci]
    entries += [(len(m.points), "marks", m) for m in marks]
    entries += [(1, "point", p) for p in points]
    entries.sort(key=lambda e: -e[0])  # stable: LibreOffice drops a series before a longer
    data = _XyData(number_format="0.0")
    data.when = when
    for _, kind, item in entries:
        name = interval.format(name=item.name) if kind == "cross" else item.name
        series = data.add_series(clean(name), number_format="0.0")
        pts = {"guide": lambda i: i.points, "cross": _cross, "marks": lambda i: i.points,
               "point": lambda i: ((i.x, i.y),)}[kind](item)
        for x, y in pts:
            series.add_data_point(x, y)
    chart = _new_chart(slide, rect, XL_CHART_TYPE.XY_SCATTER, data)
    middle = sum(x_limits) / 2
    for series, (_, kind, item) in zip(chart.plots[0].series, entries, strict=True):
        series.smooth = False
        if kind == "point":
            _style_point(series, item, "l" if item.x > middle else "r")
            continue
        series.marker.style = MARKER.NONE
        if kind == "marks":
            _labels(series, [(i, "l" if x > middle else "r", text, colour, True)
                             for i, ((x, _), text, colour) in enumerate(
                                 zip(item.points, item.texts, item.colours, strict=True))])
            continue
        series.format.line.color.rgb = _rgb(item.colour)
        series.format.line.width = Pt(1.25 if kind == "guide" else 1.0)
        if kind == "guide" and item.dash:
            series.format.line.dash_style = MSO_LINE.DASH
    chart.has_legend = False
    _axis(chart.category_axis, x_title, x_limits)
    _axis(chart.value_axis, y_title, y_limits)
    return chart


def _style_point(series: Any, point: Point, side: str) -> None:
    """A brand's (or driver's) point: a circle in its colour, hollow when asked, larger
    and with a bold label for the focus; labelled with the series' name."""
    marker = series.marker
    marker.style = MARKER.CIRCLE
    marker.size = 14 if point.focus else 11
    marker.format.fill.solid()
    marker.format.fill.fore_color.rgb = _rgb("#FFFFFF" if point.hollow else point.colour)
    marker.format.line.color.rgb = _rgb(point.colour)
    marker.format.line.width = Pt(2.0 if point.hollow or point.focus else 1.0)
    _labels(series, [(0, side, None, None, point.focus)])
