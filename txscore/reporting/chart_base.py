"""What every chart shares: the checks of its arguments, its figure and axes, title, axis
labels, footnote, legend band, score-band ticks, and the formats of its numbers.

Charts are drawn on a bare :class:`matplotlib.figure.Figure` with the Agg canvas (no pyplot
state, no display, safe in threads). A chart reads the result's ``flag`` column and never
compares a base with a threshold: a ``"suppressed"`` cell shows no number, bar or point
(the thresholds appear only in the words that explain the flags).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from txscore.errors import TxscoreError
from txscore.reporting.chart_labels import (
    differences,
    fit,
    fit_names,
    missing_glyphs,
    one_line,
    quiet_glyphs,
    wrap,
)
from txscore.reporting.palette import FIGSIZE, GREY
from txscore.reporting.text import Words, words_for
from txscore.study import IndexSettings
from txscore.study.vocabulary import POPULATIONS as STUDY_POPULATIONS
from txscore.study.vocabulary import TOTAL

__all__ = ["BASE_MEASURES", "LINE_PT", "MEASURE_INDEX", "POPULATIONS", "SIGNED_MEASURES",
           "TOP_BRANDS", "TOP_LINES", "axes", "band_ticks", "base_note", "bases", "decorate",
           "focus_labels", "keys_note", "label_of",
           "legend_above", "message", "more_note", "name_list", "nice_limits", "settle",
           "setup", "short", "study_line", "suppressed", "tick_format", "top_brands", "wave_label",
           "why_missing"]

#: brands a chart by brand shows at most: the top ones by the chart's measure (and the
#: brand asked for with ``focus``); a footnote counts the others, which are in the workbook
TOP_BRANDS = 20
#: lines (brands) a trend chart draws at most, besides the all-brands total
TOP_LINES = 10
#: width in points of a title or footnote line on a new figure
LINE_PT = FIGSIZE[0] * 72 - 24

#: measures whose range is -100..100 (differences and net scores)
SIGNED_MEASURES = ("bx_gap", "cx_classic_net")
#: the populations of the result tables, in the order the charts list them
POPULATIONS = (*STUDY_POPULATIONS, "all")


def setup(result: Any, wave: str | None) -> tuple[str, Words, Any]:
    """Check the result can be charted; return the wave (default the latest), the words of
    the study's language and the report settings."""
    if tuple(getattr(result, "by", ())):
        raise TxscoreError(f"Charts show whole-sample brand scores, but this result is cut by "
                           f"{list(result.by)}. Fix: chart a result scored without `by`.")
    waves = list(result.study.waves)
    if wave is not None and wave not in waves:
        raise TxscoreError(f"Cannot chart wave {wave!r}: the study's waves are {waves}. "
                           "Fix: pass one of them, or wave=None for the latest.")
    report = result.study.report
    return wave or waves[-1], words_for(report.language), report


#: the index of ``Result.not_computed`` each measure of the scores belongs to
MEASURE_INDEX = {"tx": "tx", "customer_score": "c", "non_customer_score": "n", "cx": "cx",
                 "bx_customers": "bx_customer", "bx_non_customers": "bx_non_customer",
                 "nps": "nps"}
#: the populations each index of ``Result.not_computed`` needs
_NEEDS = {"cx": ("customer",), "bx_customer": ("customer",), "c": ("customer",),
          "bx_non_customer": ("non_customer",), "n": ("non_customer",),
          "tx": STUDY_POPULATIONS, "grid": STUDY_POPULATIONS, "nps": ("customer",)}


def why_missing(result: Any, index: str, wave: str) -> str:
    """Why a chart of an index has nothing to show for a wave, for its error message: the
    reason of ``result.not_computed`` (the index is missing in every wave), else the
    population the wave has no scored rows of.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> result = SimpleNamespace(not_computed={"tx": "no_customer_source"})
    >>> why_missing(result, "tx", "W1")[:36]
    'the study has no customer source (ad'
    """
    w = words_for("en")
    reason = (getattr(result, "not_computed", None) or {}).get(index)
    if reason:
        return w.not_computed.get(reason, reason)
    s = result.scores
    have = set(s.loc[s["wave"] == wave, "population"])
    for pop in _NEEDS.get(index, ()):
        if pop not in have:
            return (f"wave {wave!r} has no scored {w.charts[pop]} (add a [[sources]] entry "
                    f'with population = "{pop}" and wave = "{wave}", or see Exclusions)')
    return f"it has no value in wave {wave!r}"


def label_of(study: Any, key: str, language: str, shown: object = None) -> str:
    """The short label of a construct or item in ``language``: its translation when the
    study gives one, else ``shown`` (the label a result table carries), else its label,
    text or name; a measure (the loyalty composite) in the report's words; anything else
    ``shown`` or ``key`` itself.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> label_of(study, "trust", "fr"), label_of(study, "sal_1", "en")[:24]
    ('Confiance', '[Brand] comes to mind fi')
    >>> label_of(study, "trust_9", "fr", "Confidence")  # no translation: as shown
    'Confidence'
    """
    given = shown if isinstance(shown, str) and shown else None
    if key in study.constructs:
        cons = study.constructs[key]
        return cons.labels.get(language) or given or cons.title_in(language)
    if key in study.items:
        item = study.items[key]
        return item.labels.get(language) or given or item.label_in(language)
    # a measure of the report's words (the loyalty composite), else as shown
    return words_for(language).measures.get(key) or given or str(key)


def suppressed(flags: Any) -> np.ndarray:
    """Per row, whether its ``flag`` is ``"suppressed"`` (no number may be shown).

    >>> suppressed(["ok", "suppressed", None]).tolist()
    [False, True, False]
    """
    return np.asarray(pd.Series(flags, dtype=object).eq("suppressed"), bool)


def short(text: str, limit: int) -> str:
    """Text cut at ``limit`` characters with an ellipsis.

    >>> short("Concentrate  here", 9)
    'Concentr…'
    """
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def tick_format(words: Words) -> FuncFormatter:
    """Tick labels with the language's decimal mark and no trailing zeros (0.75, 60)."""
    def fmt(v: float, _pos: int | None = None) -> str:
        decimals = next((d for d in (0, 1, 2) if abs(v - round(v, d)) < 1e-9), 3)
        return words.num(v, decimals)
    return FuncFormatter(fmt)


def axes(ax: Any, height: float = FIGSIZE[1]) -> tuple[Figure, Any, bool]:
    """The figure and axes to draw on, and whether the figure is ours."""
    if ax is not None:
        return ax.figure, ax, False
    fig = Figure(figsize=(FIGSIZE[0], height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(), True


def decorate(ax: Any, words: Words, title: str, xlabel: str, ylabel: str, note: str,
             own: bool, *, xfmt: bool = True, yfmt: bool | None = None) -> None:
    """Title, axis labels, decimal marks and footnote (at the figure's left on own figures).

    The title is wrapped on two lines at most (then shortened), the footnote wrapped; a
    new figure grows taller for a footnote of more than four lines or a two-line title, so
    that the plot keeps its room. ``xfmt`` / ``yfmt``: give the axis numeric tick labels
    with the language's decimal mark (default: x always, y when it has a label); off for
    categorical axes.
    """
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    width = LINE_PT if own else max(120.0, ax.bbox.width * 72 / ax.figure.dpi)
    title = fit(title, width, lines=2, size=12, bold=True)
    note = wrap(note, width, size=9)
    if own:
        extra = max(0, note.count("\n") - 3) * 9 * 1.4 + title.count("\n") * 12 * 1.2
        ax.figure.set_figheight(ax.figure.get_figheight() + extra / 72)
    if xfmt:
        ax.xaxis.set_major_formatter(tick_format(words))
    if bool(ylabel) if yfmt is None else yfmt:
        ax.yaxis.set_major_formatter(tick_format(words))
    if own:  # constrained layout keeps both clear of the axes and inside the figure
        ax.figure.suptitle(title, x=0.012, ha="left", fontsize=12, fontweight="bold")
        ax.figure.supxlabel(note, x=0.012, ha="left", fontsize=9, color=GREY, linespacing=1.4)
        return
    ax.set_title(title)
    ax.annotate(note, xy=(0, 0), xycoords=("axes fraction", ax.xaxis.label), xytext=(0, -6),
                textcoords="offset points", ha="left", va="top", fontsize=9, color=GREY,
                linespacing=1.4)


def legend_above(ax: Any, handles: list, own: bool, *, ncols: int | None = None,
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


def settle(fig: Figure) -> None:
    """Run the figure's constrained layout now (label nudges are measured on the final
    axes); characters no font has are said once by a report, not once per glyph here."""
    with quiet_glyphs():
        fig.get_layout_engine().execute(fig)


def message(ax: Any, text: str) -> None:
    """A grey message in the middle of an empty plot."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color=GREY,
            fontsize=12, fontstyle="italic")


def nice_limits(values: np.ndarray, *, pad_min: float = 6.0, lo: float = 0.0,
                hi: float = 100.0, step: float = 5.0) -> tuple[float, float]:
    """Axis limits around the finite ``values`` with room for labels, on ``step`` ticks.

    >>> nice_limits(np.array([61.0, 72.0]))
    (55.0, 80.0)
    """
    v = np.asarray(values, float)
    v = v[np.isfinite(v)] if np.isfinite(v).any() else np.array([lo, hi])
    pad = max(pad_min, 0.2 * (v.max() - v.min()))
    return (float(np.floor(max(lo, v.min() - pad) / step) * step),
            float(np.ceil(min(hi, v.max() + pad) / step) * step))


def band_ticks(ax: Any, result: Any, words: Words) -> None:
    """The score bands (excellent >= 80 ...) as faint lines and names under the x ticks."""
    # a duck-typed result may lack the index settings: the spec's default bands then
    bands = getattr(getattr(result.study, "index", None), "bands", IndexSettings.bands)
    edges = sorted({0.0, 100.0, *(float(lo) for _, lo in bands if 0 < lo < 100)})
    for x in edges[1:-1]:
        ax.axvline(x, color="#d0d0d0", linewidth=0.8, linestyle=":", zorder=0)
    mids = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    names = [next((n for n, lo in bands if m >= lo), "") for m in mids]
    ax.set_xticks(mids, [words.bands.get(n, n).lower() for n in names], minor=True)
    ax.tick_params(axis="x", which="minor", length=0, pad=17, labelsize=8, labelcolor=GREY)


def bases(result: Any, wave: str, measures: tuple[str, ...], brands: list[str],
          words: Words, labels: Sequence[str] | None = None) -> str:
    """``"Adatum 468 / 420 · Contoso 502 / 431"``: n_eff per brand of each measure's cell
    (``labels``: how the brands are named, default their names on one line); for more
    than six brands the range of each measure, ``"420–1,065 / 380–950"``."""
    s = result.scores
    rows = s[(s["wave"] == wave) & s["measure"].isin(measures) & s["brand"].isin(brands)]
    if rows.empty:
        return ""
    wide = rows.pivot_table(index="brand", columns="measure", values="n_eff", sort=False)
    wide = wide.reindex(index=brands, columns=list(measures))
    if len(brands) > 6:  # one range per measure
        return " / ".join(
            "–" if not np.isfinite(wide[m]).any() else
            "–".join(dict.fromkeys((words.count(wide[m].min()), words.count(wide[m].max()))))
            for m in measures)
    names = [n.replace("\n", " ") for n in labels] if labels else [one_line(b) for b in brands]
    nb = "\u00a0"  # a brand's bases stay on one line
    return " · ".join(f"{n}{nb}" + f"{nb}/{nb}".join(words.count(v) if np.isfinite(v) else "–"
                                                    for v in wide.loc[b])
                      for n, b in zip(names, brands, strict=True))


#: the measure whose all-brands cell counts a population's respondents in a wave
BASE_MEASURES = {"customer": "customer_score", "non_customer": "non_customer_score"}


def _base_cells(result: Any, waves: Sequence[str], population: str,
                measure: str | None) -> dict[str, pd.DataFrame]:
    """Per population, the all-brands cells (n, flag) of each wave counting its
    respondents: the chart's ``measure`` in the population, else the population's score;
    for ``"all"``, customers and non-customers apart when the result has them."""
    s = result.scores
    total = s[(s["brand"] == TOTAL) & s["wave"].isin(list(waves))]
    pops = list(BASE_MEASURES) if population == "all" else [population]
    out: dict[str, pd.DataFrame] = {}
    for pop in pops:
        for m in (measure, BASE_MEASURES.get(pop)):
            rows = total[(total["measure"] == m) & (total["population"] == pop)]
            if len(rows):
                out[pop] = rows.drop_duplicates("wave").set_index("wave").reindex(list(waves))
                break
    if not out and population == "all" and measure is not None:  # one base for all
        rows = total[(total["measure"] == measure) & (total["population"] == "all")]
        if len(rows):
            out["all"] = rows.drop_duplicates("wave").set_index("wave").reindex(list(waves))
    return out


def base_note(result: Any, waves: Sequence[str], words: Words, *, population: str = "all",
              measure: str | None = None) -> str:
    """The footnote line on a chart's base, the respondents of its population(s), all
    brands: ``"Base: customers n = 3,283, non-customers n = 2,941 (2026 Q2)"``; over
    several waves ``"Base (customers / non-customers): 3,082 / 3,065 (2026 Q1) · 3,283 /
    2,941 (2026 Q2)"``, over more than three their range. A suppressed total shows no
    count. ``""`` when the result has no such cells.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml").with_settings(bootstrap=0)
    >>> result = tx.score(tx.load(study))
    >>> base_note(result, ["2026 Q2"], words_for("en"))
    'Base: customers n = 3,283, non-customers n = 2,941 (2026 Q2)'
    >>> base_note(result, ["2026 Q1", "2026 Q2"], words_for("fr"), population="customer",
    ...           measure="cx").replace("\u202f", " ").replace("\u00a0", " ")
    'Base (clients) : 3 082 (2026 Q1) · 3 283 (2026 Q2)'
    """
    t = words.charts
    cells = _base_cells(result, waves, population, measure)
    if not cells:
        return ""
    low = f"{result.study.report.suppress_below:g}"
    whos = [t["brands_base_all"] if pop == "all" else t[pop] for pop in cells]

    def count(rows: pd.DataFrame) -> str | None:  # "3,283", "3,082–3,283"; None: suppressed
        shown = rows[rows["flag"].ne("suppressed") & np.isfinite(rows["n"].astype(float))]
        if shown.empty:
            return None if rows["n"].notna().any() else "–"
        return "–".join(dict.fromkeys(words.count(v) for v in (shown["n"].min(),
                                                               shown["n"].max())))

    def name(wave: str) -> str:
        return fit(wave, 100, lines=1, size=9)

    if len(waves) == 1:
        parts = [t["brands_base_n"].format(who=who, n=n) if (n := count(rows)) else
                 t["brands_base_below"].format(who=who, min=low)
                 for who, rows in zip(whos, cells.values(), strict=True)]
        return t["brands_base"].format(parts=t["brands_base_wave"].format(
            parts=", ".join(parts), wave=name(waves[0])))

    def counts(chosen: list[str]) -> str:
        return " / ".join(count(rows.loc[chosen]) or t["brands_base_under"].format(min=low)
                          for rows in cells.values())

    each = ([t["brands_base_span"].format(parts=counts(list(waves)), first=name(waves[0]),
                                          last=name(waves[-1]))] if len(waves) > 3 else
            [t["brands_base_wave"].format(parts=counts([x]), wave=name(x)) for x in waves])
    return t["brands_base_waves"].format(who=" / ".join(whos), parts=" · ".join(each))


def focus_labels(ax: Any, focus: str | None, brands: Sequence[str], *,
                 grey: bool = True) -> None:
    """The direct labels (gid ``label:<brand>``) of a chart with a focus brand: the focus
    brand's in bold, the others' grey (``grey``)."""
    if focus is None:
        return
    names = {f"label:{b}" for b in brands}
    for text in ax.texts:
        gid = text.get_gid() or ""
        if gid == f"label:{focus}":
            text.set_fontweight("bold")
        elif grey and gid in names:
            text.set_color(GREY)


def study_line(result: Any) -> str:
    """The study's name as the first footnote line: one line, shortened if need be."""
    return fit(result.study.name, LINE_PT, lines=1, size=9)


def top_brands(rows: pd.DataFrame, by: Sequence[float], top: int | None,
               focus: str | None = None) -> tuple[pd.DataFrame, int]:
    """The rows of the ``top`` brands with the highest ``by`` (NaN last; ties by name) and
    the ``focus`` brand, in the order of ``rows``; and how many brands are left out. Every
    row when ``top`` is None or the rows are not more.

    Examples
    --------
    >>> rows = pd.DataFrame({"brand": ["A", "B", "C", "D"]})
    >>> shown, more = top_brands(rows, [50.0, np.nan, 70.0, 60.0], 2, focus="A")
    >>> shown["brand"].tolist(), more
    (['A', 'C', 'D'], 1)
    """
    if top is None or len(rows) <= top:
        return rows, 0
    key = pd.DataFrame({"v": np.nan_to_num(np.asarray(by, float), nan=-np.inf),
                        "b": rows["brand"].astype(str).to_numpy()})
    first = key.sort_values(["v", "b"], ascending=[False, True], kind="stable").index[:top]
    keep = np.zeros(len(rows), bool)
    keep[first] = True
    keep |= (rows["brand"] == focus).to_numpy() if focus is not None else False
    return rows[keep], int((~keep).sum())


def more_note(words: Words, more: int, top: int | None, measure: str) -> list[str]:
    """The footnote line on the brands left out of a chart (none when none is)."""
    if not more:
        return []
    key = "more_brand" if more == 1 else "more_brands"
    return [words.charts[key].format(n=words.count(more), top=top, measure=measure)]


def name_list(names: Sequence[object], words: Words, limit: int = 6,
              width: float = 130.0) -> str:
    """``"A, B, C and 4 more"``: the first ``limit`` names, each on one line of at most
    ``width`` points at 9 pt."""
    shown = [fit(n, width, lines=1, size=9) for n in list(names)[:limit]]
    text = ", ".join(shown)
    if len(names) > limit:
        text = words.charts["and_more"].format(names=text, n=words.count(len(names) - limit))
    return text


def keys_note(words: Words, keys: Sequence[tuple[str, str]]) -> list[str]:
    """The footnote lines giving the full names behind the keys of shortened names, one
    key a line (each name on three lines at most, one when there are more than three;
    shortened around where it differs from the others).

    >>> keys_note(words_for("en"), [("[1]", "Alpha one"), ("[2]", "Alpha two")])
    ['Shortened names: [1] Alpha one', '[2] Alpha two']
    """
    if not keys:
        return []
    lines = 3 if len(keys) <= 3 else 1
    starts = differences([name for _, name in keys])  # a shortened name shows where it differs
    # a name of characters no font has (boxes) gains nothing from more lines
    out = [f"{k} " + fit(name, LINE_PT - 130, lines=1 if missing_glyphs([name]) else lines,
                         size=9, middle=d or False).replace("\n", " ")
           for (k, name), d in zip(keys, starts, strict=True)]
    return [words.charts["keys"].format(keys=out[0]), *out[1:]]


def wave_label(waves: Sequence[str], wave: str, *, width: float = 200.0,
               size: float = 12, bold: bool = True) -> tuple[str, list[tuple[str, str]]]:
    """How a wave is named in a title (one line of ``width`` points, told apart from the
    study's other waves) and its key, when it needs one.

    >>> wave_label(["2026 Q1", "2026 Q2"], "2026 Q2")
    ('2026 Q2', [])
    """
    waves = list(waves)
    labels, keys = fit_names(waves, width, lines=1, size=size, bold=bold)
    label = labels[waves.index(wave)] if wave in waves else fit(wave, width, lines=1,
                                                               size=size, bold=bold)
    key = [(k, n) for k, n in keys if label.startswith(f"{k} ")]
    return label, key
