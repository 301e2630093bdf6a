"""The answers to each item as diverging stacked bars, lined up on the balance of opinion."""

from __future__ import annotations

import re
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from txscore.errors import TxscoreError
from txscore.reporting.chart_base import (
    axes,
    decorate,
    keys_note,
    label_of,
    legend_above,
    setup,
    study_line,
    suppressed,
    wave_label,
)
from txscore.reporting.chart_labels import fit, fit_names, text_width, wrap
from txscore.reporting.palette import FIGSIZE, GREY, STYLE, diverging_colour
from txscore.reporting.text import Words
from txscore.study.vocabulary import NPS_DETRACTORS, NPS_PROMOTERS, TOTAL

__all__ = ["ITEM_MAX_PT", "ITEM_PT", "item_distribution", "nps_rows"]

#: width in points of an item's label (9 pt, two lines)
ITEM_PT = 230.0
#: the widest an item's label grows to stay on two lines (then it takes three)
ITEM_MAX_PT = 290.0
#: the brand placeholder of the spec's texts ("[Brand]", in French "[Marque]")
_PLACEHOLDER = re.compile(r"\[(?:Brand|Marque)\]")


def item_distribution(result: Any, *, wave: str | None = None, brand: str = TOTAL,
                      population: str = "customer", items: list[str] | None = None,
                      ax: Any = None) -> Figure:
    """Diverging stacked bars of the answer shares of each item.

    One bar per item (spec order): the answers below the scale's midpoint extend left of
    zero, those above it right, and the neutral answer (odd scales) is split across zero,
    so that the bars line up on the balance of opinion. The ends carry the item's bottom
    box (left) and top box (right), the scale's boxes as in the Items sheet. A 0-10 item
    (the NPS item, or a 0-10 scale whose boxes are the NPS classes) shows three segments:
    detractors (0-6) left of zero, passives (7-8) split at zero, promoters (9-10) right,
    with the promoters' and detractors' shares at the ends (their difference is the NPS).
    The footnote gives the base (respondents and effective base per item) and the wave.
    Shares are weighted and leave missing codes (Don't know) out. A suppressed item keeps
    its row with "n<30 – suppressed" and no bar or number. Labels wrap on two lines (the
    label column widens to keep them whole, or takes a third line).

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
    wave, w, rep = setup(result, wave)
    t = w.charts
    study = result.study
    order, share, base = _item_cells(result, wave, brand, population, items)
    scales = [study.scales[study.items[c].scale] for c in order]
    nps = nps_rows(study, order)
    share, k = _classes(share, scales, nps)
    hidden = suppressed(base["flag"]) | np.isnan(share).all(axis=1)
    bars = _bars(np.where(hidden[:, None], 0.0, np.nan_to_num(share)), k)
    bars["ends"] = _ends(bars["share"], base, nps)
    rows = len(order)
    ys = np.arange(rows - 1, -1, -1, dtype=float)
    labels, keys = _item_labels(study, order, brand, t["reversed"], w.language)
    row_h = 0.3 + 0.12 * max((label.count("\n") for label in labels), default=0)
    with matplotlib.rc_context(STYLE):
        fig, ax, own = axes(ax, max(FIGSIZE[1], 2.6 + row_h * rows))
        lim = _draw_bars(ax, bars, ys, hidden, order, w, rep)
        ax.set_yticks(ys, labels, fontsize=9)
        for tick, h in zip(ax.get_yticklabels(), hidden, strict=True):
            tick.set_color(GREY if h else "#222222")
        ax.tick_params(axis="y", length=0)
        ax.set(xlim=(-lim, lim), ylim=(-0.6, rows - 0.4))
        ax.set_xticks(np.arange(-np.floor(lim / 20) * 20, lim + 1, 20))
        handles = _answer_legend(scales, k, nps, w)
        wl, wkey = wave_label(study.waves, wave, width=160)
        lines = _dist_notes(result, order, base, hidden, nps, (wave, wl, brand, population), w)
        what = t["all_brands"] if brand == TOTAL else fit(brand, 160, lines=1, size=12,
                                                          bold=True)
        lines += keys_note(w, wkey + keys)
        decorate(ax, w, t["dist_title"].format(brand=what, population=t[population],
                                               wave=wl), t["dist_x"], "",
                 "\n".join(lines), own)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{abs(v):g}"))
        # right-aligned above the bars: a wide legend reaches over the item labels' margin
        legend_above(ax, handles, own, ncols=_legend_columns(handles, k))
    return fig


def nps_rows(study: Any, order: list[str]) -> np.ndarray:
    """Per item, whether it is shown as NPS classes: the study's NPS item, or an item of a
    0-10 scale whose top and bottom boxes are the promoters and the detractors."""
    nps_item = getattr(getattr(study, "index", None), "nps_item", None)
    out = []
    for c in order:
        sc = study.scales[study.items[c].scale]
        out.append(c == nps_item or (
            (sc.min, sc.max) == (0, 10) and set(sc.top_box) == set(NPS_PROMOTERS)
            and set(sc.bottom_box) == set(NPS_DETRACTORS)))
    return np.array(out, dtype=bool)


def _nps_codes() -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """The codes of the detractors, passives and promoters."""
    return (NPS_DETRACTORS, tuple(range(max(NPS_DETRACTORS) + 1, min(NPS_PROMOTERS))),
            NPS_PROMOTERS)


def _classes(share: np.ndarray, scales: list[Any],
             nps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The shares to draw (item x segment) and each item's number of segments: the answer
    codes, or for NPS items the detractors, passives and promoters."""
    out = share.copy()
    k = np.array([sc.max - sc.min + 1 for sc in scales])
    for i in np.flatnonzero(nps):
        codes = np.arange(share.shape[1]) + scales[i].min
        row = share[i]
        out[i] = np.nan
        out[i, :3] = [np.nansum(row[np.isin(codes, c)]) if np.isfinite(row).any() else np.nan
                      for c in _nps_codes()]
        k[i] = 3
    return out, k


def _ends(s0: np.ndarray, base: pd.DataFrame, nps: np.ndarray) -> np.ndarray:
    """(item, 2) shares printed at the bar ends: the bottom box and the top box of the
    Items table (``result.items``), the detractors and promoters of an NPS item."""
    boxes = base.reindex(columns=["bottom_box", "top_box"]).to_numpy(float) / 100
    return np.where(nps[:, None], s0[:, [0, 2]], boxes)


def _dist_notes(result: Any, order: list[str], base: pd.DataFrame, hidden: np.ndarray,
                nps: np.ndarray, cell: tuple[str, str, str, str], w: Words) -> list[str]:
    """The footnote: study, base (respondents and effective base per item, wave), how the
    bars read, the boxes at the ends, the NPS items' classes and NPS, reversed items."""
    t, study = w.charts, result.study
    wave, wl, brand, population = cell
    lines = [study_line(result)]
    if (~hidden).any():  # items of one population have nearly the same base
        lines.append(t["dist_base"].format(
            wave=wl, n=_base_range(base["n"], hidden, w), population=t[population],
            n_eff=_base_range(base["n_eff"], hidden, w)))
    if (~nps).any():
        lines.append(t["dist_note"])
        pairs = dict.fromkeys((_codes_text(sc.bottom_box), _codes_text(sc.top_box))
                              for c, n in zip(order, nps, strict=True) if not n
                              for sc in [study.scales[study.items[c].scale]])
        lines.append(t["dist_boxes"].format(
            bottom=" / ".join(b for b, _ in pairs), top=" / ".join(p for _, p in pairs),
            sheet=w.sheets.get("items", "Items")))
    for i in np.flatnonzero(nps & ~hidden):
        label = fit(label_of(study, order[i], w.language), 200, lines=1, size=9)
        value = _nps_value(result, order[i], cell)
        lines.append(t["dist_nps"].format(item=label) if value is None else
                     t["dist_nps_value"].format(item=label, nps=_signed(value, w)))
    if any(study.items[c].reversed for c in order):
        lines.append(t["reversed_note"])
    return lines


def _nps_value(result: Any, item: str, cell: tuple[str, str, str, str]) -> float | None:
    """The NPS of the cell (``result.scores``), when the item is the study's NPS item and
    the cell has a value that may be shown."""
    wave, _, brand, population = cell
    if item != getattr(getattr(result.study, "index", None), "nps_item", None):
        return None
    s = result.scores
    row = s[(s["measure"] == "nps") & (s["population"] == population) & (s["wave"] == wave)
            & (s["brand"] == brand)]
    if row.empty or suppressed(row["flag"]).any() or not np.isfinite(row["value"].iloc[0]):
        return None
    return float(row["value"].iloc[0])


def _signed(value: float, w: Words) -> str:
    """``+5.4``, ``−38.8``, ``0.0``: a net score with its sign."""
    text = w.num(abs(value), 1)
    return text if round(value, 1) == 0 else ("+" if value > 0 else "−") + text


def _codes_text(codes: tuple[int, ...]) -> str:
    """``1–3`` for a run of codes, ``1, 2, 5`` otherwise."""
    c = sorted(codes)
    if len(c) > 1 and c == list(range(c[0], c[-1] + 1)):
        return f"{c[0]}–{c[-1]}"
    return ", ".join(map(str, c))


def _legend_columns(handles: list[Patch], k: np.ndarray) -> int:
    """Columns of the answer legend: bare codes (an unlabelled scale) on one line, in
    order; labels on two rows, as many columns as their width allows."""
    rows = [line for h in handles for line in h.get_label().split("\n")]
    per_row = k.max() if max(map(len, rows)) <= 3 else np.ceil(k.max() / 2)
    widest = max(text_width(line, 9) for line in rows)
    return int(max(1, min(per_row, (FIGSIZE[0] * 72 - 20) // (widest + 34))))


def _item_labels(study: Any, order: list[str], brand: str, mark: str,
                 language: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The items' short labels in the report language (the brand named), wrapped on two
    lines (the label column widens up to :data:`ITEM_MAX_PT` to keep them whole, else a
    third line), reversed items marked; the keys of labels that would look alike once
    shortened."""
    texts = [label_of(study, c, language) for c in order]
    if brand != TOTAL:  # the brand placeholder of the spec's texts, in either language
        texts = [_PLACEHOLDER.sub(lambda _m: brand, x) for x in texts]
    # reversed items were recoded at ingest: their right side is favourable
    tails = [f" {mark}" if study.items[c].reversed else "" for c in order]
    width, lines = ITEM_MAX_PT, 3
    for room in np.arange(ITEM_PT, ITEM_MAX_PT + 1, 10.0):
        if all(wrap(f"{x}{tail}", room, size=9).count("\n") < 2
               for x, tail in zip(texts, tails, strict=True)):
            width, lines = float(room), 2
            break
    return fit_names(texts, width, lines=lines, size=9, tails=tails)


def _base_range(n: pd.Series, hidden: np.ndarray, w: Words) -> str:
    """``"2,714"``, or ``"2,690–2,714"`` when the shown items' bases differ."""
    v = n.to_numpy(float)[~hidden]
    lo_n, hi_n = np.nanmin(v), np.nanmax(v)
    return w.count(lo_n) if round(lo_n) == round(hi_n) else f"{w.count(lo_n)}–{w.count(hi_n)}"


def _item_cells(result: Any, wave: str, brand: str, population: str,
                items: list[str] | None) -> tuple[list[str], np.ndarray, pd.DataFrame]:
    """The items shown, their answer shares (item x answer position) and their rows of
    ``result.items`` (base and flag)."""
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
    mins = {c: study.scales[study.items[c].scale].min for c in order}
    width = max(study.scales[study.items[c].scale].max - mins[c] + 1 for c in order)
    d = d[d["item"].isin(order)].assign(pos=lambda f: f["code"] - f["item"].map(mins))
    share = (d.set_index(["item", "pos"])["share"].unstack()
             .reindex(index=order, columns=range(width)).to_numpy(float))
    it = result.items
    base = it[(it["population"] == population) & (it["wave"] == wave)
              & (it["brand"] == brand)].set_index("item").reindex(order)
    return order, share, base


def _bars(s0: np.ndarray, k: np.ndarray) -> dict[str, np.ndarray]:
    """Where each answer's segment starts (``left``), the bar's start and each segment's
    colour."""
    width = s0.shape[1]
    pos, mid = np.arange(width)[None, :], (k[:, None] - 1) / 2
    neg, neutral = pos < mid, pos == mid
    start = -(s0 * neg).sum(1) - 0.5 * (s0 * neutral).sum(1)
    colours = np.array([[diverging_colour((j - m) / max(m, 0.5)) for j in range(width)]
                        for m in mid[:, 0]])
    return {"share": s0, "start": start, "left": start[:, None] + np.cumsum(s0, axis=1) - s0,
            "colours": colours}


def _draw_bars(ax: Any, bars: dict[str, np.ndarray], ys: np.ndarray, hidden: np.ndarray,
               order: list[str], w: Words, rep: Any) -> float:
    """Every segment of every bar (one collection), the zero line and the end shares (the
    bottom and top boxes, ``bars["ends"]``); a hidden item gets a grey note. Returns the x
    limit."""
    s0, start, left = bars["share"], bars["start"], bars["left"]
    vis = (~hidden)[:, None] & (s0 > 0)
    x0, x1 = 100 * left[vis], 100 * (left + s0)[vis]
    y0, y1 = np.broadcast_to(ys[:, None], s0.shape)[vis] + np.array([[-0.34], [0.34]])
    boxes = np.stack([np.column_stack(c) for c in ((x0, y0), (x0, y1), (x1, y1), (x1, y0))],
                     axis=1)
    # every segment of every bar in one collection: 10x faster than barh per answer
    ax.add_collection(PolyCollection(boxes, facecolors=bars["colours"][vis],
                                     edgecolors="white", linewidths=0.5, gid="answers"))
    ax.axvline(0, color="#444444", linewidth=0.8, zorder=3)
    for i, y in enumerate(ys):
        if hidden[i]:
            ax.text(0, y, w.charts["suppressed"].format(min=f"{rep.suppress_below:g}"),
                    ha="center", va="center", color=GREY, fontstyle="italic", zorder=4,
                    bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})
            continue
        bottom, top = bars["ends"][i]
        if np.isfinite(bottom):
            ax.annotate(w.pct(bottom), (100 * start[i], y), xytext=(-3, 0),
                        textcoords="offset points", ha="right", va="center", fontsize=9,
                        gid=f"share:{order[i]}:bottom", in_layout=False)
        if np.isfinite(top):
            ax.annotate(w.pct(top), (100 * (start[i] + s0[i].sum()), y), xytext=(3, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=9,
                        gid=f"share:{order[i]}:top", in_layout=False)
    ext = np.max(np.abs(np.concatenate([start, start + s0.sum(1)])), initial=0.5) * 100
    return float(min(110.0, np.ceil((ext + 14) / 10) * 10))


def _answer_legend(scales: list[Any], k: np.ndarray, nps: np.ndarray,
                   w: Words) -> list[Patch]:
    """One legend entry per answer position; scales of one length share a colour, so their
    labels stack in one entry. Scales labelled at their ends only say which code each
    label is; unlabelled scales show their codes. NPS items add their three classes
    ("Detractors 0–6", "Passives 7–8", "Promoters 9–10")."""
    handles = []
    for kk in sorted(set(k[~nps].tolist())):  # one legend run per scale length
        group = [sc for sc, n, p in zip(scales, k, nps, strict=True) if n == kk and not p]
        labelled = [j for j in range(kk) if any(sc.min + j in sc.labels for sc in group)]
        labelled = labelled or list(range(kk))  # no label at all: the codes
        for j in labelled:
            names = list(dict.fromkeys(fit(sc.label_in(sc.min + j, w.language), 150,
                                           lines=1, size=9) for sc in group))
            if len(labelled) < kk:  # labelled ends only (0-10): say which code, once
                code = str(group[0].min + j)
                names = [n if re.match(rf"^\s*{code}\b", n) else f"{code} = {n}"
                         for n in names]
            m = (kk - 1) / 2
            handles.append(Patch(facecolor=diverging_colour((j - m) / max(m, 0.5)),
                                 edgecolor="white", label="\n".join(names)))
    if nps.any():
        for j, (key, codes) in enumerate(zip(("nps_detractors", "nps_passives",
                                              "nps_promoters"), _nps_codes(), strict=True)):
            handles.append(Patch(facecolor=diverging_colour(j - 1.0), edgecolor="white",
                                 label=w.charts[key].format(codes=_codes_text(codes))))
    return handles
