"""One brand palette: each brand keeps one colour in every brand chart.

The sample study (six brands, two waves) is scored once with 200 resamples. The colour each
brand should have is computed here from the palette's published order (the brands sorted
by name take ``BRAND_PALETTE`` in turn; ``[report] brand_colors`` first; with a focus brand
the others mixed 40% with white) and checked against the drawing code's map
(:func:`palette.brand_colours`), then against every brand artist of every brand chart (bars,
points, lines: found by their gid ``brand:<name>``) and against the pixels of the PNG files
those charts are written as (the pixel under each bar, point and line marker).
"""

from __future__ import annotations

import io
from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import private_copy
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from PIL import Image

from txscore.reporting.chart_brands import cx_vs_bx, growth_grid, tx_by_brand
from txscore.reporting.chart_trend import trend
from txscore.reporting.chartrun import TREND_MEASURES, save_charts
from txscore.reporting.palette import (
    BRAND_PALETTE,
    FOCUS_EDGE,
    MARKERS,
    TOTAL_COLOUR,
    brand_colours,
    brand_markers,
    readable,
)
from txscore.reporting.png import figure_png
from txscore.study.vocabulary import TOTAL

WAVES = ("2026 Q1", "2026 Q2")
FOCUS = "Contoso"
DPI = 120


@pytest.fixture(scope="module")
def sample(sample_scored) -> Any:
    """The sample scored with 200 resamples (a copy of the session's shared result)."""
    return private_copy(sample_scored)


def with_report(result: Any, **settings: Any) -> Any:
    study = result.study
    return replace(result, study=replace(study, report=replace(study.report, **settings)))


@pytest.fixture(scope="module")
def focused(sample) -> Any:
    return with_report(sample, focus_brand=FOCUS)


def brands_of(result: Any) -> list[str]:
    return sorted(set(result.scores["brand"]) - {TOTAL})


def expected(result: Any, given: dict[str, str] | None = None,
             focus: str | None = None) -> dict[str, str]:
    """Each brand's colour by the palette's rules, computed here."""
    given = {b: c.upper() for b, c in (given or {}).items()}
    free = iter(c for c in BRAND_PALETTE if c not in given.values())
    out = {b: given[b] if b in given else next(free) for b in brands_of(result)}
    if focus is not None:  # the others: 40% of their colour, 60% white
        out = {b: c if b == focus else
               "#" + "".join(f"{round(255 * (1 - 0.4 * (1 - v))):02X}" for v in to_rgb(c))
               for b, c in out.items()}
    return out


def hexed(colour: Any) -> str:
    return to_hex(colour, keep_alpha=False).upper()


def brand_charts(result: Any) -> dict[str, Figure]:
    """Every brand chart of the result: both waves of the three by-brand charts, the four
    trends."""
    charts = {}
    for wave in WAVES:
        charts[f"tx_by_brand {wave}"] = tx_by_brand(result, wave=wave)
        charts[f"growth_grid {wave}"] = growth_grid(result, wave=wave)
        charts[f"cx_vs_bx {wave}"] = cx_vs_bx(result, wave=wave)
    for measure in TREND_MEASURES:
        charts[f"trend {measure}"] = trend(result, measure)
    return charts


def artists(fig: Figure) -> dict[str, Any]:
    """The artists of the brands (gid ``brand:<name>``), by brand."""
    return {a.get_gid()[6:]: a for a in fig.findobj()
            if (a.get_gid() or "").startswith("brand:")}


def colour_of(artist: Any) -> str:
    """A brand artist's colour: a bar's face, a point's edge (its face is the same or white
    for hollow points), a line's colour."""
    if isinstance(artist, Rectangle):
        return hexed(artist.get_facecolor())
    if isinstance(artist, PathCollection):
        edge, face = hexed(artist.get_edgecolor()[0]), hexed(artist.get_facecolor()[0])
        assert face in (edge, "#FFFFFF")
        return edge
    assert isinstance(artist, Line2D)
    return hexed(artist.get_color())


# ---------------------------------------------------------------------- the palette map
def test_the_palette_map_gives_brands_their_colours_in_name_order(sample):
    colours = brand_colours(sample)
    assert colours == {**expected(sample), TOTAL: TOTAL_COLOUR}
    assert colours["Adatum"] == "#0072B2" and colours["Contoso"] == "#D55E00"
    assert len(set(colours.values())) == len(colours)  # six brands: six colours


def test_same_brand_same_colour_in_every_chart(sample):
    want = expected(sample)
    seen: dict[str, set[str]] = {b: set() for b in want}
    for key, fig in brand_charts(sample).items():
        drawn = artists(fig)
        assert set(drawn) - {TOTAL} == set(want), key  # every brand in every chart
        for brand, artist in drawn.items():
            if brand == TOTAL:
                assert colour_of(artist) == TOTAL_COLOUR, key
                continue
            assert colour_of(artist) == want[brand], (key, brand)
            seen[brand].add(colour_of(artist))
    assert all(len(c) == 1 for c in seen.values()), seen
    # the bars are not one colour any more
    bars = artists(tx_by_brand(sample))
    assert len({colour_of(a) for a in bars.values()}) == len(want)


def test_the_all_brands_total_is_drawn_in_its_colour(sample):
    fig = tx_by_brand(sample)
    total = [a for a in fig.findobj(Line2D) if a.get_gid() == "total"]
    assert len(total) == 1 and hexed(total[0].get_color()) == TOTAL_COLOUR
    label = next(t for t in fig.axes[0].texts if t.get_text().startswith("All brands"))
    assert hexed(label.get_color()) == TOTAL_COLOUR
    for measure in TREND_MEASURES:
        line = artists(trend(sample, measure))[TOTAL]
        assert hexed(line.get_color()) == TOTAL_COLOUR and line.get_linestyle() == "--"


def test_trend_markers_follow_the_brand_order_not_the_ranking(sample):
    names = brands_of(sample)
    want = {b: MARKERS[i % len(MARKERS)] for i, b in enumerate(names)}
    for measure in TREND_MEASURES:
        lines = artists(trend(sample, measure))
        assert {b: ln.get_marker() for b, ln in lines.items() if b != TOTAL} == want, measure
    assert len(set(want.values())) == len(names)  # every brand its own marker


def test_many_brands_share_no_look_when_colours_repeat():
    """Past the palette's 15 colours a brand repeats a colour, never colour, marker and
    line style together."""
    names = [f"Brand {i:02d}" for i in range(40)]
    result = SimpleNamespace(scores=pd.DataFrame({"brand": [*names, TOTAL]}),
                             study=SimpleNamespace(report=SimpleNamespace()))
    colours, markers = brand_colours(result), brand_markers(result)
    assert colours["Brand 15"] == colours["Brand 00"] == BRAND_PALETTE[0]
    looks = {(colours[b], *markers[b]) for b in names}
    assert len(looks) == len(names)
    assert markers["Brand 00"][1] == "-" and markers["Brand 15"][1] == "--"


# ---------------------------------------------------------------------- the PNG pixels
def pixels(fig: Figure) -> np.ndarray:
    """The chart as the reports write it (png.figure_png), decoded: RGB rows."""
    data = figure_png(fig, DPI)
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def window(image: np.ndarray, fig: Figure, ax: Any, xy: tuple[float, float],
           r: int) -> set[str]:
    """The colours of the pixels within ``r`` of a data point (after figure_png, whose
    layout stays)."""
    fx, fy = fig.transFigure.inverted().transform(ax.transData.transform(xy))
    h, w = image.shape[:2]
    col, row = int(round(fx * w)), int(round((1 - fy) * h))
    patch = image[max(0, row - r):row + r + 1, max(0, col - r):col + r + 1].reshape(-1, 3)
    return {"#{:02X}{:02X}{:02X}".format(*p) for p in np.unique(patch, axis=0)}


def anchors(artist: Any) -> list[tuple[float, float]]:
    """Where a brand's colour must be: a bar's middle, a point, each point of a line."""
    if isinstance(artist, Rectangle):
        return [(artist.get_x() + artist.get_width() / 2,
                 artist.get_y() + artist.get_height() / 2)]
    if isinstance(artist, PathCollection):
        return [tuple(artist.get_offsets()[0])]
    xs, ys = artist.get_xdata(), artist.get_ydata()
    return [(x, y) for x, y in zip(xs, ys, strict=True) if np.isfinite(y)]


def check_pixels(result: Any, want: dict[str, str]) -> int:
    """Every brand drawn at full opacity has its exact colour in the PNG where it is
    drawn; returns how many places were checked."""
    checked = 0
    for key, fig in brand_charts(result).items():
        drawn = {b: a for b, a in artists(fig).items() if b != TOTAL
                 and (a.get_alpha() is None or a.get_alpha() == 1.0)}
        image = pixels(fig)
        ax = fig.axes[0]
        for brand, artist in drawn.items():
            r = 2 if isinstance(artist, Rectangle) else 12  # hollow points: the ring
            found = [want[brand] in window(image, fig, ax, xy, r) for xy in anchors(artist)]
            assert found and all(found), (key, brand, want[brand])
            checked += len(found)
    return checked


def test_png_pixels_show_each_brand_in_its_palette_colour(sample):
    assert check_pixels(sample, brand_colours(sample)) >= 6 * (3 * 2 + 2 * 4)


def test_png_files_of_a_focus_chart_show_every_brand_colour(focused, tmp_path):
    assert check_pixels(focused, brand_colours(focused)) > 0
    # the written files: save_charts gives the same image as figure_png
    paths = save_charts(focused, tmp_path, dpi=DPI, charts={"tx_by_brand"})
    image = np.asarray(Image.open(paths["tx_by_brand_2026-q2"]).convert("RGB"))
    assert np.array_equal(image, pixels(tx_by_brand(focused, wave="2026 Q2")))
    found = {"#{:02X}{:02X}{:02X}".format(*p) for p in np.unique(image.reshape(-1, 3), axis=0)}
    assert set(expected(focused, focus=FOCUS).values()) <= found


# ---------------------------------------------------------------------- brand_colors
def test_brand_colors_of_the_spec_override_a_colour_everywhere(sample):
    given = {"Contoso": "#123456", "Northwind": "#0072b2"}  # Northwind takes Adatum's
    result = with_report(sample, brand_colors=given)
    want = expected(result, given)
    assert want["Contoso"] == "#123456" and want["Northwind"] == "#0072B2"
    assert want["Adatum"] == BRAND_PALETTE[1]  # the given colours leave the free list
    assert {b: c for b, c in brand_colours(result).items() if b != TOTAL} == want
    for key, fig in brand_charts(result).items():
        for brand, artist in artists(fig).items():
            if brand != TOTAL:
                assert colour_of(artist) == want[brand], (key, brand)
    assert check_pixels(result, want) > 0


# ---------------------------------------------------------------------- focus brand
def test_focus_brand_keeps_its_colour_and_the_others_are_muted(sample, focused):
    plain, want = expected(sample), expected(focused, focus=FOCUS)
    assert {b: c for b, c in brand_colours(focused).items() if b != TOTAL} == want
    assert want[FOCUS] == plain[FOCUS]
    for b in plain:  # lighter: every channel nearer white
        if b != FOCUS:
            assert all(m > p for m, p in zip(to_rgb(want[b]), to_rgb(plain[b]),
                                            strict=True) if p < 1), b
    for key, fig in brand_charts(focused).items():
        drawn = artists(fig)
        for brand, artist in drawn.items():
            if brand != TOTAL:
                assert colour_of(artist) == want[brand], (key, brand)
        if not key.startswith("tx_by_brand"):  # drawn on top of the others
            z = {b: a.get_zorder() for b, a in drawn.items()}
            assert all(z[FOCUS] > z[b] for b in z if b != FOCUS), key


def test_focus_brand_label_is_bold_and_its_bar_has_a_dark_edge(focused):
    fig = tx_by_brand(focused)
    fig.canvas.draw()
    ticks = {t.get_text().split(" (")[0]: t for t in fig.axes[0].get_yticklabels()}
    assert ticks[FOCUS].get_fontweight() == "bold"
    assert all(t.get_fontweight() == "normal" for b, t in ticks.items() if b != FOCUS)
    bars = artists(fig)
    assert hexed(bars[FOCUS].get_edgecolor()) == FOCUS_EDGE
    assert all(hexed(a.get_edgecolor()) == colour_of(a) for b, a in bars.items()
               if b != FOCUS)
    for draw in (growth_grid, cx_vs_bx, trend):
        fig = draw(focused)
        labels = {t.get_gid()[6:]: t for t in fig.axes[0].texts
                  if (t.get_gid() or "").startswith("label:")}
        assert labels[FOCUS].get_fontweight() == "bold", draw.__name__
        assert all(t.get_fontweight() == "normal" for b, t in labels.items()
                   if b != FOCUS), draw.__name__
    # trend labels in the brand's colour, dark enough to read
    labels = {t.get_gid()[6:]: t for t in trend(focused).axes[0].texts
              if (t.get_gid() or "").startswith("label:")}
    assert hexed(labels[FOCUS].get_color()) == readable(expected(focused)[FOCUS])


def test_focus_argument_highlights_a_brand_without_the_setting(sample):
    fig = tx_by_brand(sample, focus="Adatum")
    want = expected(sample, focus="Adatum")
    assert {b: colour_of(a) for b, a in artists(fig).items()} == want


# ---------------------------------------------------------------------- bases, wrapping
def footnote(fig: Figure) -> str:
    return " ".join(fig.get_supxlabel().replace("\u202f", " ").replace("\u00a0", " ").split())


def total_n(result: Any, measure: str, wave: str) -> str:
    s = result.scores
    row = s[(s["measure"] == measure) & (s["wave"] == wave) & (s["brand"] == TOTAL)]
    return f"{int(row['n'].iloc[0]):,}"


def test_every_brand_chart_states_its_base(sample):
    c, n = (total_n(sample, "customer_score", "2026 Q2"),
            total_n(sample, "non_customer_score", "2026 Q2"))
    both = f"Base: customers n = {c}, non-customers n = {n} (2026 Q2)"
    assert both in footnote(tx_by_brand(sample)) and both in footnote(growth_grid(sample))
    assert (f"Base: customers n = {total_n(sample, 'cx', '2026 Q2')} (2026 Q2)"
            in footnote(cx_vs_bx(sample)))
    c1, n1 = (total_n(sample, "customer_score", "2026 Q1"),
              total_n(sample, "non_customer_score", "2026 Q1"))
    assert (f"Base (customers / non-customers): {c1} / {n1} (2026 Q1) · {c} / {n} (2026 Q2)"
            in footnote(trend(sample, "tx")))
    bx = [total_n(sample, "bx_non_customers", w) for w in WAVES]
    assert (f"Base (non-customers): {bx[0]} (2026 Q1) · {bx[1]} (2026 Q2)"
            in footnote(trend(sample, "bx_non_customers")))
    fr = with_report(sample, language="fr")
    assert (f"Base : clients n = {c.replace(',', ' ')}, non-clients n = "
            f"{n.replace(',', ' ')} (2026 Q2)") in footnote(tx_by_brand(fr))


def test_long_brand_names_wrap_instead_of_being_cut(sample):
    long = "Contoso Group Holdings International"
    rename = {"brand": {FOCUS: long}}
    result = replace(sample, scores=sample.scores.replace(rename),
                     grid=sample.grid.replace(rename), changes=sample.changes.replace(rename))
    fig = tx_by_brand(result)
    label = next(t.get_text() for t in fig.axes[0].get_yticklabels() if "Contoso" in t.get_text())
    assert "…" not in label and " ".join(label.split()).startswith(long)
    for draw in (growth_grid, cx_vs_bx, trend):
        fig = draw(result)
        text = next(t.get_text() for t in fig.axes[0].texts if t.get_gid() == f"label:{long}")
        assert "…" not in text and "\n" in text and " ".join(text.split()).startswith(long)


# ---------------------------------------------------------------------- same bytes
def test_the_same_charts_give_the_same_bytes(focused, tmp_path):
    charts = {"tx_by_brand", "growth_grid", "cx_vs_bx", "trend"}
    first = save_charts(focused, tmp_path / "a", dpi=60, charts=charts)
    second = save_charts(focused, tmp_path / "b", dpi=60, charts=charts)
    assert sorted(first) == sorted(second) and len(first) == 10
    for key, path in first.items():
        assert path.read_bytes() == second[key].read_bytes(), key
