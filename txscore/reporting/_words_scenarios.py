"""Words of the what-if scenarios (the Scenarios sheet, its deck slide and ``txscore
simulate``) (en, fr). In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"sheets"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.

Tables of this part: ``sim_notes`` (the ``note`` codes of
:data:`txscore.scoring.simulate.SIMULATION_NOTES`, as sentences), and entries of
``sheets``, ``contents`` and ``text`` (keys starting with ``sim_``: the sheet's title,
subtitle, headers, the assumptions and the slide's words; ``sim_given``: why a shifted
score's interval has no width).
"""

from txscore.reporting.typography import french_spaces

EN: dict = {
    "sheets": {"scenarios": "Scenarios"},
    "contents": {"scenarios": "What-if scenarios: the change in each index associated with "
                              "shifting some scores of a brand, with its interval and the "
                              "growth-grid quadrant before and after."},
    "sim_notes": {
        "associational": "Associated change under the fitted index weights, other scores "
                         "equal; not the effect of an action.",
        "box_shift": "A share of respondents moved one answer box: the score change comes "
                     "from the brand's answer distribution.",
        "fixed_weights": "The index's weights are fixed by its method: the interval has no "
                         "width because they are held fixed, not because the change is "
                         "certain.",
        "interval_bound": "Several estimated weights: the interval is a conservative bound.",
        "suppressed": "Base too small: no number shown.",
    },
    "text": {
        "sim_title": "What-if scenarios",
        "sim_sub": "The change in each index associated with the shifts of each scenario, "
                   "with its {conf}% interval from the bootstrap of the fitted index "
                   "weights. Shifts are in score points (0-100) or, with %, a share of the "
                   "brand's respondents moved one answer box up.",
        "sim_assumptions": "Assumptions: the index formulas and their fitted weights hold "
                           "after the shift; the shifted scores move by the amount given and "
                           "nothing else moves; the peer averages move only through the "
                           "brand itself. The changes are associations read off the index "
                           "model, not effects an action is shown to cause.",
        "sim_scenario": "{name}: {brand}, {wave}",
        "sim_shifts": "Shifts: {shifts}.",
        "sim_quadrant": "Growth grid: {before} (probability {p}) before, {after} after.",
        "sim_quadrant_same": "Growth grid: {before} (probability {p}), unchanged.",
        "sim_shifted": "{measure}, shifted",
        "sim_join": "; ",
        "sim_shift_points": "{key} {shift} points",
        "sim_shift_up": "{key}: {share} of respondents one answer box up",
        "sim_shift_down": "{key}: {share} of respondents one answer box down",
        "sim_h_measure": "Measure",
        "sim_h_population": "Population",
        "sim_h_before": "Before",
        "sim_h_after": "After",
        "sim_h_change": "Change",
        "sim_h_ci": "Interval of the change",
        "sim_h_ci_conf": "{conf}% interval of the change",
        "sim_h_note": "Note",
        "sim_slide_title": "What if: {name}",
        "sim_slide_line": "{measure}: {before} → {after} ({change}, interval {low} to "
                          "{high})",
        "sim_slide_note": "Associated changes under the fitted index weights, not effects of "
                          "an action.",
        "sim_given": "A shifted score moves by the amount given: its interval has no width "
                     "because the shift is taken as given, not because it is certain.",
    },
}

FR: dict = french_spaces({
    "sheets": {"scenarios": "Scénarios"},
    "contents": {"scenarios": "Scénarios « et si » : l’évolution de chaque indice associée "
                              "au déplacement de certains scores d’une marque, avec son "
                              "intervalle et le quadrant de la matrice de croissance avant "
                              "et après."},
    "sim_notes": {
        "associational": "Évolution associée selon les poids estimés de l’indice, les autres "
                         "scores inchangés ; pas l’effet d’une action.",
        "box_shift": "Une part des répondants monte d’une case de réponse : l’évolution du "
                     "score vient de la distribution des réponses de la marque.",
        "fixed_weights": "Les poids de l’indice sont fixés par sa méthode : l’intervalle est "
                         "de largeur nulle parce qu’ils sont tenus fixes, non parce que "
                         "l’évolution serait certaine.",
        "interval_bound": "Plusieurs poids estimés : l’intervalle est une borne prudente.",
        "suppressed": "Base trop faible : aucun chiffre affiché.",
    },
    "text": {
        "sim_title": "Scénarios « et si »",
        "sim_sub": "L’évolution de chaque indice associée aux déplacements de chaque "
                   "scénario, avec son intervalle à {conf} % issu du bootstrap des poids "
                   "estimés de l’indice. Les déplacements sont en points de score (0-100) "
                   "ou, avec %, une part des répondants de la marque qui monte d’une case "
                   "de réponse.",
        "sim_assumptions": "Hypothèses : les formules des indices et leurs poids estimés "
                           "restent valables après le déplacement ; les scores déplacés "
                           "bougent du montant indiqué et rien d’autre ne bouge ; les "
                           "moyennes des pairs ne bougent que par la marque elle-même. Les "
                           "évolutions sont des associations lues dans le modèle de "
                           "l’indice, pas des effets dont une action serait la cause "
                           "démontrée.",
        "sim_scenario": "{name} : {brand}, {wave}",
        "sim_shifts": "Déplacements : {shifts}.",
        "sim_quadrant": "Matrice de croissance : {before} (probabilité {p}) avant, {after} "
                        "après.",
        "sim_quadrant_same": "Matrice de croissance : {before} (probabilité {p}), inchangé.",
        "sim_shifted": "{measure} (score déplacé)",
        "sim_join": " ; ",
        "sim_shift_points": "{key} {shift} points",
        "sim_shift_up": "{key} : {share} des répondants montent d’une case de réponse",
        "sim_shift_down": "{key} : {share} des répondants descendent d’une case de réponse",
        "sim_h_measure": "Mesure",
        "sim_h_population": "Population",
        "sim_h_before": "Avant",
        "sim_h_after": "Après",
        "sim_h_change": "Évolution",
        "sim_h_ci": "Intervalle de l’évolution",
        "sim_h_ci_conf": "Intervalle à {conf} % de l’évolution",
        "sim_h_note": "Note",
        "sim_slide_title": "Et si : {name}",
        "sim_slide_line": "{measure} : {before} → {after} ({change}, intervalle {low} à "
                          "{high})",
        "sim_slide_note": "Évolutions associées selon les poids estimés des indices, pas des "
                          "effets d’une action.",
        "sim_given": "Un score déplacé bouge du montant indiqué : son intervalle est de "
                     "largeur nulle parce que le déplacement est posé par hypothèse, non parce "
                     "qu’il serait sûr.",
    },
})
