"""Tests of txscore.reporting.charts: a small hand-built result, then the sample study.

The first part draws on a fake result (no scoring pipeline) with two waves and four
brands. In the latest wave (W2):

    brand    TX    n      n_eff  flag        N     C     quadrant
    Alpha    72.4  1065   950    ok          65.2  80.1  Leading
    Bravo    58.6  420    380    ok          45.0  70.3  Plateauing
    Charlie  41.3  45     40     low_base    58.0  50.2  Churning (not in the peer average)
    Delta    --    25     20     suppressed  --    --    --

and "All brands" TX 60.0 (n=1,555, n_eff 1,390). Delta's row deliberately still carries
numbers (33.3, interval 30.1-36.5; grid 33.3 / 44.4): a suppressed cell must not show them
even if they leak through.

The second part draws every chart on the scored sample study (surveys/sample), in English
and French, and on a copy where one brand's latest wave is cut to 20 respondents per
population (n_eff < 30, suppressed): none of that brand's numbers, which the same data
scored without suppression give, may appear in a text, point, bar or line.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from conftest import plain_study, private_copy
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

import txscore as tx
import txscore.reporting.charts as charts_module
from txscore.errors import TxscoreError, TxscoreWarning
from txscore.reporting.chart_base import top_brands
from txscore.reporting.chart_labels import (
    fit,
    fit_names,
    missing_glyphs,
    one_line,
    quiet_glyphs,
    spread,
    text_width,
)
from txscore.reporting.chartrun import SLUG_MAX, chart_jobs, save_png, wave_slugs
from txscore.reporting.charts import (
    CHARTS,
    cx_vs_bx,
    growth_grid,
    importance_performance,
    item_distribution,
    reliability_overview,
    save_charts,
    trend,
    tx_by_brand,
)
from txscore.reporting.palette import GREEN, GREY, ORANGE, PURPLE, STYLE, VERMILLION
from txscore.study.vocabulary import TOTAL

LEAKED = ("33.3", "33,3", "30.1", "36.5", "44.4", "n=25", "n_eff=20")
TX_W2 = {"Alpha": (72.4, 70.9, 73.8, 1065, 950.0, "ok"),
         "Bravo": (58.6, 56.0, 61.1, 420, 380.0, "ok"),
         "Charlie": (41.3, 35.2, 47.0, 45, 40.0, "low_base"),
         "Delta": (33.3, 30.1, 36.5, 25, 20.0, "suppressed"),
         "All brands": (60.0, 59.0, 61.0, 1555, 1390.0, "ok")}
GRID_W2 = {"Alpha": (65.2, 80.1, "Leading", True), "Bravo": (45.0, 70.3, "Plateauing", True),
           "Charlie": (58.0, 50.2, "Churning", False), "Delta": (33.3, 44.4, "", False)}
PEER_N, PEER_C = 55.1, 75.2  # mean of Alpha and Bravo


def fake_result(language: str = "en", by: tuple[str, ...] = ()) -> SimpleNamespace:
    rows, grid = [], []
    for wave, shift in (("W1", -2.4), ("W2", 0.0)):
        for brand, (value, lo, hi, n, n_eff, flag) in TX_W2.items():
            cell = {"population": "all", "wave": wave, "brand": brand, "label": "TX score",
                    "level": "index", "value": value + shift, "ci_low": lo + shift,
                    "ci_high": hi + shift, "se": 1.0, "n": n, "n_eff": n_eff, "flag": flag,
                    "band": ""}
            rows += [{"measure": "tx", **cell}, {"measure": "cx", **cell, "value": 99.9}]
        for brand, (nc, c, quadrant, in_peer) in GRID_W2.items():
            grid.append({"wave": wave, "brand": brand, "non_customer_score": nc + shift,
                         "customer_score": c + shift, "peer_non_customer": PEER_N + shift,
                         "peer_customer": PEER_C + shift, "quadrant": quadrant,
                         "in_peer_average": in_peer, "flag": TX_W2[brand][5]})
    report = SimpleNamespace(language=language, confidence=0.95, suppress_below=30.0,
                             low_base_below=50.0, caution_below=100.0, peer_min_base=100.0)
    study = SimpleNamespace(name="Fake study", waves=["W1", "W2"], report=report)
    return SimpleNamespace(study=study, scores=pd.DataFrame(rows), grid=pd.DataFrame(grid),
                           by=by)


def texts(fig: Figure) -> list[str]:
    """Every text drawn in the figure (tick labels exist only after a draw)."""
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def brand_bars(fig: Figure) -> dict[str, Rectangle]:
    return {p.get_gid()[6:]: p for p in fig.findobj(Rectangle)
            if (p.get_gid() or "").startswith("brand:")}


def brand_points(fig: Figure) -> dict[str, tuple[float, float]]:
    return {c.get_gid()[6:]: tuple(c.get_offsets()[0]) for c in fig.findobj(PathCollection)
            if (c.get_gid() or "").startswith("brand:")}


# ------------------------------------------------------------------------- TX by brand
def test_tx_by_brand_bars_title_bases_and_total_line():
    fig = tx_by_brand(fake_result())  # latest wave by default
    assert isinstance(fig, Figure)
    shown = texts(fig)
    assert fig.get_suptitle() == "TX score by brand – W2"
    assert fig.axes[0].get_xlabel() == "TX score (0–100)"
    bars = brand_bars(fig)
    assert set(bars) == {"Alpha", "Bravo", "Charlie"}  # one bar per non-suppressed brand
    assert {b: round(p.get_width(), 1) for b, p in bars.items()} == {
        "Alpha": 72.4, "Bravo": 58.6, "Charlie": 41.3}
    # best at the top
    assert bars["Alpha"].get_y() > bars["Bravo"].get_y() > bars["Charlie"].get_y()
    for label in ("72.4", "58.6", "41.3", "Alpha (n_eff=950)", "Bravo (n_eff=380)"):
        assert label in shown
    # the total is a reference line, not a bar, and is labelled
    assert "All brands" not in bars
    assert any(isinstance(line, Line2D) and list(line.get_xdata()) == [60.0, 60.0]
               for line in fig.axes[0].lines)
    assert "All brands 60.0 (n_eff=1,390)" in shown
    assert any("Error bars: 95% bootstrap interval" in t for t in shown)
    assert any("Fake study" in t for t in shown)
    # the score bands (methodology: excellent >= 80, good >= 70, ...) named under the ticks
    ax = fig.axes[0]
    bands = {t.get_text(): x for t, x in zip(ax.get_xticklabels(minor=True),
                                             ax.get_xticks(minor=True), strict=True)}
    assert bands == {"very poor": 25, "poor": 55, "okay": 65, "good": 75, "excellent": 90}


def test_tx_by_brand_suppressed_brand_has_no_bar_and_no_number():
    fig = tx_by_brand(fake_result(), wave="W2")
    shown = texts(fig)
    assert "Delta" not in brand_bars(fig)
    assert "Delta" in shown and "n<30 – suppressed" in shown
    for leaked in LEAKED:
        assert not any(leaked in t for t in shown), leaked
    widths = [round(p.get_width(), 1) for p in fig.findobj(Rectangle)]
    assert 33.3 not in widths


def test_charts_read_the_flag_and_compare_no_base():
    """Reporting decides nothing: Delta (n_eff 20) flagged ok by the scoring is drawn with
    its number, Alpha (n_eff 950) flagged suppressed is not."""
    result = fake_result()
    for table in (result.scores, result.grid):
        table["flag"] = table["flag"].mask(table["brand"] == "Delta", "ok").mask(
            table["brand"] == "Alpha", "suppressed")
    fig = tx_by_brand(result)
    assert set(brand_bars(fig)) == {"Bravo", "Charlie", "Delta"}
    shown = texts(fig)
    assert "33.3" in shown and "72.4" not in shown and "Delta (n_eff=20)" in shown
    assert set(brand_points(growth_grid(result))) == {"Bravo", "Charlie", "Delta"}


def test_tx_by_brand_low_base_is_hatched_with_legend_entry():
    fig = tx_by_brand(fake_result())
    bars = brand_bars(fig)
    assert bars["Charlie"].get_hatch() and not bars["Alpha"].get_hatch()
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["Low base (n_eff < 50)"]


def test_tx_by_brand_wave_choice_and_bad_wave():
    shown = texts(tx_by_brand(fake_result(), wave="W1"))
    assert "TX score by brand – W1" in shown and "70.0" in shown
    with pytest.raises(TxscoreError, match="W9"):
        tx_by_brand(fake_result(), wave="W9")
    with pytest.raises(TxscoreError, match="without `by`"):
        tx_by_brand(fake_result(by=("region",)))


def test_draws_into_a_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    assert tx_by_brand(fake_result(), ax=ax) is fig
    assert ax.get_title(loc="left") == "TX score by brand – W2"
    fig2 = Figure()
    ax2 = fig2.add_subplot()
    assert growth_grid(fake_result(), ax=ax2) is fig2
    assert ax2.get_title(loc="left") == "Growth grid – W2"


# ------------------------------------------------------------------------- growth grid
def test_growth_grid_points_crosshairs_and_quadrants():
    fig = growth_grid(fake_result())
    ax = fig.axes[0]
    points = brand_points(fig)
    assert points == {b: pytest.approx((nc, c)) for b, (nc, c, *_) in GRID_W2.items()
                      if b != "Delta"}
    shown = texts(fig)
    assert fig.get_suptitle() == "Growth grid – W2"
    assert ax.get_xlabel() == "Non-customer score (BX non-customers, 0–100)"
    assert ax.get_ylabel() == "Customer score (C, 0–100)"
    for name in ("Leading", "Plateauing", "Churning", "Lagging", "Alpha", "Bravo", "Charlie"):
        assert name in shown
    xs = {float(line.get_xdata()[0]) for line in ax.lines}
    ys = {float(line.get_ydata()[0]) for line in ax.lines}
    assert PEER_N in xs and PEER_C in ys
    # the quadrant names sit in their corners (axes fraction)
    corner = {t.get_text(): t.get_position() for t in ax.texts if t.get_text() in
              ("Leading", "Plateauing", "Churning", "Lagging")}
    assert corner["Leading"][0] > 0.5 and corner["Leading"][1] > 0.5
    assert corner["Plateauing"][0] < 0.5 and corner["Plateauing"][1] > 0.5
    assert corner["Churning"][0] > 0.5 and corner["Churning"][1] < 0.5
    assert corner["Lagging"][0] < 0.5 and corner["Lagging"][1] < 0.5


def test_growth_grid_omits_suppressed_brand_and_footnotes_it():
    fig = growth_grid(fake_result())
    shown = texts(fig)
    assert "Delta" not in brand_points(fig)
    assert any("Not shown (n_eff < 30): Delta" in t for t in shown)
    for leaked in LEAKED:
        assert not any(leaked in t for t in shown), leaked


def test_growth_grid_brand_labels_do_not_cover_points():
    fig = growth_grid(fake_result())
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if t.get_text() in GRID_W2]
    pixels = ax.transData.transform(np.array(list(brand_points(fig).values())))
    for label in labels:
        box = label.get_window_extent().expanded(1.0, 1.0)
        assert not any(box.contains(x, y) for x, y in pixels), label.get_text()


# ------------------------------------------------------------------------- French
def test_french_labels_and_decimal_comma():
    fr = fake_result(language="fr")
    shown = texts(tx_by_brand(fr))
    assert "Score TX par marque – W2" in shown
    assert "72,4" in shown and "72.4" not in shown
    assert "Alpha (n_eff=950)" in shown
    assert "Toutes marques 60,0 (n_eff=1\u202f390)" in shown
    assert {"très faible", "faible", "correct", "bon", "excellent"} <= set(shown)
    assert "n<30 – masqué" in shown
    grid = texts(growth_grid(fr))
    assert "Grille de croissance – W2" in grid
    for name in ("Leader", "En plateau", "En perte de clients", "En retard"):
        assert name in grid
    assert "Leading" not in grid
    assert any("(N 55,1, C 75,2)" in t for t in grid)


# ------------------------------------------------------------------------- files
def test_save_charts_writes_identical_bytes_twice(tmp_path):
    before = dict(matplotlib.rcParams)
    first = save_charts(fake_result(), tmp_path / "a", dpi=60)
    # drawn again by two worker processes (where fork exists): the same bytes
    second = save_charts(fake_result(), tmp_path / "b", dpi=60, workers=2)
    assert sorted(first) == ["growth_grid_w1", "growth_grid_w2", "trend_cx", "trend_tx",
                             "tx_by_brand_w1", "tx_by_brand_w2"]
    for key, path in first.items():
        assert path.name == f"{key}.png"
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.read_bytes() == second[key].read_bytes(), key
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(
        f"{k}.png" for k in first)  # no temporary files left behind
    assert dict(matplotlib.rcParams) == before  # the style never leaks into the globals


def test_save_charts_skips_a_segmented_result_with_a_warning(tmp_path):
    with pytest.warns(TxscoreWarning, match="region"):
        assert save_charts(fake_result(by=("region",)), tmp_path) == {}
    assert not list(tmp_path.iterdir())


# =============================================================================== sample study
CUT = "Tailspin"  # the brand cut to 20 respondents per population in the latest wave
LATEST = "2026 Q2"


def french(result):
    """The same result with French texts (no number changes)."""
    study = result.study
    return replace(result, study=replace(study, report=replace(study.report, language="fr")))


@pytest.fixture(scope="module")
def loaded(sample_loaded):
    """The sample loaded (a copy of the session's shared responses), its study without
    banner tables, scenarios and planning: variants drop what scenarios name."""
    responses = private_copy(sample_loaded)
    return replace(responses, study=plain_study(responses.study))


@pytest.fixture(scope="module")
def sample(sample_scored):
    """The sample study scored with 200 resamples (a copy of the session's shared result;
    intervals are drawn, not tested here)."""
    return private_copy(sample_scored)


@pytest.fixture(scope="module")
def cut(loaded):
    """(suppressed result, the same data scored without suppression) for CUT in LATEST."""
    d = loaded.data
    rows = (d["brand"] == CUT) & (d["wave"] == LATEST)
    keep = ~rows | (rows & (d.groupby(["population", rows]).cumcount() < 20))
    small = replace(loaded, data=d[keep].reset_index(drop=True))
    hidden = tx.score(replace(small, study=small.study.with_settings(bootstrap=30)))
    shown = tx.score(replace(small, study=small.study.with_settings(
        bootstrap=0, suppress_below=0, low_base_below=0, caution_below=0, peer_min_base=0)))
    return hidden, shown


def leaked_numbers(shown, lang: str = "en") -> set[str]:
    """CUT's latest-wave numbers as the charts would print them, when not suppressed."""
    s = shown.scores
    v = s.loc[(s["brand"] == CUT) & (s["wave"] == LATEST), "value"]
    return {f"{x:.1f}".replace(".", "," if lang == "fr" else ".") for x in v}


def visible_numbers(result) -> set[str]:
    """Numbers other cells legitimately show (a coincidence is not a leak)."""
    s = result.scores
    return {f"{x:.1f}" for x in s.loc[s["brand"] != CUT, "value"].dropna()}


def assert_no_leak(fig, result, shown) -> None:
    words = " ".join(texts(fig))
    leaks = {n for n in leaked_numbers(shown) - visible_numbers(result)
             if re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d])", words)}
    assert not leaks, leaks
    assert f"{CUT} (n_eff=" not in words  # no base printed either


def boxes(fig, prefix: str = "label:") -> dict[str, Any]:
    """Window extents of the texts whose gid starts with ``prefix``, after a draw."""
    fig.canvas.draw()
    return {t.get_gid()[len(prefix):]: t.get_window_extent() for t in fig.findobj(Text)
            if (t.get_gid() or "").startswith(prefix)}


def assert_apart(extents: dict[str, Any]) -> None:
    for (a, ba), (b, bb) in itertools.combinations(extents.items(), 2):
        assert not ba.overlaps(bb), (a, b)


def assert_labels_clear_of_points(fig, points: dict[str, tuple[float, float]]) -> None:
    ax = fig.axes[0]
    extents = boxes(fig)
    assert set(extents) == set(points)
    assert_apart(extents)
    pixels = ax.transData.transform(np.array(list(points.values())))
    for name, box in extents.items():
        assert not any(box.contains(x, y) for x, y in pixels), name


# ------------------------------------------------------------------------- every chart
DRAW = {"tx_by_brand": {}, "growth_grid": {}, "cx_vs_bx": {}, "trend": {},
        "item_distribution": {}, "importance_performance": {}, "reliability_overview": {}}


@pytest.mark.parametrize("name", list(DRAW))
def test_every_chart_draws_into_a_given_axes_in_english_and_french(sample, name):
    draw = CHARTS[name]
    before = dict(matplotlib.rcParams)
    own = draw(sample, **DRAW[name])
    assert own.get_suptitle() and own.axes[0].get_xlabel()
    for result in (sample, french(sample)):
        fig = Figure()
        ax = fig.add_subplot()
        assert draw(result, ax=ax, **DRAW[name]) is fig
        assert ax.get_xlabel()
        if result is sample:  # the same words, wrapped at the width of the given axes
            assert ax.get_title(loc="left").split() == own.get_suptitle().split()
            continue
        shown = texts(fig)  # French texts and no English decimal point in the numbers
        assert any("é" in t or "è" in t for t in shown), shown
        assert not [t for t in shown if re.search(r"\d\.\d", t)], name
    assert dict(matplotlib.rcParams) == before


def test_every_chart_leaves_out_the_suppressed_brand(cut):
    hidden, shown = cut
    for name in ("tx_by_brand", "growth_grid", "cx_vs_bx", "trend"):
        fig = CHARTS[name](hidden)
        assert CUT not in brand_bars(fig) and CUT not in brand_points(fig), name
        assert_no_leak(fig, hidden, shown)
    assert "n<30 – suppressed" in texts(tx_by_brand(hidden))
    for name in ("growth_grid", "cx_vs_bx"):
        assert any(f"Not shown (n_eff < 30): {CUT}" in t for t in texts(CHARTS[name](hidden)))


# ------------------------------------------------------------------------- CX vs BX
def test_cx_vs_bx_points_whiskers_and_footnote(sample):
    fig = cx_vs_bx(sample)
    s = sample.scores.set_index(["measure", "wave", "brand"])
    brands = sorted(b for b in set(sample.scores["brand"]) if b != TOTAL)
    points = brand_points(fig)
    assert points == {b: pytest.approx((s.loc[("cx", LATEST, b), "value"],
                                        s.loc[("bx_customers", LATEST, b), "value"]))
                      for b in brands}
    # whiskers: one horizontal and one vertical segment per brand, ending at the intervals
    segments = [seg for c in fig.axes[0].collections if isinstance(c, LineCollection)
                for seg in c.get_segments()]
    for b in brands:
        x, y = points[b]
        want_x = (s.loc[("cx", LATEST, b), "ci_low"], s.loc[("cx", LATEST, b), "ci_high"])
        assert any(np.allclose(seg, [[want_x[0], y], [want_x[1], y]]) for seg in segments), b
        want_y = (s.loc[("bx_customers", LATEST, b), "ci_low"],
                  s.loc[("bx_customers", LATEST, b), "ci_high"])
        assert any(np.allclose(seg, [[x, want_y[0]], [x, want_y[1]]]) for seg in segments), b
    shown = " ".join(texts(fig))
    total_cx = s.loc[("cx", LATEST, TOTAL), "value"]
    assert f"all brands (CX {total_cx:.1f}," in shown
    n_eff = s.loc[("cx", LATEST, "Adatum"), "n_eff"]
    assert f"Adatum\xa0{round(n_eff):,}" in shown  # a brand and its base stay on one line
    assert fig.get_suptitle() == f"CX and BX among customers – {LATEST}"


@pytest.mark.parametrize("name", ["cx_vs_bx", "growth_grid"])
def test_scatter_labels_are_apart_and_clear_of_points(sample, name):
    fig = CHARTS[name](sample)
    assert_labels_clear_of_points(fig, brand_points(fig))


# ------------------------------------------------------------------------- trend
def test_trend_lines_follow_the_scores_and_rings_mark_significant_changes(sample):
    fig = trend(sample, "tx")
    s = sample.scores[sample.scores["measure"] == "tx"].set_index(["brand", "wave"])["value"]
    lines = {ln.get_gid()[6:]: ln for ln in fig.axes[0].lines
             if (ln.get_gid() or "").startswith("brand:")}
    assert set(lines) == set(sample.scores["brand"])
    for b, line in lines.items():
        assert line.get_ydata() == pytest.approx([s[(b, w)] for w in sample.study.waves]), b
    ch = sample.changes
    sig = ch[(ch["comparison"] == "wave") & (ch["measure"] == "tx") & ch["significant"]]
    rings = {ln.get_gid() for ln in fig.axes[0].lines if (ln.get_gid() or "").startswith(
        "change:")}
    assert rings == {f"change:{b}:{w}" for b, w in zip(sig["brand"], sig["wave"], strict=True)}
    assert rings  # the sample has significant TX changes (Contoso falls)
    assert any("Circled: significant change" in t for t in texts(fig))
    assert fig.axes[0].get_ylabel() == "TX score (0–100)"


def test_trend_end_labels_are_apart_in_value_order_with_bases(sample):
    fig = trend(sample, "bx_non_customers")
    extents = boxes(fig)
    assert_apart(extents)
    s = sample.scores
    last = s[(s["measure"] == "bx_non_customers") & (s["wave"] == LATEST)].set_index("brand")
    order = last["value"].sort_values().index
    tops = [extents[b].y0 for b in order]
    assert tops == sorted(tops)  # spread, never reordered
    shown = texts(fig)
    adatum = last.loc["Adatum"]
    assert f"Adatum {adatum['value']:.1f} (n_eff={round(adatum['n_eff'])})" in shown


def test_trend_breaks_at_a_suppressed_cell_and_names_it(cut):
    hidden, shown = cut
    fig = trend(hidden, "tx")
    line = next(ln for ln in fig.axes[0].lines if ln.get_gid() == f"brand:{CUT}")
    assert np.isnan(line.get_ydata()[-1]) and np.isfinite(line.get_ydata()[0])
    words = texts(fig)
    assert any(f"Not shown (n_eff < 30): {CUT} ({LATEST})" in t for t in words)
    assert any(t.startswith(f"{CUT} ") and t.endswith(", 2026 Q1)") for t in words)
    assert_no_leak(fig, hidden, shown)


def test_trend_population_choice_and_errors(sample):
    fig = trend(sample, "trust", population="non_customer", wave="2026 Q1")
    assert fig.get_suptitle() == "Trust by wave – non-customers"
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2026 Q1"]
    with pytest.raises(TxscoreError, match="'tx'"):
        trend(sample, "no_such_measure")
    with pytest.raises(TxscoreError, match="non_customer"):
        trend(sample, "cx", population="non_customer")


def test_spread_keeps_labels_a_gap_apart_inside_the_range():
    # by hand: 0, 5, 6 with a 12-point gap -> 0, 12, 24; at the top, 95 and 99 -> 88, 100
    assert spread(np.array([5.0, 0.0, 6.0]), 12, 0, 100).tolist() == [12.0, 0.0, 24.0]
    assert spread(np.array([99.0, 95.0]), 12, 0, 100).tolist() == [100.0, 88.0]
    assert spread(np.array([40.0, 60.0]), 12, 0, 100).tolist() == [40.0, 60.0]


# ------------------------------------------------------------------------- item distribution
def segments_of(fig, row: int) -> np.ndarray:
    """(x0, x1) of the bar segments at y == row, left to right."""
    coll = next(c for c in fig.axes[0].collections if c.get_gid() == "answers")
    verts = np.array([p.vertices[:4] for p in coll.get_paths()])
    mine = np.isclose(verts[:, :, 1].mean(axis=1), row)
    xs = verts[mine][:, :, 0]
    return np.sort(np.column_stack([xs.min(axis=1), xs.max(axis=1)]), axis=0)


def test_item_distribution_segments_are_the_weighted_answer_shares(loaded, sample):
    fig = item_distribution(sample, population="customer")
    items = sample.study.items_for("customer")
    row = len(items) - 1 - items.index("eff_1")  # first item at the top
    # by hand from the respondents: weighted share of each code of eff_1 among customers
    d = loaded.data
    d = d[(d["population"] == "customer") & (d["wave"] == LATEST) & d["eff_1"].notna()]
    w = d.groupby(d["eff_1"].astype(int))["weight"].sum()
    share = (w / w.sum()).reindex(range(1, 8), fill_value=0).to_numpy() * 100
    seg = segments_of(fig, row)
    assert seg[:, 1] - seg[:, 0] == pytest.approx(share[share > 0])
    # the neutral answer (4) straddles zero symmetrically; the bar starts at -(1..3 + 4/2)
    assert seg[0, 0] == pytest.approx(-(share[:3].sum() + share[3] / 2))
    assert seg[3] == pytest.approx([-share[3] / 2, share[3] / 2])
    shown = texts(fig)
    # the ends: the bottom box (1-3) and the top box (6-7), as in the Items sheet
    assert f"{round(share[:3].sum())}%" in shown and f"{round(share[5:].sum())}%" in shown
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels[items.index("eff_1")] == "[Brand] meets my needs"
    assert labels[items.index("ease_2")].endswith("(R)")  # reversed item, recoded
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[:7] == ["Strongly disagree\nVery unlikely", "Disagree\nUnlikely",
                          "Somewhat disagree\nSomewhat unlikely",
                          "Neither agree nor disagree\nNeither likely nor unlikely",
                          "Somewhat agree\nSomewhat likely", "Agree\nLikely",
                          "Strongly agree\nVery likely"]
    assert legend[7:] == ["Detractors 0–6", "Passives 7–8", "Promoters 9–10"]  # 0-10 item
    assert fig.get_suptitle() == f"Answers by item – All brands, customers – {LATEST}"


def test_item_distribution_of_a_brand_and_french(sample):
    fig = item_distribution(french(sample), brand="Adatum", population="non_customer",
                            items=["sal_1", "trust_2"])
    labels = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    # the spec's French texts, their placeholder "[Marque]" naming the brand
    items = sample.study.items
    assert labels == [items[c].label_in("fr").replace("[Marque]", "Adatum")
                      for c in ("sal_1", "trust_2")]
    assert "Adatum" in labels[0] and "[Marque]" not in " ".join(labels)
    assert fig.get_suptitle() == f"Réponses par item – Adatum, non-clients – {LATEST}"
    assert any(re.fullmatch(r"\d+\u00a0%", t) for t in texts(fig))
    with pytest.raises(TxscoreError, match="eff_1"):
        item_distribution(sample, population="non_customer", items=["eff_1"])


def test_item_distribution_of_unlabelled_scales_shows_their_codes(sample):
    # no label on any scale (a 7-point scale declared with points only): the legend gives
    # the codes, in order, and the chart draws (it raised on an empty legend before)
    study = sample.study
    bare = {k: replace(sc, labels={}, translations={}) for k, sc in study.scales.items()}
    fig = item_distribution(replace(sample, study=replace(study, scales=bare)))
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == [str(c) for c in range(1, 8)] + ["Detractors 0–6", "Passives 7–8",
                                                      "Promoters 9–10"]
    seven = fig.axes[0].get_legend().get_patches()[:7]
    assert len({matplotlib.colors.to_hex(p.get_facecolor()) for p in seven}) == 7


def test_item_distribution_speaks_the_report_language(sample):
    # short labels and scale labels in the report's language, when the study gives them
    study = sample.study
    agree = replace(study.scales["agree7"],
                    translations={"fr": {7: "Tout à fait d’accord", 1: "Pas du tout d’accord"}})
    items = {**study.items, "eff_1": replace(study.items["eff_1"], label="Needs",
                                             labels={"fr": "Besoins"})}
    result = replace(sample, study=replace(study, items=items,
                                           scales={**study.scales, "agree7": agree}))
    for res, label, strong in ((result, "Needs", "Strongly agree"),
                               (french(result), "Besoins", "Tout à fait d’accord")):
        fig = item_distribution(res, population="customer")
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert labels[study.items_for("customer").index("eff_1")] == label
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert legend[6].split("\n")[0] == strong


@pytest.mark.filterwarnings("ignore::txscore.errors.TxscoreWarning")
def test_charts_of_indices_not_computed_say_why_and_blame_no_present_source(loaded):
    study = loaded.study.with_settings(bootstrap=0)
    d = loaded.data
    # customers answered no BX item (their files lack the columns): both sources are there
    pillars = [c for name in ("salience", "fit", "trust") for c in study.items_of(name)]
    no_bx = d.copy()
    no_bx.loc[no_bx["population"] == "customer", pillars] = pd.NA
    result = tx.score(replace(loaded, study=study, data=no_bx))
    for chart, name in ((tx_by_brand, "TX"), (growth_grid, "growth grid"),
                        (cx_vs_bx, "BX customers")):
        with pytest.raises(TxscoreError) as caught:
            chart(result)
        message = str(caught.value)
        assert f"No {name}" in message and "no item of at least one BX pillar" in message
        assert "source" not in message, message
    with pytest.raises(TxscoreError, match="no item of at least one BX pillar"):
        trend(result, measure="tx")
    # no non-customer source in the study at all: that is said
    customers = replace(study, sources=tuple(s for s in study.sources
                                             if s.population == "customer"))
    only = tx.score(replace(loaded, study=customers, data=d[d["population"] == "customer"]))
    with pytest.raises(TxscoreError, match="the study has no non-customer source"):
        tx_by_brand(only)
    # every row of the latest wave excluded: TX exists, but not in that wave
    first = tx.score(replace(loaded, study=study, data=d[d["wave"] != LATEST]))
    assert "tx" not in first.not_computed
    tx_by_brand(first, wave="2026 Q1")
    with pytest.raises(TxscoreError, match=f"wave '{LATEST}' has no scored customers"):
        tx_by_brand(first, wave=LATEST)


def test_item_distribution_suppressed_items_have_no_bar_or_share(cut):
    hidden, _ = cut
    fig = item_distribution(hidden, brand=CUT)
    assert not any(c.get_gid() == "answers" and len(c.get_paths())
                   for c in fig.axes[0].collections)
    shown = texts(fig)
    assert shown.count("n<30 – suppressed") == len(hidden.study.items_for("customer"))
    assert not [t for t in shown if t.endswith("%")]


# ------------------------------------------------------------------------- importance
def hand_drivers(n_eff: float = 2600.0, flag: str = "ok") -> pd.DataFrame:
    """Four drivers, one per quadrant. Mean importance 100/4 = 25, mean performance
    (80 + 50 + 75 + 55) / 4 = 65: eff_1 (40, 80) keep up, ease_1 (35, 50) concentrate,
    emo_1 (10, 75) overkill, ease_2 (15, 55) low priority and a negative coefficient."""
    rows = [("eff_1", "Meets my needs", 40.0, 80.0, 1), ("ease_1", "Easy to deal with", 35.0,
                                                          50.0, 1),
            ("emo_1", "Makes me feel valued", 10.0, 75.0, 1),
            ("ease_2", "Takes too much effort", 15.0, 55.0, -1)]
    return pd.DataFrame([{
        "analysis": "items_loyalty", "outcome": "Loyalty composite", "population": "customer",
        "wave": LATEST, "driver": d, "label": label, "importance": imp, "ci_low": imp - 3,
        "ci_high": imp + 3, "raw_weight": imp / 200, "sign": sign, "r2": 0.5, "n": 3000,
        "n_eff": n_eff, "performance": perf, "performance_ci_low": perf - 1.5,
        "performance_ci_high": perf + 1.5, "method": "relative_weights", "warning": "",
        "flag": flag}
        for d, label, imp, perf, sign in rows])


def driver_points(fig) -> dict[str, Any]:
    return {c.get_gid()[7:]: c for c in fig.findobj(PathCollection)
            if (c.get_gid() or "").startswith("driver:")}


def test_importance_performance_quadrants_by_hand(sample):
    result = replace(sample, drivers=hand_drivers())
    fig = importance_performance(result, analysis="items_loyalty")
    ax = fig.axes[0]
    pts = driver_points(fig)
    assert {d: tuple(c.get_offsets()[0]) for d, c in pts.items()} == {
        "eff_1": (40, 80), "ease_1": (35, 50), "emo_1": (10, 75), "ease_2": (15, 55)}
    colour = {d: matplotlib.colors.to_hex(c.get_edgecolor()[0]) for d, c in pts.items()}
    assert colour == {"eff_1": GREEN.lower(), "ease_1": VERMILLION.lower(),
                      "emo_1": PURPLE.lower(), "ease_2": GREY.lower()}
    face = matplotlib.colors.to_hex(pts["ease_2"].get_facecolor()[0])
    assert face == "#ffffff"  # hollow: negative coefficient
    assert {float(ln.get_xdata()[0]) for ln in ax.lines} >= {25.0}
    assert {float(ln.get_ydata()[0]) for ln in ax.lines} >= {65.0}
    corner = {t.get_text(): t.get_position() for t in ax.texts
              if (t.get_gid() or "").startswith("quadrant:")}
    assert corner["Concentrate here"][0] > 0.5 > corner["Concentrate here"][1]
    assert corner["Keep up the good work"][0] > 0.5 and corner["Keep up the good work"][1] > 0.5
    assert corner["Low priority"][0] < 0.5 and corner["Low priority"][1] < 0.5
    assert corner["Possible overkill"][0] < 0.5 < corner["Possible overkill"][1]
    shown = " ".join(texts(fig)).replace("\n", " ")
    assert "mean importance 25.0, mean performance 65.0" in shown
    assert "R² 0.50;" in shown and "Hollow points: negative" in shown
    assert f"Base, {LATEST}: 3,000 customers who answered" in shown
    assert "(effective base 2,600)" in shown
    assert_labels_clear_of_points(fig, {
        label: tuple(pts[d].get_offsets()[0]) for d, label in
        zip(hand_drivers()["driver"], hand_drivers()["label"], strict=True)})
    fr = texts(importance_performance(french(result), analysis="items_loyalty"))
    assert {"Priorité d’action", "Atouts à maintenir", "Faible priorité"} <= set(fr)
    assert "importance moyenne 25,0, performance moyenne 65,0" in " ".join(fr).replace("\n", " ")


def test_importance_performance_of_the_scored_drivers(sample):
    d = sample.drivers
    rows = d[(d["analysis"] == "cx_loyalty") & (d["wave"] == LATEST)]
    fig = importance_performance(sample)  # cx_loyalty, latest wave
    pts = {k: tuple(c.get_offsets()[0]) for k, c in driver_points(fig).items()}
    assert pts == {r.driver: pytest.approx((r.importance, r.performance))
                   for r in rows.itertuples()}
    assert fig.get_suptitle() == ("Importance and performance – Loyalty composite, customers – "
                                  f"{LATEST}")


def test_importance_performance_without_drivers_or_base(sample):
    for result in (replace(sample, drivers=pd.DataFrame()),
                   replace(sample, drivers=hand_drivers().iloc[:0])):
        fig = importance_performance(result)
        assert "no driver analysis" in texts(fig) and not driver_points(fig)
    # the scoring flagged the analysis suppressed (its numbers are kept here on purpose:
    # the chart must not show them even if they leak through)
    fig = importance_performance(replace(sample, drivers=hand_drivers(20.0, "suppressed")),
                                 analysis="items_loyalty")
    shown = " ".join(texts(fig))
    assert "n<30 – suppressed" in shown and not driver_points(fig)
    for hidden in ("Meets my needs", "R²", "n_eff=20", "mean importance"):
        assert hidden not in shown
    with pytest.raises(TxscoreError, match="cx_loyalty"):
        importance_performance(sample, analysis="nps_drivers")


# ------------------------------------------------------------------------- reliability
def test_reliability_overview_points_verdicts_and_reference_lines(sample):
    fig = reliability_overview(sample)
    ax = fig.axes[0]
    rel = sample.reliability
    alphas = sorted(round(float(x), 9) for ln in ax.lines if ln.get_marker() == "o"
                    for x in ln.get_xdata())
    assert alphas == sorted(round(a, 9) for a in rel["alpha"])
    omega = next(c for c in ax.collections if c.get_gid() == "omega")
    assert sorted(omega.get_offsets()[:, 0]) == pytest.approx(sorted(rel["omega_total"]))
    colours = {matplotlib.colors.to_hex(ln.get_color()): len(ln.get_xdata()) for ln in ax.lines
               if ln.get_marker() == "o"}
    verdicts = rel["verdict"].str.split(";").str[0]
    assert colours == {GREEN.lower(): int((verdicts == "ok").sum()),
                       ORANGE.lower(): int((verdicts == "questionable").sum())}
    assert {0.7, 0.8} <= {float(ln.get_xdata()[0]) for ln in ax.lines if ln.get_marker() in
                          ("None", "", None)}
    trust = rel[(rel["construct"] == "trust") & (rel["population"] == "customer")].iloc[0]
    shown = texts(fig)
    assert (f"α {trust['alpha']:.2f} [{trust['ci_low']:.2f}–{trust['ci_high']:.2f}]  "
            f"ω {trust['omega_total']:.2f}") in shown
    assert f"Trust – customers (n={trust['n_complete']:,})" in shown
    assert any("trust_3: low item-rest r" in t for t in shown)
    assert any(re.search(r"α 0,\d\d \[0,\d\d–0,\d\d\]", t)
               for t in texts(reliability_overview(french(sample))))


def test_reliability_overview_suppresses_a_construct_with_too_few_cases(sample):
    rel = sample.reliability.copy()
    rel.loc[0, ["n_complete", "alpha", "ci_low", "ci_high", "omega_total", "flag"]] = (
        12, 0.123, 0.101, 0.145, 0.167, "suppressed")  # numbers no other construct has
    fig = reliability_overview(replace(sample, reliability=rel))
    shown = texts(fig)
    label = f"{rel.loc[0, 'label']} – customers"
    assert label in shown and "n<30 – suppressed" in shown
    for hidden in ("0.12", "0.10", "0.14", "0.17", "n=12"):
        assert hidden not in " ".join(shown), hidden
    assert len([t for t in shown if t.startswith("α ")]) == len(rel) - 1
    assert 0.123 not in [round(x, 3) for ln in fig.axes[0].lines for x in ln.get_xdata()]


# ------------------------------------------------------------------------- files
def test_save_charts_plans_every_chart_of_the_sample(sample):
    waves = ["2026-q1", "2026-q2"]
    analyses = sorted(set(sample.drivers["analysis"]))
    assert sorted(key for key, _, _ in chart_jobs(sample)) == sorted(
        [f"{c}_{w}" for c in ("tx_by_brand", "growth_grid", "cx_vs_bx",
                              "item_distribution_customer", "item_distribution_non_customer")
         for w in waves]
        + [f"importance_performance_{a}_{w}" for a in analyses for w in waves]
        + [f"trend_{m}" for m in ("tx", "cx", "bx_customers", "bx_non_customers")]
        + ["reliability"])


@pytest.mark.parametrize("name", [n for n in DRAW if n not in ("tx_by_brand", "growth_grid")])
def test_every_chart_writes_the_same_bytes_twice(sample, tmp_path, name):
    paths = [tmp_path / f"{name}_{i}.png" for i in (1, 2)]
    for path in paths:
        save_png(CHARTS[name](sample), path, 40)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_save_charts_writes_a_chosen_subset(sample, tmp_path):
    assert sorted(save_charts(sample, tmp_path, dpi=20, charts={"trend"})) == [
        "trend_bx_customers", "trend_bx_non_customers", "trend_cx", "trend_tx"]
    with pytest.raises(TxscoreError, match="pie"):
        save_charts(sample, tmp_path, charts=["pie"])


def test_public_namespace_re_exports_the_documented_charts():
    import txscore.charts as public

    for name in (*CHARTS, "save_charts"):
        func = getattr(public, name)
        assert func is getattr(charts_module, name)
        assert "Examples" in func.__doc__ and "Returns" in func.__doc__
    assert sorted(public.__all__) == sorted([*CHARTS, "save_charts"])


# ------------------------------------------------------------------------- names that fit
NAMES = ["A very long brand name " * 13, "Line one\nline two", "北京烤鸭有限公司" * 37,
         "مرحبا بالعالم شركة " * 15, "🍕🚀 Pizza Rocket 😀" * 15, "!!!???...", "W" * 300,
         "Supercalifragilisticexpialidocious" * 8, "   ", ""]


def test_text_width_agrees_with_the_renderer():
    """The advance widths (plus 4% for hinting) give the drawn width: never more than 4%
    short of it, at most 12% over (short runs of narrow letters, rounded by hinting)."""
    fig = Figure(dpi=200)
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    for text in ("Whiskers: 95% bootstrap intervals", "WWWWMMMM", "iiiilll", "Étude ÀÉÎ øß",
                 "北京烤鸭有限公司", "😀 😀 😀"):
        for size, bold in ((9, False), (10, False), (12, True)):
            with matplotlib.rc_context(STYLE), quiet_glyphs():
                t = fig.text(0, 0.5, text, fontsize=size,
                             fontweight="bold" if bold else "normal")
                drawn = t.get_window_extent(renderer).width * 72 / 200
            assert 0.96 <= text_width(text, size, bold) / drawn <= 1.12, (text, size)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("width, lines", [(100, 1), (190, 2), (300, 3)])
def test_fit_keeps_a_name_to_its_lines_and_width(name, width, lines):
    tail = " (n_eff=1,234)"
    label = fit(name, width, lines=lines, tail=tail)
    rows = label.split("\n")
    assert 1 <= len(rows) <= lines and label.endswith(tail.strip())
    assert all(text_width(r) <= width + 1e-9 for r in rows[:-1] if len(r) > 1)
    shown = " ".join(label.replace("\u2068", "").replace("\u2069", "").split())
    if one_line(name) + tail.rstrip() != shown:  # shortened: an ellipsis says so
        assert "…" in shown
    assert "\n" not in one_line(name) and one_line(name).strip()  # a blank name shows ␣


def test_fit_names_tells_alike_names_apart():
    alike = ["Brand " + "x" * 40 + " one", "Brand " + "x" * 40 + " two", "Other"]
    labels, keys = fit_names(alike, 80, lines=1)
    assert len(set(labels)) == 3 and keys == []
    assert labels[0].endswith("one") and labels[1].endswith("two")
    middle = ["Same " * 12 + "alpha" + " end" * 14, "Same " * 12 + "beta" + " end" * 14]
    labels, keys = fit_names(middle, 120, lines=1)
    assert "alpha" in labels[0] and "beta" in labels[1] and keys == []
    same_look = ["\u2603" * 9 + "a", "\u2603" * 9 + "b"] if not missing_glyphs(["\u2603"]) \
        else ["北京" * 9, "上海" * 9]
    if missing_glyphs(same_look):  # boxes look alike: keys, the full names given back
        labels, keys = fit_names(same_look, 60, lines=1)
        assert [k for k, _ in keys] == ["[1]", "[2]"] and [n for _, n in keys] == same_look
        assert labels[0].startswith("[1] ") and labels[1].startswith("[2] ")


def test_missing_glyphs_are_said_once_per_report():
    assert missing_glyphs(["Nestlé", "Ωmega", "Zürich – 100 %", "مرحبا"]) == []
    assert set(missing_glyphs(["\U0001F355 Pizza"])) <= {"\U0001F355"}


def test_wave_slugs_stay_short_and_unique():
    waves = ["Wave " + "one " * 80, "Wave " + "one " * 81, "北京", "上海", "2026 Q1", "2026-Q1"]
    slugs = wave_slugs(waves)
    assert len(set(slugs.values())) == len(waves)
    assert all(len(s) <= SLUG_MAX + 3 for s in slugs.values())
    assert slugs["2026 Q1"] == "2026-q1" and slugs["北京"] == "x"


def test_top_brands_keeps_the_best_and_the_focus_in_order():
    rows = pd.DataFrame({"brand": list("ABCDEF")})
    by = np.array([10.0, np.nan, 30.0, 30.0, 20.0, 5.0])
    shown, more = top_brands(rows, by, 3, focus="F")
    assert shown["brand"].tolist() == ["C", "D", "E", "F"] and more == 2
    shown, more = top_brands(rows, by, 3)
    assert shown["brand"].tolist() == ["C", "D", "E"] and more == 3
    assert top_brands(rows, by, None)[1] == 0 and top_brands(rows, by, 6)[1] == 0
