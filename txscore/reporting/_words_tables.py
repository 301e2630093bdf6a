"""Words of the banner tables (the Tables sheet) (en, fr).
In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"sheets"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.

This part adds the sheet's name (``sheets``) and contents line (``contents``), and to the
``text`` table the keys starting with ``bt_``: the sheet's title and subtitle, each
table's scope line, headers, base rows, the names of the statistics (``bt_stat_*``), of
the Total column and the letters' legend (``bt_legend``: the test, the level, the
multiple-testing setting and the base rules, in words).
"""

from txscore.reporting.typography import french_spaces

EN: dict = {
    "sheets": {"tables": "Tables"},
    "contents": {"tables": "Banner tables: scores by segment, with letters marking the "
                           "columns each one is significantly higher than."},
    "text": {
        "bt_title": "Banner tables",
        "bt_sub": "Each table: its rows (indices, scores, items, multi-select answers) in "
                  "every column of its banners and in the total. A value followed by "
                  "letters is significantly higher than the columns of the same banner "
                  "with those letters.",
        "bt_scope": "{brand}, {wave}.",
        "bt_h_row": "Row", "bt_h_statistic": "Statistic", "bt_h_population": "Population",
        "bt_total": "Total",
        "bt_base_n": "Respondents (unweighted)",
        "bt_base_eff": "Effective base",
        "bt_stat_score100": "Score (0–100)", "bt_stat_top_box": "Top box (%)",
        "bt_stat_net": "Net (top – bottom)", "bt_stat_nps": "NPS", "bt_stat_share": "Selected (%)",
        "bt_legend": "Letters: significantly higher than the column of that letter within "
                     "the same banner ({level}): shares by the two-proportion z-test on "
                     "effective bases, scores and indices by the z-test of two means; each "
                     "respondent counts as one cluster, however many rows they have{bh}. "
                     "Effective base: the weighted base divided by the design effects of "
                     "the weights and of the clusters. Grey italics: effective base below "
                     "{caution}; {supp}: below {suppress}, not shown and not tested.",
        "bt_bh": "; p-values adjusted by Benjamini-Hochberg across the pairs of the table",
        "bt_none": "No letter in this table: no column is significantly higher than "
                   "another of its banner.",
    },
}

FR: dict = french_spaces({
    "sheets": {"tables": "Tableaux croisés"},
    "contents": {"tables": "Tableaux croisés : les scores par segment, des lettres marquant "
                           "les colonnes dont chacune est significativement plus élevée."},
    "text": {
        "bt_title": "Tableaux croisés",
        "bt_sub": "Chaque tableau : ses lignes (indices, scores, questions, réponses à choix "
                  "multiples) dans chaque colonne de ses variables de croisement et dans le "
                  "total. Une valeur suivie de lettres est significativement plus élevée "
                  "que les colonnes de la même variable portant ces lettres.",
        "bt_scope": "{brand}, {wave}.",
        "bt_h_row": "Ligne", "bt_h_statistic": "Statistique", "bt_h_population": "Population",
        "bt_total": "Total",
        "bt_base_n": "Répondants (non pondéré)",
        "bt_base_eff": "Base effective",
        "bt_stat_score100": "Score (0–100)", "bt_stat_top_box": "Haut d’échelle (%)",
        "bt_stat_net": "Net (haut – bas)", "bt_stat_nps": "NPS",
        "bt_stat_share": "Cité (%)",
        "bt_legend": "Lettres : significativement plus élevé que la colonne de cette lettre "
                     "dans la même variable ({level}) : parts par le test z de deux "
                     "proportions sur les bases effectives, scores et indices par le test z "
                     "de deux moyennes ; chaque répondant compte pour une seule grappe, "
                     "quel que soit son nombre de lignes{bh}. Base effective : la base "
                     "pondérée divisée par les effets de plan des poids et des grappes. "
                     "Italique gris : base effective inférieure à {caution} ; {supp} : "
                     "inférieure à {suppress}, non affiché et non testé.",
        "bt_bh": " ; p-valeurs ajustées par Benjamini-Hochberg sur les paires du tableau",
        "bt_none": "Aucune lettre dans ce tableau : aucune colonne n’est significativement "
                   "plus élevée qu’une autre de sa variable.",
    },
})
