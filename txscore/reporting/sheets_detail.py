"""The detail sheets: Items, Reliability, Drivers, Exclusions and Methodology.

Items: the share of each answer, top box, net and score100 with intervals, one table per
scale. Reliability: alpha, its interval, omega and the verdict per construct and
population, then the item statistics. Drivers (when the result has a driver analysis):
importance, performance and priority quadrant. Exclusions: the per-file reconciliation
with counts and shares per reason, then the ledger. Methodology: every setting, the
formulas in words, inputs, versions (:mod:`txscore.reporting.methodology`). Verdicts, item
flags, warnings, exclusion reasons and their details are codes in the result, put into
words here.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from txscore.ingest.quality import REASONS
from txscore.reporting.chart_drivers import ip_quadrant
from txscore.reporting.methodology import methodology_rows
from txscore.reporting.xlsx import (
    CHART_PREFIXES,
    Book,
    Col,
    Sheet,
    brand_words,
    in_order,
    put,
    translate,
)

__all__ = ["DRIVER_COLUMNS", "drivers_sheet", "exclusions_sheet", "items_sheet",
           "methodology_sheet", "reliability_sheet"]


# ---------------------------------------------------------------------- Items
def items_sheet(wb, ctx: Book) -> None:
    result, lab, study = ctx.result, ctx.words, ctx.study
    conf = lab.num(study.report.confidence * 100)
    sh = Sheet.new(wb, ctx, "items", lab["items_title"], lab["items_sub"].format(conf=conf))
    by = list(result.by)
    keys = ["population", "wave", *by, "brand", "item"]
    items = result.items
    dist = result.distributions
    wide = (dist.set_index([*keys, "code"])["share"].unstack("code") * 100
            if not dist.empty else pd.DataFrame())
    scale_of = {c: it.scale for c, it in study.items.items()}
    order = {c: i for i, c in enumerate(study.items)}
    note_row = sh.row
    sh.row += 2
    tops = []
    for scale_name in dict.fromkeys(scale_of[c] for c in items["item"].unique()):
        scale = study.scales[scale_name]
        block = items[items["item"].map(scale_of) == scale_name]
        block = block.assign(_i=block["item"].map(order)).sort_values(["_i"], kind="stable")
        block = in_order(block, ctx, first=["population", "_i"])
        if not wide.empty:
            shares = wide.reindex(pd.MultiIndex.from_frame(block[keys].astype(object)))
            for code in scale.codes:
                block[f"_c{code}"] = (shares[code].to_numpy(float) if code in shares else np.nan)
        hidden = (block["flag"] == "suppressed").to_numpy()
        frame = block.assign(
            brand=brand_words(ctx, block["brand"]),
            population=translate(block["population"], lab.populations),
            score100=block["score100"].astype(object).where(~hidden, ctx.supp),
            flag=translate(block["flag"], lab.flags))
        used: set[str] = set()
        share_cols = []
        for code in scale.codes:
            head = scale.labels.get(code, str(code))
            head = head if head not in used else f"{head} ({code})"
            used.add(head)
            share_cols.append(Col(f"_c{code}", head, "0.0"))
        cols = [Col("wave", lab["h_wave"]), *[Col(b, b.replace("_", " ").capitalize())
                                              for b in by],
                Col("population", lab["h_population"]), Col("item", lab["h_item"]),
                Col("text", lab["h_question"], wrap=True), Col("brand", lab["h_brand"]),
                Col("n", lab["h_n"], "#,##0"), Col("n_eff", lab["h_n_eff"], "#,##0"),
                *share_cols,
                Col("top_box", lab["h_top_box"], "0.0"),
                Col("top_box_ci_low", lab["h_top_box_low"], "0.0"),
                Col("top_box_ci_high", lab["h_top_box_high"], "0.0"),
                Col("net", lab["h_net"], "0.0"), Col("net_ci_low", lab["h_net_low"], "0.0"),
                Col("net_ci_high", lab["h_net_high"], "0.0"),
                Col("score100", lab["h_score100"], "0.0"),
                Col("ci_low", lab["h_score100_low"], "0.0"),
                Col("ci_high", lab["h_score100_high"], "0.0"), Col("flag", lab["h_flag"])]
        sh.heading(lab["items_scale"].format(scale=scale_name, lo=scale.min, hi=scale.max))
        grey = (block["flag"] != "ok").to_numpy()
        tops.append(sh.table(frame, cols, name=f"Items_{scale_name}", grey=grey))
    charts_at = sh.row
    sh.images(CHART_PREFIXES["items"])
    if sh.row > charts_at:
        sh.para(lab["charts_below"].format(row=charts_at), row=note_row)
    sh.finish(freeze=f"A{tops[0] + 1}" if tops else None,
              title_row=tops[0] if len(tops) == 1 else None)


# ---------------------------------------------------------------------- Reliability
def reliability_sheet(wb, ctx: Book) -> None:
    result, lab = ctx.result, ctx.words
    sh = Sheet.new(wb, ctx, "reliability", lab["reliability_title"], lab["reliability_sub"])
    rel = result.reliability
    if not rel.empty:
        two = rel["notes"].fillna("").astype(str).str.contains("two_dimensional", regex=False)
        frame = rel.assign(population=translate(rel["population"], lab.populations),
                           dimensionality=np.where(two, lab["dim_two"], lab["dim_one"]),
                           verdict=[lab.verdict(v, n, flag=f) for v, n, f in zip(
                               rel["verdict"], rel["notes"], rel["flag"], strict=True)])
        # verdict (constructs) and flags (items) share a column: both are wrapped text
        cols = [Col("label", lab["h_construct"]), Col("population", lab["h_population"]),
                Col("n_items", lab["h_n_items"], "0"),
                Col("n_complete", lab["h_complete"], "#,##0"),
                Col("alpha", lab["h_alpha"], "0.000"), Col("ci_low", lab["h_ci_low"], "0.000"),
                Col("ci_high", lab["h_ci_high"], "0.000"),
                Col("verdict", lab["h_verdict"], wrap=True),
                Col("std_alpha", lab["h_std_alpha"], "0.000"),
                Col("average_r", lab["h_average_r"], "0.000"),
                Col("omega_total", lab["h_omega"], "0.000"),
                Col("first_eigen_share", lab["h_eigen"], "0.00"),
                Col("dimensionality", lab["h_dimensionality"])]
        top = sh.table(frame, [c for c in cols if c.key in frame], name="Reliability")
    else:
        top = None
    items = result.reliability_items
    if not items.empty:
        names = dict(zip(rel["construct"], rel["label"], strict=False))
        frame = items.assign(construct=translate(items["construct"], names),
                             population=translate(items["population"], lab.populations),
                             flags=items["flags"].map(lambda v: lab.codes("item_flags", v)))
        sh.heading(lab["reliability_items"])
        sh.table(frame, [Col("construct", lab["h_construct"]),
                         Col("population", lab["h_population"]), Col("item", lab["h_item"]),
                         Col("n", lab["h_n"], "#,##0"), Col("mean", lab["h_mean"], "0.00"),
                         Col("sd", lab["h_sd"], "0.00"),
                         Col("item_rest_r", lab["h_item_rest"], "0.000"),
                         Col("flags", lab["h_flags"], wrap=True),
                         Col("alpha_if_deleted", lab["h_alpha_deleted"], "0.000")],
                 name="ReliabilityItems")
    sh.images(CHART_PREFIXES["reliability"])
    sh.finish(freeze=f"A{top + 1}" if top else None, title_row=top)


# ---------------------------------------------------------------------- Drivers
DRIVER_COLUMNS = ["analysis", "outcome", "population", "wave", "driver", "label", "importance",
                  "ci_low", "ci_high", "raw_weight", "sign", "r2", "n", "n_eff", "performance",
                  "performance_ci_low", "performance_ci_high", "method", "warning", "flag"]


def drivers_sheet(wb, ctx: Book, drivers: pd.DataFrame) -> None:
    lab = ctx.words
    conf = lab.num(ctx.study.report.confidence * 100)
    sh = Sheet.new(wb, ctx, "drivers", lab["drivers_title"], lab["drivers_sub"].format(
        conf=conf))
    d = drivers.reindex(columns=DRIVER_COLUMNS)
    waves = {w: i for i, w in enumerate(ctx.study.waves)}
    d = d.assign(_w=d["wave"].map(waves)).sort_values(
        ["analysis", "population", "_w", "importance"], ascending=[True, True, True, False],
        kind="stable")
    frame = d.assign(analysis=translate(d["analysis"], lab.analyses),
                     population=translate(d["population"], lab.populations),
                     method=translate(d["method"], lab.methods),
                     quadrant=translate(ip_quadrant(d), lab.ip_quadrants),
                     warning=d["warning"].map(lambda v: lab.codes("driver_warnings", v)))
    cols = [Col("analysis", lab["h_analysis"]), Col("outcome", lab["h_outcome"]),
            Col("population", lab["h_population"]), Col("wave", lab["h_wave"]),
            Col("label", lab["h_label"], wrap=True), Col("driver", lab["h_driver"]),
            Col("importance", lab["h_importance"], "0.0"), Col("ci_low", lab["h_ci_low"], "0.0"),
            Col("ci_high", lab["h_ci_high"], "0.0"),
            Col("raw_weight", lab["h_raw_weight"], "0.000"), Col("sign", lab["h_sign"], "+0;-0"),
            Col("r2", lab["h_r2"], "0.000"), Col("n", lab["h_n"], "#,##0"),
            Col("n_eff", lab["h_n_eff"], "#,##0"),
            Col("performance", lab["h_performance"], "0.0"),
            Col("performance_ci_low", lab["h_performance_low"], "0.0"),
            Col("performance_ci_high", lab["h_performance_high"], "0.0"),
            Col("quadrant", lab["h_ip_quadrant"]), Col("method", lab["h_method"]),
            Col("warning", lab["h_warning"], wrap=True)]
    grey = (d["flag"].astype(object).fillna("ok") != "ok").to_numpy()
    top = sh.table(frame, cols, name="Drivers", grey=grey)
    sh.images(CHART_PREFIXES["drivers"])
    sh.finish(freeze=f"A{top + 1}", title_row=top)


# ---------------------------------------------------------------------- Exclusions
def exclusions_sheet(wb, ctx: Book) -> None:
    result, lab = ctx.result, ctx.words
    files = result.files
    ok = bool(files["reconciles"].all())
    sh = Sheet.new(wb, ctx, "exclusions", lab["exclusions_title"], lab["exclusions_sub"].format(
        status=lab["reconciles_all" if ok else "reconciles_not"],
        rows_in=lab.count(files["rows_in"].sum()), scored=lab.count(files["scored"].sum()),
        excluded=lab.count(files["excluded"].sum())))
    ex = result.exclusions
    used = set(ex["reason"]) if len(ex) else set()  # and codes txscore does not know yet
    reasons = [r for r in [*REASONS, *sorted(used - set(REASONS))]
               if r in files.columns and files[r].sum() > 0]
    rows_in = files["rows_in"].where(files["rows_in"] > 0)
    f = files.assign(reconciles=files["reconciles"].map({True: lab["yes"], False: lab["no"]}),
                     population=translate(files["population"], lab.populations),
                     excluded_share=files["excluded"] / rows_in,
                     **{f"_s_{r}": files[r] / rows_in for r in reasons})
    cols = [Col("source_file", lab["h_file"]), Col("source_sheet", lab["h_sheet"]),
            Col("population", lab["h_population"]), Col("wave", lab["h_wave"]),
            Col("rows_in", lab["h_rows_in"], "#,##0"), Col("scored", lab["h_scored"], "#,##0"),
            Col("excluded", lab["h_excluded"], "#,##0"),
            Col("excluded_share", lab["h_excluded_share"], "0.0%")]
    for r in reasons:
        name = lab.reasons.get(r) or r  # a code txscore has no words for yet: as it is
        cols += [Col(r, name, "#,##0"),
                 Col(f"_s_{r}", lab["h_reason_share"].format(reason=name), "0.0%")]
    cols.append(Col("reconciles", lab["h_reconciles"]))
    sh.table(f, [c for c in cols if c.key in f], name="Reconciliation")
    sh.heading(lab["ledger_title"])
    if ex.empty:
        sh.para(lab["ledger_none"])
        sh.finish()
        return
    details = ex["detail"].astype(object).fillna("").astype(str)
    frame = ex.assign(
        population=translate(ex["population"], lab.populations),
        # a code txscore has no words for yet is shown as it is
        reason_shown=ex["reason"].map(lab.reason_texts).fillna(ex["reason"]),
        detail=details.map({d: lab.detail(d) for d in details.unique()}))
    # same first columns as the reconciliation above, so that the widths suit both
    top = sh.table(frame, [Col("source_file", lab["h_file"]), Col("source_sheet", lab["h_sheet"]),
                           Col("population", lab["h_population"]), Col("wave", lab["h_wave"]),
                           Col("source_row", lab["h_row"], "0"),
                           Col("respondent_id", lab["h_respondent"]),
                           Col("brand", lab["h_brand"]), Col("reason_shown", lab["h_reason"]),
                           Col("detail", lab["h_detail"], wrap=True)], name="Ledger")
    sh.finish(freeze=f"A{top + 1}", title_row=top)


# ---------------------------------------------------------------------- Methodology
def methodology_sheet(wb, ctx: Book, when: dt.datetime) -> None:
    lab, st = ctx.words, ctx.st
    sh = Sheet.new(wb, ctx, "methodology", lab["methodology_title"], lab["methodology_sub"])
    for section, rows in methodology_rows(ctx.result, when, lab):
        sh.heading(section)
        for key, value in rows:
            key_cell = put(sh.ws, sh.row, 1, key)
            key_cell.font, key_cell.alignment = st["bold"], st["top"]
            sh.cell(sh.row, 2, value, wrap=True)
            lines = math.ceil(len(str(value)) * 1.05 / 106)
            if lines > 1:
                sh.wrapped[sh.row] = lines
            sh.row += 1
        sh.row += 1
    sh.finish(gridlines=False, fixed={1: 34.0, 2: 110.0})
