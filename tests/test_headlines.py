"""The headlines (txscore.reporting.headlines): rule-based sentences, en and fr.

Every expectation is computed here, independently, from the result's tables (or from the
command line's json): the TX leader is the argmax over the "ok" brands, every significant
"ok" change of a headline measure is cited, and no sentence cites a row that is not "ok" or
a change or gap that is not significant (over random studies where small brands are
suppressed, low-base or caution).
"""

from __future__ import annotations

import dataclasses
import re
import string
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import (
    CUSTOMER_ITEMS,
    NON_CUSTOMER_ITEMS,
    make_study,
    private_copy,
)

import txscore as tx
from txscore.reporting.headlines import Headline, headlines, headlines_section
from txscore.reporting.text import LANGUAGES, words_for
from txscore.reporting.xlsx import Book, Sheet, styles

TOTAL = "All brands"
HEADLINE = {("tx", "all"), ("customer_score", "customer"), ("non_customer_score", "non_customer"),
            ("cx", "customer"), ("bx_customers", "customer"),
            ("bx_non_customers", "non_customer"), ("nps", "customer")}
# tiny studies have no purchase-preference items: the driver analysis says so
pytestmark = pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")


# ---------------------------------------------------------------------- the sample
@pytest.fixture(scope="module")
def sample(sample_scored) -> tx.Result:
    """The sample scored with 200 resamples (a copy of the session's shared result)."""
    return private_copy(sample_scored)


@pytest.fixture(scope="module")
def sample_json(sample_cli_json) -> dict:
    """``txscore score SPEC --format json`` of the sample with 200 resamples, run through
    the CLI's entry point (a copy of the session's)."""
    return private_copy(sample_cli_json)


def waves_of(study, scores: pd.DataFrame) -> tuple[str, str | None]:
    present = [w for w in study.waves if w in set(scores["wave"])]
    return present[-1], (present[-2] if len(present) > 1 else None)


def expected_changes(scores: pd.DataFrame, changes: pd.DataFrame, latest: str,
                     previous: str | None) -> set[tuple[str, str, str]]:
    """(brand, measure, population) of every change the headlines must cite: wave changes
    of a headline measure to the latest wave, significant, flag ok, latest score ok."""
    if previous is None or changes.empty:
        return set()
    c = changes[(changes["comparison"] == "wave") & (changes["wave"] == latest)
                & (changes["versus"] == previous) & (changes["significant"] == True)  # noqa: E712
                & (changes["flag"] == "ok")]
    c = c[[(m, p) in HEADLINE for m, p in zip(c["measure"], c["population"], strict=True)]]
    s = scores[(scores["wave"] == latest) & (scores["flag"] == "ok")]
    ok_cells = set(zip(s["brand"], s["measure"], s["population"], strict=True))
    return {k for k in zip(c["brand"], c["measure"], c["population"], strict=True)
            if k in ok_cells}


def cited_changes(lines: list[Headline]) -> set[tuple[str, str, str]]:
    return {(c.brand, c.measure, c.population) for h in lines for c in h.cites
            if c.table == "changes" and c.comparison == "wave"}


def test_the_tx_leader_is_the_best_ok_brand_and_its_lead_is_clear(sample):
    latest, _ = waves_of(sample.study, sample.scores)
    s = sample.scores
    tx_rows = s[(s["measure"] == "tx") & (s["population"] == "all") & (s["wave"] == latest)
                & (s["brand"] != TOTAL) & (s["flag"] == "ok")].sort_values("value")
    top, runner = tx_rows.iloc[-1], tx_rows.iloc[-2]
    assert top["ci_low"] > runner["ci_high"]  # the sample's lead is clear
    lines = headlines(sample, words_for("en"))
    lead = [h for h in lines if h.kind == "leader"]
    assert len(lead) == 1 and lines[0] is lead[0]
    assert [c.brand for c in lead[0].cites] == [top["brand"], runner["brand"]]
    rk = sample.ranks
    p_first = rk[(rk["measure"] == "tx") & (rk["wave"] == latest)
                 & (rk["brand"] == top["brand"])]["p_first"].iloc[0]
    shown = round(100 * min(p_first, 0.99)) if p_first < 1 else 100
    assert lead[0].text == (
        f"{top['brand']} leads on TX with {top['value']:.1f} (base\xa0{int(top['n']):,}), "
        f"{top['value'] - runner['value']:.1f} points ahead of {runner['brand']} "
        f"({runner['value']:.1f}); it ranks first in {shown}% of the resamples.")
    assert "Northwind leads on TX" in lead[0].text


def test_every_significant_wave_change_is_cited_as_in_the_json(sample, sample_json):
    scores = pd.DataFrame(sample_json["scores"])
    changes = pd.DataFrame(sample_json["changes"])
    latest, previous = waves_of(sample.study, scores)
    want = expected_changes(scores, changes, latest, previous)
    assert len(want) >= 10 and ("Contoso", "nps", "customer") in want
    lines = headlines(sample, words_for("en"))
    assert cited_changes(lines) == want
    # each change in its brand's sentence, with its size, its new value and its base
    for brand, measure, pop in want:
        row = changes[(changes["comparison"] == "wave") & (changes["wave"] == latest)
                      & (changes["brand"] == brand) & (changes["measure"] == measure)
                      & (changes["population"] == pop)].iloc[0]
        score = scores[(scores["wave"] == latest) & (scores["brand"] == brand)
                       & (scores["measure"] == measure) & (scores["population"] == pop)].iloc[0]
        text = next(h.text for h in lines if h.kind == "change"
                    and h.text.startswith(f"{brand}:"))
        verb = "rose" if row["difference"] > 0 else "fell"
        value = f"{score['value']:.1f}"
        if measure == "nps":
            value = ("+" if score["value"] > 0 else "\u2212") + f"{abs(score['value']):.1f}"
        assert (f"{verb} {abs(row['difference']):.1f} points to {value} "
                f"(base\xa0{int(score['n']):,})") in text, (brand, measure)
    # brands in the study's order, all brands last
    order = [h.text.split(":")[0] for h in lines if h.kind == "change"]
    assert order == [*sorted(b for b in order if b != TOTAL), TOTAL]
    assert "Contoso: TX fell 2.9 points to 67.3 (base\xa01,128)" in lines[1].text
    assert "NPS fell 26.9 points to +13.5 (base\xa0592)" in lines[1].text


def test_drivers_name_the_strongest_and_the_brands_beside_the_peer_average(sample):
    latest, _ = waves_of(sample.study, sample.scores)
    d = sample.drivers[(sample.drivers["wave"] == latest) & (sample.drivers["flag"] == "ok")]
    lines = headlines(sample, words_for("en"))
    named = [h for h in lines if h.kind == "driver"]
    assert len(named) == d["analysis"].nunique() == 3
    for h, (analysis, rows) in zip(named, d.groupby("analysis", sort=False), strict=True):
        rows = rows.sort_values("importance", ascending=False)
        first, second = rows.iloc[0], rows.iloc[1]
        clear = first["ci_low"] > second["ci_high"]
        assert [c.measure for c in h.cites] == list(rows["driver"][:1 if clear else 2])
        assert all(c.analysis == analysis for c in h.cites)
    c = sample.changes
    peer = c[(c["comparison"] == "peer") & (c["measure"] == "emotion") & (c["wave"] == latest)
             & (c["population"] == "customer") & c["significant"] & (c["flag"] == "ok")
             & (c["brand"] != TOTAL)]
    stand = next(h for h in lines if h.kind == "stand" and "On Emotion" in h.text)
    assert {x.brand for x in stand.cites} == set(peer["brand"])
    others = set(c["brand"]) - set(peer["brand"]) - {TOTAL}
    assert others and not any(b in stand.text for b in others)  # not significant: not named


def test_close_figures_share_the_lead_and_the_strongest_driver(sample):
    """Contoso's TX moved next to Northwind's, Effectiveness's importance next to Emotion's:
    intervals that overlap name no single leader and no single strongest driver."""
    latest, _ = waves_of(sample.study, sample.scores)
    s = sample.scores.copy()
    at = lambda b, m: (s["wave"] == latest) & (s["brand"] == b) & (s["measure"] == m)  # noqa: E731
    north = s[at("Northwind", "tx")].iloc[0]
    s.loc[at("Contoso", "tx"), ["value", "ci_low", "ci_high"]] = (
        north["value"] - 0.5, north["ci_low"] - 0.6, north["ci_low"] + 0.1)
    d = sample.drivers.copy()
    emo = (d["wave"] == latest) & (d["analysis"] == "cx_loyalty") & (d["driver"] == "emotion")
    eff = (d["wave"] == latest) & (d["analysis"] == "cx_loyalty") & (
        d["driver"] == "effectiveness")
    d.loc[eff, ["importance", "ci_low", "ci_high"]] = (
        d.loc[emo, "importance"].iloc[0] - 1, 40.0, d.loc[emo, "ci_low"].iloc[0] + 0.5)
    lines = headlines(dataclasses.replace(sample, scores=s, drivers=d), words_for("en"))
    lead = lines[0]
    assert [c.brand for c in lead.cites] == ["Northwind", "Contoso"]
    assert lead.text.startswith("Northwind (76.2, base\xa01,120) and Contoso (75.7, base\xa01,128) "
                                "share the lead on TX: the gap between them is within the "
                                "margin of error.")
    assert "ahead" not in lead.text
    two = next(h for h in lines if h.kind == "driver")
    assert [c.measure for c in two.cites] == ["emotion", "effectiveness"]
    assert two.text.startswith("CX dimensions → loyalty: the strongest drivers are Emotion, "
                               "with 49.8% (interval 46.9–52.6%), and Effectiveness, with")
    stands = [h.text for h in lines if h.kind == "stand"][:2]
    assert stands[0].startswith("On Emotion") and stands[1].startswith("On Effectiveness")


def test_the_section_writes_a_heading_and_one_paragraph_per_sentence(sample):
    wb = openpyxl.Workbook()
    ctx = Book(sample, words_for("fr"), styles(), {}, "n<30")
    sh = Sheet.new(wb, ctx, "overview", "Étude", "sous-titre")
    top = sh.row
    headlines_section(sh, ctx)
    lines = headlines(sample, words_for("fr"))
    assert sh.ws.cell(top, 1).value == "Points clés"
    got = [sh.ws.cell(top + 1 + i, 1).value for i in range(len(lines))]
    assert got == [h.text for h in lines]
    assert sh.row == top + len(lines) + 2
    sh.finish(gridlines=False)
    merged = {str(r) for r in sh.ws.merged_cells.ranges}
    assert f"A{top + 1}:H{top + 1}" in merged


# ---------------------------------------------------------------------- French
def _template_words(language: str) -> set[str]:
    words = set()
    for text in LANGUAGES[language]["headlines"].values():
        bare = "".join(lit for lit, *_ in string.Formatter().parse(text))
        words |= {w.lower() for w in re.findall(r"[^\W\d_]{2,}", bare)}
    return words


#: words both languages write the same way
SHARED = {"tx", "cx", "bx", "nps", "base", "score", "scores", "alpha", "points", "point",
          "variance", "non",
          "effective", "benjamini", "hochberg"}


def test_french_headlines_are_french_and_the_same_every_time(sample):
    english = _template_words("en") - SHARED
    fr = words_for("fr")
    lines = headlines(sample, fr)
    assert [h.text for h in lines] == [h.text for h in headlines(sample, fr)]
    assert {h.kind for h in lines} >= {"leader", "change", "driver", "stand", "rule"}
    for h in lines:
        found = {w.lower() for w in re.findall(r"[^\W\d_]{2,}", h.text)} & english
        assert not found, (found, h.text)
        assert not re.search(r" [:;!?%»]|« ", h.text), h.text  # no-break spaces
        assert not re.search(r"\d\.\d", h.text), h.text  # decimal comma
    assert "l’indice CX recule de 7,6 points, à 69,8 (base\xa0:\xa0592)" in lines[1].text
    assert "le NPS recule de 26,9 points, à +13,5" in lines[1].text
    assert lines[0].text.startswith("Northwind est en tête sur le score TX avec 76,2")
    en = [h.text for h in headlines(sample, words_for("en"))]
    assert len(en) == len(lines) and en != [h.text for h in lines]


# ---------------------------------------------------------------------- random studies
def _answers(rng: np.random.Generator, sizes: dict[str, list[int]], items: list[str],
             waves: tuple[str, ...]) -> pd.DataFrame:
    parts = []
    for w, wave in enumerate(waves):
        for brand, per_wave in sizes.items():
            n = per_wave[w]
            latent = rng.normal(rng.normal(0, 0.6), 1, n)
            cols = {c: np.clip(np.round(3 + latent + rng.normal(0, 0.8, n)), 1, 5).astype(int)
                    for c in items}
            parts.append(pd.DataFrame({"brand": brand, "wave": wave, **cols}))
    return pd.concat(parts, ignore_index=True)


def random_study(tmp_path: Path, seed: int, waves: tuple[str, ...] = ("W1", "W2"),
                 bootstrap: int = 60) -> tx.Result:
    """Five brands of 20 to 300 respondents per population and wave (a brand's base may
    differ between waves): the small ones are suppressed (n_eff < 30), low-base (< 50) or
    caution (< 100)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    sizes = {b: [int(n) for n in rng.choice([20, 40, 70, 160, 300], len(waves))]
             for b in "ABCDE"}
    sizes["A"] = [300] * len(waves)  # at least one brand to rank
    spec = make_study(tmp_path, _answers(rng, sizes, CUSTOMER_ITEMS, waves),
                      _answers(rng, sizes, NON_CUSTOMER_ITEMS, waves),
                      report={"bootstrap": bootstrap, "suppress_below": 30,
                              "low_base_below": 50, "caution_below": 100,
                              "peer_min_base": 30,
                              "multiple_testing": ("none", "bh")[seed % 2]},
                      index={"cx_method": ("equal", "loyalty_weighted")[seed % 2]})
    return tx.score(tx.load(tx.read_study(spec)))


def _row(frame: pd.DataFrame, **keys: object) -> pd.Series:
    mask = np.ones(len(frame), bool)
    for k, v in keys.items():
        mask &= (frame[k] == v).to_numpy()
    rows = frame[mask]
    assert len(rows) == 1, keys
    return rows.iloc[0]


def check_cites(result: tx.Result, lines: list[Headline]) -> int:
    """Every cited row is "ok"; every cited change or gap significant; return the cites."""
    latest, previous = waves_of(result.study, result.scores)
    alpha = 1 - result.study.report.confidence
    n = 0
    for h in lines:
        if h.kind in ("change", "grid", "driver"):
            assert h.cites, h.text
        for c in h.cites:
            n += 1
            if c.table == "scores":
                row = _row(result.scores, measure=c.measure, population=c.population,
                           brand=c.brand, wave=c.wave)
                assert c.wave == latest and np.isclose(row["value"], c.value)
            elif c.table == "changes":
                row = _row(result.changes, comparison=c.comparison, measure=c.measure,
                           population=c.population, brand=c.brand, wave=c.wave)
                assert row["significant"] == True and row["p_adjusted"] < alpha  # noqa: E712
                assert c.comparison == "peer" or row["versus"] == previous
            elif c.table == "grid":
                row = _row(result.grid, brand=c.brand, wave=c.wave)
            elif c.table == "reliability_waves":  # a scale that weakened: Feldt, after BH
                row = _row(result.reliability_waves, construct=c.measure,
                           population=c.population, wave=c.wave)
                assert row["weakened"] == True and row["p_adjusted"] < alpha  # noqa: E712
                assert row["difference"] < 0 and row["versus"] == previous
            else:
                assert c.table == "drivers"
                row = _row(result.drivers, analysis=c.analysis, population=c.population,
                           wave=c.wave, driver=c.measure)
            assert row["flag"] == "ok", (c, h.text)
    return n


def check_leader(result: tx.Result, lines: list[Headline]) -> None:
    """The leader rule, from the scores: the best ok brand, clear only when its interval
    lies above every other ok brand's, else shared with those whose interval reaches it."""
    latest, _ = waves_of(result.study, result.scores)
    s = result.scores
    ok = s[(s["measure"] == "tx") & (s["wave"] == latest) & (s["brand"] != TOTAL)
           & (s["flag"] == "ok")].sort_values(["value", "brand"], ascending=[False, True])
    lead = next(h for h in lines if h.kind == "leader")
    if len(ok) < 2:
        assert [c.brand for c in lead.cites] == list(ok["brand"])
        return
    top, rest = ok.iloc[0], ok.iloc[1:]
    reach = rest[~(top["ci_low"] > rest["ci_high"])]
    want = [top["brand"], *reach["brand"]] if len(reach) else [top["brand"],
                                                                rest.iloc[0]["brand"]]
    assert [c.brand for c in lead.cites] == want
    assert ("share the lead" in lead.text) == bool(len(reach))
    small = (s["measure"] == "tx") & (s["wave"] == latest) & (s["flag"] != "ok")
    for brand in set(s.loc[small, "brand"]) - {TOTAL}:
        assert f"{brand} (" not in lead.text and not lead.text.startswith(brand)


@pytest.mark.parametrize("seed", range(6))
def test_no_sentence_cites_a_small_base_or_a_non_significant_figure(tmp_path, seed):
    result = random_study(tmp_path, seed)
    flags = set(result.scores["flag"])
    assert flags - {"ok"}  # small brands are there
    lines = headlines(result, words_for("en"))
    assert check_cites(result, lines) > 0
    check_leader(result, lines)
    latest, previous = waves_of(result.study, result.scores)
    assert cited_changes(lines) == expected_changes(result.scores, result.changes, latest,
                                                    previous)
    assert lines[-1].kind == "rule"
    adjusted = "Benjamini–Hochberg" in lines[-1].text
    assert adjusted == (result.study.report.multiple_testing == "bh")
    fr = headlines(result, words_for("fr"))
    assert [h.cites for h in fr] == [h.cites for h in lines]


def test_one_wave_no_drivers_no_tx_and_segments(tmp_path):
    one = random_study(tmp_path / "one", 3, waves=("W1",), bootstrap=0)
    lines = headlines(one, words_for("en"))
    assert [h.kind for h in lines if h.kind in ("change", "no_change", "grid")] == []
    assert lines[0].kind == "leader" and lines[-1].kind == "rule"
    check_cites(one, lines)
    # no drivers: no driver sentence
    bare = dataclasses.replace(one, drivers=pd.DataFrame())
    assert not [h for h in headlines(bare, words_for("fr")) if h.kind in ("driver", "stand")]
    assert any(h.kind == "driver" for h in lines)
    # no change at all: one sentence says so
    two = random_study(tmp_path / "two", 4)
    quiet = dataclasses.replace(two, changes=two.changes.assign(significant=False))
    none = [h for h in headlines(quiet, words_for("en")) if h.kind in ("change", "no_change")]
    assert [h.text for h in none] == [
        "No headline score changed significantly since W1 (significance level 5%, effective "
        "bases of at least 100)."]
    # customers only: TX is not computed, the lead is read on CX
    rng = np.random.default_rng(0)
    cust = pd.DataFrame({"brand": np.repeat(["A", "B"], 150),
                         **{c: np.r_[rng.integers(4, 6, 150), rng.integers(1, 3, 150)]
                            for c in CUSTOMER_ITEMS}})
    spec = make_study(tmp_path, cust, report={"bootstrap": 50, "caution_below": 100})
    result = tx.score(tx.load(tx.read_study(spec)))
    assert "tx" in result.not_computed
    lead = headlines(result, words_for("en"))[0]
    assert lead.text.startswith("TX is not computed, so brands are ranked on CX. A leads on "
                                "CX with ")
    assert [(c.measure, c.brand) for c in lead.cites] == [("cx", "A"), ("cx", "B")]
    # a result cut by segments: one sentence says the headlines need one without
    cut = dataclasses.replace(one, by=("region",))
    assert [h.kind for h in headlines(cut, words_for("en"))] == ["segmented"]


def test_every_weakened_scale_is_named_and_no_other(sample):
    """The reliability sentences name exactly the construct x population rows of
    ``reliability_waves`` that weakened significantly in the latest wave (both waves ok)."""
    from txscore.reporting.text import words_for

    rel = sample.reliability_waves
    latest, previous = waves_of(sample.study, sample.scores)
    ok = rel.set_index(["construct", "population", "wave"])["flag"] == "ok"
    want = {(r.construct, r.population) for r in rel.itertuples()
            if r.wave == latest and r.weakened and r.population != "all"
            and ok[(r.construct, r.population, latest)]
            and ok[(r.construct, r.population, previous)]}
    lines = headlines(sample, words_for("en"))
    got = {(c.measure, c.population) for h in lines if h.kind == "reliability"
           for c in h.cites}
    assert got == want and want  # the sample's emotion and loyalty scales weaken slightly
    assert check_cites(sample, lines) > 0
