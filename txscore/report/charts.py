"""PNG charts of a :class:`~txscore.result.Result`: TX by brand and the growth grid.

Charts are drawn on a bare :class:`matplotlib.figure.Figure` with the Agg canvas (no pyplot
state, no display, safe in threads) inside ``matplotlib.rc_context(STYLE)``, so the global
rcParams are never changed. Suppressed cells (n_eff below the study's ``suppress_below``)
never show a number, a bar or a point (methodology.md, "Uncertainty and significance").
Colours are the Okabe-Ito colour-blind-safe palette (Okabe & Ito 2008).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from txscore.errors import TxscoreError
from txscore.scoring import TOTAL

OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#999999"}
QUADRANT_COLOURS = {"Leading": "#009E73", "Plateauing": "#0072B2", "Churning": "#E69F00",
                    "Lagging": "#D55E00"}
FIGSIZE = (8.0, 4.5)  # inches, 16:9 slides
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 12,
    "axes.titleweight": "bold", "axes.titlelocation": "left", "axes.titlepad": 10,
    "axes.labelsize": 10, "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 9,
    "legend.frameon": False, "axes.spines.top": False, "axes.spines.right": False,
    "axes.edgecolor": "#555555", "axes.labelcolor": "#222222", "text.color": "#222222",
    "xtick.color": "#444444", "ytick.color": "#444444", "axes.grid": False,
    "axes.prop_cycle": matplotlib.cycler(color=list(OKABE_ITO.values())),
    "hatch.linewidth": 0.8,
}
GREY = "#767676"  # 4.5:1 contrast on white
TEXT: dict[str, dict[str, str]] = {
    "en": {"tx_title": "TX score by brand – {wave}", "tx_x": "TX score (0–100)",
           "total": "All brands: {value} (n={n})", "suppressed": "n<{min} – suppressed",
           "no_data": "no data", "caution": "Caution (n_eff < {min})",
           "low base": "Low base (n_eff < {min})",
           "tx_note": "Error bars: {conf}% bootstrap interval; bases: customers + "
                      "non-customers; n_eff < {min} suppressed",
           "grid_title": "Growth grid – {wave}",
           "grid_x": "Non-customer score (BX non-customers, 0–100)",
           "grid_y": "Customer score (C, 0–100)",
           "grid_note": "Crosshairs: peer average of brands with n_eff ≥ {min} "
                        "(N {n}, C {c})",
           "not_peer": "Not in peer average (n_eff < {min})",
           "hidden": "Not shown (n_eff < {min}): {brands}",
           "Leading": "Leading", "Plateauing": "Plateauing", "Churning": "Churning",
           "Lagging": "Lagging"},
    "fr": {"tx_title": "Score TX par marque – {wave}", "tx_x": "Score TX (0–100)",
           "total": "Toutes marques\u00a0: {value} (n={n})",
           "suppressed": "n<{min} – masqué", "no_data": "pas de données",
           "caution": "Prudence (n_eff < {min})", "low base": "Base faible (n_eff < {min})",
           "tx_note": "Barres d’erreur\u00a0: intervalle bootstrap à {conf}\u00a0%\u00a0; "
                      "bases\u00a0: clients + non-clients\u00a0; n_eff < {min} masqué",
           "grid_title": "Grille de croissance – {wave}",
           "grid_x": "Score non-clients (BX non-clients, 0–100)",
           "grid_y": "Score clients (C, 0–100)",
           "grid_note": "Repères\u00a0: moyenne des marques pairs avec n_eff ≥ {min} "
                        "(N {n}, C {c})",
           "not_peer": "Hors moyenne des pairs (n_eff < {min})",
           "hidden": "Non affichées (n_eff < {min})\u00a0: {brands}",
           "Leading": "Leader", "Plateauing": "En plateau", "Churning": "En perte de clients",
           "Lagging": "En retard"},
}
#: Corner of each quadrant: (x, y) in axes fraction and alignment.
_CORNERS = {"Leading": (0.98, 0.97, "right", "top"), "Plateauing": (0.02, 0.97, "left", "top"),
            "Churning": (0.98, 0.03, "right", "bottom"),
            "Lagging": (0.02, 0.03, "left", "bottom")}


def _lang(result: Any) -> str:
    lang = result.study.report.language
    return lang if lang in TEXT else "en"


def _num(value: float, lang: str, decimals: int = 1) -> str:
    """A number with the language's decimal mark: 61.6 / 61,6."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "fr" else text


def _count(n: float, lang: str) -> str:
    """A base size with a thousands separator: 1,065 / 1 065 (narrow no-break space)."""
    text = f"{int(round(n)):,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def _threshold(value: float) -> str:
    return f"{value:g}"


def _wave(result: Any, wave: str | None) -> str:
    waves = list(result.study.waves)
    if wave is None:
        return waves[-1]
    if wave not in waves:
        raise TxscoreError(f"Cannot chart wave {wave!r}: the study's waves are {waves}. "
                           "Fix: pass one of them, or wave=None for the latest.")
    return wave


def _check_unsegmented(result: Any) -> None:
    if tuple(getattr(result, "by", ())):
        raise TxscoreError(f"Charts show whole-sample brand scores, but this result is cut by "
                           f"{list(result.by)}. Fix: chart a result scored without `by`.")


def _axes(ax: Any, height: float = FIGSIZE[1]) -> tuple[Figure, Any]:
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=(FIGSIZE[0], height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _decorate(ax: Any, lang: str, title: str, xlabel: str, ylabel: str, note: str) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    fmt = FuncFormatter(lambda v, _pos: _num(v, lang, 0 if float(v).is_integer() else 1))
    ax.xaxis.set_major_formatter(fmt)
    if ylabel:
        ax.yaxis.set_major_formatter(fmt)
    # Below the x label, aligned with the axes; part of the layout, so never clipped.
    ax.annotate(note, xy=(0, 0), xycoords=("axes fraction", ax.xaxis.label),
                xytext=(0, -6), textcoords="offset points", ha="left", va="top",
                fontsize=9, color=GREY, linespacing=1.4)


def tx_by_brand(result: Any, *, wave: str | None = None, ax: Any = None) -> Figure:
    """Horizontal bars of the TX score by brand, best first, with 95% intervals.

    The "All brands" total is a dashed reference line; the value is printed at the end of
    each bar and the unweighted base (customers + non-customers) in the brand label.
    Suppressed brands keep their row with a grey "n<30 – suppressed" and no bar or number;
    caution and low-base brands get lighter (low base: hatched) bars and a legend entry.

    Parameters
    ----------
    result : Result
        A scored study (``txscore.score``) without segment cuts.
    wave : str, optional
        One of ``result.study.waves``; default the latest.
    ax : matplotlib Axes, optional
        Draw into this axes; default a new 8 x 4.5 in figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = tx_by_brand(result, wave="2026 Q2")  # doctest: +SKIP
    >>> fig.savefig("tx.png", dpi=200)  # doctest: +SKIP
    """
    _check_unsegmented(result)
    wave, lang = _wave(result, wave), _lang(result)
    t, rep = TEXT[lang], result.study.report
    s = result.scores
    rows = s[(s["measure"] == "tx") & (s["wave"] == wave)]
    if rows.empty:
        raise TxscoreError(f"No TX scores for wave {wave!r}. Fix: TX needs both customer "
                           "and non-customer sources for the wave.")
    total = rows[rows["brand"] == TOTAL]
    brands = rows[rows["brand"] != TOTAL].copy()
    brands["hidden_"] = (brands["flag"] == "suppressed") | brands["value"].isna()
    brands = brands.sort_values(["hidden_", "value", "brand"], ascending=[True, False, True],
                                na_position="last").reset_index(drop=True)
    k = len(brands)
    with matplotlib.rc_context(STYLE):
        fig, ax = _axes(ax, max(FIGSIZE[1], 1.8 + 0.3 * k))
        y = np.arange(k)[::-1]  # best at the top
        styles = {"": (1.0, ""), "caution": (0.55, ""), "low base": (0.45, "////")}
        labels, seen = [], set()
        for yi, row in zip(y, brands.itertuples(index=False), strict=True):
            if row.hidden_:
                hidden = row.flag == "suppressed"
                msg = t["suppressed"] if hidden else t["no_data"]
                ax.text(1, yi, msg.format(min=_threshold(rep.suppress_below)), va="center",
                        color=GREY, fontstyle="italic")
                labels.append(row.brand)
                continue
            alpha, hatch = styles.get(row.flag, styles[""])
            seen.add(row.flag)
            bar = ax.barh(yi, row.value, height=0.64, color=OKABE_ITO["blue"], alpha=alpha,
                          hatch=hatch, edgecolor=OKABE_ITO["blue"], linewidth=0.8)
            bar.patches[0].set_gid(f"brand:{row.brand}")
            end = row.value
            if np.isfinite(row.ci_low) and np.isfinite(row.ci_high):
                ax.errorbar(row.value, yi, xerr=[[row.value - row.ci_low],
                                                 [row.ci_high - row.value]],
                            fmt="none", ecolor="#333333", elinewidth=1, capsize=3)
                end = max(end, row.ci_high)
            ax.annotate(_num(row.value, lang), (end, yi), xytext=(4, 0), zorder=4,
                        textcoords="offset points", va="center", fontsize=10,
                        bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})
            labels.append(f"{row.brand} (n={_count(row.n, lang)})")
        ax.set_yticks(y, labels)
        for tick, hidden in zip(ax.get_yticklabels(), brands["hidden_"], strict=True):
            tick.set_color(GREY if hidden else "#222222")
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.6, k - 0.4)
        ax.set_xlim(0, 100)
        handles = []
        if not total.empty and total["flag"].iloc[0] != "suppressed" \
                and np.isfinite(total["value"].iloc[0]):
            tv = float(total["value"].iloc[0])
            handles.append(ax.axvline(tv, color=OKABE_ITO["vermillion"], linestyle="--",
                                      linewidth=1.5, label=t["total"].format(
                                          value=_num(tv, lang),
                                          n=_count(total["n"].iloc[0], lang))))
        for flag, limit in (("caution", rep.caution_below), ("low base", rep.low_base_below)):
            if flag in seen:
                alpha, hatch = styles[flag]
                handles.append(Patch(facecolor=OKABE_ITO["blue"], alpha=alpha, hatch=hatch,
                                     edgecolor=OKABE_ITO["blue"],
                                     label=t[flag].format(min=_threshold(limit))))
        if handles:
            ax.legend(handles=handles, loc="lower right")
        note = t["tx_note"].format(conf=_threshold(rep.confidence * 100),
                                   min=_threshold(rep.suppress_below))
        _decorate(ax, lang, t["tx_title"].format(wave=wave), t["tx_x"], "",
                  f"{result.study.name}\n{note}")
    return fig


def _place_labels(ax: Any, xs: np.ndarray, ys: np.ndarray, names: list[str],
                  xlim: tuple[float, float], ylim: tuple[float, float],
                  peer: tuple[float, float]) -> list[tuple]:
    """Choose, per brand, the first label offset (in points) that overlaps nothing placed.

    Text extents are estimated from the character count (0.6 em per character), so the
    placement is deterministic and needs no renderer.
    """
    fig = ax.figure
    pos = ax.get_position()
    w_pt, h_pt = pos.width * fig.get_figwidth() * 72, pos.height * fig.get_figheight() * 72
    px = (xs - xlim[0]) / (xlim[1] - xlim[0]) * w_pt
    py = (ys - ylim[0]) / (ylim[1] - ylim[0]) * h_pt
    size = 10.0
    taken = [(x - 5, y - 5, x + 5, y + 5) for x, y in zip(px, py, strict=True)]
    if np.isfinite(peer[0]):  # the crosshairs
        cx = (peer[0] - xlim[0]) / (xlim[1] - xlim[0]) * w_pt
        taken.append((cx - 1, 0, cx + 1, h_pt))
    if np.isfinite(peer[1]):
        cy = (peer[1] - ylim[0]) / (ylim[1] - ylim[0]) * h_pt
        taken.append((0, cy - 1, w_pt, cy + 1))
    for fx, fy, ha, va in _CORNERS.values():  # quadrant names, ~20 characters wide
        cx, cy = fx * w_pt, fy * h_pt
        x0 = cx - 130 if ha == "right" else cx
        y0 = cy - 14 if va == "top" else cy
        taken.append((x0, y0, x0 + 130, y0 + 14))
    candidates = [(8, 0, "left", "center"), (-8, 0, "right", "center"),
                  (0, 8, "center", "bottom"), (0, -8, "center", "top"),
                  (6, 6, "left", "bottom"), (6, -6, "left", "top"),
                  (-6, 6, "right", "bottom"), (-6, -6, "right", "top")]
    out = []
    for x, y, name in sorted(zip(px, py, names, strict=True), key=lambda r: (-r[1], r[0])):
        w, h = 0.6 * size * len(name), 1.2 * size
        best, best_cost = candidates[0], np.inf
        for dx, dy, ha, va in candidates:
            x0 = x + dx - {"left": 0, "center": w / 2, "right": w}[ha]
            y0 = y + dy - {"bottom": 0, "center": h / 2, "top": h}[va]
            box = (x0, y0, x0 + w, y0 + h)
            cost = sum(max(0, min(box[2], b[2]) - max(box[0], b[0]))
                       * max(0, min(box[3], b[3]) - max(box[1], b[1])) for b in taken)
            cost += w * h * (box[0] < 0 or box[1] < 0 or box[2] > w_pt or box[3] > h_pt)
            if cost < best_cost:
                best, best_cost, best_box = (dx, dy, ha, va), cost, box
            if cost == 0:
                break
        taken.append(best_box)
        out.append((name, best))
    return out


def growth_grid(result: Any, *, wave: str | None = None, ax: Any = None) -> Figure:
    """Scatter of brands at (non-customer score N, customer score C) against peer means.

    Dashed crosshairs mark the peer averages; the quadrants are named in the corners:
    Leading (both above), Plateauing (customers above, non-customers below), Churning
    (non-customers above, customers below), Lagging (both below). Brands outside the peer
    average are hollow; suppressed brands are omitted and listed in the footnote.

    Parameters
    ----------
    result : Result
        A scored study with customers and non-customers, without segment cuts.
    wave : str, optional
        One of ``result.study.waves``; default the latest.
    ax : matplotlib Axes, optional
        Draw into this axes; default a new 8 x 4.5 in figure.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = growth_grid(result)  # latest wave  # doctest: +SKIP
    """
    _check_unsegmented(result)
    wave, lang = _wave(result, wave), _lang(result)
    t, rep = TEXT[lang], result.study.report
    g = result.grid
    rows = g[(g["wave"] == wave) & (g["brand"] != TOTAL)] if not g.empty else g
    if rows.empty:
        raise TxscoreError(f"No growth grid for wave {wave!r}. Fix: the grid needs both "
                           "customer and non-customer sources for the wave.")
    ok = ((rows["flag"] != "suppressed") & np.isfinite(rows["non_customer_score"])
          & np.isfinite(rows["customer_score"]))
    shown = rows[ok].sort_values("brand")
    hidden = sorted(rows.loc[~ok, "brand"])
    peer_n, peer_c = (float(rows[c].iloc[0]) for c in ("peer_non_customer", "peer_customer"))
    xs = shown["non_customer_score"].to_numpy(float)
    ys = shown["customer_score"].to_numpy(float)

    def limits(values: np.ndarray, peer: float) -> tuple[float, float]:
        v = np.append(values, peer)
        v = v[np.isfinite(v)] if np.isfinite(v).any() else np.array([0.0, 100.0])
        pad = max(6.0, 0.2 * (v.max() - v.min()))
        lo, hi = max(0.0, v.min() - pad), min(100.0, v.max() + pad)
        return float(np.floor(lo / 5) * 5), float(np.ceil(hi / 5) * 5)

    xlim, ylim = limits(xs, peer_n), limits(ys, peer_c)
    with matplotlib.rc_context(STYLE):
        fig, ax = _axes(ax)
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)
        if np.isfinite(peer_n):
            ax.axvline(peer_n, color=GREY, linestyle="--", linewidth=1, zorder=1)
        if np.isfinite(peer_c):
            ax.axhline(peer_c, color=GREY, linestyle="--", linewidth=1, zorder=1)
        any_out = False
        for row in shown.itertuples(index=False):
            colour = QUADRANT_COLOURS.get(row.quadrant, OKABE_ITO["grey"])
            any_out |= not row.in_peer_average
            ax.scatter([row.non_customer_score], [row.customer_score], s=64, zorder=3,
                       color=colour if row.in_peer_average else "white",
                       edgecolors=colour, linewidths=1.6, gid=f"brand:{row.brand}")
        for q, (fx, fy, ha, va) in _CORNERS.items():
            ax.text(fx, fy, t[q], transform=ax.transAxes, ha=ha, va=va, fontsize=11,
                    fontweight="bold", color=QUADRANT_COLOURS[q], alpha=0.9)
        placed = _place_labels(ax, xs, ys, list(shown["brand"]), xlim, ylim, (peer_n, peer_c))
        coords = dict(zip(shown["brand"], zip(xs, ys, strict=True), strict=True))
        for name, (dx, dy, ha, va) in placed:
            ax.annotate(name, coords[name], xytext=(dx, dy), textcoords="offset points",
                        ha=ha, va=va, fontsize=10, color="#222222")
        if any_out:
            ax.legend(handles=[ax.scatter([], [], s=64, color="white", edgecolors="#444444",
                                          linewidths=1.6, label=t["not_peer"].format(
                                              min=_threshold(rep.peer_min_base)))],
                      loc="upper center", bbox_to_anchor=(0.5, 1.0))
        lines = [result.study.name]
        if np.isfinite(peer_n) and np.isfinite(peer_c):
            lines.append(t["grid_note"].format(min=_threshold(rep.peer_min_base),
                                               n=_num(peer_n, lang), c=_num(peer_c, lang)))
        if hidden:
            lines.append(t["hidden"].format(min=_threshold(rep.suppress_below),
                                            brands=", ".join(hidden)))
        _decorate(ax, lang, t["grid_title"].format(wave=wave), t["grid_x"], t["grid_y"],
                  "\n".join(lines))
    return fig


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "wave"


def _save_png(fig: Figure, path: Path, dpi: int) -> None:
    """Write atomically: a temporary file in the same folder, then ``os.replace``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh, matplotlib.rc_context(STYLE):
            # No Software tag and no timestamp: the same chart gives the same bytes.
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
        Charts a study cannot have (no TX or no grid for a wave) are skipped.

    Examples
    --------
    >>> paths = save_charts(result, Path("reports/charts"))  # doctest: +SKIP
    >>> sorted(paths)[:1]  # doctest: +SKIP
    ['growth_grid_2026-q1']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    s, g = result.scores, result.grid
    out: dict[str, Path] = {}
    slugs: set[str] = set()
    for wave in result.study.waves:
        slug = _slug(str(wave))
        slug = slug if slug not in slugs else f"{slug}-{len(slugs) + 1}"
        slugs.add(slug)
        charts = []
        if ((s["measure"] == "tx") & (s["wave"] == wave)).any():
            charts.append(("tx_by_brand", tx_by_brand))
        if not g.empty and (g["wave"] == wave).any():
            charts.append(("growth_grid", growth_grid))
        for name, draw in charts:
            key = f"{name}_{slug}"
            path = folder / f"{key}.png"
            _save_png(draw(result, wave=wave), path, dpi)
            out[key] = path
    return out


__all__ = ["STYLE", "TEXT", "growth_grid", "save_charts", "tx_by_brand"]
