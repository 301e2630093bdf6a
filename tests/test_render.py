"""The sample workbook as a client's office suite prints it (issue 17, "Print-ready").

LibreOffice (``soffice``, headless, a private profile) converts the sample study's workbook,
en and fr, to PDF; poppler (``pdftotext -bbox-layout``) reads each page's words with their
boxes. The test asserts that the conversion succeeds, that each sheet prints on the pages
expected (:data:`EXPECTED_PAGES`; a page belongs to the sheet whose name its header shows,
``&A``) and that no page holds text smaller than 8 pt.

Font sizes: LibreOffice writes each text run at its printed size (the sheet's print scale
applied), and poppler gives each word a box ``ratio x size`` high, where ``ratio`` depends
on the font's metrics as written in the PDF. ``ratio`` is measured on each run: a
calibration workbook with words of known size (6 to 14 pt, regular, bold and italic, in
every font the two workbooks name) is converted with them; its ratios must agree within 1%
(one ratio for every font and style, else the measure is refused) and then give each
report word's size. Words of symbols only (▲, ↑, →: drawn with a fallback font) are left
out. Text inside the chart images is not text of the PDF (the charts have their own tests).

Pages and print scales depend on the fonts: a column's width is in characters of the
workbook's font (Arial), so LibreOffice must print it in Arial or a font of the same widths
(Liberation Sans); in another font (DejaVu Sans, 14% wider digits) every sheet prints
smaller and on other pages than in Excel, and the page and size checks are skipped.

Without LibreOffice, poppler or such a font the test is skipped, unless the environment
variable ``CI`` is set: ``.ci/run`` installs them and sets it, and there a missing one is a
failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.styles import Font

from txscore.reporting import report
from txscore.reporting.text import LANGUAGES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT, PDFFONTS = shutil.which("pdftotext"), shutil.which("pdffonts")
MISSING = [tool for tool, path in (("LibreOffice (soffice)", SOFFICE),
                                   ("poppler (pdftotext, pdffonts)", PDFTOTEXT and PDFFONTS))
           if not path]
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
if MISSING and not IN_CI:
    pytest.skip(f"{' and '.join(MISSING)} not installed (apt-get install libreoffice-calc "
                "poppler-utils); in CI (CI set) this is a failure", allow_module_level=True)
pytestmark = pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")

#: the smallest legible printed size (pt), and the rounding of sizes in LibreOffice's PDF
#: (8 pt is written 7.994)
MIN_PT, PT_TOLERANCE = 8.0, 0.1
#: seconds LibreOffice may take for the three files (about 15 s on 2 cores)
TIMEOUT = 300
XHTML = "{http://www.w3.org/1999/xhtml}"
#: the fonts that print a workbook font at its own character widths (the font, or a
#: metric-compatible one): column widths are in characters of the workbook's font, so in
#: another font (LibreOffice's DejaVu Sans for a missing Arial, 14% wider digits) every
#: sheet prints wider, hence at a smaller print scale, on other pages
METRIC_TWINS = {"Arial": ("Arial", "LiberationSans", "Arimo"),
                "Calibri": ("Calibri", "Carlito")}

#: pages each sheet of the sample workbook prints on, (fewest, most), en (Letter) and fr
#: (A4), as observed with LibreOffice 7.4 and Liberation Sans. Every sheet is fitted to the
#: page width, so its pages are its height over the printable height; each comment says
#: what fills them. A range only where wrapped text (whose line breaks depend on the
#: font's hinting and the language) decides the height.
EXPECTED_PAGES: dict[str, dict[str, tuple[int, int]]] = {
    # cover block and headline sentences (wrapped), then the contents
    "overview": {"en": (2, 3), "fr": (2, 3)},
    # one card per brand (6 brands), each on one portrait page
    "scorecards": {"en": (6, 6), "fr": (6, 6)},
    # the summary table and its legends (2 pages), then 6 charts one a page (TX by brand,
    # growth grid, CX vs BX, for each of the 2 waves)
    "summary": {"en": (8, 8), "fr": (8, 8)},
    # 350 score rows of fixed height with a repeated header: Letter holds fewer than A4 at
    # the sheet's print scale
    "scores": {"en": (11, 11), "fr": (12, 12)},
    # the trend tables (2 pages), then 4 trend charts two a page
    "trend": {"en": (4, 4), "fr": (4, 4)},
    # per scale, answers by wave, population, item and brand (the question texts wrap)
    "items": {"en": (30, 32), "fr": (29, 31)},
    # the construct table, alpha per wave with its change (Feldt), the item table (wrapped
    # verdicts), then the reliability chart
    "reliability": {"en": (4, 6), "fr": (5, 6)},
    # the driver table (3 pages), then 6 importance-performance charts one a page
    "drivers": {"en": (9, 9), "fr": (9, 9)},
    # the two banner tables of the sample, each with its bases and letters
    "tables": {"en": (2, 3), "fr": (2, 3)},
    # the two what-if scenarios, their tables and assumptions
    "scenarios": {"en": (2, 2), "fr": (2, 2)},
    # the four plans (2 and 3 points, next wave and peers), then how to read them
    "planning": {"en": (5, 6), "fr": (5, 6)},
    # reconciliation, reasons and the ledger of 68 rows (wrapped details)
    "exclusions": {"en": (6, 7), "fr": (6, 7)},
    # each setting beside its explanation, then the glossary (wrapped paragraphs)
    "methodology": {"en": (5, 6), "fr": (6, 7)},
}


# ---------------------------------------------------------------------- PDF reading
def pdf_pages(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Each page's words as (top, height, text), read by ``pdftotext -bbox-layout``."""
    xhtml = subprocess.run([PDFTOTEXT, "-bbox-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True, timeout=120).stdout
    root = ElementTree.fromstring(xhtml)
    return [[(float(w.get("yMin")), float(w.get("yMax")) - float(w.get("yMin")), w.text or "")
             for w in page.iter(f"{XHTML}word")] for page in root.iter(f"{XHTML}page")]


def header_line(words: list[tuple[float, float, str]]) -> str:
    """The page's topmost line of text (the header), its words in reading order."""
    if not words:
        return ""
    top = min(y for y, _, _ in words)
    return " ".join(text for y, _, text in words if abs(y - top) < 1)


def sheet_of(header: str, sheets: list[str]) -> str | None:
    """The sheet whose name the header starts with (the longest such name)."""
    named = [s for s in sheets if header == s or header.startswith(f"{s} ")]
    return max(named, key=len, default=None)


def lettered(text: str) -> bool:
    """A word in the workbook's font: it has a letter or a digit (symbols come from a
    fallback font, whose box ratio may differ)."""
    return any(ch.isalnum() for ch in text)


def fonts_of(book: Path) -> list[str]:
    """The font names a workbook's styles use."""
    with zipfile.ZipFile(book) as z:
        styles = z.read("xl/styles.xml").decode("utf-8")
    fonts = styles[styles.find("<fonts"):styles.find("</fonts>")]
    return sorted(set(re.findall(r'<name val="([^"]+)"', fonts)))


def printed_fonts(pdf: Path) -> list[str]:
    """The font families a PDF embeds (``pdffonts``; subset tag and style left out)."""
    listing = subprocess.run([PDFFONTS, str(pdf)], capture_output=True, text=True,
                             check=True, timeout=60).stdout.splitlines()[2:]
    return sorted({re.sub(r"^[A-Z]{6}\+|-.*$", "", line.split()[0]) for line in listing})


def font_problem(fonts: list[str], printed: list[str]) -> str | None:
    """Why LibreOffice does not print the workbook fonts at their own widths, or None."""
    twins = {t for font in fonts for t in METRIC_TWINS.get(font, (font.replace(" ", ""),))}
    if set(printed) <= twins:
        return None
    return (f"LibreOffice prints the workbook's {', '.join(fonts)} in {', '.join(printed)}: "
            "no font of the same widths is installed, so pages and print scales differ "
            "from Excel's. Install fonts-liberation2 (Liberation Sans has Arial's widths; "
            ".ci/run does)")


def calibration_book(path: Path, fonts: list[str]) -> dict[str, float]:
    """A one-sheet workbook of words of known size in each font, regular, bold and italic,
    printed at 100% (no fitting); returns word -> size (pt)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Calibration"
    ws.oddHeader.left.text = "&A"
    ws.oddHeader.left.font = f"{fonts[0]},Regular"  # the PDF then has the fonts' twins only
    ws.column_dimensions["A"].width = 30
    sizes = {}
    for f, name in enumerate(fonts):
        for size in (6, 8, 10, 14):
            for style in ("regular", "bold", "italic"):
                word = f"Hg{f}x{size}{style[0]}"
                cell = ws.cell(ws.max_row + 1, 1, word)
                cell.font = Font(name=name, size=size, bold=style == "bold",
                                 italic=style == "italic")
                sizes[word] = float(size)
    wb.save(path)
    return sizes


def box_ratio(pdf: Path, sizes: dict[str, float]) -> float:
    """Word box height per point of font size, measured on the calibration PDF; the
    ratios of every font, size and style must agree within 1%."""
    [page] = pdf_pages(pdf)
    assert sheet_of(header_line(page), ["Calibration"]) == "Calibration", header_line(page)
    ratios = {text: height / sizes[text] for _, height, text in page if text in sizes}
    assert set(ratios) == set(sizes), sorted(set(sizes) - set(ratios))
    low, high = min(ratios.values()), max(ratios.values())
    assert high / low < 1.01, f"box/size ratios differ between fonts or styles: {ratios}"
    return sum(ratios.values()) / len(ratios)


# ---------------------------------------------------------------------- the conversion
@pytest.fixture(scope="module")
def rendered(tmp_path_factory, sample_scored, sample_scored_fr) -> dict[str, object]:
    """The sample workbook, en and fr (report(), charts included), and a calibration
    workbook, converted to PDF by one LibreOffice run: the run, the workbooks and PDFs by
    name, the box ratio and the font problem (or None)."""
    if MISSING:
        pytest.fail(f"CI is set and {' and '.join(MISSING)} is missing: .ci/run installs "
                    "libreoffice-calc, libreoffice-impress, poppler-utils and "
                    "fonts-liberation2")
    tmp = tmp_path_factory.mktemp("render")
    books = {}
    # the sample scored with 200 resamples, in English and in French (the session's)
    for language, result in (("en", sample_scored), ("fr", sample_scored_fr)):
        workbook = report(result, tmp / f"report_{language}")["workbook"]
        books[language] = shutil.copyfile(workbook, tmp / f"{language}.xlsx")
    fonts = sorted(set(fonts_of(books["en"])) | set(fonts_of(books["fr"])))
    sizes = calibration_book(tmp / "calibration.xlsx", fonts)
    out = tmp / "pdf"
    run = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
         "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out),
         str(tmp / "calibration.xlsx"), str(books["en"]), str(books["fr"])],
        capture_output=True, text=True, timeout=TIMEOUT, check=False)
    pdfs = {name: out / f"{name}.pdf" for name in ("calibration", "en", "fr")}
    calibrated = pdfs["calibration"].is_file()
    return {"soffice": run, "books": books, "pdfs": pdfs,
            "ratio": box_ratio(pdfs["calibration"], sizes) if calibrated else None,
            "font_problem": font_problem(fonts, printed_fonts(pdfs["calibration"]))
            if calibrated else None}


@pytest.fixture(scope="module")
def pages(rendered) -> dict[str, list[tuple[str | None, list]]]:
    """language -> each page's (sheet, words); skipped (failed in CI) when LibreOffice
    prints the workbook's font at other widths than its own."""
    if problem := rendered["font_problem"]:
        (pytest.fail if IN_CI else pytest.skip)(problem)
    out = {}
    for language in ("en", "fr"):
        sheets = openpyxl.load_workbook(rendered["books"][language], read_only=True).sheetnames
        out[language] = [(sheet_of(header_line(words), sheets), words)
                         for words in pdf_pages(rendered["pdfs"][language])]
    return out


def test_libreoffice_converts_both_workbooks(rendered):
    run = rendered["soffice"]
    said = f"soffice said:\n{run.stdout}\n{run.stderr}"
    assert run.returncode == 0, said
    for name, pdf in rendered["pdfs"].items():
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), f"{name}: {said}"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_sheet_prints_on_the_pages_expected(pages, language):
    keys = {name: key for key, name in LANGUAGES[language]["sheets"].items()}
    unnamed = [k + 1 for k, (sheet, _) in enumerate(pages[language]) if sheet is None]
    assert not unnamed, f"{language}: pages whose header names no sheet: {unnamed}"
    counts = Counter(keys[sheet] for sheet, _ in pages[language])
    observed = {key: counts.get(key, 0) for key in EXPECTED_PAGES}
    wrong = {key: (n, EXPECTED_PAGES[key][language]) for key, n in observed.items()
             if not EXPECTED_PAGES[key][language][0] <= n <= EXPECTED_PAGES[key][language][1]}
    assert set(counts) <= set(EXPECTED_PAGES), set(counts) - set(EXPECTED_PAGES)
    assert not wrong, (f"{language}: (pages, expected) {wrong}; every sheet: {observed}, "
                       f"{sum(observed.values())} pages")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_page_prints_text_below_8_pt(pages, rendered, language):
    ratio = rendered["ratio"]
    small = []
    for k, (sheet, words) in enumerate(pages[language], 1):
        sized = [(height / ratio, text) for _, height, text in words if lettered(text)]
        if sized and (least := min(sized))[0] < MIN_PT - PT_TOLERANCE:
            small.append(f"page {k} ({sheet}): {least[0]:.1f} pt ({least[1]!r})")
    assert not small, f"{language}: text below {MIN_PT:g} pt:\n" + "\n".join(small)

