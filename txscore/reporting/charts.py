"""PNG charts of a :class:`~txscore.result.Result`: TX by brand and the growth grid.

Charts are drawn on a bare :class:`matplotlib.figure.Figure` with the Agg canvas (no pyplot
state, no display, safe in threads) inside ``matplotlib.rc_context(STYLE)``: the global
rcParams never change. Suppressed cells (n_eff below the study's ``suppress_below``) never
show a number, a bar or a point (methodology.md, "Uncertainty and significance"). Colours
are the colour-blind-safe Okabe-Ito palette (Okabe & Ito 2008).
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from txscore.errors import TxscoreError, TxscoreWarning
from txscore.scoring import TOTAL

OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9", "#CC79A7", "#F0E442"]
BLUE, VERMILLION, GREY = OKABE_ITO[0], OKABE_ITO[1], "#767676"  # grey: 4.5:1 on white
QUADRANT_COLOURS = {"Leading": "#009E73", "Plateauing": "#0072B2", "Churning": "#E69F00",
                    "Lagging": "#D55E00"}
FIGSIZE = (8.0, 4.5)  # inches, 16:9 slides
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 12,
    "axes.titleweight": "bold", "axes.titlelocation": "left", "axes.titlepad": 10,
    "axes.labelsize": 10, "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 9,
    "legend.frameon": False, "axes.spines.top": False, "axes.spines.right": False,
    "axes.edgecolor": "#555555", "axes.labelcolor": "#222222", "text.color": "#222222",
    "xtick.color": "#444444", "ytick.color": "#444444", "hatch.linewidth": 0.8,
    "axes.prop_cycle": matplotlib.cycler(color=OKABE_ITO),
}
_NB = "\u00a0"  # French puts a no-break space before : ; %
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "tx_title": "TX score by brand – {wave}", "tx_x": "TX score (0–100)",
        "total": "All brands {value} (n={n})", "suppressed": "n<{min} – suppressed",
        "no_data": "no data", "caution": "Caution (n_eff < {min})",
        "low base": "Low base (n_eff < {min})",
        "tx_note": "Error bars: {conf}% bootstrap interval; bases: customers + non-customers; "
                   "n_eff < {min} suppressed",
        "grid_title": "Growth grid – {wave}", "grid_y": "Customer score (C, 0–100)",
        "grid_x": "Non-customer score (BX non-customers, 0–100)",
        "peer": "Crosshairs: peer average of brands with n_eff ≥ {min} (N {n}, C {c})",
        "not_peer": "Hollow points: not in the peer average (n_eff < {min})",
        "hidden": "Not shown (n_eff < {min}): {brands}", "Leading": "Leading",
        "Plateauing": "Plateauing", "Churning": "Churning", "Lagging": "Lagging"},
    "fr": {
        "tx_title": "Score TX par marque – {wave}", "tx_x": "Score TX (0–100)",
        "total": "Toutes marques {value} (n={n})", "suppressed": "n<{min} – masqué",
        "no_data": "pas de données", "caution": "Prudence (n_eff < {min})",
        "low base": "Base faible (n_eff < {min})",
        "tx_note": f"Barres d’erreur{_NB}: intervalle bootstrap à {{conf}}{_NB}%{_NB}; "
                   f"bases{_NB}: clients + non-clients{_NB}; n_eff < {{min}} masqué",
        "grid_title": "Grille de croissance – {wave}", "grid_y": "Score clients (C, 0–100)",
        "grid_x": "Score non-clients (BX non-clients, 0–100)",
        "peer": f"Repères{_NB}: moyenne des marques pairs avec n_eff ≥ {{min}} (N {{n}}, C {{c}})",
        "not_peer": f"Points creux{_NB}: hors moyenne des pairs (n_eff < {{min}})",
        "hidden": f"Non affichées (n_eff < {{min}}){_NB}: {{brands}}", "Leading": "Leader",
        "Plateauing": "En plateau", "Churning": "En perte de clients", "Lagging": "En retard"},
}
# Quadrant names in the corners: x, y in axes fraction, then alignment.
_CORNERS = {"Leading": (0.98, 0.97, "right", "top"), "Plateauing": (0.02, 0.97, "left", "top"),
            "Churning": (0.98, 0.03, "right", "bottom"), "Lagging": (0.02, 0.03, "left", "bottom")}
_STYLES = {"": (1.0, ""), "caution": (0.55, ""), "low base": (0.45, "////")}  # alpha, hatch


def _num(value: float, lang: str, decimals: int = 1) -> str:
    """61.6 / 61,6: the language's decimal mark."""
    return f"{value:.{decimals}f}".replace(".", "," if lang == "fr" else ".")


def _count(n: float, lang: str) -> str:
    """1,065 / 1 065 (narrow no-break space): a base size with thousands separators."""
    return f"{round(float(n)):,}".replace(",", "\u202f" if lang == "fr" else ",")


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
              own: bool) -> None:
    """Title, axis labels, decimal marks and footnote (at the figure's left on own figures)."""
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    fmt = FuncFormatter(lambda v, _pos: _num(v, lang, 0 if float(v).is_integer() else 1))
    ax.xaxis.set_major_formatter(fmt)
    if ylabel:
        ax.yaxis.set_major_formatter(fmt)
    if own:  # constrained layout keeps both clear of the axes and inside the figure
        ax.figure.suptitle(title, x=0.012, ha="left", fontsize=12, fontweight="bold")
        ax.figure.supxlabel(note, x=0.012, ha="left", fontsize=9, color=GREY, linespacing=1.4)
        return
    ax.set_title(title)
    ax.annotate(note, xy=(0, 0), xycoords=("axes fraction", ax.xaxis.label), xytext=(0, -6),
                textcoords="offset points", ha="left", va="top", fontsize=9, color=GREY,
                linespacing=1.4)


def tx_by_brand(result: Any, *, wave: str | None = None, ax: Any = None) -> Figure:
    """Horizontal bars of the TX score by brand, best first, with their intervals.

    The "All brands" total is a labelled dashed line; each bar ends with its value and the
    brand label carries the unweighted base (customers + non-customers). A suppressed
    brand keeps its row, with a grey "n<30 – suppressed" and no bar or number; caution
    brands get lighter bars and low-base brands hatched ones, with a legend entry.

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
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml")))
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
            labels.append(f"{row.brand} (n={_count(row.n, lang)})")
        ax.set_yticks(ys, labels)
        for tick, hidden in zip(ax.get_yticklabels(), brands["hidden_"], strict=True):
            tick.set_color(GREY if hidden else "#222222")
        ax.tick_params(axis="y", length=0)
        ax.set(xlim=(0, 100), ylim=(-0.6, k + 0.2))  # headroom for the total's label
        if len(total) and total["flag"].iloc[0] != "suppressed" \
                and np.isfinite(tv := float(total["value"].iloc[0])):
            ax.axvline(tv, color=VERMILLION, linestyle="--", linewidth=1.5)
            side = 1 if tv <= 60 else -1  # the label goes on the side with room for it
            ax.annotate(t["total"].format(value=_num(tv, lang), n=_count(total["n"].iloc[0],
                                                                          lang)),
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
            ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1, 1.0),
                      ncols=len(handles), borderaxespad=0.2)
            if not own:
                ax.set_title(ax.get_title(loc="left"), pad=28)
    return fig


def _place_labels(ax: Any, pts: np.ndarray, names: list[str], lims: np.ndarray,
                  peer: tuple[float, float], t: dict[str, str]) -> list[tuple]:
    """Per brand, the first label offset (points) that overlaps nothing placed so far.

    Offsets are tried near first, then on two farther rings (drawn with a leader line).
    Text extents are estimated from the character count (0.6 em each): deterministic, and
    no renderer needed. Falls back to the least overlapping offset.
    """
    size = np.array([ax.bbox.width, ax.bbox.height]) * 72 / ax.figure.dpi  # points
    p = (pts - lims[:, 0]) / (lims[:, 1] - lims[:, 0]) * size
    taken = [(x - 5, y - 5, x + 5, y + 5) for x, y in p]  # the points
    for i, v in enumerate(peer):  # the crosshairs
        c = (v - lims[i, 0]) / (lims[i, 1] - lims[i, 0]) * size[i]
        if np.isfinite(c):
            taken.append((c - 1, 0, c + 1, size[1]) if i == 0 else (0, c - 1, size[0], c + 1))
    for q, (fx, fy, ha, va) in _CORNERS.items():  # the quadrant names, 11 pt bold
        w = 7.5 * len(t[q])
        x0, y0 = fx * size[0] - w * (ha == "right"), fy * size[1] - 15 * (va == "top")
        taken.append((x0, y0, x0 + w, y0 + 15))
    ring = [(8, 0, "left", "center"), (-8, 0, "right", "center"), (0, 8, "center", "bottom"),
            (0, -8, "center", "top"), (6, 6, "left", "bottom"), (6, -6, "left", "top"),
            (-6, 6, "right", "bottom"), (-6, -6, "right", "top")]
    offsets = [(dx * r, dy * r, ha, va) for r in (1, 2.5, 4) for dx, dy, ha, va in ring]
    shift = {"left": 0, "bottom": 0, "center": 0.5, "right": 1, "top": 1}
    out = []
    for (x, y), name in sorted(zip(p.tolist(), names, strict=True),
                               key=lambda r: (-r[0][1], r[0][0])):  # top to bottom
        w, h = 6.0 * len(name), 12.0
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
        out.append((name, best[1]))
    return out


def growth_grid(result: Any, *, wave: str | None = None, ax: Any = None) -> Figure:
    """Brands at (non-customer score N, customer score C) against the peer means.

    Dashed crosshairs mark the peer averages; the corners name the quadrants: Leading
    (both above), Plateauing (customers above, non-customers below), Churning
    (non-customers above, customers below), Lagging (both below). Brands outside the peer
    average are hollow; suppressed brands are left out and listed in the footnote.

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
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml")))
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
    lims = np.empty((2, 2))
    for i in range(2):  # room around the points for the corner names, on 5-point ticks
        v = np.append(pts[:, i], peer[i])
        v = v[np.isfinite(v)] if np.isfinite(v).any() else np.array([0.0, 100.0])
        pad = max(6.0, 0.2 * (v.max() - v.min()))
        lims[i] = (np.floor(max(0.0, v.min() - pad) / 5) * 5,
                   np.ceil(min(100.0, v.max() + pad) / 5) * 5)
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
        for q, (fx, fy, ha, va) in _CORNERS.items():
            ax.text(fx, fy, t[q], transform=ax.transAxes, ha=ha, va=va, fontsize=11,
                    fontweight="bold", color=QUADRANT_COLOURS[q])
        lines = [result.study.name]
        if all(np.isfinite(peer)):
            lines.append(t["peer"].format(min=f"{rep.peer_min_base:g}", n=_num(peer[0], lang),
                                          c=_num(peer[1], lang)))
        if not shown["in_peer_average"].all():
            lines.append(t["not_peer"].format(min=f"{rep.peer_min_base:g}"))
        if hidden:
            lines.append(t["hidden"].format(min=f"{rep.suppress_below:g}",
                                            brands=", ".join(hidden)))
        _decorate(ax, lang, t["grid_title"].format(wave=wave), t["grid_x"], t["grid_y"],
                  "\n".join(lines), own)
        if own:  # the final axes size, so that the label nudges are measured right
            fig.get_layout_engine().execute(fig)
        names = [str(b) for b in shown["brand"]]
        for name, (dx, dy, ha, va) in _place_labels(ax, pts, names, lims, peer, t):
            leader = {"arrowstyle": "-", "color": GREY, "lw": 0.6, "shrinkA": 1, "shrinkB": 5}
            ax.annotate(name, tuple(pts[names.index(name)]), xytext=(dx, dy), ha=ha, va=va,
                        textcoords="offset points",
                        arrowprops=leader if abs(dx) + abs(dy) > 12 else None)
    return fig


def _save_png(fig: Figure, path: Path, dpi: int) -> None:
    """Write atomically: a temporary file in the same folder, then ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh, matplotlib.rc_context(STYLE):
            # No Software tag (and Agg writes no timestamp): same chart, same bytes.
            fig.savefig(fh, format="png", dpi=dpi, metadata={"Software": None})
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_charts(result: Any, folder: Path, *, dpi: int = 200) -> dict[str, Path]:
    """Write ``tx_by_brand_<wave>.png`` and ``growth_grid_<wave>.png`` for every wave.

    Parameters
    ----------
    result : Result
        A scored study without segment cuts.
    folder : Path
        Output folder, created if missing.
    dpi : int, default 200
        Resolution; 200 dpi gives 1600 x 900 px slides.

    Returns
    -------
    dict of str to Path
        Chart key (the file stem, e.g. ``"tx_by_brand_2026-q2"``) to the file written.
        Charts a wave cannot have (no TX or no grid) are skipped; a result cut by segments
        (``by``) gets no charts and a :class:`~txscore.errors.TxscoreWarning`.

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml")))
    >>> sorted(save_charts(result, Path(tempfile.mkdtemp())))
    ['growth_grid_2026-q1', 'growth_grid_2026-q2', 'tx_by_brand_2026-q1', 'tx_by_brand_2026-q2']
    """
    if tuple(getattr(result, "by", ())):  # so that a segmented report still gets its workbook
        warnings.warn(f"No charts: they show whole-sample brand scores and this result is cut "
                      f"by {list(result.by)}. Score without `by` to get them.", TxscoreWarning,
                      stacklevel=2)
        return {}
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    s, g = result.scores, result.grid
    out: dict[str, Path] = {}
    for i, wave in enumerate(result.study.waves):
        slug = re.sub(r"[^a-z0-9]+", "-", str(wave).lower()).strip("-") or "wave"
        if any(key.endswith(f"_{slug}") for key in out):  # two waves, one slug
            slug = f"{slug}-{i + 1}"
        has_tx = ((s["measure"] == "tx") & (s["wave"] == wave)).any()
        has_grid = not g.empty and (g["wave"] == wave).any()
        for name, draw, wanted in (("tx_by_brand", tx_by_brand, has_tx),
                                   ("growth_grid", growth_grid, has_grid)):
            if wanted:
                out[f"{name}_{slug}"] = folder / f"{name}_{slug}.png"
                _save_png(draw(result, wave=wave), out[f"{name}_{slug}"], dpi)
    return out


__all__ = ["STYLE", "TEXT", "growth_grid", "save_charts", "tx_by_brand"]
