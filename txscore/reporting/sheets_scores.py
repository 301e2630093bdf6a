"""The score sheets: Summary, Scores and Trend.

Summary: one table per wave (TX, C, N, CX, BX, NPS, growth-grid quadrant and bases) with
band colours and arrows for significant changes, the legend, the reliability warnings and
the charts. Scores: every measure with its interval, n, n_eff, design effect, flag and
band, as a filterable Excel table. Trend: each index over the waves with the change from
the previous wave and its p-value. Cells read the result's ``flag``: a suppressed cell
carries the text "n<30", never a number; caution and low-base cells are grey.
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

__all__ = ["SUMMARY_MEASURES", "scores_sheet", "summary_sheet", "trend_sheet"]

#: Summary / Trend measures and the population each is read from.
SUMMARY_MEASURES = (("tx", "all"), ("customer_score", "customer"),
                    ("non_customer_score", "non_customer"), ("cx", "customer"),
                    ("bx_customers", "customer"), ("bx_non_customers", "non_customer"),
                    ("nps", "customer"))
#: the flags from the best to the worst (the Summary's base flag is a row's worst)
_SEVERITY = {"ok": 0, "caution": 1, "low_base": 2, "suppressed": 3}


def _title(ctx: Book, key: str, label: str) -> str:
    """A construct's label in the report language when the study translates it, a measure's
    (the loyalty composite) in the report's words, else the result's label."""
    cons = ctx.study.constructs.get(key)
    if cons is None:
        return ctx.words.measures.get(key, label)
    return cons.labels.get(ctx.words.language) or label


def _present(scores: pd.DataFrame) -> list[tuple[str, str]]:
    have = set(zip(scores["measure"], scores["population"], strict=True))
    return [pair for pair in SUMMARY_MEASURES if pair in have]


def _level_text(ctx: Book) -> str:
    rep = ctx.study.report
    key = "level_bh" if rep.multiple_testing == "bh" else "level"
    return ctx.words[key].format(alpha=ctx.words.num(round(1 - rep.confidence, 4)))


def _arrows(ctx: Book, comparison: str) -> pd.Series:
    """+1 / -1 per (cell, measure) where the change is significant; index wave, by, brand."""
    ch = ctx.result.changes
    keys = ["wave", *ctx.result.by, "brand", "measure"]
    if ch.empty:
        return pd.Series(dtype=float, index=pd.MultiIndex.from_tuples([], names=keys))
    pairs = pd.DataFrame(_present(ctx.result.scores), columns=["measure", "population"])
    sig = ch[(ch["comparison"] == comparison) & ch["significant"].astype(bool)].merge(pairs)
    return pd.Series(np.sign(sig["difference"].to_numpy(float)),
                     index=pd.MultiIndex.from_frame(sig[keys].astype(object)))


def _value_format(base: str, wave: float, peer: float) -> str:
    suffix = {1.0: "▲", -1.0: "▼"}.get(wave, "") + {1.0: "↑", -1.0: "↓"}.get(peer, "")
    return f'{base}" {suffix}"' if suffix else base


# ---------------------------------------------------------------------- Summary
def summary_sheet(wb, ctx: Book) -> None:
    result, lab, st, study = ctx.result, ctx.words, ctx.st, ctx.study
    rep = study.report
    conf = lab.num(rep.confidence * 100)
    sh = Sheet.new(wb, ctx, "summary", lab["summary_title"].format(study=study.name),
                    lab["summary_sub"].format(conf=conf))
    _not_computed(sh, ctx)
    s = result.scores
    by = list(result.by)
    cell_keys = ["wave", *by, "brand"]
    pairs = _present(s)
    sel = s.merge(pd.DataFrame(pairs, columns=["measure", "population"]))
    idx = sel.set_index([*cell_keys, "measure"]).sort_index()
    wave_arrow, peer_arrow = _arrows(ctx, "wave"), _arrows(ctx, "peer")
    pops = [pop for pop in POPULATIONS if (s["population"] == pop).any()]  # scored ones
    bases = {pop: s[s["population"] == pop].drop_duplicates(cell_keys).set_index(cell_keys)
             for pop in pops}
    grid = result.grid.set_index(cell_keys) if not result.grid.empty else None
    base_heads = {"customer": ["h_n_customers", "h_neff_customers"],
                  "non_customer": ["h_n_non_customers", "h_neff_non_customers"]}
    headers = [lab["h_brand"], *[lab.measures[m] for m, _ in pairs],
               *([lab["h_quadrant"]] if grid is not None else []),
               *[lab[h] for pop in pops for h in base_heads[pop]], lab["h_flag"]]
    q_col = len(pairs) + 2 if grid is not None else len(pairs) + 1  # the last before bases
    for key, block in sel.groupby(["wave", *by], sort=False):
        key = key if isinstance(key, tuple) else (key,)
        sh.heading(lab["wave"].format(wave=" · ".join(str(k) for k in key)))
        sh.header(sh.row, headers)
        sh.row += 1
        first = block[block["measure"] == pairs[0][0]]
        brands = first.sort_values("value", ascending=False, na_position="last", kind="stable")
        brands = [b for b in brands["brand"] if b != TOTAL] + (
            [TOTAL] if (first["brand"] == TOTAL).any() else [])
        for brand in brands:
            at = (*key, brand)
            bold = st["bold"] if brand == TOTAL else None
            sh.cell(sh.row, 1, lab["all_brands"] if brand == TOTAL else brand, font=bold)
            flags = []
            for j, (m, _) in enumerate(pairs, 2):
                if (*at, m) not in idx.index:
                    continue
                rec = idx.loc[(*at, m)]
                flag, band = str(rec["flag"]), str(rec["band"])
                flags.append(flag)
                if flag == "suppressed":
                    sh.cell(sh.row, j, ctx.supp, font=st["grey"], align=st["right"])
                    continue
                fmt = _value_format("0.0", wave_arrow.get((*at, m), 0.0),
                                    peer_arrow.get((*at, m), 0.0))
                grey = flag in GREY_FLAGS
                banded = not grey and band in BAND_FILL
                sh.cell(sh.row, j, rec["value"], fmt,
                        font=st["grey"] if grey else st["band_fonts"][band] if banded else None,
                        fill=st["fills"][band] if banded else None)
            if grid is not None and at in grid.index:
                g = grid.loc[at]
                if g["flag"] == "suppressed":
                    sh.cell(sh.row, q_col, ctx.supp, font=st["grey"], align=st["indent"])
                elif g["quadrant"]:
                    sh.cell(sh.row, q_col, lab.quadrants.get(g["quadrant"], g["quadrant"])
                            + ("" if g["in_peer_average"] else " *"), align=st["indent"])
            for j, pop in enumerate(pops):
                if at in bases[pop].index:
                    b = bases[pop].loc[at]
                    flags.append(str(b["flag"]))
                    sh.cell(sh.row, q_col + 1 + 2 * j, b["n"], "#,##0")
                    sh.cell(sh.row, q_col + 2 + 2 * j, b["n_eff"], "#,##0")
            worst = max(flags, key=lambda f: _SEVERITY.get(f, 0), default="ok")
            sh.cell(sh.row, q_col + 1 + 2 * len(pops), lab.flags.get(worst, worst),
                    font=st["grey"] if worst != "ok" else None, align=st["indent"])
            sh.row += 1
        sh.row += 1
    _summary_legend(sh, ctx, pairs)
    _reliability_warnings(sh, ctx)
    sh.images(CHART_PREFIXES["summary"])
    sh.finish(freeze="B4", gridlines=False)


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
    sh.heading(lab["legend_title"])
    bands = list(ctx.study.index.bands)
    for i, (band, lo) in enumerate(bands):
        hi = bands[i - 1][1] if i else None
        text = (lab["band_top"].format(lo=lab.num(lo)) if hi is None else
                lab["band_low"].format(hi=lab.num(hi)) if not np.isfinite(lo) else
                lab["band_mid"].format(lo=lab.num(lo), hi=lab.num(hi)))
        sh.cell(sh.row, 1, lab.bands.get(band, band), fill=st["fills"].get(band),
                font=st["band_fonts"].get(band))
        sh.para(text, row=sh.row, col=2)
        sh.row += 1
    level = _level_text(ctx)
    lines = [lab["legend_suppressed"].format(text=ctx.supp, min=lab.num(rep.suppress_below)),
             lab["legend_grey"].format(low=lab.num(rep.low_base_below),
                                       caution=lab.num(rep.caution_below)),
             lab["legend_wave"].format(level=level),
             lab["legend_peer"].format(peer=lab.num(rep.peer_min_base), level=level)]
    if not ctx.result.grid.empty:
        lines.append(lab["legend_grid"].format(peer=lab.num(rep.peer_min_base)))
    if ("nps", "customer") in pairs:
        lines.append(lab["legend_nps"])
    for text in lines:
        sh.para(text)
    sh.row += 1


def _reliability_warnings(sh: Sheet, ctx: Book) -> None:
    """One sentence per construct x population whose verdict is not plain "ok"."""
    lab = ctx.words
    rel = ctx.result.reliability
    sh.heading(lab["rel_title"])
    bad = rel[(rel["verdict"].astype(str) != "ok") | (rel["notes"].fillna("") != "")
              | (rel["flag"] != "ok")] if not rel.empty else rel
    if bad.empty:
        sh.para(lab["rel_none"])
    for r in bad.itertuples(index=False):
        sh.para(lab["rel_line"].format(
            construct=_title(ctx, r.construct, r.label),
            population=lab.populations.get(r.population, r.population),
            alpha=lab.num(r.alpha, 2) if pd.notna(r.alpha) else "–",
            low=lab.num(r.ci_low, 2) if pd.notna(r.ci_low) else "–",
            high=lab.num(r.ci_high, 2) if pd.notna(r.ci_high) else "–",
            verdict=lab.verdict(r.verdict, r.notes, flag=r.flag)))
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
            Col("brand", lab["h_brand"]), Col("population", lab["h_population"]),
            Col("level", lab["h_level"]), Col("label", lab["h_measure"]),
            Col("value", lab["h_score"], "0.0"), Col("ci_low", lab["h_ci_low"], "0.0"),
            Col("ci_high", lab["h_ci_high"], "0.0"), Col("se", lab["h_se"], "0.00"),
            Col("n", lab["h_n"], "#,##0"), Col("n_eff", lab["h_n_eff"], "#,##0"),
            Col("deff", lab["h_deff"], "0.00"), Col("flag_text", lab["h_flag"]),
            Col("band_text", lab["h_band"]), Col("measure", lab["h_code"])]
    grey = (s["flag"] != "ok").to_numpy()
    top = sh.table(frame, cols, name="Scores", grey=grey,
                   fills={"band_text": s["band"].where(~grey, "").to_numpy(object)})
    sh.finish(freeze=f"A{top + 1}", title_row=top)


# ---------------------------------------------------------------------- Trend
def trend_sheet(wb, ctx: Book) -> None:
    result, lab, st, study = ctx.result, ctx.words, ctx.st, ctx.study
    sh = Sheet.new(wb, ctx, "trend", lab["trend_title"],
                    lab["trend_sub"].format(level=_level_text(ctx)))
    s, by = result.scores, list(result.by)
    row_keys = [*by, "brand"]
    waves = [w for w in study.waves if (s["wave"] == w).any()]
    bh = study.report.multiple_testing == "bh"
    p_small = "<0,001" if lab.language == "fr" else "<0.001"
    p_fmt = f'[<0.001]"{p_small}";0.000'
    ch = result.changes
    for m, pop in _present(s):
        d = s[(s["measure"] == m) & (s["population"] == pop)]
        title = lab.measures[m] + (f" ({lab.populations[pop]})" if m == "nps" else "")
        sh.heading(title)
        headers = [*[b.replace("_", " ").capitalize() for b in by], lab["h_brand"], *waves]
        for prev in waves[:-1]:
            headers += [lab["h_change"].format(wave=prev),
                        lab["h_p_bh" if bh else "h_p"].format(wave=prev)]
        sh.header(sh.row, headers)
        sh.row += 1
        values = d.set_index([*row_keys, "wave"]).sort_index()
        changes = (ch[(ch["comparison"] == "wave") & (ch["measure"] == m)
                      & (ch["population"] == pop)].set_index([*row_keys, "wave"]).sort_index()
                   if not ch.empty else None)
        rows = in_order(d.drop_duplicates(row_keys).assign(wave=waves[0]), ctx)[row_keys]
        for rec in rows.itertuples(index=False):
            key = tuple(rec)
            for j, k in enumerate(key, 1):
                shown = lab["all_brands"] if (j == len(key) and k == TOTAL) else k
                sh.cell(sh.row, j, shown, font=st["bold"] if k == TOTAL else None)
            col = len(key) + 1
            for wave in waves:
                if (*key, wave) in values.index:
                    v = values.loc[(*key, wave)]
                    if v["flag"] == "suppressed":
                        sh.cell(sh.row, col, ctx.supp, font=st["grey"], align=st["right"])
                    else:
                        sh.cell(sh.row, col, v["value"], "0.0",
                                font=st["grey"] if v["flag"] != "ok" else None)
                col += 1
            for wave in waves[1:]:
                if changes is not None and (*key, wave) in changes.index:
                    c = changes.loc[(*key, wave)]
                    p = c["p_adjusted"] if bh else c["p_value"]
                    fmt = '+0.0;-0.0;0.0'
                    if c["significant"]:
                        fmt = '+0.0" ▲";-0.0" ▼";0.0'
                    font = st["grey"] if c["flag"] in GREY_FLAGS else None
                    if np.isfinite(c["difference"]):
                        sh.cell(sh.row, col, c["difference"], fmt, font=font)
                        sh.cell(sh.row, col + 1, p, p_fmt, font=font)
                col += 2
            sh.row += 1
        sh.row += 1
    sh.images(CHART_PREFIXES["trend"])
    sh.finish(freeze=f"{chr(65 + len(row_keys))}4", gridlines=False)
