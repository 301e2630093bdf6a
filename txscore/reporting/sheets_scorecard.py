"""The Scorecards sheet: one card per brand, the latest wave, each on its own printed page.

A card (brands in :func:`~txscore.reporting.palette.brand_order`, the ``[report]
focus_brand`` first; with segment cuts one card per brand and segment):

- a title row, the brand's name on its colour
  (:func:`~txscore.reporting.palette.brand_colours`), and a line with the wave and the bases;
- the headline indices (TX, C, N, CX, BX customers and non-customers, NPS): score on its band
  colour, interval, change since the previous wave and gap to the peer average, each with
  its reading in words, base and a plain-words note when the base is small; an index the
  study cannot have says "not computed" and why;
- the growth-grid quadrant, and the previous wave's when it differs;
- the top three drivers of each driver analysis, with the brand's score on each and its
  gap to the peers;
- the reliability caveats, in plain words.

One rule for every "significant" (``design17``): the change's ``significant`` is True (after
the study's multiple-testing setting), its ``flag`` is "ok" and the cell is not suppressed;
anything else reads "no significant change" / "in line with peers". A suppressed cell shows
the suppressed text and no number anywhere in its row. Reporting decides nothing else: it
reads the result's flags, bands and codes.
"""

from __future__ import annotations

import copy
import functools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from txscore.reporting.palette import (
    BAND_FILL,
    TOTAL_COLOUR,
    brand_colours,
    brand_order,
    focus_of,
)
from txscore.reporting.sheets_scores import SUMMARY_MEASURES
from txscore.reporting.xlsx import GREY_FLAGS, Book, Sheet, print_scale
from txscore.study.vocabulary import POPULATIONS, TOTAL

__all__ = ["CARD_MEASURES", "TOP_DRIVERS", "ink", "scorecard_sheet"]

#: the indices of a card and the population each is read from
CARD_MEASURES = SUMMARY_MEASURES
#: drivers shown per analysis
TOP_DRIVERS = 3
#: the key of ``Result.not_computed`` (and of the ``indices`` words) of each index
_INDEX_OF = {"tx": "tx", "customer_score": "c", "non_customer_score": "n", "cx": "cx",
             "bx_customers": "bx_customer", "bx_non_customers": "bx_non_customer", "nps": "nps"}
# the columns of a card's index table (the drivers table uses the first five)
MEASURE, SCORE, INTERVAL, CHANGE, CHANGE_WORDS, GAP, GAP_WORDS, BASE, NOTE = range(1, 10)
#: characters of the wrapped note column, and of the measure / driver column before it wraps
NOTE_WIDTH, LABEL_WIDTH = 34, 26
_DIFF = "+0.0;-0.0;0.0"


def ink(colour: str) -> str:
    """Black or white text, whichever contrasts more with a fill of ``colour`` (#RRGGBB,
    WCAG relative luminance).

    >>> ink("#0072B2"), ink("#E69F00"), ink("#404040")
    ('FFFFFF', '000000', 'FFFFFF')
    """
    rgb = np.array([int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)])
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    lum = float(lin @ np.array([0.2126, 0.7152, 0.0722]))
    return "FFFFFF" if (1.05 / (lum + 0.05)) >= ((lum + 0.05) / 0.05) else "000000"


@functools.lru_cache(maxsize=2)
def _indent_top(wrap: bool = False):
    """Words beside a number, at the top of their row like every cell of a card's row (a
    note may wrap onto more lines)."""
    from openpyxl.styles import Alignment

    return Alignment(horizontal="left", indent=1, vertical="top", wrap_text=wrap)


def _true(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) \
        and value is not pd.NA and bool(value)


def _finite(value: object) -> bool:
    return isinstance(value, int | float | np.number) and bool(np.isfinite(float(value)))


@dataclass
class _Tables:
    """The result's rows a card reads, by cell: ``(wave, *segments, brand, measure,
    population)`` for scores and items, ``(comparison, wave, ...)`` for changes, ``(wave,
    *segments, brand)`` for the grid."""

    ctx: Book
    wave: str
    previous: str | None
    scores: dict[tuple, dict] = field(default_factory=dict)
    changes: dict[tuple, dict] = field(default_factory=dict)
    items: dict[tuple, dict] = field(default_factory=dict)
    grid: dict[tuple, dict] = field(default_factory=dict)
    #: ``(*segments, brand)`` -> population -> n (the first row of the cell, as on Summary)
    bases: dict[tuple, dict[str, int]] = field(default_factory=dict)
    #: ``(*segments, brand)`` -> the smallest effective base of its populations
    smallest: dict[tuple, float] = field(default_factory=dict)
    drivers: pd.DataFrame = field(default_factory=pd.DataFrame)
    caveats: list[str] = field(default_factory=list)

    @property
    def w(self) -> dict[str, str]:
        return self.ctx.words.table["scorecard"]

    def change(self, comparison: str, at: tuple, measure: str, pop: str) -> dict | None:
        return self.changes.get((comparison, self.wave, *at, measure, pop))


def _indexed(frame: pd.DataFrame | None, keys: list[str], waves: list[str]) -> dict[tuple, dict]:
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return {}
    sub = frame[frame["wave"].isin(waves)]
    recs = sub.to_dict("records")
    return {tuple(r[k] for k in keys): r for r in recs}


def _tables(ctx: Book, wave: str, previous: str | None) -> _Tables:
    result, by = ctx.result, list(ctx.result.by)
    waves = [wave] if previous is None else [wave, previous]
    cell = ["wave", *by, "brand"]
    t = _Tables(ctx, wave, previous)
    t.scores = _indexed(result.scores, [*cell, "measure", "population"], waves)
    t.changes = _indexed(result.changes, ["comparison", *cell, "measure", "population"], [wave])
    items = getattr(result, "items", None)
    if isinstance(items, pd.DataFrame) and set(by) <= set(items.columns):
        t.items = _indexed(items, [*cell, "item", "population"], [wave])
    t.grid = _indexed(result.grid, cell, waves)
    s = result.scores
    firsts = s[(s["wave"] == wave) & s["n"].notna()].drop_duplicates([*by, "brand",
                                                                      "population"])
    for rec in firsts.to_dict("records"):
        at = tuple(rec[k] for k in [*by, "brand"])
        t.bases.setdefault(at, {})[str(rec["population"])] = int(rec["n"])
        if rec["population"] != "all" and _finite(rec["n_eff"]):
            t.smallest[at] = min(t.smallest.get(at, math.inf), float(rec["n_eff"]))
    drivers = getattr(result, "drivers", None)
    if isinstance(drivers, pd.DataFrame) and not drivers.empty:
        t.drivers = drivers[drivers["wave"] == wave]
    t.caveats = _caveat_lines(ctx)
    return t


def _cards(ctx: Book, wave: str) -> list[tuple]:
    """The cards, ``(*segments, brand)``: brands in order, the focus brand first."""
    s, by = ctx.result.scores, list(ctx.result.by)
    cells = s.loc[(s["wave"] == wave) & (s["brand"] != TOTAL), [*by, "brand"]].drop_duplicates()
    brands = brand_order(cells["brand"])
    focus = focus_of(ctx.result)
    if focus in brands:
        brands = [focus, *[b for b in brands if b != focus]]
    out = []
    for brand in brands:
        mine = cells[cells["brand"].astype(str) == brand]
        keys = {tuple(r) for r in mine.itertuples(index=False)}
        out += sorted(keys, key=lambda k: tuple(map(str, k)))
    return out


def scorecard_sheet(wb, ctx: Book) -> None:
    """One card per brand: the indices with interval, change, peer gap and quadrant, the
    top drivers, the reliability caveats; each card on a new printed page."""
    from openpyxl.worksheet.pagebreak import Break

    lab, s = ctx.words, ctx.result.scores
    w = lab.table["scorecard"]
    rep = ctx.study.report
    waves = [x for x in ctx.study.waves if (s["wave"] == x).any()] or list(
        dict.fromkeys(s["wave"].astype(str)))
    wave = waves[-1] if waves else ""
    level = lab["level_bh" if rep.multiple_testing == "bh" else "level"].format(
        alpha=lab.num(round(1 - rep.confidence, 4)))
    sh = Sheet.new(wb, ctx, "scorecards", w["title"].format(wave=wave), w["subtitle"].format(
        wave=wave, conf=lab.num(rep.confidence * 100), level=level))
    if waves:
        t = _tables(ctx, wave, waves[-2] if len(waves) > 1 else None)
        colours = brand_colours(ctx.result)
        for i, at in enumerate(_cards(ctx, wave)):
            if i and sh.row <= ctx.max_rows:
                sh.ws.row_breaks.append(Break(id=sh.row - 1))  # each card opens a page
            _card(sh, t, at, colours.get(str(at[-1]), TOTAL_COLOUR))
    sh.finish(gridlines=False)
    _portrait_if_legible(sh.ws, sh.ctx.paper)


#: the smallest print scale a card may take in portrait (10 pt text prints at 8 pt or more)
PORTRAIT_MIN_SCALE = 0.8


def _portrait_if_legible(ws, paper: str) -> None:
    """A card is taller than wide: in portrait each fits one page, so portrait wherever the
    text stays at 8 pt or more there (:data:`PORTRAIT_MIN_SCALE`)."""
    from openpyxl.utils import get_column_letter

    widths = [ws.column_dimensions[get_column_letter(j)].width
              for j in range(1, ws.max_column + 1)]
    if print_scale(widths, paper, False) >= PORTRAIT_MIN_SCALE:
        ws.page_setup.orientation = "portrait"


# ---------------------------------------------------------------------- one card
def _card(sh: Sheet, t: _Tables, at: tuple, colour: str) -> None:
    ctx, w, st = t.ctx, t.w, t.ctx.st
    brand = at[-1]
    font = copy.copy(st["h2"])
    font.color = ink(colour)
    top = sh.row
    sh.para(str(brand), font=font)
    if sh.fits(top):
        from openpyxl.styles import PatternFill

        sh.ws.cell(row=top, column=1).fill = PatternFill("solid", fgColor=colour.lstrip("#"))
    line = w["card_line"].format(wave=t.wave, bases=_bases(t, at))
    segs = [w["card_segment"].format(name=str(b).replace("_", " ").capitalize(), value=v)
            for b, v in zip(ctx.result.by, at[:-1], strict=True)]
    if str(brand) == focus_of(ctx.result):
        segs.append(w["focus"])
    sh.para(" – ".join([line, *segs]) if segs else line, font=st["subtitle"])
    sh.row += 1
    _index_table(sh, t, at)
    _quadrant(sh, t, at)
    _drivers(sh, t, at)
    sh.heading(w["caveats_title"])
    for text in t.caveats or [w["caveats_none"]]:
        sh.para(text)
    sh.row += 1


def _bases(t: _Tables, at: tuple) -> str:
    """The card's bases: n per population of the latest wave (customers and non-customers,
    else all respondents)."""
    lab, w = t.ctx.words, t.w
    firsts = t.bases.get(at, {})
    pops = [p for p in ("customer", "non_customer") if p in firsts] or [
        p for p in POPULATIONS if p in firsts]
    return w["base_sep"].join(w[f"base_{p}"].format(n=lab.count(firsts[p])) for p in pops
                              ) if pops else "–"


def _index_table(sh: Sheet, t: _Tables, at: tuple) -> None:
    ctx, w, lab = t.ctx, t.w, t.ctx.words
    conf = lab.num(ctx.study.report.confidence * 100)
    change = (w["h_change"].format(wave=t.previous) if t.previous is not None
              else w["h_change_first"])
    sh.header(sh.row, [w["h_measure"], w["h_score"], w["h_interval"].format(conf=conf), change,
                       w["h_change_words"], w["h_gap"], w["h_gap_words"], w["h_n"],
                       w["h_note"]])
    sh.row += 1
    missing = getattr(ctx.result, "not_computed", None) or {}
    for m, pop in CARD_MEASURES:
        rec = t.scores.get((t.wave, *at, m, pop))
        if rec is not None:
            _index_row(sh, t, at, m, pop, rec)
        elif _INDEX_OF[m] in missing:
            reason = missing[_INDEX_OF[m]]
            _label(sh, sh.row, lab.measures.get(m, m))
            sh.cell(sh.row, SCORE, w["not_computed"], font=ctx.st["grey"], align=ctx.st["top"])
            _note(sh, sh.row, lab.not_computed.get(reason, reason))
            sh.row += 1
    sh.row += 1


def _index_row(sh: Sheet, t: _Tables, at: tuple, m: str, pop: str, rec: dict) -> None:
    ctx, w, lab = t.ctx, t.w, t.ctx.words
    rep, st, r = ctx.study.report, ctx.st, sh.row
    _label(sh, r, lab.measures.get(m, m))
    flag = str(rec["flag"])
    sh.row += 1
    if flag == "suppressed":
        sh.cell(r, SCORE, ctx.supp, font=st["grey"], align=st["right_top"])
        _note(sh, r, w["note_suppressed"].format(min=lab.num(rep.suppress_below)))
        return
    _score(sh, r, SCORE, rec)
    if _finite(rec.get("ci_low")) and _finite(rec.get("ci_high")):
        low, high = (lab.num(rec[k], 1) for k in ("ci_low", "ci_high"))
        sh.cell(r, INTERVAL, w["interval"].format(low=low, high=high), align=st["right_top"])
    _comparison(sh, t, r, CHANGE, _reading(t, "wave", at, m, pop))
    _comparison(sh, t, r, GAP, _reading(t, "peer", at, m, pop))
    if _finite(rec.get("n")):
        sh.cell(r, BASE, rec["n"], "#,##0", align=st["right_top"])
    if flag in GREY_FLAGS:
        floor = rep.caution_below if flag == "caution" else rep.low_base_below
        n_eff = rec["n_eff"]
        if pop == "all":  # an index of both populations (TX): the smaller base flags it
            n_eff = t.smallest.get(at, n_eff)
        _note(sh, r, w[f"note_{flag}"].format(n_eff=lab.count(n_eff), min=lab.num(floor)))


def _label(sh: Sheet, r: int, text: str) -> None:
    """A measure's or driver's name in the first column, wrapped when long."""
    if len(text) > LABEL_WIDTH - 2:
        sh.cell(r, MEASURE, text, wrap=True)
        sh.need(MEASURE, LABEL_WIDTH)
        sh.wrapped[r] = max(sh.wrapped.get(r, 1), math.ceil(len(text) / (LABEL_WIDTH - 3)))
    else:
        sh.cell(r, MEASURE, text, align=sh.ctx.st["top"])


def _note(sh: Sheet, r: int, text: str) -> None:
    """A plain-words note in the last column, wrapped (the column widens for it)."""
    c = sh.cell(r, NOTE, text, wrap=True)
    sh.ctx.style(c, None, sh.ctx.st["grey"], None, _indent_top(wrap=True))
    sh.need(NOTE, NOTE_WIDTH)
    lines = math.ceil(len(text) / (NOTE_WIDTH - 4))
    sh.wrapped[r] = max(sh.wrapped.get(r, 1), lines)


def _score(sh: Sheet, r: int, col: int, rec: dict) -> None:
    """A score on its band colour (grey italics, no colour, when the base is small)."""
    st = sh.ctx.st
    flag, band = str(rec.get("flag")), rec.get("band")
    grey = flag in GREY_FLAGS
    banded = not grey and isinstance(band, str) and band in BAND_FILL
    sh.cell(r, col, rec["value"], "0.0",
            font=st["grey"] if grey else st["band_fonts"][band] if banded else None,
            fill=st["fills"][band] if banded else None, align=st["right_top"])


def _reading(t: _Tables, comparison: str, at: tuple, m: str, pop: str
             ) -> tuple[float | None, str, bool, bool]:
    """A change or peer gap: (difference or None, its words, significant, grey)."""
    w = t.w
    if comparison == "wave" and t.previous is None:
        return None, w["first"], False, False
    rec = t.change(comparison, at, m, pop)
    if rec is None:
        if comparison == "wave" and (t.previous, *at, m, pop) not in t.scores:
            return None, w["no_previous"].format(wave=t.previous), False, False
        return None, "", False, False
    diff = rec["difference"]
    if not _finite(diff):
        return None, "", False, False
    ok = str(rec["flag"]) == "ok"
    sig = _true(rec["significant"]) and ok
    if comparison == "wave":
        words = (w["rise"] if diff > 0 else w["fall"]) if sig else w["flat"]
    else:
        words = (w["above"] if diff > 0 else w["below"]) if sig else w["in_line"]
    return float(diff), words, sig, not ok


def _comparison(sh: Sheet, t: _Tables, r: int, col: int,
                reading: tuple[float | None, str, bool, bool]) -> None:
    """The difference in ``col`` and its words in the next column."""
    st = t.ctx.st
    diff, words, sig, grey = reading
    if diff is not None:
        sh.cell(r, col, diff, _DIFF, font=st["grey"] if grey else None, align=st["right_top"])
    if words:
        sh.cell(r, col + 1, words, font=st["bold"] if sig else None, align=_indent_top())


# ---------------------------------------------------------------------- quadrant, drivers
def _quadrant(sh: Sheet, t: _Tables, at: tuple) -> None:
    lab, w = t.ctx.words, t.w
    g = t.grid.get((t.wave, *at))
    if g is None:
        return
    q = g.get("quadrant")
    if str(g.get("flag")) == "suppressed":
        text = w["quadrant_hidden"]
    elif not (isinstance(q, str) and q):
        return
    else:
        before = t.grid.get((t.previous, *at)) if t.previous is not None else None
        p = before.get("quadrant") if before is not None else None
        if (isinstance(p, str) and p and p != q
                and str(before.get("flag")) != "suppressed"):
            text = w["quadrant_was"].format(quadrant=lab.quadrants.get(q, q), wave=t.previous,
                                            previous=lab.quadrants.get(p, p))
        else:
            text = w["quadrant"].format(quadrant=lab.quadrants.get(q, q))
        peer = g.get("in_peer_average")
        if isinstance(peer, bool | np.bool_) and not peer:
            text += " " + w["quadrant_not_peer"].format(
                min=lab.num(t.ctx.study.report.peer_min_base))
    sh.para(text)
    sh.row += 1


def _driver_label(ctx: Book, code: str, label: object) -> str:
    """A driver's name in the report language when the study translates it."""
    language = ctx.words.language
    cons = ctx.study.constructs.get(code)
    if cons is not None:
        return cons.labels.get(language) or str(label)
    item = ctx.study.items.get(code)
    if item is not None and (item.labels.get(language) or item.texts.get(language)):
        return item.label_in(language)
    return str(label)


def _top(rows: pd.DataFrame) -> pd.DataFrame:
    """The analysis' strongest drivers: largest importance, either sign."""
    size = rows["importance"].abs().fillna(-1.0)
    order = np.argsort(-size.to_numpy(float), kind="stable")
    return rows.iloc[order[:TOP_DRIVERS]]


def _drivers(sh: Sheet, t: _Tables, at: tuple) -> None:
    ctx, w = t.ctx, t.w
    sh.heading(w["drivers_title"])
    d = t.drivers
    if d.empty:
        sh.para(w["drivers_none"].format(wave=t.wave))
        sh.row += 1
        return
    sh.header(sh.row, [w["h_driver"], w["h_brand_score"], w["h_importance"], w["h_gap"],
                       w["h_gap_words"]])
    sh.row += 1
    for analysis in dict.fromkeys(d["analysis"].astype(str)):
        rows = d[d["analysis"].astype(str) == analysis]
        sh.para(ctx.words.analyses.get(analysis, analysis), font=ctx.st["bold"])
        for rec in _top(rows).to_dict("records"):
            _driver_row(sh, t, at, rec)
    sh.row += 1


def _driver_row(sh: Sheet, t: _Tables, at: tuple, rec: dict) -> None:
    ctx, st = t.ctx, t.ctx.st
    r = sh.row
    sh.row += 1
    code, pop = str(rec["driver"]), str(rec["population"])
    _label(sh, r, _driver_label(ctx, code, rec["label"]))
    if _finite(rec["importance"]):
        sh.cell(r, INTERVAL, rec["importance"], "0.0", align=st["right_top"],
                font=st["grey"] if str(rec["flag"]) != "ok" else None)
    score = t.scores.get((t.wave, *at, code, pop))
    if score is None:
        item = t.items.get((t.wave, *at, code, pop))
        if item is None:
            return
        score = {"value": item["score100"], "flag": item["flag"], "band": None}
    if str(score["flag"]) == "suppressed":
        sh.cell(r, SCORE, ctx.supp, font=st["grey"], align=st["right_top"])
        return
    _score(sh, r, SCORE, score)
    _comparison(sh, t, r, CHANGE, _reading(t, "peer", at, code, pop))


# ---------------------------------------------------------------------- caveats
def _caveat_lines(ctx: Book) -> list[str]:
    """One sentence per construct x population whose reliability verdict is not "ok"
    (customers and non-customers; all respondents only for a construct with neither)."""
    rel = getattr(ctx.result, "reliability", None)
    if not isinstance(rel, pd.DataFrame) or rel.empty:
        return []
    lab, w = ctx.words, ctx.words.table["scorecard"]
    split = set(rel.loc[rel["population"].isin(["customer", "non_customer"]), "construct"])
    lines = []
    for r in rel.to_dict("records"):
        code = "suppressed" if str(r.get("flag")) == "suppressed" else r.get("verdict")
        if not isinstance(code, str) or code == "ok":
            continue
        if r["population"] == "all" and r["construct"] in split:
            continue
        cons = ctx.study.constructs.get(r["construct"])
        name = (cons.labels.get(lab.language) if cons is not None else None) or str(r["label"])
        among = w.get(f"among_{r['population']}", str(r["population"]))
        alpha = lab.num(r["alpha"], 2) if _finite(r.get("alpha")) else "–"
        template = w.get(f"caveat_{code}", w["caveat_other"])
        lines.append(template.format(construct=name, among=among, alpha=alpha,
                                     verdict=lab.verdict(code, "", flag=r.get("flag"))))
    return lines
