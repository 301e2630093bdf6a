"""Words of the brand charts (TX by brand, growth grid, CX vs BX, trends).
In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"charts"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.
"""

EN: dict = {
    "charts": {
        # the base of a brand chart: the respondents of its populations, all brands
        "brands_base": "Base: {parts}", "brands_base_wave": "{parts} ({wave})",
        "brands_base_n": "{who} n = {n}", "brands_base_below": "{who} n < {min}",
        "brands_base_all": "respondents", "brands_base_waves": "Base ({who}): {parts}",
        "brands_base_under": "< {min}", "brands_base_span": "{parts} ({first} to {last})",
    },
}

FR: dict = {
    "charts": {
        "brands_base": "Base\u00a0: {parts}", "brands_base_wave": "{parts} ({wave})",
        "brands_base_n": "{who} n = {n}", "brands_base_below": "{who} n < {min}",
        "brands_base_all": "répondants", "brands_base_waves": "Base ({who})\u00a0: {parts}",
        "brands_base_under": "< {min}", "brands_base_span": "{parts} (de {first} à {last})",
    },
}
