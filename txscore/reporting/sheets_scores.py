"""The score sheets: Summary, Scores and Trend.

Summary: one table per wave (TX, C, N, CX, BX, NPS, growth-grid quadrant and bases) with
band colours and a marker (▲ / ▼) only where a change since the previous wave is
significant, the legend in words, a sentence on reliability (details in the Reliability
sheet) and the charts. Scores: every measure with its interval, n, n_eff, design effect,
flag and band, as a filterable Excel table. Trend: each index over the waves with the
change from the previous wave and its p-value. Cells read the result's ``flag``: a
suppressed cell carries the text "n<30", never a number; caution and low-base cells are
grey. Every brand row starts with the brand's colour (a swatch, as in the charts); the
``[report] focus_brand`` row is bold.

The non-customer score (N) is, by definition, BX among non-customers
(:func:`txscore.scoring.composites`): the Summary and Trend show it once, as N.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from txscore.reporting.palette import BAND_FILL
from txscore.reporting.xlsx import (
    CHART_PREFIXES,
    GREY_FLAGS,
    Book,
    Col,
    Sheet,
    brand_words,
    in_order,
    translate,
)
from txscore.study.vocabulary import POPULATIONS, TOTAL

__all__ = ["SUMMARY_MEASURES", "bad_reliability", "scores_sheet", "significant_changes",
           "summary_sheet", "trend_sheet"]

#: Summary / Trend measures and the population each is read from.
SUMMARY_MEASURES = (("tx", "all"), ("customer_score", "customer"),
                    ("non_customer_score", "non_customer"), ("cx", "customer"),
                    ("bx_customers", "customer"), ("bx_non_customers", "non_customer"),
                    ("nps", "customer"))
#: N and the measure it equals by definition: shown once, as N
SAME_AS_N = ("non_customer_score", "bx_non_customers")


def _title(ctx: Book, key: str, label: str) -> str:
    """A construct's label in the report language when the study translates it, a measure's
    (the loyalty composite) in the report's words, else the result's label."""
    cons = ctx.study.constructs.get(key)
    if cons is None:
        return ctx.words.measures.get(key, label)
    return cons.labels.get(ctx.words.language) or label


def _present(scores: pd.DataFrame) -> list[tuple[str, str]]:
    """The Summary's measures the result has; BX non-customers left out beside N."""
    have = set(zip(scores["measure"], scores["population"], strict=True))
    pairs = [pair for pair in SUMMARY_MEASURES if pair in have]
    if SAME_AS_N[0] in dict(pairs):
        pairs = [p for p in pairs if p[0] != SAME_AS_N[1]]
    return pairs


def _level_text(ctx: Book) -> str:
    rep = ctx.study.report
    key = "level_bh" if rep.multiple_testing == "bh" else "level"
    return ctx.words[key].format(alpha=ctx.words.num(round(1 - rep.confidence, 4)))


def significant_changes(changes: pd.DataFrame, by: list[str]) -> pd.Series:
    """+1 / -1 per (wave, segments, brand, measure, population) whose change since the
    previous wave is significant by the one rule: ``significant`` (after the study's
    multiple testing) and a base flag "ok"."""
    keys = ["wave", *by, "brand", "measure", "population"]
    if changes.empty:
        return pd.Series(dtype=float, index=pd.MultiIndex.from_tuples([], names=keys))
    sig = changes[(changes["comparison"] == "wave") & changes["significant"].astype(bool)
                  & (changes["flag"] == "ok")]
    return pd.Series(np.sign(sig["difference"].to_numpy(float)),
                     index=pd.MultiIndex.from_frame(sig[keys].astype(object)))


def _with_marker(base: str, sign: float) -> str:
    marker = {1.0: "▲", -1.0: "▼"}.get(sign, "")
    return f'{base}" {marker}"' if marker else base


def bad_reliability(rel: pd.DataFrame) -> pd.DataFrame:
    """The construct x population rows of the reliability table that are not plainly
    "ok" (a verdict, a note or a flag)."""
    if rel.empty:
        return rel
    return rel[(rel["verdict"].astype(str) != "ok") | (rel["notes"].fillna("") != "")
               | (rel["flag"] != "ok")]


# ---------------------------------------------------------------------- Summary
def summary_sheet(wb, ctx: Book) -> None:
    result, lab, study = ctx.result, ctx.words, ctx.study
    conf = lab.num(study.report.confidence * 100)
    sh = Sheet.new(wb, ctx, "summary", lab["summary_title"].format(study=study.name),
                    lab["summary_sub"].format(conf=conf))
    _not_computed(sh, ctx)
    s = result.scores
    by = list(result.by)
    cell_keys = ["wave", *by, "brand"]
    pairs = _present(s)
    sel = s.merge(pd.DataFrame(pairs, columns=["measure", "population"]))
    pops = [pop for pop in POPULATIONS if (s["population"] == pop).any()]  # scored ones
    grid = result.grid.set_index(cell_keys) if not result.grid.empty else None
    base_heads = {"customer": "h_n_customers", "non_customer": "h_n_non_customers"}
    headers = [lab["h_brand"], *[lab.measures[m] for m, _ in pairs],
               *([lab["h_quadrant"]] if grid is not None else []),
               *[lab[base_heads[pop]] for pop in pops if pop in base_heads]]
    table = {"idx": sel.set_index([*cell_keys, "measure"]).sort_index(),
             "marks": significant_changes(result.changes, by), "pairs": pairs, "grid": grid,
             "bases": {pop: s[s["population"] == pop].drop_duplicates(cell_keys).set_index(
                 cell_keys) for pop in pops if pop in base_heads}}
    for key, block in sel.groupby(["wave", *by], sort=False):
        key = key if isinstance(key, tuple) else (key,)
        sh.heading(lab["wave"].format(wave=" · ".join(str(k) for k in key)))
        sh.header(sh.row, headers, first=2)
        sh.row += 1
        first = block[block["measure"] == pairs[0][0]]
        brands = first.sort_values("value", ascending=False, na_position="last", kind="stable")
        brands = [b for b in brands["brand"] if b != TOTAL] + (
            [TOTAL] if (first["brand"] == TOTAL).any() else [])
        for brand in brands:
            _summary_row(sh, ctx, (*key, brand), table)
            sh.row += 1
        sh.row += 1
    _summary_legend(sh, ctx, pairs)
    _reliability_pointer(sh, ctx)
    sh.images(CHART_PREFIXES["summary"])
    sh.finish(gridlines=False)


def _summary_row(sh: Sheet, ctx: Book, at: tuple, table: dict) -> None:
    """One brand's row of a Summary table: swatch, name, scores (band colours, markers of
    significant changes), growth-grid quadrant, bases."""
    lab, st = ctx.words, ctx.st
    brand = at[-1]
    strong = brand == TOTAL or brand == ctx.focus  # the total and the focus brand: bold

    def font(f=None):
        return ctx.bold(f) if strong else f

    sh.swatch(sh.row, 1, brand)
    sh.cell(sh.row, 2, lab["all_brands"] if brand == TOTAL else brand, font=font())
    idx, marks = table["idx"], table["marks"]
    for j, (m, pop) in enumerate(table["pairs"], 3):
        if (*at, m) not in idx.index:
            continue
        rec = idx.loc[(*at, m)]
        flag, band = str(rec["flag"]), str(rec["band"])
        if flag == "suppressed":
            sh.cell(sh.row, j, ctx.supp, font=font(st["grey"]), align=st["right"])
            continue
        grey = flag in GREY_FLAGS
        banded = not grey and band in BAND_FILL
        sh.cell(sh.row, j, rec["value"], _with_marker("0.0", marks.get((*at, m, pop), 0.0)),
                font=font(st["grey"] if grey else st["band_fonts"][band] if banded else None),
                fill=st["fills"][band] if banded else None)
    col = len(table["pairs"]) + 3
    grid = table["grid"]
    if grid is not None:
        if at in grid.index:
            g = grid.loc[at]
            if g["flag"] == "suppressed":
                sh.cell(sh.row, col, ctx.supp, font=font(st["grey"]), align=st["indent"])
            elif g["quadrant"]:
                sh.cell(sh.row, col, lab.quadrants.get(g["quadrant"], g["quadrant"])
                        + ("" if g["in_peer_average"] else " *"), font=font(),
                        align=st["indent"])
        col += 1
    for bases in table["bases"].values():
        if at in bases.index:
            sh.cell(sh.row, col, bases.loc[at]["n"], "#,##0", font=font())
        col += 1


def _not_computed(sh: Sheet, ctx: Book) -> None:
    """The indices the study cannot have, once, with why (``Result.not_computed``)."""
    missing = getattr(ctx.result, "not_computed", None) or {}
    if not missing:
        return
    sh.heading(ctx.words["not_computed_title"])
    for line in ctx.words.missing(missing):
        sh.para(line)
    sh.row += 1


def _summary_legend(sh: Sheet, ctx: Book, pairs: list[tuple[str, str]]) -> None:
    lab, st, rep = ctx.words, ctx.st, ctx.study.report
    book = lab.table["book"]
    sh.heading(lab["legend_title"])
    bands = list(ctx.study.index.bands)
    for i, (band, lo) in enumerate(bands):
        hi = bands[i - 1][1] if i else None
        text = (lab["band_top"].format(lo=lab.num(lo)) if hi is None else
                lab["band_low"].format(hi=lab.num(hi)) if not np.isfinite(lo) else
                lab["band_mid"].format(lo=lab.num(lo), hi=lab.num(hi)))
        sh.cell(sh.row, 2, lab.bands.get(band, band), fill=st["fills"].get(band),
                font=st["band_fonts"].get(band))
        sh.para(text, row=sh.row, col=3)
        sh.row += 1
    lines = []
    if len(ctx.study.waves) > 1:
        lines.append(book["legend_change"].format(level=_level_text(ctx),
                                                  caution=lab.num(rep.caution_below)))
    lines += [book["legend_suppressed"].format(text=ctx.supp, min=lab.num(rep.suppress_below)),
              book["legend_grey"].format(caution=lab.num(rep.caution_below)),
              book["legend_bases"].format(sheet=lab.sheets["scores"])]
    measures = {m for m, _ in pairs}
    if SAME_AS_N[0] in measures and (ctx.result.scores["measure"] == SAME_AS_N[1]).any():
        lines.append(book["legend_same_n"].format(n=lab.measures[SAME_AS_N[0]],
                                                  bx=lab.measures[SAME_AS_N[1]]))
    if not ctx.result.grid.empty:
        lines.append(book["legend_grid"].format(peer=lab.num(rep.peer_min_base)))
    if "nps" in measures:
        lines.append(lab["legend_nps"])
    lines.append(book["legend_brands"])
    if ctx.focus is not None:
        lines.append(book["legend_focus"].format(brand=ctx.focus))
    for text in lines:
        sh.para(text)
    sh.row += 1


def _reliability_pointer(sh: Sheet, ctx: Book) -> None:
    """One sentence on reliability in plain words: which constructs to read with care;
    the statistics are in the Reliability sheet."""
    lab = ctx.words
    book = lab.table["book"]
    bad = bad_reliability(ctx.result.reliability)
    if bad.empty:
        sh.para(book["rel_ok"].format(sheet=lab.sheets["reliability"]))
    else:
        pops: dict[str, list[str]] = {}
        for r in bad.itertuples(index=False):
            pops.setdefault(_title(ctx, r.construct, r.label), []).append(
                lab.populations.get(r.population, r.population).lower())
        names = [book["rel_construct"].format(construct=c, population=", ".join(p))
                 for c, p in pops.items()]
        sh.para(book["rel_pointer"].format(constructs=lab["list_sep"].join(names),
                                           sheet=lab.sheets["reliability"]))
    sh.row += 1


# ---------------------------------------------------------------------- Scores
def scores_sheet(wb, ctx: Book) -> None:
    result, lab = ctx.result, ctx.words
    rep = ctx.study.report
    sh = Sheet.new(wb, ctx, "scores", lab["scores_title"], lab["scores_sub"].format(
        conf=lab.num(rep.confidence * 100), boot=lab.count(rep.bootstrap)))
    s = in_order(result.scores, ctx)
    hidden = (s["flag"] == "suppressed").to_numpy()
    frame = s.assign(
        brand=brand_words(ctx, s["brand"]), population=translate(s["population"], lab.populations),
        level=translate(s["level"], lab.levels),
        label=np.where(s["measure"].isin(list(lab.measures)), translate(s["measure"], lab.measures),
                       [_title(ctx, m, x) for m, x in zip(s["measure"], s["label"], strict=True)]),
        value=s["value"].astype(object).where(~hidden, ctx.supp),
        flag_text=translate(s["flag"], lab.flags), band_text=translate(s["band"], lab.bands))
    cols = [Col("wave", lab["h_wave"]), *[Col(b, b.replace("_", " ").capitalize())
                                          for b in result.by],
            Col("brand", lab["h_brand"]),
            Col("population", lab["h_population"], wrap=True, cap=17),
            Col("level", lab["h_level"]),
            Col("label", lab["h_measure"], wrap=True, cap=22),
            Col("value", lab["h_score"], "0.0"), Col("ci_low", lab["h_ci_low"], "0.0"),
            Col("ci_high", lab["h_ci_high"], "0.0"), Col("se", lab["h_se"], "0.00"),
            Col("n", lab["h_n"], "#,##0"), Col("n_eff", lab["h_n_eff"], "#,##0"),
            Col("deff", lab["h_deff"], "0.00"), Col("flag_text", lab["h_flag"]),
            Col("band_text", lab["h_band"]), Col("measure", lab["h_code"])]
    grey = (s["flag"] != "ok").to_numpy()
    top = sh.table(frame, cols, name="Scores", grey=grey,
                   fills={"band_text": s["band"].where(~grey, "").to_numpy(object)},
                   bold=(s["brand"] == ctx.focus).to_numpy() if ctx.focus else None,
                   swatch=s["brand"])
    sh.finish(freeze=f"A{top + 1}", title_row=top)


# ---------------------------------------------------------------------- Trend
def trend_sheet(wb, ctx: Book) -> None:
    result, lab, study = ctx.result, ctx.words, ctx.study
    sh = Sheet.new(wb, ctx, "trend", lab["trend_title"],
                    lab["trend_sub"].format(level=_level_text(ctx)))
    s, by = result.scores, list(result.by)
    row_keys = [*by, "brand"]
    waves = [w for w in study.waves if (s["wave"] == w).any()]
    bh = study.report.multiple_testing == "bh"
    ch = result.changes
    pairs = _present(s)
    for m, pop in pairs:
        d = s[(s["measure"] == m) & (s["population"] == pop)]
        sh.heading(lab.measures[m] + (f" ({lab.populations[pop]})" if m == "nps" else ""))
        headers = [*[b.replace("_", " ").capitalize() for b in by], lab["h_brand"], *waves]
        for prev in waves[:-1]:
            headers += [lab["h_change"].format(wave=prev),
                        lab["h_p_bh" if bh else "h_p"].format(wave=prev)]
        sh.header(sh.row, headers, first=2)
        sh.row += 1
        changes = (ch[(ch["comparison"] == "wave") & (ch["measure"] == m)
                      & (ch["population"] == pop)].set_index([*row_keys, "wave"]).sort_index()
                   if not ch.empty else None)
        values = d.set_index([*row_keys, "wave"]).sort_index()
        rows = in_order(d.drop_duplicates(row_keys).assign(wave=waves[0]), ctx)[row_keys]
        for rec in rows.itertuples(index=False):
            _trend_row(sh, ctx, tuple(rec), waves, values, changes)
            sh.row += 1
        sh.row += 1
    if SAME_AS_N[0] in dict(pairs) and (s["measure"] == SAME_AS_N[1]).any():
        sh.para(lab.table["book"]["legend_same_n"].format(n=lab.measures[SAME_AS_N[0]],
                                                          bx=lab.measures[SAME_AS_N[1]]))
        sh.row += 1
    sh.images(CHART_PREFIXES["trend"])
    sh.finish(gridlines=False)


def _trend_row(sh: Sheet, ctx: Book, key: tuple, waves: list[str], values: pd.DataFrame,
               changes: pd.DataFrame | None) -> None:
    """One row of a Trend table: swatch, segments and brand, the score of each wave, the
    change from the wave before (▲ / ▼ when significant by the one rule) and its p."""
    lab, st = ctx.words, ctx.st
    bh = ctx.study.report.multiple_testing == "bh"
    p_small = "<0,001" if lab.language == "fr" else "<0.001"
    p_fmt = f'[<0.001]"{p_small}";0.000'
    brand = key[-1]
    strong = brand == TOTAL or brand == ctx.focus

    def font(f=None):
        return ctx.bold(f) if strong else f

    sh.swatch(sh.row, 1, brand)
    for j, k in enumerate(key, 2):
        shown = lab["all_brands"] if (j == len(key) + 1 and k == TOTAL) else k
        sh.cell(sh.row, j, shown, font=font())
    col = len(key) + 2
    for wave in waves:
        if (*key, wave) in values.index:
            v = values.loc[(*key, wave)]
            if v["flag"] == "suppressed":
                sh.cell(sh.row, col, ctx.supp, font=font(st["grey"]), align=st["right"])
            else:
                sh.cell(sh.row, col, v["value"], "0.0",
                        font=font(st["grey"] if v["flag"] != "ok" else None))
        col += 1
    for wave in waves[1:]:
        if changes is not None and (*key, wave) in changes.index:
            c = changes.loc[(*key, wave)]
            p = c["p_adjusted"] if bh else c["p_value"]
            fmt = '+0.0;-0.0;0.0'
            if c["significant"] and c["flag"] == "ok":  # the one rule
                fmt = '+0.0" ▲";-0.0" ▼";0.0'
            f = font(st["grey"] if c["flag"] in GREY_FLAGS else None)
            if np.isfinite(c["difference"]):
                sh.cell(sh.row, col, c["difference"], fmt, font=f)
                sh.cell(sh.row, col + 1, p, p_fmt, font=f)
        col += 2
