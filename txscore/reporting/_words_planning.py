"""Words of the planning (en, fr). STUB: owned by the planner helper (see /work/design19.md).

:mod:`txscore.reporting.text` merges the parts into the language tables: a new top-level key
is a new table; a key of an existing table (``"text"``, ``"sheets"``, ...) adds entries to
it. A key may not be defined twice. ``EN`` and ``FR`` have the same keys.
"""

EN: dict = {}
FR: dict = {}
