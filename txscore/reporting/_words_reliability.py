"""Words of the reliability over time (the Reliability sheet's per-wave table) (en, fr).
In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"charts"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.

Every key here adds to the ``text`` table and starts with ``relw_``: the heading and
subtitle of the per-wave table, one sentence per scale whose alpha fell significantly
(``relw_line``; ``relw_none`` when none did), the words of its change column and its
headers.
"""

from txscore.reporting.typography import french_spaces

EN: dict = {
    "text": {
        "relw_title": "Reliability over time",
        "relw_sub": "Cronbach's alpha per wave with its {conf}% Feldt interval (complete "
                    "cases); change = alpha minus the previous wave's, tested by Feldt's test "
                    "for two independent alphas ({level}).",
        "relw_line": "{construct} – {population}: alpha fell from {before} in {versus} to "
                     "{after} in {wave} ({p}): the scale is significantly less reliable.",
        "relw_p": "p = {p}", "relw_p_below": "p < {p}",
        "relw_none": "No scale became significantly less reliable from one wave to the next "
                     "({level}).",
        "relw_weakened": "significantly less reliable",
        "relw_stable": "no significant fall",
        "relw_first": "first wave",
        "relw_h_versus": "Compared with",
        "relw_h_difference": "Change in alpha",
        "relw_h_p": "p-value",
        "relw_h_p_adjusted": "Adjusted p-value (BH)",
        "relw_h_change": "Over time",
    },
}

FR: dict = french_spaces({
    "text": {
        "relw_title": "Fiabilité au fil des vagues",
        "relw_sub": "Alpha de Cronbach par vague avec son intervalle de Feldt à {conf} % (cas "
                    "complets) ; évolution = alpha moins celui de la vague précédente, testée "
                    "par le test de Feldt pour deux coefficients alpha indépendants ({level}).",
        "relw_line": "{construct} – {population} : l’alpha est passé de {before} en {versus} "
                     "à {after} en {wave} ({p}) : l’échelle est significativement moins "
                     "fiable.",
        "relw_p": "p = {p}", "relw_p_below": "p < {p}",
        "relw_none": "Aucune échelle n’est devenue significativement moins fiable d’une vague "
                     "à l’autre ({level}).",
        "relw_weakened": "significativement moins fiable",
        "relw_stable": "pas de baisse significative",
        "relw_first": "première vague",
        "relw_h_versus": "Comparée à",
        "relw_h_difference": "Évolution de l’alpha",
        "relw_h_p": "p-valeur",
        "relw_h_p_adjusted": "p-valeur ajustée (BH)",
        "relw_h_change": "Au fil des vagues",
    },
})
