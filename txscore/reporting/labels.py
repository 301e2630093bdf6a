"""Every word of the workbook, in English and French.

One dictionary per language holds the sheet names, titles, column headers, legends,
measure, population, band, flag and quadrant names, exclusion reasons, the reliability
verdicts' fixed phrases and the Methodology sheet's sections, keys and sentences.
:func:`labels_for` returns them for ``study.report.language``. The growth-grid and
importance-performance quadrant names come from the charts' ``TEXT`` dictionary when it
has them, so a chart and the sheet next to it use the same words.

Numbers stay numbers in cells (Excel shows the reader's decimal mark); the few numbers
inside sentences go through :meth:`Labels.num`, which writes "0,5" in French.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_NB = "\u00a0"  # French puts a no-break space before : ; ? ! and %

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
    "flags": {"": "", "caution": "Caution", "low base": "Low base",
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
    "reasons": {"blank_row": "Blank row", "missing_id": "Id missing",
                "missing_brand": "Brand missing", "duplicate_id": "Duplicate id",
                "out_of_range": "Out of range", "no_answers": "No scored answer",
                "speeder": "Speeder", "straight_liner": "Straight-liner",
                "incomplete": "Incomplete", "attention": "Failed attention check",
                "attention_check": "Failed attention check", "test": "Test response",
                "preview": "Test / preview response"},
    "text": {
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
        "weighting_column": "The weight column as given ({column}).",
        "k_personal": "Personal data", "k_item": "Item score100",
        "k_box": "Top box / net", "k_dimension": "Dimension / pillar", "k_cx": "CX index",
        "k_cx_weights": "CX weights used", "k_bx": "BX", "k_bx_weights": "BX weights used",
        "k_c": "Customer score C", "k_n": "Non-customer score N", "k_tx": "TX score",
        "k_gap": "BX gap", "k_grid": "Growth grid", "k_bands": "Bands", "k_nps": "NPS",
        "k_confidence": "Confidence level", "k_item_ci": "Item intervals",
        "k_composite_ci": "Composite intervals", "k_significance": "Significance",
        "k_multiple": "Multiple testing", "k_neff": "Effective base",
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
    "verdicts": [],
    "details": [],
}

FR: dict[str, Any] = {
    "sheets": {"summary": "Synthèse", "scores": "Scores", "trend": "Tendances",
               "items": "Questions", "reliability": "Fiabilité", "drivers": "Facteurs clés",
               "exclusions": "Exclusions", "methodology": "Méthodologie"},
    "measures": {
        "tx": "Score TX", "customer_score": "Score clients (C)",
        "non_customer_score": "Score non-clients (N)", "cx": "Indice CX",
        "cx_classic_net": "CX net classique (comparaison)", "bx_customers": "BX clients",
        "bx_non_customers": "BX non-clients", "bx_gap": "Écart BX (clients − non-clients)",
        "loyalty": "Composite de fidélité", "nps": "NPS"},
    "levels": {"index": "Indice", "dimension": "Dimension CX", "pillar": "Pilier BX",
               "outcome": "Résultat", "construct": "Échelle", "gap": "Écart",
               "comparator": "Comparaison", "nps": "NPS"},
    "populations": {"customer": "Clients", "non_customer": "Non-clients",
                    "all": "Ensemble des répondants"},
    "bands": {"excellent": "Excellent", "good": "Bon", "okay": "Correct", "poor": "Faible",
              "very poor": "Très faible"},
    "flags": {"": "", "caution": "Prudence", "low base": "Base faible",
              "suppressed": "Masqué"},
    "quadrants": {"Leading": "Leader", "Plateauing": "En plateau",
                  "Churning": "En perte de clients", "Lagging": "En retard"},
    "ip_quadrants": {"concentrate": "Priorité d’action", "keep": "Atouts à maintenir",
                     "low": "Faible priorité", "overkill": "Effort peut-être excessif"},
    "analyses": {"cx_loyalty": "Dimensions CX → fidélité",
                 "bx_preference_customer": "Piliers BX → préférence (clients)",
                 "bx_preference_non_customer": "Piliers BX → préférence (non-clients)",
                 "items_loyalty": "Questions CX → fidélité"},
    "methods": {"relative_weights": "Poids relatifs de Johnson", "shapley": "Shapley / LMG"},
    "reasons": {"blank_row": "Ligne vide", "missing_id": "Identifiant manquant",
                "missing_brand": "Marque manquante", "duplicate_id": "Identifiant en double",
                "out_of_range": "Hors échelle", "no_answers": "Aucune réponse notée",
                "speeder": "Réponse trop rapide", "straight_liner": "Réponses en ligne droite",
                "incomplete": "Incomplet", "attention": "Question de contrôle échouée",
                "attention_check": "Question de contrôle échouée", "test": "Réponse de test",
                "preview": "Réponse de test / aperçu"},
    "text": {
        "all_brands": "Toutes marques", "yes": "oui", "no": "NON", "page": "Page &P sur &N",
        "suppressed": "n<{min}", "wave": "Vague {wave}", "charts": "Graphiques",
        "charts_below": "Graphiques : sous les tableaux, à partir de la ligne {row}.",
        "level": "p < {alpha}", "level_bh": "p ajusté (Benjamini-Hochberg) < {alpha}",
        "per_population_wave": "chaque population et chaque vague séparément",
        "per_population": "chaque population, toutes vagues confondues",
        "h_brand": "Marque", "h_wave": "Vague", "h_population": "Population",
        "h_measure": "Mesure", "h_level": "Niveau", "h_score": "Score",
        "h_ci_low": "IC bas", "h_ci_high": "IC haut", "h_se": "Erreur type", "h_n": "n",
        "h_n_eff": "n_eff", "h_deff": "Effet de plan", "h_flag": "Alerte base",
        "h_band": "Niveau de score", "h_code": "Code mesure",
        "h_quadrant": "Quadrant de croissance", "h_n_customers": "n clients",
        "h_neff_customers": "n_eff clients", "h_n_non_customers": "n non-clients",
        "h_neff_non_customers": "n_eff non-clients", "h_construct": "Construit",
        "h_alpha": "Alpha", "h_verdict": "Verdict", "h_change": "Évolution vs {wave}",
        "h_p": "p vs {wave}", "h_p_bh": "p (BH) vs {wave}", "h_item": "Question",
        "h_question": "Libellé", "h_top_box": "Top box %", "h_top_box_low": "Top box IC bas",
        "h_top_box_high": "Top box IC haut", "h_net": "Net", "h_net_low": "Net IC bas",
        "h_net_high": "Net IC haut", "h_score100": "Score100",
        "h_score100_low": "Score100 IC bas", "h_score100_high": "Score100 IC haut",
        "h_mean": "Moyenne", "h_n_items": "Questions", "h_complete": "Cas complets",
        "h_std_alpha": "Alpha standardisé", "h_average_r": "r moyen",
        "h_omega": "Oméga total", "h_eigen": "Part de la 1re valeur propre",
        "h_dimensionality": "Dimensionnalité", "h_sd": "Écart type",
        "h_item_rest": "r item-reste", "h_alpha_deleted": "Alpha sans la question",
        "h_flags": "Alertes", "h_analysis": "Analyse", "h_outcome": "Variable expliquée",
        "h_driver": "Facteur", "h_label": "Libellé", "h_importance": "Importance (total 100)",
        "h_raw_weight": "Poids brut", "h_sign": "Signe", "h_r2": "R²",
        "h_performance": "Performance (0–100)", "h_performance_low": "Performance IC bas",
        "h_performance_high": "Performance IC haut", "h_method": "Méthode",
        "h_warning": "Avertissement", "h_ip_quadrant": "Priorité", "h_file": "Fichier",
        "h_sheet": "Feuille", "h_rows_in": "Lignes lues", "h_scored": "Notées",
        "h_excluded": "Exclues", "h_excluded_share": "Exclues %",
        "h_reconciles": "Rapprochement", "h_row": "Ligne",
        "h_respondent": "Identifiant répondant", "h_reason": "Motif", "h_detail": "Détail",
        "h_reason_share": "{reason} %",
        "summary_title": "{study} – synthèse Total Experience",
        "summary_sub": "Scores de type CX-Index, BX et TX calculés avec la méthode ouverte et "
                       "documentée de txscore (et non les indices propriétaires de Forrester). "
                       "Scores de 0 à 100, NPS de −100 à 100 ; intervalles à {conf} % dans la "
                       "feuille Scores.",
        "legend_title": "Comment lire ce tableau",
        "band_top": "{lo} et plus", "band_mid": "de {lo} à moins de {hi}",
        "band_low": "moins de {hi}",
        "legend_suppressed": "{text} : base effective (n_eff) inférieure à {min} : aucun chiffre "
                             "n’est affiché.",
        "legend_grey": "Italique gris, sans couleur de niveau : base faible (n_eff inférieure à "
                       "{low}) ou prudence (inférieure à {caution}) : à lire avec précaution.",
        "legend_wave": "▲ / ▼ après un score : significativement plus haut / plus bas qu’à la "
                       "vague précédente ({level}).",
        "legend_peer": "↑ / ↓ après un score : significativement au-dessus / au-dessous de la "
                       "moyenne des marques avec n_eff ≥ {peer} ({level}).",
        "legend_grid": "Grille de croissance : score clients (C) et score non-clients (N) "
                       "comparés aux moyennes des marques ; * hors de la moyenne (n_eff "
                       "inférieure à {peer}).",
        "legend_nps": "NPS : % de promoteurs (9–10) moins % de détracteurs (0–6) parmi les "
                      "clients, de −100 à 100 ; pas de couleur de niveau.",
        "rel_title": "Alertes de fiabilité",
        "rel_line": "{construct} – {population} : alpha {alpha} [{low}–{high}] : {verdict}",
        "rel_none": "Tous les construits passent les contrôles de fiabilité (alpha ≥ 0,70, "
                    "aucune question faible).",
        "scores_title": "Scores par marque et par vague",
        "scores_sub": "Tous les indices, dimensions, piliers et échelles. Intervalles à {conf} % "
                      ": bootstrap percentile ({boot} rééchantillonnages) pour les composites, "
                      "analytiques pour le NPS ; n = répondants, n_eff = base effective de "
                      "Kish. Les cellules masquées n’ont pas de chiffre.",
        "trend_title": "Tendances : chaque indice au fil des vagues",
        "trend_sub": "Scores par vague ; évolution = écart avec la vague précédente, ▲ / ▼ si "
                     "elle est significative ({level}), avec sa p-valeur bilatérale.",
        "items_title": "Questions : réponses et scores par question",
        "items_sub": "Part de chaque réponse (% des répondants ; codes manquants comme « Ne sait "
                     "pas » exclus), part top box (%), net (top box moins bottom box, en "
                     "points) et score100 (0–100), avec intervalles analytiques à {conf} %.",
        "items_scale": "Échelle {scale} ({lo}–{hi})",
        "reliability_title": "Fiabilité des construits",
        "reliability_sub": "Alpha de Cronbach avec son intervalle de Feldt (cas complets), alpha "
                           "standardisé, oméga total de McDonald (un facteur), part de la "
                           "première valeur propre ; verdict : ≥ 0,70 correct, 0,60–0,70 "
                           "discutable, < 0,60 faible, > 0,95 items redondants ; "
                           "dimensionnalité d’après les valeurs propres.",
        "reliability_items": "Questions",
        "dim_one": "un facteur dominant", "dim_two": "semble bidimensionnel",
        "drivers_title": "Facteurs clés",
        "drivers_sub": "Part de la variance expliquée (R²) portée par chaque facteur, ramenée à "
                       "un total de 100 et signée par son coefficient de régression, avec "
                       "intervalles bootstrap à {conf} % ; performance = score100 du facteur.",
        "exclusions_title": "Exclusions et rapprochement",
        "exclusions_sub": "Chaque ligne lue est notée ou listée ci-dessous avec son motif : "
                          "lignes lues = notées + exclues ({status}). {rows_in} lignes lues, "
                          "{scored} notées, {excluded} exclues. Parts en % des lignes du "
                          "fichier.",
        "reconciles_all": "rapprochement exact pour chaque fichier",
        "reconciles_not": "RAPPROCHEMENT EN ÉCHEC : merci de le signaler",
        "ledger_title": "Lignes exclues", "ledger_none": "Aucune ligne n’a été exclue.",
        "methodology_title": "Méthodologie et paramètres",
        "methodology_sub": "Tout ce qu’il faut pour reproduire ces chiffres.",
    },
    "methodology": {
        "s_study": "Étude", "s_settings": "Paramètres utilisés (tels que dans le fichier d’étude)",
        "s_scores": "Scores (méthode ouverte de txscore ; pas les indices propriétaires de "
                    "Forrester)",
        "s_uncertainty": "Incertitude, significativité et tailles de base",
        "s_reliability": "Fiabilité", "s_drivers": "Facteurs clés",
        "s_quality": "Qualité des données", "s_files": "Fichiers lus", "s_software": "Logiciels",
        "k_study": "Étude", "k_spec": "Fichier d’étude", "k_date": "Date d’exécution",
        "k_waves": "Vagues", "k_brands": "Marques", "k_segments": "Découpage par segments",
        "k_weight": "Colonne de pondération", "k_personal": "Données personnelles",
        "k_weighting": "Pondération",
        "weighting_rake": "Redressement sur les marges (raking, ajustement proportionnel "
                          "itératif) des répondants notés, {groups}, sur les cibles {targets} ; "
                          "poids plafonnés à {cap} × la moyenne puis ramenés à une moyenne de 1. "
                          "{converged} groupes sur {n_groups} ont convergé ; effet de plan "
                          "{deff} ; poids de {wmin} à {wmax}.",
        "weighting_column": "La colonne de pondération telle quelle ({column}).",
        "k_item": "Score100 d’une question", "k_box": "Top box / net",
        "k_dimension": "Dimension / pilier", "k_cx": "Indice CX",
        "k_cx_weights": "Poids CX utilisés", "k_bx": "BX", "k_bx_weights": "Poids BX utilisés",
        "k_c": "Score clients C", "k_n": "Score non-clients N", "k_tx": "Score TX",
        "k_gap": "Écart BX", "k_grid": "Grille de croissance", "k_bands": "Niveaux de score",
        "k_nps": "NPS", "k_confidence": "Niveau de confiance",
        "k_item_ci": "Intervalles des questions", "k_composite_ci": "Intervalles des composites",
        "k_significance": "Significativité", "k_multiple": "Tests multiples",
        "k_neff": "Base effective", "k_base": "Règles de base", "k_alpha": "Alpha et oméga",
        "k_dimensionality": "Dimensionnalité", "k_verdicts": "Verdicts", "k_method": "Méthode",
        "k_importance": "Importance", "k_ip": "Importance-performance",
        "k_checks": "Contrôles", "k_rows": "Lignes", "k_reasons": "Exclusions par motif",
        "k_python": "Python", "k_reproducible": "Reproductibilité",
        "none": "aucun", "unweighted": "aucune (données non pondérées)",
        "not_set": "(non renseigné)",
        "personal": "Colonnes déclarées personnelles : {columns}. Elles sont écartées à la "
                    "lecture des fichiers et n’atteignent jamais les scores, le registre des "
                    "exclusions ni ce classeur.",
        "personal_none": "Aucune colonne n’est déclarée personnelle.",
        "item": "100 × (moyenne pondérée − minimum de l’échelle) / (maximum − minimum). Les codes "
                "manquants comme 99 = Ne sait pas sont exclus de la base, jamais comptés comme "
                "zéro. Les questions inversées sont d’abord recodées (min + max − x).",
        "box": "Top box : part pondérée des réponses dans le haut de l’échelle. Net : part top "
               "box moins part bottom box, × 100 (de −100 à 100).",
        "dimension": "Moyenne des score100 de ses questions.",
        "cx_loyalty_weighted": "Σ w_q × S_q sur l’efficacité, la facilité et l’émotion ; w_q = "
                               "poids relatifs de Johnson des dimensions sur le composite de "
                               "fidélité (moyenne des questions de rétention, d’achat "
                               "additionnel et de recommandation), estimés une fois sur "
                               "l’ensemble des clients (poids communs à toutes les marques), "
                               "ramenés à une somme de 1 et réestimés dans chaque "
                               "rééchantillonnage bootstrap.",
        "cx_equal": "Moyenne des score100 des trois dimensions de qualité (w_q = 1/3).",
        "cx_classic_net": "Moyenne du score net des trois dimensions de qualité (méthode "
                          "publique 2007–2014), de −100 à 100.",
        "weights": "{weights} ({method})",
        "bx_equal": "Moyenne des score100 des piliers notoriété, adéquation et confiance ; "
                    "calculée séparément pour les clients (BX clients) et les non-clients (BX "
                    "non-clients).",
        "bx_preference_weighted": "Piliers pondérés par leur importance relative pour la "
                                  "préférence d’achat (envisager, préférer, intention d’achat, "
                                  "payer plus) ; calculé séparément pour les clients et les "
                                  "non-clients.",
        "c": "C = λ × CX + (1 − λ) × BX clients, λ = {lam}.",
        "n": "N = BX non-clients.",
        "tx": "TX = s × N + (1 − s) × C, s = {share} (part des non-clients).",
        "gap": "BX clients − BX non-clients.",
        "grid": "Chaque marque en (N, C) comparée aux moyennes des marques : Leader (les deux "
                "au-dessus), En plateau (clients au-dessus, non-clients au-dessous), En perte "
                "de clients (non-clients au-dessus, clients au-dessous), En retard (les deux "
                "au-dessous).",
        "nps": "Net Promoter Score sur la question « {item} » (0–10) : % de promoteurs (9–10) "
               "moins % de détracteurs (0–6), de −100 à 100, avec l’intervalle de Wald ajusté "
               "sur la base effective (Rocks 2016) ; les évolutions d’une vague à l’autre "
               "utilisent les erreurs types analytiques d’échantillons indépendants. Pas de "
               "niveau de score.",
        "confidence": "{conf} %",
        "item_ci": "score100 : erreur type linéarisée (Taylor) de la moyenne pondérée ; top box "
                   ": intervalle de Wilson sur la base effective ; net : intervalle normal avec "
                   "Var = 100² [(p + d) − (p − d)²] / n_eff (Wald ajusté pour les questions "
                   "0–10).",
        "composite_ci": "Bootstrap percentile, {boot} rééchantillonnages des répondants au "
                        "sein de chaque population × vague × marque, graine {seed}.",
        "significance": "D’une vague à l’autre et marque vs moyenne des marques : écart / erreur "
                        "type bootstrap, test normal bilatéral ; significatif si {level}.",
        "multiple_none": "Aucune correction : chaque évolution est testée seule au niveau de "
                         "{conf} % (avec beaucoup de marques et de mesures, certaines "
                         "évolutions paraîtront significatives par hasard).",
        "multiple_bh": "Contrôle du taux de fausses découvertes de Benjamini-Hochberg sur les "
                       "cellules de chaque tableau (une comparaison × mesure × population) ; "
                       "les flèches et p-valeurs affichées sont les valeurs ajustées.",
        "neff": "n_eff de Kish = (Σw)² / Σw² ; effet de plan = n / n_eff. Toutes les variances, "
                "tous les intervalles et tests utilisent n_eff.",
        "base": "n_eff inférieure à {suppress} : masqué (aucun chiffre) ; inférieure à {low} : "
                "base faible ; inférieure à {caution} : prudence ; les moyennes des marques "
                "n’utilisent que les marques avec n_eff ≥ {peer}.",
        "alpha": "Alpha de Cronbach (covariance pondérée, cas complets) avec l’intervalle de "
                 "Feldt sur la base des cas complets ; alpha standardisé ; oméga total de "
                 "McDonald (un facteur).",
        "dimensionality": "Part de la première valeur propre des corrélations entre questions ; "
                          "à partir de quatre questions, une deuxième valeur propre supérieure "
                          "à 1 signale un construit qui semble bidimensionnel.",
        "verdicts": "alpha ≥ 0,70 correct ; 0,60–0,70 discutable ; < 0,60 faible ; "
                    "> 0,95 items redondants ; les questions dont le r item-reste est "
                    "< 0,30, ou dont la suppression augmente l’alpha de plus de 0,02, sont "
                    "nommées.",
        "method": "{methods} ; importances ramenées à un total de 100 et signées par le "
                  "coefficient de régression.",
        "importance": "Variables expliquées : le composite de fidélité pour les dimensions CX, "
                      "la préférence d’achat pour les piliers BX ; analyse par vague, toutes "
                      "marques confondues, pondérations des répondants appliquées ; "
                      "intervalles bootstrap percentile.",
        "ip": "Importance en abscisse, performance (score100) en ordonnée, repères aux "
              "moyennes : {concentrate} (important, performance faible), {keep} (important, "
              "performance élevée), {low} (moins important, performance faible), {overkill} "
              "(moins important, performance élevée).",
        "rows": "{rows_in} lignes lues, {scored} notées, {excluded} exclues (voir Exclusions).",
        "reproducible": "Les mêmes fichiers, paramètres et graine donnent les mêmes chiffres et "
                        "un classeur identique à l’octet près.",
        "file": "{population}, vague {wave} : {rows} lignes ; lu avec {reader} ; SHA-256 {sha}",
    },
    # The reliability verdicts' fixed phrases (txscore.stats.reliability), pattern -> French.
    "verdicts": [
        (r"\bredundant items\b", "items redondants"),
        (r"\bquestionable\b", "discutable"),
        (r"\bno variance\b", "aucune variance"),
        (r"\btoo few cases\b", "trop peu de cas"),
        (r"^suppressed: effective base of complete cases (\d+) < (\d+)",
         r"masqué : base effective des cas complets \1 < \2"),
        (r"low item-rest r \(<\.(\d+)\)", r"r item-reste faible (<0,\1)"),
        (r"negative item-rest r \((-?)(\d+)\.(\d+)\): reversed item not recoded\?",
         r"r item-reste négatif (\1\2,\3) : question inversée non recodée ?"),
        (r"alpha rises if deleted \(\+(\d+)\.(\d+)\)", r"l’alpha augmente sans elle (+\1,\2)"),
        (r"looks two-dimensional \(2nd eigenvalue (\d+)\.(\d+) > 1\)",
         r"semble bidimensionnel (2e valeur propre \1,\2 > 1)"),
        (r"^ok\b", "correct"),
        (r"^poor\b", "faible"),
        (r"; ", " ; "),
        (r"(\w): ", r"\1 : "),
    ],
    # details of the exclusions ledger (txscore.ingest.quality), pattern -> French
    "details": [
        (r"^same id as (.+) row (\d+)$", r"même identifiant que \1, ligne \2"),
    ],
}


def _french_spaces(value: Any) -> Any:
    """A no-break space before French : ; ? ! and %, so that they never start a line."""
    if isinstance(value, str):
        return re.sub(r" ([:;?!%])", _NB + r"\1", value)
    if isinstance(value, dict):
        return {k: _french_spaces(v) for k, v in value.items()}
    if isinstance(value, list):
        return [(p, _french_spaces(r)) for p, r in value]  # replacements only
    return value


FR = _french_spaces(FR)
LANGUAGES = {"en": EN, "fr": FR}


@dataclass(frozen=True)
class Labels:
    """The words of one language. ``lab["h_brand"]`` is a plain text; the mappings below
    translate codes (``lab.measures["tx"]``, ``lab.bands["good"]``).

    Examples
    --------
    >>> lab = labels_for("fr")
    >>> lab.sheets["summary"], lab.bands["very poor"], lab["h_brand"]
    ('Synthèse', 'Très faible', 'Marque')
    >>> lab.num(0.5), lab.count(12439)
    ('0,5', '12\u202f439')
    """

    language: str
    sheets: Mapping[str, str]
    measures: Mapping[str, str]
    levels: Mapping[str, str]
    populations: Mapping[str, str]
    bands: Mapping[str, str]
    flags: Mapping[str, str]
    quadrants: Mapping[str, str]
    ip_quadrants: Mapping[str, str]
    analyses: Mapping[str, str]
    methods: Mapping[str, str]
    reasons: Mapping[str, str]
    text: Mapping[str, str]
    methodology: Mapping[str, str]
    verdict_patterns: tuple[tuple[str, str], ...]
    detail_patterns: tuple[tuple[str, str], ...]

    def __getitem__(self, key: str) -> str:
        return self.text[key]

    def num(self, value: float, decimals: int | None = None) -> str:
        """A number inside a sentence: ``0.5`` / ``0,5`` (``:g`` without ``decimals``)."""
        text = f"{value:g}" if decimals is None else f"{value:.{decimals}f}"
        return text.replace(".", ",") if self.language == "fr" else text

    def count(self, value: float) -> str:
        """A count inside a sentence: ``12,439`` / ``12 439`` (narrow no-break space)."""
        text = f"{round(float(value)):,}"
        return text.replace(",", "\u202f") if self.language == "fr" else text

    def verdict(self, text: str) -> str:
        """A reliability verdict or item flag in this language (its fixed phrases replaced).

        >>> labels_for("fr").verdict("questionable; trust_3: low item-rest r (<.30)")
        'discutable\xa0; trust_3\xa0: r item-reste faible (<0,30)'
        """
        return _substitute(str(text), self.verdict_patterns)

    def detail(self, text: str) -> str:
        """A detail of the exclusions ledger in this language.

        >>> labels_for("fr").detail("same id as a.csv row 4")
        'même identifiant que a.csv, ligne 4'
        """
        return _substitute(str(text), self.detail_patterns)


def _substitute(text: str, patterns: tuple[tuple[str, str], ...]) -> str:
    for pattern, repl in patterns:
        text = re.sub(pattern, repl, text)
    return text


#: the charts' TEXT keys of the importance-performance quadrants
IP_CHART_KEYS = {"concentrate": "Concentrate here", "keep": "Keep up the good work",
                 "low": "Low priority", "overkill": "Possible overkill"}


def _chart_words(language: str) -> dict[str, str]:
    """The charts' words for this language ({} when the charts module has none)."""
    from txscore.reporting.charts import TEXT

    return dict(TEXT.get(language, {}))


def labels_for(language: str) -> Labels:
    """The workbook's words in ``language`` ("en" or "fr"; anything else gives English).

    Quadrant names are the charts' own when ``txscore.reporting.charts.TEXT`` has them.

    Examples
    --------
    >>> labels_for("fr").quadrants["Leading"]
    'Leader'
    >>> labels_for("en").sheets["trend"]
    'Trend'
    """
    lang = language if language in LANGUAGES else "en"
    d = LANGUAGES[lang]
    chart = _chart_words(lang)
    quadrants = {k: chart.get(k, v) for k, v in d["quadrants"].items()}
    ip = {k: chart.get(IP_CHART_KEYS[k], v) for k, v in d["ip_quadrants"].items()}
    return Labels(language=lang, sheets=d["sheets"], measures=d["measures"],
                  levels=d["levels"], populations=d["populations"], bands=d["bands"],
                  flags=d["flags"], quadrants=quadrants, ip_quadrants=ip,
                  analyses=d["analyses"], methods=d["methods"], reasons=d["reasons"],
                  text=d["text"], methodology=d["methodology"],
                  verdict_patterns=tuple(d["verdicts"]),
                  detail_patterns=tuple(d["details"]))


__all__ = ["EN", "FR", "Labels", "labels_for"]
