"""The Overview sheet, the workbook's first: the cover (study, waves, fieldwork dates, bases,
date, logo), the headlines (:mod:`txscore.reporting.headlines`) and the contents.

Cover: the study's name as title; the latest wave and the one before it, every wave;
fieldwork dates per wave when the result's file table has them (``fieldwork_start`` and
``fieldwork_end`` columns: ingest does not record them yet, and then nothing is said about
dates); the brands; the report's date; the respondents scored per population and wave (the
files' ``respondents_scored``, after the quality checks); the study's ``[report] logo`` at
the top right, at most :data:`LOGO_PX` high, with its alternative text. Contents: one row
per sheet, its name an internal link to the sheet, and what it holds.

The sheet prints in portrait (landscape when its columns are wider, with many waves), on
one page when that keeps the text at :data:`ONE_PAGE_MIN_SCALE` of its size or more; a
longer sheet prints on as many pages as it needs, fitted to the width, the contents on a
page of their own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from txscore.reporting.headlines import headlines_section
from txscore.reporting.methodology import text_lines
from txscore.reporting.xlsx import Book, Col, Sheet, put
from txscore.study.vocabulary import POPULATIONS, TOTAL

__all__ = ["LOGO_PX", "ONE_PAGE_MIN_SCALE", "WIDTHS", "bases_table", "fieldwork",
           "overview_sheet"]

#: column widths: labels, then seven columns the values, the bases and sentences span
WIDTHS = {1: 26.0, **{j: 10.0 for j in range(2, 9)}}
#: the logo's largest height and width on the cover, in pixels
LOGO_PX, LOGO_MAX_W_PX = 60, 240
#: the smallest print scale at which the sheet is fitted to one page
ONE_PAGE_MIN_SCALE = 0.9
#: paper sizes in points (width, height), portrait
PAPER_PT = {"a4": (595.0, 842.0), "letter": (612.0, 792.0)}
LINK_COLOUR = "0563C1"


def overview_sheet(wb, ctx: Book, contents: list[tuple[str, str]], when: dt.datetime) -> None:
    """The first sheet; ``contents``: (sheet key, sheet name) of every sheet, in order;
    ``when``: the report's date."""
    lab = ctx.words
    sh = Sheet.new(wb, ctx, "overview", ctx.study.name, lab["cover_sub"])
    _cover(sh, when)
    _bases(sh)
    headlines_section(sh, ctx)
    contents_row = _contents(sh, contents)
    sh.finish(gridlines=False, fixed=WIDTHS)
    _fit_one_page(sh.ws, ctx, contents_row)
    if ctx.study.report.logo is not None:
        _logo(sh.ws, ctx)


# ---------------------------------------------------------------------- the cover
def _date(day: dt.date, lab: Any) -> str:
    """``24 November 2025`` / ``1er décembre 2025``."""
    return lab["date"].format(day=lab["day_one"] if day.day == 1 else day.day,
                              month=lab.table["months"][str(day.month)], year=day.year)


def fieldwork(result: Any) -> dict[str, tuple[dt.date, dt.date]]:
    """First and last interview date per wave (study order), from the file table's
    ``fieldwork_start`` and ``fieldwork_end`` columns; {} when the result has none.

    >>> import types
    >>> files = pd.DataFrame({"wave": ["W1", "W1"], "fieldwork_start": ["2026-01-05",
    ...                       "2026-01-03"], "fieldwork_end": ["2026-01-20", "2026-01-19"]})
    >>> study = types.SimpleNamespace(waves=("W1",))
    >>> fieldwork(types.SimpleNamespace(files=files, study=study))
    {'W1': (datetime.date(2026, 1, 3), datetime.date(2026, 1, 20))}
    """
    files = result.files
    if not {"fieldwork_start", "fieldwork_end"} <= set(files.columns):
        return {}
    start = pd.to_datetime(files["fieldwork_start"], errors="coerce")
    end = pd.to_datetime(files["fieldwork_end"], errors="coerce")
    frame = pd.DataFrame({"wave": files["wave"].astype(str), "start": start, "end": end})
    spans = frame.dropna().groupby("wave").agg(start=("start", "min"), end=("end", "max"))
    return {w: (spans.at[w, "start"].date(), spans.at[w, "end"].date())
            for w in result.study.waves if w in spans.index}


def _line(sh: Sheet, label: str, text: str) -> None:
    """A cover line: a bold label, its text across the other columns."""
    sh.cell(sh.row, 1, label, font=sh.ctx.st["bold"], align=sh.ctx.st["top"])
    sh.para(text, col=2)


def _cover(sh: Sheet, when: dt.datetime) -> None:
    """Waves, fieldwork, brands and the report's date."""
    lab, result = sh.ctx.words, sh.ctx.result
    waves = list(result.study.waves)
    latest = waves[-1]
    _line(sh, lab["cover_wave"], lab["cover_latest"].format(wave=latest, previous=waves[-2])
          if len(waves) > 1 else latest)
    if len(waves) > 2:
        _line(sh, lab["cover_waves"], ", ".join(waves))
    dates = fieldwork(result)
    if dates:
        _line(sh, lab["cover_fieldwork"], lab["list_sep"].join(
            lab["cover_field_wave"].format(wave=w, start=_date(a, lab), end=_date(b, lab))
            for w, (a, b) in dates.items()))
    brands = sorted(b for b in pd.unique(result.scores["brand"].astype(str)) if b != TOTAL)
    _line(sh, lab["cover_brands"], ", ".join(brands))
    _line(sh, lab["cover_date"], _date(when.date(), lab))
    sh.row += 1


# ---------------------------------------------------------------------- bases
def bases_table(result: Any) -> pd.DataFrame:
    """Respondents scored per population (rows, study order) and wave (columns, study
    order), from the file table (``respondents_scored``, else ``scored``: rows).

    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> table = bases_table(tx.score(tx.load(study)))
    >>> table.index.tolist(), table.columns.tolist(), table.to_numpy().tolist()
    (['customer', 'non_customer'], ['2026 Q1', '2026 Q2'], [[3082, 3283], [3065, 2941]])
    """
    files = result.files
    column = "respondents_scored" if "respondents_scored" in files else "scored"
    table = files.pivot_table(index="population", columns="wave", values=column,
                              aggfunc="sum", fill_value=0)
    pops = [p for p in POPULATIONS if p in table.index] + sorted(
        p for p in table.index if p not in POPULATIONS)
    waves = [w for w in result.study.waves if w in table.columns]
    return table.loc[pops, waves].astype(int)


def _bases(sh: Sheet) -> None:
    """The bases table: a row per population (and their total), a column per wave."""
    lab, result = sh.ctx.words, sh.ctx.result
    table = bases_table(result)
    if table.empty:
        return
    frame = pd.DataFrame({"population": [lab.populations.get(p, p) for p in table.index]})
    for j, wave in enumerate(table.columns):
        frame[f"w{j}"] = table[wave].to_numpy()
    if len(table) > 1:
        total = {"population": lab["cover_total"],
                 **{f"w{j}": int(table[w].sum()) for j, w in enumerate(table.columns)}}
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    cols = [Col("population", lab["cover_bases"])] + [
        Col(f"w{j}", str(w), "#,##0") for j, w in enumerate(table.columns)]
    top = sh.table(frame, cols)
    if len(table) > 1:  # the total in bold
        for j in range(1, len(cols) + 1):
            cell = sh.ws.cell(row=top + len(frame), column=j)
            sh.ctx.style(cell, cols[j - 1].fmt, sh.ctx.st["bold"], None, None)
    sh.row -= 1
    sh.para(lab["cover_bases_note"].format(**{k: lab.sheets[k] for k in (
        "exclusions", "scorecards", "scores")}), font=sh.ctx.st["subtitle"])
    sh.row += 1


# ---------------------------------------------------------------------- contents
def _contents(sh: Sheet, contents: list[tuple[str, str]]) -> int:
    """Each sheet's name, a link to it, and what it holds; returns the heading's row."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.hyperlink import Hyperlink

    lab, st = sh.ctx.words, sh.ctx.st
    plain = st["plain"]
    link = Font(name=plain.name, sz=plain.sz, color=LINK_COLOUR, underline="single")
    top = sh.row
    sh.heading(lab["contents_title"])
    room = (sum(_px(WIDTHS[j]) for j in range(2, len(WIDTHS) + 1)) - 5) / 7  # merged
    for key, name in contents:
        if not sh.fits(sh.row):
            break
        cell = put(sh.ws, sh.row, 1, name)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=link_target(name),
                                   display=name)
        sh.ctx.style(cell, None, link, None, st["top"])
        text = lab.table["contents"].get(key, "")
        sh.cell(sh.row, 2, text, wrap=True)
        sh.ws.merge_cells(start_row=sh.row, start_column=2, end_row=sh.row,
                          end_column=len(WIDTHS))
        lines = text_lines(text, room)
        if lines > 1:
            sh.wrapped[sh.row] = lines
        sh.row += 1
    sh.row += 1
    return top


def link_target(sheet: str) -> str:
    """A link's location inside the workbook: cell A1 of ``sheet``.

    >>> link_target("Vue d’ensemble"), link_target("Client's")
    ("'Vue d’ensemble'!A1", "'Client''s'!A1")
    """
    return "'" + sheet.replace("'", "''") + "'!A1"


# ---------------------------------------------------------------------- print and logo
def _px(width: float) -> float:
    """A column's width in pixels (a unit is a digit of the default font, 7 px, + 5)."""
    return width * 7 + 5


def _fit_one_page(ws, ctx: Book, contents_row: int) -> None:
    """Portrait when the columns fit its width (else landscape); one page when the sheet
    fits at :data:`ONE_PAGE_MIN_SCALE` or more, else the contents start a new page (never
    cut in two)."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.pagebreak import Break

    short, long = PAPER_PT.get(getattr(ctx.study.report, "paper_size", "letter"),
                               PAPER_PT["letter"])
    margins = ws.page_margins
    last = max(ws.max_column, len(WIDTHS))
    width = sum(_px(ws.column_dimensions[get_column_letter(j)].width or 8.43)
                for j in range(1, last + 1)) * 0.75
    default = ws.sheet_format.defaultRowHeight or 15.0
    height = sum(ws.row_dimensions[r].height or default for r in range(1, ws.max_row + 1))
    portrait = width <= short - 72 * (margins.left + margins.right)
    page_w, page_h = (short, long) if portrait else (long, short)
    scale = min(1.0, (page_w - 72 * (margins.left + margins.right)) / width,
                (page_h - 72 * (margins.top + margins.bottom)) / max(height, 1.0))
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    one_page = scale >= ONE_PAGE_MIN_SCALE
    ws.page_setup.fitToHeight = 1 if one_page else 0
    if not one_page and contents_row > 1:
        ws.row_breaks.append(Break(id=contents_row - 1))


def _logo(ws, ctx: Book) -> None:
    """The study's logo at the top right of the cover, at most LOGO_PX high (aspect kept),
    with its alternative text; row 1 grows to hold it beside the title."""
    from openpyxl.drawing.image import Image
    from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, OneCellAnchor
    from openpyxl.drawing.xdr import XDRPositiveSize2D
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.units import pixels_to_EMU

    img = Image(str(ctx.study.report.logo))
    scale = min(1.0, LOGO_PX / img.height, LOGO_MAX_W_PX / img.width)
    w, h = max(1, round(img.width * scale)), max(1, round(img.height * scale))
    img.width, img.height = w, h
    widths = [_px(ws.column_dimensions[get_column_letter(j)].width or 8.43)
              for j in range(1, len(WIDTHS) + 1)]
    left = max(0.0, sum(widths) - w)  # the right edge of the cover's last column
    col, edge = 0, 0.0
    while col < len(widths) - 1 and edge + widths[col] <= left:
        edge += widths[col]
        col += 1
    anchor = OneCellAnchor(
        _from=AnchorMarker(col=col, colOff=pixels_to_EMU(round(left - edge)), row=0, rowOff=0),
        ext=XDRPositiveSize2D(pixels_to_EMU(w), pixels_to_EMU(h)))
    anchor.pic = _picture(ctx.words["logo_alt"].format(study=ctx.study.name))
    img.anchor = anchor
    ws.add_image(img)
    ws.row_dimensions[1].height = max(ws.row_dimensions[1].height or 15.0, h * 0.75 + 4)


def _picture(alt: str):
    """A picture frame whose alternative text is ``alt`` (openpyxl's own says
    "Picture")."""
    from openpyxl.drawing.fill import Blip
    from openpyxl.drawing.geometry import PresetGeometry2D
    from openpyxl.drawing.picture import PictureFrame

    pic = PictureFrame()
    pic.nvPicPr.cNvPr.descr, pic.nvPicPr.cNvPr.title = alt, alt[:255]
    pic.nvPicPr.cNvPr.id, pic.nvPicPr.cNvPr.name = 1, "Logo"
    pic.blipFill.blip = Blip()
    pic.blipFill.blip.cstate = "print"
    pic.spPr.prstGeom = PresetGeometry2D(prst="rect")
    pic.spPr.ln = None
    return pic
