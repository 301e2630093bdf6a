"""The detail sheets: Items, Reliability, Drivers and Exclusions.

Items: per scale, its answer codes and questions, then two tables: the share of each
answer, and top box, net and score100 with their intervals (the same identifying columns
in both, so that the page stays legible printed). Reliability: the constructs to read with
care in words, then alpha, its interval, omega and the verdict per construct and
population, then (two waves or more) alpha per wave with Feldt's test of its change, a
significant weakening said in words, then the item statistics. Drivers (when the result has
a driver analysis): the priorities (importance, performance and quadrant), the importances
with their intervals and warnings, and the models (outcome, R², bases). Exclusions: the per-file
reconciliation in respondents (distinct file rows) and in respondent x brand rows, with
counts and shares per reason, the exclusions by reason in both, then the ledger.
Verdicts, item flags, warnings, exclusion reasons and their details are codes in the
result, put into words here.

The ledger identifies each excluded row by file, sheet and row: respondent ids are left out
of the client workbook unless ``Book.show_ids`` (``report(..., show_ids=True)``, the
researcher's copy; the ledger then says so). A ledger longer than the sheet holds
(``Book.max_rows``) shows its first lines and says where the whole of it is: a csv beside
the workbook (:func:`~txscore.reporting.ledger_files.ledger_file`, neutralised by
:func:`txscore._io.csv_text`), written in the same publish. The study engine's ledger (a big
tracker's, ``result.meta.engine`` other than "memory") and a ledger longer than the sheet
holds are also written whole as a parquet dataset beside the workbook, one folder per wave
(:mod:`txscore.reporting.ledger_files`); the sheet names it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from txscore._io import csv_text
from txscore.ingest.quality import REASONS
from txscore.reporting.chart_base import label_of
from txscore.reporting.chart_drivers import ip_quadrant, outcome_label
from txscore.reporting.ledger_files import (
    dataset_files,
    dataset_folder,
    ledger_file,
    ledger_table,
)
from txscore.reporting.sheets_scores import bad_reliability
from txscore.reporting.xlsx import (
    CHART_PREFIXES,
    Book,
    Col,
    Sheet,
    brand_words,
    in_order,
    put,
    say,
    translate,
)

__all__ = ["DRIVER_COLUMNS", "drivers_sheet", "exclusions_sheet", "items_sheet",
           "ledger_file", "reliability_sheet"]


def _bold_focus(ctx: Book, brands: pd.Series) -> np.ndarray | None:
    """The rows of the ``[report] focus_brand`` (bold), or None without one."""
    return (brands.astype(str) == ctx.focus).to_numpy() if ctx.focus else None


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
    for scale_name in dict.fromkeys(scale_of[c] for c in items["item"].unique()):
        scale = study.scales[scale_name]
        block = items[items["item"].map(scale_of) == scale_name]
        block = block.assign(_i=block["item"].map(order)).sort_values(["_i"], kind="stable")
        block = in_order(block, ctx, first=["population", "_i"])
        if not wide.empty:
            shares = wide.reindex(pd.MultiIndex.from_frame(block[keys].astype(object)))
            for code in scale.codes:
                block[f"_c{code}"] = (shares[code].to_numpy(float) if code in shares else np.nan)
        _items_scale(sh, ctx, scale_name, block)
    charts_at = sh.row
    sh.images(CHART_PREFIXES["items"])
    if sh.row > charts_at:
        sh.para(lab["charts_below"].format(row=charts_at), row=note_row)
    sh.finish()  # several tables, each its own header: nothing frozen, no repeated header


def _items_scale(sh: Sheet, ctx: Book, scale_name: str, block: pd.DataFrame) -> None:
    """One scale: its answers and questions in words, the answer shares (columns headed by
    the answer codes), then top box, net and score100 with their intervals."""
    lab, study = ctx.words, ctx.study
    book = lab.table["book"]
    scale = study.scales[scale_name]
    hidden = (block["flag"] == "suppressed").to_numpy()
    frame = block.assign(
        brand=brand_words(ctx, block["brand"]),
        population=translate(block["population"], lab.populations),
        score100=block["score100"].astype(object).where(~hidden, ctx.supp),
        flag=translate(block["flag"], lab.flags))
    ids = [Col("wave", lab["h_wave"]), *[Col(b, b.replace("_", " ").capitalize())
                                         for b in ctx.result.by],
           Col("population", lab["h_population"]), Col("item", lab["h_item"]),
           Col("brand", lab["h_brand"])]
    sh.heading(lab["items_scale"].format(scale=scale_name, lo=scale.min, hi=scale.max))

    _answer_codes(sh, ctx, scale)
    for item in dict.fromkeys(block["item"]):
        spec = study.items.get(item)
        text = spec.text_in(lab.language) if spec is not None else ""
        sh.para(book["items_question"].format(item=item, text=text or item))
    grey = (block["flag"] != "ok").to_numpy()
    bold = _bold_focus(ctx, block["brand"])
    sh.row += 1
    sh.para(book["items_answers"], font=ctx.st["bold"])
    sh.table(frame, [*ids, Col("n", lab["h_n"], "#,##0"),
                     *[Col(f"_c{code}", str(code), "0.0") for code in scale.codes]],
             name=f"Items_{scale_name}", grey=grey, bold=bold)
    conf = lab.num(study.report.confidence * 100)
    sh.para(book["items_scores"].format(conf=conf), font=ctx.st["bold"])
    sh.table(frame, [*ids, Col("n_eff", lab["h_n_eff"], "#,##0"),
                     Col("top_box", lab["h_top_box"], "0.0"),
                     Col("top_box_ci_low", lab["h_top_box_low"], "0.0"),
                     Col("top_box_ci_high", lab["h_top_box_high"], "0.0"),
                     Col("net", lab["h_net"], "0.0"), Col("net_ci_low", lab["h_net_low"], "0.0"),
                     Col("net_ci_high", lab["h_net_high"], "0.0"),
                     Col("score100", lab["h_score100"], "0.0"),
                     Col("ci_low", lab["h_score100_low"], "0.0"),
                     Col("ci_high", lab["h_score100_high"], "0.0"), Col("flag", lab["h_flag"])],
             name=f"ItemScores_{scale_name}", grey=grey, bold=bold)


def _answer_codes(sh: Sheet, ctx: Book, scale) -> None:
    """A scale's answer codes, one a row: the code, its box (top or bottom) and its label,
    which runs on to the right (the columns of the tables below keep their widths)."""
    book = ctx.words.table["book"]
    sh.para(book["items_codes"])
    for code in scale.codes:
        if not sh.fits(sh.row):
            break
        box = ("top_box" if code in scale.top_box else
               "bottom_box" if code in scale.bottom_box else None)
        put(sh.ws, sh.row, 1, code).alignment = ctx.st["indent"]
        if box:
            put(sh.ws, sh.row, 2, book[box]).font = ctx.st["grey"]
        put(sh.ws, sh.row, 3, scale.label_in(code, ctx.words.language))
        sh.row += 1
    sh.row += 1  # then the questions


# ---------------------------------------------------------------------- Reliability
def reliability_sheet(wb, ctx: Book) -> None:
    result, lab = ctx.result, ctx.words
    sh = Sheet.new(wb, ctx, "reliability", lab["reliability_title"], lab["reliability_sub"])
    rel = result.reliability
    # a construct's label (the loyalty composite: a measure) in the report's language
    titles = {k: label_of(ctx.study, k, lab.language, shown) for k, shown in zip(
        rel.get("construct", []), rel.get("label", []), strict=True)}
    _reliability_warnings(sh, ctx, titles)
    tables = []
    if not rel.empty:
        two = rel["notes"].fillna("").astype(str).str.contains("two_dimensional", regex=False)
        frame = rel.assign(label=rel["construct"].map(titles),
                           population=translate(rel["population"], lab.populations),
                           dimensionality=np.where(two, lab["dim_two"], lab["dim_one"]),
                           verdict=[lab.verdict(v, n, flag=f) for v, n, f in zip(
                               rel["verdict"], rel["notes"], rel["flag"], strict=True)])
        # verdict (constructs) and flags (items) share a column: both are wrapped text
        cols = [Col("label", lab["h_construct"], wrap=True, cap=18),
                Col("population", lab["h_population"], wrap=True, cap=17),
                Col("n_items", lab["h_n_items"], "0"),
                Col("n_complete", lab["h_complete"], "#,##0"),
                Col("alpha", lab["h_alpha"], "0.000"), Col("ci_low", lab["h_ci_low"], "0.000"),
                Col("ci_high", lab["h_ci_high"], "0.000"),
                Col("verdict", lab["h_verdict"], wrap=True, cap=24),
                Col("std_alpha", lab["h_std_alpha"], "0.000"),
                Col("average_r", lab["h_average_r"], "0.000"),
                Col("omega_total", lab["h_omega"], "0.000"),
                Col("first_eigen_share", lab["h_eigen"], "0.00"),
                Col("dimensionality", lab["h_dimensionality"], wrap=True, cap=14)]
        tables.append(sh.table(frame, [c for c in cols if c.key in frame], name="Reliability"))
    waves = result.reliability_waves
    if not waves.empty and waves["versus"].fillna("").astype(str).ne("").any():
        tables.append(_reliability_over_time(sh, ctx, waves, titles))
    items = result.reliability_items
    if not items.empty:
        frame = items.assign(construct=items["construct"].map(
                                 lambda k: titles.get(k) or label_of(ctx.study, k, lab.language)),
                             population=translate(items["population"], lab.populations),
                             flags=items["flags"].map(lambda v: lab.codes("item_flags", v)))
        sh.heading(lab["reliability_items"])
        tables.append(sh.table(frame, [
            Col("construct", lab["h_construct"], wrap=True, cap=18),
            Col("population", lab["h_population"], wrap=True, cap=17),
            Col("item", lab["h_item"]), Col("n", lab["h_n"], "#,##0"),
            Col("mean", lab["h_mean"], "0.00"), Col("sd", lab["h_sd"], "0.00"),
            Col("item_rest_r", lab["h_item_rest"], "0.000"),
            Col("flags", lab["h_flags"], wrap=True, cap=24),
            Col("alpha_if_deleted", lab["h_alpha_deleted"], "0.000")],
            name="ReliabilityItems"))
    sh.images(CHART_PREFIXES["reliability"])
    one = tables[0] if len(tables) == 1 else None  # one table: its header stays in view
    sh.finish(freeze=f"A{one + 1}" if one else None, title_row=one)


def _reliability_over_time(sh: Sheet, ctx: Book, waves: pd.DataFrame,
                           titles: dict[str, str | None]) -> int:
    """Alpha per wave and its change since the previous wave (Feldt's test): one sentence
    per scale that became significantly less reliable (``weakened``), then the table."""
    lab, rep = ctx.words, ctx.study.report
    bh = rep.multiple_testing == "bh"
    level = lab["level_bh" if bh else "level"].format(alpha=lab.num(round(1 - rep.confidence, 4)))
    name_of = {k: titles.get(k) or label_of(ctx.study, k, lab.language, shown)
               for k, shown in zip(waves["construct"], waves["label"], strict=True)}
    sh.heading(lab["relw_title"])
    sh.para(lab["relw_sub"].format(conf=lab.num(rep.confidence * 100), level=level))
    weak = waves["weakened"].fillna(False).astype(bool).to_numpy()
    at = {(r.construct, r.population, r.wave): r for r in waves.itertuples(index=False)}
    for r in waves[weak].itertuples(index=False):
        before = at[(r.construct, r.population, r.versus)]
        sh.para(lab["relw_line"].format(
            construct=name_of[r.construct],
            population=lab.populations.get(r.population, r.population),
            before=lab.num(before.alpha, 2), versus=r.versus, after=lab.num(r.alpha, 2),
            wave=r.wave, p=_p_text(lab, r.p_adjusted if bh else r.p_value)))
    if not weak.any():
        sh.para(lab["relw_none"].format(level=level))
    first = waves["versus"].fillna("").astype(str).eq("").to_numpy()
    frame = waves.assign(
        label=waves["construct"].map(name_of),
        population=translate(waves["population"], lab.populations),
        change=np.where(weak, lab["relw_weakened"],
                        np.where(first, lab["relw_first"], lab["relw_stable"])))
    cols = [Col("label", lab["h_construct"], wrap=True, cap=18),
            Col("population", lab["h_population"], wrap=True, cap=17),
            Col("wave", lab["h_wave"]), Col("n_complete", lab["h_complete"], "#,##0"),
            Col("alpha", lab["h_alpha"], "0.000"), Col("ci_low", lab["h_ci_low"], "0.000"),
            Col("ci_high", lab["h_ci_high"], "0.000"),
            # the words under the constructs table's verdict: one wide column, not two
            Col("change", lab["relw_h_change"], wrap=True, cap=24),
            Col("versus", lab["relw_h_versus"]),
            Col("difference", lab["relw_h_difference"], "+0.000;-0.000;0.000"),
            Col("p_value", lab["relw_h_p"], "0.000"),
            *([Col("p_adjusted", lab["relw_h_p_adjusted"], "0.000")] if bh else [])]
    return sh.table(frame, cols, name="ReliabilityWaves")


def _p_text(lab, p: float) -> str:
    """``p = 0.012``, or ``p < 0.001`` below a thousandth."""
    return lab["relw_p_below"].format(p=lab.num(0.001, 3)) if p < 0.001 else \
        lab["relw_p"].format(p=lab.num(p, 3))


def _reliability_warnings(sh: Sheet, ctx: Book, titles: dict[str, str | None]) -> None:
    """One sentence per construct x population whose verdict is not plain "ok"."""
    lab = ctx.words
    sh.heading(lab["rel_title"])
    bad = bad_reliability(ctx.result.reliability)
    if bad.empty:
        sh.para(lab["rel_none"])
    for r in bad.itertuples(index=False):
        sh.para(lab["rel_line"].format(
            construct=titles.get(r.construct) or r.label,
            population=lab.populations.get(r.population, r.population),
            alpha=lab.num(r.alpha, 2) if pd.notna(r.alpha) else "–",
            low=lab.num(r.ci_low, 2) if pd.notna(r.ci_low) else "–",
            high=lab.num(r.ci_high, 2) if pd.notna(r.ci_high) else "–",
            verdict=lab.verdict(r.verdict, r.notes, flag=r.flag)))
    sh.row += 1


# ---------------------------------------------------------------------- Drivers
DRIVER_COLUMNS = ["analysis", "outcome", "population", "wave", "driver", "label", "importance",
                  "ci_low", "ci_high", "raw_weight", "sign", "r2", "n", "n_eff", "performance",
                  "performance_ci_low", "performance_ci_high", "method", "warning", "flag"]


def drivers_sheet(wb, ctx: Book, drivers: pd.DataFrame) -> None:
    """Three tables: the priorities (importance, performance, quadrant), the importances
    with their intervals, raw weights, signs and warnings, and the models (outcome, R²,
    bases, method); the same first columns in each."""
    lab = ctx.words
    book = lab.table["book"]
    conf = lab.num(ctx.study.report.confidence * 100)
    sh = Sheet.new(wb, ctx, "drivers", lab["drivers_title"], lab["drivers_sub"].format(
        conf=conf))
    d = drivers.reindex(columns=[*DRIVER_COLUMNS, *[c for c in ("quadrant",)
                                                    if c in drivers.columns]])
    waves = {w: i for i, w in enumerate(ctx.study.waves)}
    d = d.assign(_w=d["wave"].map(waves)).sort_values(
        ["analysis", "population", "_w", "importance"], ascending=[True, True, True, False],
        kind="stable")
    frame = d.assign(analysis=translate(d["analysis"], lab.analyses),
                     outcome=d["outcome"].map(lambda o: outcome_label(
                         ctx.study, o, lab.language) if isinstance(o, str) else o),
                     population=translate(d["population"], lab.populations),
                     method=translate(d["method"], lab.methods),
                     quadrant=translate(ip_quadrant(d), lab.ip_quadrants),
                     label=[label_of(ctx.study, k, lab.language, shown)
                            for k, shown in zip(d["driver"], d["label"], strict=True)],
                     warning=d["warning"].map(lambda v: lab.codes("driver_warnings", v)))
    ids = [Col("analysis", lab["h_analysis"], wrap=True, cap=30),
           Col("population", lab["h_population"], wrap=True, cap=15),
           Col("wave", lab["h_wave"])]
    grey = (d["flag"].astype(object).fillna("ok") != "ok").to_numpy()
    methods = list(dict.fromkeys(frame["method"].dropna()))
    if len(methods) == 1:
        sh.para(book["drivers_method"].format(method=methods[0]))
        sh.row += 1
    driver = [Col("label", lab["h_driver"], wrap=True, cap=14),
              Col("importance", lab["h_importance"], "0.0")]
    sh.heading(book["drivers_priorities"])
    sh.table(frame, [*ids, *driver, Col("performance", lab["h_performance"], "0.0"),
                     Col("performance_ci_low", lab["h_performance_low"], "0.0"),
                     Col("performance_ci_high", lab["h_performance_high"], "0.0"),
                     Col("quadrant", lab["h_ip_quadrant"], wrap=True, cap=14)],
             name="DriverPriorities", grey=grey)
    sh.heading(book["drivers_importance"].format(conf=conf))
    sh.table(frame, [*ids, *driver, Col("ci_low", lab["h_ci_low"], "0.0"),
                     Col("ci_high", lab["h_ci_high"], "0.0"),
                     Col("raw_weight", lab["h_raw_weight"], "0.000"),
                     Col("sign", lab["h_sign"], "+0;-0"),
                     Col("warning", lab["h_warning"], wrap=True, cap=24)],
             name="Drivers", grey=grey)
    models = frame.drop_duplicates(["analysis", "population", "wave"])
    sh.heading(book["drivers_models"])
    sh.table(models, [*ids, Col("outcome", lab["h_outcome"], wrap=True, cap=14),
                      Col("r2", lab["h_r2"], "0.000"), Col("n", lab["h_n"], "#,##0"),
                      Col("n_eff", lab["h_n_eff"], "#,##0"),
                      *([Col("method", lab["h_method"], wrap=True, cap=14)]
                        if len(methods) > 1 else [])], name="DriverModels")
    sh.images(CHART_PREFIXES["drivers"])
    sh.finish()  # three tables, each its own header: nothing frozen


# ---------------------------------------------------------------------- Exclusions
#: the per-file counts in respondents (distinct file rows), beside those in rows
PEOPLE = ("respondents_in", "respondents_scored", "respondents_excluded")
#: the widest the ledger's reason and detail columns get: about as wide as the numbers of
#: the reconciliation above them (the tables share the sheet's columns); a longer text
#: wraps onto more lines
REASON_WIDTH, DETAIL_WIDTH = 16, 17


def exclusions_sheet(wb, ctx: Book) -> None:
    """The per-file reconciliation in respondents and in respondent x brand rows, the
    exclusions by reason in both (per file, and in words for all files), then the ledger
    (one line per excluded row).

    A file table without the respondent counts (one built by hand, or by an older
    txscore) is shown in rows only.
    """
    result, lab = ctx.result, ctx.words
    files = result.files
    people = set(PEOPLE) <= set(files.columns)
    ok = bool(files["reconciles"].all())
    counts = {"status": lab["reconciles_all" if ok else "reconciles_not"],
              **{k: lab.count(files[k].sum()) for k in ("rows_in", "scored", "excluded",
                                                        *(PEOPLE if people else ()))}}
    sh = Sheet.new(wb, ctx, "exclusions", lab["exclusions_title"], lab[
        "exclusions_sub_people" if people else "exclusions_sub"].format(**counts))
    ex = result.exclusions
    used = set(ex["reason"]) if len(ex) else set()  # and codes txscore does not know yet
    reasons = [r for r in [*REASONS, *sorted(used - set(REASONS))]
               if r in files.columns and files[r].sum() > 0]
    _reconciliation(sh, files, people)
    if reasons:
        _reasons_table(sh, files, reasons, people)
    sh.heading(lab["ledger_title"])
    if ex.empty:
        sh.para(lab["ledger_none"])
        sh.finish()
        return
    who = ex[["source_file", "source_sheet", "source_row"]].drop_duplicates()
    sh.para(lab["ledger_counts"].format(rows=_rows(lab, len(ex)),
                                        respondents=_people(lab, len(who))))
    sh.para(say(lab, "ledger_ids_shown" if ctx.show_ids else "ledger_ids_hidden"))
    frame, cols = _ledger_frame(ctx, ex)
    # the study engine's ledger (a big tracker's) is also a parquet dataset beside the
    # workbook; so is any ledger longer than its sheet holds (one more sentence then)
    dataset = getattr(getattr(result, "meta", None), "engine", "memory") != "memory"
    # the lines below the header, after the sentences about the files beside
    room = ctx.max_rows - sh.row - 1 - int(dataset)
    spill = len(frame) > room
    if spill and not dataset:
        dataset, room = True, room - 1
    if spill:  # the whole ledger beside the workbook, its first lines here
        name = ledger_file(ctx.study.name)
        full = frame[[c.key for c in cols]].set_axis([c.header for c in cols], axis=1)
        ctx.beside[name] = csv_text(full).encode("utf-8")
        sh.para(say(lab, "ledger_spilled", total=lab.count(len(frame)),
                    limit=lab.count(ctx.max_rows), shown=lab.count(max(room, 0)), file=name))
    if dataset:
        folder = dataset_folder(ctx.study.name)
        for part, content in dataset_files(ledger_table(ex, show_ids=ctx.show_ids)).items():
            ctx.beside[f"{folder}/{part}"] = content
        sh.para(say(lab, "ledger_dataset", rows=_rows(lab, len(frame)), folder=folder))
    if spill:
        frame = frame.iloc[:max(room, 0)]
    top = sh.table(frame, cols, name="Ledger")
    sh.finish(freeze=f"A{top + 1}", title_row=top)  # the last table: its header applies


def _plural(lab, key: str, n: float) -> str:
    """``n`` and its noun: one respondent, 2 respondents (French: 0 and 1 are singular)."""
    one = round(n) == 1 or (lab.language == "fr" and round(n) == 0)
    return lab[f"{key}_one" if one else key].format(n=lab.count(n))


def _people(lab, n: float) -> str:
    return _plural(lab, "n_respondents", n)


def _rows(lab, n: float) -> str:
    return _plural(lab, "n_rows", n)


def _reconciliation(sh: Sheet, files: pd.DataFrame, people: bool) -> None:
    """Per file: respondents in, scored, excluded; rows in, scored, excluded; shares."""
    lab = sh.ctx.words
    rows_in = files["rows_in"].where(files["rows_in"] > 0)
    f = files.assign(reconciles=files["reconciles"].map({True: lab["yes"], False: lab["no"]}),
                     population=translate(files["population"], lab.populations),
                     excluded_share=files["excluded"] / rows_in)
    cols = [Col("source_file", lab["h_file"]), Col("source_sheet", lab["h_sheet"]),
            Col("population", lab["h_population"]), Col("wave", lab["h_wave"])]
    if people:
        f["respondents_excluded_share"] = files["respondents_excluded"] / files[
            "respondents_in"].where(files["respondents_in"] > 0)
        cols += [Col("respondents_in", lab["h_respondents_in"], "#,##0"),
                 Col("respondents_scored", lab["h_respondents_scored"], "#,##0"),
                 Col("respondents_excluded", lab["h_respondents_excluded"], "#,##0"),
                 Col("respondents_excluded_share", lab["h_respondents_excluded_share"],
                     "0.0%")]
    cols += [Col("rows_in", lab["h_rows_in"], "#,##0"), Col("scored", lab["h_scored"], "#,##0"),
             Col("excluded", lab["h_excluded"], "#,##0"),
             Col("excluded_share", lab["h_excluded_share"], "0.0%"),
             Col("reconciles", lab["h_reconciles"])]
    sh.table(f, cols, name="Reconciliation")


def _reasons_table(sh: Sheet, files: pd.DataFrame, reasons: list[str], people: bool) -> None:
    """Per file and reason: respondents and rows excluded, with their shares of the file's
    respondents and rows; above it, the totals of all files in words."""
    lab = sh.ctx.words
    sh.heading(lab["reasons_title"])
    if people:
        sh.para(lab["exclusions_by_reason"].format(reasons=lab["list_sep"].join(
            lab["reason_counts"].format(
                reason=lab.reasons.get(r) or r, rows=_rows(lab, files[r].sum()),
                respondents=_people(lab, files[f"{r}_respondents"].sum())
                if f"{r}_respondents" in files else "–") for r in reasons)))
    ids = ["source_file", "source_sheet", "population", "wave"]
    resp = [f"{r}_respondents" for r in reasons]
    wide = files.reindex(columns=[*ids, "rows_in", "respondents_in", *reasons, *resp])
    long = pd.concat([wide[ids].assign(
        reason=r, rows=wide[r], respondents=wide[f"{r}_respondents"],
        rows_in=wide["rows_in"], respondents_in=wide["respondents_in"])
        for r in reasons], ignore_index=True)  # a loop over reasons, not respondents
    order = {f: i for i, f in enumerate(files["source_file"])}
    long = long[long["rows"] > 0].sort_values(
        "source_file", key=lambda s: s.map(order), kind="stable")
    frame = long.assign(
        population=translate(long["population"], lab.populations),
        reason=long["reason"].map(lambda r: lab.reasons.get(r) or r),
        rows_share=long["rows"] / long["rows_in"].where(long["rows_in"] > 0),
        respondents_share=long["respondents"] / long["respondents_in"].where(
            long["respondents_in"] > 0))
    cols = [Col("source_file", lab["h_file"]), Col("source_sheet", lab["h_sheet"]),
            Col("population", lab["h_population"]), Col("wave", lab["h_wave"]),
            Col("reason", lab["h_reason"])]
    if people:
        cols += [Col("respondents", lab["h_respondents"], "#,##0"),
                 Col("respondents_share", lab["h_respondents_share"], "0.0%")]
    cols += [Col("rows", lab["h_rows"], "#,##0"), Col("rows_share", lab["h_rows_share"], "0.0%")]
    sh.table(frame, cols, name="ExclusionReasons")


def _ledger_frame(ctx: Book, ex: pd.DataFrame) -> tuple[pd.DataFrame, list[Col]]:
    """The ledger in words, one line per excluded respondent x brand row, and its columns:
    the respondent id only with ``ctx.show_ids``."""
    lab = ctx.words
    details = ex["detail"].astype(object).fillna("").astype(str)
    frame = ex.assign(
        population=translate(ex["population"], lab.populations),
        # a code txscore has no words for yet is shown as it is
        reason_shown=ex["reason"].map(lab.reason_texts).fillna(ex["reason"]),
        detail=details.map({d: lab.detail(d) for d in details.unique()}))
    ids = [Col("respondent_id", lab["h_respondent"])] if ctx.show_ids else []
    # same first columns as the tables above, so that the widths suit all three
    return frame, [Col("source_file", lab["h_file"]), Col("source_sheet", lab["h_sheet"]),
                   Col("population", lab["h_population"]), Col("wave", lab["h_wave"]),
                   # "_)_)": a little room between the row number and the text after it
                   Col("source_row", lab["h_row"], "0_)_)"), *ids, Col("brand", lab["h_brand"]),
                   Col("reason_shown", lab["h_reason"], wrap=True, cap=REASON_WIDTH),
                   Col("detail", lab["h_detail"], wrap=True, cap=DETAIL_WIDTH)]
