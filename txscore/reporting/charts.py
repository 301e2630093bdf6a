"""PNG charts of a :class:`~txscore.result.Result`.

TX by brand, the growth grid, CX against BX, trends over waves, the answer distribution of
the items, the importance-performance chart of the key drivers and the reliability overview.
Each chart function takes the result and keyword options, draws on a new figure or on the
``ax`` it is given, and returns the :class:`~matplotlib.figure.Figure` so that analysts can
restyle or compose it; :func:`save_charts` writes them all.

Charts are drawn on a bare :class:`matplotlib.figure.Figure` with the Agg canvas (no pyplot
state, no display, safe in threads) inside ``matplotlib.rc_context(STYLE)``: the global
rcParams never change. Suppressed cells (n_eff below the study's ``suppress_below``) never
show a number, a bar or a point (methodology.md, "Uncertainty and significance"). Colours
are the colour-blind-safe Okabe-Ito palette (Okabe & Ito 2008); text in a light palette
colour is darkened to stay readable. Texts are English or French (``[study] language``),
with the language's decimal mark.
"""

from __future__ import annotations

import functools
import glob
import itertools
import re
import textwrap
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from txscore._io import atomic_write
from txscore.errors import TxscoreError, TxscoreWarning
from txscore.reporting.render import TaskRun, available_cpus, figure_png
from txscore.study.vocabulary import TOTAL

OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442"]
BLUE, VERMILLION, GREY = OKABE_ITO[0], OKABE_ITO[1], "#767676"  # grey: 4.5:1 on white
GREEN, ORANGE, SKY, PURPLE = OKABE_ITO[2], OKABE_ITO[3], OKABE_ITO[4], OKABE_ITO[5]
QUADRANT_COLOURS = {"Leading": GREEN, "Plateauing": BLUE, "Churning": ORANGE,
                    "Lagging": VERMILLION}
IP_COLOURS = {"Concentrate here": VERMILLION, "Keep up the good work": GREEN,
              "Low priority": GREY, "Possible overkill": PURPLE}
VERDICT_COLOURS = {"ok": GREEN, "questionable": ORANGE, "poor": VERMILLION,
                   "redundant items": BLUE}
FIGSIZE = (8.0, 4.5)  # inches, 16:9 slides
NOTE_WIDTH = 120  # characters of a 9 pt footnote line on an 8 in figure
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 12,
    "axes.titleweight": "bold", "axes.titlelocation": "left", "axes.titlepad": 10,
    "axes.labelsize": 10, "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 9,
    "legend.frameon": False, "axes.spines.top": False, "axes.spines.right": False,
    "axes.edgecolor": "#555555", "axes.labelcolor": "#222222", "text.color": "#222222",
    "xtick.color": "#444444", "ytick.color": "#444444", "hatch.linewidth": 0.8,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
}
_NB = "\u00a0"  # French puts a no-break space before : ; % and ?
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "tx_title": "TX score by brand – {wave}", "tx_x": "TX score (0–100)",
        "total": "All brands {value} (n_eff={n})", "suppressed": "n<{min} – suppressed",
        "no_data": "no data", "caution": "Caution (n_eff < {min})",
        "low base": "Low base (n_eff < {min})",
        "tx_note": "Error bars: {conf}% bootstrap interval; bases: n_eff of customers + "
                   "non-customers; n_eff < {min} suppressed",
        "grid_title": "Growth grid – {wave}", "grid_y": "Customer score (C, 0–100)",
        "grid_x": "Non-customer score (BX non-customers, 0–100)",
        "peer": "Crosshairs: peer average of brands with n_eff ≥ {min} (N {n}, C {c})",
        "not_peer": "Hollow points: not in the peer average (n_eff < {min})",
        "hidden": "Not shown (n_eff < {min}): {brands}", "Leading": "Leading",
        "Plateauing": "Plateauing", "Churning": "Churning", "Lagging": "Lagging",
        "grid_bases": "Bases (n_eff customers / non-customers): {bases}",
        "cxbx_title": "CX and BX among customers – {wave}",
        "cxbx_x": "CX index (customers, 0–100)", "cxbx_y": "BX among customers (0–100)",
        "cxbx_total": "dashed lines: all brands (CX {cx}, BX {bx}); dotted line: CX = BX",
        "sep": "; ", "signed_unit": "–100 to 100", "score": "Score",
        "ip_bare": "Importance and performance",
        "whiskers": "Whiskers: {conf}% bootstrap intervals",
        "cxbx_bases": "Bases (n_eff customers): {bases}",
        "flag_styles": "Light points: caution (n_eff < {caution}); hollow: low base "
                       "(n_eff < {low})",
        "trend_title": "{label} by wave", "trend_x": "Wave",
        "trend_note": "Whiskers: {conf}% bootstrap intervals; labels: latest value (n_eff)",
        "trend_sig": "Circled: significant change from the previous wave ({conf}% level)",
        "hidden_cells": "Not shown (n_eff < {min}): {cells}",
        "dist_title": "Answers by item – {brand}, {population} – {wave}",
        "dist_x": "Share of answers (%)", "reversed": "(R)",
        "reversed_note": "(R) reversed item: answers recoded (k + 1 - x), so that the right "
                         "side is the favourable one", "dist_bases": "Base per item: n_eff {n}",
        "dist_note": "Weighted shares; disagreeing answers left of zero, agreeing right, "
                     "the neutral answer split at zero; missing codes (Don't know) left out",
        "ip_title": "Importance and performance – {outcome}, {population} – {wave}",
        "ip_x": "Importance (% of explained variance)", "ip_y": "Performance (score, 0–100)",
        "ip_note": "R² {r2}, n_eff={n}; {method}; whiskers: {conf}% intervals; "
                   "crosshairs: mean importance {mi}, mean performance {mp}",
        "ip_negative": "Hollow points: negative regression coefficient",
        "no_drivers": "no driver analysis", "no_drivers_for": "no driver analysis for {what}",
        "Concentrate here": "Concentrate here", "Keep up the good work": "Keep up the good work",
        "Low priority": "Low priority", "Possible overkill": "Possible overkill",
        "relative_weights": "Johnson's relative weights", "shapley": "Shapley / LMG",
        "rel_title": "Reliability of the constructs", "rel_x": "Cronbach's alpha (0–1)",
        "rel_note": "Points: alpha with its {conf}% interval; diamonds: omega total; "
                    "lines at 0.70 (acceptable) and 0.80 (good); n = complete cases",
        "omega": "Omega total", "no_reliability": "no reliability statistics",
        "ok": "ok", "questionable": "questionable", "poor": "poor",
        "redundant items": "redundant items",
        "customer": "customers", "non_customer": "non-customers", "all": "all",
        "all_brands": "All brands", "no_value": "Not shown (no value): {names}",
        "band:excellent": "excellent", "band:good": "good", "band:okay": "okay",
        "band:poor": "poor", "band:very poor": "very poor",
    },
    "fr": {
        "tx_title": "Score TX par marque – {wave}", "tx_x": "Score TX (0–100)",
        "total": "Toutes marques {value} (n_eff={n})", "suppressed": "n<{min} – masqué",
        "no_data": "pas de données", "caution": "Prudence (n_eff < {min})",
        "low base": "Base faible (n_eff < {min})",
        "tx_note": f"Barres d’erreur{_NB}: intervalle bootstrap à {{conf}}{_NB}%{_NB}; "
                   f"bases{_NB}: n_eff clients + non-clients{_NB}; n_eff < {{min}} masqué",
        "grid_title": "Grille de croissance – {wave}", "grid_y": "Score clients (C, 0–100)",
        "grid_x": "Score non-clients (BX non-clients, 0–100)",
        "peer": f"Repères{_NB}: moyenne des marques pairs avec n_eff ≥ {{min}} (N {{n}}, C {{c}})",
        "not_peer": f"Points creux{_NB}: hors moyenne des pairs (n_eff < {{min}})",
        "hidden": f"Non affichées (n_eff < {{min}}){_NB}: {{brands}}", "Leading": "Leader",
        "Plateauing": "En plateau", "Churning": "En perte de clients", "Lagging": "En retard",
        "grid_bases": f"Bases (n_eff clients / non-clients){_NB}: {{bases}}",
        "cxbx_title": "CX et BX auprès des clients – {wave}",
        "cxbx_x": "Indice CX (clients, 0–100)", "cxbx_y": "BX auprès des clients (0–100)",
        "sep": f"{_NB}; ", "signed_unit": "–100 à 100", "score": "Score",
        "ip_bare": "Importance et performance",
        "cxbx_total": f"tirets{_NB}: toutes marques (CX {{cx}}, BX {{bx}}){_NB}; "
                      f"pointillé{_NB}: CX = BX",
        "whiskers": f"Moustaches{_NB}: intervalles bootstrap à {{conf}}{_NB}%",
        "cxbx_bases": f"Bases (n_eff clients){_NB}: {{bases}}",
        "flag_styles": f"Points clairs{_NB}: prudence (n_eff < {{caution}}){_NB}; "
                       f"creux{_NB}: base faible (n_eff < {{low}})",
        "trend_title": "{label} par vague", "trend_x": "Vague",
        "trend_note": f"Moustaches{_NB}: intervalles bootstrap à {{conf}}{_NB}%{_NB}; "
                      f"étiquettes{_NB}: dernière valeur (n_eff)",
        "trend_sig": f"Cerclé{_NB}: évolution significative par rapport à la vague précédente "
                     f"(seuil {{conf}}{_NB}%)",
        "hidden_cells": f"Non affichés (n_eff < {{min}}){_NB}: {{cells}}",
        "dist_title": "Réponses par item – {brand}, {population} – {wave}",
        "dist_x": "Part des réponses (%)", "reversed": "(I)",
        "reversed_note": f"(I) item inversé{_NB}: réponses recodées (k + 1 - x), le côté droit "
                         "est le côté favorable",
        "dist_bases": f"Base par item{_NB}: n_eff {{n}}",
        "dist_note": f"Parts pondérées{_NB}; réponses en désaccord à gauche de zéro, en accord "
                     "à droite, la réponse neutre partagée en zéro ; codes manquants (ne sait "
                     "pas) exclus",
        "ip_title": "Importance et performance – {outcome}, {population} – {wave}",
        "ip_x": "Importance (% de la variance expliquée)",
        "ip_y": "Performance (score, 0–100)",
        "ip_note": f"R² {{r2}}, n_eff={{n}}{_NB}; {{method}}{_NB}; moustaches{_NB}: "
                   f"intervalles à {{conf}}{_NB}%{_NB}; repères{_NB}: importance moyenne "
                   "{mi}, performance moyenne {mp}",
        "ip_negative": f"Points creux{_NB}: coefficient de régression négatif",
        "no_drivers": "pas d’analyse des leviers",
        "no_drivers_for": "pas d’analyse des leviers pour {what}",
        "Concentrate here": "Priorité d’action", "Keep up the good work": "Atouts à maintenir",
        "Low priority": "Faible priorité", "Possible overkill": "Effort peut-être excessif",
        "relative_weights": "poids relatifs de Johnson", "shapley": "Shapley / LMG",
        "rel_title": "Fiabilité des construits", "rel_x": "Alpha de Cronbach (0–1)",
        "rel_note": f"Points{_NB}: alpha et son intervalle à {{conf}}{_NB}%{_NB}; "
                    f"losanges{_NB}: oméga total{_NB}; repères à 0,70 (acceptable) et 0,80 "
                    "(bon) ; n = cas complets",
        "omega": "Oméga total", "no_reliability": "pas de statistiques de fiabilité",
        "ok": "correct", "questionable": "discutable", "poor": "faible",
        "redundant items": "items redondants",
        "customer": "clients", "non_customer": "non-clients", "all": "tous",
        "all_brands": "Toutes marques", "no_value": f"Non affichés (pas de valeur){_NB}: {{names}}",
        "band:excellent": "excellent", "band:good": "bon", "band:okay": "correct",
        "band:poor": "faible", "band:very poor": "très faible",
    },
}
#: French names of the index measures (construct labels come from the spec, in its language)
MEASURE_LABELS_FR = {
    "tx": "Score TX", "customer_score": "Score clients (C)",
    "non_customer_score": "Score non-clients (N)", "cx": "Indice CX",
    "bx_customers": "BX clients", "bx_non_customers": "BX non-clients",
    "bx_gap": "Écart BX (clients – non-clients)", "cx_classic_net": "CX net classique",
    "loyalty": "Composite de fidélité"}
DEFAULT_BANDS = (("excellent", 80.0), ("good", 70.0), ("okay", 60.0), ("poor", 50.0),
                 ("very poor", float("-inf")))
#: measures whose range is -100..100 (differences and net scores)
SIGNED_MEASURES = ("bx_gap", "cx_classic_net")
# Quadrant names in the corners: x, y in axes fraction, then alignment.
_CORNERS = {"Leading": (0.98, 0.97, "right", "top"), "Plateauing": (0.02, 0.97, "left", "top"),
            "Churning": (0.98, 0.03, "right", "bottom"), "Lagging": (0.02, 0.03, "left", "bottom")}
_IP_CORNERS = {"Keep up the good work": (0.98, 0.97, "right", "top"),
               "Possible overkill": (0.02, 0.97, "left", "top"),
               "Concentrate here": (0.98, 0.03, "right", "bottom"),
               "Low priority": (0.02, 0.03, "left", "bottom")}
_STYLES = {"": (1.0, ""), "caution": (0.55, ""), "low base": (0.45, "////")}  # alpha, hatch
_MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
_POPULATIONS = ("customer", "non_customer", "all")


def _num(value: float, lang: str, decimals: int = 1) -> str:
    """61.6 / 61,6: the language's decimal mark."""
    return f"{value:.{decimals}f}".replace(".", "," if lang == "fr" else ".")


def _count(n: float, lang: str) -> str:
    """1,065 / 1 065 (narrow no-break space): a base size with thousands separators."""
    return f"{round(float(n)):,}".replace(",", "\u202f" if lang == "fr" else ",")


def _pct(share: float, lang: str) -> str:
    """0.423 -> 42% / 42 % (no-break space in French)."""
    return f"{round(100 * share)}{_NB if lang == 'fr' else ''}%"


def _tick_format(lang: str) -> FuncFormatter:
    """Tick labels with the language's decimal mark and no trailing zeros (0.75, 60)."""
    def fmt(v: float, _pos: int | None = None) -> str:
        decimals = next((d for d in (0, 1, 2) if abs(v - round(v, d)) < 1e-9), 3)
        return _num(v, lang, decimals)
    return FuncFormatter(fmt)


def _darker(colour: str, factor: float = 0.72) -> str:
    """A darker shade of a light palette colour, for text on white."""
    return to_hex(np.array(to_rgb(colour)) * factor)


def _blend(colour: str, amount: float) -> str:
    """``colour`` mixed with white: amount 1 is the colour itself, 0 is white."""
    return to_hex(1 - amount * (1 - np.array(to_rgb(colour))))


def _short(text: str, limit: int) -> str:
    """Text cut at ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _bands(ax: Any, result: Any, t: dict[str, str]) -> None:
    """The score bands (excellent >= 80 ...) as faint lines and names under the x ticks."""
    bands = getattr(getattr(result.study, "index", None), "bands", DEFAULT_BANDS)
    edges = sorted({0.0, 100.0, *(float(lo) for _, lo in bands if 0 < lo < 100)})
    for x in edges[1:-1]:
        ax.axvline(x, color="#d0d0d0", linewidth=0.8, linestyle=":", zorder=0)
    mids = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    names = [next((n for n, lo in bands if m >= lo), "") for m in mids]
    ax.set_xticks(mids, [t.get(f"band:{n}", n) for n in names], minor=True)
    ax.tick_params(axis="x", which="minor", length=0, pad=17, labelsize=8, labelcolor=GREY)


def _setup(result: Any, wave: str | None) -> tuple[str, str, dict[str, str], Any]:
    """Check the result can be charted; return the wave, language, texts and settings."""
    if tuple(getattr(result, "by", ())):
        raise TxscoreError(f"Charts show whole-sample brand scores, but this result is cut by "
                           f"{list(result.by)}. Fix: chart a result scored without `by`.")
    waves = list(result.study.waves)
    if wave is not None and wave not in waves:
        raise TxscoreError(f"Cannot chart wave {wave!r}: the study's waves are {waves}. "
                           "Fix: pass one of them, or wave=None for the latest.")
    lang = result.study.report.language if result.study.report.language in TEXT else "en"
    return wave or waves[-1], lang, TEXT[lang], result.study.report


def _axes(ax: Any, height: float = FIGSIZE[1]) -> tuple[Figure, Any, bool]:
    """The figure and axes to draw on, and whether the figure is ours."""
    if ax is not None:
        return ax.figure, ax, False
    fig = Figure(figsize=(FIGSIZE[0], height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(), True


def _decorate(ax: Any, lang: str, title: str, xlabel: str, ylabel: str, note: str,
              own: bool, *, xfmt: bool = True, yfmt: bool | None = None) -> None:
    """Title, axis labels, decimal marks and footnote (at the figure's left on own figures).

    ``xfmt`` / ``yfmt``: give the axis numeric tick labels with the language's decimal mark
    (default: x always, y when it has a label); off for categorical axes.
    """
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    note = "\n".join(textwrap.fill(line, NOTE_WIDTH, break_on_hyphens=False)
                     for line in note.split("\n"))
    if xfmt:
        ax.xaxis.set_major_formatter(_tick_format(lang))
    if bool(ylabel) if yfmt is None else yfmt:
        ax.yaxis.set_major_formatter(_tick_format(lang))
    if own:  # constrained layout keeps both clear of the axes and inside the figure
        ax.figure.suptitle(title, x=0.012, ha="left", fontsize=12, fontweight="bold")
        ax.figure.supxlabel(note, x=0.012, ha="left", fontsize=9, color=GREY, linespacing=1.4)
        return
    ax.set_title(title)
    ax.annotate(note, xy=(0, 0), xycoords=("axes fraction", ax.xaxis.label), xytext=(0, -6),
                textcoords="offset points", ha="left", va="top", fontsize=9, color=GREY,
                linespacing=1.4)


def _legend_above(ax: Any, handles: list, own: bool, *, ncols: int | None = None,
                  loc: str = "lower right") -> None:
    """A legend in a band above the plot, clear of the data; on a given axes the title is
    lifted over it."""
    ncols = ncols or len(handles)
    x = 1.0 if loc.endswith("right") else 0.0
    ax.legend(handles=handles, loc=loc, bbox_to_anchor=(x, 1.0), ncols=ncols,
              borderaxespad=0.2)
    if not own:
        rows = -(-len(handles) // ncols)
        ax.set_title(ax.get_title(loc="left"), pad=12 + 16 * rows)


def _message(ax: Any, text: str) -> None:
    """A grey message in the middle of an empty plot."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=GREY,
            fontsize=12, fontstyle="italic")


def _nice_limits(values: np.ndarray, *, pad_min: float = 6.0, lo: float = 0.0,
                 hi: float = 100.0, step: float = 5.0) -> tuple[float, float]:
    """Axis limits around the finite ``values`` with room for labels, on ``step`` ticks."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)] if np.isfinite(v).any() else np.array([lo, hi])
    pad = max(pad_min, 0.2 * (v.max() - v.min()))
    return (float(np.floor(max(lo, v.min() - pad) / step) * step),
            float(np.ceil(min(hi, v.max() + pad) / step) * step))


def _suppressed(flags: Any) -> np.ndarray:
    return np.asarray(pd.Series(flags, dtype=object).eq("suppressed"), bool)


def tx_by_brand(result: Any, *, wave: str | None = None, ax: Any = None) -> Figure:
    """Horizontal bars of the TX score by brand, best first, with their intervals.

    The "All brands" total is a labelled dashed line; each bar ends with its value and the
    brand label carries the effective base (n_eff of customers + non-customers). A
    suppressed brand keeps its row, with a grey "n<30 – suppressed" and no bar or number;
    caution brands get lighter bars and low-base brands hatched ones, with a legend entry.

    Parameters
    ----------
    result : Result
        A scored study (:func:`txscore.score`) without segment cuts (``by``).
    wave : str, optional
        One of ``result.study.waves``; default the latest.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; default a new 8 x 4.5 in figure.

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
    wave, lang, t, rep = _setup(result, wave)
    s = result.scores
    rows = s[(s["measure"] == "tx") & (s["wave"] == wave)]
    if rows.empty:
        raise TxscoreError(f"No TX scores for wave {wave!r}. Fix: TX needs both customer "
                           "and non-customer sources for the wave.")
    total = rows[rows["brand"] == TOTAL]
    brands = rows[rows["brand"] != TOTAL].assign(
        hidden_=lambda d: (d["flag"] == "suppressed") | d["value"].isna()).sort_values(
        ["hidden_", "value", "brand"], ascending=[True, False, True], na_position="last")
    k, ys, labels, seen = len(brands), range(len(brands) - 1, -1, -1), [], set()
    with matplotlib.rc_context(STYLE):
        fig, ax, own = _axes(ax, max(FIGSIZE[1], 1.8 + 0.3 * k))
        for y, row in zip(ys, brands.itertuples(index=False), strict=True):
            if row.hidden_:  # the row stays, without bar or number
                msg = t["suppressed"] if row.flag == "suppressed" else t["no_data"]
                ax.text(1, y, msg.format(min=f"{rep.suppress_below:g}"), va="center",
                        color=GREY, fontstyle="italic")
                labels.append(row.brand)
                continue
            alpha, hatch = _STYLES.get(row.flag, _STYLES[""])
            seen.add(row.flag)
            ax.barh(y, row.value, height=0.64, color=BLUE, alpha=alpha, hatch=hatch,
                    edgecolor=BLUE, linewidth=0.8).patches[0].set_gid(f"brand:{row.brand}")
            end = row.value
            if np.isfinite(row.ci_low) and np.isfinite(row.ci_high):
                ax.errorbar(row.value, y, xerr=[[row.value - row.ci_low],
                                                [row.ci_high - row.value]],
                            fmt="none", ecolor="#333333", elinewidth=1, capsize=3)
                end = max(end, row.ci_high)
            ax.annotate(_num(row.value, lang), (end, y), xytext=(4, 0), zorder=4,
                        textcoords="offset points", va="center",
                        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})
            labels.append(f"{row.brand} (n_eff={_count(row.n_eff, lang)})")
        ax.set_yticks(ys, labels)
        for tick, hidden in zip(ax.get_yticklabels(), brands["hidden_"], strict=True):
            tick.set_color(GREY if hidden else "#222222")
        ax.tick_params(axis="y", length=0)
        ax.set(xlim=(0, 100), ylim=(-0.6, k + 0.2))  # headroom for the total's label
        _bands(ax, result, t)
        if len(total) and total["flag"].iloc[0] != "suppressed" \
                and np.isfinite(tv := float(total["value"].iloc[0])):
            ax.axvline(tv, color=VERMILLION, linestyle="--", linewidth=1.5)
            side = 1 if tv <= 60 else -1  # the label goes on the side with room for it
            ax.annotate(t["total"].format(value=_num(tv, lang),
                                          n=_count(total["n_eff"].iloc[0], lang)),
                        (tv, k - 0.25), xytext=(5 * side, 0), textcoords="offset points",
                        ha="left" if side > 0 else "right", va="center", color=VERMILLION,
                        fontweight="bold")
        note = t["tx_note"].format(conf=f"{rep.confidence * 100:g}",
                                   min=f"{rep.suppress_below:g}")
        _decorate(ax, lang, t["tx_title"].format(wave=wave), t["tx_x"], "",
                  f"{result.study.name}\n{note}", own)
        handles = [Patch(facecolor=BLUE, alpha=_STYLES[f][0], hatch=_STYLES[f][1],
                         edgecolor=BLUE, label=t[f].format(min=f"{limit:g}"))
                   for f, limit in (("caution", rep.caution_below),
                                    ("low base", rep.low_base_below)) if f in seen]
        if handles:  # in a band above the plot, clear of bars and lines
            _legend_above(ax, handles, own)
    return fig


def _place_labels(ax: Any, pts: np.ndarray, names: list[str], lims: np.ndarray, *,
                  lines: tuple[float, float] = (np.nan, np.nan),
                  corners: tuple[tuple[str, tuple], ...] = (),
                  whiskers: np.ndarray | None = None) -> list[tuple]:
    """Per point, the first label offset (points) that overlaps nothing placed so far.

    Obstacles: the points, the crosshairs at ``lines`` (x, y), the corner texts
    ``(text, (fx, fy, ha, va))`` (11 pt bold) and the whiskers, ``(x_lo, x_hi, y_lo,
    y_hi)`` per point. Offsets are tried near first, then on two farther rings (drawn with
    a leader line). Text extents are estimated from the character count (0.6 em each):
    deterministic, and no renderer needed. Falls back to the least overlapping offset.
    Returns ``(dx, dy, ha, va)`` per point, in the order given.
    """
    size = np.array([ax.bbox.width, ax.bbox.height]) * 72 / ax.figure.dpi  # points
    span = lims[:, 1] - lims[:, 0]
    p = (pts - lims[:, 0]) / span * size
    taken = [(x - 5, y - 5, x + 5, y + 5) for x, y in p]  # the points
    for i, v in enumerate(lines):  # the crosshairs
        c = (v - lims[i, 0]) / span[i] * size[i]
        if np.isfinite(c):
            taken.append((c - 1, 0, c + 1, size[1]) if i == 0 else (0, c - 1, size[0], c + 1))
    for text, (fx, fy, ha, va) in corners:
        w = 7.5 * len(text)
        x0, y0 = fx * size[0] - w * (ha == "right"), fy * size[1] - 15 * (va == "top")
        taken.append((x0, y0, x0 + w, y0 + 15))
    if whiskers is not None:
        wk = (whiskers - lims[[0, 0, 1, 1], 0]) / span[[0, 0, 1, 1]] * size[[0, 0, 1, 1]]
        for (x, y), (x0, x1, y0, y1) in zip(p, wk, strict=True):
            if np.isfinite(x0 + x1):
                taken.append((x0, y - 1.5, x1, y + 1.5))
            if np.isfinite(y0 + y1):
                taken.append((x - 1.5, y0, x + 1.5, y1))
    ring = [(8, 0, "left", "center"), (-8, 0, "right", "center"), (0, 8, "center", "bottom"),
            (0, -8, "center", "top"), (6, 6, "left", "bottom"), (6, -6, "left", "top"),
            (-6, 6, "right", "bottom"), (-6, -6, "right", "top")]
    offsets = [(dx * r, dy * r, ha, va) for r in (1, 2.5, 4) for dx, dy, ha, va in ring]
    shift = {"left": 0, "bottom": 0, "center": 0.5, "right": 1, "top": 1}
    out: list[tuple] = [offsets[0]] * len(names)
    for i in sorted(range(len(names)), key=lambda j: (-p[j, 1], p[j, 0])):  # top to bottom
        (x, y), w, h = p[i], 6.0 * len(names[i]), 12.0
        best = (np.inf, offsets[0], None)
        for dx, dy, ha, va in offsets:
            x0, y0 = x + dx - w * shift[ha], y + dy - h * shift[va]
            box = (x0, y0, x0 + w, y0 + h)
            cost = sum(max(0, min(box[2], b[2]) - max(box[0], b[0]))
                       * max(0, min(box[3], b[3]) - max(box[1], b[1])) for b in taken)
            cost += w * h * (x0 < 0 or y0 < 0 or box[2] > size[0] or box[3] > size[1])
            if cost < best[0]:
                best = (cost, (dx, dy, ha, va), box)
            if cost == 0:
                break
        taken.append(best[2])
        out[i] = best[1]
    return out


def _label_points(ax: Any, pts: np.ndarray, names: list[str], lims: np.ndarray,
                  **obstacles: Any) -> None:
    """Draw the names next to their points (gid ``label:<name>``), leader lines when far."""
    leader = {"arrowstyle": "-", "color": GREY, "lw": 0.6, "shrinkA": 1, "shrinkB": 5}
    for name, xy, (dx, dy, ha, va) in zip(names, pts, _place_labels(
            ax, pts, names, lims, **obstacles), strict=True):
        ax.annotate(name, tuple(xy), xytext=(dx, dy), ha=ha, va=va, textcoords="offset points",
                    arrowprops=leader if abs(dx) + abs(dy) > 12 else None, gid=f"label:{name}")


def _corner_names(ax: Any, corners: dict[str, tuple], colours: dict[str, str],
                  t: dict[str, str]) -> tuple[tuple[str, tuple], ...]:
    """Quadrant names in the corners of the axes; returns them as label obstacles."""
    for q, (fx, fy, ha, va) in corners.items():
        ax.text(fx, fy, t[q], transform=ax.transAxes, ha=ha, va=va, fontsize=11,
                fontweight="bold", color=_darker(colours[q], 0.8), gid=f"quadrant:{q}")
    return tuple((t[q], pos) for q, pos in corners.items())


def _bases(result: Any, wave: str, measures: tuple[str, ...], brands: list[str],
           lang: str) -> str:
    """``"Adatum 468 / 420 · Contoso 502 / 431"``: n_eff per brand of each measure's cell."""
    s = result.scores
    rows = s[(s["wave"] == wave) & s["measure"].isin(measures) & s["brand"].isin(brands)]
    if rows.empty:
        return ""
    wide = rows.pivot_table(index="brand", columns="measure", values="n_eff", sort=False)
    wide = wide.reindex(index=brands, columns=list(measures))
    return " · ".join(f"{b} " + " / ".join(_count(v, lang) if np.isfinite(v) else "–"
                                           for v in wide.loc[b]) for b in brands)


def growth_grid(result: Any, *, wave: str | None = None, ax: Any = None) -> Figure:
    """Brands at (non-customer score N, customer score C) against the peer means.

    Dashed crosshairs mark the peer averages; the corners name the quadrants: Leading
    (both above), Plateauing (customers above, non-customers below), Churning
    (non-customers above, customers below), Lagging (both below). Brands outside the peer
    average are hollow; suppressed brands are left out and listed in the footnote, which
    also gives each brand's effective bases.

    Parameters
    ----------
    result : Result
        A scored study with customers and non-customers, without segment cuts.
    wave : str, optional
        One of ``result.study.waves``; default the latest.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; default a new 8 x 4.5 in figure (whose
        final layout the label nudges are measured on).

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
    wave, lang, t, rep = _setup(result, wave)
    g = result.grid
    rows = g[(g["wave"] == wave) & (g["brand"] != TOTAL)] if not g.empty else g
    if rows.empty:
        raise TxscoreError(f"No growth grid for wave {wave!r}. Fix: the grid needs both "
                           "customer and non-customer sources for the wave.")
    ok = ((rows["flag"] != "suppressed") & np.isfinite(rows["non_customer_score"])
          & np.isfinite(rows["customer_score"]))
    shown, hidden = rows[ok].sort_values("brand"), sorted(map(str, rows.loc[~ok, "brand"]))
    peer = (float(rows["peer_non_customer"].iloc[0]), float(rows["peer_customer"].iloc[0]))
    pts = shown[["non_customer_score", "customer_score"]].to_numpy(float).reshape(-1, 2)
    # room around the points for the corner names, on 5-point ticks
    lims = np.array([_nice_limits(np.append(pts[:, i], peer[i])) for i in range(2)])
    with matplotlib.rc_context(STYLE):
        fig, ax, own = _axes(ax)
        ax.set(xlim=lims[0], ylim=lims[1])
        for line, v in ((ax.axvline, peer[0]), (ax.axhline, peer[1])):
            if np.isfinite(v):
                line(v, color=GREY, linestyle="--", linewidth=1, zorder=1)
        for row in shown.itertuples(index=False):
            colour = QUADRANT_COLOURS.get(row.quadrant, GREY)
            ax.scatter([row.non_customer_score], [row.customer_score], s=64, zorder=3,
                       color=colour if row.in_peer_average else "white", edgecolors=colour,
                       linewidths=1.6, gid=f"brand:{row.brand}")
        corners = _corner_names(ax, _CORNERS, QUADRANT_COLOURS, t)
        lines = [result.study.name]
        if all(np.isfinite(peer)):
            lines.append(t["peer"].format(min=f"{rep.peer_min_base:g}", n=_num(peer[0], lang),
                                          c=_num(peer[1], lang)))
        if not shown["in_peer_average"].all():
            lines.append(t["not_peer"].format(min=f"{rep.peer_min_base:g}"))
        names = [str(b) for b in shown["brand"]]
        if bases := _bases(result, wave, ("customer_score", "non_customer_score"), names, lang):
            lines.append(t["grid_bases"].format(bases=bases))
        if hidden:
            lines.append(t["hidden"].format(min=f"{rep.suppress_below:g}",
                                            brands=", ".join(hidden)))
        _decorate(ax, lang, t["grid_title"].format(wave=wave), t["grid_x"], t["grid_y"],
                  "\n".join(lines), own)
        if own:  # the final axes size, so that the label nudges are measured right
            fig.get_layout_engine().execute(fig)
        _label_points(ax, pts, names, lims, lines=peer, corners=corners)
    return fig


def cx_vs_bx(result: Any, *, wave: str | None = None, ax: Any = None) -> Figure:
    """Brands at (CX, BX among customers) with both bootstrap intervals as whiskers.

    Both indices come from the same customers, so the chart shows whether a brand's
    perception among its customers runs ahead of (above the dotted CX = BX line) or behind
    their experience. Dashed lines mark the all-brands values. Caution brands are drawn
    light and low-base brands hollow; suppressed brands are left out and listed in the
    footnote, which also gives the bases (customers' n_eff).

    Parameters
    ----------
    result : Result
        A scored study with CX and BX (customers), without segment cuts.
    wave : str, optional
        One of ``result.study.waves``; default the latest.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; default a new 8 x 4.5 in figure.

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
    wave, lang, t, rep = _setup(result, wave)
    s = result.scores
    cols = ["brand", "value", "ci_low", "ci_high", "n_eff", "flag"]
    cx = s.loc[(s["measure"] == "cx") & (s["wave"] == wave), cols]
    bx = s.loc[(s["measure"] == "bx_customers") & (s["wave"] == wave), cols]
    if cx.empty or bx.empty:
        raise TxscoreError(f"No CX or no BX-customers scores for wave {wave!r}. Fix: both "
                           "need customer sources with the CX dimensions and BX pillars.")
    both = cx.merge(bx, on="brand", suffixes=("_cx", "_bx"))
    total = both[both["brand"] == TOTAL]
    b = both[both["brand"] != TOTAL]
    hide = (_suppressed(b["flag_cx"]) | _suppressed(b["flag_bx"])
            | ~np.isfinite(b["value_cx"].to_numpy(float))
            | ~np.isfinite(b["value_bx"].to_numpy(float)))
    shown, hidden = b[~hide].sort_values("brand"), sorted(map(str, b.loc[hide, "brand"]))
    pts = shown[["value_cx", "value_bx"]].to_numpy(float).reshape(-1, 2)
    whisk = shown[["ci_low_cx", "ci_high_cx", "ci_low_bx", "ci_high_bx"]].to_numpy(float)
    ref = (np.nan, np.nan)
    if len(total) and not _suppressed(total[["flag_cx", "flag_bx"]].to_numpy().ravel()).any():
        ref = (float(total["value_cx"].iloc[0]), float(total["value_bx"].iloc[0]))
    lims = np.array([_nice_limits(np.concatenate([pts[:, i], whisk[:, 2 * i:2 * i + 2].ravel(),
                                                  [ref[i]]]), pad_min=4) for i in range(2)])
    flags = shown["flag_cx"].where(shown["flag_cx"] != "", shown["flag_bx"]).to_numpy()
    with matplotlib.rc_context(STYLE):
        fig, ax, own = _axes(ax)
        ax.set(xlim=lims[0], ylim=lims[1])
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
        for (x, y), brand, flag in zip(pts, shown["brand"], flags, strict=True):
            alpha = _STYLES.get(flag, _STYLES[""])[0] if flag == "caution" else 1.0
            ax.scatter([x], [y], s=64, zorder=3, color="white" if flag == "low base" else BLUE,
                       edgecolors=BLUE, linewidths=1.6, alpha=alpha, gid=f"brand:{brand}")
        names = [str(b) for b in shown["brand"]]
        conf = f"{rep.confidence * 100:g}"
        lines = [result.study.name, t["whiskers"].format(conf=conf)]
        if all(np.isfinite(ref)):
            lines[-1] += t["sep"] + t["cxbx_total"].format(cx=_num(ref[0], lang),
                                                       bx=_num(ref[1], lang))
        if set(flags) & {"caution", "low base"}:
            lines.append(t["flag_styles"].format(caution=f"{rep.caution_below:g}",
                                                 low=f"{rep.low_base_below:g}"))
        if bases := _bases(result, wave, ("cx",), names, lang):
            lines.append(t["cxbx_bases"].format(bases=bases))
        if hidden:
            lines.append(t["hidden"].format(min=f"{rep.suppress_below:g}",
                                            brands=", ".join(hidden)))
        _decorate(ax, lang, t["cxbx_title"].format(wave=wave), t["cxbx_x"], t["cxbx_y"],
                  "\n".join(lines), own)
        if own:
            fig.get_layout_engine().execute(fig)
        _label_points(ax, pts, names, lims, lines=ref, whiskers=whisk)
    return fig


def _measure_label(rows: pd.DataFrame, measure: str, lang: str) -> str:
    """The measure's name in the report language."""
    if lang == "fr" and measure in MEASURE_LABELS_FR:
        return MEASURE_LABELS_FR[measure]
    return str(rows["label"].iloc[0]) if "label" in rows and len(rows) else measure


def _spread(y: np.ndarray, gap: float, lo: float, hi: float) -> np.ndarray:
    """Positions as close to ``y`` as possible, at least ``gap`` apart, within [lo, hi]."""
    order = np.argsort(y, kind="stable")
    out = np.asarray(y, float)[order].copy()
    for i in range(1, len(out)):  # push up, then pull back down from the top
        out[i] = max(out[i], out[i - 1] + gap)
    if len(out) and out[-1] > hi:
        out[-1] = hi
        for i in range(len(out) - 2, -1, -1):
            out[i] = min(out[i], out[i + 1] - gap)
    out = np.maximum(out, lo) if len(out) and out[0] < lo else out
    res = np.empty_like(out)
    res[order] = out
    return res


def trend(result: Any, measure: str = "tx", *, population: str | None = None,
          wave: str | None = None, brands: list[str] | None = None, ax: Any = None) -> Figure:
    """One line per brand through the waves, with intervals and significant changes.

    Points are dodged sideways so that the whiskers (bootstrap intervals) do not hide one
    another; a ring marks a point whose change from the previous wave is significant
    (``result.changes``, comparison ``"wave"``). Each line ends in a label with the brand,
    its latest value and base (n_eff), spread so that labels never overlap. The "All
    brands" total is the black dashed line. Suppressed cells have no point (the line breaks)
    and are listed in the footnote.

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
        The brands to draw (include "All brands" to keep the total); default all.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; default a new 8 x 4.5 in figure.

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
    wave, lang, t, rep = _setup(result, wave)
    waves = list(result.study.waves)
    waves = waves[: waves.index(wave) + 1]
    s = result.scores
    rows = s[s["measure"] == measure]
    if rows.empty:
        raise TxscoreError(f"No scores for measure {measure!r}. Fix: use one of "
                           f"{sorted(set(s['measure']))}.")
    pops = [p for p in _POPULATIONS if p in set(rows["population"])]
    population = population or ("customer" if "customer" in pops else pops[0])
    if population not in pops:
        raise TxscoreError(f"Measure {measure!r} has no {population!r} scores. Fix: use one "
                           f"of {pops}.")
    rows = rows[(rows["population"] == population) & rows["wave"].isin(waves)]
    if brands is not None:
        rows = rows[rows["brand"].isin(brands)]
    cell = rows.set_index(["brand", "wave"])
    names = list(dict.fromkeys(rows["brand"]))
    full = pd.MultiIndex.from_product([names, waves], names=["brand", "wave"])
    value = cell["value"].reindex(full).unstack().reindex(columns=waves)
    hide = cell["flag"].reindex(full).eq("suppressed").unstack().reindex(columns=waves)
    value = value.mask(hide)
    lo = cell["ci_low"].reindex(full).unstack().reindex(columns=waves).where(value.notna())
    hi = cell["ci_high"].reindex(full).unstack().reindex(columns=waves).where(value.notna())
    n_eff = cell["n_eff"].reindex(full).unstack().reindex(columns=waves)
    last = value.ffill(axis=1).iloc[:, -1]
    order = sorted(names, key=lambda b: (b == TOTAL, -np.nan_to_num(last[b], nan=-1e9), b))
    sig = set()
    ch = getattr(result, "changes", None)
    if ch is not None and len(ch):
        m = (ch["comparison"].isin(["wave", "wave_over_wave"]) & (ch["measure"] == measure)
             & (ch["population"] == population) & ch["significant"].astype(bool)
             & (ch["flag"] != "suppressed"))
        sig = set(zip(ch.loc[m, "brand"], ch.loc[m, "wave"], strict=True))
    label = _measure_label(rows if len(rows) else s[s["measure"] == measure], measure, lang)
    signed = measure in SIGNED_MEASURES
    unit = t["signed_unit"] if signed else "0–100"
    ylims = _nice_limits(np.concatenate([value.to_numpy(float).ravel(),
                                         lo.to_numpy(float).ravel(), hi.to_numpy(float).ravel()]),
                         pad_min=2, lo=-100 if signed else 0, hi=100, step=5)
    k, xs = len(order), np.arange(len(waves), dtype=float)
    dodge = (np.arange(k) - (k - 1) / 2) * min(0.03, 0.3 / max(k, 1))
    with matplotlib.rc_context(STYLE):
        fig, ax, own = _axes(ax)
        ax.set(xlim=(-0.5, len(waves) - 0.5), ylim=ylims)
        ax.set_xticks(xs, [str(w) for w in waves])
        ax.tick_params(axis="x", length=0)
        styles = {}
        for i, b in enumerate([b for b in order if b != TOTAL]):
            colour = OKABE_ITO[i % 6]  # yellow (the 7th) is unreadable as a line on white
            styles[b] = (colour, _MARKERS[i % 6], "-" if i < 6 else "--", 1.6)
        styles[TOTAL] = ("#222222", "o", "--", 2.0)
        ends, ringed = [], False
        for i, b in enumerate(order):
            colour, marker, ls, lw = styles[b]
            x, y = xs + dodge[i], value.loc[b].to_numpy(float)
            ax.plot(x, y, color=colour, marker=marker, linestyle=ls, linewidth=lw,
                    markersize=6, zorder=3, gid=f"brand:{b}")
            with np.errstate(invalid="ignore"):
                err = np.nan_to_num(np.abs(np.vstack([lo.loc[b], hi.loc[b]]) - y))
            ax.errorbar(x, y, yerr=err, fmt="none", ecolor=colour, elinewidth=1, alpha=0.7,
                        zorder=2)
            for j, w in enumerate(waves):
                if (b, w) in sig and np.isfinite(y[j]):
                    ringed = True
                    ax.plot([x[j]], [y[j]], marker="o", markersize=13, markerfacecolor="none",
                            markeredgecolor=colour, markeredgewidth=1.4, linestyle="none",
                            zorder=4, gid=f"change:{b}:{w}")
            seen = np.flatnonzero(np.isfinite(y))
            if len(seen):
                j = seen[-1]
                name = t["all_brands"] if b == TOTAL else b
                text = f"{name} {_num(y[j], lang)} (n_eff={_count(n_eff.loc[b].iloc[j], lang)}"
                ends.append((b, y[j], text + (f", {waves[j]})" if j < len(waves) - 1 else ")"),
                             colour))
        hidden = [f"{t['all_brands'] if b == TOTAL else b} ({w})" for b in order for w in waves
                  if hide.loc[b, w]]
        conf = f"{rep.confidence * 100:g}"
        lines = [result.study.name, t["trend_note"].format(conf=conf)]
        if ringed:
            lines.append(t["trend_sig"].format(conf=conf))
        if hidden:
            lines.append(t["hidden_cells"].format(min=f"{rep.suppress_below:g}",
                                                  cells=", ".join(hidden)))
        pop_txt = f" – {t[population]}" if len(pops) > 1 else ""
        ylabel = f"{label if len(label) <= 28 else t['score']} ({unit})"  # the title names it
        _decorate(ax, lang, t["trend_title"].format(label=label) + pop_txt, t["trend_x"],
                  ylabel, "\n".join(lines), own, xfmt=False, yfmt=True)
        if own:
            fig.get_layout_engine().execute(fig)
        height = ax.bbox.height * 72 / fig.dpi  # points
        to_pt = height / (ylims[1] - ylims[0])
        ys = _spread(np.array([(e[1] - ylims[0]) * to_pt for e in ends]), 12.0, 0, height)
        for (b, _, text, colour), y in zip(ends, ys, strict=True):
            ax.annotate(text, xy=(1, ylims[0] + y / to_pt), xycoords=("axes fraction", "data"),
                        xytext=(6, 0), textcoords="offset points", va="center", ha="left",
                        color=_darker(colour, 0.8) if colour in (ORANGE, SKY) else colour,
                        annotation_clip=False, gid=f"label:{b}")
    return fig


def _diverging_colour(rel: float) -> str:
    """Vermillion (disagree) to grey (neutral) to blue (agree), stronger at the ends."""
    if abs(rel) < 1e-9:
        return "#C8C8C8"
    return _blend(VERMILLION if rel < 0 else BLUE, 0.35 + 0.65 * min(1.0, abs(rel)))


def item_distribution(result: Any, *, wave: str | None = None, brand: str = TOTAL,
                      population: str = "customer", items: list[str] | None = None,
                      ax: Any = None) -> Figure:
    """Diverging stacked bars of the answer shares of each item.

    One bar per item (spec order): the answers below the scale's midpoint extend left of
    zero, those above it right, and the neutral answer (odd scales) is split across zero,
    so that the bars line up on the balance of opinion. The ends carry the total share of
    negative and of positive answers; the right margin gives each item's base (n_eff).
    Shares are weighted and leave missing codes (Don't know) out. A suppressed item keeps
    its row with "n<30 – suppressed" and no bar or number.

    Parameters
    ----------
    result : Result
        A scored study without segment cuts.
    wave : str, optional
        One of ``result.study.waves``; default the latest.
    brand : str, default "All brands"
        A brand, or the total.
    population : {"customer", "non_customer"}, default "customer"
    items : list of str, optional
        Item columns to show, in this order; default every item of the population.
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
    >>> fig = item_distribution(result, population="non_customer", items=["sal_1", "fit_1"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['[Brand] comes to mind first in its category', '[Brand] meets the needs of people like me']
    """
    wave, lang, t, rep = _setup(result, wave)
    study = result.study
    dist = result.distributions
    d = dist[(dist["population"] == population) & (dist["wave"] == wave)
             & (dist["brand"] == brand)]
    if d.empty:
        have = sorted(map(str, set(dist.loc[dist["wave"] == wave, "brand"])))
        raise TxscoreError(f"No answers of population {population!r} for brand {brand!r} in "
                           f"wave {wave!r}. Fix: population 'customer' or 'non_customer', "
                           f"brand one of {have}.")
    present = list(dict.fromkeys(d["item"]))
    order = [c for c in study.items if c in present] if items is None else list(items)
    unknown = [c for c in order if c not in present or c not in study.items]
    if unknown:
        raise TxscoreError(f"No answers for items {unknown} in this cell. Fix: use items of "
                           f"the population: {present}.")
    scales = [study.scales[study.items[c].scale] for c in order]
    mins = {c: sc.min for c, sc in zip(order, scales, strict=True)}
    k = np.array([sc.max - sc.min + 1 for sc in scales])
    width = int(k.max())
    d = d[d["item"].isin(order)].assign(pos=lambda f: f["code"] - f["item"].map(mins))
    share = (d.set_index(["item", "pos"])["share"].unstack()
             .reindex(index=order, columns=range(width)).to_numpy(float))
    it = result.items
    base = it[(it["population"] == population) & (it["wave"] == wave)
              & (it["brand"] == brand)].set_index("item").reindex(order)
    hidden = _suppressed(base["flag"]) | np.isnan(share).all(axis=1)
    s0 = np.where(hidden[:, None], 0.0, np.nan_to_num(share))
    pos, mid = np.arange(width)[None, :], (k[:, None] - 1) / 2
    neg, neutral, posv = pos < mid, pos == mid, (pos > mid) & (pos < k[:, None])
    start = -(s0 * neg).sum(1) - 0.5 * (s0 * neutral).sum(1)
    left = start[:, None] + np.cumsum(s0, axis=1) - s0
    colours = np.array([[_diverging_colour((j - m) / max(m, 0.5)) for j in range(width)]
                        for m in mid[:, 0]])
    rows = len(order)
    ys = np.arange(rows - 1, -1, -1, dtype=float)
    ext = np.max(np.abs(np.concatenate([start, start + s0.sum(1)])), initial=0.5) * 100
    lim = min(110.0, np.ceil((ext + 14) / 10) * 10)
    labels = []
    for c in order:  # reversed items were recoded at ingest: their right side is favourable
        text = study.items[c].text or c
        text = text.replace("[Brand]", brand) if brand != TOTAL else text
        tail = f" {t['reversed']}" if study.items[c].reversed else ""
        labels.append(_short(text, 44 - len(tail)) + tail)
    vis = (~hidden)[:, None] & (s0 > 0)
    x0, x1 = 100 * left[vis], 100 * (left + s0)[vis]
    y0, y1 = np.broadcast_to(ys[:, None], s0.shape)[vis] + np.array([[-0.34], [0.34]])
    boxes = np.stack([np.column_stack(c) for c in ((x0, y0), (x0, y1), (x1, y1), (x1, y0))],
                     axis=1)
    with matplotlib.rc_context(STYLE):
        fig, ax, own = _axes(ax, max(FIGSIZE[1], 2.6 + 0.3 * rows))
        # every segment of every bar in one collection: 10x faster than barh per answer
        ax.add_collection(PolyCollection(boxes, facecolors=colours[vis], edgecolors="white",
                                         linewidths=0.5, gid="answers"))
        ax.axvline(0, color="#444444", linewidth=0.8, zorder=3)
        n_eff = base["n_eff"].to_numpy(float)
        for i in range(rows):
            y = ys[i]
            if hidden[i]:
                ax.text(0, y, t["suppressed"].format(min=f"{rep.suppress_below:g}"),
                        ha="center", va="center", color=GREY, fontstyle="italic", zorder=4,
                        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})
                continue
            ax.annotate(_pct((s0[i] * neg[i]).sum(), lang), (100 * start[i], y),
                        xytext=(-3, 0), textcoords="offset points", ha="right", va="center",
                        fontsize=9, gid=f"share:{order[i]}:negative", in_layout=False)
            ax.annotate(_pct((s0[i] * posv[i]).sum(), lang), (100 * (start[i] + s0[i].sum()), y),
                        xytext=(3, 0), textcoords="offset points", ha="left", va="center",
                        fontsize=9, gid=f"share:{order[i]}:positive", in_layout=False)
        ax.set_yticks(ys, labels, fontsize=9)
        for tick, h in zip(ax.get_yticklabels(), hidden, strict=True):
            tick.set_color(GREY if h else "#222222")
        ax.tick_params(axis="y", length=0)
        ax.set(xlim=(-lim, lim), ylim=(-0.6, rows - 0.4))
        ax.set_xticks(np.arange(-np.floor(lim / 20) * 20, lim + 1, 20))
        handles = []
        for kk in sorted(set(k.tolist())):  # one legend run per scale length
            group = [sc for sc, n in zip(scales, k, strict=True) if n == kk]
            labelled = [j for j in range(kk) if any(sc.min + j in sc.labels for sc in group)]
            for j in labelled:  # scales of one length share a colour: their labels stack
                names = list(dict.fromkeys(sc.labels.get(sc.min + j, str(sc.min + j))
                                           for sc in group))
                if len(labelled) < kk:  # labelled ends only (0-10): say which code
                    names = [f"{group[0].min + j} = {n}" for n in names]
                m = (kk - 1) / 2
                handles.append(Patch(facecolor=_diverging_colour((j - m) / max(m, 0.5)),
                                     edgecolor="white", label="\n".join(names)))
        lines = [result.study.name, t["dist_note"]]
        if any(study.items[c].reversed for c in order):
            lines.append(t["reversed_note"])
        if (~hidden).any():  # items of one population have nearly the same base
            lo_n, hi_n = np.nanmin(n_eff[~hidden]), np.nanmax(n_eff[~hidden])
            lines.append(t["dist_bases"].format(n=_count(lo_n, lang) if round(lo_n) == round(
                hi_n) else f"{_count(lo_n, lang)}–{_count(hi_n, lang)}"))
        what = t["all_brands"] if brand == TOTAL else brand
        _decorate(ax, lang, t["dist_title"].format(brand=what, population=t[population],
                                                   wave=wave), t["dist_x"], "",
                  "\n".join(lines), own)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{abs(v):g}"))
        longest = max(len(line) for h in handles for line in h.get_label().split("\n"))
        ncols = int(max(1, min(np.ceil(k.max() / 2), (FIGSIZE[0] * 72 - 20)
                               // (5.6 * longest + 34))))
        # right-aligned above the bars: a wide legend reaches over the item labels' margin
        _legend_above(ax, handles, own, ncols=ncols)
    return fig


ANALYSES = ("cx_loyalty", "bx_preference_customer", "bx_preference_non_customer",
            "items_loyalty")


def _driver_rows(result: Any, analysis: str, population: str | None,
                 wave: str | None) -> tuple[pd.DataFrame, str | None, str | None]:
    """The drivers of one analysis x population x wave (may be empty), and the choices made."""
    drv = getattr(result, "drivers", None)
    if drv is None or len(drv) == 0:
        return pd.DataFrame(), population, wave
    known = set(drv["analysis"]) | set(ANALYSES)
    if analysis not in known:
        raise TxscoreError(f"Unknown driver analysis {analysis!r}. Fix: use one of "
                           f"{sorted(known)}.")
    rows = drv[drv["analysis"] == analysis]
    if population is None and len(rows):
        population = str(rows["population"].iloc[0])
    rows = rows[rows["population"] == population]
    if wave is None and len(rows):
        have = set(rows["wave"])
        in_study = [w for w in result.study.waves if w in have]
        wave = in_study[-1] if in_study else str(rows["wave"].iloc[-1])
    return rows[rows["wave"] == wave], population, wave


def importance_performance(result: Any, *, analysis: str = "cx_loyalty",
                           population: str | None = None, wave: str | None = None,
                           ax: Any = None) -> Figure:
    """Key drivers at (importance, performance), with the four priority quadrants.

    Importance is the driver's share of the explained variance (``result.drivers``,
    rescaled to sum to 100), performance its score100 among the analysed respondents; both
    carry their intervals as whiskers when given. Crosshairs at the mean importance and the
    mean performance split the plot into "Concentrate here" (important, performing below
    the mean), "Keep up the good work" (important, above), "Low priority" (less important,
    below) and "Possible overkill" (less important, above). Drivers with a negative
    regression coefficient are hollow. A result without driver analysis gets an empty
    chart saying so; an analysis whose base is suppressed shows no point.

    Parameters
    ----------
    result : Result
        A scored study; its ``drivers`` table has one row per analysis x population x
        wave x driver.
    analysis : str, default "cx_loyalty"
        "cx_loyalty", "bx_preference_customer", "bx_preference_non_customer" or
        "items_loyalty".
    population : str, optional
        Default: the analysis' population.
    wave : str, optional
        Default: the latest wave the analysis has.
    ax : matplotlib Axes, optional
        Draw into this axes and return its figure; default a new 8 x 4.5 in figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
    >>> result = tx.score(tx.load(study))
    >>> importance_performance(result).axes[0].get_xlabel()
    'Importance (% of explained variance)'
    """
    _, lang, t, rep = _setup(result, None)
    rows, population, wave = _driver_rows(result, analysis, population, wave)
    imp = rows["importance"].to_numpy(float) if len(rows) else np.array([])
    perf = rows["performance"].to_numpy(float) if len(rows) else np.array([])
    n_eff = float(rows["n_eff"].max()) if len(rows) else np.nan
    suppressed = bool(len(rows)) and not n_eff >= rep.suppress_below
    ok = np.isfinite(imp) & np.isfinite(perf) & (not suppressed)
    shown = rows[ok] if len(rows) else rows
    pts = np.column_stack([imp[ok], perf[ok]]) if ok.any() else np.empty((0, 2))
    cols = ["ci_low", "ci_high", "performance_ci_low", "performance_ci_high"]
    whisk = (shown.reindex(columns=cols).to_numpy(float) if len(shown)
             else np.empty((0, 4)))
    means = (float(pts[:, 0].mean()), float(pts[:, 1].mean())) if len(pts) else (np.nan,) * 2
    xmax = np.nanmax(np.concatenate([pts[:, 0], whisk[:, 1], [10.0]]))
    lims = np.array([(0.0, float(np.ceil(xmax * 1.12 / 5) * 5)),
                     _nice_limits(np.concatenate([pts[:, 1], whisk[:, 2:].ravel()]))])
    outcome = str(rows["outcome"].iloc[0]) if len(rows) else analysis
    pop_txt = t.get(str(population), str(population))
    title = t["ip_title"].format(outcome=outcome, population=pop_txt, wave=wave)
    with matplotlib.rc_context(STYLE):
        fig, ax, own = _axes(ax)
        ax.set(xlim=lims[0], ylim=lims[1])
        lines = [result.study.name]
        if not len(rows):
            what = ", ".join(str(v) for v in (analysis, population, wave) if v is not None)
            _message(ax, t["no_drivers"] if getattr(result, "drivers", None) is None
                     or not len(result.drivers) else t["no_drivers_for"].format(what=what))
            title = t["ip_bare"]
            ax.set(xlim=(0, 100), ylim=(0, 100))
        elif suppressed:
            _message(ax, t["suppressed"].format(min=f"{rep.suppress_below:g}"))
        else:
            for line, v in ((ax.axvline, means[0]), (ax.axhline, means[1])):
                line(v, color=GREY, linestyle="--", linewidth=1, zorder=1)
            with np.errstate(invalid="ignore"):
                err = np.nan_to_num(np.abs(whisk - np.repeat(pts, 2, axis=1)))
            ax.errorbar(pts[:, 0], pts[:, 1], xerr=err[:, :2].T, yerr=err[:, 2:].T,
                        fmt="none", ecolor="#8a8a8a", elinewidth=0.9, zorder=2)
            high_imp, high_perf = pts[:, 0] >= means[0], pts[:, 1] >= means[1]
            quad = np.where(high_imp, np.where(high_perf, "Keep up the good work",
                                               "Concentrate here"),
                            np.where(high_perf, "Possible overkill", "Low priority"))
            sign = shown["sign"].to_numpy(float) if "sign" in shown else np.ones(len(pts))
            for (x, y), q, sg, d in zip(pts, quad, sign, shown["driver"], strict=True):
                colour = IP_COLOURS[q]
                ax.scatter([x], [y], s=64, zorder=3, color="white" if sg < 0 else colour,
                           edgecolors=colour, linewidths=1.6, gid=f"driver:{d}")
            method = str(shown["method"].iloc[0]) if "method" in shown else ""
            lines.append(t["ip_note"].format(
                r2=_num(float(shown["r2"].iloc[0]), lang, 2), n=_count(n_eff, lang),
                method=t.get(method, method), conf=f"{rep.confidence * 100:g}",
                mi=_num(means[0], lang), mp=_num(means[1], lang)))
            if (sign < 0).any():
                lines.append(t["ip_negative"])
            gone = rows.loc[~ok, "label"] if "label" in rows else rows.loc[~ok, "driver"]
            if len(gone):
                lines.append(t["no_value"].format(names=", ".join(map(str, gone))))
        warn = rows["warning"].dropna().astype(str) if "warning" in rows else pd.Series(dtype=str)
        if not suppressed:  # a warning may quote the base
            lines += [_short(w, 150) for w in dict.fromkeys(warn[warn.str.strip() != ""])]
        corners = _corner_names(ax, _IP_CORNERS, IP_COLOURS, t) if len(pts) else ()
        _decorate(ax, lang, title, t["ip_x"], t["ip_y"], "\n".join(lines), own)
        if own:
            fig.get_layout_engine().execute(fig)
        if len(pts):
            names = [_short(v, 30) for v in shown.get("label", shown["driver"])]
            _label_points(ax, pts, names, lims, lines=means, corners=corners, whiskers=whisk)
    return fig


def reliability_overview(result: Any, *, ax: Any = None) -> Figure:
    """Cronbach's alpha with its interval per construct and population, omega alongside.

    One row per construct x population (``result.reliability``): alpha as a point coloured
    by its verdict (ok, questionable, poor, redundant items) with its interval, omega total
    as a hollow diamond, reference lines at 0.70 and 0.80. The right margin gives the
    numbers, the row label the construct, population and complete cases; the footnote
    repeats item flags and dimensionality notes from the verdicts. A construct with fewer
    complete cases than ``suppress_below`` shows no number.

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
    _, lang, t, rep = _setup(result, None)
    rel = getattr(result, "reliability", None)
    rel = rel if rel is not None else pd.DataFrame()
    if len(rel):
        first = {c: i for i, c in enumerate(dict.fromkeys(rel["construct"]))}
        rel = rel.assign(o1_=rel["construct"].map(first), o2_=rel["population"].map(
            {p: i for i, p in enumerate(_POPULATIONS)}).fillna(9)).sort_values(
            ["o1_", "o2_"], kind="stable")
    rows = len(rel)
    ys = np.arange(rows - 1, -1, -1, dtype=float)
    alpha = rel["alpha"].to_numpy(float) if rows else np.array([])
    hidden = (~(rel["n_complete"].to_numpy(float) >= rep.suppress_below) | ~np.isfinite(alpha)
              if rows else np.array([], bool))
    verdict = (rel["verdict"].fillna("").astype(str).str.split(";").str[0].str.strip()
               .to_numpy() if rows else np.array([]))
    lo, hi, omega = (rel[c].to_numpy(float) if rows else np.array([])
                     for c in ("ci_low", "ci_high", "omega_total"))
    vis = ~hidden
    floor = np.nanmin(np.concatenate([alpha[vis], lo[vis], omega[vis], [0.6]]))
    xlo = float(np.floor((floor - 0.05) * 10) / 10)
    with matplotlib.rc_context(STYLE):
        fig, ax, own = _axes(ax, max(FIGSIZE[1], 1.9 + 0.3 * rows))
        ax.set(xlim=(xlo, 1.0), ylim=(-0.6, max(rows, 1) - 0.4))
        if not rows:
            _message(ax, t["no_reliability"])
        for ref, ls in ((0.7, "--"), (0.8, ":")):
            ax.axvline(ref, color=GREY, linestyle=ls, linewidth=1, zorder=1)
        handles = []
        for v in dict.fromkeys(verdict[vis]):  # one colour per verdict
            m = vis & (verdict == v)
            colour = VERDICT_COLOURS.get(v, GREY)
            with np.errstate(invalid="ignore"):
                err = np.nan_to_num(np.abs(np.vstack([lo[m], hi[m]]) - alpha[m]))
            ax.errorbar(alpha[m], ys[m], xerr=err, fmt="o", color=colour, markersize=7,
                        elinewidth=1.4, capsize=3, zorder=3)
            handles.append(Line2D([], [], color=colour, marker="o", markersize=7,
                                  linewidth=1.4, label=t.get(v, v)))
        om = vis & np.isfinite(omega)
        ax.scatter(omega[om], ys[om] - 0.25, marker="D", s=24, facecolors="white",
                   edgecolors="#222222", linewidths=1.2, zorder=4, gid="omega")
        if om.any():
            handles.append(Line2D([], [], color="#222222", marker="D", markersize=5,
                                  markerfacecolor="white", linestyle="none", label=t["omega"]))
        labels = []
        for i, r in enumerate(rel.itertuples(index=False)):
            pop = t.get(str(r.population), str(r.population))
            if hidden[i]:
                labels.append(f"{r.label} – {pop}")
                msg = (t["suppressed"].format(min=f"{rep.suppress_below:g}")
                       if not r.n_complete >= rep.suppress_below else verdict[i])
                ax.text(xlo + 0.01, ys[i], msg, va="center", color=GREY, fontstyle="italic")
                continue
            labels.append(f"{r.label} – {pop} (n={_count(r.n_complete, lang)})")
            nums = f"α {_num(alpha[i], lang, 2)}"
            if np.isfinite(lo[i]) and np.isfinite(hi[i]):
                nums += f" [{_num(lo[i], lang, 2)}–{_num(hi[i], lang, 2)}]"
            if np.isfinite(omega[i]):
                nums += f"  ω {_num(omega[i], lang, 2)}"
            ax.annotate(nums, (1, ys[i]), xycoords=("axes fraction", "data"), xytext=(8, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=9,
                        annotation_clip=False)
        ax.set_yticks(ys, labels)
        for tick, h in zip(ax.get_yticklabels(), hidden, strict=True):
            tick.set_color(GREY if h else "#222222")
        ax.tick_params(axis="y", length=0)
        lines = [result.study.name, t["rel_note"].format(conf=f"{rep.confidence * 100:g}")]
        notes: dict[str, list[str]] = {}
        for r, v in zip(rel.itertuples(index=False), rel["verdict"].fillna("").astype(str)
                        if rows else [], strict=True):
            note = re.sub(r" \([+-]\d*\.\d+\)", "", ";".join(v.split(";")[1:])).strip()
            if note:  # the same flags in several populations are said once
                notes.setdefault(f"{r.label}: {note}", []).append(
                    t.get(str(r.population), str(r.population)))
        lines += [_short(f"{k} ({', '.join(v)})", 140) for k, v in list(notes.items())[:4]]
        _decorate(ax, lang, t["rel_title"], t["rel_x"], "", "\n".join(lines), own)
        if handles:
            _legend_above(ax, handles, own)
    return fig


def _save_png(fig: Figure, path: Path, dpi: int) -> None:
    """Draw ``fig`` and write it atomically: a temporary file in the same folder, then
    ``os.replace``. The one place a chart becomes a file (timing hook of the benchmarks)."""
    with matplotlib.rc_context(STYLE):
        # one layout and one draw (savefig draws twice), no Software tag nor time: same
        # chart, same bytes (render.figure_png)
        data = figure_png(fig, dpi)
    atomic_write(path, data, fsync=False)


#: trend charts written by save_charts (when the study has two waves or more)
TREND_MEASURES = ("tx", "cx", "bx_customers", "bx_non_customers")
#: rough drawing cost of a chart relative to the others (text-heavy charts cost more):
#: worker processes take the costly ones first, so that they finish together
_COST = {"item_distribution": 2.0, "reliability_overview": 1.5, "tx_by_brand": 1.3}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"


def save_charts(result: Any, folder: Path, *, dpi: int = 200,
                charts: Iterable[str] | None = None, workers: int | None = 1
                ) -> dict[str, Path]:
    """Write every chart of the result as PNG files; return ``{key: path}``.

    Per wave (``<wave>`` is the wave's slug, e.g. ``2026-q2``): ``tx_by_brand_<wave>``,
    ``growth_grid_<wave>``, ``cx_vs_bx_<wave>``, ``item_distribution_<population>_<wave>``
    (all brands), ``importance_performance_<analysis>_<wave>`` (per driver analysis in
    ``result.drivers``); with two waves or more ``trend_<measure>`` for TX, CX and both
    BX; and ``reliability``. Charts the result cannot have (no TX, no non-customers, no
    drivers) are skipped. Files are written atomically and the same result gives the same
    bytes, whichever process draws them. Each chart costs 0.1-0.3 s at 200 dpi:
    ``charts`` writes a subset, ``workers`` draws them on several CPUs.

    Parameters
    ----------
    result : Result
        A scored study without segment cuts.
    folder : Path
        Output folder, created if missing.
    dpi : int, default 200
        Resolution; 200 dpi gives 1600 x 900 px slides.
    charts : iterable of str, optional
        Only these charts (function names, e.g. ``{"tx_by_brand", "growth_grid"}``);
        default all.
    workers : int or None, default 1
        Processes drawing the charts: 1 draws them here, one after the other; 2 or more
        start that many worker processes (``fork``: Linux; elsewhere, or from a process
        running threads, the charts are drawn here); None, one per available CPU.

    Returns
    -------
    dict of str to Path
        Chart key (the file stem) to the file written. A result cut by segments (``by``)
        gets no charts and a :class:`~txscore.errors.TxscoreWarning`.

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
    >>> result = tx.score(tx.load(study))
    >>> paths = save_charts(result, Path(tempfile.mkdtemp()), charts={"tx_by_brand", "trend"})
    >>> sorted(paths)[:3]
    ['trend_bx_customers', 'trend_bx_non_customers', 'trend_cx']
    """
    paths, run = chart_run(result, folder, dpi=dpi, charts=charts, workers=workers,
                           stacklevel=3)
    with run:
        pass  # run.finish(): wait for the workers, or draw every chart here
    return paths


def chart_run(result: Any, folder: Path, *, dpi: int = 200,
              charts: Iterable[str] | None = None, workers: int | None = None,
              stacklevel: int = 2) -> tuple[dict[str, Path], TaskRun]:
    """The charts :func:`save_charts` writes, as a run to start: the caller works meanwhile.

    ``with run: ...`` starts the worker processes; the files exist once ``run.finish()``
    has returned (called on leaving the block), which also re-raises a chart's error. Used
    by :func:`txscore.reporting.report` to build the workbook while the charts are drawn.

    Parameters
    ----------
    result, folder, dpi, charts, workers
        As in :func:`save_charts`, but ``workers`` defaults to one per available CPU.
    stacklevel : int, default 2
        Of the warning for a segmented result (2: the line calling ``chart_run``).

    Returns
    -------
    paths : dict of str to Path
        Chart key to the file it will be written to.
    run : txscore.reporting.render.TaskRun
        One task per chart; not started.

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=100)
    >>> result = tx.score(tx.load(study))
    >>> paths, run = chart_run(result, Path(tempfile.mkdtemp()), charts={"trend"})
    >>> with run:
    ...     pass  # e.g. build the workbook
    >>> all(p.is_file() for p in paths.values())
    True
    """
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise TxscoreError(f"The 'workers' setting of save_charts must be a whole number of "
                           f"at least 1, or None. Got {workers!r}. Fix: workers=1 (draw "
                           "here), 2 or more, or None (one per CPU).")
    if tuple(getattr(result, "by", ())):  # so that a segmented report still gets its workbook
        warnings.warn(f"No charts: they show whole-sample brand scores and this result is cut "
                      f"by {list(result.by)}. Score without `by` to get them.", TxscoreWarning,
                      stacklevel=stacklevel)
        return {}, TaskRun([], workers=0)
    wanted = None if charts is None else set(charts)
    unknown = (wanted or set()) - set(CHARTS)
    if unknown:
        raise TxscoreError(f"Unknown chart(s) {sorted(unknown)}. Fix: use names from "
                           f"{list(CHARTS)}.")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [job for job in _chart_jobs(result) if wanted is None or job[1].__name__ in wanted]
    paths = {key: folder / f"{key}.png" for key, _, _ in jobs}
    n = available_cpus() if workers is None else workers
    if n > 1:  # longest first: the workers then finish at about the same time
        jobs.sort(key=lambda job: -_COST.get(job[1].__name__, 1.0))

    def task(key: str, draw: Any, kwargs: dict[str, Any]) -> None:
        _save_png(draw(result, **kwargs), paths[key], dpi)  # looked up now: hookable

    def remove_temporary() -> None:  # left by a worker stopped mid-write
        for key in paths:
            for tmp in folder.glob(f".{glob.escape(key)}.*.tmp"):
                tmp.unlink(missing_ok=True)

    tasks = [(f"chart {key}", functools.partial(task, key, draw, kwargs))
             for key, draw, kwargs in jobs]
    return paths, TaskRun(tasks, workers=n, cleanup=remove_temporary)


def _chart_jobs(result: Any) -> list[tuple[str, Any, dict[str, Any]]]:
    """Every chart the result can have: (file stem, chart function, its arguments)."""
    s, g = result.scores, result.grid
    empty = pd.DataFrame(columns=["population", "wave", "analysis"])
    dist = getattr(result, "distributions", None)
    dist = empty if dist is None else dist
    drv = getattr(result, "drivers", None)
    drv = empty if drv is None or not len(drv) else drv
    jobs: list[tuple[str, Any, dict[str, Any]]] = []
    slugs: dict[str, str] = {}
    for i, wave in enumerate(result.study.waves):
        slug = _slug(wave)
        slugs[wave] = f"{slug}-{i + 1}" if slug in slugs.values() else slug  # two waves, one slug
        slug = slugs[wave]
        measures = set(s.loc[s["wave"] == wave, "measure"])
        if "tx" in measures:
            jobs.append((f"tx_by_brand_{slug}", tx_by_brand, {"wave": wave}))
        if not g.empty and (g["wave"] == wave).any():
            jobs.append((f"growth_grid_{slug}", growth_grid, {"wave": wave}))
        if {"cx", "bx_customers"} <= measures:
            jobs.append((f"cx_vs_bx_{slug}", cx_vs_bx, {"wave": wave}))
        for pop in ("customer", "non_customer"):
            if ((dist["wave"] == wave) & (dist["population"] == pop)).any():
                jobs.append((f"item_distribution_{pop}_{slug}", item_distribution,
                             {"wave": wave, "population": pop}))
    for analysis, pop, wave in drv[["analysis", "population", "wave"]].drop_duplicates(
            ).itertuples(index=False):
        pops = drv.loc[drv["analysis"] == analysis, "population"].nunique()
        key = "_".join([f"importance_performance_{analysis}", *([_slug(pop)] if pops > 1
                                                                  else []),
                        slugs.get(wave, _slug(wave))])
        jobs.append((key, importance_performance, {"analysis": analysis, "population": pop,
                                                   "wave": wave}))
    if len(result.study.waves) > 1:
        for m in TREND_MEASURES:
            if (s["measure"] == m).any():
                jobs.append((f"trend_{m}", trend, {"measure": m}))
    if len(getattr(result, "reliability", empty)):
        jobs.append(("reliability", reliability_overview, {}))
    return jobs


#: the chart functions, by name
CHARTS = {f.__name__: f for f in (tx_by_brand, growth_grid, cx_vs_bx, trend, item_distribution,
                                  importance_performance, reliability_overview)}

__all__ = ["CHARTS", "STYLE", "TEXT", "chart_run", "cx_vs_bx", "growth_grid",
           "importance_performance", "item_distribution", "reliability_overview", "save_charts",
           "trend", "tx_by_brand"]
