"""Loading a study: :func:`load` and :func:`check`, the only stage that reads files.

:func:`check` reads each source (any layout, see :mod:`txscore.ingest.readers`; the next file
is read in a thread while the current one is checked), gives its role columns their
canonical names (:func:`txscore.ingest.roles.apply_roles`: each file's own id, weight,
duration and item columns), builds its standard rows
(:func:`txscore.ingest.rows.source_rows`: personal columns dropped, brand loops reshaped,
answers mapped to codes, respondent checks run), splits off the exclusions and reconciles
every file (:mod:`txscore.ingest.quality`), then weights the scored rows
(:mod:`txscore.ingest.weights`).  It collects *every* problem across all files and never
raises for them; :func:`load` raises one :class:`~txscore.errors.InputDataError` listing
the errors, and issues the warnings.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem, TxscoreWarning
from txscore.ingest import quality as qc
from txscore.ingest.readers import RawTable, read_table
from txscore.ingest.roles import apply_roles, numeric_columns, weight_source
from txscore.ingest.rows import source_rows
from txscore.ingest.table import fieldwork_dates
from txscore.ingest.weights import weight_rows
from txscore.responses import Responses
from txscore.study import Source, Study, normalise_label

__all__ = ["Checked", "FileRows", "brand_spellings", "check", "conform_rows", "file_rows", "load",
           "read_file"]


@dataclass(frozen=True)
class Checked:
    """Everything :func:`check` found.

    Attributes
    ----------
    responses : Responses
        The rows that could be read and mapped (answers that match no label are missing
        here), the ledger and the reconciliation; files that could not be read or lack a
        column are listed in ``responses.files`` with ``checked`` False.
    problems : list of Problem
        Errors and warnings, each located.
    """

    responses: Responses
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop scoring."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems reported without stopping."""
        return [p for p in self.problems if p.severity != "error"]


def _numeric_columns(study: Study, source: Source) -> Callable[[str], bool]:
    """Which columns of a source a text reader may read as numbers, by the file's own names
    (:func:`txscore.ingest.roles.numeric_columns`: items and their aliases, the source's
    weight and duration).  Everything else (ids, brands, segments) stays text as written."""
    return numeric_columns(study, source)


def _read_ahead(study: Study) -> Iterator[tuple[Source, Future[RawTable]]]:
    """Each source with its file being read: the next file is read in a thread while the
    caller checks the current one (the readers spend their time in fastexcel, pyarrow and
    zlib, which release the GIL).  One file ahead at most, so memory holds two raw files."""

    def read(source: Source) -> RawTable:
        return read_file(study, source)

    sources = list(study.sources)
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(read, sources[0]) if sources else None
        for i, source in enumerate(sources):
            current = pending
            pending = pool.submit(read, sources[i + 1]) if i + 1 < len(sources) else None
            yield source, current


def check(study: Study, *, progress: Callable[[str], None] | None = None) -> Checked:
    """Read, map and check every source; return the responses and every problem.

    Unlike :func:`load` this never raises for problems in the data: it is what
    ``txscore validate`` runs.

    Parameters
    ----------
    study : Study
        The validated spec.
    progress : callable, optional
        Called with a short message as each file is read.

    Returns
    -------
    Checked

    Examples
    --------
    >>> import txscore as tx
    >>> checked = tx.check(tx.read_study("surveys/sample/study.toml"))
    >>> checked.errors, bool(checked.responses.files["reconciles"].all())
    ([], True)
    """
    problems: list[Problem] = []
    frames, files = [], []
    for source, reading in _read_ahead(study):
        if progress:
            progress(source.name)
        try:
            table: RawTable | InputDataError = reading.result()
        except InputDataError as exc:
            table = exc
        built = file_rows(study, source, table)
        problems += built.problems
        files.append(built.record)
        if built.frame is not None:
            frames.append(built.frame)
    rows = conform_rows(study, frames)
    problems += brand_spellings(rows)
    kept, ledger = qc.split_excluded(rows, study, list(study.items))
    file_table = qc.reconcile(pd.DataFrame(files), kept, ledger)
    file_table.loc[~file_table["checked"], "reconciles"] = False
    kept, weighting = weight_rows(study, kept, problems)
    return Checked(Responses(study, kept, ledger, file_table, weighting), problems)


@dataclass(frozen=True)
class FileRows:
    """One source file's standard rows, its line of the file table and its problems.

    Attributes
    ----------
    frame : DataFrame or None
        The file's rows (:func:`txscore.ingest.rows.source_rows`), None when the file could
        not be read or lacks a column.
    record : dict
        The file's line of ``Responses.files`` before the reconciliation counts.
    problems : list of Problem
        What the file's reading and mapping found.
    """

    frame: pd.DataFrame | None
    record: dict
    problems: list[Problem]


def read_file(study: Study, source: Source,
              row_groups: tuple[int, int] | None = None) -> RawTable:
    """One source's file as read by :func:`txscore.ingest.readers.read_table` with the
    source's settings (the columns the spec reads as numbers may be read as numbers);
    ``row_groups``: only these row groups of a parquet file (a piece of it).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> len(read_file(study, study.sources[0]).frame)
    3099
    """
    table = read_table(source.path, source.sheet, format=source.format,
                       header_row=source.header_row, encoding=source.encoding,
                       delimiter=source.delimiter, numeric=_numeric_columns(study, source),
                       row_groups=row_groups)
    # a part file named like another (a dataset's partitions): its path below the study
    return replace(table, file=source.name) if source.label else table


def file_rows(study: Study, source: Source, table: RawTable | InputDataError) -> FileRows:
    """The per-file stage of every executor: roles, standard rows, item codes and
    respondent checks of one file as read (or the error reading it).

    :func:`check` runs it on each file in turn; the Dask engine runs it on each file as one
    task. Rows are not yet split into scored and excluded (duplicate ids span files).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> source = study.sources[0]
    >>> built = file_rows(study, source, read_file(study, source))
    >>> built.record["rows_in"], len(built.frame), built.problems
    (3099, 3099, [])
    """
    if isinstance(table, InputDataError):
        return FileRows(None, {
            "source_file": source.name, "source_sheet": source.sheet or "",
            "population": source.population, "wave": source.wave, "layout": "",
            "file_rows": 0, "brands": 0, "rows_in": 0, "checked": False, "reader": "",
            "sha256": "", "personal_removed": "", "weight_source": weight_source(study, source),
            "fieldwork_start": "", "fieldwork_end": ""}, list(table.problems))
    problems: list[Problem] = []
    table = apply_roles(study, source, table, problems)
    built = source_rows(study, source, table, problems)
    first, last = fieldwork_dates(table)
    brands = built.brands if source.brand_pattern else 1
    return FileRows(built.frame, {
        "source_file": table.file, "source_sheet": table.sheet or "",
        "population": source.population, "wave": source.wave, "layout": table.layout,
        "file_rows": built.file_rows, "brands": brands, "rows_in": built.file_rows * brands,
        "checked": built.frame is not None, "reader": table.reader, "sha256": table.sha256,
        "personal_removed": ", ".join(built.personal),
        "weight_source": weight_source(study, source), "fieldwork_start": first,
        "fieldwork_end": last}, problems)


def conform_rows(study: Study, frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Files' rows as one frame with every column: an item asked of one population only is
    missing for the other, a check no row failed has empty details.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> list(conform_rows(study, [])[["respondent_id", "_blank"]].dtypes.astype(str))
    ['object', 'bool']
    """
    rows = pd.concat(frames, ignore_index=True) if frames else _empty_rows(study)
    for col in study.items:
        if col not in rows:
            rows[col] = pd.array([pd.NA] * len(rows), dtype="Int16")
    for col in qc.DETAIL_COLUMNS.values():
        if col in rows:
            rows[col] = rows[col].fillna("")
    for col in ("_blank", "_not_rated"):
        if col in rows:
            rows[col] = rows[col].fillna(False).astype(bool)
    return rows


def _empty_rows(study: Study) -> pd.DataFrame:
    cols = ["respondent_id", "population", "wave", "brand", "source_file", "source_sheet",
            "source_row", "weight", *study.columns.segments]
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    frame["source_row"] = frame["source_row"].astype(np.int64)
    frame["weight"] = frame["weight"].astype(float)
    frame["_blank"] = pd.Series(dtype=bool)
    frame["_out_of_range"] = pd.Series(dtype=object)
    return frame


def load(study: Study, *, progress: Callable[[str], None] | None = None) -> Responses:
    """Read, map and check every source of a study.

    Parameters
    ----------
    study : Study
        The validated spec.
    progress : callable, optional
        Called with a short message as each file is read (the CLI shows a progress bar).

    Returns
    -------
    Responses
        One row per respondent x brand with standard columns and item codes, the
        exclusions ledger and the per-file reconciliation.

    Raises
    ------
    InputDataError
        With every problem found in every file (missing columns, unknown labels, bad
        weights, unreadable files), each with its location and a fix.  Warnings (e.g. a
        duplicated column name the spec does not use) are issued as
        :class:`~txscore.errors.TxscoreWarning`.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> bool(responses.files["reconciles"].all())
    True
    """
    checked = check(study, progress=progress)
    if checked.errors:
        n = len(checked.errors)
        raise InputDataError(f"{n} problem{'s' if n > 1 else ''} in the input files",
                             checked.errors)
    for problem in checked.warnings:
        warnings.warn(str(problem), TxscoreWarning, stacklevel=2)
    return checked.responses


def _unmangled(name: str) -> str:
    """UTF-8 text that was read as cp1252 (``NestlÃ©``) put back (``Nestlé``)."""
    try:
        return name.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def brand_spellings(rows: pd.DataFrame) -> list[Problem]:
    """Warnings for brand names that differ only by case, accents, spaces or encoding.

    "Nestlé", "NESTLE" and "NestlÃ©" are three brands to the scoring, which is almost
    never what the files mean: each group of such spellings is one warning naming them
    and the files they come from (the distinct names are few: no loop over rows).

    >>> rows = pd.DataFrame({"brand": ["Nestlé", "NESTLE", "NestlÃ©", "Acme"],
    ...                      "source_file": ["a.csv", "b.csv", "b.csv", "a.csv"]})
    >>> [p.message[:48] for p in brand_spellings(rows)]
    ['3 brand names differ only by case, accents, spac']
    """
    if "brand" not in rows or rows.empty:
        return []
    pairs = (rows[["brand", "source_file"]].dropna().drop_duplicates()  # few, then as text
             .astype(object).astype(str).drop_duplicates())
    keys = pairs["brand"].map(lambda b: normalise_label(_unmangled(b)))
    out = []
    for _, group in pairs.groupby(keys, sort=True):
        names = sorted(group["brand"].unique())
        if len(names) < 2:
            continue
        where = ", ".join(sorted(group["source_file"].unique()))
        out.append(Problem(
            f"{len(names)} brand names differ only by case, accents, spaces or encoding: "
            f"{', '.join(repr(n) for n in names)}; they are scored as different brands.",
            where, "write the brand the same way in every file (or map the spellings with "
            "the source's brands = {...} in a brand loop).", "warning"))
    return out
