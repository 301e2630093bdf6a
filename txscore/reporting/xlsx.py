"""The workbook machinery (openpyxl): cells, styles, column widths, tables, pictures, pages.

A :class:`Sheet` is written top to bottom (headings, merged sentences, tables, charts) and
remembers what its cells need: :meth:`Sheet.finish` then sets the column widths from the
formatted text of each column (capped, long text wrapped, so no column shows "#####"), the
row heights of wrapped text, the print setup and the frozen panes. A :class:`Book` holds
what every sheet shares: the result, the words, the styles (each combination of number
format, font, fill and alignment built once) and the charts to place.

Print (:mod:`txscore.reporting.xlsx_page`): one font, Arial, on every cell (the workbook's
default, its theme, every style of :func:`styles`, 10 pt or more) and in the page header
(the sheet's name, ``&A``) and footer (study, page number); the ``[report]`` paper; each
sheet fitted to the page width, in portrait when its tables fit a portrait page at full
size, else in landscape; the tables are laid out so that every sheet prints at a scale of
0.8 or more (:func:`print_scale`, :func:`sheet_print_scale`): 10 pt text prints at 8 pt
or more. Charts go one below the other, as wide as drawn (their text prints at its own
size), never cut by a page, each with its description (alt text). A table that lists
brands may start with each brand's colour (:meth:`Sheet.swatch`, the charts' colours);
the ``[report] focus_brand`` rows are bold (``bold`` of :meth:`Sheet.table`,
:meth:`Book.bold`).

Safety and reproducibility: text is always written as text (a cell starting with
``= + - @`` never becomes a formula); numbers stay numbers (arrows and "<0.001" live in
number formats); :func:`normalise_zip` fixes the timestamps and the order of the zip
entries, so that the same inputs give the same bytes.

Excel's limit: a sheet holds at most :data:`MAX_SHEET_ROWS` rows (``Book.max_rows``, lowered
by tests through :func:`txscore.reporting.report`'s ``max_sheet_rows``). A :class:`Sheet`
never writes below it: a table is cut at the last row, and whatever comes after (a heading,
a sentence, a cell, charts) is left out; :meth:`Sheet.finish` then says so at the top of
the sheet (row 3). The Exclusions ledger does better (:mod:`txscore.reporting.sheets_detail`):
its full text goes to a csv beside the workbook (``Book.beside``).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from txscore.reporting.palette import (
    BAND_FILL,
    BAND_FONT,
    HEADER_FILL,
    XL_GREY,
    brand_colours,
    focus_of,
)
from txscore.reporting.text import Words
from txscore.reporting.xlsx_page import (
    BODY_PT,
    FONT,
    ROW_PT,
    chart_description,
    display_len,
    header_need,
    orientation,
    page_setup,
    picture,
    place_charts,
    print_scale,
    scalar_len,
    sheet_print_scale,
    use_font,
)
from txscore.study.vocabulary import TOTAL

__all__ = ["CHART_PREFIXES", "FORMULA_START", "GREY_FLAGS", "MAX_SHEET_ROWS", "Book", "Col",
           "Sheet", "brand_words", "in_order", "normalise_zip", "picture", "print_scale", "put",
           "safe_text", "say", "sheet_print_scale", "stored_xlsx", "styles", "translate"]

FORMULA_START = ("=", "+", "-", "@")
#: the rows an Excel sheet holds (Excel 2007 and later): nothing is written below
MAX_SHEET_ROWS = 1_048_576
#: rows a chart may need (one as high as a portrait page at a print scale of 0.8)
CHART_ROWS = 64
#: Chart key prefixes embedded on each sheet (keys from chartrun.save_charts).
CHART_PREFIXES = {"summary": ("tx_by_brand", "growth_grid", "cx_vs_bx"), "trend": ("trend",),
                  "items": ("item_distribution",), "reliability": ("reliability",),
                  "drivers": ("importance_performance",)}
#: flags shown in grey italics, without band colour (read with care)
GREY_FLAGS = ("caution", "low_base")
WIDTH_CAP, WRAP_CAP = 40, 60
#: the width of a brand's colour swatch column (characters)
SWATCH_WIDTH = 2.6


def safe_text(value: object) -> object:
    """A value as it goes into a cell: NaN and NA become empty, numpy scalars Python ones.

    >>> safe_text(float("nan")) is None, safe_text(np.int64(3)), safe_text("=1+1")
    (True, 3, '=1+1')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, str):
        return str(value)
    return value


def put(ws, row: int, col: int, value: object, fmt: str | None = None):
    """Write one cell; strings are always stored as strings (never formulas).

    >>> from openpyxl import Workbook
    >>> put(Workbook().active, 1, 1, "=1+1").data_type
    's'
    """
    value = safe_text(value)
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text starting with = + - @ must not become a formula
    elif fmt and value is not None:
        cell.number_format = fmt
    return cell


def styles() -> dict[str, Any]:
    """The workbook's fonts, fills, alignments and borders, by name."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="BFBFBF")

    def font(size: float = BODY_PT, **kwargs: Any) -> Font:  # the one font, 10 pt or more
        return Font(name=FONT, size=size, family=2, **kwargs)

    return {
        "title": font(14, bold=True, color=HEADER_FILL),
        "subtitle": font(italic=True, color="595959"),
        "h2": font(12, bold=True, color=HEADER_FILL),
        "header_font": font(bold=True, color="FFFFFF"),
        "header_fill": PatternFill("solid", fgColor=HEADER_FILL),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        # a table's wrapped words: indented, so they never touch a number on their left
        "wrap_cell": Alignment(wrap_text=True, vertical="top", indent=1),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "indent": Alignment(horizontal="left", indent=1),
        "right": Alignment(horizontal="right"),
        # beside a wrapped cell: at the top too, so that a row reads as one line
        "top": Alignment(vertical="top"),
        "right_top": Alignment(horizontal="right", vertical="top"),
        "border": Border(bottom=thin),
        "grey": font(color=XL_GREY, italic=True),
        "bold": font(bold=True),
        "plain": font(),
        "fills": {b: PatternFill("solid", fgColor=c) for b, c in BAND_FILL.items()},
        "band_fonts": {b: font(color=BAND_FONT.get(b, "000000")) for b in BAND_FILL},
    }


#: the height of one wrapped line of 10 pt text in a merged sentence (Excel's row height
#: for 10 pt Arial)
LINE_PT = 12.75


@dataclass(frozen=True)
class Col:
    """One column of a table: frame column, header, number format, wrap long text (at most
    ``cap`` characters wide, :data:`WRAP_CAP` by default)."""

    key: str
    header: str
    fmt: str | None = None
    wrap: bool = False
    cap: float | None = None


@dataclass
class Book:
    """What the sheets of one workbook share: the result, its words, the styles, the
    suppressed-cell text (``supp``) and the charts to embed."""

    result: Any
    words: Words
    st: dict[str, Any]
    #: chart key -> its PNG file, or the PNG itself (bytes: built in memory)
    charts: dict[str, Path | bytes]
    supp: str
    styles: dict[tuple, Any] = field(default_factory=dict)
    #: the chart files are still being drawn: trust ``charts`` (they exist when placed)
    charts_pending: bool = False
    #: the sheets' chart placements (sheet name, placement), run once the charts exist
    #: (``workbook_bytes``)
    placements: list[tuple[str, Callable[[], None]]] = field(default_factory=list)
    #: the respondent ids are shown in the Exclusions ledger (the researcher's copy)
    show_ids: bool = False
    #: the last row a sheet may use (Excel's limit, lower in tests)
    max_rows: int = MAX_SHEET_ROWS
    #: files the workbook refers to, written beside it: file name -> content (the full
    #: ledger when it is longer than a sheet holds)
    beside: dict[str, bytes] = field(default_factory=dict)

    #: what the sheets look up once: the focus brand, brand colour fills, bold fonts
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def study(self) -> Any:
        return self.result.study

    @property
    def paper(self) -> str:
        """The paper the workbook prints on (``[report] paper``, else by language)."""
        return str(getattr(self.study.report, "paper_size", None) or "letter")

    @property
    def focus(self) -> str | None:
        """The ``[report] focus_brand`` (its rows are bold), or None."""
        if "focus" not in self.cache:
            self.cache["focus"] = focus_of(self.result)
        return self.cache["focus"]

    def swatch_fill(self, brand: object) -> Any:
        """The fill of a brand's colour swatch (:func:`~txscore.reporting.palette.
        brand_colours`), or None for a brand without a colour."""
        from openpyxl.styles import PatternFill

        fills = self.cache.get("swatches")
        if fills is None:
            fills = self.cache["swatches"] = {
                b: PatternFill("solid", fgColor=c.lstrip("#").upper())
                for b, c in brand_colours(self.result).items()}
        return fills.get(str(brand))

    def bold(self, font: Any = None) -> Any:
        """``font`` in bold (the plain font when None): built once per font."""
        font = self.st["plain"] if font is None else font
        bolds = self.cache.setdefault("bold", {})
        if id(font) not in bolds:
            b = copy.copy(font)
            b.b = True
            bolds[id(font)] = (font, b)  # the font kept alive: its id stays its own
        return bolds[id(font)][1]

    def describe(self, key: str) -> str:
        """A chart's description (alt text) from its key."""
        return chart_description(self.result, self.words, key)

    def style(self, cell, fmt: str | None = None, font=None, fill=None, align=None) -> None:
        """Give a cell a number format, font, fill and alignment.

        Each combination is built once through openpyxl's style setters; later cells copy
        its style indices (setting styles one by one hashes them every time: slow).
        """
        key = (fmt, id(font), id(fill), id(align))
        cached = self.styles.get(key)
        if cached is None:
            if fmt:
                cell.number_format = fmt
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            if align is not None:
                cell.alignment = align
            self.styles[key] = copy.copy(cell._style)
        else:
            cell._style = copy.copy(cached)


@dataclass
class Sheet:
    """A worksheet being written top to bottom, with the widths its cells need."""

    ws: Any
    ctx: Book
    row: int = 4
    widths: dict[int, float] = field(default_factory=dict)
    headers: list[tuple[int, list[str]]] = field(default_factory=list)
    paras: list[tuple[int, int, str]] = field(default_factory=list)
    wrapped: dict[int, float] = field(default_factory=dict)
    #: the charts to place: (chart key, its PNG file or bytes)
    pictures: list[tuple[str, Path | bytes]] = field(default_factory=list)
    pictures_row: int = 0
    #: columns of a set width (brand colour swatches)
    fixed: dict[int, float] = field(default_factory=dict)
    #: something did not fit above the sheet's last row (``Book.max_rows``) and was left out
    cut: bool = False

    @classmethod
    def new(cls, wb, ctx: Book, key: str, title: str, subtitle: str) -> Sheet:
        fresh = len(wb.worksheets) == 1 and wb.active.title == "Sheet"
        if fresh:  # the workbook's first sheet: its default font is the one font
            use_font(wb)
        ws = wb.active if fresh else wb.create_sheet()
        ws.title = ctx.words.sheets[key]
        sheet = cls(ws, ctx)
        put(ws, 1, 1, title).font = ctx.st["title"]
        sheet.para(subtitle, row=2, font=ctx.st["subtitle"])
        return sheet

    # -------------------------------------------------------------- cells
    def fits(self, row: int) -> bool:
        """Whether ``row`` is above the sheet's last row; when not, the sheet is marked as
        cut (:meth:`finish` says so) and the caller writes nothing there."""
        if row <= self.ctx.max_rows:
            return True
        self.cut = True
        return False

    def need(self, col: int, chars: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0.0), float(chars))

    def cell(self, row: int, col: int, value: object, fmt: str | None = None, *,
             font=None, fill=None, wrap: bool = False, align=None):
        if not self.fits(row):  # below the last row: a cell that is not in the sheet
            from openpyxl.cell.cell import Cell

            return Cell(self.ws, row=row, column=col)
        c = put(self.ws, row, col, value)
        v = safe_text(value)
        self.ctx.style(c, fmt if v is not None and not isinstance(v, str) else None, font, fill,
                       self.ctx.st["wrap"] if wrap else align)
        if v is not None and not wrap:
            self.need(col, scalar_len(v, fmt) + 2)
        return c

    def heading(self, text: str) -> None:
        if self.fits(self.row):
            put(self.ws, self.row, 1, text).font = self.ctx.st["h2"]
        self.row += 1

    def para(self, text: str, *, row: int | None = None, col: int = 1, font=None) -> None:
        """A sentence merged across the table width (wrapped; height set at the end)."""
        r = self.row if row is None else row
        if not self.fits(r):
            self.row += row is None
            return
        c = put(self.ws, r, col, text)
        c.alignment = self.ctx.st["wrap"]
        if font is not None:
            c.font = font
        self.paras.append((r, col, text))
        if row is None:
            self.row += 1

    def header(self, row: int, headers: list[str], *, first: int = 1) -> None:
        """A table's header row from column ``first``; the columns left of it (a brand's
        colour swatch) get the header's fill."""
        if not self.fits(row):
            return
        st = self.ctx.st
        for j in range(1, first):
            self.ctx.style(self.ws.cell(row=row, column=j), None, None, st["header_fill"])
        for j, text in enumerate(headers, first):
            c = put(self.ws, row, j, text)
            self.ctx.style(c, None, st["header_font"], st["header_fill"], st["center"])
            self.need(j, header_need(text) + 1)
        self.headers.append((row, [""] * (first - 1) + list(headers)))

    def swatch(self, row: int, col: int, brand: object) -> None:
        """A brand's colour (:func:`~txscore.reporting.palette.brand_colours`) as the fill
        of a narrow cell: the brand's key, the same as in every chart."""
        fill = self.ctx.swatch_fill(brand)
        self.fixed[col] = SWATCH_WIDTH
        if fill is not None and self.fits(row):
            self.ctx.style(self.ws.cell(row=row, column=col), None, None, fill)

    # -------------------------------------------------------------- tables
    def table(self, frame: pd.DataFrame, cols: list[Col], *, name: str | None = None,
              grey: np.ndarray | None = None, fills: dict[str, np.ndarray] | None = None,
              bold: np.ndarray | None = None, swatch: pd.Series | None = None) -> int:
        """Write ``frame`` as a table at the current row; return its header row.

        With ``name`` the range becomes a filterable Excel table. ``grey`` marks rows
        shown in grey italics, ``bold`` rows in bold (the focus brand); ``fills`` gives per
        column the band of each row; ``swatch`` (the brand of each row) puts each row's
        brand colour in a narrow first column, left of the table. Rows below the sheet's
        last row (``Book.max_rows``) are left out and the sheet marked as cut.
        """
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.table import Table, TableStyleInfo

        st, ws = self.ctx.st, self.ws
        top = self.row
        first = 1 if swatch is None else 2
        room = max(self.ctx.max_rows - top, 0)  # data rows that fit below the header
        if len(frame) > room or not self.fits(top):
            self.cut = True
            frame = frame.iloc[:room]
            grey = None if grey is None else np.asarray(grey, bool)[:room]
            bold = None if bold is None else np.asarray(bold, bool)[:room]
            swatch = None if swatch is None else swatch.iloc[:room]
            fills = {k: np.asarray(v, dtype=object)[:room] for k, v in (fills or {}).items()}
            if top > self.ctx.max_rows:
                return top
        self.header(top, [c.header for c in cols], first=first)
        values = frame[[c.key for c in cols]].to_numpy(dtype=object)
        grey = np.zeros(len(frame), bool) if grey is None else np.asarray(grey, bool)
        bold = np.zeros(len(frame), bool) if bold is None else np.asarray(bold, bool)
        style = self.ctx.style
        wraps = any(col.wrap for col in cols)
        aligns = [st["wrap_cell"] if col.wrap else (st["right_top"] if wraps else st["right"])
                  if col.fmt else st["top"] if wraps else None for col in cols]
        for i, rec in enumerate(values):
            r = top + 1 + i
            font = st["grey"] if grey[i] else None
            font = self.ctx.bold(font) if bold[i] else font
            for j, (value, col) in enumerate(zip(rec, cols, strict=True), first):
                c = put(ws, r, j, value)
                if col.fmt or font is not None or aligns[j - first] is not None:
                    style(c, col.fmt, font, None, aligns[j - first])
        if swatch is not None:
            for i, brand in enumerate(swatch.astype(str)):
                self.swatch(top + 1 + i, 1, brand)
        for key, bands in (fills or {}).items():
            j = [c.key for c in cols].index(key) + first
            for i in np.flatnonzero(pd.Series(bands).isin(list(BAND_FILL)).to_numpy()):
                font = st["band_fonts"][bands[i]]
                style(ws.cell(row=top + 1 + i, column=j), None,
                      self.ctx.bold(font) if bold[i] else font, st["fills"][bands[i]],
                      aligns[j - first])
        self._table_widths(frame, cols, top, first)
        end = top + len(frame)
        if name and len(frame):
            ref = f"{get_column_letter(first)}{top}:{get_column_letter(len(cols) + first - 1)}{end}"
            table = Table(displayName=re.sub(r"\W", "_", name), ref=ref)
            table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            ws.add_table(table)
        self.row = end + 2
        return top

    def _table_widths(self, frame: pd.DataFrame, cols: list[Col], top: int, first: int) -> None:
        """The widths a table's columns need, and the heights of its wrapped rows."""
        for j, col in enumerate(cols, first):
            chars = display_len(frame[col.key], col.fmt) + 2
            if col.wrap:
                width = min(col.cap or WRAP_CAP, max(chars, 12))
                self.need(j, width)
                lengths = frame[col.key].astype(object).fillna("").astype(str).str.len()
                lines = np.ceil(lengths.to_numpy(float) / max(width - 2, 1))
                for i in np.flatnonzero(lines > 1):
                    self.wrapped[top + 1 + i] = max(self.wrapped.get(top + 1 + i, 1), lines[i])
            else:
                self.need(j, min(chars, WIDTH_CAP) if col.fmt is None else chars)

    def images(self, prefixes: tuple[str, ...]) -> None:
        """Embed the charts whose key starts with one of ``prefixes`` (placed after finish,
        once every chart exists: see ``workbook_bytes``)."""
        charts = [(k, p if isinstance(p, bytes) else Path(p))
                  for k, p in self.ctx.charts.items()
                  if k.startswith(prefixes) and (isinstance(p, bytes) or self.ctx.charts_pending
                                                 or Path(p).is_file())]
        room = (self.ctx.max_rows - self.row - 1) // CHART_ROWS  # the charts that fit
        if len(charts) > room:  # the sheet says it is cut
            self.cut = True
            charts = charts[:max(room, 0)]
        if not charts:
            return
        self.heading(self.ctx.words["charts"])
        self.pictures, self.pictures_row = charts, self.row

    def _place_images(self, widths: list[float], paper: str, landscape: bool) -> None:
        """The charts one below the other, each with its description (alt text), on whole
        printed pages (:func:`~txscore.reporting.xlsx_page.place_charts`)."""
        self.row = place_charts(self.ws, [(source, self.ctx.describe(key))
                                          for key, source in self.pictures],
                                self.pictures_row, widths, paper, landscape,
                                last=self.ctx.max_rows)

    # -------------------------------------------------------------- finishing
    def finish(self, *, freeze: str | None = None, title_row: int | None = None,
               gridlines: bool = True, fixed: dict[int, float] | None = None) -> None:
        """Widths, wrapped heights, merged sentences, print setup and frozen panes."""
        from openpyxl.utils import get_column_letter

        ws, lab, bottom = self.ws, self.ctx.words, self.ctx.max_rows
        if self.cut:  # row 3 is left free by Sheet.new: the sheet says what it left out
            self.para(say(lab, "sheet_cut", limit=lab.count(bottom)), row=3,
                      font=self.ctx.st["bold"])
        ncols = max([*self.widths, *self.fixed], default=1)
        widths = {j: max(6.0, min(self.widths.get(j, 8.0), WRAP_CAP + 2))
                  for j in range(1, ncols + 1)}
        widths.update(self.fixed)
        widths.update(fixed or {})
        for j, w in widths.items():
            ws.column_dimensions[get_column_letter(j)].width = round(w, 1)
        for row, headers in self.headers:
            lines = max(math.ceil(1.15 * len(h) / max(widths.get(j, 8.0) - 2, 1))
                        for j, h in enumerate(headers, 1))
            ws.row_dimensions[row].height = ROW_PT * max(1, min(lines, 4)) + 3
        for row, lines in self.wrapped.items():
            if row <= bottom:  # a row's height makes the row exist
                ws.row_dimensions[row].height = ROW_PT * min(lines, 8)
        self._merge_paras(widths, max(ncols, 8))
        shown = [round(widths[j], 1) for j in sorted(widths)]
        landscape = orientation(shown, self.ctx.paper)
        if self.pictures:  # the images' sizes are read from the files: placed last
            self.ctx.placements.append((ws.title, functools.partial(
                self._place_images, shown, self.ctx.paper, landscape)))
        page_setup(ws, self.ctx.paper, landscape, footer=self.ctx.study.name,
                   page=lab["page"])
        if title_row and title_row <= bottom and not self.pictures:  # a repeated header
            ws.print_title_rows = f"{title_row}:{title_row}"  # above charts reads badly
        if freeze and int(re.sub(r"\D", "", freeze)) <= bottom:
            ws.freeze_panes = freeze
        ws.sheet_view.showGridLines = gridlines

    def _merge_paras(self, widths: dict[int, float], span: int) -> None:
        """Each sentence merged across the tables' width, its row as high as its lines."""
        for row, col, text in self.paras:
            last = max(span, col)
            if last > col:
                self.ws.merge_cells(start_row=row, start_column=col, end_row=row,
                                    end_column=last)
            chars = sum(widths.get(j, 8.0) for j in range(col, last + 1)) * 1.05
            lines = sum(math.ceil(max(len(part), 1) * 1.1 / max(chars - 2, 10))
                        for part in text.split("\n"))
            if lines > 1:  # a wrapped line of 10 pt Arial: 12.75 pt, Excel's own row height
                self.ws.row_dimensions[row].height = LINE_PT * lines + 4


# ---------------------------------------------------------------------- shared helpers
def say(words: Words, key: str, **fields: object) -> str:
    """A fixed text of the workbook (the language's ``text`` table), its fields filled.

    >>> from txscore.reporting.text import words_for
    >>> say(words_for("en"), "ledger_spilled", total="3", limit="2", shown="1", file="x.csv")[:25]
    'The ledger has 3 lines, m'
    """
    return words.table["text"][key].format(**fields)


def translate(values: pd.Series, mapping: dict[str, str] | Any) -> pd.Series:
    """Codes replaced by their words (unknown codes unchanged).

    >>> translate(pd.Series(["customer", "robot"]), {"customer": "Customers"}).tolist()
    ['Customers', 'robot']
    """
    return values.astype(object).replace(dict(mapping))


def brand_words(ctx: Book, values: pd.Series) -> pd.Series:
    """Brands as shown: the all-brands total in the report's language."""
    return translate(values, {TOTAL: ctx.words["all_brands"]})


def in_order(frame: pd.DataFrame, ctx: Book, *, first: list[str] | None = None) -> pd.DataFrame:
    """Rows by wave (study order), [first columns], segments, brand (All brands first)."""
    waves = {w: i for i, w in enumerate(ctx.study.waves)}
    keys = pd.DataFrame({"_w": frame["wave"].map(waves).astype(float)}, index=frame.index)
    cols = ["_w"]
    for k in [*(first or []), *ctx.result.by]:
        numeric = pd.api.types.is_numeric_dtype(frame[k])
        keys[k] = frame[k] if numeric else frame[k].astype(str)
        cols.append(k)
    keys["_t"] = frame["brand"] != TOTAL
    keys["_b"] = frame["brand"].astype(str)
    order = keys.sort_values([*cols, "_t", "_b"], kind="stable").index
    return frame.loc[order]


def normalise_zip(raw: bytes, when: dt.datetime) -> bytes:
    """Fixed timestamps in docProps/core.xml and in every zip entry; stable order."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                              rf"\g<1>{stamp}\g<3>", text)
                data = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            # PNG charts are compressed already: store them, deflate the XML
            zi.compress_type = (zipfile.ZIP_STORED if info.filename.endswith(".png")
                                else zipfile.ZIP_DEFLATED)
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return out.getvalue()



def stored_xlsx(wb: Any) -> bytes:
    """The workbook's zip without compression: :func:`normalise_zip` compresses it, once."""
    from openpyxl.writer.excel import ExcelWriter

    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True)).save()
    return buf.getvalue()
