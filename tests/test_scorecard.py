"""The Scorecards sheet (issue 17): one card per brand, read back with openpyxl.

Every figure a card shows is checked against the result's tables, selected here with pandas:
the scores (to 1e-9), the change and peer words against the ``changes`` table with the one
significance rule (``significant`` and flag "ok"), the quadrant against ``grid``, the top
drivers against ``drivers`` and the reliability caveats against ``reliability``. A
suppressed brand shows the suppressed text and no number; the focus brand comes first; the
French card speaks French.
"""

from __future__ import annotations

import dataclasses
import math
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import CUSTOMER_ITEMS, make_study, private_copy

import txscore as tx
from txscore.reporting.excel import write_workbook
from txscore.reporting.palette import BAND_FILL, brand_colours
from txscore.reporting.text import LANGUAGES

HEADER_FILL = "1F3864"
HYPERLINK = '=HYPERLINK("http://x","y")'
HEADLINE = [("tx", "all"), ("customer_score", "customer"), ("non_customer_score", "non_customer"),
            ("cx", "customer"), ("bx_customers", "customer"),
            ("bx_non_customers", "non_customer"), ("nps", "customer")]
pytestmark = [pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning"),
              pytest.mark.usefixtures("fixed_date")]  # conftest: a fixed run date


@pytest.fixture(scope="module")
def sample(sample_scored) -> tx.Result:
    """The sample scored with 200 resamples (a copy of the session's shared result)."""
    return private_copy(sample_scored)


def scorecards(result: tx.Result, folder: Path, name: str = "book.xlsx"):
    """The Scorecards sheet of the result's workbook, read back."""
    wb = openpyxl.load_workbook(write_workbook(result, folder / name))
    sheet = LANGUAGES[result.study.report.language]["sheets"]["scorecards"]
    assert wb.sheetnames[1] == sheet
    return wb[sheet]


@pytest.fixture(scope="module")
def sample_sheet(sample, tmp_path_factory):
    return scorecards(sample, tmp_path_factory.mktemp("scorecards"))


# ---------------------------------------------------------------------- reading cards
def is_header(cell) -> bool:
    return str(cell.fill.fgColor.rgb).endswith(HEADER_FILL)


def card_rows(ws) -> list[int]:
    """The first row of each card: row 4, then the row after each page break."""
    return [4, *sorted(b.id + 1 for b in ws.row_breaks.brk)]


def read_cards(ws) -> list[dict]:
    """Each card: brand, its title cell, line, index rows by measure name, the texts below,
    drivers (analysis -> rows)."""
    starts = card_rows(ws)
    ends = [*[s - 1 for s in starts[1:]], ws.max_row]
    cards = []
    for top, end in zip(starts, ends, strict=True):
        rows = [[c for c in r] for r in ws.iter_rows(min_row=top, max_row=end)]
        card = {"brand": rows[0][0].value, "title": rows[0][0], "line": rows[1][0].value,
                "index": {}, "texts": [], "drivers": {}, "headers": []}
        part, analysis = None, None
        for row in rows[2:]:
            first = row[0]
            if first.value is None:
                continue
            if is_header(first):
                card["headers"].append([c.value for c in row])
                part = "index" if len(card["headers"]) == 1 else "drivers"
                continue
            if part == "index" and any(c.value is not None for c in row[1:]):
                card["index"][first.value] = row
                continue
            if part == "drivers" and all(c.value is None for c in row[1:]):
                if first.coordinate in ws.merged_cells:  # an analysis' name
                    analysis = first.value
                    card["drivers"][analysis] = []
                    continue
            if part == "drivers" and analysis is not None and any(
                    c.value is not None for c in row[1:]):
                card["drivers"][analysis].append(row)
                continue
            part = "texts"
            card["texts"].append(first.value)
        cards.append(card)
    return cards


def one(table: pd.DataFrame, **where) -> pd.Series | None:
    mask = np.ones(len(table), bool)
    for k, v in where.items():
        mask &= (table[k] == v).to_numpy()
    hits = table[mask]
    assert len(hits) <= 1, where
    return None if hits.empty else hits.iloc[0]


def interval_text(low: float, high: float, language: str = "en") -> str:
    def num(x):
        text = f"{x:.1f}"
        return text.replace(".", ",") if language == "fr" else text
    return f"{num(low)} – {num(high)}"


EN_SC = LANGUAGES["en"]["scorecard"]


# ---------------------------------------------------------------------- tests
def test_one_card_per_brand_each_on_its_own_page_in_its_colour(sample, sample_sheet):
    ws = sample_sheet
    cards = read_cards(ws)
    brands = sorted(set(sample.scores["brand"]) - {"All brands"})
    assert [c["brand"] for c in cards] == brands
    assert len(ws.row_breaks.brk) == len(brands) - 1
    colours = brand_colours(sample)
    for card in cards:
        title = card["title"]
        assert title.fill.fgColor.rgb[-6:] == colours[card["brand"]].lstrip("#")
        # the text colour is the one of black and white that contrasts more with the fill
        rgb = np.array([int(title.fill.fgColor.rgb[-6:][i:i + 2], 16) for i in (0, 2, 4)])
        lin = np.where(rgb / 255 <= 0.04045, rgb / 255 / 12.92,
                       ((rgb / 255 + 0.055) / 1.055) ** 2.4)
        lum = lin @ [0.2126, 0.7152, 0.0722]
        want = "FFFFFF" if 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 else "000000"
        assert title.font.color.rgb[-6:] == want and title.font.b
        assert card["line"].startswith("2026 Q2 – base: ")
        n = sample.scores.query("wave == '2026 Q2' and brand == @card['brand']")
        n_cust = n.loc[n["population"] == "customer", "n"].iloc[0]
        assert f"{n_cust:,} customers" in card["line"]
        assert len(card["headers"]) == 2  # one index table, one drivers table
    assert ws.freeze_panes is None and ws.print_title_rows is None
    assert {c["line"] for c in cards} and ws.title == "Scorecards"


def test_card_scores_intervals_bases_and_bands_equal_the_result(sample, sample_sheet):
    s = sample.scores
    names = LANGUAGES["en"]["measures"]
    checked = 0
    for card in read_cards(sample_sheet):
        header = card["headers"][0]
        assert header[:4] == ["Measure", "Score", "95% interval", "Change vs 2026 Q1"]
        assert list(card["index"]) == [names[m] for m, _ in HEADLINE]
        for m, pop in HEADLINE:
            rec = one(s, wave="2026 Q2", brand=card["brand"], measure=m, population=pop)
            row = card["index"][names[m]]
            assert rec["flag"] == "ok"
            assert abs(row[1].value - rec["value"]) < 1e-9
            assert row[2].value == interval_text(rec["ci_low"], rec["ci_high"])
            assert row[7].value == rec["n"]
            assert row[8].value is None  # no base note on an ok base
            if m != "nps":
                assert row[1].fill.fgColor.rgb[-6:] == BAND_FILL[rec["band"]]
            checked += 1
    assert checked == 6 * 7


def test_change_and_peer_words_follow_the_changes_table(sample, sample_sheet):
    ch = sample.changes
    names = LANGUAGES["en"]["measures"]
    seen = {"rise": 0, "fall": 0, "flat": 0, "above": 0, "below": 0, "in_line": 0}
    for card in read_cards(sample_sheet):
        for m, pop in HEADLINE:
            row = card["index"][names[m]]
            for comparison, col, up, down, neither in (("wave", 3, "rise", "fall", "flat"),
                                                       ("peer", 5, "above", "below", "in_line")):
                rec = one(ch, comparison=comparison, wave="2026 Q2", brand=card["brand"],
                          measure=m, population=pop)
                if rec is None:  # the NPS has no peer comparison
                    assert row[col].value is None and row[col + 1].value is None
                    continue
                assert abs(row[col].value - rec["difference"]) < 1e-9
                sig = bool(rec["significant"]) and rec["flag"] == "ok"
                key = (up if rec["difference"] > 0 else down) if sig else neither
                assert row[col + 1].value == EN_SC[key], (card["brand"], m, comparison)
                assert bool(row[col + 1].font.b) == sig
                seen[key] += 1
    assert seen["rise"] + seen["fall"] > 3 and seen["flat"] > 3, seen
    assert seen["above"] + seen["below"] > 3, seen


def quadrant_lines(cards) -> dict[str, str]:
    return {c["brand"]: next(t for t in c["texts"] if t.startswith("Growth-grid quadrant"))
            for c in cards}


def test_quadrant_is_the_grid_s_with_the_previous_one_when_it_moved(sample, sample_sheet,
                                                                     tmp_path):
    quadrants = LANGUAGES["en"]["quadrants"]

    def check(result, lines) -> int:
        g, moved = result.grid, 0
        for brand, line in lines.items():
            now = one(g, wave="2026 Q2", brand=brand)["quadrant"]
            before = one(g, wave="2026 Q1", brand=brand)["quadrant"]
            if now == before:
                assert line == f"Growth-grid quadrant: {quadrants[now]}."
            else:
                moved += 1
                assert line == (f"Growth-grid quadrant: {quadrants[now]} "
                                f"(in 2026 Q1: {quadrants[before]}).")
        return moved

    assert check(sample, quadrant_lines(read_cards(sample_sheet))) == 0  # nobody moved
    g = sample.grid
    first = (g["wave"] == "2026 Q1") & (g["brand"] == "Adatum")
    assert (g.loc[first, "quadrant"] != "Leading").all()
    moved = dataclasses.replace(sample, grid=g.assign(
        quadrant=g["quadrant"].mask(first, "Leading"),
        flag=g["flag"].mask((g["wave"] == "2026 Q2") & (g["brand"] == "Tailspin"),
                            "suppressed")))
    lines = quadrant_lines(read_cards(scorecards(moved, tmp_path)))
    assert lines.pop("Tailspin") == EN_SC["quadrant_hidden"]
    assert check(moved, lines) == 1


def test_top_three_drivers_with_the_brand_s_score_and_peer_gap(sample, sample_sheet):
    d = sample.drivers[sample.drivers["wave"] == "2026 Q2"]
    analyses = LANGUAGES["en"]["analyses"]
    ch, s = sample.changes, sample.scores
    rows_checked = 0
    for card in read_cards(sample_sheet):
        assert card["headers"][1] == ["Driver", "Brand's score", "Importance (%)",
                                      "Gap to peer average", "Versus peers", None, None, None,
                                      None]
        assert list(card["drivers"]) == [analyses[a] for a in dict.fromkeys(d["analysis"])]
        for analysis, rows in d.groupby("analysis", sort=False):
            top = rows.reindex(rows["importance"].abs().sort_values(ascending=False).index)
            top = top.head(3)
            shown = card["drivers"][analyses[analysis]]
            assert [r[0].value for r in shown] == top["label"].tolist()
            for row, rec in zip(shown, top.to_dict("records"), strict=True):
                assert abs(row[2].value - rec["importance"]) < 1e-9
                score = one(s, wave="2026 Q2", brand=card["brand"], measure=rec["driver"],
                            population=rec["population"])
                assert abs(row[1].value - score["value"]) < 1e-9
                peer = one(ch, comparison="peer", wave="2026 Q2", brand=card["brand"],
                           measure=rec["driver"], population=rec["population"])
                assert abs(row[3].value - peer["difference"]) < 1e-9
                sig = bool(peer["significant"]) and peer["flag"] == "ok"
                key = ("above" if peer["difference"] > 0 else "below") if sig else "in_line"
                assert row[4].value == EN_SC[key]
                rows_checked += 1
    assert rows_checked == 6 * 9


def test_reliability_caveats_name_every_construct_that_is_not_ok(sample, sample_sheet):
    rel = sample.reliability
    bad = rel[(rel["verdict"] != "ok") & rel["population"].isin(["customer", "non_customer"])]
    assert len(bad) == 2  # trust, customers and non-customers: questionable
    for card in read_cards(sample_sheet):
        caveats = card["texts"][card["texts"].index("Caveats") + 1:]
        assert len(caveats) == len(bad)
        for text, r in zip(caveats, bad.itertuples(), strict=True):
            among = {"customer": "among customers", "non_customer": "among non-customers"}
            assert text == (f"{r.label}: answers are less consistent than usual "
                            f"{among[r.population]} (alpha {r.alpha:.2f}): compare "
                            f"{r.label} scores with care.")


def test_focus_brand_card_comes_first_in_its_own_colour(sample, tmp_path):
    study = sample.study.with_settings(focus_brand="Litware")
    focused = dataclasses.replace(sample, study=study)
    cards = read_cards(scorecards(focused, tmp_path))
    assert cards[0]["brand"] == "Litware"
    assert [c["brand"] for c in cards[1:]] == ["Adatum", "Contoso", "Fabrikam", "Northwind",
                                              "Tailspin"]
    muted, plain = brand_colours(focused), brand_colours(sample)
    assert muted["Litware"] == plain["Litware"] and muted["Adatum"] != plain["Adatum"]
    for card in cards:
        assert card["title"].fill.fgColor.rgb[-6:] == muted[card["brand"]].lstrip("#")
    assert cards[0]["line"].endswith(EN_SC["focus"])
    assert not any(c["line"].endswith(EN_SC["focus"]) for c in cards[1:])


def test_french_card_has_french_words_only(sample, tmp_path):
    study = sample.study.with_settings(language="fr")
    ws = scorecards(dataclasses.replace(sample, study=study), tmp_path)
    fr = LANGUAGES["fr"]["scorecard"]
    cards = read_cards(ws)
    assert ws.title == "Fiches marques" and len(cards) == 6
    assert cards[0]["headers"][0][:3] == ["Mesure", "Score", "Intervalle à 95\xa0%"]
    row = cards[0]["index"]["Score TX"]
    assert row[2].value == interval_text(*one(
        sample.scores, wave="2026 Q2", brand="Adatum", measure="tx",
        population="all")[["ci_low", "ci_high"]], "fr")
    texts = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    assert any(t.startswith(fr["caveats_title"]) for t in texts)
    # the data's own words (brands, waves, the spec's construct labels) are left out
    data = {*sample.scores["brand"], *sample.study.waves, *sample.reliability["label"],
            *sample.drivers["label"]}
    fixed = [t for t in texts if t not in data]
    for word in sorted(data, key=len, reverse=True):
        fixed = [t.replace(word, " ") for t in fixed]
    english = set()
    for table in ("scorecard", "measures", "quadrants", "analyses", "populations"):
        for value in LANGUAGES["en"][table].values():
            english |= set(re.findall(r"[A-Za-z]{4,}", re.sub(r"\{\w+\}", " ", value)))
    french = set()
    for table in ("scorecard", "measures", "quadrants", "analyses", "populations", "text"):
        for value in LANGUAGES["fr"][table].values():
            french |= set(re.findall(r"[A-Za-zÀ-ÿ]{4,}", value))
    english -= french  # words both languages use: Score, alpha, base, ...
    assert {"significant", "peers", "customers", "consistent"} <= english
    found = {w for t in fixed for w in re.findall(r"[A-Za-z]{4,}", t) if w in english}
    assert not found, found
    assert any(fr["in_line"] in t or fr["below"] in t or fr["above"] in t for t in texts)


# ---------------------------------------------------------------------- a tiny study
def _answers(rng, n: int, items: list[str], shift: float) -> dict:
    base = rng.normal(shift, 1.0, n)
    return {c: np.clip(np.rint(base + rng.normal(0, 0.8, n)), 1, 5).astype(int) for c in items}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tx.Result:
    """Two waves, brand "C" of 12 respondents (suppressed below 30), "E" of 60 (caution),
    and a brand named like a formula."""
    rng = np.random.default_rng(11)
    sizes = {"A": 150, "B": 150, HYPERLINK: 150, "E": 60, "C": 12}
    frames = {"c": [], "n": []}
    for prefix, items in (("c", CUSTOMER_ITEMS), ("n", ["sal_1", "fit_1", "trust_1"])):
        for wave in ("W1", "W2"):
            for k, (brand, n) in enumerate(sizes.items()):
                f = pd.DataFrame(_answers(rng, n, items, 3.0 + 0.3 * k))
                f.insert(0, "brand", brand)
                f.insert(0, "resp_id", [f"{prefix}{wave}{k}-{i}" for i in range(n)])
                f["wave"] = wave
                f["region"] = np.array(["North", "South"])[np.arange(n) % 2]
                frames[prefix].append(f)
    spec = make_study(tmp_path_factory.mktemp("tiny"), pd.concat(frames["c"]),
                      pd.concat(frames["n"]), columns={"segments": ["region"]},
                      report={"bootstrap": 30, "suppress_below": 30, "low_base_below": 50,
                              "caution_below": 100, "peer_min_base": 100})
    return tx.score(tx.load(tx.read_study(spec)))


def test_a_suppressed_brand_shows_the_text_and_no_number(tiny, tmp_path):
    s = tiny.scores
    assert set(s.loc[s["brand"] == "C", "flag"]) == {"suppressed"}
    cards = {c["brand"]: c for c in read_cards(scorecards(tiny, tmp_path))}
    assert set(cards) == {"A", "B", "C", "E", HYPERLINK}
    assert cards[HYPERLINK]["title"].data_type == "s"  # text, never a formula
    card = cards["C"]
    assert len(card["index"]) == 7
    assert tiny.not_computed == {"nps": "no_nps_item"}  # no 0-10 item in the tiny study
    nps = card["index"].pop("NPS")
    assert nps[1].value == "Not computed"
    assert nps[8].value == LANGUAGES["en"]["not_computed"]["no_nps_item"]
    for name, row in card["index"].items():
        assert row[1].value == "n<30", (name, [c.value for c in row])
        assert not any(isinstance(c.value, int | float) for c in row), [c.value for c in row]
        assert "too few respondents" in row[8].value
    for rows in card["drivers"].values():
        for row in rows:
            assert row[1].value == "n<30" and row[3].value is None and row[4].value is None
    # a caution base: its number, grey, with its effective base in words
    e = cards["E"]["index"]["TX score"]
    rec = one(s, wave="W2", brand="E", measure="tx", population="all")
    assert rec["flag"] in ("caution", "low_base")
    assert abs(e[1].value - rec["value"]) < 1e-9 and e[1].font.i
    smallest = s.loc[(s["wave"] == "W2") & (s["brand"] == "E") & (s["population"] != "all"),
                     "n_eff"].min()
    assert rec["n_eff"] > 100 > smallest  # TX: both populations; the smaller flags it
    assert e[8].value == (f"small base (effective base {round(smallest)}, under 100): "
                          "read with care")
    cx = cards["E"]["index"]["CX index"]
    n_eff = one(s, wave="W2", brand="E", measure="cx", population="customer")["n_eff"]
    assert f"effective base {round(n_eff)}," in cx[8].value


def test_one_card_per_brand_and_segment(tiny, tmp_path):
    spec_result = tx.score(tx.load(tiny.study), by=["region"])
    cards = read_cards(scorecards(spec_result, tmp_path))
    assert [(c["brand"], c["line"].split(" – ")[-1]) for c in cards] == [
        (b, f"Region: {r}") for b in sorted(["A", "B", "C", "E", HYPERLINK])
        for r in ("North", "South")]
    s = spec_result.scores
    for card in cards:
        region = card["line"].split(": ")[-1]
        rec = one(s, wave="W2", brand=card["brand"], region=region, measure="cx",
                  population="customer")
        row = card["index"]["CX index"]
        if rec["flag"] == "suppressed":
            assert row[1].value == "n<30"
        else:
            assert abs(row[1].value - rec["value"]) < 1e-9


def test_an_index_the_study_cannot_have_says_why(tmp_path):
    rng = np.random.default_rng(3)
    customers = pd.DataFrame(_answers(rng, 40, CUSTOMER_ITEMS, 3.5))
    result = tx.score(tx.load(tx.read_study(make_study(tmp_path, customers))))
    missing = result.not_computed
    assert missing.get("n") and missing.get("tx")
    card = read_cards(scorecards(result, tmp_path))[0]
    reasons = LANGUAGES["en"]["not_computed"]
    for name, key in (("TX score", "tx"), ("Non-customer score (N)", "n"),
                      ("BX non-customers", "bx_non_customer")):
        row = card["index"][name]
        assert row[1].value == EN_SC["not_computed"]
        assert row[8].value == reasons[missing[key]]
    # a single wave: every change is the first wave's
    assert card["index"]["CX index"][4].value == EN_SC["first"]
    assert card["headers"][0][3] == EN_SC["h_change_first"]


def test_the_cards_fit_a_page_width_at_8_points(sample_sheet):
    """Columns in characters of the default font (7 px + 5 px padding each): fitted to the
    printable width of a landscape Letter page (10.2 in at 96 dpi), 10 pt text stays >= 8."""
    ws = sample_sheet
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGHI"]
    pixels = sum(w * 7 + 5 for w in widths)
    assert 10 * min(1.0, 10.2 * 96 / pixels) >= 8
    assert math.isclose(ws.page_setup.fitToWidth, 1)
