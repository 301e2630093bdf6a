"""The client workbook (openpyxl), in English or French.

Sheets: Summary (one table per wave: TX, C, N, CX, BX, NPS, growth-grid quadrant and
bases, band colours, arrows for significant changes, legend, reliability warnings,
charts), Scores (every measure with interval, n, n_eff, design effect, flag and band, as a
filterable Excel table), Trend (each index over the waves with the change from the
previous wave and its p-value), Items (share of each answer, top box, net and score100
with intervals, one table per scale), Reliability, Drivers (when the result has a driver
analysis), Exclusions (per-file reconciliation with counts and shares per reason, then
the ledger) and Methodology (every setting, the formulas in words, inputs, versions).
Words come from :mod:`txscore.reporting.labels`; charts from ``save_charts`` are embedded
on the sheets that discuss them.

Safety and reproducibility: text is always written as text (a cell starting with
``= + - @`` never becomes a formula); numbers stay numbers (arrows and "<0.001" live in
number formats); suppressed cells carry the text "n<30" (from ``suppress_below``), never a
number; the file is built in memory, its timestamps fixed (``SOURCE_DATE_EPOCH`` or the run
date at 00:00 UTC) and zip entries normalised so that the same inputs give the same bytes,
then written to a temporary file and renamed so an interrupted run never leaves a partial
workbook. Column widths come from the formatted text of each column (capped, long text
wrapped), so no column shows "#####".
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import math
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from txscore._io import atomic_write
from txscore.reporting.labels import Labels, labels_for
from txscore.study.vocabulary import TOTAL

if TYPE_CHECKING:
    from collections.abc import Callable

    from txscore.result import Result

FORMULA_START = ("=", "+", "-", "@")
# ColorBrewer RdBu (colour-blind safe): blue = better, red = worse.
BAND_FILL = {"excellent": "0571B0", "good": "92C5DE", "okay": "F7F7F7", "poor": "F4A582",
             "very poor": "CA0020"}
BAND_FONT = {"excellent": "FFFFFF", "very poor": "FFFFFF"}
HEADER_FILL = "1F3864"
GREY = "767676"  # 4.5:1 on white
#: Summary / Trend measures and the population each is read from.
SUMMARY_MEASURES = (("tx", "all"), ("customer_score", "customer"),
                    ("non_customer_score", "non_customer"), ("cx", "customer"),
                    ("bx_customers", "customer"), ("bx_non_customers", "non_customer"),
                    ("nps", "customer"))
#: Chart key prefixes embedded on each sheet (keys from reporting.charts.save_charts).
CHART_PREFIXES = {"summary": ("tx_by_brand", "growth_grid", "cx_vs_bx"), "trend": ("trend",),
                  "items": ("item_distribution",), "reliability": ("reliability",),
                  "drivers": ("importance_performance",)}
WIDTH_CAP, WRAP_CAP, ROW_PT = 40, 60, 15.0
IMAGE_PX, IMAGE_MIN_PX, IMAGE_GAP_PX = 720, 520, 16


def run_date() -> dt.datetime:
    """The timestamp written into the workbook: SOURCE_DATE_EPOCH, else today 00:00 UTC.

    >>> import os; os.environ["SOURCE_DATE_EPOCH"] = "0"; run_date().year
    1970
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    today = dt.datetime.now(tz=dt.UTC).date()
    return dt.datetime(today.year, today.month, today.day)


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


def _put(ws, row: int, col: int, value: object, fmt: str | None = None):
    """Write one cell; strings are always stored as strings (never formulas)."""
    value = safe_text(value)
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text starting with = + - @ must not become a formula
    elif fmt and value is not None:
        cell.number_format = fmt
    return cell


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="BFBFBF")
    return {
        "title": Font(bold=True, size=14, color=HEADER_FILL),
        "subtitle": Font(italic=True, size=9, color="595959"),
        "h2": Font(bold=True, size=12, color=HEADER_FILL),
        "header_font": Font(bold=True, color="FFFFFF"),
        "header_fill": PatternFill("solid", fgColor=HEADER_FILL),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "indent": Alignment(horizontal="left", indent=1),
        "right": Alignment(horizontal="right"),
        "border": Border(bottom=thin),
        "grey": Font(color=GREY, italic=True),
        "bold": Font(bold=True),
        "plain": Font(),
        "fills": {b: PatternFill("solid", fgColor=c) for b, c in BAND_FILL.items()},
        "band_fonts": {b: Font(color=BAND_FONT.get(b, "000000")) for b in BAND_FILL},
    }


# ---------------------------------------------------------------------- widths
@functools.lru_cache(maxsize=64)
def _format_parts(fmt: str) -> tuple[int, bool, bool, bool, int]:
    """decimals, percent, thousands, explicit plus, literal length of a number format."""
    section = fmt.split(";")[0]
    literal = sum(len(t) + t.count("▲") + t.count("▼") for t in re.findall(r'"([^"]*)"',
                                                                          section))
    core = re.sub(r'"[^"]*"|\[[^\]]*\]', "", section)
    decimals = len(re.sub(r"[^0#]", "", core.split(".")[1])) if "." in core else 0
    return decimals, "%" in core, "," in core, "+" in core, literal


def _number_len(v: np.ndarray, fmt: str) -> int:
    """Characters of the widest of some finite numbers shown with a number format."""
    v = v[np.isfinite(v)]
    if not len(v):
        return 0
    decimals, pct, thousands, plus, literal = _format_parts(fmt)
    a = np.round(np.abs(v) * (100 if pct else 1), decimals)
    digits = np.floor(np.log10(np.maximum(a, 1))) + 1
    n = digits + (decimals + 1 if decimals else 0) + pct + ((v < 0) | plus)
    n = n + (np.floor((digits - 1) / 3) if thousands else 0)
    return int(n.max()) + literal


def _scalar_len(value: object, fmt: str | None) -> int:
    """Characters of one cell's value once Excel has formatted it."""
    if isinstance(value, str):
        return max(len(part) for part in value.split("\n"))
    if fmt is None or isinstance(value, bool) or not isinstance(value, int | float):
        return len(str(value))
    return _number_len(np.array([float(value)]), fmt)


def _display_len(values: pd.Series, fmt: str | None) -> int:
    """Characters of the widest value of a column once Excel has formatted it."""
    if fmt and pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return _number_len(np.asarray(values, float), fmt)  # the common case: a numeric column
    s = pd.Series(values, dtype=object).dropna()
    if s.empty:
        return 0
    numeric = pd.to_numeric(s, errors="coerce") if fmt else pd.Series(np.nan, index=s.index)
    is_num = numeric.notna() & ~s.map(type).isin([str, bool])
    text = s[~is_num].astype(str)
    longest = int(text.str.split("\n").map(lambda parts: max(map(len, parts))).max()) if len(
        text) else 0
    if is_num.any():
        longest = max(longest, _number_len(numeric[is_num].to_numpy(float), fmt))
    return longest


def _header_need(text: str) -> float:
    """Width a bold header needs when it may wrap onto three lines."""
    words = max((len(w) for w in text.split()), default=0)
    return 1.15 * max(words, math.ceil(len(text) / 3))


@dataclass(frozen=True)
class Col:
    """One column of a table: frame column, header, number format, wrap long text."""

    key: str
    header: str
    fmt: str | None = None
    wrap: bool = False


@dataclass
class _Ctx:
    result: Any
    lab: Labels
    st: dict[str, Any]
    charts: dict[str, Path]
    supp: str
    styles: dict[tuple, Any] = field(default_factory=dict)
    #: the chart files are still being drawn: trust ``charts`` (they exist when placed)
    charts_pending: bool = False
    #: the sheets' chart placements, run once the charts exist (``workbook_bytes``)
    placements: list[Callable[[], None]] = field(default_factory=list)

    @property
    def study(self) -> Any:
        return self.result.study

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
class _Sheet:
    """A worksheet being written top to bottom, with the widths its cells need."""

    ws: Any
    ctx: _Ctx
    row: int = 4
    widths: dict[int, float] = field(default_factory=dict)
    headers: list[tuple[int, list[str]]] = field(default_factory=list)
    paras: list[tuple[int, int, str]] = field(default_factory=list)
    wrapped: dict[int, float] = field(default_factory=dict)
    pictures: list[Path] = field(default_factory=list)
    pictures_row: int = 0

    @classmethod
    def new(cls, wb, ctx: _Ctx, key: str, title: str, subtitle: str) -> _Sheet:
        fresh = len(wb.worksheets) == 1 and wb.active.title == "Sheet"
        ws = wb.active if fresh else wb.create_sheet()
        ws.title = ctx.lab.sheets[key]
        sheet = cls(ws, ctx)
        _put(ws, 1, 1, title).font = ctx.st["title"]
        sheet.para(subtitle, row=2, font=ctx.st["subtitle"])
        return sheet

    # -------------------------------------------------------------- cells
    def need(self, col: int, chars: float) -> None:
        self.widths[col] = max(self.widths.get(col, 0.0), float(chars))

    def cell(self, row: int, col: int, value: object, fmt: str | None = None, *,
             font=None, fill=None, wrap: bool = False, align=None):
        c = _put(self.ws, row, col, value)
        v = safe_text(value)
        self.ctx.style(c, fmt if v is not None and not isinstance(v, str) else None, font, fill,
                       self.ctx.st["wrap"] if wrap else align)
        if v is not None and not wrap:
            self.need(col, _scalar_len(v, fmt) + 2)
        return c

    def heading(self, text: str) -> None:
        _put(self.ws, self.row, 1, text).font = self.ctx.st["h2"]
        self.row += 1

    def para(self, text: str, *, row: int | None = None, col: int = 1, font=None) -> None:
        """A sentence merged across the table width (wrapped; height set at the end)."""
        r = self.row if row is None else row
        c = _put(self.ws, r, col, text)
        c.alignment = self.ctx.st["wrap"]
        if font is not None:
            c.font = font
        self.paras.append((r, col, text))
        if row is None:
            self.row += 1

    def header(self, row: int, headers: list[str]) -> None:
        st = self.ctx.st
        for j, text in enumerate(headers, 1):
            c = _put(self.ws, row, j, text)
            self.ctx.style(c, None, st["header_font"], st["header_fill"], st["center"])
            self.need(j, _header_need(text) + 2)
        self.headers.append((row, headers))

    # -------------------------------------------------------------- tables
    def table(self, frame: pd.DataFrame, cols: list[Col], *, name: str | None = None,
              grey: np.ndarray | None = None, fills: dict[str, np.ndarray] | None = None
              ) -> int:
        """Write ``frame`` as a table at the current row; return its header row.

        With ``name`` the range becomes a filterable Excel table. ``grey`` marks rows
        shown in grey italics; ``fills`` gives per column the band of each row.
        """
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.table import Table, TableStyleInfo

        st, ws = self.ctx.st, self.ws
        top = self.row
        self.header(top, [c.header for c in cols])
        values = frame[[c.key for c in cols]].to_numpy(dtype=object)
        grey = np.zeros(len(frame), bool) if grey is None else np.asarray(grey, bool)
        style = self.ctx.style
        aligns = [st["wrap"] if col.wrap else st["right"] if col.fmt else None for col in cols]
        for i, rec in enumerate(values):
            r = top + 1 + i
            font = st["grey"] if grey[i] else None
            for j, (value, col) in enumerate(zip(rec, cols, strict=True), 1):
                c = _put(ws, r, j, value)
                if col.fmt or font is not None or aligns[j - 1] is not None:
                    style(c, col.fmt, font, None, aligns[j - 1])
        for key, bands in (fills or {}).items():
            j = [c.key for c in cols].index(key) + 1
            for i in np.flatnonzero(pd.Series(bands).isin(list(BAND_FILL)).to_numpy()):
                style(ws.cell(row=top + 1 + i, column=j), None, st["band_fonts"][bands[i]],
                      st["fills"][bands[i]])
        for j, col in enumerate(cols, 1):
            chars = _display_len(frame[col.key], col.fmt) + 2
            if col.wrap:
                width = min(WRAP_CAP, max(chars, 12))
                self.need(j, width)
                lengths = frame[col.key].astype(object).fillna("").astype(str).str.len()
                lines = np.ceil(lengths.to_numpy(float) / max(width - 2, 1))
                for i in np.flatnonzero(lines > 1):
                    self.wrapped[top + 1 + i] = max(self.wrapped.get(top + 1 + i, 1), lines[i])
            else:
                self.need(j, min(chars, WIDTH_CAP) if col.fmt is None else chars)
        end = top + len(frame)
        if name and len(frame):
            ref = f"A{top}:{get_column_letter(len(cols))}{end}"
            table = Table(displayName=re.sub(r"\W", "_", name), ref=ref)
            table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            ws.add_table(table)
        self.row = end + 2
        return top

    def images(self, prefixes: tuple[str, ...]) -> None:
        """Embed the charts whose key starts with one of ``prefixes`` (placed after finish,
        once every chart exists: see ``workbook_bytes``)."""
        paths = [Path(p) for k, p in self.ctx.charts.items()
                 if k.startswith(prefixes) and (self.ctx.charts_pending or Path(p).is_file())]
        if not paths:
            return
        self.heading(self.ctx.lab["charts"])
        self.pictures, self.pictures_row = paths, self.row

    def _place_images(self, widths: list[float]) -> None:
        """Charts two per row, half the table's width (at least IMAGE_MIN_PX each).

        The charts start on a new printed page and every two rows of charts another page
        begins: with the page fitted to the width, two rows of 16:9 charts side by side
        fill about 0.56 of a landscape page's width in height, so no chart is cut in two
        whatever the fonts make of the column widths.
        """
        from openpyxl.drawing.image import Image
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.pagebreak import Break

        px = [w * 7 + 5 for w in widths] + [64.0] * 60  # unset columns: 8.43 characters
        lefts = np.concatenate([[0.0], np.cumsum(px)])
        table = lefts[len(widths)]
        width = max(IMAGE_MIN_PX, min(IMAGE_PX, (table - IMAGE_GAP_PX) / 2))
        second = int(np.searchsorted(lefts, width + IMAGE_GAP_PX)) + 1
        row = self.pictures_row
        self.ws.row_breaks.append(Break(id=row - 2))  # the "Charts" heading opens a page
        for i in range(0, len(self.pictures), 2):
            if i and i % 4 == 0:
                self.ws.row_breaks.append(Break(id=row - 1))
            tallest = 0
            for k, path in enumerate(self.pictures[i:i + 2]):
                img = Image(str(path))
                img.width, img.height = int(width), int(round(img.height * width / img.width))
                self.ws.add_image(img, f"{get_column_letter(second if k else 1)}{row}")
                tallest = max(tallest, img.height)
            row += math.ceil(tallest / (ROW_PT * 4 / 3)) + 1
        self.row = row

    # -------------------------------------------------------------- finishing
    def finish(self, *, freeze: str | None = None, title_row: int | None = None,
               gridlines: bool = True, fixed: dict[int, float] | None = None) -> None:
        """Widths, wrapped heights, merged sentences, print setup and frozen panes."""
        from openpyxl.utils import get_column_letter

        ws, lab = self.ws, self.ctx.lab
        ncols = max(self.widths, default=1)
        widths = {j: max(6.0, min(self.widths.get(j, 8.0), WRAP_CAP + 2))
                  for j in range(1, ncols + 1)}
        widths.update(fixed or {})
        for j, w in widths.items():
            ws.column_dimensions[get_column_letter(j)].width = round(w, 1)
        for row, headers in self.headers:
            lines = max(math.ceil(1.15 * len(h) / max(widths.get(j, 8.0) - 2, 1))
                        for j, h in enumerate(headers, 1))
            ws.row_dimensions[row].height = ROW_PT * max(1, min(lines, 4)) + 3
        for row, lines in self.wrapped.items():
            ws.row_dimensions[row].height = ROW_PT * min(lines, 8)
        span = max(ncols, 8)
        for row, col, text in self.paras:
            last = max(span, col)
            if last > col:
                ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=last)
            chars = sum(widths.get(j, 8.0) for j in range(col, last + 1)) * 1.05
            lines = sum(math.ceil(max(len(part), 1) * 1.1 / max(chars - 2, 10))
                        for part in text.split("\n"))
            if lines > 1:
                ws.row_dimensions[row].height = ROW_PT * lines + 2
        if self.pictures:  # the images' sizes are read from the files: placed last
            self.ctx.placements.append(functools.partial(
                self._place_images, [widths[j] for j in sorted(widths)]))
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.page_margins.header = ws.page_margins.footer = 0.3
        ws.print_options.horizontalCentered = True
        ws.oddFooter.left.text = self.ctx.study.name.replace("&", "&&")
        ws.oddFooter.left.size = ws.oddFooter.right.size = 8
        ws.oddFooter.right.text = lab["page"]
        if title_row and not self.pictures:  # a repeated header above charts reads badly
            ws.print_title_rows = f"{title_row}:{title_row}"
        if freeze:
            ws.freeze_panes = freeze
        ws.sheet_view.showGridLines = gridlines


# ---------------------------------------------------------------------- shared helpers
def _tr(values: pd.Series, mapping: dict[str, str] | Any) -> pd.Series:
    """Codes replaced by their words (unknown codes unchanged)."""
    return values.astype(object).replace(dict(mapping))


def _brand_words(ctx: _Ctx, values: pd.Series) -> pd.Series:
    return _tr(values, {TOTAL: ctx.lab["all_brands"]})


def _order(frame: pd.DataFrame, ctx: _Ctx, *, first: list[str] | None = None) -> pd.DataFrame:
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


def _present(scores: pd.DataFrame) -> list[tuple[str, str]]:
    have = set(zip(scores["measure"], scores["population"], strict=True))
    return [pair for pair in SUMMARY_MEASURES if pair in have]


def _level_text(ctx: _Ctx) -> str:
    rep = ctx.study.report
    key = "level_bh" if rep.multiple_testing == "bh" else "level"
    return ctx.lab[key].format(alpha=ctx.lab.num(round(1 - rep.confidence, 4)))


def _arrows(ctx: _Ctx, comparison: str) -> pd.Series:
    """+1 / -1 per (cell, measure) where the change is significant; index wave, by, brand."""
    ch = ctx.result.changes
    keys = ["wave", *ctx.result.by, "brand", "measure"]
    if ch.empty:
        return pd.Series(dtype=float, index=pd.MultiIndex.from_tuples([], names=keys))
    pairs = pd.DataFrame(_present(ctx.result.scores), columns=["measure", "population"])
    sig = ch[(ch["comparison"] == comparison) & ch["significant"].astype(bool)].merge(pairs)
    return pd.Series(np.sign(sig["difference"].to_numpy(float)),
                     index=pd.MultiIndex.from_frame(sig[keys].astype(object)))


def _value_format(base: str, wave: float, peer: float) -> str:
    suffix = {1.0: "▲", -1.0: "▼"}.get(wave, "") + {1.0: "↑", -1.0: "↓"}.get(peer, "")
    return f'{base}" {suffix}"' if suffix else base


# ---------------------------------------------------------------------- Summary
def _summary(wb, ctx: _Ctx) -> None:
    result, lab, st, study = ctx.result, ctx.lab, ctx.st, ctx.study
    rep = study.report
    conf = lab.num(rep.confidence * 100)
    sh = _Sheet.new(wb, ctx, "summary", lab["summary_title"].format(study=study.name),
                    lab["summary_sub"].format(conf=conf))
    s = result.scores
    by = list(result.by)
    cell_keys = ["wave", *by, "brand"]
    pairs = _present(s)
    sel = s.merge(pd.DataFrame(pairs, columns=["measure", "population"]))
    idx = sel.set_index([*cell_keys, "measure"]).sort_index()
    wave_arrow, peer_arrow = _arrows(ctx, "wave"), _arrows(ctx, "peer")
    bases = {pop: s[s["population"] == pop].drop_duplicates(cell_keys).set_index(cell_keys)
             for pop in ("customer", "non_customer")}
    grid = result.grid.set_index(cell_keys) if not result.grid.empty else None
    headers = [lab["h_brand"], *[lab.measures[m] for m, _ in pairs], lab["h_quadrant"],
               lab["h_n_customers"], lab["h_neff_customers"], lab["h_n_non_customers"],
               lab["h_neff_non_customers"], lab["h_flag"]]
    q_col = len(pairs) + 2
    for key, block in sel.groupby(["wave", *by], sort=False):
        key = key if isinstance(key, tuple) else (key,)
        sh.heading(lab["wave"].format(wave=" · ".join(str(k) for k in key)))
        sh.header(sh.row, headers)
        sh.row += 1
        first = block[block["measure"] == pairs[0][0]]
        brands = first.sort_values("value", ascending=False, na_position="last", kind="stable")
        brands = [b for b in brands["brand"] if b != TOTAL] + (
            [TOTAL] if (first["brand"] == TOTAL).any() else [])
        for brand in brands:
            at = (*key, brand)
            bold = st["bold"] if brand == TOTAL else None
            sh.cell(sh.row, 1, lab["all_brands"] if brand == TOTAL else brand, font=bold)
            flags = []
            for j, (m, _) in enumerate(pairs, 2):
                if (*at, m) not in idx.index:
                    continue
                rec = idx.loc[(*at, m)]
                flag, band = str(rec["flag"]), str(rec["band"])
                flags.append(flag)
                if flag == "suppressed":
                    sh.cell(sh.row, j, ctx.supp, font=st["grey"], align=st["right"])
                    continue
                fmt = _value_format("0.0", wave_arrow.get((*at, m), 0.0),
                                    peer_arrow.get((*at, m), 0.0))
                grey = flag in ("low base", "caution")
                banded = not grey and band in BAND_FILL
                sh.cell(sh.row, j, rec["value"], fmt,
                        font=st["grey"] if grey else st["band_fonts"][band] if banded else None,
                        fill=st["fills"][band] if banded else None)
            if grid is not None and at in grid.index:
                g = grid.loc[at]
                if g["flag"] == "suppressed":
                    sh.cell(sh.row, q_col, ctx.supp, font=st["grey"], align=st["indent"])
                elif g["quadrant"]:
                    sh.cell(sh.row, q_col, lab.quadrants.get(g["quadrant"], g["quadrant"])
                            + ("" if g["in_peer_average"] else " *"), align=st["indent"])
            for j, pop in enumerate(("customer", "non_customer")):
                if at in bases[pop].index:
                    b = bases[pop].loc[at]
                    flags.append(str(b["flag"]))
                    sh.cell(sh.row, q_col + 1 + 2 * j, b["n"], "#,##0")
                    sh.cell(sh.row, q_col + 2 + 2 * j, b["n_eff"], "#,##0")
            worst = max(flags, key=["", "caution", "low base", "suppressed"].index, default="")
            sh.cell(sh.row, q_col + 5, lab.flags.get(worst, worst),
                    font=st["grey"] if worst else None, align=st["indent"])
            sh.row += 1
        sh.row += 1
    _summary_legend(sh, ctx, pairs)
    _reliability_warnings(sh, ctx)
    sh.images(CHART_PREFIXES["summary"])
    sh.finish(freeze="B4", gridlines=False)


def _summary_legend(sh: _Sheet, ctx: _Ctx, pairs: list[tuple[str, str]]) -> None:
    lab, st, rep = ctx.lab, ctx.st, ctx.study.report
    sh.heading(lab["legend_title"])
    bands = list(ctx.study.index.bands)
    for i, (band, lo) in enumerate(bands):
        hi = bands[i - 1][1] if i else None
        text = (lab["band_top"].format(lo=lab.num(lo)) if hi is None else
                lab["band_low"].format(hi=lab.num(hi)) if not np.isfinite(lo) else
                lab["band_mid"].format(lo=lab.num(lo), hi=lab.num(hi)))
        sh.cell(sh.row, 1, lab.bands.get(band, band), fill=st["fills"].get(band),
                font=st["band_fonts"].get(band))
        sh.para(text, row=sh.row, col=2)
        sh.row += 1
    level = _level_text(ctx)
    lines = [lab["legend_suppressed"].format(text=ctx.supp, min=lab.num(rep.suppress_below)),
             lab["legend_grey"].format(low=lab.num(rep.low_base_below),
                                       caution=lab.num(rep.caution_below)),
             lab["legend_wave"].format(level=level),
             lab["legend_peer"].format(peer=lab.num(rep.peer_min_base), level=level),
             lab["legend_grid"].format(peer=lab.num(rep.peer_min_base))]
    if ("nps", "customer") in pairs:
        lines.append(lab["legend_nps"])
    for text in lines:
        sh.para(text)
    sh.row += 1


def _reliability_warnings(sh: _Sheet, ctx: _Ctx) -> None:
    """One sentence per construct x population whose verdict is not plain "ok"."""
    lab = ctx.lab
    rel = ctx.result.reliability
    sh.heading(lab["rel_title"])
    bad = rel[rel["verdict"].astype(str) != "ok"] if not rel.empty else rel
    if bad.empty:
        sh.para(lab["rel_none"])
    for r in bad.itertuples(index=False):
        sh.para(lab["rel_line"].format(
            construct=r.label, population=lab.populations.get(r.population, r.population),
            alpha=lab.num(r.alpha, 2) if pd.notna(r.alpha) else "–",
            low=lab.num(r.ci_low, 2) if pd.notna(r.ci_low) else "–",
            high=lab.num(r.ci_high, 2) if pd.notna(r.ci_high) else "–",
            verdict=lab.verdict(r.verdict)))
    sh.row += 1


# ---------------------------------------------------------------------- Scores
def _scores(wb, ctx: _Ctx) -> None:
    result, lab = ctx.result, ctx.lab
    rep = ctx.study.report
    sh = _Sheet.new(wb, ctx, "scores", lab["scores_title"], lab["scores_sub"].format(
        conf=lab.num(rep.confidence * 100), boot=lab.count(rep.bootstrap)))
    s = _order(result.scores, ctx)
    hidden = (s["flag"] == "suppressed").to_numpy()
    frame = s.assign(
        brand=_brand_words(ctx, s["brand"]), population=_tr(s["population"], lab.populations),
        level=_tr(s["level"], lab.levels),
        label=np.where(s["measure"].isin(list(lab.measures)), _tr(s["measure"], lab.measures),
                       s["label"]),
        value=s["value"].astype(object).where(~hidden, ctx.supp),
        flag_text=_tr(s["flag"], lab.flags), band_text=_tr(s["band"], lab.bands))
    cols = [Col("wave", lab["h_wave"]), *[Col(b, b.replace("_", " ").capitalize())
                                          for b in result.by],
            Col("brand", lab["h_brand"]), Col("population", lab["h_population"]),
            Col("level", lab["h_level"]), Col("label", lab["h_measure"]),
            Col("value", lab["h_score"], "0.0"), Col("ci_low", lab["h_ci_low"], "0.0"),
            Col("ci_high", lab["h_ci_high"], "0.0"), Col("se", lab["h_se"], "0.00"),
            Col("n", lab["h_n"], "#,##0"), Col("n_eff", lab["h_n_eff"], "#,##0"),
            Col("deff", lab["h_deff"], "0.00"), Col("flag_text", lab["h_flag"]),
            Col("band_text", lab["h_band"]), Col("measure", lab["h_code"])]
    grey = s["flag"].isin(["low base", "caution", "suppressed"]).to_numpy()
    top = sh.table(frame, cols, name="Scores", grey=grey,
                   fills={"band_text": s["band"].where(~grey, "").to_numpy(object)})
    sh.finish(freeze=f"A{top + 1}", title_row=top)


# ---------------------------------------------------------------------- Trend
def _trend(wb, ctx: _Ctx) -> None:
    result, lab, st, study = ctx.result, ctx.lab, ctx.st, ctx.study
    sh = _Sheet.new(wb, ctx, "trend", lab["trend_title"],
                    lab["trend_sub"].format(level=_level_text(ctx)))
    s, by = result.scores, list(result.by)
    row_keys = [*by, "brand"]
    waves = [w for w in study.waves if (s["wave"] == w).any()]
    bh = study.report.multiple_testing == "bh"
    p_small = "<0,001" if lab.language == "fr" else "<0.001"
    p_fmt = f'[<0.001]"{p_small}";0.000'
    ch = result.changes
    for m, pop in _present(s):
        d = s[(s["measure"] == m) & (s["population"] == pop)]
        title = lab.measures[m] + (f" ({lab.populations[pop]})" if m == "nps" else "")
        sh.heading(title)
        headers = [*[b.replace("_", " ").capitalize() for b in by], lab["h_brand"], *waves]
        for prev in waves[:-1]:
            headers += [lab["h_change"].format(wave=prev),
                        lab["h_p_bh" if bh else "h_p"].format(wave=prev)]
        sh.header(sh.row, headers)
        sh.row += 1
        values = d.set_index([*row_keys, "wave"]).sort_index()
        changes = (ch[(ch["comparison"] == "wave") & (ch["measure"] == m)
                      & (ch["population"] == pop)].set_index([*row_keys, "wave"]).sort_index()
                   if not ch.empty else None)
        rows = _order(d.drop_duplicates(row_keys).assign(wave=waves[0]), ctx)[row_keys]
        for rec in rows.itertuples(index=False):
            key = tuple(rec)
            for j, k in enumerate(key, 1):
                shown = lab["all_brands"] if (j == len(key) and k == TOTAL) else k
                sh.cell(sh.row, j, shown, font=st["bold"] if k == TOTAL else None)
            col = len(key) + 1
            for wave in waves:
                if (*key, wave) in values.index:
                    v = values.loc[(*key, wave)]
                    if v["flag"] == "suppressed":
                        sh.cell(sh.row, col, ctx.supp, font=st["grey"], align=st["right"])
                    else:
                        sh.cell(sh.row, col, v["value"], "0.0",
                                font=st["grey"] if v["flag"] else None)
                col += 1
            for wave in waves[1:]:
                if changes is not None and (*key, wave) in changes.index:
                    c = changes.loc[(*key, wave)]
                    p = c["p_adjusted"] if bh else c["p_value"]
                    fmt = '+0.0;-0.0;0.0'
                    if c["significant"]:
                        fmt = '+0.0" ▲";-0.0" ▼";0.0'
                    font = st["grey"] if c["flag"] in ("low base", "caution") else None
                    if np.isfinite(c["difference"]):
                        sh.cell(sh.row, col, c["difference"], fmt, font=font)
                        sh.cell(sh.row, col + 1, p, p_fmt, font=font)
                col += 2
            sh.row += 1
        sh.row += 1
    sh.images(CHART_PREFIXES["trend"])
    sh.finish(freeze=f"{chr(65 + len(row_keys))}4", gridlines=False)


# ---------------------------------------------------------------------- Items
def _items(wb, ctx: _Ctx) -> None:
    result, lab, study = ctx.result, ctx.lab, ctx.study
    conf = lab.num(study.report.confidence * 100)
    sh = _Sheet.new(wb, ctx, "items", lab["items_title"], lab["items_sub"].format(conf=conf))
    by = list(result.by)
    keys = ["population", "wave", *by, "brand", "item"]
    items = result.items
    dist = result.distributions
    wide = (dist.set_index([*keys, "code"])["share"].unstack("code") * 100
            if not dist.empty else pd.DataFrame())
    scale_of = {c: it.scale for c, it in study.items.items()}
    order = {c: i for i, c in enumerate(study.items)}
    note_row = sh.row
    sh.row += 2
    tops = []
    for scale_name in dict.fromkeys(scale_of[c] for c in items["item"].unique()):
        scale = study.scales[scale_name]
        block = items[items["item"].map(scale_of) == scale_name]
        block = block.assign(_i=block["item"].map(order)).sort_values(["_i"], kind="stable")
        block = _order(block, ctx, first=["population", "_i"])
        if not wide.empty:
            shares = wide.reindex(pd.MultiIndex.from_frame(block[keys].astype(object)))
            for code in scale.codes:
                block[f"_c{code}"] = (shares[code].to_numpy(float) if code in shares else np.nan)
        hidden = (block["flag"] == "suppressed").to_numpy()
        frame = block.assign(
            brand=_brand_words(ctx, block["brand"]),
            population=_tr(block["population"], lab.populations),
            score100=block["score100"].astype(object).where(~hidden, ctx.supp),
            flag=_tr(block["flag"], lab.flags))
        used: set[str] = set()
        share_cols = []
        for code in scale.codes:
            head = scale.labels.get(code, str(code))
            head = head if head not in used else f"{head} ({code})"
            used.add(head)
            share_cols.append(Col(f"_c{code}", head, "0.0"))
        cols = [Col("wave", lab["h_wave"]), *[Col(b, b.replace("_", " ").capitalize())
                                              for b in by],
                Col("population", lab["h_population"]), Col("item", lab["h_item"]),
                Col("text", lab["h_question"], wrap=True), Col("brand", lab["h_brand"]),
                Col("n", lab["h_n"], "#,##0"), Col("n_eff", lab["h_n_eff"], "#,##0"),
                *share_cols,
                Col("top_box", lab["h_top_box"], "0.0"),
                Col("top_box_ci_low", lab["h_top_box_low"], "0.0"),
                Col("top_box_ci_high", lab["h_top_box_high"], "0.0"),
                Col("net", lab["h_net"], "0.0"), Col("net_ci_low", lab["h_net_low"], "0.0"),
                Col("net_ci_high", lab["h_net_high"], "0.0"),
                Col("score100", lab["h_score100"], "0.0"),
                Col("ci_low", lab["h_score100_low"], "0.0"),
                Col("ci_high", lab["h_score100_high"], "0.0"), Col("flag", lab["h_flag"])]
        sh.heading(lab["items_scale"].format(scale=scale_name, lo=scale.min, hi=scale.max))
        grey = block["flag"].isin(["low base", "caution", "suppressed"]).to_numpy()
        tops.append(sh.table(frame, cols, name=f"Items_{scale_name}", grey=grey))
    charts_at = sh.row
    sh.images(CHART_PREFIXES["items"])
    if sh.row > charts_at:
        sh.para(lab["charts_below"].format(row=charts_at), row=note_row)
    sh.finish(freeze=f"A{tops[0] + 1}" if tops else None,
              title_row=tops[0] if len(tops) == 1 else None)


# ---------------------------------------------------------------------- Reliability
def _reliability(wb, ctx: _Ctx) -> None:
    result, lab = ctx.result, ctx.lab
    sh = _Sheet.new(wb, ctx, "reliability", lab["reliability_title"], lab["reliability_sub"])
    rel = result.reliability
    if not rel.empty:
        two = rel["verdict"].astype(str).str.contains("two-dimensional", regex=False)
        frame = rel.assign(population=_tr(rel["population"], lab.populations),
                           dimensionality=np.where(two, lab["dim_two"], lab["dim_one"]),
                           verdict=rel["verdict"].map(lab.verdict))
        # verdict (constructs) and flags (items) share a column: both are wrapped text
        cols = [Col("label", lab["h_construct"]), Col("population", lab["h_population"]),
                Col("n_items", lab["h_n_items"], "0"),
                Col("n_complete", lab["h_complete"], "#,##0"),
                Col("alpha", lab["h_alpha"], "0.000"), Col("ci_low", lab["h_ci_low"], "0.000"),
                Col("ci_high", lab["h_ci_high"], "0.000"),
                Col("verdict", lab["h_verdict"], wrap=True),
                Col("std_alpha", lab["h_std_alpha"], "0.000"),
                Col("average_r", lab["h_average_r"], "0.000"),
                Col("omega_total", lab["h_omega"], "0.000"),
                Col("first_eigen_share", lab["h_eigen"], "0.00"),
                Col("dimensionality", lab["h_dimensionality"])]
        top = sh.table(frame, [c for c in cols if c.key in frame], name="Reliability")
    else:
        top = None
    items = result.reliability_items
    if not items.empty:
        names = dict(zip(rel["construct"], rel["label"], strict=False))
        frame = items.assign(construct=_tr(items["construct"], names),
                             population=_tr(items["population"], lab.populations),
                             flags=items["flags"].map(lab.verdict))
        sh.heading(lab["reliability_items"])
        sh.table(frame, [Col("construct", lab["h_construct"]),
                         Col("population", lab["h_population"]), Col("item", lab["h_item"]),
                         Col("n", lab["h_n"], "#,##0"), Col("mean", lab["h_mean"], "0.00"),
                         Col("sd", lab["h_sd"], "0.00"),
                         Col("item_rest_r", lab["h_item_rest"], "0.000"),
                         Col("flags", lab["h_flags"], wrap=True),
                         Col("alpha_if_deleted", lab["h_alpha_deleted"], "0.000")],
                 name="ReliabilityItems")
    sh.images(CHART_PREFIXES["reliability"])
    sh.finish(freeze=f"A{top + 1}" if top else None, title_row=top)


# ---------------------------------------------------------------------- Drivers
DRIVER_COLUMNS = ["analysis", "outcome", "population", "wave", "driver", "label", "importance",
                  "ci_low", "ci_high", "raw_weight", "sign", "r2", "n", "n_eff", "performance",
                  "performance_ci_low", "performance_ci_high", "method", "warning"]


def _ip_quadrant(d: pd.DataFrame) -> pd.Series:
    """Importance-performance quadrant against the means of each analysis x population x wave."""
    g = d.groupby(["analysis", "population", "wave"], sort=False, dropna=False)
    hi_imp = d["importance"] >= g["importance"].transform("mean")
    hi_perf = d["performance"] >= g["performance"].transform("mean")
    out = np.select([hi_imp & ~hi_perf, hi_imp & hi_perf, ~hi_imp & ~hi_perf],
                    ["concentrate", "keep", "low"], "overkill")
    ok = d["importance"].notna() & d["performance"].notna()
    return pd.Series(np.where(ok, out, ""), index=d.index)


def _drivers(wb, ctx: _Ctx, drivers: pd.DataFrame) -> None:
    lab = ctx.lab
    conf = lab.num(ctx.study.report.confidence * 100)
    sh = _Sheet.new(wb, ctx, "drivers", lab["drivers_title"], lab["drivers_sub"].format(
        conf=conf))
    d = drivers.reindex(columns=DRIVER_COLUMNS)
    waves = {w: i for i, w in enumerate(ctx.study.waves)}
    d = d.assign(_w=d["wave"].map(waves)).sort_values(
        ["analysis", "population", "_w", "importance"], ascending=[True, True, True, False],
        kind="stable")
    frame = d.assign(analysis=_tr(d["analysis"], lab.analyses),
                     population=_tr(d["population"], lab.populations),
                     method=_tr(d["method"], lab.methods),
                     quadrant=_tr(_ip_quadrant(d), lab.ip_quadrants))
    cols = [Col("analysis", lab["h_analysis"]), Col("outcome", lab["h_outcome"]),
            Col("population", lab["h_population"]), Col("wave", lab["h_wave"]),
            Col("label", lab["h_label"], wrap=True), Col("driver", lab["h_driver"]),
            Col("importance", lab["h_importance"], "0.0"), Col("ci_low", lab["h_ci_low"], "0.0"),
            Col("ci_high", lab["h_ci_high"], "0.0"),
            Col("raw_weight", lab["h_raw_weight"], "0.000"), Col("sign", lab["h_sign"], "+0;-0"),
            Col("r2", lab["h_r2"], "0.000"), Col("n", lab["h_n"], "#,##0"),
            Col("n_eff", lab["h_n_eff"], "#,##0"),
            Col("performance", lab["h_performance"], "0.0"),
            Col("performance_ci_low", lab["h_performance_low"], "0.0"),
            Col("performance_ci_high", lab["h_performance_high"], "0.0"),
            Col("quadrant", lab["h_ip_quadrant"]), Col("method", lab["h_method"]),
            Col("warning", lab["h_warning"], wrap=True)]
    top = sh.table(frame, cols, name="Drivers")
    sh.images(CHART_PREFIXES["drivers"])
    sh.finish(freeze=f"A{top + 1}", title_row=top)


# ---------------------------------------------------------------------- Exclusions
def _exclusions(wb, ctx: _Ctx) -> None:
    from txscore.ingest.quality import REASONS

    result, lab = ctx.result, ctx.lab
    files = result.files
    ok = bool(files["reconciles"].all())
    sh = _Sheet.new(wb, ctx, "exclusions", lab["exclusions_title"], lab["exclusions_sub"].format(
        status=lab["reconciles_all" if ok else "reconciles_not"],
        rows_in=lab.count(files["rows_in"].sum()), scored=lab.count(files["scored"].sum()),
        excluded=lab.count(files["excluded"].sum())))
    reasons = [r for r in REASONS if r in files.columns and files[r].sum() > 0]
    rows_in = files["rows_in"].where(files["rows_in"] > 0)
    f = files.assign(reconciles=files["reconciles"].map({True: lab["yes"], False: lab["no"]}),
                     population=_tr(files["population"], lab.populations),
                     excluded_share=files["excluded"] / rows_in,
                     **{f"_s_{r}": files[r] / rows_in for r in reasons})
    cols = [Col("source_file", lab["h_file"]), Col("source_sheet", lab["h_sheet"]),
            Col("population", lab["h_population"]), Col("wave", lab["h_wave"]),
            Col("rows_in", lab["h_rows_in"], "#,##0"), Col("scored", lab["h_scored"], "#,##0"),
            Col("excluded", lab["h_excluded"], "#,##0"),
            Col("excluded_share", lab["h_excluded_share"], "0.0%")]
    for r in reasons:
        name = lab.reasons.get(r, REASONS[r])
        cols += [Col(r, name, "#,##0"),
                 Col(f"_s_{r}", lab["h_reason_share"].format(reason=name), "0.0%")]
    cols.append(Col("reconciles", lab["h_reconciles"]))
    sh.table(f, [c for c in cols if c.key in f], name="Reconciliation")
    sh.heading(lab["ledger_title"])
    ex = result.exclusions
    if ex.empty:
        sh.para(lab["ledger_none"])
        sh.finish()
        return
    known = ex["reason"].isin(list(lab.reasons)) if lab.language != "en" else ex["reason"] != ex[
        "reason"]
    frame = ex.assign(
        population=_tr(ex["population"], lab.populations),
        reason_shown=np.where(known, _tr(ex["reason"], lab.reasons), ex["reason_text"]),
        detail=ex["detail"].astype(object).fillna("").map(lab.detail))
    # same first columns as the reconciliation above, so that the widths suit both
    top = sh.table(frame, [Col("source_file", lab["h_file"]), Col("source_sheet", lab["h_sheet"]),
                           Col("population", lab["h_population"]), Col("wave", lab["h_wave"]),
                           Col("source_row", lab["h_row"], "0"),
                           Col("respondent_id", lab["h_respondent"]),
                           Col("brand", lab["h_brand"]), Col("reason_shown", lab["h_reason"]),
                           Col("detail", lab["h_detail"], wrap=True)], name="Ledger")
    sh.finish(freeze=f"A{top + 1}", title_row=top)


# ---------------------------------------------------------------------- Methodology
def _methodology(wb, ctx: _Ctx, when: dt.datetime) -> None:
    from txscore.reporting.methodology import methodology_rows

    lab, st = ctx.lab, ctx.st
    sh = _Sheet.new(wb, ctx, "methodology", lab["methodology_title"], lab["methodology_sub"])
    for section, rows in methodology_rows(ctx.result, when, lab):
        sh.heading(section)
        for key, value in rows:
            _put(sh.ws, sh.row, 1, key).font = st["bold"]
            sh.cell(sh.row, 2, value, wrap=True)
            lines = math.ceil(len(str(value)) * 1.05 / 106)
            if lines > 1:
                sh.wrapped[sh.row] = lines
            sh.row += 1
        sh.row += 1
    sh.finish(gridlines=False, fixed={1: 34.0, 2: 110.0})


# ---------------------------------------------------------------------- writing
def _normalise_zip(raw: bytes, when: dt.datetime) -> bytes:
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


def workbook_bytes(result: Result, *, charts: dict[str, Path] | None = None,
                   charts_ready: Callable[[], None] | None = None) -> bytes:
    """The client workbook as bytes: deterministic for the same result, charts and run date.

    Parameters
    ----------
    result : Result
        From :func:`txscore.score`; ``result.study.report.language`` picks English or French.
        A ``drivers`` attribute (DataFrame, see :data:`DRIVER_COLUMNS`) adds the Drivers sheet.
    charts : dict, optional
        Chart key -> PNG path (from :func:`txscore.reporting.charts.save_charts`); each is
        embedded on the sheet of its key prefix (:data:`CHART_PREFIXES`), missing ones are
        skipped.
    charts_ready : callable, optional
        The charts are still being drawn (:func:`txscore.reporting.charts.chart_run`): every
        sheet is built first, then ``charts_ready()`` is called, after which every file in
        ``charts`` must exist, and the charts are placed. Same bytes as with the files there
        from the start.

    Returns
    -------
    bytes
        The .xlsx file.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> data = workbook_bytes(tx.score(tx.load(study)))
    >>> data[:2]
    b'PK'
    """
    from openpyxl import Workbook

    when = run_date()
    rep = result.study.report
    lab = labels_for(rep.language)
    ctx = _Ctx(result=result, lab=lab, st=_styles(), charts=dict(charts or {}),
               supp=lab["suppressed"].format(min=lab.num(rep.suppress_below)),
               charts_pending=charts_ready is not None)
    wb = Workbook()
    wb.properties.creator = "txscore"
    wb.properties.title = result.study.name
    wb.properties.language = lab.language
    wb.properties.created = when
    wb.properties.modified = when
    _summary(wb, ctx)
    _scores(wb, ctx)
    _trend(wb, ctx)
    _items(wb, ctx)
    _reliability(wb, ctx)
    drivers = getattr(result, "drivers", None)
    if isinstance(drivers, pd.DataFrame) and not drivers.empty:
        _drivers(wb, ctx, drivers)
    _exclusions(wb, ctx)
    _methodology(wb, ctx, when)
    if charts_ready is not None:
        charts_ready()
    for place in ctx.placements:
        place()
    return _normalise_zip(_stored_xlsx(wb), when)


def _stored_xlsx(wb: Any) -> bytes:
    """The workbook's zip without compression: ``_normalise_zip`` compresses it, once."""
    from openpyxl.writer.excel import ExcelWriter

    buf = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True)).save()
    return buf.getvalue()


def write_workbook(result: Result, path: Path, *, charts: dict[str, Path] | None = None,
                   charts_ready: Callable[[], None] | None = None) -> Path:
    """Write the client workbook to ``path`` atomically.

    Parameters
    ----------
    result : Result
        From :func:`txscore.score`.
    path : Path
        The .xlsx file to write (its folder is created).
    charts : dict, optional
        Chart key -> PNG path to embed (see :func:`workbook_bytes`).
    charts_ready : callable, optional
        Called once the sheets are built; the chart files exist when it returns (see
        :func:`workbook_bytes`).

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> out = write_workbook(tx.score(tx.load(study)), Path(tempfile.mkdtemp()) / "s.xlsx")
    >>> out.suffix
    '.xlsx'
    """
    atomic_write(path, workbook_bytes(result, charts=charts, charts_ready=charts_ready))
    return path
