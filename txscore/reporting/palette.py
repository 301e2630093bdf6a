"""The look of the reports: colours of the charts and the workbook, the charts' style.

Charts use the colour-blind-safe Okabe-Ito palette (Okabe & Ito 2008), the workbook's
score bands ColorBrewer's RdBu (blue = better, red = worse). Grey is #767676, the lightest
grey with a 4.5:1 contrast on white (WCAG AA). Charts are drawn inside
``matplotlib.rc_context(STYLE)``: the global rcParams never change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import matplotlib
import numpy as np
from matplotlib.colors import to_hex, to_rgb
from matplotlib.font_manager import fontManager

from txscore.study.vocabulary import TOTAL

__all__ = ["BAND_FILL", "BAND_FONT", "BLUE", "FALLBACK_FONTS", "FIGSIZE", "FLAG_STYLES",
           "FONTS", "GREEN", "GREY", "HEADER_FILL", "IP_COLOURS", "MARKERS", "NOTE_WIDTH",
           "OKABE_ITO", "ORANGE", "PURPLE", "QUADRANT_COLOURS", "SKY", "STYLE",
           "VERDICT_COLOURS", "VERMILLION", "XL_GREY", "blend", "brand_colours",
           "brand_order", "darker", "diverging_colour", "focus_of", "BRAND_PALETTE",
           "FOCUS_EDGE", "MUTED", "TOTAL_COLOUR", "brand_markers", "chart_colours", "contrast",
           "readable"]

OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442"]
BLUE, VERMILLION, GREY = OKABE_ITO[0], OKABE_ITO[1], "#767676"  # grey: 4.5:1 on white
GREEN, ORANGE, SKY, PURPLE = OKABE_ITO[2], OKABE_ITO[3], OKABE_ITO[4], OKABE_ITO[5]
#: growth-grid quadrants (codes of ``result.grid["quadrant"]``)
QUADRANT_COLOURS = {"Leading": GREEN, "Plateauing": BLUE, "Churning": ORANGE,
                    "Lagging": VERMILLION}
#: importance-performance quadrants
IP_COLOURS = {"concentrate": VERMILLION, "keep": GREEN, "low": GREY, "overkill": PURPLE}
#: reliability verdicts (other verdicts are grey)
VERDICT_COLOURS = {"ok": GREEN, "questionable": ORANGE, "poor": VERMILLION,
                   "redundant": BLUE}
#: base flags on bars and points: opacity, hatch (suppressed cells are never drawn)
FLAG_STYLES = {"ok": (1.0, ""), "caution": (0.55, ""), "low_base": (0.45, "////")}
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
FIGSIZE = (8.0, 4.5)  # inches, 16:9 slides
NOTE_WIDTH = 120  # characters of a 9 pt footnote line on an 8 in figure
#: fonts for the characters DejaVu Sans has not (CJK, emoji, Indic ...), used when installed
#: (colour bitmap emoji fonts cannot be drawn and are not tried)
FALLBACK_FONTS = ("Noto Sans CJK JP", "Noto Sans CJK SC", "Source Han Sans",
                  "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
                  "Droid Sans Fallback",
                  "Microsoft YaHei", "PingFang SC", "Hiragino Sans", "Malgun Gothic",
                  "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari",
                  "Noto Sans Thai", "Noto Emoji", "Segoe UI Emoji", "Segoe UI Symbol",
                  "Symbola", "Arial Unicode MS")
_INSTALLED = {f.name for f in fontManager.ttflist}
#: the chart font, then the fallback fonts installed here (per character, in this order)
FONTS = ("DejaVu Sans", *(f for f in FALLBACK_FONTS if f in _INSTALLED))
STYLE: dict[str, Any] = {
    "font.family": list(FONTS), "font.size": 10, "axes.titlesize": 12,
    "axes.titleweight": "bold", "axes.titlelocation": "left", "axes.titlepad": 10,
    "axes.labelsize": 10, "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 9,
    "legend.frameon": False, "axes.spines.top": False, "axes.spines.right": False,
    "axes.edgecolor": "#555555", "axes.labelcolor": "#222222", "text.color": "#222222",
    "xtick.color": "#444444", "ytick.color": "#444444", "hatch.linewidth": 0.8,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
}

# the workbook (hex without "#", as openpyxl wants them)
#: score bands: ColorBrewer RdBu (colour-blind safe), blue = better, red = worse
BAND_FILL = {"excellent": "0571B0", "good": "92C5DE", "okay": "F7F7F7", "poor": "F4A582",
             "very poor": "CA0020"}
#: white text on the dark bands
BAND_FONT = {"excellent": "FFFFFF", "very poor": "FFFFFF"}
HEADER_FILL = "1F3864"
#: :data:`GREY` as openpyxl writes colours
XL_GREY = GREY.lstrip("#")


def darker(colour: str, factor: float = 0.72) -> str:
    """A darker shade of a light palette colour, for text on white.

    >>> darker("#ffffff", 0.5)
    '#808080'
    """
    return to_hex(np.array(to_rgb(colour)) * factor)


def blend(colour: str, amount: float) -> str:
    """``colour`` mixed with white: amount 1 is the colour itself, 0 is white.

    >>> blend("#000000", 0.5)
    '#808080'
    """
    return to_hex(1 - amount * (1 - np.array(to_rgb(colour))))


def diverging_colour(rel: float) -> str:
    """Vermillion (disagree, ``rel`` < 0) to grey (neutral) to blue (agree), stronger at
    the ends (``rel`` in -1..1).

    >>> diverging_colour(0.0), diverging_colour(1.0) == to_hex(BLUE).lower()
    ('#C8C8C8', True)
    """
    if abs(rel) < 1e-9:
        return "#C8C8C8"
    return blend(VERMILLION if rel < 0 else BLUE, 0.35 + 0.65 * min(1.0, abs(rel)))


# ---------------------------------------------------------------------- brands
#: the brands' colours, in the order they are given out: Okabe-Ito without its yellow
#: (unreadable as a line or a label on white), then Paul Tol's "muted" scheme (both
#: colour-blind safe; beyond 15 brands the colours repeat, the charts name every brand)
BRAND_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7",
                 "#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499",
                 "#88CCEE", "#CC6677", "#DDCC77")
#: the all-brands total, in every chart and table
TOTAL_COLOUR = "#404040"
#: how much of its colour a brand keeps when another brand is the focus (``blend``)
MUTED = 0.4
#: the edge of the focus brand's bar
FOCUS_EDGE = "#1A1A1A"


def brand_order(brands: Iterable[object]) -> list[str]:
    """The study's brands in the order colours are given out and tables list them: by
    name (the all-brands total left out).

    >>> brand_order(["b", "All brands", "a", "b"])
    ['a', 'b']
    """
    return sorted({str(b) for b in brands if str(b) != TOTAL})


def focus_of(result: Any) -> str | None:
    """The ``[report] focus_brand`` when the result has it, else None."""
    focus = getattr(result.study.report, "focus_brand", None)
    brands = set(result.scores["brand"].astype(str)) if hasattr(result, "scores") else set()
    return focus if focus in brands else None


def brand_colours(result: Any, *, muted: bool = True) -> dict[str, str]:
    """Each brand's one colour, "#RRGGBB", the same in every chart and table of the study.

    ``[report] brand_colors`` first; the other brands (:func:`brand_order`) take the
    :data:`BRAND_PALETTE` colours not given to a brand there. With ``[report] focus_brand``
    (and ``muted``) every other brand is muted (:data:`MUTED`): the focus brand stands out.
    The all-brands total is :data:`TOTAL_COLOUR`.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> result = tx.score(tx.load(study))
    >>> brand_colours(result)["Adatum"], brand_colours(result)["All brands"]
    ('#0072B2', '#404040')
    """
    brands = brand_order(result.scores["brand"]) if hasattr(result, "scores") else []
    # a duck-typed result (a test's) may have no brand_colors
    given = {str(b): c.upper() for b, c in
             dict(getattr(result.study.report, "brand_colors", None) or {}).items()}
    free = [c for c in BRAND_PALETTE if c not in given.values()] or list(BRAND_PALETTE)
    colours: dict[str, str] = {}
    k = 0
    for brand in brands:
        if brand in given:
            colours[brand] = given[brand]
        else:
            colours[brand] = free[k % len(free)]
            k += 1
    focus = focus_of(result)
    if focus is not None and muted:
        colours = {b: c if b == focus else blend(c, MUTED).upper() for b, c in colours.items()}
    colours[TOTAL] = TOTAL_COLOUR
    return colours


def chart_colours(result: Any, focus: str | None = None) -> tuple[dict[str, str], str | None]:
    """The brands' colours in a chart and the brand it highlights: ``focus`` (a chart's
    argument) or else the ``[report] focus_brand``. The colours are :func:`brand_colours`;
    when ``focus`` is another brand than the report's, the others are muted around it.

    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> result = SimpleNamespace(scores=pd.DataFrame({"brand": ["A", "B"]}),
    ...                          study=SimpleNamespace(report=SimpleNamespace()))
    >>> chart_colours(result)
    ({'A': '#0072B2', 'B': '#D55E00', 'All brands': '#404040'}, None)
    >>> chart_colours(result, "B")[0]["A"]
    '#99C7E0'
    """
    report_focus = focus_of(result)
    if focus is None or focus == report_focus:
        return brand_colours(result), report_focus
    colours = brand_colours(result, muted=False)
    if focus not in colours or focus == TOTAL:
        return colours, None
    return ({b: c if b in (focus, TOTAL) else blend(c, MUTED).upper()
             for b, c in colours.items()}, focus)


def brand_markers(result: Any) -> dict[str, tuple[str, str]]:
    """Each brand's line marker and style in trend charts, by :func:`brand_order` (not by
    a chart's ranking): markers cycle through :data:`MARKERS`; brands past the palette's
    colours (which then repeat) draw dashed lines.

    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> result = SimpleNamespace(scores=pd.DataFrame({"brand": ["B", "A"]}))
    >>> brand_markers(result)
    {'A': ('o', '-'), 'B': ('s', '-')}
    """
    brands = brand_order(result.scores["brand"]) if hasattr(result, "scores") else []
    return {b: (MARKERS[i % len(MARKERS)], "-" if (i // len(BRAND_PALETTE)) % 2 == 0 else "--")
            for i, b in enumerate(brands)}


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance."""
    c = np.array(to_rgb(colour))
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(c @ np.array([0.2126, 0.7152, 0.0722]))


def contrast(colour: str, background: str = "#FFFFFF") -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21).

    >>> round(contrast("#767676"), 2), round(contrast("#000000"), 0)
    (4.54, 21.0)
    """
    a, b = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def readable(colour: str, ratio: float = 4.5) -> str:
    """``colour`` itself, or its first darker shade (steps of 5%) with a contrast of
    ``ratio`` on white: a brand's colour for its text.

    >>> readable("#0072B2"), readable("#E69F00")
    ('#0072B2', '#966700')
    """
    shade, factor = colour.upper(), 1.0
    while contrast(shade) < ratio and factor > 0:
        factor = round(factor - 0.05, 2)
        shade = darker(colour, factor).upper()
    return shade
