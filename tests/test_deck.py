"""The PowerPoint deck: read back with python-pptx, its numbers against the json output,
suppressed cells, hostile names, the client's template, same bytes, French, the report's
publish and the command line, and a render by LibreOffice Impress.

Two studies, as in test_workbook.py:

* the sample study with 200 bootstrap resamples (a copy of its study.toml with absolute
  source paths); ``txscore score --format json`` on the same spec, run through the CLI's
  entry point, is the independent reference for every number the deck shows;
* a tiny study of two waves where brand "C" is suppressed (12 respondents a cell), brand
  "E" has a low base, one brand is literally ``=HYPERLINK("http://x","y")`` and one has a
  name of 130 characters.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import os
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import CUSTOMER_ITEMS, cli_json, make_study, sample_copy
from lxml import etree
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches

import txscore as tx
from txscore.cli import main
from txscore.errors import OutputError, ParameterError, TxscoreWarning
from txscore.reporting import report
from txscore.reporting.deck import deck_bytes, write_deck
from txscore.reporting.headlines import headlines
from txscore.reporting.text import words_for

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "surveys" / "sample"
HYPERLINK = '=HYPERLINK("http://x","y")'
LONG = "Société " + "très longue " * 10 + "et fin"  # 130 characters
NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
TOTAL = "All brands"
WAVE = "2026 Q2"
STAMP = "2025-11-24T16:00:00Z"  # SOURCE_DATE_EPOCH as the document properties write it
BRANDS = ["Adatum", "Contoso", "Fabrikam", "Litware", "Northwind", "Tailspin"]
pytestmark = [pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning"),
              pytest.mark.usefixtures("fixed_date")]  # conftest: a fixed run date


# ---------------------------------------------------------------------- studies
@pytest.fixture(scope="module")
def sample_spec(tmp_path_factory) -> Path:
    return sample_copy(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def sample(sample_spec) -> tx.Result:
    return tx.score(tx.load(tx.read_study(sample_spec)))


@pytest.fixture(scope="module")
def payload(sample_spec) -> dict:
    """``txscore score SPEC --format json``, through the CLI's entry point."""
    return cli_json(sample_spec)


@pytest.fixture(scope="module")
def deck_path(sample, tmp_path_factory) -> Path:
    return write_deck(sample, tmp_path_factory.mktemp("deck") / "sample.pptx")


@pytest.fixture(scope="module")
def prs(deck_path):
    return Presentation(str(deck_path))


def _population(rng, items: list[str], prefix: str) -> pd.DataFrame:
    sizes = {"A": 150, "B": 150, HYPERLINK: 150, LONG: 150, "E": 60, "C": 12}
    frames = []
    for wave in ("W1", "W2"):
        for k, (brand, n) in enumerate(sizes.items()):
            base = rng.normal(2.6 + 0.3 * k, 1.0, n)
            f = pd.DataFrame({c: np.clip(np.rint(base + rng.normal(0, 0.8, n)), 1, 5)
                              .astype(int) for c in items})
            f.insert(0, "brand", brand)
            f.insert(0, "resp_id", [f"{prefix}{wave}-{k}-{i}" for i in range(n)])
            f["wave"] = wave
            f["region"] = np.array(["North", "South"])[np.arange(n) % 2]
            frames.append(f)
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def tiny_spec(tmp_path_factory) -> Path:
    rng = np.random.default_rng(11)
    return make_study(
        tmp_path_factory.mktemp("tiny"), _population(rng, CUSTOMER_ITEMS, "c"),
        _population(rng, ["sal_1", "fit_1", "trust_1"], "n"),
        columns={"segments": ["region"]},
        report={"bootstrap": 60, "suppress_below": 30, "low_base_below": 80,
                "caution_below": 100, "peer_min_base": 100})


@pytest.fixture(scope="module")
def tiny(tiny_spec) -> tx.Result:
    return tx.score(tx.load(tx.read_study(tiny_spec)))


@pytest.fixture(scope="module")
def tiny_prs(tiny, tmp_path_factory):
    path = write_deck(tiny, tmp_path_factory.mktemp("tiny_deck") / "tiny.pptx")
    return path, Presentation(str(path))


# ---------------------------------------------------------------------- helpers
def title_of(slide) -> str:
    return slide.shapes.title.text_frame.text


def charts(slide) -> list:
    return [s.chart for s in slide.shapes if s.has_chart]


def slide_by_title(prs, title: str):
    found = [s for s in prs.slides if title_of(s) == title]
    assert len(found) == 1, (title, [title_of(s) for s in prs.slides])
    return found[0]


def points(element) -> dict[int, float]:
    """Cached values of a ``c:cat``/``c:val``/``c:xVal``/``c:yVal``/``c:plus``: idx ->
    value."""
    return {int(p.get("idx")): float(p.find("c:v", NS).text)
            for p in element.iterfind(".//c:pt", NS)}


def series_of(chart) -> list[dict]:
    """Every series of a chart, read from its XML: name, values, x and y values, and the
    error bars' plus and minus values by direction."""
    out = []
    for ser in chart.element.iterfind(".//c:ser", NS):
        entry = {"name": ser.find("c:tx//c:v", NS).text, "bars": {}}
        for tag in ("val", "xVal", "yVal"):
            el = ser.find(f"c:{tag}", NS)
            entry[tag] = points(el) if el is not None else {}
        cat = ser.find("c:cat", NS)
        entry["cat"] = {int(p.get("idx")): p.find("c:v", NS).text
                        for p in cat.iterfind(".//c:pt", NS)} if cat is not None else {}
        for bars in ser.iterfind("c:errBars", NS):
            direction = bars.find("c:errDir", NS)
            entry["bars"][direction.get("val") if direction is not None else "y"] = (
                points(bars.find("c:plus", NS)), points(bars.find("c:minus", NS)))
        out.append(entry)
    return out


def r1(x) -> float:
    return round(float(x), 1)


def table(payload: dict, name: str) -> pd.DataFrame:
    return pd.DataFrame(payload[name])


def score(payload: dict, measure: str, brand: str, wave: str = WAVE) -> pd.Series:
    s = table(payload, "scores")
    row = s[(s["measure"] == measure) & (s["brand"] == brand) & (s["wave"] == wave)]
    assert len(row) == 1, (measure, brand, wave)
    return row.iloc[0]


def every_text(prs) -> list[str]:
    """Every text of the deck: titles, text frames, tables, notes, charts' names."""
    texts = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [c.text for row in shape.table.rows for c in row.cells]
            if shape.has_chart:
                for ser in series_of(shape.chart):
                    texts += [ser["name"], *ser["cat"].values()]
                rich = shape.chart.element.iterfind(".//c:tx//a:t", NS)
                texts += [t.text for t in rich]
                texts += [t.text for t in shape.chart.element.iterfind(".//c:title//a:t", NS)]
        texts.append(slide.notes_slide.notes_text_frame.text)
    return texts


def collapse(prs) -> list[str]:
    """The slide titles without page numbers, a run of pages counted once."""
    out: list[str] = []
    for slide in prs.slides:
        base = re.sub(r" \(\d+/\d+\)$", "", title_of(slide))
        if not out or out[-1] != base:
            out.append(base)
    return out


def expected_titles(result, words) -> list[str]:
    """The deck's slide titles, before the page numbers of slides that run over several."""
    lines = ["Sample TX Study"] + (["Headlines"] if headlines(result, words) else [])
    lines += [f"TX score by brand – {WAVE}", f"Growth grid – {WAVE}",
              f"CX and BX among customers – {WAVE}", "TX score by wave", "CX index by wave",
              "BX customers by wave", "BX non-customers by wave"]
    lines += [f"Scorecard – {b}, {WAVE}" for b in BRANDS]
    lines += [f"Key drivers – {a}, {WAVE}" for a in (
        "CX dimensions → loyalty", "BX pillars → preference (customers)",
        "BX pillars → preference (non-customers)")]
    lines += [f"What if: {s.name} – {s.brand}, {s.wave or WAVE}" for s in result.study.scenarios]
    return [*lines, "Appendix", "Reliability of the constructs", "Methodology"]


# ---------------------------------------------------------------------- structure
def test_slides_and_titles_as_listed(prs, sample):
    titles = [title_of(s) for s in prs.slides]
    collapsed, pages = [], {}
    for title in titles:
        m = re.fullmatch(r"(.*) \((\d+)/(\d+)\)", title)
        base = m[1] if m else title
        if m:
            pages.setdefault(base, []).append((int(m[2]), int(m[3])))
        if not collapsed or collapsed[-1] != base:
            collapsed.append(base)
    assert collapsed == expected_titles(sample, words_for("en"))
    for base, numbers in pages.items():  # k/n run 1..n without a gap
        n = numbers[0][1]
        assert numbers == [(k, n) for k in range(1, n + 1)], base
    assert len(prs.slides) == len(titles) >= 24
    assert prs.slide_width * 9 == prs.slide_height * 16  # the plain default is 16:9


def test_chart_types_and_no_pictures(prs, deck_path):
    kinds = {}
    for slide in prs.slides:
        kinds[title_of(slide)] = [c.chart_type for c in charts(slide)]
        assert not [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    bar, xy, line = (XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.XY_SCATTER,
                     XL_CHART_TYPE.LINE_MARKERS)
    assert kinds[f"TX score by brand – {WAVE}"] == [bar]
    assert kinds[f"Growth grid – {WAVE}"] == kinds[f"CX and BX among customers – {WAVE}"] == [xy]
    assert kinds["TX score by wave"] == kinds["BX non-customers by wave"] == [line]
    assert kinds[f"Key drivers – CX dimensions → loyalty, {WAVE}"] == [bar, xy]
    assert kinds[f"Scorecard – Adatum, {WAVE}"] == []
    assert sum(len(k) for k in kinds.values()) == 1 + 2 + 4 + 3 * 2
    with zipfile.ZipFile(deck_path) as z:  # native charts: no image but the thumbnail
        assert not [n for n in z.namelist() if n.startswith("ppt/media/")]
        assert len([n for n in z.namelist() if re.fullmatch(r"ppt/charts/chart\d+\.xml", n)]
                   ) == 13


# ---------------------------------------------------------------------- the numbers
def test_tx_bars_equal_the_json(prs, payload):
    (chart,) = charts(slide_by_title(prs, f"TX score by brand – {WAVE}"))
    (ser,) = series_of(chart)
    brands = [TOTAL if c == "All brands" else c for c in ser["cat"].values()]
    assert sorted(brands) == sorted([*BRANDS, TOTAL])
    assert brands[0] == TOTAL  # drawn last, at the bottom: first category
    shown = [ser["val"][i] for i in range(1, len(brands))]
    assert shown == sorted(shown)  # the best at the top (the last category)
    plus, minus = ser["bars"]["y"]
    for i, brand in enumerate(brands):
        ref = score(payload, "tx", brand)
        assert r1(ser["val"][i]) == r1(ref["value"]), brand
        assert r1(ser["val"][i] + plus[i]) == r1(ref["ci_high"]), brand
        assert r1(ser["val"][i] - minus[i]) == r1(ref["ci_low"]), brand
    labels = chart.element.find(".//c:dLbl", NS)
    assert labels is not None and chart.element.find(".//c:dLbl/c:showVal", NS).get("val") == "1"


def test_growth_grid_points_equal_the_json(prs, payload):
    (chart,) = charts(slide_by_title(prs, f"Growth grid – {WAVE}"))
    grid = table(payload, "grid")
    grid = grid[grid["wave"] == WAVE].set_index("brand")
    found = {s["name"]: s for s in series_of(chart)}
    for brand in BRANDS:
        ser = found[brand]
        assert r1(ser["xVal"][0]) == r1(grid.loc[brand, "non_customer_score"])
        assert r1(ser["yVal"][0]) == r1(grid.loc[brand, "customer_score"])
        cross = found[f"{brand}: 95% interval"]  # horizontal segment, gap, vertical one
        n, c = score(payload, "non_customer_score", brand), score(payload, "customer_score",
                                                                   brand)
        assert [r1(cross["xVal"][i]) for i in (0, 1)] == [r1(n["ci_low"]), r1(n["ci_high"])]
        assert [r1(cross["yVal"][i]) for i in (3, 4)] == [r1(c["ci_low"]), r1(c["ci_high"])]
        assert 2 not in cross["yVal"]
    peer = found["Peer average"]
    assert r1(peer["yVal"][0]) == r1(grid["peer_customer"].iloc[0])
    assert r1(peer["xVal"][3]) == r1(grid["peer_non_customer"].iloc[0])
    lengths = [len(s["xVal"]) for s in series_of(chart)]
    assert lengths == sorted(lengths, reverse=True)  # LibreOffice: longest series first
    corners = [t.text for t in chart.element.iterfind(".//c:dLbl/c:tx//a:t", NS)]
    assert corners == ["Plateauing", "Leading", "Lagging", "Churning"]


def test_cx_vs_bx_points_equal_the_json(prs, payload):
    (chart,) = charts(slide_by_title(prs, f"CX and BX among customers – {WAVE}"))
    found = {s["name"]: s for s in series_of(chart)}
    for brand in [*BRANDS, TOTAL]:
        ser = found[brand]
        assert r1(ser["xVal"][0]) == r1(score(payload, "cx", brand)["value"])
        assert r1(ser["yVal"][0]) == r1(score(payload, "bx_customers", brand)["value"])
    assert "CX = BX" in found


def test_trend_lines_equal_the_json(prs, payload):
    for measure, title in (("tx", "TX score by wave"), ("cx", "CX index by wave"),
                           ("bx_non_customers", "BX non-customers by wave")):
        (chart,) = charts(slide_by_title(prs, title))
        series = series_of(chart)
        assert [s["name"] for s in series] == [*BRANDS, TOTAL]
        for ser in series:
            assert list(ser["cat"].values()) == ["2026 Q1", WAVE]
            plus, minus = ser["bars"]["y"]
            for i, wave in enumerate(["2026 Q1", WAVE]):
                ref = score(payload, measure, ser["name"], wave)
                assert r1(ser["val"][i]) == r1(ref["value"]), (title, ser["name"], wave)
                assert r1(ser["val"][i] + plus[i]) == r1(ref["ci_high"])
                assert r1(ser["val"][i] - minus[i]) == r1(ref["ci_low"])


def test_driver_charts_equal_the_json(prs, payload):
    d = table(payload, "drivers")
    d = d[(d["analysis"] == "cx_loyalty") & (d["wave"] == WAVE)]
    labels = {"Effectiveness": "effectiveness", "Ease": "ease", "Emotion": "emotion"}
    bars, scatter = charts(slide_by_title(prs, f"Key drivers – CX dimensions → loyalty, {WAVE}"))
    (ser,) = series_of(bars)
    by_driver = d.set_index("driver")
    order = [labels[c] for c in ser["cat"].values()]
    assert order == list(by_driver["importance"].sort_values().index)  # largest at the top
    for i, driver in enumerate(order):
        assert r1(ser["val"][i]) == r1(by_driver.loc[driver, "importance"])
    found = {s["name"]: s for s in series_of(scatter)}
    for label, driver in labels.items():
        assert r1(found[label]["xVal"][0]) == r1(by_driver.loc[driver, "importance"])
        assert r1(found[label]["yVal"][0]) == r1(by_driver.loc[driver, "performance"])
    means = found["Means"]
    assert r1(means["xVal"][3]) == r1(d["importance"].mean())
    assert r1(means["yVal"][0]) == r1(d["performance"].mean())


def _expected_change(changes: pd.DataFrame, comparison: str, measure: str, brand: str) -> str:
    rows = changes[(changes["comparison"] == comparison) & (changes["measure"] == measure)
                   & (changes["brand"] == brand) & (changes["wave"] == WAVE)]
    if rows.empty:
        return "—"
    row = rows.iloc[0]
    d = round(row["difference"], 1)
    text = ("+" if d > 0 else "−" if d < 0 else "") + f"{abs(row['difference']):.1f}"
    significant = bool(row["significant"]) and row["flag"] == "ok"
    return f"{text}, significant" if significant else f"{text}, not significant"


def test_scorecards_equal_the_json(prs, payload):
    changes = table(payload, "changes")
    names = {"TX score": "tx", "Customer score (C)": "customer_score",
             "Non-customer score (N)": "non_customer_score", "CX index": "cx",
             "BX customers": "bx_customers", "BX non-customers": "bx_non_customers",
             "NPS": "nps"}
    seen_significant = seen_not = 0
    for brand in BRANDS:
        slide = slide_by_title(prs, f"Scorecard – {brand}, {WAVE}")
        (shape,) = [s for s in slide.shapes if s.has_table]
        cells = [[c.text for c in row.cells] for row in shape.table.rows]
        assert cells[0] == ["Measure", "Score", "95% interval", "Base (n_eff)",
                            "Change since 2026 Q1", "Gap to peer average"]
        assert [r[0] for r in cells[1:]] == list(names)
        for row, table_row in zip(cells[1:], list(shape.table.rows)[1:], strict=True):
            ref = score(payload, names[row[0]], brand)
            assert row[1] == f"{ref['value']:.1f}".replace("-", "−")
            assert row[2] == (f"{ref['ci_low']:.1f} to {ref['ci_high']:.1f}").replace("-", "−")
            assert row[3] == f"{round(ref['n_eff']):,}"
            assert row[4] == _expected_change(changes, "wave", names[row[0]], brand)
            assert row[5] == _expected_change(changes, "peer", names[row[0]], brand)
            for cell, text in zip(list(table_row.cells)[4:], row[4:], strict=True):
                bold = cell.text_frame.paragraphs[0].runs[0].font.bold
                assert bold == text.endswith(", significant"), (brand, row)
                seen_significant += text.endswith(", significant")
                seen_not += text.endswith("not significant")
    assert seen_significant > 10 and seen_not > 10  # both kinds are checked


def test_reliability_table_equals_the_json(prs, payload):
    rel = table(payload, "reliability")
    rows = []
    for slide in prs.slides:
        if title_of(slide).startswith("Reliability of the constructs"):
            (shape,) = [s for s in slide.shapes if s.has_table]
            rows += [[c.text for c in r.cells] for r in list(shape.table.rows)[1:]]
    assert len(rows) == len(rel)
    for row, ref in zip(rows, rel.itertuples(), strict=True):
        assert row[2] == f"{ref.alpha:.2f} [{ref.ci_low:.2f} to {ref.ci_high:.2f}]"
        assert row[3] == f"{ref.omega_total:.2f}"
        assert row[4].startswith(ref.verdict if ref.verdict != "ok" else "ok")


def test_every_slide_has_its_bases_in_the_footer_and_notes(prs):
    for slide in prs.slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert any(t.startswith(("Bases", "Base (n_eff)")) for t in texts), title_of(slide)
        notes = slide.notes_slide.notes_text_frame.text
        assert "Bases: " in notes or title_of(slide) == "Appendix", title_of(slide)
        if charts(slide) or title_of(slide).startswith("Scorecard"):
            assert "Method: " in notes or "Intervals: " in notes, title_of(slide)
    tx_slide = slide_by_title(prs, f"TX score by brand – {WAVE}")
    footer = [s.text_frame.text for s in tx_slide.shapes if s.has_text_frame][-1]
    assert "Northwind 992" in footer and "All brands 5,498" in footer


# ---------------------------------------------------------------------- determinism
def test_same_inputs_give_the_same_bytes(sample, deck_path, tmp_path):
    again = write_deck(sample, tmp_path / "again.pptx")
    assert again.read_bytes() == deck_path.read_bytes() == deck_bytes(sample)
    with zipfile.ZipFile(deck_path) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
        for book in [n for n in z.namelist() if n.endswith(".xlsx")]:
            with zipfile.ZipFile(io.BytesIO(z.read(book))) as inner:
                assert STAMP in inner.read("docProps/core.xml").decode()
    props = Presentation(str(deck_path)).core_properties
    assert (props.author, props.last_modified_by, props.revision) == ("txscore", "txscore", 1)
    assert str(props.created) == str(props.modified) == "2025-11-24 16:00:00"
    assert STAMP in core
    assert "<dc:creator>txscore</dc:creator>" in core


# ---------------------------------------------------------------------- French
def test_french_deck_has_french_titles_and_no_english_word(sample, tmp_path):
    fr = dataclasses.replace(sample, study=sample.study.with_settings(language="fr"))
    deck = Presentation(str(write_deck(fr, tmp_path / "fr.pptx")))
    titles = [title_of(s) for s in deck.slides]
    for title in (f"Score TX par marque – {WAVE}", f"Grille de croissance – {WAVE}",
                  f"CX et BX auprès des clients – {WAVE}", "Score TX par vague",
                  f"Fiche marque – Adatum, {WAVE}", "Annexe",
                  f"Facteurs clés – Dimensions CX → fidélité, {WAVE}"):
        assert title in titles, (title, titles)
    assert any(t.startswith("Méthodologie") for t in titles)
    english = re.compile(r"\b(Scorecard|Waves?|Change since|significant|Headlines|Appendix|"
                         r"Peer average|interval|Key drivers|Methodology|Customers|by wave|"
                         r"Effectiveness|Emotion|Trust|Loyalty|Purchase|Bases \(n_eff\):|"
                         r"Importance \(%|explained|Reliability|Means)\b")
    found = [t for t in every_text(deck) if english.search(t)]
    assert not found, found[:5]
    card = slide_by_title(deck, f"Fiche marque – Adatum, {WAVE}")
    (shape,) = [s for s in card.shapes if s.has_table]
    assert shape.table.cell(1, 1).text == f"{score_value(sample, 'tx', 'Adatum'):.1f}".replace(
        ".", ",")


def score_value(result, measure: str, brand: str) -> float:
    s = result.scores
    return float(s[(s["measure"] == measure) & (s["brand"] == brand) & (s["wave"] == WAVE)]
                 ["value"].iloc[0])


# ---------------------------------------------------------------------- hostile text
def test_suppressed_cells_never_get_a_number(tiny, tiny_prs):
    _, deck = tiny_prs
    s = tiny.scores
    hidden = set(s.loc[(s["brand"] == "C"), "flag"])
    assert hidden == {"suppressed"}
    for slide in deck.slides:
        for chart in charts(slide):
            for ser in series_of(chart):
                assert not ser["name"].startswith("C:"), title_of(slide)  # no interval
                if ser["name"] == "C":  # a line may name it, without a point
                    assert not ser["val"] and not ser["yVal"], title_of(slide)
                for i, cat in ser["cat"].items():
                    if cat.startswith("C (") or cat == "C":
                        assert i not in ser["val"], title_of(slide)
                        assert "n<30: suppressed" in cat
        if title_of(slide).startswith("Scorecard – C,"):
            (shape,) = [x for x in slide.shapes if x.has_table]
            for row in list(shape.table.rows)[1:]:
                cells = [c.text for c in row.cells]
                assert cells[1] == "n<30: suppressed" and cells[2] == "—"
                assert cells[4:] == ["—", "—"]
    bars = [c for sl in deck.slides for c in charts(sl)
            if title_of(sl).startswith("TX score by brand")][0]
    (ser,) = series_of(bars)
    assert "C (n<30: suppressed)" in ser["cat"].values()


def test_hostile_names_are_only_text(tiny_prs):
    path, deck = tiny_prs
    texts = every_text(deck)
    assert any(HYPERLINK in t for t in texts)
    on_charts, in_titles = LONG[:31].rstrip() + "…", LONG[:59].rstrip() + "…"  # cut
    names = [ser["name"] for sl in deck.slides for c in charts(sl) for ser in series_of(c)]
    assert on_charts in names and LONG not in names
    assert f"Scorecard – {in_titles}, W2" in [title_of(s) for s in deck.slides]
    with zipfile.ZipFile(path) as z:
        books = [n for n in z.namelist() if n.startswith("ppt/embeddings/")]
        assert books
        for name in books:
            with zipfile.ZipFile(io.BytesIO(z.read(name))) as book:
                for part in book.namelist():
                    xml = book.read(part).decode("utf-8")
                    assert not re.search(r"<(\w+:)?f[ >]", xml), (name, part)
                    assert "hyperlink" not in part.lower()
        strings = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
        assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in strings or \
            HYPERLINK in strings


def test_a_low_base_brand_is_flagged_in_words(tiny, tiny_prs):
    _, deck = tiny_prs
    flags = set(tiny.scores.loc[tiny.scores["brand"] == "E", "flag"])
    assert flags & {"low_base", "caution"}
    card = [s for s in deck.slides if title_of(s).startswith("Scorecard – E,")][0]
    (shape,) = [x for x in card.shapes if x.has_table]
    scores = [shape.table.cell(r, 1).text for r in range(1, len(shape.table.rows))]
    assert any("(Low base)" in t or "(Caution)" in t for t in scores)
    bars = [c for sl in deck.slides for c in charts(sl)
            if title_of(sl).startswith("TX score by brand")][0]
    tx_flag = tiny.scores.query("measure == 'tx' and brand == 'E' and wave == 'W2'")["flag"]
    word = {"low_base": "Low base", "caution": "Caution"}[tx_flag.iloc[0]]
    assert f"E ({word})" in series_of(bars)[0]["cat"].values()


# ---------------------------------------------------------------------- template
def make_template(path: Path) -> Path:
    """A client's deck: 12 x 6.75 in, its own fonts and accent colour, a renamed content
    layout, a mark on its master, and one slide of its own."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(12), Inches(6.75)
    prs.slide_layouts[1].name = "Client content"
    mark = etree.fromstring(
        '<p:sp xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:nvSpPr>'
        '<p:cNvPr id="99" name="Client mark"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr>'
        '<a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="91440"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr></p:sp>')
    tree = prs.slide_masters[0].element.find(".//{*}spTree")
    tree.append(mark)
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "Template's own slide"
    raw = io.BytesIO()
    prs.save(raw)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "ppt/theme/theme1.xml":
                text = data.decode()
                text = text.replace('<a:majorFont><a:latin typeface="Calibri"/>',
                                    '<a:majorFont><a:latin typeface="Georgia"/>')
                text = text.replace('<a:minorFont><a:latin typeface="Calibri"/>',
                                    '<a:minorFont><a:latin typeface="Courier New"/>')
                text = text.replace('<a:accent1><a:srgbClr val="4F81BD"/>',
                                    '<a:accent1><a:srgbClr val="C00000"/>')
                assert text.count("Georgia") == text.count("Courier New") == 1
                data = text.encode()
            dst.writestr(info, data)
    return path


def test_the_client_template_gives_master_layouts_and_theme(sample, tmp_path):
    template = make_template(tmp_path / "client.pptx")
    path = write_deck(sample, tmp_path / "client_deck.pptx", template=template)
    deck = Presentation(str(path))
    assert (deck.slide_width, deck.slide_height) == (Inches(12), Inches(6.75))
    layouts = [s.slide_layout.name for s in deck.slides]
    assert layouts[0] == "Title Slide"
    assert layouts.count("Client content") == len(layouts) - 2  # but title and appendix
    assert layouts[[title_of(s) for s in deck.slides].index("Appendix")] == "Section Header"
    master = deck.slide_masters[0]
    assert "Client mark" in [s.name for s in master.shapes]
    assert all(s.slide_layout.slide_master == master for s in deck.slides)
    assert "Template's own slide" not in [title_of(s) for s in deck.slides]
    with zipfile.ZipFile(path) as z:
        theme = z.read("ppt/theme/theme1.xml").decode()
        assert "Georgia" in theme and "Courier New" in theme and "C00000" in theme
        parts = [z.read(n).decode() for n in z.namelist()
                 if re.fullmatch(r"ppt/(slides|charts)/\w+\.xml", n)]
    typefaces = {t for p in parts for t in re.findall(r'typeface="([^"]*)"', p)}
    assert typefaces <= {"+mn-lt", "+mj-lt"}  # the theme's fonts everywhere
    plain = Presentation(io.BytesIO(deck_bytes(sample)))  # the same slides, another look
    assert collapse(plain) == collapse(deck)  # (text pages may differ: another size)
    assert path.read_bytes() == deck_bytes(sample, template)


def test_a_template_that_is_not_a_presentation_is_a_located_error(sample, tmp_path):
    bad = tmp_path / "client.pptx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(OutputError) as info:
        deck_bytes(sample, bad)
    assert str(bad) in str(info.value) and "deck_template" in str(info.value)


# ---------------------------------------------------------------------- report, CLI
def test_report_publishes_the_deck_beside_the_workbook(tiny, tmp_path):
    out = tmp_path / "report"
    paths = report(tiny, out, charts=False, deck=True)
    assert paths["deck"] == out / "Tiny study.pptx" and paths["deck"].is_file()
    assert paths["workbook"].parent == paths["deck"].parent
    assert paths["deck"].read_bytes() == deck_bytes(tiny)
    off = report(tiny, tmp_path / "no_deck", charts=False)  # [report] deck = false
    assert "deck" not in off and not list((tmp_path / "no_deck").glob("*.pptx"))
    on = dataclasses.replace(tiny, study=tiny.study.with_settings(deck=True))
    assert "deck" in report(on, tmp_path / "by_setting", charts=False)
    assert "deck" not in report(on, tmp_path / "refused", charts=False, deck=False)


def test_a_segmented_result_gets_no_deck(tiny_spec, tmp_path):
    cut = tx.score(tx.load(tx.read_study(tiny_spec)), by=["region"])
    with pytest.raises(ParameterError, match="No deck"):
        deck_bytes(cut)
    with pytest.warns(TxscoreWarning, match="No deck"):
        paths = report(cut, tmp_path / "cut", charts=False, deck=True)
    assert "deck" not in paths and paths["workbook"].is_file()


def test_cli_report_deck(tiny_spec, tmp_path):
    out = tmp_path / "cli"
    text = io.StringIO()
    with contextlib.redirect_stdout(text), warnings.catch_warnings():
        warnings.simplefilter("ignore", TxscoreWarning)
        assert main(["report", str(tiny_spec), "--out", str(out), "--deck", "--no-charts",
                     "-q"]) == 0
    assert (out / "Tiny study.pptx").is_file()
    assert "Deck:" in text.getvalue()


# ---------------------------------------------------------------------- rendering
def test_libreoffice_impress_renders_the_decks(deck_path, sample, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs LibreOffice (soffice) to render the deck")
        pytest.skip("LibreOffice (soffice) is not installed")
    fr = write_deck(dataclasses.replace(sample, study=sample.study.with_settings(
        language="fr")), tmp_path / "fr.pptx")
    for path in (deck_path, fr):
        out = tmp_path / path.stem
        done = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
             "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(path)],
            capture_output=True, text=True, timeout=300, check=False)
        pdf = out / f"{path.stem}.pdf"
        assert done.returncode == 0 and pdf.is_file(), done.stderr
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
        assert pages == len(Presentation(str(path)).slides)
