"""The English words of the reports: one flat table (see :mod:`txscore.reporting.text`).

Keys are the codes of the result tables (flags, measures, populations, verdicts, reasons,
...) or the names of fixed texts; ``{name}`` fields are filled in by the sheets and charts.
"""

from __future__ import annotations

from typing import Any

__all__ = ["EN"]

EN: dict[str, Any] = {
    "sheets": {"summary": "Summary", "scores": "Scores", "trend": "Trend", "items": "Items",
               "reliability": "Reliability", "drivers": "Drivers", "exclusions": "Exclusions",
               "methodology": "Methodology"},
    "measures": {
        "tx": "TX score", "customer_score": "Customer score (C)",
        "non_customer_score": "Non-customer score (N)", "cx": "CX index",
        "cx_classic_net": "CX classic net (comparator)", "bx_customers": "BX customers",
        "bx_non_customers": "BX non-customers", "bx_gap": "BX gap (customers − non-customers)",
        "loyalty": "Loyalty composite", "nps": "NPS"},
    "levels": {"index": "Index", "dimension": "CX dimension", "pillar": "BX pillar",
               "outcome": "Outcome", "construct": "Scale", "gap": "Gap",
               "comparator": "Comparator", "nps": "NPS"},
    "populations": {"customer": "Customers", "non_customer": "Non-customers",
                    "all": "All respondents"},
    "bands": {"excellent": "Excellent", "good": "Good", "okay": "Okay", "poor": "Poor",
              "very poor": "Very poor"},
    "flags": {"ok": "", "caution": "Caution", "low_base": "Low base",
              "suppressed": "Suppressed"},
    "quadrants": {"Leading": "Leading", "Plateauing": "Plateauing", "Churning": "Churning",
                  "Lagging": "Lagging"},
    "ip_quadrants": {"concentrate": "Concentrate here", "keep": "Keep up the good work",
                     "low": "Low priority", "overkill": "Possible overkill"},
    "analyses": {"cx_loyalty": "CX dimensions → loyalty",
                 "bx_preference_customer": "BX pillars → preference (customers)",
                 "bx_preference_non_customer": "BX pillars → preference (non-customers)",
                 "items_loyalty": "CX items → loyalty"},
    "methods": {"relative_weights": "Johnson's relative weights", "shapley": "Shapley / LMG"},
    # exclusion reasons (txscore.ingest.quality.REASONS): short names head the
    # reconciliation's columns, long ones explain each row of the ledger
    "reasons": {"blank_row": "Blank row", "missing_id": "Id missing",
                "missing_brand": "Brand missing", "brand_not_rated": "Brand not rated",
                "test_response": "Test response", "duplicate_id": "Duplicate id",
                "speeder": "Speeder", "attention_check": "Failed attention check",
                "straightliner": "Straight-liner", "out_of_range": "Out of range",
                "incomplete": "Incomplete", "no_answers": "No scored answer"},
    "reason_texts": {
        "blank_row": "Blank row (no cell filled)", "missing_id": "Respondent id missing",
        "missing_brand": "Brand missing", "brand_not_rated": "Brand not rated (brand loop)",
        "test_response": "Test or preview response",
        "duplicate_id": "Duplicate respondent id (an earlier row has it)",
        "speeder": "Speeder (too fast)", "attention_check": "Failed attention check",
        "straightliner": "Straight-liner (same answer across a grid)",
        "out_of_range": "Answer code outside the scale",
        "incomplete": "Incomplete (too few required items answered)",
        "no_answers": "No scored answer"},
    # the codes of an exclusion's detail (txscore.ingest.quality.DETAILS): {subject} a
    # column, grid or file; {0}, {1}, ... the arguments as written, {0:n} a number, {0:%} a
    # share, {0:q} quoted text (see txscore.reporting.text.Words.detail)
    "details": {
        "answer": "{subject} = {0:q}", "blank": "{subject} blank",
        "expected": "expected {0:q}",
        "same_id_as": "same id as {subject} row {0}",
        "duration_below": "duration {0:n} s < {1:n} s",
        "duration_below_median": "duration {0:n} s < {1:n} x median {2:n} s",
        "straightline": "same answer ({0}) on {1} of {2} items of grid {subject}",
        "outside_scale": "{subject} = {0}",
        "answered_share": "answered {0} of {1} required items (minimum {2:%})",
        "not_finished": "not finished (Finished = false)"},
    # codes of the statistics (see txscore.reporting.text.Words.codes for "code:argument")
    "verdicts": {"ok": "ok", "questionable": "questionable", "poor": "poor",
                 "redundant": "redundant items", "no_variance": "no variance",
                 "too_few_cases": "too few cases", "suppressed": "suppressed"},
    "reliability_notes": {
        "low_item_rest": "low item-rest r (<{bare})",
        "negative_item_rest": "negative item-rest r ({value}): reversed item not recoded?",
        "raises_alpha": "alpha rises if deleted ({value})",
        "two_dimensional": "looks two-dimensional (2nd eigenvalue {value} > 1)"},
    # the same without the numbers that differ between populations (a chart says it once)
    "reliability_notes_short": {
        "low_item_rest": "low item-rest r (<{bare})",
        "negative_item_rest": "negative item-rest r: reversed item not recoded?",
        "raises_alpha": "alpha rises if deleted",
        "two_dimensional": "looks two-dimensional (2nd eigenvalue {value} > 1)"},
    "item_flags": {
        "low_item_rest": "low item-rest r (<{bare})",
        "negative_item_rest": "negative item-rest r ({value}): reversed item not recoded?",
        "raises_alpha": "alpha rises if deleted ({value})", "too_few_cases": "too few cases",
        "suppressed": "suppressed"},
    "driver_warnings": {
        "few_cases_per_driver": "low n per driver: {value} complete cases per driver; "
                                "importances are unstable",
        "near_duplicate": "near-duplicate drivers {a} and {b} (r = {value}): their importances "
                          "split shared variance",
        "singular": "near-singular driver correlations (condition number {value}): "
                    "importances are unstable",
        "degenerate_resamples": "{value} bootstrap resamples were degenerate (a constant driver "
                                "or outcome) and left out of the interval",
        "driver_left_out": "driver {item} left out: no respondent answered its items"},
    "weight_notes": {
        "too_few_customers": "fewer customers than min_customers_for_weights",
        "no_variance": "loyalty weights not estimable: no variance",
        "no_loyalty": "no loyalty item answered by customers: equal weights"},
    # the indices a partial study lacks (txscore.scoring.composites.INDICES) and why
    # (txscore.scoring.composites.NOT_COMPUTED): each reason says what to add
    "indices": {"cx": "CX index", "bx_customer": "BX customers",
                "bx_non_customer": "BX non-customers", "c": "Customer score (C)",
                "n": "Non-customer score (N)", "tx": "TX score", "grid": "Growth grid",
                "nps": "NPS"},
    "not_computed": {
        "no_customer_source": "the study has no customer source (add a [[sources]] entry "
                              "with population = \"customer\")",
        "no_non_customer_source": "the study has no non-customer source (add a [[sources]] "
                                  "entry with population = \"non_customer\")",
        "no_bx_items_for_customers": "customers were asked or answered no item of at least "
                                     "one BX pillar (the pillar's populations leave them out, "
                                     "or the customer files lack its columns)",
        "no_bx_items_for_non_customers": "non-customers were asked or answered no item of at "
                                         "least one BX pillar (the pillar's populations leave "
                                         "them out, or the non-customer files lack its "
                                         "columns)",
        "no_cx_constructs": "the study defines no CX quality dimension (a construct with "
                            "role = \"cx_quality\")",
        "no_cx_items_for_customers": "customers were asked or answered no item of at least "
                                     "one CX quality dimension",
        "no_bx_constructs": "the study defines no BX pillar (a construct with role = "
                            "\"bx_pillar\")",
        "no_nps_item": "the study names no NPS item ([index] nps_item)",
        "no_scored_rows": "no respondent it needs was scored (every row excluded, or the items "
                          "never answered: see Exclusions)"},
    "text": {
        "not_computed_title": "Not computed",
        "not_computed_line": "{indices}: not computed – {reason}.",
        "item_note": "{item}: {notes}",
        "list_sep": "; ", "detail_quote": "'{text}'", "detail_or": " or ",
        "all_brands": "All brands", "yes": "yes", "no": "NO", "page": "Page &P of &N",
        "suppressed": "n<{min}", "wave": "Wave {wave}", "charts": "Charts",
        "charts_below": "Charts: below the tables, from row {row}.",
        "level": "p < {alpha}", "level_bh": "Benjamini-Hochberg adjusted p < {alpha}",
        "per_population_wave": "each population and wave separately",
        "per_population": "each population, all waves together",
        # headers
        "h_brand": "Brand", "h_wave": "Wave", "h_population": "Population",
        "h_measure": "Measure", "h_level": "Level", "h_score": "Score", "h_ci_low": "CI low",
        "h_ci_high": "CI high", "h_se": "SE", "h_n": "n", "h_n_eff": "n_eff",
        "h_deff": "Design effect", "h_flag": "Base flag", "h_band": "Band",
        "h_code": "Measure code", "h_quadrant": "Growth-grid quadrant",
        "h_n_customers": "n customers", "h_neff_customers": "n_eff customers",
        "h_n_non_customers": "n non-customers", "h_neff_non_customers": "n_eff non-customers",
        "h_construct": "Construct", "h_alpha": "Alpha", "h_verdict": "Verdict",
        "h_change": "Change vs {wave}", "h_p": "p vs {wave}", "h_p_bh": "p (BH) vs {wave}",
        "h_item": "Item", "h_question": "Question", "h_top_box": "Top box %",
        "h_top_box_low": "Top box CI low", "h_top_box_high": "Top box CI high",
        "h_net": "Net", "h_net_low": "Net CI low", "h_net_high": "Net CI high",
        "h_score100": "Score100", "h_score100_low": "Score100 CI low",
        "h_score100_high": "Score100 CI high", "h_mean": "Mean", "h_n_items": "Items",
        "h_complete": "Complete cases", "h_std_alpha": "Std alpha", "h_average_r": "Average r",
        "h_omega": "Omega total", "h_eigen": "1st eigenvalue share",
        "h_dimensionality": "Dimensionality", "h_sd": "SD", "h_item_rest": "Item-rest r",
        "h_alpha_deleted": "Alpha if deleted", "h_flags": "Flags", "h_analysis": "Analysis",
        "h_outcome": "Outcome", "h_driver": "Driver", "h_label": "Label",
        "h_importance": "Importance (sum 100)", "h_raw_weight": "Raw weight",
        "h_sign": "Sign", "h_r2": "R²", "h_performance": "Performance (0–100)",
        "h_performance_low": "Performance CI low", "h_performance_high": "Performance CI high",
        "h_method": "Method", "h_warning": "Warning", "h_ip_quadrant": "Priority",
        "h_file": "File", "h_sheet": "Sheet", "h_rows_in": "Rows in", "h_scored": "Scored",
        "h_excluded": "Excluded", "h_excluded_share": "Excluded %",
        "h_reconciles": "Reconciles", "h_row": "Row", "h_respondent": "Respondent id",
        "h_reason": "Reason", "h_detail": "Detail", "h_reason_share": "{reason} %",
        # sheets
        "summary_title": "{study} – Total Experience summary",
        "summary_sub": "CX-Index-style, BX-style and TX-style scores computed with txscore's "
                       "open, documented method (not Forrester's proprietary indices). "
                       "Scores 0–100, NPS −100 to 100; {conf}% intervals in the Scores sheet.",
        "legend_title": "How to read this table",
        "band_top": "{lo} and above", "band_mid": "{lo} to under {hi}", "band_low": "below {hi}",
        "legend_suppressed": "{text}: effective base (n_eff) below {min}: no number is shown.",
        "legend_grey": "Grey italics, no band colour: low base (n_eff below {low}) or caution "
                       "(below {caution}): read with care.",
        "legend_wave": "▲ / ▼ after a score: significantly higher / lower than the previous "
                       "wave ({level}).",
        "legend_peer": "↑ / ↓ after a score: significantly above / below the peer average of "
                       "brands with n_eff ≥ {peer} ({level}).",
        "legend_grid": "Growth grid: customer score (C) and non-customer score (N) against the "
                       "peer averages; * outside the peer average (n_eff below {peer}).",
        "legend_nps": "NPS: % promoters (9–10) minus % detractors (0–6) among customers, "
                      "−100 to 100; no band colour.",
        "rel_title": "Reliability warnings",
        "rel_line": "{construct} – {population}: alpha {alpha} [{low}–{high}]: {verdict}",
        "rel_none": "Every construct passes the reliability checks (alpha ≥ .70, no weak items).",
        "scores_title": "Scores by brand and wave",
        "scores_sub": "Every index, dimension, pillar and scale. {conf}% intervals: percentile "
                      "bootstrap ({boot} resamples) for composites, analytic for NPS; n = "
                      "respondents, n_eff = Kish effective base. Suppressed cells have no number.",
        "trend_title": "Trends: each index over the waves",
        "trend_sub": "Scores per wave; change = difference from the previous wave, ▲ / ▼ when "
                     "significant ({level}), with its two-sided p-value.",
        "items_title": "Questions: answers and item scores",
        "items_sub": "Share of each answer (% of those answering; missing codes such as Don't "
                     "know left out), top-box share (%), net (top minus bottom box, points) and "
                     "score100 (0–100), with {conf}% analytic intervals.",
        "items_scale": "Scale {scale} ({lo}–{hi})",
        "reliability_title": "Reliability of the constructs",
        "reliability_sub": "Cronbach's alpha with its Feldt interval (complete cases), "
                           "standardised alpha, McDonald's omega total (one factor), first-"
                           "eigenvalue share; verdict: ≥ .70 ok, .60–.70 questionable, < .60 "
                           "poor, > .95 redundant items; dimensionality from the eigenvalues.",
        "reliability_items": "Items",
        "dim_one": "one dominant factor", "dim_two": "looks two-dimensional",
        "drivers_title": "Key drivers",
        "drivers_sub": "Share of the outcome's explained variance (R²) carried by each driver, "
                       "rescaled to 100 and signed by its regression coefficient, with "
                       "{conf}% bootstrap intervals; performance = score100 of the driver.",
        "exclusions_title": "Exclusions and reconciliation",
        "exclusions_sub": "Every input row is scored or listed below with its reason: rows in = "
                          "scored + excluded ({status}). {rows_in} rows read, {scored} scored, "
                          "{excluded} excluded. Shares are % of the file's rows.",
        "reconciles_all": "reconciles for every file",
        "reconciles_not": "DOES NOT RECONCILE: please report this",
        "ledger_title": "Excluded rows", "ledger_none": "No row was excluded.",
        "methodology_title": "Methodology and settings",
        "methodology_sub": "Everything needed to reproduce these numbers.",
        # the exclusions in respondents and in respondent x brand rows (issue 15)
        "exclusions_sub_people": "Every input row is scored or listed below with its reason "
                                 "({status}). Respondents (one per file row): "
                                 "{respondents_in} read = {respondents_scored} scored (at "
                                 "least one row kept) + {respondents_excluded} excluded (every "
                                 "row excluded). Respondent x brand rows (in a brand loop, one "
                                 "per brand): {rows_in} read = {scored} scored + {excluded} "
                                 "excluded. Shares are % of the file's respondents or rows.",
        "h_respondents_in": "Respondents in", "h_respondents_scored": "Respondents scored",
        "h_respondents_excluded": "Respondents excluded",
        "h_respondents_excluded_share": "Respondents excluded %",
        "exclusions_by_reason": "All files: {reasons}. A respondent counts under each reason "
                                "that excluded one of their rows.",
        "reason_counts": "{reason} – {respondents}, {rows}",
        "n_respondents": "{n} respondents", "n_respondents_one": "{n} respondent",
        "n_rows": "{n} respondent x brand rows", "n_rows_one": "{n} respondent x brand row",
        "ledger_counts": "One line per excluded respondent x brand row: {rows} from "
                         "{respondents}.",
        "reasons_title": "Exclusions by reason", "h_respondents": "Respondents",
        "h_respondents_share": "Respondents %", "h_rows": "Respondent x brand rows",
        "h_rows_share": "Rows %",
        "sheet_cut": "This sheet reaches Excel's limit of {limit} rows: what did not fit is "
                     "left out. Every table in full: txscore score --format csv --table "
                     "<table>.",
        "ledger_ids_hidden": "Excluded rows are identified by file and row; respondent ids "
                             "are left out of this workbook (txscore report --show-ids adds "
                             "them, for the researcher's own copy).",
        "ledger_ids_shown": "Respondent ids are shown (txscore report --show-ids): this copy "
                            "is for the researcher, not for clients.",
        "ledger_spilled": "The ledger has {total} lines, more than a sheet holds (Excel's "
                          "limit: {limit} rows): the first {shown} are below; every line is "
                          "in the file {file}, beside this workbook.",
        "ledger_dataset": "The whole ledger ({rows}) is also in the Parquet dataset {folder}, "
                          "beside this workbook: one folder per wave, for data tools.",
    },
    "methodology": {
        "s_study": "Study", "s_settings": "Settings used (as in the study file)",
        "s_scores": "Scores (txscore's open method; not Forrester's proprietary indices)",
        "s_uncertainty": "Uncertainty, significance and base sizes",
        "s_reliability": "Reliability", "s_drivers": "Key drivers",
        "s_quality": "Data quality", "s_files": "Input files", "s_software": "Software",
        "k_study": "Study", "k_spec": "Study file", "k_date": "Run date", "k_waves": "Waves",
        "k_brands": "Brands", "k_segments": "Cut by segments", "k_weight": "Weight column",
        "k_weighting": "Weighting",
        "weighting_rake": "Rim weighting (raking, iterative proportional fitting) of the scored "
                          "respondents, {groups}, to the targets {targets}; weights capped at "
                          "{cap} × the mean and rescaled to mean 1. {converged} of {n_groups} "
                          "groups converged; design effect {deff}; weights {wmin} to {wmax}.",
        "weight_constant": "constant {value}",
        "weight_one": "none: weight 1",
        "constant_weight": "Sources without a weight column weigh 1 (every respondent the "
                           "same): {files}.",
        "weighting_sources": "Each source's weights as given (see Weight column).",
        "weighting_column": "The weight column as given ({column}).",
        "k_personal": "Personal data", "k_item": "Item score100",
        "k_box": "Top box / net", "k_dimension": "Dimension / pillar", "k_cx": "CX index",
        "k_cx_weights": "CX weights used", "k_bx": "BX", "k_bx_weights": "BX weights used",
        "k_c": "Customer score C", "k_n": "Non-customer score N", "k_tx": "TX score",
        "k_gap": "BX gap", "k_grid": "Growth grid", "k_bands": "Bands", "k_nps": "NPS",
        "k_confidence": "Confidence level", "k_item_ci": "Item intervals",
        "k_composite_ci": "Composite intervals", "k_significance": "Significance",
        "k_multiple": "Multiple testing", "k_neff": "Effective base", "k_engine": "Engine",
        "engine": "Scored by the study engine ({engine}: {rows} rows; every file a task, "
                  "every cell reduced to sums): every bootstrap resample of a cell is drawn "
                  "from the normal law of its sums, as in memory with bootstrap_exact_max = 0. "
                  "Banner tables need the rows and are not computed.",
        "k_base": "Base-size rules", "k_alpha": "Alpha and omega",
        "k_dimensionality": "Dimensionality", "k_verdicts": "Verdicts",
        "k_method": "Method", "k_importance": "Importance", "k_ip": "Importance-performance",
        "k_checks": "Checks", "k_rows": "Rows", "k_reasons": "Excluded by reason",
        "k_python": "Python", "k_reproducible": "Reproducibility",
        "none": "none", "unweighted": "none (unweighted)", "not_set": "(not set)",
        "personal": "Declared personal: {columns}. These columns are dropped when the files "
                    "are read and never reach the scores, the exclusions ledger or this "
                    "workbook.",
        "personal_none": "No column was declared personal.",
        "item": "100 × (weighted mean − scale minimum) / (maximum − minimum). Missing codes "
                "such as 99 = Don't know are left out of the base, never counted as zero. "
                "Reversed items are recoded (min + max − x) first.",
        "box": "Top box: weighted share of answers in the scale's top box. Net: top-box share "
               "minus bottom-box share, × 100 (−100 to 100).",
        "dimension": "Mean of its items' score100.",
        "cx_loyalty_weighted": "Σ w_q × S_q over effectiveness, ease and emotion; w_q = "
                               "Johnson's relative weights of the dimensions on the loyalty "
                               "composite (mean of the retention, enrichment and advocacy "
                               "items), estimated once on all customers pooled (brands share "
                               "the weights), normalised to 1 and re-estimated in each "
                               "bootstrap resample.",
        "cx_equal": "Mean of the three quality dimensions' score100 (w_q = 1/3).",
        "cx_classic_net": "Mean over the three quality dimensions of the net score (the public "
                          "2007–2014 method), −100 to 100.",
        "weights": "{weights} ({method})",
        "bx_equal": "Mean of the salience, fit and trust pillars' score100; computed separately "
                    "for customers (BX customers) and non-customers (BX non-customers).",
        "bx_preference_weighted": "Pillars weighted by their relative importance for purchase "
                                  "preference (consider, prefer, intend, pay more); computed "
                                  "separately for customers and non-customers.",
        "c": "C = λ × CX + (1 − λ) × BX customers, λ = {lam}.",
        "n": "N = BX non-customers.",
        "tx": "TX = s × N + (1 − s) × C, s = {share} (share of non-customers).",
        "gap": "BX customers − BX non-customers.",
        "grid": "Each brand at (N, C) against the peer means: Leading (both above), Plateauing "
                "(customers above, non-customers below), Churning (non-customers above, "
                "customers below), Lagging (both below).",
        "nps": "Net Promoter Score on item '{item}' (0–10): % promoters (9–10) minus % "
               "detractors (0–6), −100 to 100, with the adjusted-Wald interval on the "
               "effective base (Rocks 2016); wave-over-wave changes use the analytic standard "
               "errors of independent samples. No band.",
        "confidence": "{conf}%",
        "item_ci": "score100: linearised (Taylor) standard error of the weighted mean; top box: "
                   "Wilson interval on the effective base; net: normal interval with Var = "
                   "100² [(p + d) − (p − d)²] / n_eff (adjusted Wald for 0–10 items).",
        "composite_ci": "Percentile bootstrap, {boot} resamples of respondents within "
                        "population × wave × brand, seed {seed}.",
        "significance": "Wave over wave and brand vs peer average: difference / bootstrap "
                        "standard error, two-sided normal test; significant when {level}.",
        "multiple_none": "None: each change is tested on its own at the {conf}% level (with "
                         "many brands and measures some changes will look significant by "
                         "chance).",
        "multiple_bh": "Benjamini-Hochberg false discovery rate control across the cells of "
                       "each table (one comparison × measure × population); the arrows and "
                       "p-values shown are the adjusted ones.",
        "neff": "Kish n_eff = (Σw)² / Σw²; design effect = n / n_eff. Every variance, interval "
                "and test uses n_eff.",
        "base": "n_eff below {suppress}: suppressed (no number shown); below {low}: low base; "
                "below {caution}: caution; peer averages use brands with n_eff ≥ {peer}.",
        "alpha": "Cronbach's alpha (weighted covariance, complete cases) with the Feldt interval "
                 "on the complete-case base; standardised alpha; McDonald's omega total (one "
                 "factor).",
        "dimensionality": "Share of the first eigenvalue of the item correlations; with four "
                          "items or more, a second eigenvalue above 1 marks the construct as "
                          "looking two-dimensional.",
        "verdicts": "alpha ≥ .70 ok; .60–.70 questionable; < .60 poor; > .95 redundant items; "
                    "items with item-rest r < .30, or whose deletion raises alpha by > .02, "
                    "are named.",
        "method": "{methods}; importances rescaled to sum to 100 and signed by the regression "
                  "coefficient.",
        "importance": "Outcomes: the loyalty composite for the CX dimensions, purchase "
                      "preference for the BX pillars; analysed per wave, all brands pooled, "
                      "respondent weights applied; percentile bootstrap intervals.",
        "ip": "Importance on x, performance (score100) on y, crosshairs at the means: "
              "{concentrate} (important, low performance), {keep} (important, high "
              "performance), {low} (less important, low performance), {overkill} (less "
              "important, high performance).",
        "rows": "{rows_in} rows read, {scored} scored, {excluded} excluded (see Exclusions).",
        "reproducible": "The same inputs, settings and seed give the same numbers and a "
                        "byte-identical workbook.",
        "file": "{population}, wave {wave}: {rows} rows; read with {reader}; SHA-256 {sha}",
    },
    "charts": {
        "tx_title": "TX score by brand – {wave}", "tx_x": "TX score (0–100)",
        "total": "All brands {value} (n_eff={n})", "suppressed": "n<{min} – suppressed",
        "no_data": "no data", "caution": "Caution (n_eff < {min})",
        "low_base": "Low base (n_eff < {min})",
        "tx_note": "Error bars: {conf}% bootstrap interval; bases: n_eff of customers + "
                   "non-customers; n_eff < {min} suppressed",
        "grid_title": "Growth grid – {wave}", "grid_y": "Customer score (C, 0–100)",
        "grid_x": "Non-customer score (BX non-customers, 0–100)",
        "peer": "Crosshairs: peer average of brands with n_eff ≥ {min} (N {n}, C {c})",
        "not_peer": "Hollow points: not in the peer average (n_eff < {min})",
        "hidden": "Not shown (n_eff < {min}): {brands}",
        "grid_bases": "Bases (n_eff customers / non-customers): {bases}",
        "cxbx_title": "CX and BX among customers – {wave}",
        "cxbx_x": "CX index (customers, 0–100)", "cxbx_y": "BX among customers (0–100)",
        "cxbx_total": "dashed lines: all brands (CX {cx}, BX {bx}); dotted line: CX = BX",
        "sep": "; ", "signed_unit": "–100 to 100", "score": "Score",
        "ip_bare": "Importance and performance",
        "whiskers": "Whiskers: {conf}% bootstrap intervals",
        "cxbx_bases": "Bases (n_eff customers): {bases}",
        "flag_styles": "Light points: caution (n_eff < {caution}); hollow: low base "
                       "(n_eff < {low})",
        "trend_title": "{label} by wave", "trend_x": "Wave",
        "trend_note": "Whiskers: {conf}% bootstrap intervals; labels: latest value (n_eff)",
        "trend_sig": "Circled: significant change from the previous wave ({conf}% level)",
        "hidden_cells": "Not shown (n_eff < {min}): {cells}",
        "dist_title": "Answers by item – {brand}, {population} – {wave}",
        "dist_x": "Share of answers (%)", "reversed": "(R)",
        "reversed_note": "(R) reversed item: answers recoded (k + 1 - x), so that the right "
                         "side is the favourable one", "dist_bases": "Base per item: n_eff {n}",
        "dist_note": "Weighted shares; disagreeing answers left of zero, agreeing right, "
                     "the neutral answer split at zero; missing codes (Don't know) left out",
        "ip_title": "Importance and performance – {outcome}, {population} – {wave}",
        "ip_x": "Importance (% of explained variance)", "ip_y": "Performance (score, 0–100)",
        "ip_note": "R² {r2}, n_eff={n}; {method}; whiskers: {conf}% intervals; "
                   "crosshairs: mean importance {mi}, mean performance {mp}",
        "ip_negative": "Hollow points: negative regression coefficient",
        "no_drivers": "no driver analysis", "no_drivers_for": "no driver analysis for {what}",
        "relative_weights": "Johnson's relative weights", "shapley": "Shapley / LMG",
        "rel_title": "Reliability of the constructs", "rel_x": "Cronbach's alpha (0–1)",
        "rel_note": "Points: alpha with its {conf}% interval; diamonds: omega total; "
                    "lines at 0.70 (acceptable) and 0.80 (good); n = complete cases",
        "omega": "Omega total", "no_reliability": "no reliability statistics",
        "customer": "customers", "non_customer": "non-customers", "all": "all",
        "all_brands": "All brands", "no_value": "Not shown (no value): {names}",
        "more_brands": "{n} more brands in the workbook (the top {top} by {measure} shown)",
        "more_brand": "{n} more brand in the workbook (the top {top} by {measure} shown)",
        "and_more": "{names} and {n} more", "keys": "Shortened names: {keys}",
    },
}
