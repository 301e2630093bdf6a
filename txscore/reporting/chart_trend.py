"""A measure over the waves: one line per brand, intervals, significant changes circled.

Each brand keeps its colour (:func:`~txscore.reporting.palette.brand_colours`) and its
marker (:func:`~txscore.reporting.palette.brand_markers`, by the study's brand order, not by
the chart's ranking); the focus brand (``focus``, else ``[report] focus_brand``) is drawn
on top, thicker, its label in bold, the other brands muted.
"""

from __future__ import annotations

from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from txscore.errors import TxscoreError
from txscore.reporting.chart_base import (
    MEASURE_INDEX,
    POPULATIONS,
    SIGNED_MEASURES,
    TOP_LINES,
    axes,
    base_note,
    decorate,
    keys_note,
    label_of,
    more_note,
    name_list,
    nice_limits,
    settle,
    setup,
    study_line,
    top_brands,
    why_missing,
)
from txscore.reporting.chart_labels import fit, fit_names, one_line, spread
from txscore.reporting.palette import (
    GREY,
    STYLE,
    TOTAL_COLOUR,
    brand_markers,
    chart_colours,
    readable,
)
from txscore.reporting.text import Words
from txscore.study.vocabulary import TOTAL

__all__ = ["END_PT", "trend"]

#: width in points of a line-end label (name, value and base, on one line)
END_PT = 190.0


def trend(result: Any, measure: str = "tx", *, population: str | None = None,
          wave: str | None = None, brands: list[str] | None = None, ax: Any = None,
          top: int | None = TOP_LINES, focus: str | None = None) -> Figure:
    """One line per brand through the waves, with intervals and significant changes.

    Points are dodged sideways so that the whiskers (bootstrap intervals) do not hide one
    another; a ring marks a point whose change from the previous wave is significant
    (``result.changes``, comparison ``"wave"``). Each line ends in a label with the brand,
    its latest value and base (n_eff), spread apart; the footnote gives each wave's base.
    The "All brands" total is the grey dashed line. Suppressed cells have no point (the
    line breaks) and are listed in the footnote. Long names wrap, then are shortened (with
    keys in the footnote where they would look alike).

    Parameters
    ----------
    result : Result
        A scored study without segment cuts.
    measure : str, default "tx"
        A ``result.scores`` measure: "tx", "customer_score", "cx", "bx_non_customers", a
        dimension or pillar ...
    population : {"customer", "non_customer", "all"}, optional
        For measures scored in several populations (pillars); default customers.
    wave : str, optional
        The last wave shown; default the latest (all waves).
    brands : list of str, optional
        The brands to draw (include "All brands" to keep the total); default the ``top``
        with the highest latest value, ``focus`` and the total (a footnote counts the rest).
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; default a new 8 x 4.5 in figure.
    top : int or None, default :data:`~txscore.reporting.chart_base.TOP_LINES`
        Most brands drawn when ``brands`` is not given (None: all).
    focus : str, optional
        The brand highlighted (default ``[report] focus_brand``): drawn, on top, thicker.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
    >>> result = tx.score(tx.load(study))
    >>> trend(result, "cx").axes[0].get_ylabel()
    'CX index (0–100)'
    """
    wave, w, _ = setup(result, wave)
    t, waves = w.charts, list(result.study.waves)
    waves = waves[: waves.index(wave) + 1]
    rows, population, pops = _trend_rows(result, measure, population, waves, brands)
    colours, focus = chart_colours(result, focus)
    rows, more = _top_rows(rows, waves, top if brands is None else None, focus)
    cells = _trend_cells(rows, waves)
    order = _order(cells)
    label = _measure_label(result, measure, rows, w)
    ticks, keys = fit_names([str(x) for x in waves], max(60.0, 330.0 / len(waves)), lines=3)
    signed = measure in SIGNED_MEASURES
    ylims = nice_limits(np.concatenate([cells[c].to_numpy(float).ravel()
                                        for c in ("value", "lo", "hi")]),
                        pad_min=2, lo=-100 if signed else 0, hi=100, step=5)
    with matplotlib.rc_context(STYLE):
        fig, ax, own = axes(ax)
        ax.set(xlim=(-0.5, len(waves) - 0.5), ylim=ylims)
        ax.set_xticks(np.arange(len(waves), dtype=float), ticks)
        ax.tick_params(axis="x", length=0)
        ends, ringed, end_keys = _trend_lines(ax, cells, order, waves,
                                              _significant(result, measure, population), w,
                                              _looks(result, order, colours, focus), focus)
        lines = _trend_note(result, ringed, _hidden_cells(cells["hide"], order, waves, w), w)
        lines += [base_note(result, waves, w, population=population, measure=measure),
                  *more_note(w, more, top, label), *keys_note(w, keys + end_keys)]
        pop_txt = f" – {t[population]}" if len(pops) > 1 else ""
        ylabel = (f"{label if len(label) <= 28 else t['score']} "  # the title names it
                  f"({t['signed_unit'] if signed else '0–100'})")
        decorate(ax, w, t["trend_title"].format(label=label) + pop_txt, t["trend_x"],
                 ylabel, "\n".join(x for x in lines if x), own, xfmt=False, yfmt=True)
        if own:
            settle(fig)
        _end_labels(ax, ends, ylims, focus)
    return fig


def _order(cells: dict[str, pd.DataFrame]) -> list[str]:
    """The brands by their latest value, the best first, the total last."""
    last = cells["value"].ffill(axis=1).iloc[:, -1]
    return sorted(last.index, key=lambda b: (b == TOTAL, -np.nan_to_num(last[b], nan=-1e9),
                                             str(b)))


def _trend_rows(result: Any, measure: str, population: str | None, waves: list[str],
                brands: list[str] | None) -> tuple[pd.DataFrame, str, list[str]]:
    """The measure's rows of one population up to the last wave; the population and the
    populations the measure has."""
    s = result.scores
    rows = s[s["measure"] == measure]
    index = MEASURE_INDEX.get(measure)
    missing = (getattr(result, "not_computed", None) or {}).get(index or "")
    if rows.empty and missing:  # an index the study cannot have: say why
        raise TxscoreError(f"No scores for measure {measure!r}: "
                           f"{why_missing(result, index, waves[-1])}.")
    if rows.empty:
        raise TxscoreError(f"No scores for measure {measure!r}. Fix: use one of "
                           f"{sorted(set(s['measure']))}.")
    pops = [p for p in POPULATIONS if p in set(rows["population"])]
    population = population or ("customer" if "customer" in pops else pops[0])
    if population not in pops:
        raise TxscoreError(f"Measure {measure!r} has no {population!r} scores. Fix: use one "
                           f"of {pops}.")
    rows = rows[(rows["population"] == population) & rows["wave"].isin(waves)]
    if brands is not None:
        rows = rows[rows["brand"].isin(brands)]
    return rows, population, pops


def _measure_label(result: Any, measure: str, rows: pd.DataFrame, w: Words) -> str:
    """The measure's name in the report's language."""
    return w.measures.get(measure) or label_of(
        result.study, measure, w.language,
        rows["label"].iloc[0] if "label" in rows and len(rows) else None)


def _top_rows(rows: pd.DataFrame, waves: list[str], top: int | None,
              focus: str | None) -> tuple[pd.DataFrame, int]:
    """The rows of the ``top`` brands by their latest value, the ``focus`` brand and the
    total; and how many brands are left out."""
    if top is None:
        return rows, 0
    last = _trend_cells(rows, waves)["value"].ffill(axis=1).iloc[:, -1]
    cand = last.drop(TOTAL, errors="ignore")
    keep, more = top_brands(pd.DataFrame({"brand": cand.index}), cand.to_numpy(float), top,
                            focus)
    return rows[rows["brand"].isin([*keep["brand"], TOTAL])], more


def _trend_note(result: Any, ringed: bool, hidden: list[str], w: Words) -> list[str]:
    """The footnote: the study, the whiskers, the rings, the cells not shown."""
    t, rep = w.charts, result.study.report
    conf = f"{rep.confidence * 100:g}"
    lines = [study_line(result), t["trend_note"].format(conf=conf)]
    if ringed:
        lines.append(t["trend_sig"].format(conf=conf))
    if hidden:
        lines.append(t["hidden_cells"].format(min=f"{rep.suppress_below:g}",
                                              cells=name_list(hidden, w, width=200)))
    return lines


def _hidden_cells(hide: pd.DataFrame, order: list[str], waves: list[str],
                  w: Words) -> list[str]:
    """``"Brand (wave)"`` per suppressed cell, names shortened."""
    return [f"{fit(w.charts['all_brands'] if b == TOTAL else b, 100, lines=1, size=9)} "
            f"({fit(x, 70, lines=1, size=9)})"
            for b in order for x in waves if hide.loc[b, x]]


def _trend_cells(rows: pd.DataFrame, waves: list[str]) -> dict[str, pd.DataFrame]:
    """Brand x wave tables: value (NaN where suppressed), interval, n_eff and ``hide``."""
    cell = rows.set_index(["brand", "wave"])
    names = list(dict.fromkeys(rows["brand"]))
    full = pd.MultiIndex.from_product([names, waves], names=["brand", "wave"])

    def wide(col: str) -> pd.DataFrame:
        return cell[col].reindex(full).unstack().reindex(index=names, columns=waves)

    hide = cell["flag"].reindex(full).eq("suppressed").unstack().reindex(index=names,
                                                                         columns=waves)
    value = wide("value").mask(hide)
    return {"value": value, "hide": hide, "n_eff": wide("n_eff"),
            "lo": wide("ci_low").where(value.notna()), "hi": wide("ci_high").where(value.notna())}


def _significant(result: Any, measure: str, population: str) -> set[tuple[str, str]]:
    """(brand, wave) whose change from the previous wave is significant (and shown)."""
    ch = getattr(result, "changes", None)
    if ch is None or not len(ch):
        return set()
    m = (ch["comparison"].isin(["wave", "wave_over_wave"]) & (ch["measure"] == measure)
         & (ch["population"] == population) & ch["significant"].astype(bool)
         & (ch["flag"] != "suppressed"))
    return set(zip(ch.loc[m, "brand"], ch.loc[m, "wave"], strict=True))


def _looks(result: Any, order: list[str], colours: dict[str, str],
           focus: str | None) -> dict[str, tuple[str, str, str, float, float]]:
    """Per brand, its line's colour, marker, style, width and z-order: the brand's colour
    and marker (by the study's brand order), the focus brand thicker and on top, the
    total dark grey and dashed."""
    markers = brand_markers(result)
    looks = {b: (colours.get(str(b), GREY), *markers.get(str(b), ("o", "-")),
                 2.4 if b == focus else 1.6, 5.0 if b == focus else 3.0)
             for b in order}
    looks[TOTAL] = (TOTAL_COLOUR, "o", "--", 2.0, 3.0)
    return looks


def _trend_lines(ax: Any, cells: dict[str, pd.DataFrame], order: list[str], waves: list[str],
                 sig: set[tuple[str, str]], w: Words,
                 looks: dict[str, tuple],
                 focus: str | None) -> tuple[list[tuple], bool, list[tuple[str, str]]]:
    """One dodged line per brand (``looks``: :func:`_looks`) with whiskers and rings;
    returns the line-end labels (brand, y, text, colour; the ``focus`` brand's fitted in
    bold), whether a ring was drawn and the keys of shortened names."""
    k, xs = len(order), np.arange(len(waves), dtype=float)
    dodge = (np.arange(k) - (k - 1) / 2) * min(0.03, 0.3 / max(k, 1))
    ends, ringed, names, tails = [], False, [], []
    for i, b in enumerate(order):
        colour, marker, ls, lw, z = looks[b]
        x, y = xs + dodge[i], cells["value"].loc[b].to_numpy(float)
        ax.plot(x, y, color=colour, marker=marker, linestyle=ls, linewidth=lw,
                markersize=6, zorder=z, gid=f"brand:{b}")
        with np.errstate(invalid="ignore"):
            err = np.nan_to_num(np.abs(np.vstack([cells["lo"].loc[b], cells["hi"].loc[b]]) - y))
        ax.errorbar(x, y, yerr=err, fmt="none", ecolor=colour, elinewidth=1, alpha=0.7,
                    zorder=z - 1)
        for j, wave in enumerate(waves):
            if (b, wave) in sig and np.isfinite(y[j]):
                ringed = True
                ax.plot([x[j]], [y[j]], marker="o", markersize=13, markerfacecolor="none",
                        markeredgecolor=colour, markeredgewidth=1.4, linestyle="none",
                        zorder=z + 1, gid=f"change:{b}:{wave}")
        seen = np.flatnonzero(np.isfinite(y))
        if len(seen):
            j = seen[-1]
            names.append(w.charts["all_brands"] if b == TOTAL else b)
            n_eff = w.count(cells["n_eff"].loc[b].iloc[j])
            earlier = f", {fit(waves[j], 60, lines=1)}" if j < len(waves) - 1 else ""
            tails.append(f" {w.num(y[j], 1)} (n_eff={n_eff}{earlier})")
            ends.append((b, y[j], "", colour))
    # wrapped on two lines while the labels have the room (eight labels), else on one
    lines = 2 if len(names) <= 8 else 1
    texts, keys = fit_names(names, END_PT, lines=lines, tails=tails)
    for i, (b, *_) in enumerate(ends):  # the focus brand's label is bold: wider
        if b == focus and not any(name == one_line(b) for _, name in keys):
            texts[i] = fit(names[i], END_PT, lines=lines, bold=True, tail=tails[i])
    return [(b, y, text, c) for (b, y, _, c), text in zip(ends, texts, strict=True)], ringed, keys


def _end_labels(ax: Any, ends: list[tuple], ylims: tuple[float, float],
                focus: str | None) -> None:
    """The line-end labels right of the plot in the brands' colours (a shade dark enough
    to read), spread 12 points a line apart; the focus brand's in bold."""
    height = ax.bbox.height * 72 / ax.figure.dpi  # points
    to_pt = height / (ylims[1] - ylims[0])
    gap = 12.0 * max((e[2].count("\n") + 1 for e in ends), default=1)
    ys = spread(np.array([(e[1] - ylims[0]) * to_pt for e in ends]), gap, 0, height)
    for (b, _, text, colour), y in zip(ends, ys, strict=True):
        ax.annotate(text, xy=(1, ylims[0] + y / to_pt), xycoords=("axes fraction", "data"),
                    xytext=(6, 0), textcoords="offset points", va="center", ha="left",
                    color=readable(colour), annotation_clip=False, gid=f"label:{b}",
                    fontweight="bold" if b == focus else "normal")
