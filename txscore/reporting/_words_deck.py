"""Words of the PowerPoint deck (:mod:`txscore.reporting.deck`).
In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"charts"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.

The deck's own table is ``"deck"`` (``words.table["deck"]``); measures, populations, flags,
quadrants, analyses, verdicts and the methodology texts come from the shared tables.
"""

_NB = "\u00a0"  # no-break space: French puts one before : ; ! ? and %

EN: dict = {"deck": {
    # title slide
    "waves": "Waves: {waves}", "wave": "Wave: {wave}",
    "respondents": "Respondents scored in {wave}: {bases}", "customers": "{n} customers",
    "non_customers": "{n} non-customers", "run_date": "Run date: {date}",
    "disclaimer": "CX-Index-style, BX-style and TX-style scores from txscore's open, "
                  "documented method; not Forrester's proprietary indices.",
    # slide titles
    "headlines": "Headlines", "page": "{title} ({k}/{n})",
    "tx_title": "TX score by brand – {wave}", "grid_title": "Growth grid – {wave}",
    "cxbx_title": "CX and BX among customers – {wave}", "trend_title": "{measure} by wave",
    "scorecard_title": "Scorecard – {brand}, {wave}",
    "drivers_title": "Key drivers – {analysis}, {wave}", "appendix": "Appendix",
    "reliability_title": "Reliability of the constructs", "methodology": "Methodology",
    # chart texts
    "tx_axis": "TX score (0–100)", "score_axis": "Score (0–100)",
    "nps_axis": "NPS (−100 to 100)", "grid_x": "Non-customer score N (0–100)",
    "grid_y": "Customer score C (0–100)", "cxbx_x": "CX index (customers, 0–100)",
    "cxbx_y": "BX among customers (0–100)", "peer": "Peer average", "diagonal": "CX = BX",
    "quadrant_names": "Quadrant names", "means": "Means",
    "interval": "{name}: {conf}% interval", "importance": "Importance (% of explained variance)",
    "performance": "Performance (score, 0–100)", "suppressed": "n<{min}: suppressed",
    "brand_suppressed": "{brand} (n<{min}: suppressed)",
    # tables
    "h_measure": "Measure", "h_score": "Score", "h_interval": "{conf}% interval",
    "h_base": "Base (n_eff)", "h_change": "Change since {wave}", "h_peer": "Gap to peer average",
    "h_construct": "Construct", "h_population": "Population", "h_alpha": "Alpha",
    "h_omega": "Omega", "h_verdict": "Verdict", "none": "—", "range": "{low} to {high}",
    "significant": "{value}, significant", "not_significant": "{value}, not significant",
    "flagged": "{value} ({flag})",
    # footers: the bases
    "bases": "Bases (n_eff): {bases}", "bases_grid": "Bases (n_eff customers / non-customers): "
                                                   "{bases}",
    "bases_range": "{low}–{high} ({n} brands)", "base_item": "{name} {n}",
    "bases_drivers": "Base (n_eff): {base}, all brands",
    "bases_total": "Bases (n): {bases}", "bases_reliability": "Bases: complete cases per "
                                                             "construct and population",
    # speaker notes
    "notes_method": "Method: {text}", "notes_bases": "Bases: {text}",
    "notes_intervals": "Intervals: {conf}% percentile bootstrap ({boot} resamples), drawn as "
                       "error bars.",
    "notes_crosses": "Intervals: each point's cross spans its {conf}% intervals on both axes.",
    "notes_suppressed": "Cells with an effective base below {min} are suppressed: no number "
                        "is shown.",
    "notes_flags": "Read with care: {cells}.",
    "notes_significance": "A change or gap is called significant when {level} and the base is "
                          "not flagged (n_eff ≥ {caution}).",
    "notes_peer": "Peer average: brands with n_eff ≥ {min}.",
    "notes_not_peer": "Not in the peer average (n_eff < {min}): {names}.",
    "notes_hidden": "Not shown (n_eff < {min}): {names}.",
    "notes_headlines": "The headlines are written from fixed rules on the study's figures; "
                       "each cites the figures it rests on: {cites}.",
    "notes_title": "{disclaimer} Method and settings: see the appendix.",
    "notes_appendix": "Reliability of the scales and the method behind every figure.",
    "cite": "{measure}, {brand}, {wave}: {value}", "method_item": "{label}: {text}",
    "bases_wave": "Bases (n_eff), {wave}: {bases}",
    "base_pair": "{name} {customers} / {non_customers}",
    "base_population": "{population} {n}", "warnings": "Warnings: {text}",
}}

FR: dict = {"deck": {
    "waves": f"Vagues{_NB}: {{waves}}", "wave": f"Vague{_NB}: {{wave}}",
    "respondents": f"Répondants retenus en {{wave}}{_NB}: {{bases}}", "customers": "{n} clients",
    "non_customers": "{n} non-clients", "run_date": f"Date du calcul{_NB}: {{date}}",
    "disclaimer": "Scores de type CX Index, BX et TX calculés selon la méthode ouverte et "
                  "documentée de txscore, et non les indices propriétaires de Forrester.",
    "headlines": "À retenir", "page": "{title} ({k}/{n})",
    "tx_title": "Score TX par marque – {wave}", "grid_title": "Grille de croissance – {wave}",
    "cxbx_title": "CX et BX auprès des clients – {wave}", "trend_title": "{measure} par vague",
    "scorecard_title": "Fiche marque – {brand}, {wave}",
    "drivers_title": "Facteurs clés – {analysis}, {wave}", "appendix": "Annexe",
    "reliability_title": "Fiabilité des construits", "methodology": "Méthodologie",
    "tx_axis": "Score TX (0–100)", "score_axis": "Score (0–100)",
    "nps_axis": "NPS (−100 à 100)", "grid_x": "Score non-clients N (0–100)",
    "grid_y": "Score clients C (0–100)", "cxbx_x": "Indice CX (clients, 0–100)",
    "cxbx_y": "BX auprès des clients (0–100)", "peer": "Moyenne des pairs",
    "diagonal": "CX = BX", "quadrant_names": "Noms des quadrants", "means": "Moyennes",
    "interval": f"{{name}}{_NB}: intervalle à {{conf}}{_NB}%",
    "importance": "Importance (% de la variance expliquée)",
    "performance": "Performance (score, 0–100)", "suppressed": f"n<{{min}}{_NB}: masqué",
    "brand_suppressed": f"{{brand}} (n<{{min}}{_NB}: masqué)",
    "h_measure": "Indicateur", "h_score": "Score", "h_interval": f"Intervalle à {{conf}}{_NB}%",
    "h_base": "Base (n_eff)", "h_change": "Évolution depuis {wave}",
    "h_peer": "Écart à la moyenne des pairs", "h_construct": "Construit",
    "h_population": "Population", "h_alpha": "Alpha", "h_omega": "Oméga",
    "h_verdict": "Verdict", "none": "—", "range": "{low} à {high}",
    "significant": "{value}, significatif", "not_significant": "{value}, non significatif",
    "flagged": "{value} ({flag})",
    "bases": f"Bases (n_eff){_NB}: {{bases}}",
    "bases_grid": f"Bases (n_eff clients / non-clients){_NB}: {{bases}}",
    "bases_range": "{low}–{high} ({n} marques)", "base_item": "{name} {n}",
    "bases_drivers": f"Base (n_eff){_NB}: {{base}}, toutes marques",
    "bases_total": f"Bases (n){_NB}: {{bases}}",
    "bases_reliability": f"Bases{_NB}: cas complets par construit et population",
    "notes_method": f"Méthode{_NB}: {{text}}", "notes_bases": f"Bases{_NB}: {{text}}",
    "notes_intervals": f"Intervalles{_NB}: bootstrap des percentiles à {{conf}}{_NB}% "
                       "({boot} tirages), en barres d’erreur.",
    "notes_crosses": f"Intervalles{_NB}: la croix de chaque point couvre ses intervalles à "
                     f"{{conf}}{_NB}% sur les deux axes.",
    "notes_suppressed": "Les cellules dont la base effective est inférieure à {min} sont "
                        f"masquées{_NB}: aucun chiffre n’est affiché.",
    "notes_flags": f"À lire avec prudence{_NB}: {{cells}}.",
    "notes_significance": "Une évolution ou un écart est dit significatif quand {level} et "
                          "que la base n’est pas signalée (n_eff ≥ {caution}).",
    "notes_peer": "Moyenne des pairs : marques avec n_eff ≥ {min}.".replace(" :", f"{_NB}:"),
    "notes_not_peer": f"Hors de la moyenne des pairs (n_eff < {{min}}){_NB}: {{names}}.",
    "notes_hidden": f"Non affichés (n_eff < {{min}}){_NB}: {{names}}.",
    "notes_headlines": "Les points clés sont rédigés selon des règles fixes à partir des "
                       "chiffres de l’étude ; chacun cite les chiffres sur lesquels il "
                       f"repose{_NB}: {{cites}}.".replace(" ;", f"{_NB};"),
    "notes_title": f"{{disclaimer}} Méthode et paramètres{_NB}: voir l’annexe.",
    "notes_appendix": "Fiabilité des échelles et méthode derrière chaque chiffre.",
    "cite": f"{{measure}}, {{brand}}, {{wave}}{_NB}: {{value}}",
    "method_item": f"{{label}}{_NB}: {{text}}",
    "bases_wave": f"Bases (n_eff), {{wave}}{_NB}: {{bases}}",
    "base_pair": "{name} {customers} / {non_customers}",
    "base_population": "{population} {n}", "warnings": f"Alertes{_NB}: {{text}}",
}}
