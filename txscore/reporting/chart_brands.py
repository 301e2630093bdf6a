"""The brands of one wave side by side: TX by brand, the growth grid, CX against BX.

Each function takes the result and keyword options, draws on a new figure or on the ``ax``
it is given, and returns the :class:`~matplotlib.figure.Figure`. A brand whose cell is
flagged ``"suppressed"`` keeps no bar or point and no number (methodology.md, "Uncertainty
and significance"); caution and low-base brands are drawn lighter or hatched.

Every brand keeps its one colour (:func:`~txscore.reporting.palette.brand_colours`: the
study's order, ``[report] brand_colors``); the focus brand (``focus``, else ``[report]
focus_brand``) keeps its colour, is drawn on top with its label in bold (its bar with a dark
edge) and the other brands are muted. Each chart states its base in its footnote.
"""

from __future__ import annotations

from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from txscore.errors import TxscoreError
from txscore.reporting.chart_base import (
    TOP_BRANDS,
    axes,
    band_ticks,
    base_note,
    bases,
    decorate,
    focus_labels,
    keys_note,
    legend_above,
    more_note,
    name_list,
    nice_limits,
    settle,
    setup,
    study_line,
    suppressed,
    top_brands,
    wave_label,
    why_missing,
)
from txscore.reporting.chart_labels import (
    GRID_CORNERS,
    corner_names,
    fit_names,
    label_points,
    text_width,
)
from txscore.reporting.palette import (
    FIGSIZE,
    FLAG_STYLES,
    FOCUS_EDGE,
    GREY,
    STYLE,
    TOTAL_COLOUR,
    chart_colours,
)
from txscore.reporting.text import Words
from txscore.study.vocabulary import TOTAL

__all__ = ["POINT_PT", "TOP_POINTS", "cx_vs_bx", "growth_grid", "tx_by_brand"]

#: width in points of a brand's name next to its point (two lines at most)
POINT_PT = 100.0
#: brands a scatter (growth grid, CX against BX) shows at most: the top ones by its measure
TOP_POINTS = 12


def tx_by_brand(result: Any, *, wave: str | None = None, ax: Any = None,
                top: int | None = TOP_BRANDS, focus: str | None = None) -> Figure:
    """Horizontal bars of the TX score by brand, best first, with their intervals.

    The "All brands" total is a labelled dashed line; each bar ends with its value and the
    brand label carries the effective base (n_eff of customers + non-customers). A
    suppressed brand keeps its row, with a grey "n<30 – suppressed" and no bar or number;
    caution brands get lighter bars and low-base brands hatched ones, with a legend entry.
    With more than ``top`` brands, the ``top`` best (and ``focus``) are drawn and a
    footnote counts the others. Long names are wrapped on two lines, then shortened (with
    keys in the footnote where shortened names would look alike).

    Parameters
    ----------
    result : Result
        A scored study (:func:`txscore.score`) without segment cuts (``by``).
    wave : str, optional
        One of ``result.study.waves``; default the latest.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; default a new 8 x 4.5 in figure.
    top : int or None, default :data:`~txscore.reporting.chart_base.TOP_BRANDS`
        Most brands drawn (None: all).
    focus : str, optional
        The brand highlighted (default ``[report] focus_brand``): drawn even when it is
        not among the top ones, its label in bold, its bar with a dark edge.

    Returns
    -------
    matplotlib.figure.Figure
        The title is ``fig.get_suptitle()`` on a new figure, the axes title with ``ax``.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
    >>> result = tx.score(tx.load(study))
    >>> tx_by_brand(result, wave="2026 Q2").axes[0].get_xlabel()
    'TX score (0–100)'
    """
    wave, w, rep = setup(result, wave)
    t = w.charts
    s = result.scores
    rows = s[(s["measure"] == "tx") & (s["wave"] == wave)]
    if rows.empty:
        raise TxscoreError(f"No TX scores for wave {wave!r}: "
                           f"{why_missing(result, 'tx', wave)}.")
    colours, focus = chart_colours(result, focus)
    brands = rows[rows["brand"] != TOTAL].assign(
        hidden_=lambda d: suppressed(d["flag"]) | d["value"].isna()).sort_values(
        ["hidden_", "value", "brand"], ascending=[True, False, True], na_position="last")
    brands, more = top_brands(brands, brands["value"].where(~brands["hidden_"]), top, focus)
    k = len(brands)
    labels, keys = _bar_names(brands, w)
    row_h = 0.3 + 0.16 * max(label.count("\n") for label in labels) if k else 0.3
    wl, wkey = wave_label(result.study.waves, wave)
    with matplotlib.rc_context(STYLE):
        fig, ax, own = axes(ax, max(FIGSIZE[1], 1.8 + row_h * k))
        seen = _brand_bars(ax, brands, labels, w, rep, colours, focus)
        ax.set(xlim=(0, 100), ylim=(-0.6, k + 0.2))  # headroom for the total's label
        band_ticks(ax, result, w)
        widest = max((text_width(x) for label in labels for x in label.split("\n")),
                     default=0.0)
        _total_line(ax, rows[rows["brand"] == TOTAL], k, w,
                    fig.get_figwidth() * 72 - widest - 40)
        note = t["tx_note"].format(conf=f"{rep.confidence * 100:g}",
                                   min=f"{rep.suppress_below:g}")
        lines = [study_line(result), note, base_note(result, [wave], w),
                 *more_note(w, more, top, w.measures["tx"]), *keys_note(w, wkey + keys)]
        decorate(ax, w, t["tx_title"].format(wave=wl), t["tx_x"], "",
                 "\n".join(x for x in lines if x), own)
        _flag_legend(ax, seen, w, rep, own)
    return fig


def _bar_names(brands: pd.DataFrame, w: Words) -> tuple[list[str], list[tuple[str, str]]]:
    """The bars' labels, name and base: wrapped on three lines for up to eight brands, on
    two beyond, then shortened (the figure grows with its rows); and their keys."""
    tails = ["" if h else f" (n_eff={w.count(n)})"
             for h, n in zip(brands["hidden_"], brands["n_eff"], strict=True)]
    return fit_names(list(brands["brand"]), 190, lines=3 if len(brands) <= 8 else 2,
                     tails=tails)


def _flag_legend(ax: Any, seen: set[str], w: Words, rep: Any, own: bool) -> None:
    """The legend of the caution and low-base looks (grey: bars have the brands' colours),
    in a band above the plot, clear of bars and lines."""
    handles = [Patch(facecolor=GREY, alpha=FLAG_STYLES[f][0], hatch=FLAG_STYLES[f][1],
                     edgecolor=GREY, label=w.charts[f].format(min=f"{limit:g}"))
               for f, limit in (("caution", rep.caution_below),
                                ("low_base", rep.low_base_below)) if f in seen]
    if handles:
        legend_above(ax, handles, own)


def _brand_bars(ax: Any, brands: pd.DataFrame, labels: list[str], w: Words, rep: Any,
                colours: dict[str, str], focus: str | None) -> set[str]:
    """One bar per brand (best at the top) in the brand's colour, with its interval, value
    and base; the focus brand's with a dark edge and its label in bold; a hidden brand
    keeps its row with a grey note. Returns the flags drawn."""
    t, seen = w.charts, set()
    ys = range(len(brands) - 1, -1, -1)
    for y, row in zip(ys, brands.itertuples(index=False), strict=True):
        if row.hidden_:  # the row stays, without bar or number
            msg = t["suppressed"] if row.flag == "suppressed" else t["no_data"]
            ax.text(1, y, msg.format(min=f"{rep.suppress_below:g}"), va="center",
                    color=GREY, fontstyle="italic")
            continue
        alpha, hatch = FLAG_STYLES.get(row.flag, FLAG_STYLES["ok"])
        seen.add(row.flag)
        colour = colours.get(str(row.brand), GREY)
        edge = (FOCUS_EDGE, 1.6) if row.brand == focus else (colour, 0.8)
        ax.barh(y, row.value, height=0.64, color=colour, alpha=alpha, hatch=hatch,
                edgecolor=edge[0], linewidth=edge[1]).patches[0].set_gid(f"brand:{row.brand}")
        end = row.value
        if np.isfinite(row.ci_low) and np.isfinite(row.ci_high):
            ax.errorbar(row.value, y, xerr=[[row.value - row.ci_low], [row.ci_high - row.value]],
                        fmt="none", ecolor="#333333", elinewidth=1, capsize=3)
            end = max(end, row.ci_high)
        ax.annotate(w.num(row.value, 1), (end, y), xytext=(4, 0), zorder=4,
                    textcoords="offset points", va="center",
                    bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})
    ax.set_yticks(list(ys), labels)
    for tick, hidden, b in zip(ax.get_yticklabels(), brands["hidden_"], brands["brand"],
                               strict=True):
        tick.set_color(GREY if hidden else "#222222")
        tick.set_fontweight("bold" if b == focus else "normal")
    ax.tick_params(axis="y", length=0)
    return seen


def _total_line(ax: Any, total: pd.DataFrame, k: int, w: Words, room: float) -> None:
    """The all-brands total as a labelled dashed line (none when suppressed); ``room``:
    the plot's width in points, roughly."""
    if not len(total) or total["flag"].iloc[0] == "suppressed":
        return
    tv = float(total["value"].iloc[0])
    if not np.isfinite(tv):
        return
    ax.axvline(tv, color=TOTAL_COLOUR, linestyle="--", linewidth=1.5, gid="total")
    text = w.charts["total"].format(value=w.num(tv, 1), n=w.count(total["n_eff"].iloc[0]))
    # the label goes on the side with room for it
    side = 1 if (100 - tv) / 100 * room > text_width(text, 10, bold=True) + 8 else -1
    ax.annotate(text, (tv, k - 0.25), xytext=(5 * side, 0), textcoords="offset points",
                ha="left" if side > 0 else "right", va="center", color=TOTAL_COLOUR,
                fontweight="bold")


def growth_grid(result: Any, *, wave: str | None = None, ax: Any = None,
                top: int | None = TOP_POINTS, focus: str | None = None) -> Figure:
    """Brands at (non-customer score N, customer score C) against the peer means.

    Dashed crosshairs mark the peer averages; the corners name the quadrants: Leading
    (both above), Plateauing (customers above, non-customers below), Churning
    (non-customers above, customers below), Lagging (both below). Each brand is a point in
    its colour, named beside it; brands outside the peer average are hollow; suppressed
    brands are left out and listed in the footnote, which also gives the base (the
    respondents, and each brand's effective bases or their range for more than six). With
    more than ``top`` brands, the ``top`` with the highest TX score (and ``focus``) are
    drawn and a footnote counts the others.

    Parameters
    ----------
    result : Result
        A scored study with customers and non-customers, without segment cuts.
    wave : str, optional
        One of ``result.study.waves``; default the latest.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; default a new 8 x 4.5 in figure (whose
        final layout the label nudges are measured on).
    top : int or None, default :data:`TOP_POINTS`
        Most brands drawn (None: all).
    focus : str, optional
        The brand highlighted (default ``[report] focus_brand``): drawn even when it is
        not among the top ones, on top of the others, its name in bold.

    Returns
    -------
    matplotlib.figure.Figure
        The title is ``fig.get_suptitle()`` on a new figure, the axes title with ``ax``.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
    >>> result = tx.score(tx.load(study))
    >>> growth_grid(result).axes[0].get_ylabel()  # the latest wave
    'Customer score (C, 0–100)'
    """
    wave, w, rep = setup(result, wave)
    t = w.charts
    g = result.grid
    rows = g[(g["wave"] == wave) & (g["brand"] != TOTAL)] if not g.empty else g
    if rows.empty:
        raise TxscoreError(f"No growth grid for wave {wave!r}: "
                           f"{why_missing(result, 'grid', wave)}.")
    colours, focus = chart_colours(result, focus)
    shown, hidden, more = _grid_brands(result, wave, rows, top, focus)
    peer = (float(rows["peer_non_customer"].iloc[0]), float(rows["peer_customer"].iloc[0]))
    pts = shown[["non_customer_score", "customer_score"]].to_numpy(float).reshape(-1, 2)
    # room around the points for the corner names, on 5-point ticks
    lims = np.array([nice_limits(np.append(pts[:, i], peer[i])) for i in range(2)])
    brands = [str(b) for b in shown["brand"]]
    names, keys = _point_names(brands)
    wl, wkey = wave_label(result.study.waves, wave)
    with matplotlib.rc_context(STYLE):
        fig, ax, own = axes(ax)
        ax.set(xlim=lims[0], ylim=lims[1])
        for line, v in ((ax.axvline, peer[0]), (ax.axhline, peer[1])):
            if np.isfinite(v):
                line(v, color=GREY, linestyle="--", linewidth=1, zorder=1)
        for (x, y), brand, full in zip(pts, brands, shown["in_peer_average"], strict=True):
            _point(ax, x, y, colours.get(brand, GREY), brand, focus,
                   hollow=not full)
        # the quadrants named in grey: colours are the brands'
        corners = corner_names(ax, GRID_CORNERS, dict.fromkeys(GRID_CORNERS, GREY),
                               w.quadrants)
        lines = _grid_note(result, wave, peer, shown, names, hidden, w)
        lines += [*more_note(w, more, top, w.measures["tx"]), *keys_note(w, wkey + keys)]
        decorate(ax, w, t["grid_title"].format(wave=wl), t["grid_x"], t["grid_y"],
                 "\n".join(lines), own)
        if own:  # the final axes size, so that the label nudges are measured right
            settle(fig)
        label_points(ax, pts, names, lims, gids=brands, lines=peer, corners=corners)
        focus_labels(ax, focus, brands)
    return fig


def _point(ax: Any, x: float, y: float, colour: str, brand: str, focus: str | None, *,
           hollow: bool = False, alpha: float = 1.0) -> None:
    """A brand's point in its colour (hollow: white inside); the focus brand's larger and
    on top of the others."""
    top = brand == focus
    ax.scatter([x], [y], s=81 if top else 64, zorder=5 if top else 3,
               color="white" if hollow else colour, edgecolors=colour, linewidths=1.6,
               alpha=alpha, gid=f"brand:{brand}")


def _grid_note(result: Any, wave: str, peer: tuple[float, float], shown: pd.DataFrame,
               names: list[str], hidden: list[str], w: Words) -> list[str]:
    """The growth grid's footnote: the study, the peer average, the bases, hidden brands."""
    t, rep = w.charts, result.study.report
    lines = [study_line(result)]
    if all(np.isfinite(peer)):
        lines.append(t["peer"].format(min=f"{rep.peer_min_base:g}", n=w.num(peer[0], 1),
                                      c=w.num(peer[1], 1)))
    if not shown["in_peer_average"].all():
        lines.append(t["not_peer"].format(min=f"{rep.peer_min_base:g}"))
    if text := base_note(result, [wave], w):
        lines.append(text)
    brands = [str(b) for b in shown["brand"]]
    if text := bases(result, wave, ("customer_score", "non_customer_score"), brands, w, names):
        lines.append(t["grid_bases"].format(bases=text))
    if hidden:
        lines.append(t["hidden"].format(min=f"{rep.suppress_below:g}",
                                        brands=name_list(hidden, w)))
    return lines


def _grid_brands(result: Any, wave: str, rows: pd.DataFrame, top: int | None,
                 focus: str | None) -> tuple[pd.DataFrame, list[str], int]:
    """The grid's brands shown (the ``top`` by TX, else by the mean of C and N, and
    ``focus``), those hidden (suppressed or without both scores), how many are left out."""
    ok = (~suppressed(rows["flag"]) & np.isfinite(rows["non_customer_score"])
          & np.isfinite(rows["customer_score"]))
    shown, hidden = rows[ok].sort_values("brand"), sorted(map(str, rows.loc[~ok, "brand"]))
    by = _rank(result, wave, "tx", shown)
    if not np.isfinite(by).any():  # no TX: the mean of the two scores
        by = shown[["non_customer_score", "customer_score"]].mean(axis=1).to_numpy(float)
    shown, more = top_brands(shown, by, top, focus)
    return shown, hidden, more


def _point_names(brands: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """The brands' names next to their points, wrapped: three lines at most, two beyond
    six points (then shortened, with keys where alike)."""
    return fit_names(brands, POINT_PT, lines=3 if len(brands) <= 6 else 2)


def _rank(result: Any, wave: str, measure: str, shown: pd.DataFrame) -> np.ndarray:
    """Per brand of ``shown``, its ``measure`` in the wave (NaN when suppressed), to pick
    the top brands of a chart by."""
    s = result.scores
    cells = s[(s["measure"] == measure) & (s["wave"] == wave)]
    value = cells["value"].where(~suppressed(cells["flag"]))
    by = pd.Series(value.to_numpy(float), index=cells["brand"].to_numpy())
    by = by[~by.index.duplicated()]
    return by.reindex(shown["brand"].to_numpy()).to_numpy(float)


def cx_vs_bx(result: Any, *, wave: str | None = None, ax: Any = None,
             top: int | None = TOP_POINTS, focus: str | None = None) -> Figure:
    """Brands at (CX, BX among customers) with both bootstrap intervals as whiskers.

    Both indices come from the same customers, so the chart shows whether a brand's
    perception among its customers runs ahead of (above the dotted CX = BX line) or behind
    their experience. Dashed lines mark the all-brands values. Each brand is a point in
    its colour, named beside it. Caution brands are drawn light and low-base brands hollow;
    suppressed brands are left out and listed in the footnote, which also gives the base
    (the customers, and each brand's n_eff or their range for more than six brands). With
    more than ``top`` brands, the ``top`` with the highest CX (and ``focus``) are drawn
    and a footnote counts the others.

    Parameters
    ----------
    result : Result
        A scored study with CX and BX (customers), without segment cuts.
    wave : str, optional
        One of ``result.study.waves``; default the latest.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; default a new 8 x 4.5 in figure.
    top : int or None, default :data:`TOP_POINTS`
        Most brands drawn (None: all).
    focus : str, optional
        The brand highlighted (default ``[report] focus_brand``): drawn even when it is
        not among the top ones, on top of the others, its name in bold.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
    >>> result = tx.score(tx.load(study))
    >>> cx_vs_bx(result).axes[0].get_xlabel()
    'CX index (customers, 0–100)'
    """
    wave, w, rep = setup(result, wave)
    t = w.charts
    colours, focus = chart_colours(result, focus)
    shown, hidden, ref = _cx_bx_cells(result, wave)
    shown, more = top_brands(shown, shown["value_cx"].to_numpy(float), top, focus)
    pts = shown[["value_cx", "value_bx"]].to_numpy(float).reshape(-1, 2)
    whisk = shown[["ci_low_cx", "ci_high_cx", "ci_low_bx", "ci_high_bx"]].to_numpy(float)
    lims = np.array([nice_limits(np.concatenate([pts[:, i], whisk[:, 2 * i:2 * i + 2].ravel(),
                                                 [ref[i]]]), pad_min=4) for i in range(2)])
    # a brand's look follows the worse of its two flags
    flags = shown["flag_cx"].where(shown["flag_cx"] != "ok", shown["flag_bx"]).to_numpy()
    brands = [str(b) for b in shown["brand"]]
    names, keys = _point_names(brands)
    wl, wkey = wave_label(result.study.waves, wave)
    with matplotlib.rc_context(STYLE):
        fig, ax, own = axes(ax)
        ax.set(xlim=lims[0], ylim=lims[1])
        _cx_bx_points(ax, pts, whisk, ref, lims)
        for (x, y), brand, flag in zip(pts, brands, flags, strict=True):
            _point(ax, x, y, colours.get(brand, GREY), brand, focus,
                   hollow=flag == "low_base",
                   alpha=FLAG_STYLES["caution"][0] if flag == "caution" else 1.0)
        lines = _cx_bx_note(result, wave, ref, flags, brands, names, hidden, w)
        lines += [*more_note(w, more, top, w.measures["cx"]), *keys_note(w, wkey + keys)]
        decorate(ax, w, t["cxbx_title"].format(wave=wl), t["cxbx_x"], t["cxbx_y"],
                 "\n".join(x for x in lines if x), own)
        if own:
            settle(fig)
        label_points(ax, pts, names, lims, gids=brands, lines=ref, whiskers=whisk)
        focus_labels(ax, focus, brands)
    return fig


def _cx_bx_note(result: Any, wave: str, ref: tuple, flags: np.ndarray, brands: list[str],
                names: list[str], hidden: list[str], w: Words) -> list[str]:
    """The footnote of CX against BX: the study, whiskers and reference lines, the looks of
    the flags, the base (customers; each brand's n_eff), the brands not shown."""
    t, rep = w.charts, result.study.report
    lines = [study_line(result), t["whiskers"].format(conf=f"{rep.confidence * 100:g}")]
    if all(np.isfinite(ref)):
        lines[-1] += t["sep"] + t["cxbx_total"].format(cx=w.num(ref[0], 1),
                                                   bx=w.num(ref[1], 1))
    if set(flags) & {"caution", "low_base"}:
        lines.append(t["flag_styles"].format(caution=f"{rep.caution_below:g}",
                                             low=f"{rep.low_base_below:g}"))
    lines.append(base_note(result, [wave], w, population="customer", measure="cx"))
    if text := bases(result, wave, ("cx",), brands, w, names):
        lines.append(t["cxbx_bases"].format(bases=text))
    if hidden:
        lines.append(t["hidden"].format(min=f"{rep.suppress_below:g}",
                                        brands=name_list(hidden, w)))
    return lines


def _cx_bx_cells(result: Any, wave: str) -> tuple[pd.DataFrame, list[str], tuple]:
    """The brands with both CX and BX shown (columns ``*_cx``, ``*_bx``), those hidden, and
    the all-brands (CX, BX) reference (NaN when suppressed)."""
    s = result.scores
    cols = ["brand", "value", "ci_low", "ci_high", "n_eff", "flag"]
    cx = s.loc[(s["measure"] == "cx") & (s["wave"] == wave), cols]
    bx = s.loc[(s["measure"] == "bx_customers") & (s["wave"] == wave), cols]
    if cx.empty or bx.empty:
        index, name = ("cx", "CX") if cx.empty else ("bx_customer", "BX customers")
        raise TxscoreError(f"No {name} scores for wave {wave!r}: "
                           f"{why_missing(result, index, wave)}.")
    both = cx.merge(bx, on="brand", suffixes=("_cx", "_bx"))
    total = both[both["brand"] == TOTAL]
    b = both[both["brand"] != TOTAL]
    hide = (suppressed(b["flag_cx"]) | suppressed(b["flag_bx"])
            | ~np.isfinite(b["value_cx"].to_numpy(float))
            | ~np.isfinite(b["value_bx"].to_numpy(float)))
    ref = (np.nan, np.nan)
    if len(total) and not suppressed(total[["flag_cx", "flag_bx"]].to_numpy().ravel()).any():
        ref = (float(total["value_cx"].iloc[0]), float(total["value_bx"].iloc[0]))
    return b[~hide].sort_values("brand"), sorted(map(str, b.loc[hide, "brand"])), ref


def _cx_bx_points(ax: Any, pts: np.ndarray, whisk: np.ndarray, ref: tuple,
                  lims: np.ndarray) -> None:
    """The CX = BX diagonal, the all-brands lines and the whiskers."""
    lo, hi = max(lims[0, 0], lims[1, 0]), min(lims[0, 1], lims[1, 1])
    if lo < hi:
        ax.plot([lo, hi], [lo, hi], color=GREY, linestyle=":", linewidth=1, zorder=1)
    for line, v in ((ax.axvline, ref[0]), (ax.axhline, ref[1])):
        if np.isfinite(v):
            line(v, color=GREY, linestyle="--", linewidth=1, zorder=1)
    with np.errstate(invalid="ignore"):
        err = np.nan_to_num(np.abs(whisk - np.repeat(pts, 2, axis=1)))
    ax.errorbar(pts[:, 0], pts[:, 1], xerr=err[:, :2].T, yerr=err[:, 2:].T, fmt="none",
                ecolor="#8a8a8a", elinewidth=0.9, zorder=2)
