"""The Methodology sheet's content: every setting used, the formulas in words, the inputs."""

from __future__ import annotations

import datetime as dt
import platform
from importlib import metadata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from txscore.result import Result


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def methodology_rows(result: Result, when: dt.datetime) -> list[tuple[str, list[tuple[str, str]]]]:
    """Sections of (key, value) rows for the Methodology sheet."""
    study = result.study
    ix, rep = study.index, study.report
    cxw = result.cx_weights
    weights_text = ", ".join(f"{r.dimension} {r.weight:.3f}" for r in cxw.itertuples()) if (
        not cxw.empty) else "n/a"
    sections = [
        ("Study", [
            ("Study", study.name),
            ("Run date", when.strftime("%Y-%m-%d")),
            ("Waves", ", ".join(study.waves)),
            ("Brands", ", ".join(sorted(b for b in result.scores["brand"].unique()
                                        if b != "All brands"))),
            ("Personal-data columns removed", ", ".join(study.columns.personal) or "none"),
            ("Weight column", study.columns.weight or "none (unweighted)"),
        ]),
        ("Scores (txscore's open method; not Forrester's proprietary indices)", [
            ("Item score100", "100 × (weighted mean − scale minimum) / (maximum − minimum). "
             "Missing codes such as 99 = Don't know are left out of the base, never counted "
             "as zero. Reversed items are recoded (min + max − x) first."),
            ("Top box / net", "Top box: weighted share of answers in the top box. Net: top-box "
             "share minus bottom-box share, × 100."),
            ("Dimension / pillar", "Mean of its items' score100."),
            ("CX index", {
                "loyalty_weighted": "Σ w_q × S_q over effectiveness, ease and emotion; w_q = "
                "Johnson's relative weights of the dimensions on the loyalty composite (mean "
                "of the retention, enrichment and advocacy items), estimated once on all "
                f"customers pooled, normalised to 1. Weights used: {weights_text} "
                f"({cxw['method'].iloc[0] if not cxw.empty else ''}).",
                "equal": "Mean of the three quality dimensions' score100.",
                "classic_net": "Mean over the three dimensions of the net score.",
            }[ix.cx_method]),
            ("BX", "Mean of the salience, fit and trust pillars" + (
                "" if ix.bx_method == "equal" else ", weighted by their relative importance "
                "for purchase preference") + "; computed separately for customers (BX "
                "customers) and non-customers (BX non-customers)."),
            ("Customer score C", f"C = λ × CX + (1 − λ) × BX customers, λ = {ix.lam:g}."),
            ("Non-customer score N", "N = BX non-customers."),
            ("TX score", f"TX = s × N + (1 − s) × C, s = {ix.share_non_customer:g}."),
            ("Growth grid", "Each brand at (N, C) against the peer means: Leading (both "
             "above), Plateauing (customers above, non-customers below), Churning "
             "(non-customers above, customers below), Lagging (both below)."),
            ("Bands", ", ".join(f"{n} ≥ {lo:g}" if lo > -1e9 else f"{n} below"
                                for n, lo in ix.bands)),
        ]),
        ("Uncertainty and base sizes", [
            ("Confidence level", f"{rep.confidence:.0%}"),
            ("Item intervals", "score100: linearised (Taylor) standard error of the weighted "
             "mean; top box: Wilson on the effective base; net: normal interval with Var = "
             "100² [(p + d) − (p − d)²] / n_eff (adjusted Wald for 0–10 items)."),
            ("Composite intervals", f"Percentile bootstrap, {rep.bootstrap:,} resamples of "
             "respondents within population × wave × brand (CX weights re-estimated in each "
             f"resample), seed {rep.seed}."),
            ("Significance", "Wave over wave and brand vs peer average: difference / bootstrap "
             f"standard error, two-sided, significant when p < {1 - rep.confidence:.2f}."),
            ("Effective base", "Kish n_eff = (Σw)² / Σw²."),
            ("Base-size rules", f"n_eff < {rep.suppress_below:g}: suppressed (no number "
             f"shown); < {rep.low_base_below:g}: low base; < {rep.caution_below:g}: caution; "
             f"peer averages use brands with n_eff ≥ {rep.peer_min_base:g}."),
        ]),
        ("Reliability", [
            ("Alpha", "Cronbach's alpha (weighted covariance, complete cases) with the Feldt "
             "interval on the complete-case base; standardised alpha; McDonald's omega total "
             "(one factor, iterated principal axis)."),
            ("Verdicts", "alpha ≥ .70 ok; .60–.70 questionable; < .60 poor; > .95 redundant "
             "items; items with item-rest r < .30 or whose deletion raises alpha by > .02 "
             "are flagged."),
        ]),
        ("Data quality", [
            ("Checks", "Blank rows, missing id or brand, duplicate respondent ids (first "
             f"kept: {'on' if study.quality.duplicates else 'off'}), out-of-range codes "
             f"({'on' if study.quality.out_of_range else 'off'}), no scored answer "
             f"({'on' if study.quality.no_answers else 'off'})."),
            ("Rows", f"{int(result.files['rows_in'].sum()):,} rows read, "
             f"{int(result.files['scored'].sum()):,} scored, "
             f"{int(result.files['excluded'].sum()):,} excluded (see Exclusions)."),
        ]),
        ("Input files", [(f"{r.source_file}" + (f" [{r.source_sheet}]" if r.source_sheet
                                                else ""),
                          f"{r.population}, wave {r.wave}: {r.rows_in:,} rows; read with "
                          f"{r.reader}; sha256 {r.sha256}")
                         for r in result.files.itertuples()]),
        ("Software", [
            ("txscore", _version("txscore")),
            ("Python", platform.python_version()),
            *[(p, _version(p)) for p in ("pandas", "numpy", "scipy", "openpyxl", "fastexcel",
                                         "matplotlib")],
        ]),
    ]
    return sections
