"""Words of the Overview sheet's headlines (:mod:`txscore.reporting.headlines`).
In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"charts"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.

One new table, ``"headlines"``: the sentence templates (``{field}`` filled by
:mod:`txscore.reporting.headlines` with numbers already written in the language) and the
names of the measures inside a sentence (``m_<measure>``).
"""

from __future__ import annotations

from typing import Any

from txscore.reporting.typography import french_spaces

__all__ = ["EN", "FR"]

_NB = "\u00a0"  # no-break space

EN: dict[str, Any] = {"headlines": {
    "title": "Headlines",
    # measures inside a sentence
    "m_tx": "TX", "m_customer_score": "C (customer score)",
    "m_non_customer_score": "N (non-customer score)", "m_cx": "CX",
    "m_bx_customers": "BX among customers", "m_bx_non_customers": "BX among non-customers",
    "m_nps": "NPS",
    # pieces
    "and": " and ", "comma": ", ", "pct": "{value}%", "points": "points", "point": "point",
    "brand_value": "{brand} ({value})", "brand_value_base": "{brand} ({value}, base {n})",
    # 1. the leader
    "leader": "{brand} leads on {measure} with {value} (base {n}), {gap} {points} ahead of "
              "{runner} ({runner_value}).",
    "leader_p": "{brand} leads on {measure} with {value} (base {n}), {gap} {points} ahead of "
                "{runner} ({runner_value}); it ranks first in {p_first} of the resamples.",
    "shared": "{brands} share the lead on {measure}: the gap between them is within the "
              "margin of error.",
    "alone": "Only {brand} has a base large enough for {measure}: {value} (base {n}).",
    "no_leader": "No brand's {measure} rests on an effective base of at least {base}: no "
                 "leader is named.",
    "instead": "TX is not computed, so brands are ranked on {measure}.",
    "unranked": "Not ranked, base too small: {brands}.",
    # 2. changes since the previous wave
    "rose": "{measure} rose {diff} {points} to {value} (base {n})",
    "fell": "{measure} fell {diff} {points} to {value} (base {n})",
    "brand_changes": "{brand}: {changes}.",
    "no_change": "No headline score changed significantly since {previous} ({rule}).",
    "rule_short": "significance level {alpha}, effective bases of at least {base}",
    # 3. growth-grid moves
    "moved": "{brand} moved from {old} to {new} on the growth grid (C {c}, base {nc}; N {nv}, "
             "base {nn}).",
    # 4. reliability over time
    "weakened": "The {construct} scale ({population}) is significantly less consistent in "
                "{wave} than in {versus}: alpha {after} against {before} (base {n}); compare "
                "its scores across these waves with care.",
    # 5. drivers
    "analysis_population": "{analysis} ({population})",
    "share": "{importance}%", "share_ci": "{importance}% (interval {low}–{high}%)",
    "driver_one": "{analysis}: the strongest driver is {driver}, with {share} of the "
                  "explained variance (base {n}).",
    "driver_two": "{analysis}: the strongest drivers are {first}, with {share1}, and {second}, "
                  "with {share2} of the explained variance; they cannot be told apart "
                  "(base {n}).",
    "stand": "On {driver}{who}, {parts}.",
    "stand_none": "On {driver}{who}, no brand differs significantly from the peer average.",
    "who": " ({population})",
    "above_one": "{brands} is significantly above the peer average",
    "above_many": "{brands} are significantly above the peer average",
    "below_one": "{brands} is significantly below the peer average",
    "below_many": "{brands} are significantly below the peer average",
    "below_one_after": "{brands} is significantly below",
    "below_many_after": "{brands} are significantly below",
    "parts_sep": "; ",
    # 5. the rule
    "rule": "How these sentences are chosen: a change or a gap is named only when it is "
            "significant at the {alpha} level ({confidence} confidence{adjust}); every figure "
            "cited rests on an effective base of at least {base}; a brand is said to lead, "
            "and a driver to be the strongest, only when its interval lies wholly above the "
            "next one's.",
    "adjust_bh": ", p-values adjusted by Benjamini–Hochberg within each table",
    "adjust_none": ", no adjustment for multiple testing",
    "segmented": "Headlines are written for results scored without segments; this result is "
                 "cut by {segments}.",
}}

FR: dict[str, Any] = {"headlines": {
    "title": "Points clés",
    "m_tx": "le score TX", "m_customer_score": "le score clients (C)",
    "m_non_customer_score": "le score non-clients (N)", "m_cx": "l’indice CX",
    "m_bx_customers": "le BX auprès des clients",
    "m_bx_non_customers": "le BX auprès des non-clients", "m_nps": "le NPS",
    "and": " et ", "comma": ", ", "pct": "{value} %", "points": "points", "point": "point",
    "brand_value": "{brand} ({value})", "brand_value_base": "{brand} ({value}, base : {n})",
    "leader": "{brand} est en tête sur {measure} avec {value} (base : {n}), {gap} {points} "
              "devant {runner} ({runner_value}).",
    "leader_p": "{brand} est en tête sur {measure} avec {value} (base : {n}), {gap} "
                "{points} devant {runner} ({runner_value}) ; elle est première dans "
                "{p_first} des rééchantillonnages.",
    "shared": "{brands} se partagent la tête sur {measure} : l’écart entre elles reste dans "
              "la marge d’erreur.",
    "alone": "Seule la marque {brand} a une base suffisante pour {measure} : {value} "
             "(base : {n}).",
    "no_leader": "Pour aucune marque, {measure} ne repose sur une base effective d’au moins "
                 "{base} : aucune n’est désignée en tête.",
    "instead": "Le score TX n’est pas calculé : les marques sont classées sur {measure}.",
    "unranked": "Non classées, base trop faible : {brands}.",
    "rose": "{measure} progresse de {diff} {points}, à {value} (base : {n})",
    "fell": "{measure} recule de {diff} {points}, à {value} (base : {n})",
    "brand_changes": "{brand} : {changes}.",
    "no_change": "Aucun score clé n’a évolué significativement depuis {previous} ({rule}).",
    "rule_short": "seuil de signification de {alpha}, bases effectives d’au moins {base}",
    "moved": "{brand} passe de « {old} » à « {new} » sur la matrice de croissance (C {c}, "
             "base : {nc} ; N {nv}, base : {nn}).",
    "weakened": "L’échelle « {construct} » ({population}) est significativement moins cohérente "
                "en {wave} qu’en {versus} : alpha {after} contre {before} (base : {n}) ; "
                "comparez ses scores entre ces vagues avec prudence.",
    "analysis_population": "{analysis} ({population})",
    "share": "{importance} %", "share_ci": "{importance} % (intervalle {low}–{high} %)",
    "driver_one": "{analysis} : le facteur le plus influent est « {driver} », avec {share} "
                  "de la variance expliquée (base : {n}).",
    "driver_two": "{analysis} : les facteurs les plus influents sont « {first} », avec "
                  "{share1}, et « {second} », avec {share2} de la variance expliquée ; ils ne "
                  "peuvent être départagés (base : {n}).",
    "stand": "Sur le facteur « {driver} »{who}, {parts}.",
    "stand_none": "Sur le facteur « {driver} »{who}, aucune marque ne s’écarte "
                  "significativement de la moyenne des pairs.",
    "who": " ({population})",
    "above_one": "{brands} est significativement au-dessus de la moyenne des pairs",
    "above_many": "{brands} sont significativement au-dessus de la moyenne des pairs",
    "below_one": "{brands} est significativement en dessous de la moyenne des pairs",
    "below_many": "{brands} sont significativement en dessous de la moyenne des pairs",
    "below_one_after": "{brands} est significativement en dessous",
    "below_many_after": "{brands} sont significativement en dessous",
    "parts_sep": " ; ",
    "rule": "Règle de rédaction : une évolution ou un écart n’est cité que s’il est "
            "significatif au seuil de {alpha} (confiance de {confidence}{adjust}) ; chaque "
            "chiffre cité repose sur une base effective d’au moins {base} ; une marque n’est "
            "dite en tête, et un facteur le plus influent, que si son intervalle est "
            "entièrement au-dessus de celui du suivant.",
    "adjust_bh": ", valeurs p ajustées par Benjamini–Hochberg dans chaque tableau",
    "adjust_none": ", sans correction pour comparaisons multiples",
    "segmented": "Les points clés ne sont rédigés que pour des résultats sans découpage par "
                 "segment ; ce résultat est découpé par {segments}.",
}}


def _glued(value: Any) -> Any:
    """A no-break space between "base" and its number: "(base 1,120)" never breaks."""
    if isinstance(value, str):
        return value.replace("base {", f"base{_NB}{{").replace("base : {", f"base :{_NB}{{")
    return {k: _glued(v) for k, v in value.items()}


EN = _glued(EN)
FR = french_spaces(_glued(FR))
