"""The printed workbook (issue 17): one font, the paper, legible at fit-to-width, alt text on
every chart, frozen panes only above one header, the Summary's markers, the brands' colours.

The sample study with 200 bootstrap resamples, scored once for the module. Its workbooks:
in English (Letter by default), in French (A4 by default), and in English with ``[report]
paper = "a4"``, a focus brand and a brand colour of its own. The charts are plain PNGs made
here (16:9, and the item distributions tall) under the keys the report gives its charts, so
that every sheet gets its pictures without drawing them.

Every expectation is computed here from the workbook's XML or cells and the result's
tables: the print scale from the column widths, pictures, paper and margins the sheet
declares; the significant changes from ``result.changes`` with the one rule (significant
and base flag ok).
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import private_copy
from PIL import Image

import txscore as tx
from txscore.reporting.chartrun import chart_jobs
from txscore.reporting.excel import workbook_bytes
from txscore.reporting.palette import brand_colours
from txscore.reporting.text import words_for
from txscore.reporting.xlsx import print_scale, sheet_print_scale

HEADER = "1F3864"
#: paper sizes in points (portrait width, height) by Excel's paperSize code
PAPER_PT = {1: (612.0, 792.0), 9: (595.28, 841.89)}
ARROWS = "▲▼↑↓"
pytestmark = [pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning"),
              pytest.mark.usefixtures("fixed_date")]  # conftest: a fixed run date


@pytest.fixture(scope="module")
def sample(sample_scored) -> tx.Result:
    """The sample scored with 200 resamples (a copy of the session's shared result)."""
    return private_copy(sample_scored)


def png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def charts(sample) -> dict[str, bytes]:
    wide, tall = png(1600, 900), png(1600, 2300)
    return {key: tall if key.startswith("item_distribution") else wide
            for key, _, _ in chart_jobs(sample)}


def book_of(result: tx.Result, charts: dict[str, bytes], folder: Path, **settings) -> Path:
    study = result.study.with_settings(**settings)
    path = folder / f"{'_'.join(f'{k}-{v}' for k, v in settings.items()) or 'default'}.xlsx"
    path.write_bytes(workbook_bytes(dataclasses.replace(result, study=study), charts=charts))
    return path


@pytest.fixture(scope="module")
def books(sample, charts, tmp_path_factory) -> dict[str, tuple[tx.Result, Path]]:
    folder = tmp_path_factory.mktemp("print")
    variants = {"en": {}, "fr": {"language": "fr"},
                "focus": {"paper": "a4", "focus_brand": "Contoso",
                          "brand_colors": {"Litware": "#112233"}}}
    out = {}
    for name, settings in variants.items():
        result = dataclasses.replace(sample, study=sample.study.with_settings(**settings))
        out[name] = result, book_of(sample, charts, folder, **settings)
    return out


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def is_header(cell) -> bool:
    return str(cell.fill.fgColor.rgb).endswith(HEADER) and bool(cell.font.b)


# ---------------------------------------------------------------------- one font
@pytest.mark.parametrize("name", ["en", "fr", "focus"])
def test_one_sans_serif_font_everywhere_at_8_pt_or_more(books, name):
    _, path = books[name]
    parts = xml_parts(path)
    fonts = re.findall(r"<font>(.*?)</font>", parts["xl/styles.xml"], re.S)
    assert len(fonts) >= 5  # titles, headings, headers, grey, bands, ...
    for font in fonts:
        assert re.search(r'<name val="Arial"\s*/>', font), font
        assert float(re.search(r'<sz val="([\d.]+)"', font)[1]) >= 8, font
    theme = parts["xl/theme/theme1.xml"]
    assert set(re.findall(r'<a:latin typeface="([^"]*)"', theme)) == {"Arial"}
    wb = openpyxl.load_workbook(path)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    assert c.font.name == "Arial" and c.font.sz >= 8, (ws.title, c.coordinate)
                    seen += 1
        # the header names the sheet (&A); header and footer in the same font
        assert ws.oddHeader.left.text == "&A"
        for part in (ws.oddHeader.left, ws.oddFooter.left, ws.oddFooter.right):
            assert part.font == "Arial,Regular" and part.size >= 8, ws.title
    assert seen > 5000
    bands = [t for n, p in parts.items() if n.startswith("xl/worksheets/sheet")
             for t in re.findall(r"<odd(?:Header|Footer)>(.*?)</odd", p)]
    assert len(bands) == 2 * len(wb.worksheets)
    for text in bands:  # &"font"&size in the header's and footer's codes
        assert set(re.findall(r'&amp;(?:"|&quot;)([^"&]*)(?:"|&quot;)', text)) == {
            "Arial,Regular"}, text
        assert all(int(n) >= 8 for n in re.findall(r"&amp;(\d+)", text)), text


# ---------------------------------------------------------------------- paper
@pytest.mark.parametrize(("settings", "code"), [
    ({}, 1), ({"language": "fr"}, 9), ({"paper": "a4"}, 9),
    ({"language": "fr", "paper": "letter"}, 1)])
def test_paper_follows_the_language_and_report_paper(sample, charts, tmp_path, settings, code):
    wb = openpyxl.load_workbook(book_of(sample, charts, tmp_path, **settings))
    assert {ws.title: ws.page_setup.paperSize for ws in wb.worksheets} == {
        ws.title: code for ws in wb.worksheets}
    for ws in wb.worksheets:
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage


# ---------------------------------------------------------------------- legible
def scale_by_hand(ws, landscape: bool, pictures: bool = True) -> float:
    """The print scale from what the sheet declares: its columns (Excel's rule, 7 px a
    character and 5 of padding, 8.43 characters unset), the pictures' right edges (unless
    ``pictures`` is False), the paper and the side margins."""
    last = max([ws.max_column, *(openpyxl.utils.column_index_from_string(k)
                                 for k in ws.column_dimensions)])
    px = []
    for j in range(1, last + 1):
        dim = ws.column_dimensions.get(openpyxl.utils.get_column_letter(j))
        px.append(((dim.width if dim is not None and dim.width else 8.43)) * 7 + 5)
    while len(px) > 1 and px[-1] == 8.43 * 7 + 5 and all(
            c.value is None for c in next(ws.iter_cols(min_col=len(px), max_col=len(px)))):
        px.pop()
    lefts = [0.0]
    for p in px:
        lefts.append(lefts[-1] + p)
    right = max([lefts[img.anchor._from.col] + img.anchor.ext.width / 9525
                 for img in ws._images if pictures], default=0.0)
    short, long = PAPER_PT[ws.page_setup.paperSize]
    width = (long if landscape else short) - 72 * (ws.page_margins.left + ws.page_margins.right)
    used = max(sum(px), right) * 0.75
    return min(1.0, math.floor(100 * width / used) / 100)


def smallest_font(ws) -> float:
    sizes = [c.font.sz for row in ws.iter_rows() for c in row if c.value is not None]
    sizes += [p.size for p in (ws.oddHeader.left, ws.oddFooter.left, ws.oddFooter.right)]
    return min(sizes)


FIRST_SHEETS = {"en": ("Overview", "Scorecards"), "focus": ("Overview", "Scorecards"),
                "fr": ("Vue d’ensemble", "Fiches marques")}


@pytest.mark.parametrize("name", ["en", "fr", "focus"])
def test_every_sheet_prints_at_8_pt_or_more_fitted_to_the_page_width(books, name):
    _, path = books[name]
    wb = openpyxl.load_workbook(path)
    scales = {}
    for ws in wb.worksheets:
        landscape = ws.page_setup.orientation == "landscape"
        scale = scale_by_hand(ws, landscape)
        assert sheet_print_scale(ws) == pytest.approx(scale, abs=0.011), ws.title
        # portrait only where the tables fit a portrait page at full size (the charts are
        # sized for the page then); the scorecards are portrait down to a scale of 0.8 (a
        # card a page)
        least = 0.8 if ws.title == FIRST_SHEETS[name][1] else 1.0
        assert landscape == (scale_by_hand(ws, False, pictures=False) < least), ws.title
        assert scale * smallest_font(ws) >= 8.0, (ws.title, scale, smallest_font(ws))
        scales[ws.title] = scale
    # the sheets that printed at 4-5 pt fit now; the test can fail: at the old widths
    # (every column as wide as the old Items sheet's) the scale is far below 0.8
    assert print_scale([10.0] * 28, "letter", True) < 0.8
    assert len(scales) >= 9


def test_the_print_scale_helper_by_hand():
    # 20 columns of 10 characters: 20 x 75 px = 1500 px = 1125 pt; Letter landscape with
    # margins of 0.25 in: 792 - 36 = 756 pt printable: 0.672 -> 0.67
    assert print_scale([10.0] * 20, "letter", True) == 0.67
    # A4 portrait: 595.28 - 36 = 559.28 pt; 6 columns of 12 characters: 6 x 89 px = 400.5 pt
    assert print_scale([12.0] * 6, "a4", False) == 1.0
    # a picture wider than the columns counts: 1000 px = 750 pt on 559.28 pt -> 0.7457
    assert print_scale([12.0] * 6, "a4", False, right_px=1000) == 0.74


# ---------------------------------------------------------------------- alt text
@pytest.mark.parametrize("name", ["en", "fr"])
def test_every_picture_has_a_description(books, charts, name):
    result, path = books[name]
    parts = xml_parts(path)
    pics = [m for n, x in sorted(parts.items()) if n.startswith("xl/drawings/drawing")
            for m in re.findall(r"<(?:xdr:)?pic>.*?</(?:xdr:)?pic>", x, re.S)]
    assert len(pics) == len(charts)
    descriptions = [re.search(r'<(?:xdr:)?cNvPr [^>]*descr="([^"]*)"', p)[1] for p in pics]
    assert all(d.strip() and d != "Picture" for d in descriptions)
    assert len(set(descriptions)) == len(descriptions)  # each says which chart it is
    first = "Graphique" if name == "fr" else "Chart"
    assert all(d.startswith(first) for d in descriptions)
    for wave in result.study.waves:  # every wave's charts name it
        assert sum(wave in d for d in descriptions) >= 3


# ---------------------------------------------------------------------- frozen panes
def test_panes_are_frozen_only_above_one_header(books):
    _, path = books["en"]
    wb = openpyxl.load_workbook(path)
    frozen = 0
    for ws in wb.worksheets:
        headers = [row[0].row for row in ws.iter_rows()
                   if any(c.value is not None and is_header(c) for c in row[:2])]
        if ws.freeze_panes:
            top = int(re.sub(r"\D", "", ws.freeze_panes))
            assert headers and max(headers) == top - 1, ws.title  # the header above the pane
            frozen += 1
    assert frozen >= 2  # Scores and the Exclusions ledger
    items = wb["Items"]
    assert items.freeze_panes is None and len(items.tables) >= 4


# ---------------------------------------------------------------------- Summary
def significant(changes: pd.DataFrame) -> dict[tuple, str]:
    sig = changes[(changes["comparison"] == "wave") & changes["significant"].astype(bool)
                  & (changes["flag"] == "ok")]
    return {(r.wave, r.brand, r.measure, r.population): "▲" if r.difference > 0 else "▼"
            for r in sig.itertuples()}


@pytest.mark.parametrize("name", ["en", "fr"])
def test_summary_marks_only_significant_changes_and_never_the_peers(books, name):
    result, path = books[name]
    lab = words_for(result.study.report.language)
    ws = openpyxl.load_workbook(path)[lab.sheets["summary"]]
    names = {lab.measures[m]: (m, p) for m, p in (
        ("tx", "all"), ("customer_score", "customer"), ("non_customer_score", "non_customer"),
        ("cx", "customer"), ("bx_customers", "customer"), ("nps", "customer"))}
    want = significant(result.changes)
    headings = {lab["wave"].format(wave=w): w for w in result.study.waves}
    got, wave, header, rows = {}, None, None, 0
    for row in ws.iter_rows():
        first, brand = row[0].value, row[1].value
        for c in row:  # no peer arrows anywhere, in a text or a number format
            assert not set(str(c.value)) & set("↑↓") and not set(c.number_format) & set("↑↓")
        if first in headings:
            wave, header = headings[first], None
        elif is_header(row[1]):
            header = [c.value for c in row]
        elif header is None or brand is None:
            header = None
        else:
            rows += 1
            code = "All brands" if brand == lab["all_brands"] else brand
            for j, title in enumerate(header):
                if title in names and row[j].value is not None:
                    marks = [a for a in ARROWS if a in row[j].number_format]
                    assert len(marks) <= 1
                    if marks:
                        got[(wave, code, *names[title])] = marks[0]
    assert rows == len(result.scores[["wave", "brand"]].drop_duplicates())
    shown = {k: v for k, v in want.items() if k[2] in {m for m, _ in names.values()}}
    assert got == shown and len(got) >= 5
    # none for a change that is not significant, or significant on a small base
    assert len(result.changes[result.changes["comparison"] == "wave"]) > 5 * len(got)


def test_n_is_bx_among_non_customers_and_shown_once(books):
    result, path = books["en"]
    s = result.scores
    n = s[s["measure"] == "non_customer_score"].set_index(["wave", "brand"])["value"]
    bx = s[s["measure"] == "bx_non_customers"].set_index(["wave", "brand"])["value"]
    pd.testing.assert_series_equal(n.sort_index(), bx.sort_index(), check_names=False)
    wb = openpyxl.load_workbook(path)
    headers = [c.value for row in wb["Summary"].iter_rows() for c in row if is_header(c)]
    assert "Non-customer score (N)" in headers and "BX non-customers" not in headers
    assert not any("n_eff" in str(h) for h in headers)  # effective bases: the Scores sheet
    trend = [c.value for row in wb["Trend"].iter_rows() for c in row[:1]]
    assert "Non-customer score (N)" in trend and "BX non-customers" not in trend


# ---------------------------------------------------------------------- brand colours
def brand_rows(ws, brand_col: int):
    """(brand, row cells) of every row whose brand column holds a brand, below a header."""
    header = None
    for row in ws.iter_rows():
        if any(c.value is not None and is_header(c) for c in row[:2]):
            header = [c.value for c in row]
            continue
        if header and len(row) > brand_col and header[brand_col] in ("Brand", "Marque"):
            if row[brand_col].value is None:
                header = None
                continue
            yield row[brand_col].value, row


def test_brand_swatches_take_the_palette_and_the_focus_brand_is_bold(books):
    result, path = books["focus"]
    colours = brand_colours(result)  # the others muted beside the focus brand
    assert brand_colours(result, muted=False)["Litware"] == "#112233"
    assert colours["Litware"] != "#112233" and len(set(colours.values())) == len(colours)
    wb = openpyxl.load_workbook(path)
    seen = {}
    for sheet in ("Summary", "Scores", "Trend"):
        ws = wb[sheet]
        brand_col = 2 if sheet == "Scores" else 1
        for brand, row in brand_rows(ws, brand_col):
            code = "All brands" if brand == "All brands" else brand
            assert str(row[0].fill.fgColor.rgb)[-6:] == colours[code].lstrip("#"), (sheet, brand)
            texts = [c for c in row[1:] if c.value is not None]
            if brand == "Contoso":
                assert all(c.font.b for c in texts), (sheet, row[0].row)
            elif brand != "All brands":
                assert not any(c.font.b for c in texts), (sheet, row[0].row)
            seen.setdefault(sheet, set()).add(brand)
    brands = set(result.scores["brand"])
    assert all(v == brands for v in seen.values()), seen


# ---------------------------------------------------------------------- Exclusions
def test_exclusion_tables_are_not_stretched_by_each_other(books):
    """Each table of the Exclusions sheet about as wide as its own cells need: the sum of
    its columns' widths over the sum of its widest cells (header words in bold, 1.15)."""
    _, path = books["en"]
    ws = openpyxl.load_workbook(path)["Exclusions"]
    assert len(ws.tables) == 3
    for name, ref in ws.tables.items():
        first, last = ref.split(":")
        c1, r1 = openpyxl.utils.cell.coordinate_from_string(first)
        c2, r2 = openpyxl.utils.cell.coordinate_from_string(last)
        width = need = 0.0
        for col in range(openpyxl.utils.column_index_from_string(c1),
                         openpyxl.utils.column_index_from_string(c2) + 1):
            cells = [ws.cell(row=r, column=col) for r in range(r1, r2 + 1)]
            if any(c.alignment.wrap_text for c in cells[1:]):
                continue  # wrapped text takes the width it is given
            head = max(len(w) for w in str(cells[0].value).split()) * 1.15
            body = max(len(f"{c.value:,.1f}" if isinstance(c.value, float) else str(c.value))
                       for c in cells[1:])
            need += max(head, body) + 2
            width += ws.column_dimensions[openpyxl.utils.get_column_letter(col)].width
        assert width <= 1.35 * need, (name, width, need)
