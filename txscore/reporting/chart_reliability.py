"""The reliability of the constructs: alpha with its interval and omega, per population."""

from __future__ import annotations

from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from txscore.reporting.chart_base import (
    POPULATIONS,
    axes,
    decorate,
    keys_note,
    label_of,
    legend_above,
    message,
    name_list,
    setup,
    short,
    study_line,
    suppressed,
)
from txscore.reporting.chart_labels import fit, fit_names
from txscore.reporting.palette import FIGSIZE, GREY, STYLE, VERDICT_COLOURS
from txscore.reporting.text import Words

__all__ = ["REL_PT", "reliability_overview"]

#: width in points of a row's label (construct – population (n), two lines at most)
REL_PT = 220.0


def reliability_overview(result: Any, *, ax: Any = None) -> Figure:
    """Cronbach's alpha with its interval per construct and population, omega alongside.

    One row per construct x population (``result.reliability``): alpha as a point coloured
    by its verdict (ok, questionable, poor, redundant items) with its interval, omega total
    as a hollow diamond, reference lines at 0.70 and 0.80. The right margin gives the
    numbers, the row label the construct, population and complete cases; the footnote
    repeats the notes on items and dimensionality. A construct flagged suppressed (too
    small an effective base of complete cases) shows no number.

    Parameters
    ----------
    result : Result
        A scored study (reliability is pooled over waves and brands).
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; default a new figure 8 in wide.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
    >>> result = tx.score(tx.load(study))
    >>> reliability_overview(result).axes[0].get_xlabel()
    "Cronbach's alpha (0–1)"
    """
    _, w, rep = setup(result, None)
    t = w.charts
    rel = _ordered(getattr(result, "reliability", None))
    rows = len(rel)
    if rows and "construct" in rel:  # the constructs' labels in the report language
        rel = rel.assign(label=[label_of(result.study, str(c), w.language, v) for c, v in
                                zip(rel["construct"], rel.get("label", rel["construct"]),
                                    strict=True)])
    ys = np.arange(rows - 1, -1, -1, dtype=float)
    alpha, lo, hi, omega = (rel[c].to_numpy(float) if rows else np.array([])
                            for c in ("alpha", "ci_low", "ci_high", "omega_total"))
    hidden = suppressed(rel["flag"]) | ~np.isfinite(alpha) if rows else np.array([], bool)
    verdict = rel["verdict"].fillna("").astype(str).to_numpy() if rows else np.array([])
    vis = ~hidden
    floor = np.nanmin(np.concatenate([alpha[vis], lo[vis], omega[vis], [0.6]]))
    xlo = float(np.floor((floor - 0.05) * 10) / 10)
    names, tails = _row_names(rel, hidden, w)
    labels, keys = fit_names(names, REL_PT, lines=2, tails=tails)
    row_h = 0.3 + 0.16 * max((label.count("\n") for label in labels), default=0)
    with matplotlib.rc_context(STYLE):
        fig, ax, own = axes(ax, max(FIGSIZE[1], 1.9 + row_h * rows))
        ax.set(xlim=(xlo, 1.0), ylim=(-0.6, max(rows, 1) - 0.4))
        if not rows:
            message(ax, t["no_reliability"])
        for ref, ls in ((0.7, "--"), (0.8, ":")):
            ax.axvline(ref, color=GREY, linestyle=ls, linewidth=1, zorder=1)
        handles = _alpha_points(ax, alpha, lo, hi, omega, ys, vis, verdict, w)
        _row_texts(ax, rel, alpha, lo, hi, omega, ys, hidden, xlo, w, rep)
        ax.set_yticks(ys, labels)
        for tick, h in zip(ax.get_yticklabels(), hidden, strict=True):
            tick.set_color(GREY if h else "#222222")
        ax.tick_params(axis="y", length=0)
        lines = [study_line(result), *_base_line(result, rel, hidden, w),
                 t["rel_note"].format(conf=f"{rep.confidence * 100:g}")]
        notes: dict[str, list[str]] = {}
        for r in rel.itertuples(index=False):
            note = w.verdict(None, getattr(r, "notes", ""), table="reliability_notes_short")
            if note:  # the same notes in several populations are said once
                item = fit(r.label, 200, lines=1, size=9)
                notes.setdefault(w["item_note"].format(item=item, notes=note), []).append(
                    t.get(str(r.population), str(r.population)))
        lines += [short(f"{k} ({', '.join(v)})", 140) for k, v in list(notes.items())[:4]]
        lines += keys_note(w, keys)
        decorate(ax, w, t["rel_title"], t["rel_x"], "", "\n".join(lines), own)
        if handles:
            legend_above(ax, handles, own)
    return fig


def _base_line(result: Any, rel: pd.DataFrame, hidden: np.ndarray, w: Words) -> list[str]:
    """The base: complete cases (and effective base) of the rows shown, pooled over the
    study's waves and brands; none when no row is shown."""
    if not (~hidden).any():
        return []
    spans = []
    for col in ("n_complete", "n_eff"):
        v = rel[col].to_numpy(float)[~hidden] if col in rel else np.array([np.nan])
        lo, hi = (np.nanmin(v), np.nanmax(v)) if np.isfinite(v).any() else (np.nan, np.nan)
        spans.append("–" if not np.isfinite(lo) else w.count(lo) if round(lo) == round(hi)
                     else f"{w.count(lo)}–{w.count(hi)}")
    return [w.charts["rel_base"].format(waves=name_list(list(result.study.waves), w),
                                        n=spans[0], n_eff=spans[1])]


def _ordered(rel: pd.DataFrame | None) -> pd.DataFrame:
    """The constructs in spec order, each with its populations in the usual order."""
    rel = rel if rel is not None else pd.DataFrame()
    if not len(rel):
        return rel
    first = {c: i for i, c in enumerate(dict.fromkeys(rel["construct"]))}
    return rel.assign(o1_=rel["construct"].map(first), o2_=rel["population"].map(
        {p: i for i, p in enumerate(POPULATIONS)}).fillna(9)).sort_values(
        ["o1_", "o2_"], kind="stable")


def _alpha_points(ax: Any, alpha: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                  omega: np.ndarray, ys: np.ndarray, vis: np.ndarray, verdict: np.ndarray,
                  w: Words) -> list[Line2D]:
    """Alpha with its interval, one colour per verdict, and omega as diamonds; returns the
    legend handles."""
    handles = []
    for v in dict.fromkeys(verdict[vis]):  # one colour per verdict
        m = vis & (verdict == v)
        colour = VERDICT_COLOURS.get(v, GREY)
        with np.errstate(invalid="ignore"):
            err = np.nan_to_num(np.abs(np.vstack([lo[m], hi[m]]) - alpha[m]))
        ax.errorbar(alpha[m], ys[m], xerr=err, fmt="o", color=colour, markersize=7,
                    elinewidth=1.4, capsize=3, zorder=3)
        handles.append(Line2D([], [], color=colour, marker="o", markersize=7,
                              linewidth=1.4, label=w.code("verdicts", v)))
    om = vis & np.isfinite(omega)
    ax.scatter(omega[om], ys[om] - 0.25, marker="D", s=24, facecolors="white",
               edgecolors="#222222", linewidths=1.2, zorder=4, gid="omega")
    if om.any():
        handles.append(Line2D([], [], color="#222222", marker="D", markersize=5,
                              markerfacecolor="white", linestyle="none",
                              label=w.charts["omega"]))
    return handles


def _row_names(rel: pd.DataFrame, hidden: np.ndarray,
               w: Words) -> tuple[list[str], list[str]]:
    """Per row, its name (construct – population) and the complete cases after it."""
    t, names, tails = w.charts, [], []
    for i, r in enumerate(rel.itertuples(index=False)):
        names.append(f"{r.label} – {t.get(str(r.population), str(r.population))}")
        tails.append("" if hidden[i] else f" (n={w.count(r.n_complete)})")
    return names, tails


def _row_texts(ax: Any, rel: pd.DataFrame, alpha: np.ndarray, lo: np.ndarray,
               hi: np.ndarray, omega: np.ndarray, ys: np.ndarray, hidden: np.ndarray,
               xlo: float, w: Words, rep: Any) -> None:
    """The numbers in the right margin (a grey note on hidden rows)."""
    for i, r in enumerate(rel.itertuples(index=False)):
        if hidden[i]:
            msg = (w.charts["suppressed"].format(min=f"{rep.suppress_below:g}")
                   if r.flag == "suppressed" else w.code("verdicts", str(r.verdict)))
            ax.text(xlo + 0.01, ys[i], msg, va="center", color=GREY, fontstyle="italic")
            continue
        nums = f"α {w.num(alpha[i], 2)}"
        if np.isfinite(lo[i]) and np.isfinite(hi[i]):
            nums += f" [{w.num(lo[i], 2)}–{w.num(hi[i], 2)}]"
        if np.isfinite(omega[i]):
            nums += f"  ω {w.num(omega[i], 2)}"
        ax.annotate(nums, (1, ys[i]), xycoords=("axes fraction", "data"), xytext=(8, 0),
                    textcoords="offset points", ha="left", va="center", fontsize=9,
                    annotation_clip=False)
