"""Words of the workbook's print and table texts (Summary, Items, Drivers, Exclusions).
In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"charts"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.

The table ``book`` holds the sheets' fixed texts (legends, captions), ``chart_alt`` the
description (alt text) of each chart family on the sheets (keys of
:data:`txscore.reporting.xlsx_page.CHART_FAMILIES`, and ``chart`` for any other chart).
"""

from txscore.reporting.typography import french_spaces

EN: dict = {
    "book": {
        "legend_change": "▲ / ▼ beside a score: significantly higher / lower than in the "
                         "previous wave ({level}, effective base of {caution} or more). No "
                         "marker: no significant change.",
        "legend_suppressed": "{text}: too few respondents (effective base under {min}): no "
                             "score is shown.",
        "legend_grey": "Grey italics, no band colour: small base (effective base under "
                       "{caution}): read with care.",
        "legend_bases": "n: respondents scored in each population; effective bases and "
                        "intervals are in the {sheet} sheet.",
        "legend_same_n": "{n} is, by definition, {bx}: one column shows both.",
        "legend_grid": "Growth grid: where the brand's customer score (C) and non-customer "
                       "score (N) stand against the averages of the brands; * not in the "
                       "averages (effective base under {peer}).",
        "legend_brands": "The coloured square beside each brand is its colour in every chart.",
        "legend_focus": "{brand}, the focus brand, is in bold.",
        "rel_pointer": "Reliability: the answers behind {constructs} are less consistent "
                       "than usual: read these scores with care (details in the {sheet} "
                       "sheet).",
        "rel_ok": "Reliability: the answers behind every score are consistent (details in "
                  "the {sheet} sheet).",
        "rel_construct": "{construct} ({population})",
        "items_codes": "Answer codes (the columns of the first table), with the top and "
                       "bottom boxes:",
        "top_box": "top box", "bottom_box": "bottom box",
        "items_question": "{item}: {text}",
        "items_answers": "Share of each answer (%)",
        "items_scores": "Top box, net and score (0–100) with their {conf}% intervals",
        "drivers_priorities": "Priorities: importance and performance of each driver",
        "drivers_importance": "Importance of each driver, with its {conf}% interval",
        "drivers_models": "The models: outcome, explained variance (R²) and bases",
        "drivers_method": "Method: {method}.",
    },
    "chart_alt": {
        "tx_by_brand": "Chart: TX score by brand, {wave}, with the all-brands score.",
        "growth_grid": "Chart: growth grid, {wave}: each brand's customer score (C) against "
                       "its non-customer score (N), in four quadrants.",
        "cx_vs_bx": "Chart: CX index against BX among customers, by brand, {wave}.",
        "trend": "Chart: {measure} by brand over the waves.",
        "item_distribution": "Chart: answers to each question, {population}, {wave}.",
        "importance_performance": "Chart: importance and performance of each driver, "
                                  "{analysis}, {population}, {wave}.",
        "reliability": "Chart: reliability of each construct (Cronbach's alpha with its "
                       "interval), by population.",
        "chart": "Chart {key}",
    },
}

FR: dict = french_spaces({
    "book": {
        "legend_change": "▲ / ▼ à côté d’un score : significativement plus haut / plus bas "
                         "qu’à la vague précédente ({level}, base effective d’au moins "
                         "{caution}). Sans marque : pas d’évolution significative.",
        "legend_suppressed": "{text} : trop peu de répondants (base effective inférieure à "
                             "{min}) : aucun score n’est affiché.",
        "legend_grey": "Italique gris, sans couleur de niveau : base réduite (base effective "
                       "inférieure à {caution}) : à lire avec prudence.",
        "legend_bases": "n : répondants notés dans chaque population ; les bases effectives "
                        "et les intervalles sont dans la feuille {sheet}.",
        "legend_same_n": "{n} est, par définition, égal à {bx} : une seule colonne pour les "
                         "deux.",
        "legend_grid": "Grille de croissance : position du score clients (C) et du score "
                       "non-clients (N) de la marque par rapport aux moyennes des marques ; "
                       "* hors des moyennes (base effective inférieure à {peer}).",
        "legend_brands": "Le carré de couleur à côté de chaque marque est sa couleur dans "
                         "tous les graphiques.",
        "legend_focus": "{brand}, la marque suivie, est en gras.",
        "rel_pointer": "Fiabilité : les réponses derrière {constructs} sont moins cohérentes "
                       "que d’habitude : lisez ces scores avec prudence (détails dans la "
                       "feuille {sheet}).",
        "rel_ok": "Fiabilité : les réponses derrière chaque score sont cohérentes (détails "
                  "dans la feuille {sheet}).",
        "rel_construct": "{construct} ({population})",
        "items_codes": "Codes des réponses (les colonnes du premier tableau), avec le haut "
                       "et le bas d’échelle :",
        "top_box": "haut d’échelle", "bottom_box": "bas d’échelle",
        "items_question": "{item} : {text}",
        "items_answers": "Part de chaque réponse (%)",
        "items_scores": "Haut d’échelle, net et score (0–100) avec leurs intervalles à {conf} %",
        "drivers_priorities": "Priorités : importance et performance de chaque facteur",
        "drivers_importance": "Importance de chaque facteur, avec son intervalle à {conf} %",
        "drivers_models": "Les modèles : variable expliquée, variance expliquée (R²) et bases",
        "drivers_method": "Méthode : {method}.",
    },
    "chart_alt": {
        "tx_by_brand": "Graphique : score TX par marque, {wave}, avec le score de l’ensemble "
                       "des marques.",
        "growth_grid": "Graphique : grille de croissance, {wave} : score clients (C) de "
                       "chaque marque en fonction de son score non-clients (N), en quatre "
                       "quadrants.",
        "cx_vs_bx": "Graphique : indice CX en fonction du BX chez les clients, par marque, "
                    "{wave}.",
        "trend": "Graphique : {measure} par marque au fil des vagues.",
        "item_distribution": "Graphique : réponses à chaque question, {population}, {wave}.",
        "importance_performance": "Graphique : importance et performance de chaque facteur, "
                                  "{analysis}, {population}, {wave}.",
        "reliability": "Graphique : fiabilité de chaque construit (alpha de Cronbach avec son "
                       "intervalle), par population.",
        "chart": "Graphique {key}",
    },
})
