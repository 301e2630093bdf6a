"""Words of the Scorecards sheet (:mod:`txscore.reporting.sheets_scorecard`).
In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"charts"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.

The table ``scorecard`` holds the cards' fixed texts; its ``caveat_<verdict>`` sentences
turn a reliability verdict code (:data:`txscore.stats.reliability` verdicts) into plain
words, ``caveat_other`` any verdict without its own sentence.
"""

from txscore.reporting.typography import french_spaces

EN: dict = {
    "sheets": {"scorecards": "Scorecards"},
    "scorecard": {
        "title": "Scorecards: one card per brand – {wave}",
        "subtitle": "Each brand's headline scores in {wave}: score (0–100, NPS −100 to 100) "
                    "with its {conf}% interval, the change since the previous wave and the "
                    "gap to the peer average, called significant only when {level} and the "
                    "base is large enough; then its growth-grid quadrant, the top three "
                    "drivers of each analysis with the brand's score on them, and the "
                    "caveats that apply.",
        "card_line": "{wave} – base: {bases}",
        "card_segment": "{name}: {value}",
        "base_customer": "{n} customers", "base_non_customer": "{n} non-customers",
        "base_all": "{n} respondents", "base_sep": ", ",
        "focus": "(focus brand)",
        "h_measure": "Measure", "h_score": "Score", "h_interval": "{conf}% interval",
        "h_change": "Change vs {wave}", "h_change_first": "Change vs previous wave",
        "h_change_words": "Significance", "h_gap": "Gap to peer average",
        "h_gap_words": "Versus peers", "h_n": "Base (n)", "h_note": "Base note",
        "interval": "{low} – {high}",
        "rise": "significant rise", "fall": "significant fall",
        "flat": "no significant change", "first": "first wave",
        "no_previous": "not measured in {wave}",
        "above": "above peers", "below": "below peers", "in_line": "in line with peers",
        "note_caution": "small base (effective base {n_eff}, under {min}): read with care",
        "note_low_base": "low base (effective base {n_eff}, under {min}): indicative only",
        "note_suppressed": "too few respondents (effective base under {min})",
        "not_computed": "Not computed",
        "quadrant": "Growth-grid quadrant: {quadrant}.",
        "quadrant_was": "Growth-grid quadrant: {quadrant} (in {wave}: {previous}).",
        "quadrant_not_peer": "Not in the peer average (effective base under {min}).",
        "quadrant_hidden": "Growth-grid quadrant: not shown (too few respondents).",
        "drivers_title": "What drives the scores: the top three drivers",
        "drivers_none": "No driver analysis for {wave}.",
        "h_driver": "Driver", "h_brand_score": "Brand's score", "h_importance": "Importance (%)",
        "caveats_title": "Caveats",
        "caveats_none": "No reliability caveat: the answers behind every score are consistent.",
        "among_customer": "among customers", "among_non_customer": "among non-customers",
        "among_all": "among all respondents",
        "caveat_questionable": "{construct}: answers are less consistent than usual {among} "
                               "(alpha {alpha}): compare {construct} scores with care.",
        "caveat_poor": "{construct}: answers are inconsistent {among} (alpha {alpha}): treat "
                       "{construct} scores as indicative only.",
        "caveat_redundant": "{construct}: its questions are near-duplicates {among} (alpha "
                            "{alpha}): the score rests on one narrow idea.",
        "caveat_no_variance": "{construct}: every respondent answered alike {among}: its "
                              "consistency cannot be checked; compare {construct} scores with "
                              "care.",
        "caveat_too_few_cases": "{construct}: too few complete answers {among} to check their "
                                "consistency; compare {construct} scores with care.",
        "caveat_suppressed": "{construct}: too few respondents {among} to check the "
                             "consistency of the answers; compare {construct} scores with "
                             "care.",
        "caveat_other": "{construct}: reliability {among}: {verdict}; compare {construct} "
                        "scores with care.",
    },
}

FR: dict = french_spaces({
    "sheets": {"scorecards": "Fiches marques"},
    "scorecard": {
        "title": "Fiches marques : une fiche par marque – {wave}",
        "subtitle": "Les scores clés de chaque marque en {wave} : score (0–100, NPS de −100 à "
                    "100) avec son intervalle à {conf} %, l’évolution depuis la vague "
                    "précédente et l’écart à la moyenne des pairs, dits significatifs "
                    "seulement si {level} et si la base est suffisante ; puis son quadrant "
                    "de la grille de croissance, les trois premiers leviers de chaque analyse "
                    "avec le score de la marque sur chacun, et les réserves qui s’appliquent.",
        "card_line": "{wave} – base : {bases}",
        "card_segment": "{name} : {value}",
        "base_customer": "{n} clients", "base_non_customer": "{n} non-clients",
        "base_all": "{n} répondants", "base_sep": ", ",
        "focus": "(marque suivie)",
        "h_measure": "Mesure", "h_score": "Score", "h_interval": "Intervalle à {conf} %",
        "h_change": "Écart à {wave}", "h_change_first": "Évolution depuis la vague "
                                                                "précédente",
        "h_change_words": "Significativité", "h_gap": "Écart aux pairs",
        "h_gap_words": "Face aux pairs", "h_n": "Base (n)", "h_note": "Remarque sur la "
                                                                            "base",
        "interval": "{low} – {high}",
        "rise": "hausse significative", "fall": "baisse significative",
        "flat": "non significative", "first": "première vague",
        "no_previous": "non mesuré en {wave}",
        "above": "au-dessus des pairs", "below": "sous les pairs",
        "in_line": "au niveau des pairs",
        "note_caution": "base réduite (base effective {n_eff}, moins de {min}) : à lire avec "
                        "prudence",
        "note_low_base": "base faible (base effective {n_eff}, moins de {min}) : à titre "
                         "indicatif",
        "note_suppressed": "trop peu de répondants (base effective < {min})",
        "not_computed": "Non calculé",
        "quadrant": "Quadrant de la grille de croissance : {quadrant}.",
        "quadrant_was": "Quadrant de la grille de croissance : {quadrant} (en {wave} : "
                        "{previous}).",
        "quadrant_not_peer": "Hors de la moyenne des pairs (base effective inférieure à "
                             "{min}).",
        "quadrant_hidden": "Quadrant de la grille de croissance : non affiché (trop peu de "
                           "répondants).",
        "drivers_title": "Ce qui fait les scores : les trois premiers leviers",
        "drivers_none": "Pas d’analyse des leviers pour {wave}.",
        "h_driver": "Levier", "h_brand_score": "Score de la marque",
        "h_importance": "Importance (%)",
        "caveats_title": "Réserves",
        "caveats_none": "Aucune réserve de fiabilité : les réponses derrière chaque score sont "
                        "cohérentes.",
        "among_customer": "chez les clients", "among_non_customer": "chez les non-clients",
        "among_all": "chez l’ensemble des répondants",
        "caveat_questionable": "{construct} : les réponses sont moins cohérentes que "
                               "d’habitude {among} (alpha {alpha}) : comparez les scores "
                               "« {construct} » avec prudence.",
        "caveat_poor": "{construct} : les réponses sont incohérentes {among} (alpha {alpha}) : "
                       "lisez les scores « {construct} » à titre indicatif seulement.",
        "caveat_redundant": "{construct} : ses questions sont quasi identiques {among} (alpha "
                            "{alpha}) : le score repose sur une seule idée étroite.",
        "caveat_no_variance": "{construct} : tous les répondants ont répondu de la même façon "
                              "{among} : la cohérence ne peut pas être vérifiée ; comparez les "
                              "scores « {construct} » avec prudence.",
        "caveat_too_few_cases": "{construct} : trop peu de réponses complètes {among} pour "
                                "vérifier leur cohérence ; comparez les scores "
                                "« {construct} » avec prudence.",
        "caveat_suppressed": "{construct} : trop peu de répondants {among} pour vérifier la "
                             "cohérence des réponses ; comparez les scores « {construct} » "
                             "avec prudence.",
        "caveat_other": "{construct} : fiabilité {among} : {verdict} ; comparez les scores "
                        "« {construct} » avec prudence.",
    },
})
