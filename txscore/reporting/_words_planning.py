"""Words of the sample-size planner (the Planning sheet and ``txscore plan``) (en, fr).
In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"sheets"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.

Keys: the sheet's name (``sheets``) and contents line (``contents``); in ``text``, keys
starting with ``plan_``: title, subtitle, one heading per change and comparison, how to
read the table, the assumptions, the formula and the column headers; ``plan_notes``: the
codes of the plan's ``note`` column (:data:`txscore.scoring.plan.NOTES`).
"""

from txscore.reporting.typography import french_spaces

EN: dict = {
    "sheets": {"planning": "Planning"},
    "contents": {"planning": "How many respondents each brand needs to detect a change in "
                             "each index, and the smallest change detectable today."},
    "text": {
        "plan_title": "Sample-size planning",
        "plan_sub": "The respondents each brand needs for a change in each index to be found "
                    "significant with {power}% power (two-sided test at {alpha}), from this "
                    "study's own variances in {wave}.",
        "plan_compare_previous_wave": "the next wave against this one",
        "plan_compare_peers": "each brand against its peers' average",
        "plan_heading": "A change of {detect} points: {compare}",
        "plan_reading": "Respondents needed: per brand in each wave (TX: both populations, "
                        "split as today). Next wave only: the base the next wave needs when "
                        "the other side keeps today's bases (blank: out of reach). "
                        "Detectable now: the smallest change found with that power at "
                        "today's bases. Power now: the chance today's bases give of finding "
                        "the change.",
        "plan_assumptions": "Assumptions: the same spread of answers per respondent next "
                            "wave; independent samples (new respondents each wave, the "
                            "brand and its peers as independent); the normal approximation; "
                            "a two-sided test without multiple-testing adjustment. Sizes "
                            "are respondents after the quality checks, weighted as today.",
        "plan_formula": "n = (z(1 − alpha/2) + z(power))² × V / D², with D the change and V "
                        "the variance of the difference per respondent: 2 s² against the "
                        "previous wave, s² + (sum of the peers' s²) / K² against K peers; "
                        "s² = se² × n, today's standard error and base of the cell "
                        "(weights included).",
        "plan_h_measure": "Index", "plan_h_brand": "Brand", "plan_h_value": "Score now",
        "plan_h_n": "Respondents now", "plan_h_deff": "Design effect",
        "plan_h_sd": "SD per respondent", "plan_h_peers": "Peers",
        "plan_h_needed": "Respondents needed per wave",
        "plan_h_customer": "Customers", "plan_h_non_customer": "Non-customers",
        "plan_h_next": "Next wave only", "plan_h_mde": "Detectable now (points)",
        "plan_h_power_now": "Power now", "plan_h_note": "Notes",
    },
    "plan_notes": {
        "variance_pooled": "base too small to show: variance of all brands used",
        "no_variance": "no variance to plan from",
        "no_peers": "fewer than two peers",
        "unreachable": "out of reach for one side alone",
    },
}

FR: dict = french_spaces({
    "sheets": {"planning": "Planification"},
    "contents": {"planning": "Le nombre de répondants nécessaire par marque pour détecter "
                             "une évolution de chaque indice, et la plus petite évolution "
                             "détectable aujourd’hui."},
    "text": {
        "plan_title": "Planification des échantillons",
        "plan_sub": "Les répondants nécessaires par marque pour qu’une évolution de chaque "
                    "indice soit significative avec une puissance de {power} % (test "
                    "bilatéral au seuil de {alpha}), d’après les variances de cette étude "
                    "en {wave}.",
        "plan_compare_previous_wave": "la prochaine vague comparée à celle-ci",
        "plan_compare_peers": "chaque marque comparée à la moyenne de ses concurrents",
        "plan_heading": "Une évolution de {detect} points : {compare}",
        "plan_reading": "Répondants nécessaires : par marque et par vague (TX : les deux "
                        "populations, réparties comme aujourd’hui). Prochaine vague seule : "
                        "la base nécessaire à la prochaine vague si l’autre côté garde ses "
                        "bases actuelles (vide : hors d’atteinte). Détectable aujourd’hui : "
                        "la plus petite évolution détectée avec cette puissance aux bases "
                        "actuelles. Puissance actuelle : la probabilité de détecter "
                        "l’évolution aux bases actuelles.",
        "plan_assumptions": "Hypothèses : la même dispersion des réponses par répondant à la "
                            "prochaine vague ; des échantillons indépendants (de nouveaux "
                            "répondants à chaque vague, la marque et ses concurrents "
                            "indépendants) ; l’approximation normale ; un test bilatéral "
                            "sans correction des tests multiples. Les tailles sont des "
                            "répondants retenus après les contrôles qualité, pondérés comme "
                            "aujourd’hui.",
        "plan_formula": "n = (z(1 − alpha/2) + z(puissance))² × V / D², où D est l’évolution "
                        "et V la variance de la différence par répondant : 2 s² face à la "
                        "vague précédente, s² + (somme des s² des concurrents) / K² face à "
                        "K concurrents ; s² = se² × n, l’erreur type et la base actuelles "
                        "de la cellule (pondération comprise).",
        "plan_h_measure": "Indice", "plan_h_brand": "Marque", "plan_h_value": "Score actuel",
        "plan_h_n": "Répondants actuels", "plan_h_deff": "Effet de plan",
        "plan_h_sd": "Écart type par répondant", "plan_h_peers": "Concurrents",
        "plan_h_needed": "Répondants nécessaires par vague",
        "plan_h_customer": "Clients", "plan_h_non_customer": "Non-clients",
        "plan_h_next": "Prochaine vague seule", "plan_h_mde": "Détectable aujourd’hui "
                                                              "(points)",
        "plan_h_power_now": "Puissance actuelle", "plan_h_note": "Remarques",
    },
    "plan_notes": {
        "variance_pooled": "base trop faible pour être montrée : variance de toutes les "
                           "marques",
        "no_variance": "aucune variance pour planifier",
        "no_peers": "moins de deux concurrents",
        "unreachable": "hors d’atteinte d’un seul côté",
    },
})
