"""Per-source column roles: each file's own id, brand, weight, duration and item columns.

Files of one study come from different platforms and vendors: the id is ``resp_id`` in one,
``id_resp`` or ``Respondent ID`` in another; one file has a weight ``poids``, another none.
``[columns]`` gives the study-wide defaults and each ``[[sources]]`` may set its own
(``columns = { respondent_id = "id_resp", weight = "poids" }``, item aliases ``items = {
trust_1 = "confiance" }``).  :func:`apply_roles` renames a file's role columns to the
study-wide *canonical* names (:func:`canonical_columns`) right after reading, so that
everything after it (:mod:`txscore.ingest.rows`, the checks, the scoring) sees one naming;
:attr:`RawTable.renamed <txscore.ingest.table.RawTable.renamed>` keeps the file's own names
so that every message points at the column the user sees.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from txscore.errors import Problem
from txscore.ingest.table import RawTable
from txscore.study import Columns, Source, Study

__all__ = ["apply_roles", "canonical_columns", "numeric_columns", "rows_study",
           "weight_source", "weighted"]

#: roles set in :attr:`RawTable.roles` (the column keeps its name)
_META_ROLES = ("start", "end", "finished", "status")


def _nfc(name: object) -> str:
    return unicodedata.normalize("NFC", str(name))


def weighted(study: Study) -> bool:
    """Whether any source has a weight (a column or a constant), its own or the default.

    >>> import txscore as tx
    >>> weighted(tx.read_study("surveys/sample/study.toml"))
    True
    """
    return study.columns.weight is not None or any("weight" in s.columns
                                                   for s in study.sources)


def canonical_columns(study: Study) -> Columns:
    """The names every source's role columns take after :func:`apply_roles`: the
    ``[columns]`` value, else ``"brand"``, ``"weight"``, and for the duration
    ``[quality.speeders] column`` or ``"duration"``.

    ``weight`` is None in an unweighted study; ``brand`` None when no file has a brand
    column.

    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> c = canonical_columns(study)
    >>> c.respondent_id, c.brand, c.weight, c.duration
    ('resp_id', 'brand', 'weight', 'duration_sec')
    """
    cols = study.columns
    brand = cols.brand or ("brand" if any("brand" in s.columns for s in study.sources)
                           else None)
    weight = (cols.weight if isinstance(cols.weight, str) else "weight") if weighted(
        study) else None
    return replace(cols, brand=brand, weight=weight,
                   duration=cols.duration or study.quality.speeder_column or "duration")


def rows_study(study: Study, source: Source) -> Study:
    """The study as :mod:`txscore.ingest.rows` sees one source after :func:`apply_roles`:
    canonical column names; ``weight`` a column name, a constant (this source's own, or 1
    when it has none in a weighted study) or None (unweighted); ``personal`` the study's
    and the source's; the speeder column the canonical duration; start, end, finished and
    status the source's (they keep their names).

    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> rows_study(study, study.sources[0]).columns.weight
    'weight'
    """
    canon, own = canonical_columns(study), study.columns_for(source)
    weight: str | float | None = (canon.weight if isinstance(own.weight, str) else own.weight
                                  if own.weight is not None else 1.0 if canon.weight
                                  else None)
    speeder = canon.duration if own.duration is not None else None
    return replace(study, columns=replace(
        canon, weight=weight, personal=own.personal, start=own.start, end=own.end,
        finished=own.finished, status=own.status),
        quality=replace(study.quality, speeder_column=speeder))


def weight_source(study: Study, source: Source) -> str:
    """Where a source's weights come from, as a code for the reconciliation table:
    ``"column:<file column>"``, ``"constant:<value>"``, ``"none"`` (weight 1 in a
    weighted study: the file has no weight) or ``""`` (the study is unweighted).

    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> weight_source(study, study.sources[0])
    'column:weight'
    """
    own = study.columns_for(source).weight
    if isinstance(own, str):
        return f"column:{own}"
    if own is not None:
        return f"constant:{own:g}"
    return "none" if weighted(study) else ""


def _declared(study: Study, source: Source, key: str) -> str | None:
    """Where a role is declared, as messages name it; None when it is not."""
    if key in source.columns:
        return f"columns.{key} of {source.table}"
    if key == "duration" and study.columns.duration is None:
        return "[quality.speeders] column" if study.quality.speeder_column else None
    if getattr(study.columns, key, None) is not None:
        return f"[columns] {key}"
    return None


def _absent(source: Source, table: RawTable, column: str, declared: str, key: str,
            present: list[str]) -> Problem:
    """The problem of a role or item column that is not in the file: it names the spec key
    to correct, and this source's own setting when the column comes from a default."""
    close = difflib.get_close_matches(column, present, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    setting = (f'items = {{ {key} = "<column>" }}' if declared.startswith("items.")
               else f'columns = {{ {key} = "<column>" }}')
    if declared.startswith(("[columns]", "[quality")):
        fix = (f"{hint}This file names it differently? Set {setting} in {source.table} "
               f"(this file only), or correct {declared}.")
        if key == "weight":
            fix += f" A file without weights: columns = {{ weight = 1 }} in {source.table}."
    else:
        fix = f"{hint}Correct {declared} in the study spec, or the column name in the file."
    return Problem(f"column '{column}' ({declared}) is not in the file.", table.where(), fix)


def apply_roles(study: Study, source: Source, table: RawTable,
                problems: list[Problem]) -> RawTable:
    """The table with this source's role and item columns under their canonical names.

    The id, brand, weight and duration columns the source uses (its own, else the
    ``[columns]`` default) are renamed to :func:`canonical_columns`; item aliases
    (``items = { trust_1 = "confiance" }``) to the item keys, except in a brand loop where
    :func:`txscore.ingest.loops.find_loop` reads them; the start, end, finished and status
    columns are recorded in ``roles``.  A role column that is not in the file is a problem
    naming the spec key to correct; it is listed in ``absent`` so that it is not reported
    twice.  A file column that already bears a canonical name it does not play is moved
    aside (``"<name> [not used]"``).

    Parameters
    ----------
    study, source : Study, Source
        The spec and the source the table was read from.
    table : RawTable
        The file as read.
    problems : list of Problem
        Where problems are appended.

    Returns
    -------
    RawTable
        With ``renamed`` (canonical name -> the file's column) and ``absent`` set.

    Examples
    --------
    >>> import pandas as pd
    >>> from pathlib import Path
    >>> from txscore.study import Columns, Source, Study
    >>> src = Source(Path("b.csv"), "customer", "W1", brand="Acme",
    ...              columns={"respondent_id": "id_resp"}, spec_index=2)
    >>> study = Study("s", (src,), Columns("resp_id"), {}, {}, {})
    >>> raw = RawTable(pd.DataFrame({"id_resp": ["a"]}), "b.csv", None, 2, "csv")
    >>> t = apply_roles(study, src, raw, [])
    >>> list(t.frame.columns), t.where(column="resp_id")
    (['resp_id'], "b.csv, column 'id_resp'")
    """
    canon, own = canonical_columns(study), study.columns_for(source)
    f = _Finder(source, table, problems)
    f.find("respondent_id", own.respondent_id, canon.respondent_id,
           _declared(study, source, "respondent_id"))
    if source.brand is None and source.brand_pattern is None and canon.brand:
        f.find("brand", own.brand, canon.brand, _declared(study, source, "brand"))
    if isinstance(own.weight, str) and canon.weight:
        f.find("weight", own.weight, canon.weight, _declared(study, source, "weight"))
    declared = _declared(study, source, "duration")
    needed = declared is not None and not declared.startswith("[quality") or \
        study.quality.speeders
    duration = f.find("duration", own.duration, canon.duration, declared, needed)
    roles = dict(table.roles)
    for key in _META_ROLES:
        value = getattr(own, key)
        if value is not None and (col := f.find(key, value, value, _declared(
                study, source, key))) is not None:
            roles = {c: r for c, r in roles.items() if r != key}
            roles[col] = key
    if duration is not None or (own.start is not None and own.duration is None):
        roles = {c: r for c, r in roles.items() if r != "duration"}  # the spec's wins
        if duration is not None:
            roles[duration] = "duration"
    if not source.brand_pattern:
        for item in study.items_for(source.population):
            if item in source.items:
                f.find(item, source.items[item], item, f"items.{item} of {source.table}")
    return _renamed(table, f.rename, roles, f.absent)


class _Finder:
    """Finds a source's role columns in its file; records the renames and the problems."""

    def __init__(self, source: Source, table: RawTable, problems: list[Problem]) -> None:
        self.source, self.table, self.problems = source, table, problems
        self.columns = [str(c) for c in table.frame.columns]
        self.present = {_nfc(c): c for c in self.columns}
        self.rename: dict[str, str] = {}  # file column -> canonical name
        self.absent: set[str] = set()

    def find(self, key: str, column: str | None, canonical: str, declared: str | None,
             needed: bool = True) -> str | None:
        """The file's column for ``column`` (renamed to ``canonical``); None when unset or
        absent (a problem when ``needed``)."""
        if column is None:
            return None
        found = self.present.get(_nfc(column))
        if found is None:
            if needed:
                self.problems.append(_absent(self.source, self.table, column,
                                             declared or "[columns] " + key, key,
                                             self.columns))
                self.absent.add(canonical)
            return None
        if found != canonical:
            self.rename[found] = canonical
        return found


def _renamed(table: RawTable, rename: dict[str, str], roles: dict[str, str],
             absent: set[str]) -> RawTable:
    """The table with ``rename`` applied to its frame and every column-keyed mapping."""
    if not rename and not absent and roles == dict(table.roles):
        return table
    targets = set(rename.values())
    for col in [str(c) for c in table.frame.columns]:  # a column bearing a name it does
        if col in targets and col not in rename:         # not play is moved aside
            rename[col] = f"{col} [not used]"
    renamed = {new: old for old, new in rename.items()}

    def keyed(mapping: dict) -> dict:
        return {rename.get(c, c): v for c, v in mapping.items()}

    frame = table.frame.rename(columns=rename) if rename else table.frame
    return replace(table, frame=frame, roles=keyed(roles),
                   question_text=keyed(dict(table.question_text)),
                   value_labels=keyed(dict(table.value_labels)),
                   user_missing=keyed(dict(table.user_missing)),
                   renamed={**table.renamed, **renamed}, absent=frozenset(absent))


def numeric_columns(study: Study, source: Source) -> Callable[[str], bool]:
    """Which columns of a source a text reader may read as numbers, by their names in the
    file: the items (aliases included; in a brand loop, any column the pattern gives an
    item), the weight and the duration.  Everything else (ids, brands, segments) stays
    text as written.

    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> numeric = numeric_columns(study, study.sources[0])
    >>> numeric("eff_1"), numeric("weight"), numeric("resp_id")
    (True, True, False)
    """
    own = study.columns_for(source)
    items = {source.items.get(i, i) for i in study.items_for(source.population)}
    names = items | {c for c in (own.weight, own.duration) if isinstance(c, str)}
    loop = None
    if source.brand_pattern:
        parts = [re.escape(p) for p in re.split(r"(\{item\}|\{brand\})",
                                                source.brand_pattern)]
        item_rx = "(?:" + "|".join(re.escape(i) for i in items) + ")"
        loop = re.compile("".join(item_rx if p == re.escape("{item}") else ".+"
                                  if p == re.escape("{brand}") else p for p in parts))
    return lambda name: name in names or (loop is not None and bool(loop.fullmatch(name)))
