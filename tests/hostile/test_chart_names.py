"""Charts stay readable with hostile names and many brands.

One study (written with :func:`conftest.make_study`) holds 200 brands, among them names of
300 characters, two names that differ only in their middle, a name with newlines, right-
to-left (Arabic), CJK and emoji names, names made only of punctuation; waves of 300
characters (one with a newline), items and constructs with long, alike or emoji labels, a
segment with long values and a study name with emoji and CJK. The first 13 brands answer 4
or 5 and the others 1 to 5, so that the hostile names are among the top brands.

Each chart is drawn in-process (:func:`txscore.reporting.chartrun.chart_jobs` gives the
chart functions and their arguments) in English and French, and every text is checked to
lie inside the figure; the brand charts show the top brands by their measure (computed
here from ``result.scores``) and a footnote counts the others. ``tx.report`` then writes
everything with one warning at most (characters no installed font has), short file names
and the same bytes twice.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from conftest import CUSTOMER_ITEMS, NON_CUSTOMER_ITEMS, make_study
from matplotlib.figure import Figure
from matplotlib.text import Text

import txscore as tx
from txscore.errors import TxscoreWarning
from txscore.reporting.chart_base import TOP_BRANDS, TOP_LINES
from txscore.reporting.chart_brands import TOP_POINTS
from txscore.reporting.chart_labels import BLANK, missing_glyphs, one_line, quiet_glyphs
from txscore.reporting.chartrun import chart_jobs, chart_png, glyph_warning
from txscore.reporting.charts import cx_vs_bx, growth_grid, trend, tx_by_brand
from txscore.reporting.palette import STYLE
from txscore.study.vocabulary import TOTAL

N_BRANDS = 200
ALIKE = ("Same start " * 12 + "alpha" + " same end" * 14,
         "Same start " * 12 + "beta" + " same end" * 14)
HOSTILE = ["A very long brand name " * 13,                   # 299 characters
           "A very long brand name " * 13 + "X",             # the same, one letter more
           "Line one\nline two\nline three",
           "مرحبا بالعالم شركة " * 15,                         # right to left
           "🍕🚀 Pizza Rocket 😀" * 15,
           "北京烤鸭有限公司" * 37,
           "上海烤鸭有限公司" * 37,                             # alike once drawn as boxes
           "!!!???...", "—·—·—", " . ", *ALIKE]
WAVES = ("Wave " + "one " * 74, "Wave " + "two " * 74 + "\nend")
LONG_ITEM = "[Brand] is " + "really " * 40 + "good"


def brand_names() -> list[str]:
    rest = [f"Brand {i:03d} " + "long tail " * (i % 30) for i in range(N_BRANDS - len(HOSTILE))]
    return HOSTILE + rest


def frame(brands: list[str], items: list[str], rng: np.random.Generator,
          low: int) -> pd.DataFrame:
    """Four respondents per brand and wave; the hostile brands answer ``low``..5."""
    per = 4
    df = pd.DataFrame({"brand": np.repeat(brands, 2 * per),
                       "wave": np.tile(np.repeat(["W1", "W2"], per), len(brands))})
    top = df["brand"].isin(HOSTILE).to_numpy()
    for c in items:
        df[c] = np.where(top, rng.integers(low, 6, len(df)), rng.integers(1, 6, len(df)))
    df["region"] = np.tile(["North " * 50, "🌍 South\nline"], len(df) // 2)
    return df


def build(tmp: Path) -> Any:
    """The hostile study, written into ``tmp`` and scored."""
    rng = np.random.default_rng(7)
    brands = brand_names()
    items = {c: {"label": f"{LONG_ITEM} {c}"} for c in CUSTOMER_ITEMS}
    items["sal_1"] = {"label": "مرحبا 🍕 北京 " * 25}
    items["fit_1"] = {"label": "?!…"}
    constructs = {"effectiveness": {"label": "Effectiveness of the " + "very " * 50 + "product"},
                  "ease": {"label": "Effectiveness of the " + "very " * 50 + "service"},
                  "emotion": {"label": {"en": "😀 " * 40 + "\nemotion",
                                        "fr": "Émotion " * 30}}}
    path = make_study(tmp, frame(brands, CUSTOMER_ITEMS, rng, 4),
                      frame(brands, NON_CUSTOMER_ITEMS, rng, 3),
                      study={"name": "Étude 🍕 北京 " * 8}, items=items,
                      constructs=constructs, columns={"segments": ["region"]})
    text = path.read_text(encoding="utf-8")
    for short, long in zip(("W1", "W2"), WAVES, strict=True):  # file names stay short
        text = text.replace(f'wave = "{short}"', f"wave = {json.dumps(long)}")
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TxscoreWarning)  # tiny bases: omega, drivers
        return tx.score(tx.load(tx.read_study(path)))


@pytest.fixture(scope="module")
def result(tmp_path_factory) -> Any:
    return build(tmp_path_factory.mktemp("names"))


def french(result: Any) -> Any:
    study = result.study
    return replace(result, study=replace(study, report=replace(study.report, language="fr")))


def drawn(fig: Figure) -> list[Text]:
    """Draw the figure as the reports do; return its visible, non-empty texts (not the
    labels of ticks outside the axis limits, which are not drawn)."""
    fig.set_dpi(50)  # the layout is in points: a coarse raster is enough, and fast
    with matplotlib.rc_context(STYLE), quiet_glyphs():
        fig.canvas.draw()
    unused = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            unused |= {id(label) for tick in axis.get_major_ticks() + axis.get_minor_ticks()
                       if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9
                       for label in (tick.label1, tick.label2)}
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
            and id(t) not in unused]


def assert_inside(fig: Figure, key: str) -> None:
    """Every text drawn lies inside the figure (1 pixel of slack)."""
    texts = drawn(fig)
    box, renderer = fig.bbox, fig.canvas.get_renderer()  # after the draw: at its dpi
    with quiet_glyphs():
        extents = [(t, t.get_window_extent(renderer)) for t in texts]
    for t, e in extents:
        if e.width == 0:
            continue
        assert (e.x0 >= box.x0 - 1 and e.x1 <= box.x1 + 1 and e.y0 >= box.y0 - 1
                and e.y1 <= box.y1 + 1), f"{key}: {t.get_text()[:60]!r} at {e} outside {box}"


def note(fig: Figure) -> str:
    """The footnote of a new figure, on one line."""
    return " ".join(fig.get_supxlabel().split())


def top(result: Any, measure: str, wave: str, n: int) -> set[str]:
    """The ``n`` brands with the highest value of ``measure`` (ties by name), computed from
    the scores table."""
    s = result.scores
    rows = s[(s["measure"] == measure) & (s["wave"] == wave) & (s["brand"] != TOTAL)
             & (s["flag"] != "suppressed")]
    rows = rows.sort_values(["value", "brand"], ascending=[False, True])
    return set(rows["brand"].head(n))


# ---------------------------------------------------------------------- every chart
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_chart_keeps_its_texts_inside_the_figure(result, language):
    res = result if language == "en" else french(result)
    jobs = chart_jobs(res)
    assert {draw.__name__ for _, draw, _ in jobs} >= {
        "tx_by_brand", "growth_grid", "cx_vs_bx", "trend", "item_distribution",
        "importance_performance", "reliability_overview"}
    # every chart, one wave a language: the second wave's in English, the first in French
    jobs = [j for j in jobs if j[2].get("wave") in (None, WAVES[language == "en"])]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning escapes a chart function
        for key, draw, kwargs in jobs:
            fig = draw(res, **kwargs)
            assert_inside(fig, key)
            title = fig.get_suptitle()
            assert title.count("\n") <= 1, key  # two lines at most
            if "wave" in kwargs:  # the wave's 300 characters are shortened in the title
                assert re.search(r"Wave (one|two)[a-z\s]*…", title) and len(title) < 160, title


def test_brand_names_wrap_then_shorten_with_keys_where_alike(result):
    wave = WAVES[1]
    fig = tx_by_brand(result, wave=wave)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(labels) == TOP_BRANDS and all(label.count("\n") <= 1 for label in labels)
    drawn(fig)  # two-line labels do not run into one another
    ys = sorted((e.y0, e.y1) for e in (t.get_window_extent(fig.canvas.get_renderer())
                                       for t in fig.axes[0].get_yticklabels()))
    assert all(a[1] <= b[0] for a, b in zip(ys, ys[1:], strict=False))
    flat = [" ".join(label.split()) for label in labels]
    assert "Line one line two line three (n_eff=8)" in flat  # newlines in a name: spaces
    assert "!!!???... (n_eff=8)" in flat and ". (n_eff=8)" in flat
    long = [f for f in flat if f.startswith("A very long")]
    assert len(long) == 2 and len(set(long)) == 2 and all("…" in f for f in long)
    # alike once shortened: shortened where they differ
    alike = [f for f in flat if f.startswith("Same")]
    assert len(alike) == 2 and any("alpha" in f for f in alike) and any("beta" in f
                                                                       for f in alike)
    cjk = [f for f in flat if f.startswith(("[", "北", "上"))]
    assert len(cjk) == 2 and len(set(cjk)) == 2
    if missing_glyphs(["北上"]):  # two rows of boxes: keys, the full names in the footnote
        assert sorted(f[:3] for f in cjk) == ["[1]", "[2]"]
        text = note(fig)
        assert "Shortened names: [1] " in text and "[2] " in text
        assert {text[text.index(f"[{k}] ") + 4] for k in (1, 2)} == {"北", "上"}
    else:
        assert "Shortened names" not in note(fig)
    assert_inside(fig, "tx_by_brand")


def test_names_of_spaces_only_show_a_visible_mark(result):
    rename = {" . ": "   ", "!!!???...": "\n\t "}
    res = replace(result, scores=result.scores.replace({"brand": rename}),
                  grid=result.grid.replace({"brand": rename}))
    for fig in (tx_by_brand(res), growth_grid(res), trend(res)):
        shown = [t.get_text() for t in drawn(fig)]
        assert any(t.startswith(BLANK) for t in shown), shown
        assert not any(t.strip() == "" for t in shown)
        assert_inside(fig, "blank names")


# ---------------------------------------------------------------------- 200 brands
@pytest.mark.parametrize("language", ["en", "fr"])
def test_brand_charts_show_the_top_brands_and_count_the_others(result, language):
    res = result if language == "en" else french(result)
    wave = WAVES[1]
    more = {"en": "{n} more brands in the workbook",
            "fr": "{n}\u00a0autres marques dans le classeur"}[language]
    n_brands = N_BRANDS
    cases = [(tx_by_brand(res, wave=wave), "tx", TOP_BRANDS, "brand:"),
             (growth_grid(res, wave=wave), "tx", TOP_POINTS, "brand:"),
             (cx_vs_bx(res, wave=wave), "cx", TOP_POINTS, "brand:")]
    for fig, measure, n, prefix in cases:
        shown = {a.get_gid()[len(prefix):] for a in fig.findobj()
                 if (a.get_gid() or "").startswith(prefix)}
        assert shown == top(res, measure, wave, n), measure
        text = note(fig).replace("\u202f", "\u00a0")
        assert more.format(n=n_brands - n).replace("\u00a0", " ") in text.replace("\u00a0", " ")
    fig = trend(res)
    lines = {ln.get_gid()[6:] for ln in fig.axes[0].lines
             if (ln.get_gid() or "").startswith("brand:")}
    assert lines == top(res, "tx", wave, TOP_LINES) | {TOTAL}
    assert str(n_brands - TOP_LINES) in note(fig)


def test_a_focus_brand_is_shown_beside_the_top_brands(result):
    wave = WAVES[1]
    s = result.scores
    tx_rows = s[(s["measure"] == "tx") & (s["wave"] == wave) & (s["brand"] != TOTAL)]
    last = tx_rows.sort_values(["value", "brand"]).iloc[0]["brand"]  # the lowest TX
    fig = tx_by_brand(result, wave=wave, focus=last)
    bars = {p.get_gid()[6:] for p in fig.axes[0].patches if (p.get_gid() or "").startswith(
        "brand:")}
    assert bars == top(result, "tx", wave, TOP_BRANDS) | {last}
    assert f"{N_BRANDS - TOP_BRANDS - 1} more brands" in note(fig)
    bold = [t for t in fig.axes[0].get_yticklabels() if t.get_fontweight() == "bold"]
    assert len(bold) == 1 and one_line(last)[:10] in " ".join(bold[0].get_text().split())
    every = tx_by_brand(result, wave=wave, top=None)  # everything, on request
    assert len(every.axes[0].get_yticklabels()) == N_BRANDS
    assert "more brands" not in note(every)


# ---------------------------------------------------------------------- the report
def test_report_warns_once_and_writes_short_names_and_the_same_bytes(result, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = tx.report(result, tmp_path / "out", charts=True)
    shown = [f"{w.category.__name__}: {w.message}" for w in caught]
    assert len(shown) == 1 and "as boxes" in shown[0] and "TxscoreWarning" in shown[0], shown
    assert "北" in shown[0] and "🍕" in shown[0] and "Fix:" in shown[0]
    assert glyph_warning(result) is not None
    pngs = {k: p for k, p in paths.items() if p.suffix == ".png"}
    assert len(pngs) >= 15 and all(p.is_file() for p in pngs.values())
    assert all(len(p.name.encode()) <= 120 for p in pngs.values())  # waves of 300 chars
    key, draw, kwargs = next(j for j in chart_jobs(result) if j[1] is tx_by_brand)
    assert chart_png(result, key, draw, kwargs, dpi=60) == chart_png(result, key, draw,
                                                                      kwargs, dpi=60)
