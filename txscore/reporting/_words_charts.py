"""Words of the charts' new texts (distributions, importance-performance, bases).
In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"charts"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.
"""

EN: dict = {
    # the quadrant code of a driver whose interval crosses a mean
    # (txscore.scoring.drivers.IP_QUADRANTS)
    "ip_quadrants": {"unclear": "No clear priority"},
    "charts": {
        # bases: respondents, effective base, wave
        "dist_base": "Base, {wave}: {n} {population} per item (effective base {n_eff})",
        "ip_base": "Base, {wave}: {n} {population} who answered the outcome and every driver "
                   "(effective base {n_eff})",
        "rel_base": "Base: complete cases per construct and population, all brands, waves "
                    "{waves} pooled: n = {n} (effective base {n_eff})",
        # item distributions: the boxes at the bar ends, the NPS classes
        "dist_boxes": "Shares at the bar ends: left, the bottom box (codes {bottom}); right, "
                      "the top box (codes {top}), as in the {sheet} sheet",
        "nps_detractors": "Detractors {codes}", "nps_passives": "Passives {codes}",
        "nps_promoters": "Promoters {codes}",
        "dist_nps": "{item}: detractors left of zero, passives split at zero, promoters "
                    "right; the shares at the ends are the detractors and the promoters",
        "dist_nps_value": "{item}: detractors left of zero, passives split at zero, "
                          "promoters right; NPS {nps} = promoters − detractors",
        # importance-performance: the fit and the quadrant rule
        "ip_fit": "R² {r2}; {method}; whiskers: {conf}% intervals; crosshairs: mean "
                  "importance {mi}, mean performance {mp}",
        "ip_rule": "A quadrant is named only when both of a driver's intervals lie clear of "
                   "the crosshairs; light grey points: no clear priority",
        "ip_rule_points": "A quadrant is named only when a driver lies clear of both "
                          "crosshairs, its performance interval included (no importance "
                          "interval: bootstrap = 0); light grey points: no clear priority",
    },
}

FR: dict = {
    "ip_quadrants": {"unclear": "Pas de priorité nette"},
    "charts": {
        "dist_base": "Base, {wave} : {n} {population} par question (base effective "
                     "{n_eff})",
        "ip_base": "Base, {wave} : {n} {population} ayant répondu à la variable expliquée "
                   "et à chaque levier (base effective {n_eff})",
        "rel_base": "Base : cas complets par construit et population, toutes marques, "
                    "vagues {waves} cumulées : n = {n} (base effective {n_eff})",
        "dist_boxes": "Parts aux extrémités des barres : à gauche, le bas de l’échelle "
                      "(codes {bottom}) ; à droite, le haut de l’échelle (codes {top}), "
                      "comme dans la feuille {sheet}",
        "nps_detractors": "Détracteurs {codes}", "nps_passives": "Passifs {codes}",
        "nps_promoters": "Promoteurs {codes}",
        "dist_nps": "{item} : détracteurs à gauche de zéro, passifs partagés en zéro, "
                    "promoteurs à droite ; les parts aux extrémités sont celles des "
                    "détracteurs et des promoteurs",
        "dist_nps_value": "{item} : détracteurs à gauche de zéro, passifs partagés en zéro, "
                          "promoteurs à droite ; NPS {nps} = promoteurs − détracteurs",
        "ip_fit": "R² {r2} ; {method} ; moustaches : intervalles à {conf} % ; repères : "
                  "importance moyenne {mi}, performance moyenne {mp}",
        "ip_rule": "Un quadrant n’est attribué que si les deux intervalles du levier sont "
                   "entièrement d’un côté des repères ; points gris clair : pas de priorité "
                   "nette",
        "ip_rule_points": "Un quadrant n’est attribué que si le levier est nettement d’un "
                          "côté des deux repères, intervalle de performance compris (pas "
                          "d’intervalle d’importance : bootstrap = 0) ; points gris clair : "
                          "pas de priorité nette",
    },
}
