"""The French words of the reports: one flat table (see :mod:`txscore.reporting.text`).

Same keys as :data:`txscore.reporting._text_en.EN`. French typography: a no-break space
before ``: ; ? !`` and ``%`` (added to every text once, below), so that they never start a
line; decimal commas come from :func:`txscore.reporting.text.number`.
"""

from __future__ import annotations

import re
from typing import Any

_NB = "\u00a0"  # no-break space

__all__ = ["FR"]

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
    "flags": {"ok": "", "caution": "Prudence", "low_base": "Base faible",
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
                "missing_brand": "Marque manquante", "brand_not_rated": "Marque non évaluée",
                "test_response": "Réponse de test", "duplicate_id": "Identifiant en double",
                "speeder": "Réponse trop rapide", "attention_check": "Question de contrôle "
                "échouée", "straightliner": "Réponses en ligne droite",
                "out_of_range": "Hors échelle", "incomplete": "Incomplet",
                "no_answers": "Aucune réponse notée"},
    "reason_texts": {
        "blank_row": "Ligne vide (aucune cellule remplie)",
        "missing_id": "Identifiant du répondant manquant", "missing_brand": "Marque manquante",
        "brand_not_rated": "Marque non évaluée (boucle de marques)",
        "test_response": "Réponse de test ou d’aperçu",
        "duplicate_id": "Identifiant en double (une ligne précédente l’a déjà)",
        "speeder": "Réponse trop rapide", "attention_check": "Question de contrôle échouée",
        "straightliner": "Réponses en ligne droite (même réponse sur toute une grille)",
        "out_of_range": "Code de réponse hors de l’échelle",
        "incomplete": "Incomplet (trop peu de questions obligatoires renseignées)",
        "no_answers": "Aucune réponse notée"},
    "details": {
        "answer": "{subject} = {0:q}", "blank": "{subject} vide",
        "expected": "réponse attendue : {0:q}",
        "same_id_as": "même identifiant que {subject} ligne {0}",
        "duration_below": f"durée {{0:n}}{_NB}s < {{1:n}}{_NB}s",
        "duration_below_median": f"durée {{0:n}}{_NB}s < {{1:n}} × la médiane de "
                                 f"{{2:n}}{_NB}s",
        "straightline": "même réponse ({0}) à {1} des {2} questions de la grille {subject}",
        "outside_scale": "{subject} = {0}",
        "answered_share": "{0} questions obligatoires renseignées sur {1} (minimum {2:%})",
        "not_finished": "questionnaire non terminé (Finished = faux)"},
    "verdicts": {"ok": "correct", "questionable": "discutable", "poor": "faible",
                 "redundant": "items redondants", "no_variance": "aucune variance",
                 "too_few_cases": "trop peu de cas", "suppressed": "masqué"},
    "reliability_notes": {
        "low_item_rest": "r item-reste faible (<{value})",
        "negative_item_rest": "r item-reste négatif ({value}) : question inversée non "
                              "recodée ?",
        "raises_alpha": "l’alpha augmente sans elle ({value})",
        "two_dimensional": "semble bidimensionnel (2e valeur propre {value} > 1)"},
    "reliability_notes_short": {
        "low_item_rest": "r item-reste faible (<{value})",
        "negative_item_rest": "r item-reste négatif : question inversée non recodée ?",
        "raises_alpha": "l’alpha augmente sans elle",
        "two_dimensional": "semble bidimensionnel (2e valeur propre {value} > 1)"},
    "item_flags": {
        "low_item_rest": "r item-reste faible (<{value})",
        "negative_item_rest": "r item-reste négatif ({value}) : question inversée non "
                              "recodée ?",
        "raises_alpha": "l’alpha augmente sans elle ({value})",
        "too_few_cases": "trop peu de cas", "suppressed": "masqué"},
    "driver_warnings": {
        "few_cases_per_driver": "peu de cas par facteur : {value} cas complets par facteur ; "
                                "importances instables",
        "near_duplicate": "facteurs quasi identiques {a} et {b} (r = {value}) : leurs "
                          "importances se partagent la variance commune",
        "singular": "corrélations entre facteurs quasi singulières (conditionnement {value}) : "
                    "importances instables",
        "degenerate_resamples": "{value} rééchantillonnages bootstrap dégénérés (un facteur ou "
                                "la variable expliquée constant), exclus de l’intervalle",
        "driver_left_out": "facteur {item} écarté : aucun répondant n’a répondu à ses "
                           "questions"},
    "weight_notes": {
        "too_few_customers": "moins de clients que min_customers_for_weights",
        "no_variance": "poids de fidélité non estimables : aucune variance",
        "no_loyalty": "aucune question de fidélité répondue par les clients : poids égaux"},
    "indices": {"cx": "Indice CX", "bx_customer": "BX clients",
                "bx_non_customer": "BX non-clients", "c": "Score clients (C)",
                "n": "Score non-clients (N)", "tx": "Score TX",
                "grid": "Matrice de croissance", "nps": "NPS"},
    "not_computed": {
        "no_customer_source": "l’étude n’a aucune source de clients (ajoutez une entrée "
                              "[[sources]] avec population = \"customer\")",
        "no_non_customer_source": "l’étude n’a aucune source de non-clients (ajoutez une "
                                  "entrée [[sources]] avec population = \"non_customer\")",
        "no_bx_items_for_customers": "les clients n’ont été interrogés sur aucune question "
                                     "d’au moins un pilier BX, ou n’y ont pas répondu (les "
                                     "populations du pilier les excluent, ou les fichiers "
                                     "clients n’en ont pas les colonnes)",
        "no_bx_items_for_non_customers": "les non-clients n’ont été interrogés sur aucune "
                                         "question d’au moins un pilier BX, ou n’y ont pas "
                                         "répondu (les populations du pilier les excluent, ou "
                                         "les fichiers non-clients n’en ont pas les colonnes)",
        "no_cx_constructs": "l’étude ne définit aucune dimension de qualité CX (un construit "
                            "avec role = \"cx_quality\")",
        "no_cx_items_for_customers": "les clients n’ont été interrogés sur aucune question "
                                     "d’au moins une dimension de qualité CX, ou n’y ont pas "
                                     "répondu",
        "no_bx_constructs": "l’étude ne définit aucun pilier BX (un construit avec role = "
                            "\"bx_pillar\")",
        "no_nps_item": "l’étude ne désigne aucune question NPS ([index] nps_item)",
        "no_scored_rows": "aucun répondant nécessaire n’a été noté (toutes les lignes exclues, "
                          "ou les questions jamais répondues : voir Exclusions)"},
    "text": {
        "not_computed_title": "Non calculé",
        "not_computed_line": "{indices} : calcul impossible – {reason}.",
        "item_note": "{item} : {notes}",
        "list_sep": " ; ", "detail_quote": f"«{_NB}{{text}}{_NB}»", "detail_or": " ou ",
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
        "h_question": "Libellé", "h_top_box": "Haut d’échelle %",
        "h_top_box_low": "Haut d’échelle IC bas", "h_top_box_high": "Haut d’échelle IC haut",
        "h_net": "Net", "h_net_low": "Net IC bas",
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
        "summary_title": "{study} – synthèse de l’expérience totale (TX)",
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
                     "pas » exclus), part en haut d’échelle (%), net (haut moins bas "
                     "d’échelle, en points) et score100 (0–100), avec intervalles "
                     "analytiques à {conf} %.",
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
        # the exclusions in respondents and in respondent x brand rows (issue 15)
        "exclusions_sub_people": "Chaque ligne lue est notée ou listée ci-dessous avec son "
                                 "motif ({status}). Répondants (un par ligne du fichier) : "
                                 "{respondents_in} lus = {respondents_scored} notés (au moins "
                                 "une ligne gardée) + {respondents_excluded} exclus (toutes "
                                 "leurs lignes exclues). Lignes répondant × marque (dans une "
                                 "boucle de marques, une par marque) : {rows_in} lues = "
                                 "{scored} notées + {excluded} exclues. Parts en % des "
                                 "répondants ou des lignes du fichier.",
        "h_respondents_in": "Répondants lus", "h_respondents_scored": "Répondants notés",
        "h_respondents_excluded": "Répondants exclus",
        "h_respondents_excluded_share": "Répondants exclus %",
        "exclusions_by_reason": "Tous fichiers : {reasons}. Un répondant compte sous chaque "
                                "motif qui a exclu une de ses lignes.",
        "reason_counts": "{reason} – {respondents}, {rows}",
        "n_respondents": "{n} répondants", "n_respondents_one": "{n} répondant",
        "n_rows": "{n} lignes répondant × marque", "n_rows_one": "{n} ligne répondant × marque",
        "ledger_counts": "Une ligne par ligne répondant × marque exclue : {rows} de "
                         "{respondents}.",
        "reasons_title": "Exclusions par motif", "h_respondents": "Répondants",
        "h_respondents_share": "Répondants %", "h_rows": "Lignes répondant × marque",
        "h_rows_share": "Lignes %",
        "sheet_cut": "Cette feuille atteint la limite d’Excel de {limit}\u00a0lignes\u00a0: "
                     "ce qui ne tenait pas est omis. Chaque tableau en entier\u00a0: txscore "
                     "score --format csv --table <tableau>.",
        "ledger_ids_hidden": "Les lignes exclues sont identifiées par fichier et ligne\u00a0; "
                             "les identifiants des répondants ne figurent pas dans ce classeur "
                             "(txscore report --show-ids les ajoute, pour la copie du "
                             "chargé d’études).",
        "ledger_ids_shown": "Les identifiants des répondants sont affichés (txscore report "
                            "--show-ids)\u00a0: cette copie est pour le chargé d’études, pas "
                            "pour les clients.",
        "ledger_spilled": "Le registre compte {total}\u00a0lignes, plus qu’une feuille n’en "
                          "contient (limite d’Excel\u00a0: {limit}\u00a0lignes)\u00a0: les "
                          "{shown} premières sont ci-dessous\u00a0; toutes les lignes sont "
                          "dans le fichier {file}, à côté de ce classeur.",
        "ledger_dataset": "Le registre entier ({rows}) figure aussi dans le jeu de données "
                          "Parquet {folder}, à côté de ce classeur\u00a0: un dossier par "
                          "vague, pour les outils d’analyse.",
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
        "weighting_rake": "Redressement par calage sur les marges (ajustement proportionnel "
                          "itératif) des répondants notés, {groups}, sur les cibles {targets} ; "
                          "poids plafonnés à {cap} × la moyenne puis ramenés à une moyenne de 1. "
                          "{converged} groupes sur {n_groups} ont convergé ; effet de plan "
                          "{deff} ; poids de {wmin} à {wmax}.",
        "weight_constant": "constante {value}",
        "weight_one": "aucune : poids 1",
        "constant_weight": "Les sources sans colonne de poids pèsent 1 (tous les répondants "
                           "à égalité) : {files}.",
        "weighting_sources": "Les poids de chaque source tels quels (voir Colonne de pondération).",
        "weighting_column": "La colonne de pondération telle quelle ({column}).",
        "k_item": "Score100 d’une question", "k_box": "Haut d’échelle / net",
        "k_dimension": "Dimension / pilier", "k_cx": "Indice CX",
        "k_cx_weights": "Poids CX utilisés", "k_bx": "BX", "k_bx_weights": "Poids BX utilisés",
        "k_c": "Score clients C", "k_n": "Score non-clients N", "k_tx": "Score TX",
        "k_gap": "Écart BX", "k_grid": "Grille de croissance", "k_bands": "Niveaux de score",
        "k_nps": "NPS", "k_confidence": "Niveau de confiance",
        "k_item_ci": "Intervalles des questions", "k_composite_ci": "Intervalles des composites",
        "k_significance": "Significativité", "k_multiple": "Tests multiples",
        "k_neff": "Base effective", "k_engine": "Moteur",
        "engine": "Calculé par le moteur d'étude ({engine} : {rows} lignes ; chaque fichier "
                  "une tâche, chaque cellule réduite à ses sommes) : chaque rééchantillon "
                  "bootstrap d'une cellule est tiré de la loi normale de ses sommes, comme en "
                  "mémoire avec bootstrap_exact_max = 0. Les tableaux croisés demandent les "
                  "lignes et ne sont pas calculés.",
        "k_base": "Règles de base", "k_alpha": "Alpha et oméga",
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
        "box": "Haut d’échelle : part pondérée des réponses parmi les codes du haut de "
               "l’échelle (top_box de l’échelle). Net : part en haut d’échelle moins part en "
               "bas d’échelle (bottom_box), × 100 (de −100 à 100).",
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
        "item_ci": "score100 : erreur type linéarisée (Taylor) de la moyenne pondérée ; haut "
                   "d’échelle : intervalle de Wilson sur la base effective ; net : intervalle "
                   "normal avec "
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
    "charts": {
        "tx_title": "Score TX par marque – {wave}", "tx_x": "Score TX (0–100)",
        "total": "Toutes marques {value} (n_eff={n})", "suppressed": "n<{min} – masqué",
        "no_data": "pas de données", "caution": "Prudence (n_eff < {min})",
        "low_base": "Base faible (n_eff < {min})",
        "tx_note": "Barres d’erreur : intervalle bootstrap à {conf} % ; "
                   "bases : n_eff clients + non-clients ; n_eff < {min} masqué",
        "grid_title": "Grille de croissance – {wave}", "grid_y": "Score clients (C, 0–100)",
        "grid_x": "Score non-clients (BX non-clients, 0–100)",
        "peer": "Repères : moyenne des marques pairs avec n_eff ≥ {min} (N {n}, C {c})",
        "not_peer": "Points creux : hors moyenne des pairs (n_eff < {min})",
        "hidden": "Non affichées (n_eff < {min}) : {brands}",
        "grid_bases": "Bases (n_eff clients / non-clients) : {bases}",
        "cxbx_title": "CX et BX auprès des clients – {wave}",
        "cxbx_x": "Indice CX (clients, 0–100)", "cxbx_y": "BX auprès des clients (0–100)",
        "sep": " ; ", "signed_unit": "–100 à 100", "score": "Score",
        "ip_bare": "Importance et performance",
        "cxbx_total": "tirets : toutes marques (CX {cx}, BX {bx}) ; "
                      "pointillé : CX = BX",
        "whiskers": "Moustaches : intervalles bootstrap à {conf} %",
        "cxbx_bases": "Bases (n_eff clients) : {bases}",
        "flag_styles": "Points clairs : prudence (n_eff < {caution}) ; "
                       "creux : base faible (n_eff < {low})",
        "trend_title": "{label} par vague", "trend_x": "Vague",
        "trend_note": "Moustaches : intervalles bootstrap à {conf} % ; "
                      "étiquettes : dernière valeur (n_eff)",
        "trend_sig": "Cerclé : évolution significative par rapport à la vague précédente "
                     "(seuil {conf} %)",
        "hidden_cells": "Non affichés (n_eff < {min}) : {cells}",
        "dist_title": "Réponses par item – {brand}, {population} – {wave}",
        "dist_x": "Part des réponses (%)", "reversed": "(I)",
        "reversed_note": "(I) item inversé : réponses recodées (k + 1 - x), le côté droit "
                         "est le côté favorable",
        "dist_bases": "Base par item : n_eff {n}",
        "dist_note": "Parts pondérées ; réponses en désaccord à gauche de zéro, en accord "
                     "à droite, la réponse neutre partagée en zéro ; codes manquants (ne sait "
                     "pas) exclus",
        "ip_title": "Importance et performance – {outcome}, {population} – {wave}",
        "ip_x": "Importance (% de la variance expliquée)",
        "ip_y": "Performance (score, 0–100)",
        "ip_note": "R² {r2}, n_eff={n} ; {method} ; moustaches : "
                   "intervalles à {conf} % ; repères : importance moyenne "
                   "{mi}, performance moyenne {mp}",
        "ip_negative": "Points creux : coefficient de régression négatif",
        "no_drivers": "pas d’analyse des leviers",
        "no_drivers_for": "pas d’analyse des leviers pour {what}",
        "relative_weights": "poids relatifs de Johnson", "shapley": "Shapley / LMG",
        "rel_title": "Fiabilité des construits", "rel_x": "Alpha de Cronbach (0–1)",
        "rel_note": "Points : alpha et son intervalle à {conf} % ; "
                    "losanges : oméga total ; repères à 0,70 (acceptable) et 0,80 "
                    "(bon) ; n = cas complets",
        "omega": "Oméga total", "no_reliability": "pas de statistiques de fiabilité",
        "customer": "clients", "non_customer": "non-clients", "all": "tous",
        "all_brands": "Toutes marques", "no_value": "Non affichés (pas de valeur) : {names}",
        "more_brands": "{n} autres marques dans le classeur (les {top} premières par "
                       "{measure} sont affichées)",
        "more_brand": "{n} autre marque dans le classeur (les {top} premières par "
                      "{measure} sont affichées)",
        "and_more": "{names} et {n} autres", "keys": "Noms abrégés : {keys}",
    },
}


def _french_spaces(value: Any) -> Any:
    """A no-break space before French ``: ; ? !`` and ``%``, so that they never start a line."""
    if isinstance(value, str):
        return re.sub(r" ([:;?!%])", _NB + r"\1", value)
    return {k: _french_spaces(v) for k, v in value.items()}


FR = _french_spaces(FR)
