"""Words of the Scorecards sheet (:mod:`txscore.reporting.sheets_scorecard`).
In English (``EN``) and French (``FR``): one part of the text table.

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"charts"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.
"""

EN: dict = {"sheets": {"scorecards": "Scorecards"}}

FR: dict = {"sheets": {"scorecards": "Fiches marques"}}
