"""The client workbook (openpyxl).

Sheets: Summary (one table per wave, band colours, flags, changes, reliability warnings,
charts), Scores (every measure with interval, n, n_eff, flag, as a filterable Excel
table), Items, Reliability, Exclusions (per-file reconciliation, then the ledger) and
Methodology (every setting, the formulas in words, input files with row counts and
checksums, versions, seed).

Safety and reproducibility: text that starts with ``= + - @`` is written as text, never
as a formula; suppressed cells carry the text "n<30", never a number; the file is built
in memory, its timestamps fixed (``SOURCE_DATE_EPOCH`` or the run date at 00:00 UTC) and
zip entries normalised so that the same inputs give the same bytes, then written to a
temporary file and renamed so an interrupted run never leaves a partial workbook.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from txscore.result import Result

FORMULA_START = ("=", "+", "-", "@")
BAND_FILL = {"excellent": "1A9850", "good": "91CF60", "okay": "FEE08B", "poor": "FC8D59",
             "very poor": "D73027"}
BAND_FONT = {"excellent": "FFFFFF", "very poor": "FFFFFF"}
HEADER_FILL = "1F3864"
SUPPRESSED_TEXT = "n<30"
GREY = "808080"


def run_date() -> dt.datetime:
    """The timestamp written into the workbook: SOURCE_DATE_EPOCH, else today 00:00 UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).replace(tzinfo=None)
    today = dt.datetime.now(tz=dt.UTC).date()
    return dt.datetime(today.year, today.month, today.day)


def safe_text(value: object) -> object:
    """Values as they go into a cell; NaN becomes empty. Text stays text (see _put)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    return value


def _put(ws, row: int, col: int, value: object, fmt: str | None = None):
    """Write one cell; strings are always stored as strings (never formulas)."""
    value = safe_text(value)
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # text starting with = + - @ must not become a formula
    else:
        cell.value = value
        if fmt and value is not None:
            cell.number_format = fmt
    return cell


def _styles():
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
        "border": Border(bottom=thin),
        "grey": Font(color=GREY, italic=True),
        "bold": Font(bold=True),
    }


def _header(ws, row: int, headers: list[str], st: dict) -> None:
    for j, text in enumerate(headers, 1):
        c = _put(ws, row, j, text)
        c.font, c.fill, c.alignment = st["header_font"], st["header_fill"], st["center"]


def _table(ws, row: int, frame: pd.DataFrame, columns: list[tuple[str, str, str | None, int]],
           st: dict, *, name: str | None = None) -> int:
    """Write a frame as a table: columns = [(column, header, number format, width)].

    Returns the next free row. With ``name``, the range becomes a filterable Excel table.
    """
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    _header(ws, row, [h for _, h, _, _ in columns], st)
    values = frame[[c for c, _, _, _ in columns]].to_numpy(dtype=object)
    for i, rec in enumerate(values, row + 1):
        for j, (value, (_, _, fmt, _)) in enumerate(zip(rec, columns, strict=True), 1):
            _put(ws, i, j, value, fmt)
    for j, (_, _, _, width) in enumerate(columns, 1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    end = row + len(frame)
    if name and len(frame):
        ref = f"A{row}:{get_column_letter(len(columns))}{end}"
        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    return end + 2


def _print_setup(ws, study_name: str, title_rows: int | None = None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.left.text = study_name.replace("&", "&&")
    ws.oddFooter.right.text = "Page &P of &N"
    if title_rows:
        ws.print_title_rows = f"{title_rows}:{title_rows}"


def _title(ws, title: str, subtitle: str, st: dict) -> None:
    _put(ws, 1, 1, title).font = st["title"]
    _put(ws, 2, 1, subtitle).font = st["subtitle"]


# ---------------------------------------------------------------------- sheets
SUMMARY_MEASURES = [("tx", "TX"), ("customer_score", "Customer score (C)"),
                    ("non_customer_score", "Non-customer score (N)"), ("cx", "CX"),
                    ("bx_customers", "BX customers"), ("bx_non_customers", "BX non-customers")]


def _summary(wb, result: Result, st: dict, charts: dict[str, Path]) -> None:
    from openpyxl.styles import Font, PatternFill

    ws = wb.active
    ws.title = "Summary"
    study = result.study
    conf = int(round(study.report.confidence * 100))
    _title(ws, f"{study.name} – Total Experience summary",
           "CX-Index-style, BX-style and TX-style scores computed with txscore's open, documented "
           "method (not Forrester's proprietary indices). Scores 0–100; "
           f"{conf}% bootstrap intervals in the Scores sheet.", st)
    s = result.scores
    changes = result.changes
    keys = ["wave", *result.by]
    row = 4
    headers = ["Brand"] + [h for _, h in SUMMARY_MEASURES] + [
        "TX change vs previous wave", "Growth-grid quadrant", "n customers",
        "n non-customers", "Base flag"]
    widths = [18, 9, 12, 14, 9, 11, 13, 14, 14, 11, 13, 11]
    for j, wdt in enumerate(widths, 1):
        ws.column_dimensions[chr(64 + j)].width = wdt
    for key, block in s.groupby(keys, sort=False):
        wave_label = " · ".join(str(k) for k in (key if isinstance(key, tuple) else (key,)))
        _put(ws, row, 1, f"Wave {wave_label}").font = st["h2"]
        row += 1
        _header(ws, row, headers, st)
        row += 1
        wide = block.pivot_table(index="brand", columns="measure", values="value",
                                 sort=False, dropna=False)
        flags = block.set_index(["measure", "brand"])["flag"]
        bands = block.set_index(["measure", "brand"])["band"]
        nbase = block[block["measure"].isin(["customer_score", "non_customer_score"])]
        brands = block.loc[block["measure"] == "tx"].sort_values(
            "value", ascending=False, na_position="last")["brand"].tolist()
        brands = [b for b in brands if b != "All brands"] + ["All brands"]
        grid = result.grid
        for brand in brands:
            _put(ws, row, 1, brand).font = st["bold"] if brand == "All brands" else Font()
            for j, (m, _) in enumerate(SUMMARY_MEASURES, 2):
                if m not in wide.columns:
                    continue
                flag = flags.get((m, brand), "")
                value = wide.at[brand, m] if brand in wide.index else np.nan
                if flag == "suppressed":
                    c = _put(ws, row, j, SUPPRESSED_TEXT)
                    c.font = st["grey"]
                    continue
                c = _put(ws, row, j, value, "0.0")
                band = bands.get((m, brand), "")
                if band in BAND_FILL:
                    c.fill = PatternFill("solid", fgColor=BAND_FILL[band])
                    c.font = Font(color=BAND_FONT.get(band, "000000"))
                if flag in ("low base", "caution"):
                    c.font = Font(color=GREY, italic=True)
            ch = changes[(changes["comparison"] == "wave") & (changes["measure"] == "tx")
                         & (changes["brand"] == brand)] if not changes.empty else changes
            for k in keys:
                if not ch.empty:
                    ch = ch[ch[k] == block[k].iloc[0]]
            col = len(SUMMARY_MEASURES) + 2
            if not ch.empty and np.isfinite(ch["difference"].iloc[0]):
                d = ch.iloc[0]
                arrow = ("▲ " if d["difference"] > 0 else "▼ ") if d["significant"] else ""
                _put(ws, row, col, f"{arrow}{d['difference']:+.1f}"
                     + ("" if d["significant"] else " (n.s.)"))
            if not grid.empty:
                g = grid[(grid["brand"] == brand)]
                for k in keys:
                    g = g[g[k] == block[k].iloc[0]]
                if not g.empty:
                    _put(ws, row, col + 1, g["quadrant"].iloc[0])
            for j, pop in enumerate(("customer", "non_customer"), col + 2):
                nb = nbase[(nbase["population"] == pop) & (nbase["brand"] == brand)]
                if not nb.empty:
                    _put(ws, row, j, int(nb["n"].iloc[0]), "#,##0")
            _put(ws, row, col + 4, flags.get(("tx", brand), ""))
            row += 1
        row += 1
    # legend
    _put(ws, row, 1, "How to read this table").font = st["h2"]
    row += 1
    bands_text = [("excellent", "Excellent: 80 and above"), ("good", "Good: 70 to < 80"),
                  ("okay", "Okay: 60 to < 70"), ("poor", "Poor: 50 to < 60"),
                  ("very poor", "Very poor: below 50")]
    for band, text in bands_text:
        c = _put(ws, row, 1, band.capitalize())
        c.fill = PatternFill("solid", fgColor=BAND_FILL[band])
        c.font = Font(color=BAND_FONT.get(band, "000000"))
        _put(ws, row, 2, text)
        row += 1
    r = study.report
    for text in (
        f"{SUPPRESSED_TEXT}: effective base below {r.suppress_below:g}: no number is shown.",
        f"Grey italic: low base (effective base below {r.low_base_below:g}) or caution (below "
        f"{r.caution_below:g}): read with care.",
        "▲ / ▼: change vs the previous wave significant at the "
        f"{int(round(r.confidence * 100))}% level; (n.s.) not significant.",
        f"Growth grid: brands compared with the peer average of brands with an effective base "
        f"of at least {r.peer_min_base:g}.",
    ):
        _put(ws, row, 1, text)
        row += 1
    # reliability warnings that matter
    rel = result.reliability
    bad = rel[rel["verdict"].astype(str) != "ok"] if not rel.empty else rel
    row += 1
    _put(ws, row, 1, "Reliability warnings").font = st["h2"]
    row += 1
    if bad.empty:
        _put(ws, row, 1, "Every construct passes the reliability checks (alpha ≥ .70, no "
             "weak items).")
        row += 1
    for rec in bad.itertuples(index=False):
        _put(ws, row, 1, f"{rec.label} ({rec.population}): alpha {rec.alpha:.2f} – "
             f"{rec.verdict}")
        row += 1
    row += 1
    for key, path in charts.items():
        if key.startswith(("tx_by_brand", "growth_grid")) and Path(path).is_file():
            _image(ws, path, f"A{row}")
            row += 24
    _print_setup(ws, study.name)
    ws.freeze_panes = "B4"


def _image(ws, path: Path, anchor: str, width: int = 720) -> None:
    from openpyxl.drawing.image import Image

    img = Image(str(path))
    ratio = width / img.width
    img.width, img.height = width, int(img.height * ratio)
    ws.add_image(img, anchor)


def _scores(wb, result: Result, st: dict) -> None:
    ws = wb.create_sheet("Scores")
    _title(ws, "Scores by brand and wave", "Every index, dimension and pillar. Interval: "
           "percentile bootstrap; n = respondents, n_eff = Kish effective base. Suppressed "
           "cells have no number.", st)
    s = result.scores.copy()
    s["value_shown"] = s["value"].where(s["flag"] != "suppressed", SUPPRESSED_TEXT)
    cols = [("wave", "Wave", None, 10), *[(b, b.replace("_", " ").capitalize(), None, 12)
                                          for b in result.by],
            ("brand", "Brand", None, 14), ("label", "Measure", None, 30),
            ("population", "Population", None, 13), ("value_shown", "Score", "0.0", 9),
            ("ci_low", "CI low", "0.0", 9), ("ci_high", "CI high", "0.0", 9),
            ("n", "n", "#,##0", 8), ("n_eff", "n_eff", "#,##0", 8), ("flag", "Flag", None, 11),
            ("band", "Band", None, 10), ("measure", "Measure code", None, 20)]
    _table(ws, 4, s, cols, st, name="Scores")
    ws.freeze_panes = "A5"
    _print_setup(ws, result.study.name, 4)


def _items(wb, result: Result, st: dict) -> None:
    ws = wb.create_sheet("Items")
    _title(ws, "Item scores", "Per question: mean code, score100 (0–100), top-box share (%) "
           "and net score (top minus bottom box, points), with analytic intervals.", st)
    cols = [("wave", "Wave", None, 10), *[(b, b, None, 12) for b in result.by],
            ("brand", "Brand", None, 14), ("population", "Population", None, 13),
            ("item", "Item", None, 14), ("text", "Question", None, 44),
            ("construct", "Construct", None, 14), ("n", "n", "#,##0", 7),
            ("n_eff", "n_eff", "#,##0", 7), ("mean", "Mean", "0.00", 7),
            ("score100", "Score100", "0.0", 9), ("ci_low", "CI low", "0.0", 8),
            ("ci_high", "CI high", "0.0", 8), ("top_box", "Top box %", "0.0", 9),
            ("net", "Net", "0.0", 7), ("flag", "Flag", None, 11)]
    _table(ws, 4, result.items, cols, st, name="Items")
    ws.freeze_panes = "A5"
    _print_setup(ws, result.study.name, 4)


def _reliability(wb, result: Result, st: dict) -> None:
    ws = wb.create_sheet("Reliability")
    _title(ws, "Reliability of the constructs", "Cronbach's alpha with Feldt interval "
           "(complete cases), standardised alpha, McDonald's omega total (one factor), "
           "first-eigenvalue share; verdict: ≥ .70 ok, .60–.70 questionable, < .60 poor, "
           "> .95 redundant items.", st)
    cols = [("label", "Construct", None, 20), ("population", "Population", None, 13),
            ("n_items", "Items", "0", 6), ("n_complete", "Complete cases", "#,##0", 10),
            ("alpha", "Alpha", "0.000", 8), ("ci_low", "CI low", "0.000", 8),
            ("ci_high", "CI high", "0.000", 8), ("std_alpha", "Std alpha", "0.000", 9),
            ("omega_total", "Omega total", "0.000", 9),
            ("first_eigen_share", "1st eigenvalue share", "0.00", 11),
            ("verdict", "Verdict", None, 60)]
    row = _table(ws, 4, result.reliability, cols, st, name="Reliability")
    _put(ws, row, 1, "Items").font = st["h2"]
    icols = [("construct", "Construct", None, 20), ("population", "Population", None, 13),
             ("item", "Item", None, 14), ("n", "n", "#,##0", 10), ("mean", "Mean", "0.00", 8),
             ("sd", "SD", "0.00", 8), ("item_rest_r", "Item-rest r", "0.000", 8),
             ("alpha_if_deleted", "Alpha if deleted", "0.000", 9),
             ("flags", "Flags", None, 60)]
    _table(ws, row + 1, result.reliability_items, icols, st, name="ReliabilityItems")
    ws.freeze_panes = "A5"
    _print_setup(ws, result.study.name, 4)


def _exclusions(wb, result: Result, st: dict) -> None:
    from txscore.quality import REASONS

    ws = wb.create_sheet("Exclusions")
    files = result.files
    ok = bool(files["reconciles"].all())
    _title(ws, "Exclusions and reconciliation",
           "Every input row is scored or listed below with its reason: rows in = scored + "
           f"excluded ({'reconciles for every file' if ok else 'DOES NOT RECONCILE'}).", st)
    cols = [("source_file", "File", None, 24), ("source_sheet", "Sheet", None, 12),
            ("population", "Population", None, 13), ("wave", "Wave", None, 10),
            ("rows_in", "Rows in", "#,##0", 9), ("scored", "Scored", "#,##0", 9),
            ("excluded", "Excluded", "#,##0", 9),
            *[(r, REASONS[r], "#,##0", 12) for r in REASONS],
            ("reconciles", "Reconciles", None, 10)]
    f = files.copy()
    f["reconciles"] = f["reconciles"].map({True: "yes", False: "NO"})
    row = _table(ws, 4, f, cols, st, name="Reconciliation")
    _put(ws, row, 1, "Excluded rows").font = st["h2"]
    lcols = [("source_file", "File", None, 24), ("source_sheet", "Sheet", None, 12),
             ("source_row", "Row", "0", 8), ("respondent_id", "Respondent id", None, 14),
             ("population", "Population", None, 13), ("wave", "Wave", None, 10),
             ("brand", "Brand", None, 12), ("reason_text", "Reason", None, 34),
             ("detail", "Detail", None, 40)]
    _table(ws, row + 1, result.exclusions, lcols, st, name="Ledger")
    _print_setup(ws, result.study.name, 4)


def _methodology(wb, result: Result, st: dict, when: dt.datetime) -> None:
    from txscore.reporting.methodology import methodology_rows

    ws = wb.create_sheet("Methodology")
    _title(ws, "Methodology and settings", "Everything needed to reproduce these numbers.", st)
    row = 4
    for section, rows in methodology_rows(result, when):
        _put(ws, row, 1, section).font = st["h2"]
        row += 1
        for key, value in rows:
            _put(ws, row, 1, key).font = st["bold"]
            c = _put(ws, row, 2, value)
            c.alignment = st["wrap"]
            row += 1
        row += 1
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 110
    _print_setup(ws, result.study.name)


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
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, data)
    return out.getvalue()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file normal rights
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def workbook_bytes(result: Result, *, charts: dict[str, Path] | None = None) -> bytes:
    """The workbook as bytes (deterministic for the same result and run date)."""
    from openpyxl import Workbook

    when = run_date()
    st = _styles()
    wb = Workbook()
    wb.properties.creator = "txscore"
    wb.properties.title = result.study.name
    wb.properties.created = when
    wb.properties.modified = when
    _summary(wb, result, st, charts or {})
    _scores(wb, result, st)
    _items(wb, result, st)
    _reliability(wb, result, st)
    _exclusions(wb, result, st)
    _methodology(wb, result, st, when)
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue(), when)


def write_workbook(result: Result, path: Path, *, charts: dict[str, Path] | None = None) -> Path:
    """Write the client workbook to ``path`` atomically.

    Parameters
    ----------
    result : Result
        From :func:`txscore.score`.
    path : Path
        The .xlsx file to write (its folder is created).
    charts : dict, optional
        Chart PNGs to embed: keys starting with ``tx_by_brand`` or ``growth_grid`` go on the
        Summary sheet.

    Returns
    -------
    Path
        ``path``.
    """
    atomic_write_bytes(path, workbook_bytes(result, charts=charts))
    return path
