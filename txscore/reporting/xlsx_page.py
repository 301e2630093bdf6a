"""A workbook sheet's widths and printed page: the width text needs, paper, orientation,
print scale, fonts, charts with alt text.

Widths: :func:`display_len` and :func:`scalar_len` give the characters a column's values
take once Excel has formatted them, :func:`header_need` what a bold header wrapped on
three lines needs.

Every sheet prints fitted to the page width. Fitting shrinks the whole sheet by its *print
scale*: the printable width of the paper over the width the sheet uses (its columns and its
pictures), at most 1. A 10 pt cell prints at ``10 * scale`` pt, so a sheet is legible
printed (>= 8 pt) when its scale is at least :data:`MIN_SCALE`. :func:`print_scale` computes
it from column widths, :func:`sheet_print_scale` from a worksheet (one being written or one
read back); :func:`orientation` picks portrait when the sheet fits a portrait page at full
size, landscape otherwise.

Widths: a column ``w`` characters wide is ``w * 7 + 5`` pixels (Excel's rule for the
default font, 10 pt Arial here, whose digits are 7 px wide at 96 dpi), 0.75 pt a pixel.

Fonts: one sans-serif font, :data:`FONT` (Arial, metric-compatible Liberation Sans where
Arial is not installed), on every cell, in the workbook's default (Normal) style, its theme
and the page header and footer (:func:`use_font`). Pictures carry a description (alt text)
read by screen readers: :func:`picture`.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["BODY_PT", "CHART_FAMILIES", "CHART_PAGE", "CHART_PX", "FONT", "MARGIN_IN",
           "MIN_PRINT_PT", "MIN_SCALE", "PAPERS", "ROW_PT", "chart_args", "chart_description",
           "column_px",
           "display_len", "format_parts", "header_need", "image_size", "number_len",
           "orientation", "page_setup", "paper_code", "picture", "place_charts",
           "print_scale", "printable_pt", "scalar_len", "sheet_print_scale", "use_font",
           "used_px"]

#: the workbook's one font
FONT = "Arial"
#: the body text size (pt) and the smallest size a printed page may show
BODY_PT, MIN_PRINT_PT = 10.0, 8.0
#: the smallest print scale at which body text stays legible
MIN_SCALE = MIN_PRINT_PT / BODY_PT
#: paper sizes in points, portrait (width, height); Excel's paperSize codes
PAPERS = {"letter": (612.0, 792.0, 1), "a4": (595.28, 841.89, 9)}
#: page margins in inches: left and right (Excel's "narrow" margins), top and bottom,
#: header and footer
MARGIN_IN = {"side": 0.25, "end": 0.6, "band": 0.3}
#: pixels of a character of column width, and a column's padding
CHAR_PX, PAD_PX = 7.0, 5.0
#: width Excel gives a column that has none set (characters)
DEFAULT_WIDTH = 8.43
#: a line of wrapped text and a row under the charts (points, pixels)
ROW_PT = 15.0
ROW_PX = ROW_PT * 4 / 3
#: a chart's width at its drawn size (8 in at 96 dpi): its text prints at its own size
CHART_PX = 768.0
#: the share of a page's height a chart may fill (room for the rounding of the print
#: scale by a spreadsheet program)
CHART_PAGE = 0.97


# ---------------------------------------------------------------------- widths
@functools.lru_cache(maxsize=64)
def format_parts(fmt: str) -> tuple[int, bool, bool, bool, int]:
    """decimals, percent, thousands, explicit plus, literal length of a number format."""
    section = fmt.split(";")[0]
    literal = sum(len(t) + t.count("▲") + t.count("▼") for t in re.findall(r'"([^"]*)"',
                                                                          section))
    core = re.sub(r'"[^"]*"|\[[^\]]*\]', "", section)
    decimals = len(re.sub(r"[^0#]", "", core.split(".")[1])) if "." in core else 0
    return decimals, "%" in core, "," in core, "+" in core, literal


def number_len(v: np.ndarray, fmt: str) -> int:
    """Characters of the widest of some finite numbers shown with a number format."""
    v = v[np.isfinite(v)]
    if not len(v):
        return 0
    decimals, pct, thousands, plus, literal = format_parts(fmt)
    a = np.round(np.abs(v) * (100 if pct else 1), decimals)
    digits = np.floor(np.log10(np.maximum(a, 1))) + 1
    n = digits + (decimals + 1 if decimals else 0) + pct + ((v < 0) | plus)
    n = n + (np.floor((digits - 1) / 3) if thousands else 0)
    return int(n.max()) + literal


def scalar_len(value: object, fmt: str | None) -> int:
    """Characters of one cell's value once Excel has formatted it."""
    if isinstance(value, str):
        return max(len(part) for part in value.split("\n"))
    if fmt is None or isinstance(value, bool) or not isinstance(value, int | float):
        return len(str(value))
    return number_len(np.array([float(value)]), fmt)


def display_len(values: pd.Series, fmt: str | None) -> int:
    """Characters of the widest value of a column once Excel has formatted it."""
    if fmt and pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return number_len(np.asarray(values, float), fmt)  # the common case: a numeric column
    s = pd.Series(values, dtype=object).dropna()
    if s.empty:
        return 0
    numeric = pd.to_numeric(s, errors="coerce") if fmt else pd.Series(np.nan, index=s.index)
    is_num = numeric.notna() & ~s.map(type).isin([str, bool])
    text = s[~is_num].astype(str)
    longest = int(text.str.split("\n").map(lambda parts: max(map(len, parts))).max()) if len(
        text) else 0
    if is_num.any():
        longest = max(longest, number_len(numeric[is_num].to_numpy(float), fmt))
    return longest


def header_need(text: str) -> float:
    """Width a bold header needs when it may wrap onto three lines."""
    words = max((len(w) for w in text.split()), default=0)
    return 1.15 * max(words, math.ceil(len(text) / 3))




def paper_code(paper: str) -> int:
    """Excel's ``paperSize`` code of ``"a4"`` or ``"letter"``.

    >>> paper_code("a4"), paper_code("letter")
    (9, 1)
    """
    return PAPERS[paper][2]


def column_px(width: float | None) -> float:
    """Pixels of a column ``width`` characters wide (None: Excel's default width).

    >>> column_px(10)
    75.0
    """
    return (DEFAULT_WIDTH if width is None else float(width)) * CHAR_PX + PAD_PX


def used_px(widths: Iterable[float | None], right_px: float = 0.0) -> float:
    """Pixels a sheet uses across: its columns, or a picture reaching ``right_px``."""
    return max(sum(column_px(w) for w in widths), float(right_px))


def printable_pt(paper: str, landscape: bool, *,
                 side: float | None = None) -> tuple[float, float]:
    """Width and height (points) inside the margins of a page (``side``: the left plus the
    right margin in inches, :data:`MARGIN_IN`'s by default).

    >>> printable_pt("letter", True)
    (756.0, 525.6)
    """
    short, long, _ = PAPERS[paper]
    width, height = (long, short) if landscape else (short, long)
    side = 2 * MARGIN_IN["side"] if side is None else side
    return (round(width - 72 * side, 2), round(height - 2 * 72 * MARGIN_IN["end"], 2))


def print_scale(widths: Iterable[float | None], paper: str, landscape: bool, *,
                right_px: float = 0.0, side: float | None = None) -> float:
    """The scale a sheet prints at when fitted to the page width: the printable width over
    the width used (columns ``widths`` in characters, a picture reaching ``right_px``),
    at most 1, in whole percent as spreadsheet programs round it.

    >>> print_scale([10] * 10, "letter", True), print_scale([20] * 10, "letter", True)
    (1.0, 0.69)
    """
    used = used_px(widths, right_px) * 0.75
    room = printable_pt(paper, landscape, side=side)[0]
    return 1.0 if used <= room else math.floor(100 * room / used) / 100


def orientation(widths: list[float | None], paper: str, *, right_px: float = 0.0) -> bool:
    """True (landscape) unless the sheet fits a portrait page at full size.

    >>> orientation([10] * 5, "a4"), orientation([10] * 12, "a4")
    (False, True)
    """
    return print_scale(widths, paper, False, right_px=right_px) < 1.0


def _pictures_right(ws: Any, widths: list[float | None]) -> float:
    """The rightmost pixel a picture of ``ws`` reaches (0 without pictures)."""
    lefts = [0.0]
    for w in widths:
        lefts.append(lefts[-1] + column_px(w))
    right = 0.0
    for img in ws._images:
        anchor = img.anchor
        if isinstance(anchor, str):
            col = _column_index(re.sub(r"\d", "", anchor)) - 1
            width = float(img.width)
        else:
            col = anchor._from.col
            width = anchor.ext.width / 9525  # EMU per pixel
        left = lefts[col] if col < len(lefts) else lefts[-1] + column_px(None) * (
            col - len(widths))
        right = max(right, left + width)
    return right


def _column_index(letters: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letters)


def sheet_print_scale(ws: Any, paper: str | None = None) -> float:
    """The print scale of a worksheet as it is set up (its paper unless ``paper`` is given,
    its orientation and side margins): from its column widths and pictures, over its used
    columns."""
    from openpyxl.utils import get_column_letter

    ncols = max(ws.max_column, max((_column_index(k) for k in ws.column_dimensions), default=1))
    widths = []
    for j in range(1, ncols + 1):
        dim = ws.column_dimensions.get(get_column_letter(j))
        widths.append(dim.width if dim is not None and dim.width else None)
    while len(widths) > 1 and widths[-1] is None and not _column_used(ws, len(widths)):
        widths.pop()
    code = int(ws.page_setup.paperSize or 1)
    name = paper or next((k for k, v in PAPERS.items() if v[2] == code), "letter")
    margins = ws.page_margins
    return print_scale(widths, name, ws.page_setup.orientation == "landscape",
                       right_px=_pictures_right(ws, widths),
                       side=float(margins.left or 0) + float(margins.right or 0))


def _column_used(ws: Any, col: int) -> bool:
    return any(c.value is not None for c in next(ws.iter_cols(min_col=col, max_col=col)))


def use_font(wb: Any) -> None:
    """:data:`FONT` at :data:`BODY_PT` as the workbook's default: the first font of its
    styles (every cell without a font of its own), the Normal style and the theme's fonts."""
    from openpyxl.styles import Font
    from openpyxl.writer.theme import theme_xml

    default = Font(name=FONT, size=BODY_PT, family=2)
    wb._fonts.clear()
    wb._fonts.add(default)
    for style in wb._named_styles:
        if style.name == "Normal":
            style.font = default
    wb.loaded_theme = re.sub(r'typeface="(Calibri|Cambria)[^"]*"', f'typeface="{FONT}"',
                             theme_xml).encode("utf-8")


def picture(ws: Any, source: Path | bytes, row: int, col: int, width: float,
            description: str, *, height: float | None = None) -> Any:
    """Put an image on ``ws`` with its top left corner at (``row``, ``col``), ``width``
    pixels wide (``height`` from the image's proportions unless given) and its
    description (alt text, ``descr`` of the drawing). Returns the image."""
    from openpyxl.drawing.image import Image
    from openpyxl.drawing.spreadsheet_drawing import OneCellAnchor, SpreadsheetDrawing
    from openpyxl.drawing.xdr import XDRPositiveSize2D
    from openpyxl.utils.units import pixels_to_EMU

    img = Image(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    if height is None:
        height = img.height * width / img.width
    img.width, img.height = int(round(width)), int(round(height))
    anchor = OneCellAnchor()
    anchor._from.row, anchor._from.col = row - 1, col - 1
    anchor.ext = XDRPositiveSize2D(pixels_to_EMU(img.width), pixels_to_EMU(img.height))
    idx = len(ws._images) + 1  # the drawing numbers its pictures in this order
    frame = SpreadsheetDrawing()._picture_frame(idx)
    frame.nvPicPr.cNvPr.descr = description
    frame.nvPicPr.cNvPr.title = description[:255]
    anchor.pic = frame
    img.anchor = anchor
    ws.add_image(img)
    return img


def image_size(source: Path | bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG file or of PNG bytes."""
    from PIL import Image

    with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as img:
        return img.size


#: the chart key families (:func:`txscore.reporting.chartrun.chart_jobs`), longest first
CHART_FAMILIES = ("importance_performance", "item_distribution", "tx_by_brand",
                  "growth_grid", "reliability", "cx_vs_bx", "trend")


def _slug(text: object) -> str:
    """A name as chart keys write it (:func:`txscore.reporting.publish.key_slug`)."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"


def chart_args(result: Any, key: str) -> dict[str, str]:
    """What a chart key names (:func:`txscore.reporting.chartrun.chart_jobs`): its family
    and the wave, population, measure or analysis in it, read back from the key against
    the result's waves, populations and analyses; a part not found is kept as written."""
    family = next((f for f in CHART_FAMILIES if key.startswith(f)), "")
    rest = key[len(family):].strip("_")
    args = {"family": family, "rest": rest.replace("_", " ")}
    if family == "trend":
        return {**args, "measure": rest, "wave": ""}
    if family == "importance_performance":
        drivers = getattr(result, "drivers", None)
        known = sorted({str(a) for a in drivers["analysis"]}, key=len, reverse=True) if (
            drivers is not None and len(drivers)) else []
        analysis = next((a for a in known if rest == a or rest.startswith(a + "_")), "")
        args["analysis"], rest = analysis, rest[len(analysis):].strip("_")
    for pop in ("non_customer", "customer", "all"):  # "non_customer" holds "customer"
        for written in (pop, _slug(pop)):
            if rest.startswith(written + "_"):
                args["population"], rest = pop, rest[len(written) + 1:]
                break
        if "population" in args:
            break
    waves = {_slug(w): str(w) for w in result.study.waves}
    args["wave"] = waves.get(rest, rest.replace("_", " "))
    return args


def chart_description(result: Any, words: Any, key: str) -> str:
    """A chart's description in words (its alt text): what it shows, for which wave,
    population, measure or analysis (:func:`chart_args`)."""
    alt = words.table["chart_alt"]
    args = chart_args(result, key)
    if not args["family"]:
        return alt["chart"].format(key=key)
    population = args.get("population", "")
    if not population and args["family"] == "importance_performance":
        drivers = result.drivers
        pops = drivers.loc[drivers["analysis"] == args.get("analysis"), "population"]
        population = str(pops.iloc[0]) if len(pops) else ""
    measure = args.get("measure", args["rest"])
    analysis = args.get("analysis") or args["rest"]
    return alt[args["family"]].format(
        wave=args["wave"], population=words.populations.get(population, population).lower(),
        measure=words.measures.get(measure, measure),
        analysis=words.analyses.get(analysis, analysis)).strip()


def page_setup(ws: Any, paper: str, landscape: bool, *, footer: str, page: str) -> None:
    """The paper, the orientation, fitted to the page width; the sheet's name in the
    header (``&A``), ``footer`` (the study) and ``page`` (the page number) in the footer,
    in the one font at the body's size (they shrink with the sheet: still >= 8 pt)."""
    ws.page_setup.paperSize = paper_code(paper)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = MARGIN_IN["side"]
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_IN["end"]
    ws.page_margins.header = ws.page_margins.footer = MARGIN_IN["band"]
    ws.print_options.horizontalCentered = True
    ws.oddHeader.left.text = "&A"  # the sheet's name
    ws.oddFooter.left.text = footer.replace("&", "&&")
    ws.oddFooter.right.text = page
    for part in (ws.oddHeader.left, ws.oddFooter.left, ws.oddFooter.right):
        part.font, part.size = f"{FONT},Regular", int(BODY_PT)


def place_charts(ws: Any, charts: list[tuple[Path | bytes, str]], row: int,
                 widths: list[float], paper: str, landscape: bool, *,
                 last: int = 1_048_576) -> int:
    """Charts (PNG, description) one below the other from ``row`` (below the "Charts"
    heading), on whole printed pages, none below the row ``last``; returns the row below
    the last chart.

    A chart is as wide as it was drawn (:data:`CHART_PX`: its text prints at its own
    size), or wider when the tables make the page shrink, up to the tables' width; never
    taller than a page (:data:`CHART_PAGE`). A chart that would not fit below the one
    before on the same page starts a new page, and the heading opens one.
    """
    from openpyxl.worksheet.pagebreak import Break

    scale = print_scale(widths, paper, landscape)
    width = CHART_PX if scale >= 1 else min(used_px(widths), CHART_PX / scale)
    scale = print_scale(widths, paper, landscape, right_px=width)
    page = CHART_PAGE * printable_pt(paper, landscape)[1] / 0.75 / scale  # sheet pixels
    ws.row_breaks.append(Break(id=row - 2))  # the heading opens a page
    ws.row_dimensions[row - 1].height = ROW_PT
    filled = ROW_PX
    for source, description in charts:
        w, h = image_size(source)
        size = (width, width * h / w)
        if size[1] > page - ROW_PX:  # a tall chart: as high as a page holds (with the
            size = ((page - ROW_PX) * w / h, page - ROW_PX)  # heading above the first)
        rows = math.ceil((size[1] + 6) / ROW_PX)  # and a little room below
        if row + rows - 1 > last:
            break
        if filled + size[1] > page:
            ws.row_breaks.append(Break(id=row - 1))
            filled = 0.0
        picture(ws, source, row, 1, size[0], description, height=size[1])
        for r in range(row, row + rows):  # rows of a known height under the chart
            ws.row_dimensions[r].height = ROW_PT
        row += rows
        filled += rows * ROW_PX
    return row
