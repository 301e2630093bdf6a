"""One engine, two executors: a study's files scored in tasks, in process or on Dask.

:func:`score_study` runs the stages of :func:`txscore.load` and :func:`txscore.score` as
tasks of an executor, whose values stay where they were made (a Dask worker's memory) until
a later task reads them; only small things travel to the caller (file records, problems,
counts, raking cells, merged sums, the ledger):

1. per source file, one task (:func:`txscore.ingest.load.file_rows`, the function the
   in-memory :func:`txscore.check` runs on each file): read, roles, answers to codes,
   respondent checks; its rows spread into buckets by a hash of the respondent id
   (:func:`txscore.ingest.parts.spread_rows`);
2. the problems of every file at once (an error stops here, as :func:`txscore.load` does);
3. per bucket, one task: its rows from every file, in the in-memory order, split into scored
   rows and the ledger (duplicate ids are whole in a bucket), the reconciliation counts and
   the raking cells (:func:`txscore.ingest.weights.weighting_cells`);
4. raking on the cross-classification of the summed cells, by the caller; each bucket's rows
   weighted from the cells' weights, and reduced to sums
   (:func:`txscore.scoring.chunked.chunk_sums`);
5. the sums merged in a tree and the tables derived (:func:`result_from_parts`).

The executors: :class:`InProcess` (this process, the tasks one after the other; what
``engine = "process"`` runs) and :class:`txscore.scoring.dask_engine.DaskExecutor`.  No cell
keeps its rows, so every bootstrap draw is from the normal law of the cell's sums: the
numbers equal :func:`txscore.score` with ``[report] bootstrap_exact_max = 0`` to rounding.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from txscore.errors import InputDataError, TxscoreWarning
from txscore.ingest import weights as wt
from txscore.ingest.load import brand_spellings, file_rows, read_file
from txscore.ingest.parts import (
    bucket_counts,
    compact,
    reconcile_counts,
    restore,
    split_bucket,
    spread_rows,
)
from txscore.ingest.readers import RawTable
from txscore.result import Result
from txscore.scoring.chunked import (
    SPLIT_EVERY,
    PartSums,
    chunk_sums,
    merge_parts,
    result_from_parts,
)
from txscore.scoring.pipeline import check_by
from txscore.study import Source, Study

__all__ = ["Executor", "InProcess", "score_study"]



class Executor(Protocol):
    """What the engine needs of an executor: tasks whose values stay put until read."""

    def submit(self, fn: Callable, *args: Any, key: str) -> Any:
        """Run ``fn(*args)`` (arguments may be earlier tasks' handles); a handle."""

    def gather(self, handles: list[Any]) -> list[Any]:
        """The values of ``handles``, here."""


class InProcess:
    """The executor of one process: every task run at once, its value its own handle.

    Examples
    --------
    >>> InProcess().gather([InProcess().submit(len, "abc", key="n")])
    [3]
    """

    def submit(self, fn: Callable, *args: Any, key: str) -> Any:
        """``fn(*args)`` now."""
        return fn(*args)

    def gather(self, handles: list[Any]) -> list[Any]:
        """The values themselves."""
        return list(handles)


@dataclass
class FileTask:
    """What a file's task keeps (``parts``: its rows per bucket) and what it reports."""

    record: dict
    problems: list
    brands: pd.DataFrame
    parts: list[pd.DataFrame]


@dataclass
class BucketTask:
    """A bucket's scored rows (compacted, while they wait for raked weights), ledger,
    reconciliation counts, raking cells, and sums (when made at once)."""

    kept: pd.DataFrame | None
    ledger: pd.DataFrame
    counts: pd.DataFrame
    cells: pd.DataFrame | None
    sums: PartSums | None = None


#: a parquet file of more rows than this is read in pieces of whole row groups of about as
#: many rows, one task each (a panel's single export of a wave: memory and cores)
PIECE_ROWS = 1_000_000


def file_pieces(source: Source, piece_rows: int = PIECE_ROWS) -> list[tuple[int, int] | None]:
    """The tasks a source file is read in: ``[None]`` (the whole file in one), or for a
    parquet file of more than ``piece_rows`` rows in several row groups, runs of whole row
    groups ``(first, last + 1)`` of at least ``piece_rows`` rows (the last may be shorter).

    Examples
    --------
    >>> import tempfile, pathlib, pyarrow as pa, pyarrow.parquet as pq
    >>> from txscore.study import Source
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "w1.parquet"
    >>> pq.write_table(pa.table({"id": list(range(10))}), path, row_group_size=3)
    >>> file_pieces(Source(path, "customer", "W1"), piece_rows=5)
    [(0, 2), (2, 4)]
    >>> file_pieces(Source(path, "customer", "W1"))
    [None]
    """
    if source.path.suffix.lower() != ".parquet" or not source.path.is_file():
        return [None]  # (a pipe or a device named .parquet is refused by the file task)
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(source.path)
    except Exception:  # noqa: BLE001 - the file task says what is wrong with the file
        return [None]
    if meta.num_rows <= piece_rows or meta.num_row_groups < 2:
        return [None]
    pieces, start, rows = [], 0, 0
    for group in range(meta.num_row_groups):
        rows += meta.row_group(group).num_rows
        if rows >= piece_rows:
            pieces.append((start, group + 1))
            start, rows = group + 1, 0
    if start < meta.num_row_groups:
        pieces.append((start, meta.num_row_groups))
    return pieces if len(pieces) > 1 else [None]


def ingest_file(study: Study, source: Source, index: int, buckets: int,
                row_groups: tuple[int, int] | None = None) -> FileTask:
    """Task 1: one source file (or a piece of it: ``row_groups`` of a parquet file) read,
    mapped and checked, its rows spread into buckets.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> task = ingest_file(study, study.sources[0], 0, 3)
    >>> task.record["file_rows"], sum(len(p) for p in task.parts), task.problems
    (3099, 3099, [])
    """
    try:
        table: RawTable | InputDataError = read_file(study, source, row_groups)
    except InputDataError as err:
        table = err
    built = file_rows(study, source, table)
    frame = built.frame
    brands = (frame[["brand", "source_file"]].dropna().drop_duplicates().astype(object)
              .astype(str).drop_duplicates() if frame is not None else pd.DataFrame())
    # a piece's rows come after the file rows before it (times the brands of a loop)
    start = (table.first_row - 1) * built.record["brands"] if isinstance(
        table, RawTable) and row_groups else 0
    parts = spread_rows(frame, buckets, index, start) if frame is not None else []
    return FileTask(built.record, built.problems, brands, parts)


def whole_files(pieces: list[int], reports: list[FileTask]) -> list[FileTask]:
    """One report per source file from its pieces' (``pieces``: each report's source):
    rows added, the first start and last end of fieldwork, the personal columns of any
    piece, every distinct problem once.

    Examples
    --------
    >>> rec = {"file_rows": 2, "rows_in": 2, "checked": True, "fieldwork_start": "",
    ...        "fieldwork_end": "", "personal_removed": "email"}
    >>> one = FileTask(rec, [], pd.DataFrame(), [])
    >>> two = FileTask(dict(rec, personal_removed="phone"), [], pd.DataFrame(), [])
    >>> [(r.record["file_rows"], r.record["personal_removed"])
    ...  for r in whole_files([0, 0], [one, two])]
    [(4, 'email, phone')]
    """
    out: dict[int, list[FileTask]] = {}
    for source, report in zip(pieces, reports, strict=True):
        out.setdefault(source, []).append(report)
    return [_merged(parts) if len(parts) > 1 else parts[0] for parts in out.values()]


def _merged(parts: list[FileTask]) -> FileTask:
    """A file's report from those of its pieces (see :func:`whole_files`)."""
    records = [p.record for p in parts]
    record = dict(records[0])
    for key in ("file_rows", "rows_in"):
        record[key] = sum(r[key] for r in records)
    record["checked"] = all(r["checked"] for r in records)
    record["fieldwork_start"] = min((r["fieldwork_start"] for r in records
                                     if r["fieldwork_start"]), default="")
    record["fieldwork_end"] = max((r["fieldwork_end"] for r in records
                                   if r["fieldwork_end"]), default="")
    record["personal_removed"] = ", ".join(dict.fromkeys(
        c for r in records for c in r["personal_removed"].split(", ") if c))
    problems = list(dict.fromkeys(p for part in parts for p in part.problems))
    brands = [p.brands for p in parts if len(p.brands)]
    return FileTask(record, problems, pd.concat(brands, ignore_index=True).drop_duplicates()
                    if brands else pd.DataFrame(), [])


def file_summary(task: FileTask) -> FileTask:
    """The task's report without its rows (what travels to the caller)."""
    return FileTask(task.record, task.problems, task.brands, [])


def bucket_part(task: FileTask, bucket: int) -> pd.DataFrame | None:
    """A file's rows of one bucket (None when the file has no rows)."""
    return task.parts[bucket] if task.parts else None


def split_task(study: Study, by: tuple[str, ...], files: pd.DataFrame,
               *parts: pd.DataFrame | None) -> BucketTask:
    """Task 3: a bucket's rows from every file split into scored rows and the ledger; its
    reconciliation counts; then, when the spec does not rake, its sums at once (the rows
    need no more), else its raking cells (the rows, compacted, wait for the weights)."""
    kept, ledger = split_bucket(study, [p for p in parts if p is not None])
    counts = bucket_counts(files, kept, ledger)
    if not _rakes(study):
        weighted, _ = wt.weight_rows(study, kept, [])
        return BucketTask(None, ledger, counts, None, chunk_sums(study, weighted, by,
                                                                 where="bucket"))
    return BucketTask(compact(kept), ledger, counts, wt.weighting_cells(study, kept))


def bucket_report(task: BucketTask) -> BucketTask:
    """The bucket's report without its rows or sums (what travels to the caller)."""
    return BucketTask(None, task.ledger, task.counts, task.cells)


def sums_task(study: Study, by: tuple[str, ...], task: BucketTask,
              cell_weights: pd.DataFrame | None) -> PartSums:
    """Task 4: a bucket's sums: made by task 3, or its rows weighted by the cells' raked
    weights and reduced to sums."""
    if task.sums is not None:
        return task.sums
    kept = restore(task.kept)
    kept = (wt.apply_cell_weights(study, kept, cell_weights) if cell_weights is not None
            else wt.weight_rows(study, kept, [])[0])
    return chunk_sums(study, kept, by, where="bucket")


def _rakes(study: Study) -> bool:
    """Whether the spec rakes (the weights need every bucket's cells)."""
    return study.weighting is not None and study.weighting.method == "rake"


def _problems(study: Study, files: list[FileTask]) -> list:
    """Every file's problems, then the brand spellings across files; errors raised."""
    problems = [p for f in files for p in f.problems]
    brands = [f.brands for f in files if len(f.brands)]
    problems += brand_spellings(pd.concat(brands, ignore_index=True) if brands
                                else pd.DataFrame())
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        n = len(errors)
        raise InputDataError(f"{n} problem{'s' if n > 1 else ''} in the input files", errors)
    return problems


def _weights(study: Study, buckets: list[BucketTask], problems: list):
    """The raked weight of every cell from the buckets' summed cells, and the report."""
    if not _rakes(study):
        return None, pd.DataFrame()
    cells = wt.merge_cells([b.cells for b in buckets if b.cells is not None])
    found: list = []
    weighted, report = wt.weights_from_cells(study, cells, found)
    if errors := [p for p in found if p.severity == "error"]:
        raise InputDataError(f"{len(errors)} problem{'s' if len(errors) > 1 else ''} "
                             "weighting the respondents", errors)
    problems += found
    return weighted, report


def score_study(study: Study, executor: Executor, *, by: Sequence[str] = (),
                buckets: int = 4, say: Callable[[str], None] | None = None,
                engine: str = "process", piece_rows: int = PIECE_ROWS) -> Result:
    """Score a study's source files as tasks of ``executor``.

    Parameters
    ----------
    study : Study
    executor : Executor
        :class:`InProcess`, or :class:`txscore.scoring.dask_engine.DaskExecutor`.
    by : sequence of str
        Segment columns to cut every score by.
    buckets : int
        Parts the rows are spread into by respondent id (tasks of stages 3 and 4).
    say : callable, optional
        Called with a short message at each stage.
    engine : str
        How :attr:`Result.meta` names the engine.
    piece_rows : int
        A parquet file of more rows (in several row groups) is read in pieces of whole row
        groups of about as many rows, one task each (:func:`file_pieces`).

    Returns
    -------
    Result
        As :func:`txscore.score` gives it but the banner tables (they need the rows):
        with ``bootstrap_exact_max = 0`` the same numbers to rounding, the same ledger
        rows and file table.

    Raises
    ------
    InputDataError
        Every problem of every file at once (as :func:`txscore.load`), or no row scored.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> result = score_study(study, InProcess(), buckets=3)
    >>> result.meta.rows, len(result.exclusions)
    (12371, 68)
    """
    by = check_by(study, by)
    say = say or (lambda _msg: None)
    run, n = executor, max(int(buckets), 1)
    say(f"reading {len(study.sources)} files")
    pieces = [(i, s, g) for i, s in enumerate(study.sources) for g in file_pieces(s, piece_rows)]
    files = [run.submit(ingest_file, study, s, i, n, g, key=f"file {i + 1} ({s.name}" + (
        f", row groups {g[0] + 1}-{g[1]})" if g else ")")) for i, s, g in pieces]
    reports = whole_files([i for i, _, _ in pieces], run.gather(
        [run.submit(file_summary, f, key=f"file-report-{k}") for k, f in enumerate(files)]))
    problems = _problems(study, reports)
    table = pd.DataFrame([r.record for r in reports])
    say("exclusions")
    parts = [[run.submit(bucket_part, f, b, key=f"part-{i}-{b}") for i, f in enumerate(files)]
             for b in range(n)]
    split = [run.submit(split_task, study, tuple(by), table, *parts[b], key=f"bucket {b + 1}")
             for b in range(n)]
    done = run.gather([run.submit(bucket_report, s, key=f"bucket-report-{b}")
                       for b, s in enumerate(split)])
    files = parts = []  # the files' rows are in the buckets now: let the executor free them
    weighted, weighting = _weights(study, done, problems)
    say("sums per cell")
    level = [run.submit(sums_task, study, tuple(by), s, weighted, key=f"sums-{b}")
             for b, s in enumerate(split)]
    depth = 0
    while len(level) > 1:
        depth += 1
        level = [run.submit(merge_parts, study, tuple(by), *level[at:at + SPLIT_EVERY],
                            key=f"merge-{depth}-{at // SPLIT_EVERY}")
                 for at in range(0, len(level), SPLIT_EVERY)]
    total = run.gather(level)[0]
    for problem in problems:  # as txscore.load issues them
        warnings.warn(str(problem), TxscoreWarning, stacklevel=2)
    files_table = reconcile_counts(table, [b.counts for b in done])
    files_table.loc[~files_table["checked"].astype(bool), "reconciles"] = False
    say("tables")
    return result_from_parts(study, total, by=by, say=say, exclusions=_ledger(table, done),
                             files=files_table, weighting=weighting, engine=engine)


def _ledger(table: pd.DataFrame, done: list[BucketTask]) -> pd.DataFrame:
    """The buckets' ledgers in the in-memory order: files in the spec's order, rows in file
    order (a file row's rows are in one bucket, in order: the sort is stable)."""
    ledgers = [b.ledger for b in done if len(b.ledger)]
    if not ledgers:
        return done[0].ledger if done else pd.DataFrame()
    ledger = pd.concat(ledgers, ignore_index=True)
    key = ["source_file", "source_sheet"]
    file_at = pd.MultiIndex.from_frame(table[key].astype(str)).get_indexer(
        pd.MultiIndex.from_frame(ledger[key].fillna("").astype(str)))
    keys = pd.DataFrame({"f": file_at, "r": ledger["source_row"].to_numpy()})
    return ledger.iloc[keys.sort_values(["f", "r"], kind="stable").index].reset_index(drop=True)
