"""Charts that do not mislead (issue 17): importance-performance quadrants named only beyond
their intervals (decided in scoring), 0-10 items as detractors / passives / promoters that
agree with the NPS, the Items sheet's boxes at the bar ends, labels wrapped rather than cut,
a base on every chart, in English and in French.

Every number checked here is computed again from the result's tables with pandas.
"""

from __future__ import annotations

from dataclasses import replace

import matplotlib
import numpy as np
import pandas as pd
import pytest
from conftest import private_copy
from matplotlib.collections import PathCollection
from matplotlib.text import Text

from txscore.reporting.chart_drivers import (
    UNCLEAR_EDGE,
    UNCLEAR_FILL,
    importance_performance,
    ip_quadrant,
    outcome_label,
)
from txscore.reporting.chart_items import item_distribution
from txscore.reporting.chart_labels import ELLIPSIS
from txscore.reporting.chart_reliability import reliability_overview
from txscore.reporting.palette import IP_COLOURS
from txscore.reporting.text import words_for
from txscore.scoring.drivers import IP_QUADRANTS, ip_quadrants

LATEST, FIRST = "2026 Q2", "2026 Q1"
NAMED = {("above", "below"): "concentrate", ("above", "above"): "keep",
         ("below", "below"): "low", ("below", "above"): "overkill"}


@pytest.fixture(scope="module")
def sample(sample_scored):
    """The sample scored with 200 resamples (a copy of the session's shared result)."""
    return private_copy(sample_scored)


def french(result):
    study = result.study
    return replace(result, study=replace(study, report=replace(study.report, language="fr")))


def footnote(fig) -> str:
    """The figure's footnote on one line (wrapped lines joined; no-break spaces as spaces,
    as the charts' wrapping writes them)."""
    return " ".join(fig.get_supxlabel().split())


def flat(text: str) -> str:
    """A text with its no-break spaces as spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def rule_by_hand(d: pd.DataFrame) -> list[str]:
    """The quadrant rule, again: each interval against the mean of its analysis x
    population x wave; a missing interval is the point."""
    g = d.groupby(["analysis", "population", "wave"])
    out = []
    mi, mp = g["importance"].transform("mean"), g["performance"].transform("mean")
    for i in d.index:
        sides = []
        for lo, hi, point, mean in (("ci_low", "ci_high", "importance", mi[i]),
                                    ("performance_ci_low", "performance_ci_high",
                                     "performance", mp[i])):
            low = d.at[i, lo] if pd.notna(d.at[i, lo]) else d.at[i, point]
            high = d.at[i, hi] if pd.notna(d.at[i, hi]) else d.at[i, point]
            sides.append("above" if low > mean else "below" if high < mean else "crosses")
        out.append(NAMED.get(tuple(sides), "unclear"))
    return out


# ------------------------------------------------------------------- (a) quadrant rule
def hand_frame() -> pd.DataFrame:
    """Two analyses. In "a" (means: importance 25, performance 65) one driver per named
    quadrant, then one whose importance interval straddles 25 and one whose performance
    interval straddles 65; "b" (means 50 and 60) has no intervals at all (bootstrap 0)
    and one suppressed driver (no numbers)."""
    rows = [  # analysis, driver, importance, ci, performance, performance ci
        ("a", "keep_me", 40.0, (35.0, 45.0), 80.0, (78.0, 82.0)),
        ("a", "fix_me", 35.0, (30.0, 40.0), 50.0, (48.0, 52.0)),
        ("a", "spare_me", 10.0, (5.0, 15.0), 75.0, (73.0, 77.0)),
        ("a", "skip_me", 15.0, (12.0, 18.0), 55.0, (53.0, 57.0)),
        ("a", "wide_importance", 30.0, (20.0, 40.0), 75.0, (73.0, 77.0)),  # 20 < 25 < 40
        ("a", "wide_performance", 20.0, (15.0, 22.0), 55.0, (50.0, 66.0)),  # 50 < 65 < 66
        ("b", "b_high", 70.0, (np.nan, np.nan), 70.0, (np.nan, np.nan)),
        ("b", "b_low", 30.0, (np.nan, np.nan), 50.0, (np.nan, np.nan)),
        ("b", "b_hidden", np.nan, (np.nan, np.nan), np.nan, (np.nan, np.nan)),
    ]
    return pd.DataFrame([{
        "analysis": a, "population": "customer", "wave": "W1", "driver": d,
        "importance": imp, "ci_low": ci[0], "ci_high": ci[1], "performance": perf,
        "performance_ci_low": pci[0], "performance_ci_high": pci[1]}
        for a, d, imp, ci, perf, pci in rows])


def test_quadrant_rule_on_known_intervals():
    d = hand_frame()
    a = d[d["analysis"] == "a"]
    assert a["importance"].mean() == 25.0 and a["performance"].mean() == 65.0
    got = dict(zip(d["driver"], ip_quadrants(d), strict=True))
    assert got == {"keep_me": "keep", "fix_me": "concentrate", "spare_me": "overkill",
                   "skip_me": "low", "wide_importance": "unclear",
                   "wide_performance": "unclear",
                   # no interval: the points against the means of the drivers with numbers
                   "b_high": "keep", "b_low": "low", "b_hidden": ""}
    shown = d[d["importance"].notna()]
    assert list(ip_quadrants(shown)) == rule_by_hand(shown)
    # the one implementation: the chart's name reads the same rule, or the column
    assert list(ip_quadrant(d)) == list(ip_quadrants(d))
    assert list(ip_quadrant(d.assign(quadrant="keep"))) == ["keep"] * len(d)
    # narrowing an interval clear of the mean names the quadrant
    narrow = d.copy()
    narrow.loc[narrow["driver"] == "wide_importance", "ci_low"] = 26.0
    assert ip_quadrants(narrow)[narrow["driver"] == "wide_importance"].item() == "keep"
    assert set(IP_QUADRANTS) == {"concentrate", "keep", "low", "overkill", "unclear"}
    for language, word in (("en", "No clear priority"), ("fr", "Pas de priorité nette")):
        table = words_for(language).ip_quadrants
        assert table["unclear"] == word and set(IP_QUADRANTS) <= set(table)


def test_scored_quadrants_follow_the_rule_and_the_pillars_are_unclear(sample):
    d = sample.drivers
    assert "quadrant" in d and set(d["quadrant"]) <= set(IP_QUADRANTS)
    assert list(d["quadrant"]) == rule_by_hand(d)
    # the issue's case: three BX pillars at 69.4-69.5 against a mean of 69.4
    bx = d[(d["analysis"] == "bx_preference_customer") & (d["wave"] == FIRST)]
    assert len(bx) == 3
    mean = bx["performance"].mean()
    assert ((bx["performance_ci_low"] < mean) & (mean < bx["performance_ci_high"])).all()
    assert (bx["quadrant"] == "unclear").all()
    # and the chart calls none of them a priority: light grey, no quadrant colour
    fig = importance_performance(sample, analysis="bx_preference_customer", wave=FIRST)
    pts = [c for c in fig.findobj(PathCollection)
           if (c.get_gid() or "").startswith("driver:")]
    assert len(pts) == 3
    for c in pts:
        assert matplotlib.colors.to_hex(c.get_edgecolor()[0]) == UNCLEAR_EDGE
        assert matplotlib.colors.to_hex(c.get_facecolor()[0]) == UNCLEAR_FILL
    corners = {t.get_text() for t in fig.findobj(Text)
               if (t.get_gid() or "").startswith("quadrant:")}
    assert "Concentrate here" in corners  # the corner names stay
    assert "no clear priority" in footnote(fig)


def test_named_quadrants_keep_their_colour(sample):
    d = sample.drivers
    rows = d[(d["analysis"] == "cx_loyalty") & (d["wave"] == LATEST)]
    fig = importance_performance(sample)
    edge = {c.get_gid()[7:]: matplotlib.colors.to_hex(c.get_edgecolor()[0])
            for c in fig.findobj(PathCollection) if (c.get_gid() or "").startswith("driver:")}
    want = {r.driver: IP_COLOURS.get(r.quadrant, UNCLEAR_EDGE).lower()
            for r in rows.itertuples()}
    assert edge == want
    assert set(rows["quadrant"]) - {"unclear"}  # the sample names some quadrants too


def test_outcome_is_a_code_said_in_the_report_language(sample):
    d = sample.drivers
    assert set(d["outcome"]) == {"loyalty", "preference"}
    study = sample.study
    assert outcome_label(study, "loyalty", "en") == "Loyalty composite"
    assert outcome_label(study, "loyalty", "fr") == words_for("fr").measures["loyalty"]
    fig = importance_performance(french(sample))
    assert words_for("fr").measures["loyalty"] in fig.get_suptitle()


# ------------------------------------------------------------------- item distributions
def rows_of(fig) -> dict[float, np.ndarray]:
    """Per bar (its y), the (x0, x1) of its segments, left to right, from the artists."""
    coll = next(c for c in fig.axes[0].collections if c.get_gid() == "answers")
    verts = np.array([p.vertices[:4] for p in coll.get_paths()])
    ys = np.round(verts[:, :, 1].mean(axis=1), 6)
    out = {}
    for y in np.unique(ys):
        xs = verts[ys == y][:, :, 0]
        out[float(y)] = np.sort(np.column_stack([xs.min(axis=1), xs.max(axis=1)]), axis=0)
    return out


def end_texts(fig, item: str) -> tuple[str, str]:
    """The shares printed at the left and right ends of an item's bar."""
    found = {t.get_gid(): t.get_text() for t in fig.findobj(Text) if t.get_gid()}
    return found[f"share:{item}:bottom"], found[f"share:{item}:top"]


@pytest.mark.parametrize("brand", ["All brands", "Adatum"])
def test_nps_item_shows_detractors_passives_promoters_that_make_the_nps(sample, brand):
    fig = item_distribution(sample, brand=brand, population="customer")
    items = sample.study.items_for("customer")
    y = float(len(items) - 1 - items.index("recommend"))
    seg = rows_of(fig)[y]
    assert len(seg) == 3
    d = sample.distributions
    cell = d[(d["item"] == "recommend") & (d["population"] == "customer")
             & (d["wave"] == LATEST) & (d["brand"] == brand)]
    share = cell.groupby("code")["share"].sum() * 100
    detractors = share[share.index <= 6].sum()
    passives = share[(share.index >= 7) & (share.index <= 8)].sum()
    promoters = share[share.index >= 9].sum()
    np.testing.assert_allclose(seg[:, 1] - seg[:, 0], [detractors, passives, promoters],
                               atol=1e-9)
    # detractors left of zero, passives split at zero, promoters right
    assert seg[1, 0] == pytest.approx(-passives / 2) and seg[1, 1] == pytest.approx(
        passives / 2)
    s = sample.scores
    nps = s[(s["measure"] == "nps") & (s["population"] == "customer")
            & (s["wave"] == LATEST) & (s["brand"] == brand)]["value"].item()
    assert promoters - detractors == pytest.approx(nps, abs=0.1)
    assert end_texts(fig, "recommend") == (f"{round(detractors)}%", f"{round(promoters)}%")
    sign = "+" if nps > 0 else "−"
    assert f"NPS {sign}{abs(nps):.1f} = promoters − detractors" in footnote(fig)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[-3:] == ["Detractors 0–6", "Passives 7–8", "Promoters 9–10"]
    fr = item_distribution(french(sample), brand=brand, population="customer")
    legend = [t.get_text() for t in fr.axes[0].get_legend().get_texts()]
    assert legend[-3:] == ["Détracteurs 0–6", "Passifs 7–8", "Promoteurs 9–10"]


@pytest.mark.parametrize(("population", "wave", "brand"), [
    ("customer", LATEST, "All brands"), ("non_customer", FIRST, "Adatum")])
def test_bar_ends_are_the_items_sheet_boxes(sample, population, wave, brand):
    fig = item_distribution(sample, population=population, wave=wave, brand=brand)
    items = sample.study.items_for(population)
    bars = rows_of(fig)
    it = sample.items
    it = it[(it["population"] == population) & (it["wave"] == wave)
            & (it["brand"] == brand)].set_index("item")
    seven = [c for c in items if sample.study.scales[sample.study.items[c].scale].points == 7]
    assert len(seven) >= 10
    for c in seven:
        seg = bars[float(len(items) - 1 - items.index(c))]
        assert len(seg) == 7, c  # every answer given in the sample
        widths = seg[:, 1] - seg[:, 0]
        top, bottom = widths[5:].sum(), widths[:3].sum()  # codes 6-7 and 1-3
        assert top == pytest.approx(it.at[c, "top_box"], abs=0.1), c
        assert bottom == pytest.approx(it.at[c, "bottom_box"], abs=0.1), c
        assert end_texts(fig, c) == (f"{round(it.at[c, 'bottom_box'])}%",
                                     f"{round(it.at[c, 'top_box'])}%")
    note = footnote(fig)
    assert "bottom box (codes 1–3)" in note and "top box (codes 6–7)" in note


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("population", ["customer", "non_customer"])
def test_item_labels_wrap_instead_of_being_cut(sample, language, population):
    result = sample if language == "en" else french(sample)
    fig = item_distribution(result, population=population)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels and not [lb for lb in labels if ELLIPSIS in lb]
    assert max(lb.count("\n") for lb in labels) <= 1  # two lines at most


def test_a_long_label_takes_more_room_and_keeps_every_word(sample):
    study = sample.study
    long = ("When I need something done quickly, getting things done with [Brand] takes "
            "far too much effort")
    items = {**study.items, "ease_2": replace(study.items["ease_2"], label=long,
                                              labels={})}
    fig = item_distribution(replace(sample, study=replace(study, items=items)))
    label = fig.axes[0].get_yticklabels()[study.items_for("customer").index("ease_2")]
    text = label.get_text()
    assert ELLIPSIS not in text and text.count("\n") <= 2
    assert " ".join(text.split()) == long + " (R)"


# ------------------------------------------------------------------- bases
def test_every_chart_states_its_base(sample):
    w = words_for("en")
    # item distribution: respondents and effective base per item, wave
    it = sample.items
    it = it[(it["population"] == "customer") & (it["wave"] == LATEST)
            & (it["brand"] == "All brands")]
    n = f"{w.count(it['n'].min())}–{w.count(it['n'].max())}"
    n_eff = f"{w.count(it['n_eff'].min())}–{w.count(it['n_eff'].max())}"
    note = footnote(item_distribution(sample))
    assert f"Base, {LATEST}: {n} customers per item (effective base {n_eff})" in note
    # importance-performance: the analysis' respondents, wave
    d = sample.drivers
    cx = d[(d["analysis"] == "cx_loyalty") & (d["wave"] == LATEST)]
    note = footnote(importance_performance(sample))
    assert (f"Base, {LATEST}: {w.count(cx['n'].max())} customers who answered the outcome "
            f"and every driver (effective base {w.count(cx['n_eff'].max())})") in note
    # reliability: complete cases, pooled over the waves
    rel = sample.reliability
    n = f"{w.count(rel['n_complete'].min())}–{w.count(rel['n_complete'].max())}"
    note = footnote(reliability_overview(sample))
    assert f"waves {FIRST}, {LATEST} pooled: n = {n}" in note


def test_bases_and_footnotes_in_french(sample):
    fr, w = french(sample), words_for("fr")
    it = sample.items
    it = it[(it["population"] == "customer") & (it["wave"] == LATEST)
            & (it["brand"] == "All brands")]
    notes = {name: footnote(fig) for name, fig in (
        ("items", item_distribution(fr)), ("ip", importance_performance(fr)),
        ("reliability", reliability_overview(fr)))}
    assert flat(f"{w.count(it['n'].min())}–{w.count(it['n'].max())} clients par question") in (
        notes["items"])
    cx = sample.drivers.query("analysis == 'cx_loyalty' and wave == @LATEST")
    assert flat(f"{w.count(cx['n'].max())} clients ayant répondu") in notes["ip"]
    assert "cas complets" in notes["reliability"]
    english = ("Base:", "per item", "who answered", "bottom box", "top box",
               "detractors", "promoters", "no clear priority", "pooled", "whiskers")
    for name, note in notes.items():
        assert not [word for word in english if word in note], (name, note)
    assert "Pas de priorité nette" not in notes["ip"]  # the rule says it in lower case
    assert "pas de priorité nette" in notes["ip"]
