"""The Overview sheet (cover, contents, logo) and the Methodology sheet in plain language.

The sample study is scored once for the module with 200 bootstrap resamples; its workbooks
(en, fr) are built in memory. Every count the tests compare is computed here from the
result's tables with pandas (the Overview's bases from ``result.scores``, the sheet reads
``result.files``); the English words a French sheet must not show come from the en text
table.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from conftest import private_copy

import txscore as tx
from txscore.reporting import sheets_overview
from txscore.reporting.excel import workbook_bytes
from txscore.reporting.glossary import glossary_rows
from txscore.reporting.settings_words import SETTING_TABLES, settings_rows
from txscore.reporting.text import LANGUAGES, words_for
from txscore.study.vocabulary import TOTAL

EN, FR = LANGUAGES["en"], LANGUAGES["fr"]
#: the tables of the cover's and the methodology's words (whole), and their keys in the
#: shared tables
OWN_TABLES = ("contents", "months", "settings", "settings_help", "setting_values",
              "glossary", "methodology")
OWN_TEXT = ("cover_", "contents_", "logo_alt")


pytestmark = pytest.mark.usefixtures("fixed_date")  # conftest: a fixed run date

@pytest.fixture(scope="module")
def sample(sample_scored) -> tx.Result:
    """The sample scored with 200 resamples (a copy of the session's shared result)."""
    return private_copy(sample_scored)


def in_language(result: tx.Result, language: str, **settings) -> tx.Result:
    return dataclasses.replace(result, study=result.study.with_settings(
        language=language, **settings))


def book(result: tx.Result) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(result)))


@pytest.fixture(scope="module")
def books(sample) -> dict[str, openpyxl.Workbook]:
    return {lang: book(in_language(sample, lang)) for lang in ("en", "fr")}


def rows_of(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def find_row(ws, first: str) -> int:
    """The row whose first cell is ``first``."""
    return next(r for r, row in enumerate(rows_of(ws), 1) if row[0] == first)


# ---------------------------------------------------------------------- cover
@pytest.mark.parametrize("language", ["en", "fr"])
def test_overview_is_the_first_sheet_and_names_the_study_waves_and_date(books, sample,
                                                                        language):
    wb, words = books[language], LANGUAGES[language]
    assert wb.sheetnames[0] == words["sheets"]["overview"]
    ws = wb.worksheets[0]
    assert ws["A1"].value == sample.study.name
    cover = {r[0]: r[1] for r in rows_of(ws)[3:12] if r[0]}
    q1, q2 = sample.study.waves
    wave = {"en": f"{q2} (previous: {q1})", "fr": f"{q2} (précédente\u00a0: {q1})"}
    assert cover[words["text"]["cover_wave"]] == wave[language]
    date = {"en": "24 November 2025", "fr": "24 novembre 2025"}
    assert cover[words["text"]["cover_date"]] == date[language]
    brands = sorted(set(sample.scores["brand"]) - {TOTAL})
    assert cover[words["text"]["cover_brands"]] == ", ".join(brands)
    # the sample records no interview dates: nothing is said about fieldwork
    assert words["text"]["cover_fieldwork"] not in cover
    assert not ws.sheet_view.showGridLines


def test_bases_are_the_respondents_scored_per_population_and_wave(books, sample):
    ws = books["en"].worksheets[0]
    top = find_row(ws, "Respondents scored")
    rows = rows_of(ws)
    waves = [w for w in rows[top - 1][1:] if w]
    assert waves == list(sample.study.waves)
    shown = {r[0]: dict(zip(waves, r[1:1 + len(waves)], strict=True))
             for r in rows[top:top + 3]}
    # independently: the n of each population's headline score for all brands
    s = sample.scores[sample.scores["brand"] == TOTAL]
    n = s.set_index(["measure", "wave"])["n"]
    expected = {"Customers": {w: n["customer_score", w] for w in waves},
                "Non-customers": {w: n["non_customer_score", w] for w in waves},
                "Total": {w: n["tx", w] for w in waves}}
    assert shown == expected
    assert all(v == int(v) for row in shown.values() for v in row.values())


def test_fieldwork_dates_are_shown_when_the_files_carry_them(sample):
    files = sample.files.assign(
        fieldwork_start=["2026-01-05", "2026-04-02", "2026-01-03", "2026-04-01"],
        fieldwork_end=["2026-01-20", "2026-04-21", "2026-01-19", "2026-04-20"])
    dated = dataclasses.replace(sample, files=files)
    for language, text in {"en": "2026 Q1: 3 January 2026 to 20 January 2026; 2026 Q2: "
                                 "1 April 2026 to 21 April 2026",
                           "fr": "2026 Q1\u00a0: du 3 janvier 2026 au 20 janvier 2026\u00a0; "
                                 "2026 Q2\u00a0: du 1er avril 2026 au 21 avril 2026"}.items():
        ws = book(in_language(dated, language)).worksheets[0]
        label = LANGUAGES[language]["text"]["cover_fieldwork"]
        assert rows_of(ws)[find_row(ws, label) - 1][1] == text


# ---------------------------------------------------------------------- contents
@pytest.mark.parametrize("language", ["en", "fr"])
def test_contents_link_to_every_sheet_in_order(books, language):
    wb, words = books[language], LANGUAGES[language]
    ws = wb.worksheets[0]
    top = find_row(ws, words["text"]["contents_title"])
    links, described = [], []
    for r in range(top + 1, top + 1 + len(wb.sheetnames)):
        cell = ws.cell(row=r, column=1)
        assert cell.hyperlink is not None, f"row {r} has no link"
        m = re.fullmatch(r"'((?:[^']|'')+)'!A1", cell.hyperlink.location or "")
        assert m, cell.hyperlink.location
        links.append(m[1].replace("''", "'"))
        assert cell.value == links[-1]
        assert cell.font.u == "single"
        described.append(ws.cell(row=r, column=2).value)
    assert links == wb.sheetnames  # every sheet, each existing, in the workbook's order
    keys = {v: k for k, v in words["sheets"].items()}
    assert described == [words["contents"][keys[name]] for name in links]


def test_overview_fits_one_page_or_the_contents_start_a_page(sample, monkeypatch):
    monkeypatch.setattr(sheets_overview, "headlines_section", lambda sh, ctx: None)
    short = book(sample).worksheets[0]
    assert short.page_setup.orientation == "portrait"
    assert short.page_setup.fitToHeight == 1 and not short.row_breaks.brk

    def many(sh, ctx):
        for i in range(80):
            sh.para(f"Sentence {i} " + "word " * 30)

    monkeypatch.setattr(sheets_overview, "headlines_section", many)
    long = book(sample).worksheets[0]
    assert long.page_setup.fitToHeight == 0
    contents = find_row(long, "Contents")
    assert [b.id for b in long.row_breaks.brk] == [contents - 1]


# ---------------------------------------------------------------------- logo
def drawing_of_first_sheet(data: bytes) -> str | None:
    z = zipfile.ZipFile(io.BytesIO(data))
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    if rels not in z.namelist():
        return None
    m = re.search(r'/drawing" Target="(?:/xl/|\.\./)(drawings/drawing\d+\.xml)"',
                  z.read(rels).decode())
    return z.read(f"xl/{m[1]}").decode() if m else None


def test_logo_top_right_scaled_with_alt_text(sample, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 120), "red").save(logo)
    with_logo = in_language(sample, "en", logo=logo)
    data = workbook_bytes(with_logo)
    drawing = drawing_of_first_sheet(data)
    assert drawing is not None
    assert len(re.findall(r"<(?:xdr:)?pic>", drawing)) == 1
    assert 'descr="Sample TX Study logo"' in drawing
    cx, cy = map(int, re.search(r'<(?:xdr:)?ext cx="(\d+)" cy="(\d+)"', drawing).groups())
    assert cy == 60 * 9525 and abs(cx / cy - 300 / 120) < 0.02  # 60 px high, aspect kept
    col = int(re.search(r"<(?:xdr:)?col>(\d+)<", drawing)[1])
    off = int(re.search(r"<(?:xdr:)?colOff>(\d+)<", drawing)[1])
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    px = [ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width * 7 + 5
          for j in range(1, 9)]
    right = (sum(px[:col]) * 9525 + off) + cx
    assert abs(right - sum(px) * 9525) <= 9525  # flush with the cover's right edge
    # no logo: no picture on the Overview
    assert drawing_of_first_sheet(workbook_bytes(sample)) is None


# ---------------------------------------------------------------------- methodology
def settings_on_sheet(ws) -> dict[str, tuple]:
    """Label -> (value, what it does, name in the study file) of the setting rows."""
    return {r[0]: tuple(r[1:4]) for r in rows_of(ws) if r[0] and len(r) > 3 and r[3]}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_setting_sits_beside_its_own_explanation_in_plain_words(books, sample,
                                                                      language):
    words = words_for(language)
    ws = books[language][words.sheets["methodology"]]
    shown = settings_on_sheet(ws)
    expected = settings_rows(in_language(sample, language).study, words)
    fields = [f.name for t in SETTING_TABLES
              for f in dataclasses.fields(getattr(sample.study, t))]
    assert [r.field for r in expected] == fields
    for r in expected:
        assert shown[r.label] == (r.value, r.help or None, r.key), r.field
        assert r.label in words.table["settings"].values(), f"{r.field} has no words"
        assert r.help, f"{r.field} has no explanation"
        assert not re.search(r'"|\btrue\b|\bfalse\b|^\[', r.value), r.value  # not TOML
    assert len(shown) == len(fields)  # each setting once
    plain = {r.field: r.value for r in expected}
    if language == "en":
        assert plain["confidence"] == "95%" and plain["bootstrap"] == "200 resamples"
        assert plain["multiple_testing"] == "None" and plain["speeder_seconds"] == "60 s"
        assert plain["suppress_below"] == "n_eff 30" and plain["lam"] == "λ = 0.5"
    else:
        assert plain["confidence"] == "95\u00a0%"
        assert plain["bootstrap"] == "200 rééchantillonnages"


def test_multiple_testing_setting_in_words(sample):
    bh = settings_rows(sample.study.with_settings(multiple_testing="bh", bootstrap=2000))
    plain = {r.field: r for r in bh}
    assert plain["multiple_testing"].value == "Benjamini–Hochberg"
    assert "false discovery rate" in plain["multiple_testing"].help
    assert plain["bootstrap"].value == "2,000 resamples"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_glossary_defines_every_term_with_the_studys_thresholds(sample, books, language):
    words = words_for(language)
    study = sample.study.with_settings(suppress_below=25, low_base_below=45,
                                       caution_below=90, language=language)
    rows = dict(glossary_rows(dataclasses.replace(sample, study=study), words))
    terms = [words.measures[m] for m in ("tx", "customer_score", "non_customer_score", "cx",
                                         "bx_customers", "bx_non_customers", "nps")]
    terms += [words.quadrants[q] for q in ("Leading", "Plateauing", "Churning", "Lagging")]
    terms += [words.ip_quadrants[p] for p in ("concentrate", "keep", "low", "overkill")]
    g = words.table["glossary"]
    terms += [words.ip_quadrants.get("unclear", words.methodology["unclear"])]
    terms += [g[f"{k}_term"].format(conf=words.num(95)) for k in (
        "bands", "grid", "ip", "peer", "n", "n_eff", "interval", "bootstrap", "significance",
        "p", "multiple")]
    flags = {f: words.flags[f] for f in ("suppressed", "low_base", "caution")}
    terms += list(flags.values())
    missing = [t for t in terms if not rows.get(t)]
    assert not missing
    for flag, threshold in (("suppressed", 25), ("low_base", 45), ("caution", 90)):
        assert f" {threshold}" in rows[flags[flag]]
    bands = rows[g["bands_term"]]
    for name, lo in study.index.bands:
        assert words.bands[name] in bands
        if math.isfinite(lo):
            assert words.num(lo) in bands
    # on the sheet: every term in the first column, after the Glossary heading
    ws = books[language][words.sheets["methodology"]]
    col_a = [r[0] for r in rows_of(ws)]
    start = col_a.index(words.methodology["s_glossary"])
    assert set(terms) <= set(col_a[start:])


# ---------------------------------------------------------------------- French
def english_pieces() -> set[str]:
    """The literal pieces (between {fields}) of this part's English words that French
    does not share: none may appear in a French sheet."""
    pieces = set()
    pairs = [(EN[t], FR[t]) for t in OWN_TABLES]
    pairs.append(({k: v for k, v in EN["text"].items() if k.startswith(OWN_TEXT)},
                  {k: v for k, v in FR["text"].items() if k.startswith(OWN_TEXT)}))
    for en, fr in pairs:
        for key, text in en.items():
            if text == fr[key]:
                continue
            for piece in re.split(r"\{[^}]*\}", text):
                piece = piece.strip(" .,;:()")
                if len(piece) >= 6 and re.search(r"[a-z]{3}", piece) and piece not in fr[key]:
                    pieces.add(piece)
    return pieces


def said(piece: str, text: str) -> bool:
    """Whether ``text`` holds ``piece`` as words (not inside a name such as
    ``customers_w1.xlsx`` or ``min_customers_for_weights``)."""
    return re.search(rf"(?<![\w.]){re.escape(piece)}(?![\w])", text) is not None


def test_french_overview_and_methodology_have_no_english(books):
    wb = books["fr"]
    pieces = english_pieces()
    assert len(pieces) > 150  # the check has words to look for
    texts = [c for name in (FR["sheets"]["overview"], FR["sheets"]["methodology"])
             for row in rows_of(wb[name]) for c in row if isinstance(c, str)]
    found = sorted({p for p in pieces for t in texts if said(p, t)})
    assert not found
    # and the English sheets do show them (the check can fail)
    english = [c for name in (EN["sheets"]["overview"], EN["sheets"]["methodology"])
               for row in rows_of(books["en"][name]) for c in row if isinstance(c, str)]
    assert sum(any(said(p, t) for t in english) for p in pieces) > 100


def test_french_words_are_complete():
    for table in OWN_TABLES:
        assert set(EN[table]) == set(FR[table]), table
        assert all(FR[table].values()), table
    assert all(k in FR["text"] for k in EN["text"] if k.startswith(OWN_TEXT))
    assert " :" not in "".join(str(v) for t in OWN_TABLES for v in FR[t].values())


def test_bases_table_reads_scored_respondents(sample):
    table = sheets_overview.bases_table(sample)
    expected = sample.files.groupby(["population", "wave"])["respondents_scored"].sum()
    assert table.stack().sort_index().to_dict() == expected.sort_index().to_dict()
    assert isinstance(table, pd.DataFrame)
