"""Tests of txscore.reporting.charts on a small hand-built result (no scoring pipeline).

The fake result has two waves and four brands. In the latest wave (W2):

    brand    TX    n      n_eff  flag        N     C     quadrant
    Alpha    72.4  1065   950    ""          65.2  80.1  Leading
    Bravo    58.6  420    380    ""          45.0  70.3  Plateauing
    Charlie  41.3  45     40     low base    58.0  50.2  Churning (not in the peer average)
    Delta    --    25     20     suppressed  --    --    --

and "All brands" TX 60.0 (n=1,555). Delta's row deliberately still carries numbers (33.3,
interval 30.1-36.5; grid 33.3 / 44.4): a suppressed cell must not show them even if they
leak through.
"""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from txscore.errors import TxscoreError, TxscoreWarning
from txscore.reporting.charts import growth_grid, save_charts, tx_by_brand

LEAKED = ("33.3", "33,3", "30.1", "36.5", "44.4", "n=25")
TX_W2 = {"Alpha": (72.4, 70.9, 73.8, 1065, 950.0, ""),
         "Bravo": (58.6, 56.0, 61.1, 420, 380.0, ""),
         "Charlie": (41.3, 35.2, 47.0, 45, 40.0, "low base"),
         "Delta": (33.3, 30.1, 36.5, 25, 20.0, "suppressed"),
         "All brands": (60.0, 59.0, 61.0, 1555, 1390.0, "")}
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
    for label in ("72.4", "58.6", "41.3", "Alpha (n=1,065)", "Bravo (n=420)"):
        assert label in shown
    # the total is a reference line, not a bar, and is labelled
    assert "All brands" not in bars
    assert any(isinstance(line, Line2D) and list(line.get_xdata()) == [60.0, 60.0]
               for line in fig.axes[0].lines)
    assert "All brands 60.0 (n=1,555)" in shown
    assert any("Error bars: 95% bootstrap interval" in t for t in shown)
    assert any("Fake study" in t for t in shown)


def test_tx_by_brand_suppressed_brand_has_no_bar_and_no_number():
    fig = tx_by_brand(fake_result(), wave="W2")
    shown = texts(fig)
    assert "Delta" not in brand_bars(fig)
    assert "Delta" in shown and "n<30 – suppressed" in shown
    for leaked in LEAKED:
        assert not any(leaked in t for t in shown), leaked
    widths = [round(p.get_width(), 1) for p in fig.findobj(Rectangle)]
    assert 33.3 not in widths


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
    assert "Alpha (n=1\u202f065)" in shown
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
    second = save_charts(fake_result(), tmp_path / "b", dpi=60)
    assert sorted(first) == ["growth_grid_w1", "growth_grid_w2", "tx_by_brand_w1",
                             "tx_by_brand_w2"]
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
