"""Chunked scoring: a tracker too large for memory, scored from per-chunk sufficient statistics.

:func:`score_chunks` is the in-process executor: it reads the respondents one chunk at a
time (e.g. record batches of a partitioned parquet dataset through :func:`iter_parquet`),
reduces each with :func:`chunk_sums` (the accumulator of :func:`txscore.score`,
:class:`txscore.scoring.sums.CellSums`, plus the chunk's ledger and file counts: the
function the Dask executor, :mod:`txscore.scoring.dask_engine`, runs on each partition),
merges the partial sums (:meth:`PartSums.merge`) and derives the tables with the same
function (:func:`result_from_parts`, i.e. :func:`txscore.scoring.pipeline.tables_from_sums`):
the in-memory path is this path with one chunk.  Memory is bounded by one chunk plus
O(cells x F^2) numbers, whatever the number of respondents, because no cell keeps its rows
here: every cell's bootstrap draws its replicate sums from their normal law, so the numbers
agree with the in-memory path to rounding when it does the same (``[report]
bootstrap_exact_max = 0``).

The key-driver analyses come from sums too (:mod:`txscore.scoring.driver_sums`: per
population, wave, analysis and brand stratum, the complete-case moment sums), accumulated
and merged beside the cell sums; they equal :func:`txscore.score`'s with
``bootstrap_exact_max = 0`` to rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from txscore.errors import InputDataError, Problem
from txscore.responses import Responses
from txscore.result import Result, ResultMeta
from txscore.scoring.driver_sums import DriverSums, drivers_from_sums
from txscore.scoring.pipeline import check_by, decisions, tables_from_sums
from txscore.scoring.sums import CellSums
from txscore.study import Study

__all__ = ["SPLIT_EVERY", "PartSums", "chunk_sums", "iter_parquet", "merge_parts",
           "result_from_parts", "score_chunks"]

Chunk = Responses | pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]
#: partial sums merged per task of the executors' tree reductions
SPLIT_EVERY = 8


def iter_parquet(path: str | Path, columns: Sequence[str] | None = None, *,
                 batch_size: int = 250_000) -> Iterator[pd.DataFrame]:
    """Record batches of a parquet file or a (hive-)partitioned parquet dataset as DataFrames.

    The data are expected in the layout of :attr:`Responses.data` (e.g. written with
    ``responses.data.to_parquet(folder, partition_cols=["population", "wave"])``); partition
    keys such as ``population=customer/wave=2026 Q1`` come back as columns.

    Parameters
    ----------
    path : str or Path
        A ``.parquet`` file or a folder of them.
    columns : sequence of str, optional
        Columns to read (default all): standard columns, segments and items suffice.
    batch_size : int
        Maximum rows per chunk.

    Yields
    ------
    DataFrame
        At most ``batch_size`` rows each.

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> folder = tempfile.mkdtemp()
    >>> responses.data.to_parquet(folder, partition_cols=["population", "wave"])
    >>> sum(len(chunk) for chunk in iter_parquet(folder, batch_size=1000)) == responses.n
    True
    """
    import pyarrow.dataset as ds

    dataset = ds.dataset(str(path), format="parquet", partitioning="hive")
    # no read-ahead: pyarrow's default buffers 16 batches, i.e. far more than one chunk
    for batch in dataset.to_batches(columns=list(columns) if columns else None,
                                    batch_size=batch_size, batch_readahead=0,
                                    fragment_readahead=0):
        if batch.num_rows:
            yield batch.to_pandas()


def _split(chunk: Chunk, i: int) -> tuple[pd.DataFrame, pd.DataFrame | None,
                                          pd.DataFrame | None]:
    if isinstance(chunk, Responses):
        return chunk.data, chunk.exclusions, chunk.files
    if isinstance(chunk, tuple) and len(chunk) == 2 and all(
            isinstance(c, pd.DataFrame) for c in chunk):
        return chunk[0], chunk[1], None
    if isinstance(chunk, pd.DataFrame):
        return chunk, None, None
    raise InputDataError(f"Chunk {i + 1} is a {type(chunk).__name__}.", [Problem(
        f"cannot score a {type(chunk).__name__}.", f"chunk {i + 1}",
        "give Responses, DataFrames in the layout of Responses.data, or (data, exclusions) "
        "pairs of DataFrames.")])


def _files_table(files: list[pd.DataFrame], counts: dict[tuple, int],
                 ledgers: pd.DataFrame) -> pd.DataFrame:
    """Per-file reconciliation over all chunks (a file split over chunks is summed)."""
    if files:
        table = pd.concat(files, ignore_index=True)
        keys = [c for c in ("source_file", "source_sheet") if c in table]
        numeric = [c for c in table.select_dtypes("number").columns if c not in keys]
        other = [c for c in table.columns if c not in keys + numeric + ["reconciles"]]
        agg = {**{c: "sum" for c in numeric}, **{c: "first" for c in other}}
        table = table.groupby(keys, sort=False, as_index=False).agg(agg)
        if {"rows_in", "scored", "excluded"} <= set(table):
            table["reconciles"] = table["rows_in"] == table["scored"] + table["excluded"]
        return table
    rows = []
    excluded = ledgers.groupby("source_file").size() if len(ledgers) else pd.Series(dtype=int)
    for (file, pop, wave), n in counts.items():
        rows.append({"source_file": file, "population": pop, "wave": wave, "scored": n})
    table = pd.DataFrame(rows, columns=["source_file", "population", "wave", "scored"])
    table = table.groupby("source_file", sort=False, as_index=False).agg(
        population=("population", "first"), wave=("wave", "first"), scored=("scored", "sum"))
    table["excluded"] = table["source_file"].map(excluded).fillna(0).astype(int)
    table["rows_in"] = table["scored"] + table["excluded"]
    table["reconciles"] = True
    return table


@dataclass
class PartSums:
    """The sums of a chunk or a partition (or of several, merged): what the executors reduce.

    Attributes
    ----------
    sums : CellSums
        The per-cell sufficient statistics (no rows kept: the normal-law bootstrap).
    ledgers : list of DataFrame
        The chunks' exclusions ledgers.
    files : list of DataFrame
        The chunks' file tables, when given.
    counts : dict
        (source file, population, wave) -> rows scored, when no file table is given.
    drivers : DriverSums or None
        The key-driver analyses' moment sums (:mod:`txscore.scoring.driver_sums`).
    """

    sums: CellSums
    ledgers: list[pd.DataFrame] = field(default_factory=list)
    files: list[pd.DataFrame] = field(default_factory=list)
    counts: dict[tuple, int] = field(default_factory=dict)
    drivers: DriverSums | None = None

    def merge(self, other: PartSums) -> None:
        """Add another chunk's sums, ledgers, file tables and counts into these.

        Examples
        --------
        >>> import txscore as tx
        >>> study = tx.read_study("surveys/sample/study.toml")
        >>> data = tx.load(study).data
        >>> part = chunk_sums(study, data.iloc[:5000])
        >>> part.merge(chunk_sums(study, data.iloc[5000:]))
        >>> part.sums.rows == len(data)
        True
        """
        self.sums.merge(other.sums)
        if self.drivers is not None and other.drivers is not None:
            self.drivers.merge(other.drivers)
        self.ledgers = [*self.ledgers, *other.ledgers]
        self.files = [*self.files, *other.files]
        counts = dict(self.counts)
        for key, n in other.counts.items():
            counts[key] = counts.get(key, 0) + n
        self.counts = counts


def chunk_sums(study: Study, data: pd.DataFrame, by: Sequence[str] = (), *,
               ledger: pd.DataFrame | None = None, files: pd.DataFrame | None = None,
               where: str = "chunk 1") -> PartSums:
    """The per-chunk function of both executors: one chunk's (or partition's) sums.

    Parameters
    ----------
    study : Study
    data : DataFrame
        Rows in the layout of :attr:`Responses.data`; a respondent's rows all here.
    by : sequence of str
        Segment columns (checked: :func:`txscore.scoring.pipeline.check_by`).
    ledger, files : DataFrame, optional
        The chunk's exclusions ledger and file table.
    where : str
        The chunk's name in error messages (``"chunk 3"``, ``"partition 12"``).

    Returns
    -------
    PartSums

    Raises
    ------
    InputDataError
        The chunk lacks a needed column (every missing column listed).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> chunk_sums(study, tx.load(study).data.iloc[:100]).sums.rows
    100
    """
    needed = ["population", "wave", "brand", "weight", *by, *study.items]
    if absent := [c for c in needed if c not in data.columns]:
        raise InputDataError(f"{where.capitalize()} lacks columns needed for scoring.", [
            Problem(f"column '{c}' is not in the {where.split()[0]}.", where,
                    "give data in the layout of Responses.data (standard columns, segments "
                    "and one column per item).") for c in absent])
    part = PartSums(CellSums(study, by), drivers=DriverSums(study))  # no rows kept
    part.sums.add(data)
    part.drivers.add(data)
    _reconcile(data, ledger, files, part.ledgers, part.files, part.counts)
    return part


def merge_parts(study: Study, by: Sequence[str], *parts: PartSums) -> PartSums:
    """A new :class:`PartSums` holding the sum of ``parts`` (which are left as they are:
    a retried task must find its inputs unchanged).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> data = tx.load(study).data
    >>> a, b = chunk_sums(study, data[:10]), chunk_sums(study, data[10:])
    >>> merge_parts(study, (), a, b).sums.rows, a.sums.rows
    (12371, 10)
    """
    out = PartSums(CellSums(study, by), drivers=DriverSums(study))
    for part in parts:
        out.merge(part)
    return out


def result_from_parts(study: Study, part: PartSums | None, *, by: Sequence[str] = (),
                      say: Callable[[str], None] | None = None,
                      exclusions: pd.DataFrame | None = None, files: pd.DataFrame | None = None,
                      weighting: pd.DataFrame | None = None, engine: str = "chunks") -> Result:
    """The Result of the merged sums of every chunk (the executors' last step).

    ``exclusions``, ``files`` and ``weighting`` replace the ledger, file table and raking
    report gathered from the chunks (the study engine makes them itself); ``engine`` names
    the executor in :attr:`Result.meta`.

    Raises
    ------
    InputDataError
        No rows at all.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> part = chunk_sums(study, tx.load(study).data)
    >>> result_from_parts(study, part).meta.rows == part.sums.rows
    True
    """
    if part is None or not part.sums.rows:
        raise InputDataError("No respondents: every chunk is empty.")
    out = tables_from_sums(part.sums.collect(), say or (lambda _msg: None))
    drivers = (drivers_from_sums(part.drivers.collect(), study) if part.drivers is not None
               else pd.DataFrame())
    ledger = exclusions if exclusions is not None else (
        pd.concat(part.ledgers, ignore_index=True) if part.ledgers else pd.DataFrame())
    table = files if files is not None else _files_table(part.files, part.counts, ledger)
    meta = ResultMeta(chunked=True, rows=part.sums.rows, engine=engine,
                      weighting=weighting if weighting is not None else pd.DataFrame())
    return decisions(Result(study=study, **out, exclusions=ledger, drivers=drivers,
                            files=table, by=tuple(by), meta=meta))


def score_chunks(study: Study, chunks: Iterable[Chunk], *, by: Sequence[str] = (),
                 progress: Callable[[str], None] | None = None) -> Result:
    """Score a study chunk by chunk, from per-chunk sufficient statistics.

    The in-process executor: per chunk :func:`chunk_sums` (the function the Dask executor,
    :func:`txscore.scoring.dask_engine.score_dask`, runs on each partition), merged into
    one :class:`PartSums`; then :func:`result_from_parts`.

    Parameters
    ----------
    study : Study
        The spec (its ``[report]`` settings: confidence, bootstrap, seed, base thresholds).
    chunks : iterable
        Each a :class:`Responses` (its rows, ledger and file table), a DataFrame in the
        :attr:`Responses.data` layout (e.g. from :func:`iter_parquet`), or a pair
        ``(data, exclusions ledger)``.  A respondent must be in one chunk only: checks
        across rows (duplicate ids) belong to ingest.
    by : sequence of str
        Segment columns to cut every score by.
    progress : callable, optional
        Called with a short message after each chunk.

    Returns
    -------
    Result
        The tables of :func:`txscore.score` but the banner tables: scores, items,
        distributions, growth grid, changes, reliability, CX and BX weights, key drivers,
        what-if scenarios and plan, the exclusions ledger and the file table.  Intervals
        come from the normal-sum bootstrap in every cell; with ``bootstrap_exact_max = 0``
        :func:`txscore.score` gives the same numbers to rounding.  ``meta`` holds ``rows``
        and ``chunked``.

    Raises
    ------
    InputDataError
        A chunk lacks a needed column (every missing column listed), or no chunk has rows.
    StudySpecError
        A ``by`` column that is not a segment.

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.scoring.chunked import score_chunks
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> data = tx.load(study).data
    >>> result = score_chunks(study, [data.iloc[:5000], data.iloc[5000:]])
    >>> tx_all = result.scores.query("measure == 'tx' and brand == 'All brands'")
    >>> tx_all[["wave", "value", "ci_low", "ci_high"]].round(1)  # as tx.score gives them
           wave  value  ci_low  ci_high
    12  2026 Q1   61.6    61.2     62.0
    13  2026 Q2   60.8    60.5     61.2
    """
    by = check_by(study, by)
    say = progress or (lambda _msg: None)
    total: PartSums | None = None
    for i, chunk in enumerate(chunks):
        data, ledger, table = _split(chunk, i)
        part = chunk_sums(study, data, by, ledger=ledger, files=table, where=f"chunk {i + 1}")
        if total is None:
            total = part
        else:
            total.merge(part)
        say(f"chunk {i + 1}: {total.sums.rows:,} rows")
    result = result_from_parts(study, total, by=by, say=say)
    return result


def _reconcile(data: pd.DataFrame, ledger: pd.DataFrame | None, table: pd.DataFrame | None,
               ledgers: list[pd.DataFrame], files: list[pd.DataFrame],
               counts: dict[tuple, int]) -> None:
    """Keep a chunk's ledger and file table, or count its rows per source file."""
    if ledger is not None and len(ledger):
        ledgers.append(ledger)
    if table is not None:
        files.append(table)
    elif "source_file" in data:
        for key, n in data.groupby(["source_file", "population", "wave"], sort=False,
                                   observed=True).size().items():
            counts[key] = counts.get(key, 0) + int(n)
