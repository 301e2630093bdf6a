"""The client workbook: read back with a second reader, safe text, same bytes, two languages.

Two studies:

* the sample study (surveys/sample) with 200 bootstrap resamples instead of 2,000 (a copy of
  its study.toml with absolute source paths), scored once for the module; the CLI's
  ``txscore score --format json`` on the same spec is the independent reference for the
  Scores sheet;
* a tiny study written by :func:`conftest.make_study`, two waves, where brand "C" has 12
  respondents per population and wave (n_eff < 30: suppressed), brand "E" 60 (low base or
  caution), one brand is literally ``=HYPERLINK("http://x","y")``, respondent ids and
  segment values start with = + - @, an item text and a scale label look like formulas.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from pathlib import Path

import fastexcel
import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import (
    CUSTOMER_ITEMS,
    NON_CUSTOMER_ITEMS,
    base_spec,
    cli_json,
    make_study,
    private_copy,
    write_spec,
)

import txscore as tx
from txscore.reporting import report
from txscore.reporting.excel import write_workbook
from txscore.reporting.methodology import settings_rows
from txscore.reporting.palette import BAND_FILL
from txscore.reporting.text import LANGUAGES, words_for

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "surveys" / "sample"
HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULA_IDS = ["=1+1", "+33 6 12", "-42", "@user"]
SEGMENTS = ["+North", "-South", "@East"]
EN, FR = LANGUAGES["en"], LANGUAGES["fr"]
EN_POP = {v: k for k, v in EN["populations"].items()}
# tiny studies have no purchase-preference items and small bases: the driver analysis says so
pytestmark = [pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning"),
              pytest.mark.usefixtures("fixed_date")]  # conftest: a fixed run date


# ---------------------------------------------------------------------- studies
@pytest.fixture(scope="module")
def sample(sample_scored) -> tx.Result:
    """The sample scored with 200 resamples (a copy of the session's shared result)."""
    return private_copy(sample_scored)


#: chart key -> the sheet it belongs on (keys as reporting.charts.save_charts names them)
CHART_KEYS = {"tx_by_brand_q1": "Summary", "growth_grid_q1": "Summary",
              "cx_vs_bx_q1": "Summary", "trend_tx": "Trend",
              "item_distribution_customer_q1": "Items", "reliability": "Reliability",
              "importance_performance_cx_loyalty_q1": "Drivers"}


def tiny_png(path: Path, colour: str) -> Path:
    from PIL import Image

    Image.new("RGB", (160, 90), colour).save(path)
    return path


@pytest.fixture(scope="module")
def sample_charts(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("charts")
    charts = {k: tiny_png(folder / f"{k}.png", "green") for k in CHART_KEYS}
    charts["trend_cx"] = folder / "missing.png"  # not written: simply not embedded
    return charts


@pytest.fixture(scope="module")
def sample_book(sample, sample_charts, tmp_path_factory) -> Path:
    return write_workbook(sample, tmp_path_factory.mktemp("book") / "sample.xlsx",
                          charts=sample_charts)


def _answers(rng: np.random.Generator, n: int, items: list[str], shift: float) -> dict:
    base = rng.normal(shift, 1.0, n)
    return {c: np.clip(np.rint(base + rng.normal(0, 0.8, n)), 1, 5).astype(int) for c in items}


def _population(rng, items: list[str], prefix: str) -> pd.DataFrame:
    sizes = {"A": 150, "B": 150, HYPERLINK: 150, "E": 60, "C": 12}
    shift = {"A": 3.8, "B": 3.0, HYPERLINK: 3.4, "E": 2.6, "C": 4.5}
    frames = []
    for wave in ("W1", "W2"):
        for brand, n in sizes.items():
            f = pd.DataFrame(_answers(rng, n, items, shift[brand]))
            f.insert(0, "brand", brand)
            f.insert(0, "resp_id", [f"{prefix}{wave}-{brand[:1]}{i}" for i in range(n)])
            f["wave"] = wave
            f["region"] = np.array(SEGMENTS)[np.arange(n) % 3]
            f["weight"] = rng.uniform(0.6, 1.6, n).round(3)
            frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out.loc[:3, "resp_id"] = FORMULA_IDS  # brand A, wave W1
    extra = out.iloc[[0]].assign(region="@East")  # "=1+1" again: a duplicate id
    return pd.concat([out, extra], ignore_index=True)


@pytest.fixture(scope="module")
def tiny_spec(tmp_path_factory) -> Path:
    rng = np.random.default_rng(7)
    customers = _population(rng, [*CUSTOMER_ITEMS, "trust_2"], "c")
    non_customers = _population(rng, ["sal_1", "fit_1", "trust_1", "trust_2"], "n")
    labels = {1: "-2 Strongly disagree", 2: "Disagree", 3: "Neither", 4: "Agree",
              5: "+2 Strongly agree"}
    return make_study(
        tmp_path_factory.mktemp("tiny"), customers, non_customers,
        columns={"segments": ["region"]},
        scales={"agree5": {"labels": labels}},
        constructs={"trust": {"role": "bx_pillar", "dimension": "trust", "label": "@Trust"}},
        items={"trust_2": {"construct": "trust", "scale": "agree5", "text": HYPERLINK}},
        report={"bootstrap": 60, "suppress_below": 30, "low_base_below": 50,
                "caution_below": 100, "peer_min_base": 100})


@pytest.fixture(scope="module")
def tiny(tiny_spec) -> tx.Result:
    return tx.score(tx.load(tx.read_study(tiny_spec)))


@pytest.fixture(scope="module")
def tiny_book(tiny, tmp_path_factory) -> Path:
    return write_workbook(tiny, tmp_path_factory.mktemp("tiny_book") / "tiny.xlsx")


@pytest.fixture(scope="module")
def tiny_cut(tiny_spec) -> tx.Result:
    return tx.score(tx.load(tx.read_study(tiny_spec)), by=["region"])


@pytest.fixture(scope="module")
def tiny_cut_book(tiny_cut, tmp_path_factory) -> Path:
    return write_workbook(tiny_cut, tmp_path_factory.mktemp("cut") / "cut.xlsx")


# ---------------------------------------------------------------------- helpers
def scores_table(path: Path) -> pd.DataFrame:
    """The Scores sheet's Excel table, read by calamine (fastexcel), not by openpyxl."""
    reader = fastexcel.read_excel(path)
    assert "Scores" in reader.table_names()
    # calamine turns numbers into text with 9 decimals: read the mixed column twice
    table = reader.load_table("Scores", dtypes={"Score": "float"}).to_pandas()
    text = reader.load_table("Scores", dtypes={"Score": "string"}).to_pandas()["Score"]
    return table.assign(Score_text=text.where(table["Score"].isna()))


def compare_with_json(path: Path, payload: dict, by: tuple[str, ...] = ()) -> int:
    table = scores_table(path)
    keys = ["wave", *by, "brand", "population", "measure"]
    table = table.rename(columns={"Wave": "wave", "Brand": "brand", "Population": "population",
                                  "Measure code": "measure", **{b.capitalize(): b for b in by},
                                  "n": "wb_n", "n_eff": "wb_n_eff"})
    table["population"] = table["population"].map(EN_POP)
    ref = pd.DataFrame(payload["scores"])
    assert len(table) == len(ref)
    merged = ref.merge(table, on=keys, how="left", validate="one_to_one", indicator=True)
    assert (merged["_merge"] == "both").all()
    hidden = merged["flag"] == "suppressed"
    assert merged.loc[hidden, "value"].isna().all()
    assert (merged.loc[hidden, "Score_text"] == "n<30").all()
    assert merged.loc[hidden, ["Score", "CI low", "CI high", "SE"]].isna().all().all()
    shown = merged.loc[~hidden]
    assert shown["Score_text"].isna().all()
    np.testing.assert_allclose(shown["Score"], shown["value"], rtol=1e-13, atol=1e-12)
    for col, ref_col in (("CI low", "ci_low"), ("CI high", "ci_high"), ("SE", "se"),
                         ("wb_n", "n"), ("wb_n_eff", "n_eff"), ("Design effect", "deff")):
        got, want = shown[col].astype(float), shown[ref_col].astype(float)
        np.testing.assert_array_equal(got.isna(), want.isna(), err_msg=col)
        np.testing.assert_allclose(got[want.notna()], want[want.notna()], rtol=1e-13,
                                   atol=1e-12, err_msg=col)
    assert (shown["Base flag"].fillna("") == shown["flag"].map(EN["flags"])).all()
    return len(merged)


def xml_parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}


def header_fill(cell) -> bool:
    return str(cell.fill.fgColor.rgb).endswith("1F3864")


def rows_with_headers(ws):
    """(header texts, row cells) for every row below a header row of the sheet (a table may
    start in the second column, right of the brands' colour swatches)."""
    header = None
    for row in ws.iter_rows():
        if any(c.value is not None and header_fill(c) for c in row[:2]):
            header = [c.value for c in row]
            continue
        yield header, row


# ---------------------------------------------------------------------- second reader
def test_scores_sheet_equals_cli_json_for_every_row(sample_cli_json, sample, sample_book):
    # the json: the session's ``txscore score`` of the sample with 200 resamples
    assert compare_with_json(sample_book, private_copy(sample_cli_json)) == \
        len(sample.scores) > 300


def test_suppressed_rows_carry_no_number_and_match_the_json(tiny_spec, tiny_book, tiny):
    assert (tiny.scores["flag"] == "suppressed").sum() >= 20  # brand C everywhere
    assert compare_with_json(tiny_book, cli_json(tiny_spec)) == len(tiny.scores)


def test_segment_cut_matches_the_json(tiny_spec, tiny_cut, tiny_cut_book):
    assert compare_with_json(tiny_cut_book, cli_json(tiny_spec, "--by", "region"),
                             ("region",)) == len(tiny_cut.scores)


# ---------------------------------------------------------------------- safe text
def test_formula_like_text_is_written_as_text(tiny_cut_book):
    book = tiny_cut_book
    wb = openpyxl.load_workbook(book)
    found: dict[str, list[str]] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"formula in {ws.title}!{c.coordinate}: {c.value}"
                if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@")):
                    assert c.data_type == "s"
                    found.setdefault(c.value, []).append(ws.title)
    assert set(found[HYPERLINK]) >= {"Summary", "Scores", "Trend", "Items"}  # brand, item text
    for text in [*SEGMENTS, "-2 Strongly disagree", "+2 Strongly agree", "@Trust"]:
        assert text in found, text
    # respondent ids (here "=1+1") reach the workbook only with show_ids (test_outputs)
    assert "=1+1" not in found
    parts = xml_parts(book)
    assert not any(re.search(r"<(\w+:)?f[ >]", x) for x in parts.values())
    texts = [t for x in parts.values() for t in re.findall(r"<t[^>]*>([^<]*)</t>", x)]
    assert HYPERLINK.replace('"', "&quot;") in texts or HYPERLINK in texts


# ---------------------------------------------------------------------- determinism
def test_two_runs_give_identical_bytes_with_charts(sample, sample_charts, sample_book,
                                                  tmp_path):
    again = write_workbook(sample, tmp_path / "again.xlsx", charts=sample_charts)
    assert again.read_bytes() == sample_book.read_bytes()
    assert not list(tmp_path.glob("*.tmp"))


def test_charts_are_embedded_on_the_sheets_that_discuss_them(sample_book):
    wb = openpyxl.load_workbook(sample_book)
    counts = {ws.title: len(ws._images) for ws in wb.worksheets}
    expected = pd.Series(CHART_KEYS).value_counts().to_dict()
    assert {k: v for k, v in counts.items() if v} == expected


# ---------------------------------------------------------------------- French
def test_french_workbook_sheet_names_headers_bands_and_quadrants(sample, tmp_path):
    fr = dataclasses.replace(sample, study=sample.study.with_settings(language="fr"))
    book = write_workbook(fr, tmp_path / "fr.xlsx")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == [FR["sheets"][k] for k in (
        "overview", "scorecards", "summary", "scores", "trend", "items", "reliability",
        "drivers", "tables", "scenarios", "planning", "exclusions", "methodology")]
    assert wb.sheetnames[:5] == ["Vue d’ensemble", "Fiches marques", "Synthèse", "Scores",
                                 "Tendances"]
    scores = fastexcel.read_excel(book).load_table("Scores", dtypes="string").to_pandas()
    assert scores.columns[:6].tolist() == ["Vague", "Marque", "Population", "Niveau", "Mesure",
                                           "Score"]
    assert set(scores["Niveau de score"].dropna()) <= set(FR["bands"].values())
    assert {"Très faible", "Bon"} <= set(scores["Niveau de score"].dropna())
    assert "Toutes marques" in set(scores["Marque"])
    assert set(scores["Population"]) == {"Clients", "Non-clients", "Ensemble des répondants"}
    texts = {c.value for row in wb["Synthèse"].iter_rows() for c in row
             if isinstance(c.value, str)}
    quadrants = words_for("fr").quadrants
    assert {"Leader", "En retard"} <= {t.rstrip(" *") for t in texts}
    assert not {t.rstrip(" *") for t in texts} & {"Leading", "Lagging", "Plateauing"}
    assert set(quadrants.values()) >= {"Leader", "En plateau", "En retard"}
    assert any(t.startswith("Comment lire") for t in texts)
    rel = {c.value for row in wb["Fiabilité"].iter_rows() for c in row if c.value}
    assert any(isinstance(t, str) and t.startswith("discutable") for t in rel)


def test_english_sheet_names(sample_book):
    assert openpyxl.load_workbook(sample_book).sheetnames == [
        "Overview", "Scorecards", "Summary", "Scores", "Trend", "Items", "Reliability",
        "Drivers", "Tables", "Scenarios", "Planning", "Exclusions", "Methodology"]


# ---------------------------------------------------------------------- personal data
def test_personal_column_never_reaches_the_workbook(sample_book):
    reader = fastexcel.read_excel(SAMPLE / "customers_w1.xlsx")
    emails = reader.load_sheet("Responses", use_columns=["email"]).to_pandas()["email"]
    assert emails.str.endswith("@example.com").all()
    everything = "\n".join(xml_parts(sample_book).values())
    assert "@example.com" not in everything
    strings = set(re.findall(r"<t[^>]*>([^<]*)</t>", everything))
    assert not strings & set(emails)


# ---------------------------------------------------------------------- suppression
ALLOWED_NUMBER_COLUMNS = {"n", "n_eff", "Design effect", "Row", "n customers", "n_eff customers",
                          "n non-customers", "n_eff non-customers"}


def test_suppressed_brand_shows_the_text_and_no_number_anywhere(tiny, tiny_book):
    assert set(tiny.scores.loc[tiny.scores["brand"] == "C", "flag"]) == {"suppressed"}
    wb = openpyxl.load_workbook(tiny_book)
    seen_text = set()
    rows_seen = 0
    for ws in wb.worksheets:
        for header, row in rows_with_headers(ws):
            if not any(c.value == "C" for c in row):
                continue
            rows_seen += 1
            for c in row:
                if c.value == "n<30":
                    seen_text.add(ws.title)
                if isinstance(c.value, int | float) and not isinstance(c.value, bool):
                    name = header[c.column - 1] if header else None
                    assert name in ALLOWED_NUMBER_COLUMNS, (ws.title, c.coordinate, name, c.value)
    assert rows_seen > 50
    assert seen_text >= {"Summary", "Scores", "Trend", "Items"}


def test_low_base_brand_is_grey_in_the_summary(tiny, tiny_book):
    flags = set(tiny.scores.loc[(tiny.scores["brand"] == "E") & (tiny.scores["measure"] == "tx"),
                                "flag"])
    assert flags <= {"low_base", "caution"} and flags
    ws = openpyxl.load_workbook(tiny_book)["Summary"]
    row = next(r for r in ws.iter_rows() if r[1].value == "E")
    numbers = [c for c in row[2:5] if isinstance(c.value, float)]
    assert numbers and all(c.font.i and str(c.font.color.rgb).endswith("767676")
                           for c in numbers)
    assert all(c.fill.fgColor.rgb in (None, "00000000") for c in numbers)


def test_the_workbook_reads_the_flags_and_compares_no_base(tiny, tmp_path):
    """Reporting decides nothing: a cell the scoring flags suppressed shows no number however
    large its base, and one it flags ok shows its number however small its base."""
    s = tiny.scores
    big = (s["brand"] == "A") & (s["measure"] == "tx")
    small = (s["brand"] == "C") & (s["measure"] == "tx")
    assert (s.loc[big, "n_eff"] > 100).all() and (s.loc[small, "flag"] == "suppressed").all()
    scores = s.assign(flag=s["flag"].mask(big, "suppressed").mask(small, "ok"),
                      value=s["value"].mask(small, 12.345))
    book = write_workbook(dataclasses.replace(tiny, scores=scores), tmp_path / "flags.xlsx")
    table = scores_table(book)
    tx_rows = table[table["Measure code"] == "tx"]
    assert (tx_rows.loc[tx_rows["Brand"] == "A", "Score_text"] == "n<30").all()
    assert tx_rows.loc[tx_rows["Brand"] == "A", "Score"].isna().all()
    assert (tx_rows.loc[tx_rows["Brand"] == "C", "Score"] == 12.345).all()


# ---------------------------------------------------------------------- Summary
def summary_blocks(ws) -> dict[str, dict[str, list]]:
    """{wave heading: {brand: row cells}} and the header of each block (brands in the
    second column, right of their colour swatch)."""
    blocks, current, headers = {}, None, {}
    for row in ws.iter_rows():
        v = row[1].value
        if isinstance(row[0].value, str) and row[0].value.startswith("Wave "):
            current = row[0].value[5:]
            blocks[current] = {}
        elif current and header_fill(row[1]):
            headers[current] = [c.value for c in row]
        elif current and v is None:
            current = None
        elif current:
            blocks[current][v] = row
    return {w: {"header": headers[w], **b} for w, b in blocks.items()}


def test_summary_values_bands_and_arrows_follow_the_result(sample, sample_book):
    """Values and bands from the result; a marker only for a significant change since the
    previous wave (significant and base flag ok), none for the peers (the Scorecards carry
    the peer gaps); N shown once (it is BX among non-customers); n only (n_eff in Scores)."""
    ws = openpyxl.load_workbook(sample_book)["Summary"]
    blocks = summary_blocks(ws)
    assert list(blocks) == sample.study.waves
    s, ch = sample.scores, sample.changes
    measures = {"TX score": ("tx", "all"), "CX index": ("cx", "customer"),
                "Non-customer score (N)": ("bx_non_customers", "non_customer"),
                "NPS": ("nps", "customer")}
    arrows = 0
    for wave, block in blocks.items():
        header = block.pop("header")
        assert "BX non-customers" not in header and "n_eff customers" not in header
        assert set(block) == {"All brands" if b == "All brands" else b
                              for b in s.loc[s["wave"] == wave, "brand"]}
        for brand, row in block.items():
            for name, (m, pop) in measures.items():
                cell = row[header.index(name)]
                rec = s[(s["wave"] == wave) & (s["brand"] == brand) & (s["measure"] == m)
                        & (s["population"] == pop)].iloc[0]
                assert cell.value == pytest.approx(rec["value"], abs=1e-12)
                if rec["band"]:
                    assert str(cell.fill.fgColor.rgb).endswith(BAND_FILL[rec["band"]])
                sig = ch[(ch["wave"] == wave) & (ch["brand"] == brand) & (ch["measure"] == m)
                         & (ch["population"] == pop) & ch["significant"]
                         & (ch["flag"] == "ok") & (ch["comparison"] == "wave")]
                want = "" if sig.empty else "▲" if sig["difference"].iloc[0] > 0 else "▼"
                got = [a for a in "▲▼↑↓" if a in cell.number_format]
                assert got == ([want] if want else []), (wave, brand, m)
                arrows += bool(want)
            n_col = header.index("n customers")
            base = s[(s["wave"] == wave) & (s["brand"] == brand)
                     & (s["population"] == "customer")].iloc[0]
            assert row[n_col].value == base["n"]
    assert arrows >= 5  # the sample's significant wave changes of these measures


def test_reliability_warnings_name_every_construct_that_is_not_ok(sample, sample_book):
    ws = openpyxl.load_workbook(sample_book)["Reliability"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    rel = sample.reliability
    bad = rel[(rel["verdict"] != "ok") | (rel["notes"] != "")]
    assert len(bad) >= 1
    for r in bad.itertuples():
        pop = EN["populations"][r.population]
        line = next(t for t in texts if t.startswith(f"{r.label} – {pop}:"))
        assert f"alpha {r.alpha:.2f}" in line and line.endswith(
            words_for("en").verdict(r.verdict, r.notes))


# ---------------------------------------------------------------------- Trend and Items
def test_trend_changes_and_p_values_equal_the_result(sample, sample_book):
    ws = openpyxl.load_workbook(sample_book)["Trend"]
    rows = list(ws.iter_rows(values_only=True))
    at = rows.index(next(r for r in rows if r[0] == "TX score"))
    header = rows[at + 1]
    ch = sample.changes
    tx_ch = ch[(ch["comparison"] == "wave") & (ch["measure"] == "tx")].set_index("brand")
    w1, w2 = sample.study.waves
    checked = 0
    for r in rows[at + 2:]:
        if r[1] is None:  # brands in the second column, right of their colour swatch
            break
        brand = "All brands" if r[1] == "All brands" else r[1]
        assert r[header.index(f"Change vs {w1}")] == pytest.approx(tx_ch.at[brand, "difference"])
        assert r[header.index(f"p vs {w1}")] == pytest.approx(tx_ch.at[brand, "p_value"])
        s = sample.scores
        v2 = s[(s["measure"] == "tx") & (s["brand"] == brand) & (s["wave"] == w2)]["value"]
        assert r[header.index(w2)] == pytest.approx(v2.iloc[0])
        checked += 1
    assert checked == 7


def test_item_distribution_shares_and_top_box(sample, sample_book):
    reader = fastexcel.read_excel(sample_book)
    keys = ["Wave", "Population", "Item", "Brand"]
    # the shares (columns headed by the answer codes) and the scores: two tables, one row
    # for one row, the same identifying columns
    table = reader.load_table("Items_agree7").to_pandas().merge(
        reader.load_table("ItemScores_agree7").to_pandas(), on=keys, validate="one_to_one")
    assert len(table) == len(reader.load_table("Items_agree7").to_pandas())
    labels = [str(c) for c in sample.study.scales["agree7"].codes]
    shares = table[labels]
    np.testing.assert_allclose(shares.sum(axis=1), 100, atol=1e-9)
    # top box = share of codes 6 and 7, computed here from the distribution columns
    np.testing.assert_allclose(table["Top box %"], shares[labels[5:]].sum(axis=1), atol=1e-9)
    d = sample.distributions
    one = d[(d["item"] == "eff_1") & (d["brand"] == "Adatum") & (d["wave"] == "2026 Q1")]
    row = table[(table["Item"] == "eff_1") & (table["Brand"] == "Adatum")
                & (table["Wave"] == "2026 Q1")]
    np.testing.assert_allclose(row[labels].to_numpy(float)[0], 100 * one["share"], rtol=1e-12)
    item = sample.items.query("item == 'eff_1' and brand == 'Adatum' and wave == '2026 Q1'")
    assert row["Score100"].iloc[0] == pytest.approx(item["score100"].iloc[0])
    assert row["Net CI low"].iloc[0] == pytest.approx(item["net_ci_low"].iloc[0])


# ---------------------------------------------------------------------- Drivers
def synthetic_drivers() -> pd.DataFrame:
    rows = [("effectiveness", 50.0, 60.0), ("ease", 30.0, 80.0), ("emotion", 20.0, 70.0)]
    return pd.DataFrame({
        "analysis": "cx_loyalty", "outcome": "Loyalty composite", "population": "customer",
        "wave": "2026 Q1", "driver": [r[0] for r in rows], "label": ["Eff", "Ease", "Emo"],
        "importance": [r[1] for r in rows], "ci_low": [45.0, 25.0, 15.0],
        "ci_high": [55.0, 35.0, 25.0], "raw_weight": [0.2, 0.12, 0.08], "sign": [1, 1, -1],
        "r2": 0.4, "n": 3000, "n_eff": 2700.5, "performance": [r[2] for r in rows],
        "performance_ci_low": [59.0, 79.0, 69.0], "performance_ci_high": [61.0, 81.0, 71.0],
        "method": "relative_weights", "warning": ["", "", "=near duplicate"]})


def test_drivers_sheet_from_a_synthetic_frame(tiny, tmp_path):
    result = dataclasses.replace(tiny, drivers=synthetic_drivers())
    book = write_workbook(result, tmp_path / "drivers.xlsx")
    table = fastexcel.read_excel(book).load_table("Drivers").to_pandas()
    assert table["Driver"].tolist() == ["Eff", "Ease", "Emo"]  # labels, by importance
    np.testing.assert_allclose(table["Importance (sum 100)"], [50, 30, 20])
    np.testing.assert_allclose(table["Sign"], [1, 1, -1])
    # means: importance 33.3, performance 70 -> effectiveness important (45-55) and below
    # the mean (59-61); ease's importance interval (25-35) and emotion's performance
    # interval (69-71) cross their means: no clear priority
    priorities = fastexcel.read_excel(book).load_table("DriverPriorities").to_pandas()
    assert priorities["Driver"].tolist() == ["Eff", "Ease", "Emo"]
    assert priorities["Priority"].tolist() == ["Concentrate here", "No clear priority",
                                               "No clear priority"]
    assert table["Analysis"].iloc[0] == EN["analyses"]["cx_loyalty"]
    ws = openpyxl.load_workbook(book)["Drivers"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "=near duplicate")
    assert cell.data_type == "s"
    empty = dataclasses.replace(tiny, drivers=pd.DataFrame())
    assert "Drivers" not in openpyxl.load_workbook(
        write_workbook(empty, tmp_path / "none.xlsx")).sheetnames


# ---------------------------------------------------------------------- Exclusions
def reconciliation(path: Path) -> pd.DataFrame:
    return fastexcel.read_excel(path).load_table("Reconciliation").to_pandas()


def reasons_table(path: Path) -> pd.DataFrame:
    return fastexcel.read_excel(path).load_table("ExclusionReasons").to_pandas()


def test_exclusions_counts_and_shares_per_file_and_reason(sample, sample_book):
    table = reconciliation(sample_book).set_index("File")
    assert len(table) == len(sample.files)
    assert (table["Rows in"] == table["Scored"] + table["Excluded"]).all()
    assert (table["Reconciles"] == "yes").all()
    # per file and reason, counted again from the ledger: rows, and their share of the file's
    counts = sample.exclusions.groupby(["source_file", "reason"]).size()
    rows_in = sample.files.set_index("source_file")["rows_in"]
    names = {v: k for k, v in EN["reasons"].items()}
    long = reasons_table(sample_book)
    got = long.set_index(["File", long["Reason"].map(names)])
    assert sorted(got.index) == sorted(counts.index)
    np.testing.assert_array_equal(got["Respondent x brand rows"], counts.loc[got.index])
    np.testing.assert_allclose(got["Rows %"], counts.loc[got.index].to_numpy()
                               / rows_in.loc[got.index.get_level_values(0)].to_numpy())
    ledger = fastexcel.read_excel(sample_book).load_table("Ledger").to_pandas()
    assert len(ledger) == len(sample.exclusions)


def test_exclusions_show_a_reason_txscore_does_not_know_yet(tiny, tmp_path):
    # a reason and a detail code from a newer ingest: shown as they are, header and reason
    robots = [2] + [0] * (len(tiny.files) - 1)
    files = tiny.files.assign(robot=robots)
    files["excluded"] += files["robot"]
    files["rows_in"] += files["robot"]
    extra = tiny.exclusions.iloc[[0, 0]].assign(source_file=files["source_file"].iloc[0],
                                                reason="robot", detail="captcha_failed(3)")
    result = dataclasses.replace(tiny, files=files, exclusions=pd.concat(
        [tiny.exclusions, extra], ignore_index=True))
    book = write_workbook(result, tmp_path / "robot.xlsx")
    long = reasons_table(book)
    robot = long[long["Reason"] == "robot"]
    assert robot["File"].tolist() == [files["source_file"].iloc[0]]
    assert robot["Respondent x brand rows"].tolist() == [2]
    assert robot["Rows %"].iloc[0] == pytest.approx(2 / files["rows_in"].iloc[0])
    ledger = fastexcel.read_excel(book).load_table("Ledger").to_pandas()
    robot = ledger[ledger["Reason"] == "robot"]
    assert len(robot) == 2 and (robot["Detail"] == "captcha_failed(3)").all()


def test_exclusions_details_are_in_the_workbook_s_language(tiny, tmp_path):
    # the ledger holds detail codes; the Exclusions sheet says them in words, per language
    extra = tiny.exclusions.iloc[[0, 0]].assign(
        reason=["speeder", "duplicate_id"],
        detail=["duration_below(42.5<60)", "same_id_as:w1 %281%29.csv(17)"])
    result = dataclasses.replace(tiny, exclusions=pd.concat([tiny.exclusions, extra],
                                                            ignore_index=True))
    words = {}
    for language in ("en", "fr"):
        study = dataclasses.replace(result.study, report=dataclasses.replace(
            result.study.report, language=language))
        book = write_workbook(dataclasses.replace(result, study=study),
                              tmp_path / f"{language}.xlsx")
        ledger = fastexcel.read_excel(book).load_table("Ledger").to_pandas()
        words[language] = ledger.iloc[-2:, -1].tolist()
    assert words["en"] == ["duration 42.5 s < 60 s", "same id as w1 (1).csv row 17"]
    assert words["fr"] == ["durée 42,5\xa0s < 60\xa0s", "même identifiant que w1 (1).csv ligne 17"]


# ---------------------------------------------------------------------- Methodology
def methodology(path: Path, sheet: str = "Methodology") -> dict[str, str]:
    ws = openpyxl.load_workbook(path)[sheet]
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0] and len(r) > 1 and r[1]}


def settings_on_sheet(path: Path, sheet: str = "Methodology") -> dict[str, tuple]:
    """Setting rows of the Methodology sheet: label -> (value, what it does, study-file
    name)."""
    ws = openpyxl.load_workbook(path)[sheet]
    return {r[0]: tuple(r[1:4]) for r in ws.iter_rows(values_only=True)
            if r[0] and len(r) > 3 and r[3]}


def test_methodology_states_every_setting_file_and_version(sample, sample_book):
    import importlib.metadata as md

    rows = methodology(sample_book)
    settings = settings_on_sheet(sample_book)
    for s in settings_rows(sample.study):
        assert settings[s.label] == (s.value, s.help or None, s.key)
    assert settings["Random seed"][:3:2] == (str(sample.study.report.seed), "[report] seed")
    assert settings["Bootstrap resamples"][:3:2] == ("200 resamples", "[report] bootstrap")
    for f in sample.files.itertuples():
        text = rows[f"{f.source_file} [{f.source_sheet}]"]
        assert f.sha256 in text and f"{f.rows_in:,} rows" in text
    assert rows["pandas"] == md.version("pandas") and rows["openpyxl"] == md.version("openpyxl")
    assert "email" in rows["Personal data"]
    assert rows["NPS"] == "recommend" and "promoters" in settings["NPS"][1]
    assert rows["Multiple testing"].startswith("None")
    assert rows["Run date"] == "2025-11-24"  # SOURCE_DATE_EPOCH
    assert "0.324" in rows["CX weights used"] or "weights" in rows["CX index"].lower()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_methodology_says_which_sources_weigh_one(tmp_path, language):
    # a weighted study whose customer file has no weight column: its respondents weigh 1
    rng = np.random.default_rng(3)
    frames = {"c.csv": (CUSTOMER_ITEMS, "customer", {}),
              "n.csv": (NON_CUSTOMER_ITEMS, "non_customer", {"weight": "poids"})}
    spec = base_spec()
    for name, (items, pop, columns) in frames.items():
        frame = pd.DataFrame({c: rng.integers(1, 6, 40) for c in items})
        frame.insert(0, "resp_id", [f"{name[0]}{i}" for i in range(40)])
        frame.insert(1, "brand", np.resize(["A", "B"], 40))
        if columns:
            frame["poids"] = rng.choice([0.5, 1.5], 40)
        frame.to_csv(tmp_path / name, index=False)
        spec["sources"].append({"path": name, "population": pop, "wave": "W1",
                                **({"columns": columns} if columns else {})})
    spec["report"]["language"] = language
    result = tx.score(tx.load(tx.read_study(write_spec(tmp_path, spec))))
    assert result.files.set_index("source_file")["weight_source"].to_dict() == {
        "c.csv": "none", "n.csv": "column:poids"}
    rows = methodology(write_workbook(result, tmp_path / "w.xlsx"),
                       LANGUAGES[language]["sheets"]["methodology"])
    m = LANGUAGES[language]["methodology"]
    assert rows[m["k_weight"]] == f"{m['weight_one']} (c.csv); poids (n.csv)"
    assert rows[m["k_weighting"]] == (m["weighting_sources"] + " "
                                      + m["constant_weight"].format(files="c.csv"))
    data = result.scores  # and the customers did weigh 1: n_eff = n
    cust = data[(data["population"] == "customer") & (data["measure"] == "cx")]
    np.testing.assert_allclose(cust["n_eff"], cust["n"])


def test_benjamini_hochberg_is_explained_and_used(tiny, tmp_path):
    study = tiny.study.with_settings(multiple_testing="bh")
    bh = dataclasses.replace(tiny, study=study)
    book = write_workbook(bh, tmp_path / "bh.xlsx")
    multiple = settings_on_sheet(book)["Multiple testing"]
    assert multiple[0] == "Benjamini–Hochberg" and "Benjamini-Hochberg" in multiple[1]
    header = next(r for r in openpyxl.load_workbook(book)["Trend"].iter_rows(values_only=True)
                  if r[1] == "Brand")
    assert f"p (BH) vs {tiny.study.waves[0]}" in header


# ---------------------------------------------------------------------- print and widths
def formatted(value: float, fmt: str) -> str:
    """What Excel shows for the number formats txscore uses (first section)."""
    section = fmt.split(";")[0] if value >= 0 or ";" not in fmt else fmt.split(";")[1]
    if section.startswith("[<"):
        section = fmt.split(";")[1]
    suffix = "".join(re.findall(r'"([^"]*)"', section))
    core = re.sub(r'"[^"]*"', "", section)
    decimals = len(core.split(".")[1].rstrip("%")) if "." in core else 0
    pct = core.endswith("%")
    v = abs(value) * (100 if pct else 1) if ";" in fmt else value * (100 if pct else 1)
    text = f"{v:,.{decimals}f}" if "," in core else f"{v:.{decimals}f}"
    sign = "+" if core.startswith("+") else "-" if core.startswith("-") else ""
    return sign + text + ("%" if pct else "") + suffix


def test_every_number_fits_its_column_and_pages_are_print_ready(sample_book):
    wb = openpyxl.load_workbook(sample_book)
    checked = 0
    for ws in wb.worksheets:
        assert ws.page_setup.orientation in ("landscape", "portrait")  # tests/test_print.py
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.left.text == "Sample TX Study"
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        for row in ws.iter_rows(min_row=3):
            for c in row:
                if isinstance(c.value, int | float) and not isinstance(c.value, bool):
                    text = formatted(float(c.value), c.number_format)
                    width = widths.get(c.column_letter) or 8.43
                    arrows = sum(text.count(a) for a in "▲▼↑↓")
                    assert len(text) + arrows <= width - 1, (ws.title, c.coordinate, text, width)
                    checked += 1
    assert checked > 5000
    assert wb["Scores"].freeze_panes == "A5" and wb["Scores"].print_title_rows == "$4:$4"
    assert wb["Summary"].freeze_panes is None  # a table per wave: no one header to freeze


def test_interrupted_write_leaves_the_old_workbook_and_no_temporary_file(tiny, tmp_path,
                                                                         monkeypatch):
    import txscore.reporting.excel as excel

    book = tmp_path / "book.xlsx"
    book.write_bytes(b"old")

    def boom(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(excel.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_workbook(tiny, book)
    assert book.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_report_embeds_what_it_writes(tiny, tmp_path):
    paths = report(tiny, tmp_path / "out", charts=False)
    assert list(paths) == ["workbook"] and paths["workbook"].name == "Tiny study.xlsx"
    sheets = openpyxl.load_workbook(paths["workbook"]).sheetnames
    assert sheets[:3] == ["Overview", "Scorecards", "Summary"]


def test_report_publishes_all_or_nothing_and_refuses_the_input_folder(tiny, tmp_path,
                                                                    monkeypatch):
    """The guarantees of ``txscore report`` hold for notebooks: tx.report itself refuses the
    inputs' folder and leaves the previous report intact when a write fails."""
    import txscore.reporting.excel as excel
    from txscore.errors import OutputError

    out = tmp_path / "out"
    before = report(tiny, out, charts=False)["workbook"].read_bytes()

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(excel, "atomic_write", full_disk)
    with pytest.raises(OutputError, match="Cannot write the report") as caught:
        report(tiny, out, charts=False)
    assert "No space left on device" in str(caught.value.problems[0])
    assert [p.name for p in out.iterdir()] == ["Tiny study.xlsx"]  # no staging folder left
    assert (out / "Tiny study.xlsx").read_bytes() == before
    inputs = tiny.study.spec_path.parent
    with pytest.raises(OutputError, match="Cannot write") as caught:
        report(tiny, inputs, charts=False)
    assert "holds the study's input files" in str(caught.value.problems[0])
    assert "allow_input_folder=True" in str(caught.value.problems[0])
    assert not (inputs / "Tiny study.xlsx").exists()


def test_a_customers_only_single_wave_study_gets_every_sheet_it_can_have(tmp_path):
    rng = np.random.default_rng(3)
    customers = pd.DataFrame(_answers(rng, 40, CUSTOMER_ITEMS, 3.5))
    result = tx.score(tx.load(tx.read_study(make_study(tmp_path, customers))))
    assert result.changes.empty or not (result.changes["comparison"] == "wave").any()
    wb = openpyxl.load_workbook(write_workbook(result, tmp_path / "one.xlsx"))
    assert wb.sheetnames[:4] == ["Overview", "Scorecards", "Summary", "Scores"]
    assert "Methodology" in wb.sheetnames
    header = next(r for r in wb["Summary"].iter_rows(values_only=True) if r[1] == "Brand")
    assert "TX score" not in header and "CX index" in header
