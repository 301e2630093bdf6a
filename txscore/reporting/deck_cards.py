"""The deck's slides of one brand or one analysis: a scorecard per brand (a table), the key
drivers per analysis (importance bars beside importance against performance) and the
reliability of the constructs (a table, in the appendix).

A change or a gap is called significant only when the result says so (``significant``,
after the study's multiple-testing setting) and its ``flag`` is "ok"; significant cells
are bold. A suppressed cell shows no number, only its base.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from txscore.reporting.deck_charts import Bar, Point, Rect, bar_chart, clean, nice_limits, xy_chart
from txscore.reporting.deck_data import (
    NAME_MAX,
    SEP,
    brand_name,
    cells_index,
    common_notes,
    conf_text,
    count_text,
    finite,
    hidden_notes,
    interval_name,
    interval_of,
    is_shown,
    label_text,
    method_notes,
    min_text,
    pair,
    score_cell,
    signed_text,
    value_text,
)
from txscore.reporting.deck_frame import Deck, add_slide, add_table, page_titles, paginate
from txscore.reporting.deck_slides import corner_marks, cross_guide
from txscore.reporting.palette import BLUE, GREY, IP_COLOURS
from txscore.reporting.palette import brand_order as by_name
from txscore.study.vocabulary import TOTAL

__all__ = ["SCORECARD", "driver_slides", "reliability_slides", "scorecard_slides"]

#: the measures of a scorecard, in order
SCORECARD = ("tx", "customer_score", "non_customer_score", "cx", "bx_customers",
             "bx_non_customers", "nps")


# ---------------------------------------------------------------------- scorecards
def _change(deck: Deck, comparison: str, row: Any) -> tuple[str, bool]:
    """A change since the previous wave (or the gap to the peer average) in words: the
    signed difference, significant or not ("—" when there is none); and whether it is
    significant."""
    cells_index(deck)
    first = deck.cache["changes"].get((comparison, str(row.measure), str(row.population),
                                       str(row.wave), str(row.brand)))
    diff = finite(first.difference) if first is not None else None
    if first is None or diff is None or row.flag == "suppressed":
        return deck.t["none"], False
    significant = first.significant is True or (
        pd.notna(first.significant) and bool(first.significant))
    significant = significant and first.flag == "ok"
    key = "significant" if significant else "not_significant"
    return deck.t[key].format(value=signed_text(deck, diff)), significant


def _scorecard_row(deck: Deck, row: Any, previous: bool) -> tuple[list[str], list[bool]]:
    """A measure's cells on a scorecard, and which are significant (shown bold)."""
    t, w = deck.t, deck.words
    name = w.measures.get(row.measure, row.measure)
    if not is_shown(row):
        cells = [name, t["suppressed"].format(min=min_text(deck)), t["none"],
                 count_text(deck, row.n_eff)]
    else:
        score = value_text(deck, float(row.value))
        if row.flag in ("caution", "low_base"):
            score = t["flagged"].format(value=score, flag=w.flags[row.flag])
        ci = interval_of(row)
        cells = [name, score, t["range"].format(low=value_text(deck, ci[0]), high=value_text(
            deck, ci[1])) if ci else t["none"], count_text(deck, row.n_eff)]
    bold = [False] * len(cells)
    for comparison in ("wave", "peer") if previous else ("peer",):
        text, significant = _change(deck, comparison, row)
        cells.append(text)
        bold.append(significant)
    return cells, bold


def scorecard_slides(deck: Deck) -> None:
    """One slide per brand (the focus brand first): its headline measures with value,
    interval, base, change since the previous wave and gap to the peer average; the
    significant ones in bold."""
    brands = [b for b in {k[2] for k in cells_index(deck)
                          if k[1] == deck.wave and k[0] in SCORECARD} if b != TOTAL]
    if not brands:
        return
    t, w = deck.t, deck.words
    waves = list(deck.result.study.waves)
    index = waves.index(deck.wave) if deck.wave in waves else 0
    previous = waves[index - 1] if index > 0 else None
    brands = by_name(brands)
    if deck.focus in brands:
        brands = [deck.focus, *(b for b in brands if b != deck.focus)]
    header = [t["h_measure"], t["h_score"], t["h_interval"].format(conf=conf_text(deck)),
              t["h_base"], *([t["h_change"].format(wave=clean(previous))] if previous else []),
              t["h_peer"]]
    widths = [2.4, 2.3, 2.0, 1.1, *([2.3] if previous else []), 2.3]
    for brand in brands:
        rows = [r for m in SCORECARD if (r := score_cell(deck, m, deck.wave, brand)) is not None]
        table = [_scorecard_row(deck, r, previous is not None) for r in rows]
        pops = {str(r.population): r.n_eff for r in reversed(rows) if r.population != "all"}
        items = [t["base_population"].format(population=w.populations.get(p, p),
                                             n=count_text(deck, n))
                 for p, n in sorted(pops.items())]
        notes = [*common_notes(deck), _significance(deck), *method_notes(deck, "k_tx", "k_nps"),
                 t["notes_bases"].format(text=SEP.join(items))]
        slide, rect, _ = add_slide(
            deck, t["scorecard_title"].format(brand=brand_name(deck, brand, NAME_MAX),
                                              wave=clean(deck.wave)),
            footer=t["bases"].format(bases=SEP.join(items)), notes=notes)
        _swatch(slide, rect, deck.colours.get(brand, BLUE))
        top = Rect(rect.left, rect.top + rect.height // 20, rect.width, rect.height)
        add_table(slide, top, header, [r[0] for r in table], widths, size=14,
                  right=(1, 2, 3), bold=[r[1] for r in table])


def _significance(deck: Deck) -> str:
    rep, w = deck.result.study.report, deck.words
    level = (w["level_bh"] if rep.multiple_testing == "bh" else w["level"]).format(
        alpha=w.num(round(1 - rep.confidence, 4)))
    return deck.t["notes_significance"].format(level=level,
                                               caution=w.num(rep.caution_below))


def _swatch(slide: Any, rect: Rect, colour: str) -> None:
    """A bar of the brand's colour above its scorecard."""
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE

    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, rect.left, rect.top, rect.width,
                                 max(rect.height // 60, 1))
    bar.fill.solid()
    bar.fill.fore_color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
    bar.line.fill.background()


# ---------------------------------------------------------------------- drivers
def driver_slides(deck: Deck) -> None:
    """Per driver analysis and population (its latest wave): the importance of each
    driver as bars with intervals, and importance against performance."""
    d = deck.result.drivers
    if d is None or not len(d):
        return
    waves = {w: i for i, w in enumerate(deck.result.study.waves)}
    for (analysis, population), rows in d.groupby(["analysis", "population"], sort=False):
        wave = max(rows["wave"].unique(), key=lambda x: waves.get(x, -1))
        _driver_slide(deck, analysis, population, wave, rows[rows["wave"] == wave])


def _driver_colour(row: Any) -> str:
    quadrant = getattr(row, "quadrant", None)
    if quadrant is None:
        return BLUE
    return IP_COLOURS.get(str(quadrant), GREY)


def _driver_slide(deck: Deck, analysis: str, population: str, wave: str,
                  rows: pd.DataFrame) -> None:
    t, w = deck.t, deck.words
    ok = (rows["flag"] != "suppressed") & rows["importance"].notna()
    shown = rows[ok].sort_values(["importance", "label"], ascending=[False, True])
    hidden = [label_text(deck, r.driver, r.label) for r in rows[~ok].itertuples(index=False)]
    bars = [Bar(label_text(deck, r.driver, r.label), float(r.importance), finite(r.ci_low),
                finite(r.ci_high), colour=_driver_colour(r))
            for r in shown.itertuples(index=False)]
    points = [Point(label_text(deck, r.driver, r.label), float(r.importance), float(r.performance),
                    _driver_colour(r), pair(r.ci_low, r.ci_high),
                    pair(r.performance_ci_low, r.performance_ci_high))
              for r in shown.itertuples(index=False) if finite(r.performance) is not None]
    first = rows.iloc[0]
    pop_key = "customers" if population == "customer" else "non_customers"
    base = t[pop_key].format(n=count_text(deck, first["n_eff"]))
    warnings = w.codes("driver_warnings", ";".join(str(x) for x in rows["warning"].dropna()))
    notes = [*method_notes(deck, "k_method", "k_importance", "k_ip"),
             t["notes_crosses"].format(conf=conf_text(deck)), *hidden_notes(deck, hidden),
             *([t["warnings"].format(text=warnings)] if warnings else []),
             t["notes_bases"].format(text=base)]
    title = t["drivers_title"].format(analysis=w.analyses.get(analysis, analysis),
                                      wave=clean(wave))
    slide, rect, _ = add_slide(deck, title, footer=t["bases_drivers"].format(base=base),
                               notes=notes)
    half = rect.width * 47 // 100
    top_imp = max([b.high or b.value or 0 for b in bars] + [10.0])
    bar_chart(slide, Rect(rect.left, rect.top, half, rect.height), bars,
              name=t["importance"], axis_title=t["importance"],
              limits=(min(0.0, *[b.value or 0 for b in bars]), math.ceil(top_imp / 10) * 10),
              when=deck.when)
    if not points:
        return
    xl = nice_limits([v for p in points for v in (p.x, *(p.x_ci or ()))], lo=-100)
    yl = nice_limits([v for p in points for v in (p.y, *(p.y_ci or ()))])
    means = (sum(p.x for p in points) / len(points), sum(p.y for p in points) / len(points))
    q = w.ip_quadrants
    corners = [(q[k], IP_COLOURS[k]) for k in ("overkill", "keep", "low", "concentrate")]
    xy_chart(slide, Rect(rect.left + rect.width - half, rect.top, half, rect.height), points,
             guides=[cross_guide(t["means"], means, xl, yl)],
             marks=[corner_marks(t["quadrant_names"], xl, yl, corners)],
             x_title=t["importance"], y_title=t["performance"], x_limits=xl, y_limits=yl,
             interval=interval_name(deck), when=deck.when)


# ---------------------------------------------------------------------- reliability
def reliability_slides(deck: Deck) -> None:
    """The reliability of each construct and population: alpha with its interval, omega,
    the verdict and its notes; over several slides when long."""
    rel = deck.result.reliability
    if rel is None or not len(rel):
        return
    t, w = deck.t, deck.words
    rows = []
    for r in rel.itertuples(index=False):
        hidden = r.flag == "suppressed" or finite(r.alpha) is None
        alpha = t["none"] if hidden else value_text(deck, float(r.alpha), 2) + (
            " [" + t["range"].format(low=value_text(deck, r.ci_low, 2),
                                     high=value_text(deck, r.ci_high, 2)) + "]"
            if pair(r.ci_low, r.ci_high) else "")
        omega = t["none"] if hidden or finite(r.omega_total) is None else value_text(
            deck, float(r.omega_total), 2)
        rows.append([label_text(deck, r.construct, r.label),
                     w.populations.get(r.population, r.population), alpha,
                     omega, w.verdict(r.verdict, r.notes, flag=r.flag,
                                      table="reliability_notes_short")])
    header = [t["h_construct"], t["h_population"],
              t["h_alpha"] + " [" + t["h_interval"].format(conf=conf_text(deck)) + "]",
              t["h_omega"], t["h_verdict"]]
    bases = [t["base_item"].format(
        name=f"{label_text(deck, r.construct, r.label)}, "
             f"{w.populations.get(r.population, r.population)}",
        n=count_text(deck, r.n_complete)) for r in rel.itertuples(index=False)]
    notes = [*method_notes(deck, "k_alpha", "k_verdicts"),
             t["notes_bases"].format(text=SEP.join(bases))]
    pages = paginate(rows, 12.0, lambda r: float(max(1, math.ceil(len(r[4]) / 55))))
    for page, title in zip(pages, page_titles(deck, t["reliability_title"], len(pages)),
                           strict=True):
        slide, rect, _ = add_slide(deck, title, footer=t["bases_reliability"], notes=notes)
        add_table(slide, rect, header, page, [2.2, 1.7, 2.4, 1.0, 4.4], size=12,
                  right=(2, 3))
