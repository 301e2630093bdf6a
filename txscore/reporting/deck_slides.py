"""The deck's slides of the brands side by side: TX by brand (bars), the growth grid and CX
against BX (XY scatters), and the trends (lines over the waves).

Every slide shows the wave of :attr:`~txscore.reporting.deck_frame.Deck.wave` (the
latest; the trends every wave). A cell flagged ``"suppressed"`` never shows a number: its
bar, point or line point is left out and its brand named in words. Brands take their
colours from :func:`txscore.reporting.palette.brand_colours`; the focus brand is outlined,
larger or bold. Each slide's footer gives its bases (n_eff), its speaker notes the method,
the intervals and every base.
"""

from __future__ import annotations

from collections.abc import Sequence

from txscore.reporting.deck_charts import (
    Bar,
    Guide,
    Line,
    Marks,
    Point,
    bar_chart,
    clean,
    line_chart,
    nice_limits,
    xy_chart,
)
from txscore.reporting.deck_data import (
    SEP,
    base_text,
    bases_texts,
    brand_name,
    brands_of,
    common_notes,
    conf_text,
    count_text,
    finite,
    flag_notes,
    flagged_name,
    hidden_notes,
    interval_name,
    interval_of,
    is_shown,
    method_notes,
    min_text,
    score_cell,
)
from txscore.reporting.deck_frame import Deck, add_slide
from txscore.reporting.palette import BLUE, GREY, QUADRANT_COLOURS, TOTAL_COLOUR
from txscore.study.vocabulary import TOTAL

__all__ = ["TREND", "corner_marks", "cross_guide", "cxbx_slide", "grid_slide", "trend_slides",
           "tx_slide"]

#: the measures with a trend slide (two waves or more)
TREND = ("tx", "cx", "bx_customers", "bx_non_customers")


# ---------------------------------------------------------------------- TX by brand
def _suppressed_bar(deck: Deck, brand: str) -> Bar:
    return Bar(deck.t["brand_suppressed"].format(brand=brand_name(deck, brand), min=min_text(deck)),
               None, colour=GREY)


def tx_slide(deck: Deck) -> None:
    """Bars of the TX score by brand, best first, the all-brands total last."""
    brands = brands_of(deck, "tx", deck.wave)
    if not brands:
        return
    t, w = deck.t, deck.words
    rows = {b: score_cell(deck, "tx", deck.wave, b) for b in brands}
    shown = sorted((b for b in brands if b != TOTAL and is_shown(rows[b])),
                   key=lambda b: (-float(rows[b].value), b))
    hidden = [b for b in brands if b != TOTAL and not is_shown(rows[b])]
    bars = [Bar(flagged_name(deck, brand_name(deck, b), rows[b].flag), float(rows[b].value),
                *(interval_of(rows[b]) or (None, None)), colour=deck.colours.get(b, BLUE),
                focus=b == deck.focus) for b in shown]
    bars += [_suppressed_bar(deck, b) for b in hidden]
    ordered = [*shown, *hidden]
    if TOTAL in rows:
        ordered.append(TOTAL)
        total = rows[TOTAL]
        bars.append(Bar(brand_name(deck, TOTAL), float(total.value),
                        *(interval_of(total) or (None, None)), colour=TOTAL_COLOUR)
                    if is_shown(total) else _suppressed_bar(deck, TOTAL))
    footer, base_notes = bases_texts(deck, [base_text(deck, brand_name(deck, b), rows[b].n_eff,
                                             rows[b].flag) for b in ordered],
                                [finite(rows[b].n_eff) for b in ordered])
    notes = [*method_notes(deck, "k_tx", "k_c", "k_n"), *common_notes(deck),
             *flag_notes(deck, [(brand_name(deck, b), rows[b].flag) for b in shown]),
             base_notes]
    slide, rect, _ = add_slide(deck, t["tx_title"].format(wave=clean(deck.wave)),
                               footer=footer, notes=notes)
    bar_chart(slide, rect, bars, name=w.measures["tx"], axis_title=t["tx_axis"],
              limits=(0, 100), when=deck.when)


# ---------------------------------------------------------------------- growth grid
def corner_marks(name: str, x: tuple[float, float], y: tuple[float, float],
                  corners: Sequence[tuple[str, str]]) -> Marks:
    """Texts in the corners of the plot (top left, top right, bottom left, bottom right),
    a little inside."""
    dx, dy = (x[1] - x[0]) * 0.01, (y[1] - y[0]) * 0.05
    places = ((x[0] + dx, y[1] - dy), (x[1] - dx, y[1] - dy), (x[0] + dx, y[0] + dy),
              (x[1] - dx, y[0] + dy))
    return Marks(name, places, tuple(c[0] for c in corners), tuple(c[1] for c in corners))


def cross_guide(name: str, at: tuple[float, float], x: tuple[float, float],
                 y: tuple[float, float]) -> Guide:
    """Dashed crosshairs through ``at`` across the plot: one line, with a gap."""
    return Guide(name, ((x[0], at[1]), (x[1], at[1]), (at[0], None), (at[0], y[0]),
                        (at[0], y[1])))


def grid_slide(deck: Deck) -> None:
    """The growth grid: each brand at (N, C) with both intervals, the peer averages as
    dashed crosshairs, the quadrants named in the corners."""
    g = deck.result.grid
    rows = g[(g["wave"] == deck.wave) & (g["brand"] != TOTAL)] if len(g) else g
    if rows.empty:
        return
    t, w = deck.t, deck.words
    points, hidden, items, values, flags = [], [], [], [], []
    for r in rows.sort_values("brand").itertuples(index=False):
        crow = score_cell(deck, "customer_score", deck.wave, str(r.brand))
        nrow = score_cell(deck, "non_customer_score", deck.wave, str(r.brand))
        name = brand_name(deck, r.brand)
        items.append(t["base_pair"].format(name=name, customers=count_text(
            deck, getattr(crow, "n_eff", None)), non_customers=count_text(
            deck, getattr(nrow, "n_eff", None))))
        values.append(finite(getattr(crow, "n_eff", None)))
        flags += [(f"{name}, {w.populations.get(x.population, x.population)}", x.flag)
                  for x in (crow, nrow) if x is not None]
        x, y = finite(r.non_customer_score), finite(r.customer_score)
        if r.flag == "suppressed" or x is None or y is None:
            hidden.append(name)
            continue
        points.append(Point(name, x, y, deck.colours.get(r.brand, BLUE),
                            interval_of(nrow) if nrow is not None else None,
                            interval_of(crow) if crow is not None else None,
                            hollow=not bool(r.in_peer_average), focus=r.brand == deck.focus))
    first = rows.iloc[0]
    peer = (finite(first["peer_non_customer"]), finite(first["peer_customer"]))
    xs = [v for p in points for v in (p.x, *(p.x_ci or ()))] + [peer[0]]
    ys = [v for p in points for v in (p.y, *(p.y_ci or ()))] + [peer[1]]
    xl, yl = nice_limits(xs), nice_limits(ys)
    guides = [cross_guide(t["peer"], peer, xl, yl)] if None not in peer else []  # type: ignore
    q = w.quadrants
    corners = [(q[k], QUADRANT_COLOURS[k]) for k in ("Plateauing", "Leading", "Lagging",
                                                      "Churning")]
    footer, base_notes = bases_texts(deck, items, values, "bases_grid")
    out = [p.name for p in points if p.hollow]
    rep = deck.result.study.report
    notes = [*method_notes(deck, "k_grid", "k_c", "k_n"), deck.t["notes_crosses"].format(
        conf=conf_text(deck)), *flag_notes(deck, flags),
        t["notes_peer"].format(min=w.num(rep.peer_min_base)),
        *([t["notes_not_peer"].format(min=w.num(rep.peer_min_base), names=", ".join(out))]
          if out else []), *hidden_notes(deck, hidden), base_notes]
    slide, rect, _ = add_slide(deck, t["grid_title"].format(wave=clean(deck.wave)),
                               footer=footer, notes=notes)
    xy_chart(slide, rect, points, guides=guides,
             marks=[corner_marks(t["quadrant_names"], xl, yl, corners)],
             x_title=t["grid_x"], y_title=t["grid_y"], x_limits=xl, y_limits=yl,
             interval=interval_name(deck), when=deck.when)


# ---------------------------------------------------------------------- CX vs BX
def cxbx_slide(deck: Deck) -> None:
    """CX against BX among customers: each brand and the all-brands total with both
    intervals, the CX = BX diagonal dotted."""
    brands = brands_of(deck, "cx", deck.wave)
    if not brands or not brands_of(deck, "bx_customers", deck.wave):
        return
    t = deck.t
    points, hidden, items, values = [], [], [], []
    for brand in brands:
        a = score_cell(deck, "cx", deck.wave, brand)
        b = score_cell(deck, "bx_customers", deck.wave, brand)
        name = brand_name(deck, brand)
        items.append(base_text(deck, name, a.n_eff, a.flag))
        values.append(finite(a.n_eff))
        if not (is_shown(a) and is_shown(b)):
            hidden.append(name)
            continue
        points.append(Point(name, float(a.value), float(b.value),
                            TOTAL_COLOUR if brand == TOTAL else deck.colours.get(brand, BLUE),
                            interval_of(a), interval_of(b),
                            hollow=a.flag == "low_base" or b.flag == "low_base",
                            focus=brand == deck.focus))
    span = [v for p in points for v in (p.x, p.y, *(p.x_ci or ()), *(p.y_ci or ()))]
    limits = nice_limits(span)
    guides = [Guide(t["diagonal"], ((limits[0], limits[0]), (limits[1], limits[1])),
                    dash=True)]
    footer, base_notes = bases_texts(deck, items, values)
    cells = [(f"{brand_name(deck, b)}, {deck.words.measures[m]}", r.flag) for b in brands
             for m in ("cx", "bx_customers")
             if (r := score_cell(deck, m, deck.wave, b)) is not None]
    notes = [*method_notes(deck, "k_cx", "k_bx"), t["notes_crosses"].format(conf=conf_text(deck)),
             *flag_notes(deck, cells), *hidden_notes(deck, hidden), base_notes]
    slide, rect, _ = add_slide(deck, t["cxbx_title"].format(wave=clean(deck.wave)),
                               footer=footer, notes=notes)
    xy_chart(slide, rect, points, guides=guides, x_title=t["cxbx_x"], y_title=t["cxbx_y"],
             x_limits=limits, y_limits=limits, interval=interval_name(deck), when=deck.when)


# ---------------------------------------------------------------------- trends
def trend_slides(deck: Deck) -> None:
    """One line chart per trend measure (two waves or more): a line per brand and the
    all-brands total (dashed), a gap where a cell is suppressed."""
    waves = [w for w in deck.result.study.waves if (deck.result.scores["wave"] == w).any()]
    if len(waves) < 2:
        return
    t, w = deck.t, deck.words
    for measure in TREND:
        brands = brands_of(deck, measure)
        if not brands:
            continue
        lines, hidden = [], []
        for brand in brands:
            rows = [score_cell(deck, measure, wave, brand) for wave in waves]
            values = tuple(float(r.value) if is_shown(r) else None for r in rows)
            if all(v is None for v in values):  # no line at all: named in the notes
                hidden.append(brand_name(deck, brand))
                continue
            cis = [(interval_of(r) if is_shown(r) else None) or (None, None) for r in rows]
            lines.append(Line(brand_name(deck, brand), values, tuple(c[0] for c in cis),
                              tuple(c[1] for c in cis),
                              TOTAL_COLOUR if brand == TOTAL else deck.colours.get(brand, BLUE),
                              focus=brand == deck.focus, dash=brand == TOTAL))
        listed = [r for b in brands if (r := score_cell(deck, measure, deck.wave, b)) is not None]
        footer, _ = bases_texts(deck, [base_text(deck, brand_name(deck, r.brand), r.n_eff, r.flag)
                                  for r in listed], [finite(r.n_eff) for r in listed],
                           "bases_wave", wave=clean(deck.wave))
        every = [base_text(deck, f"{brand_name(deck, b)}, {clean(x)}", r.n_eff, r.flag)
                 for x in waves for b in brands
                 if (r := score_cell(deck, measure, x, b)) is not None]
        key = {"tx": "k_tx", "cx": "k_cx"}.get(measure, "k_bx")
        flagged = [(f"{brand_name(deck, b)}, {clean(x)}", r.flag) for x in waves
                   for b in brands if (r := score_cell(deck, measure, x, b)) is not None]
        notes = [*method_notes(deck, key), *common_notes(deck), *flag_notes(deck, flagged),
                 *hidden_notes(deck, hidden), t["notes_bases"].format(text=SEP.join(every))]
        low = -100.0 if measure == "nps" else 0.0
        span = [v for line in lines for v in (*line.values, *line.lows, *line.highs)]
        slide, rect, _ = add_slide(deck, t["trend_title"].format(measure=w.measures[measure]),
                                   footer=footer, notes=notes)
        line_chart(slide, rect, [clean(x) for x in waves], lines,
                   axis_title=t["nps_axis"] if measure == "nps" else t["score_axis"],
                   limits=nice_limits(span, lo=low, step=10.0), when=deck.when)
