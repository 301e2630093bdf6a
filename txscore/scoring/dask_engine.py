"""The Dask executor: a tracker's respondents scored on a Dask cluster from per-partition sums.

:func:`score_dask` reads a parquet dataset or a csv glob in the layout of
:attr:`Responses.data` with :mod:`dask.dataframe`, shuffles it on ``respondent_id`` (a
respondent's rows, and rows sharing an id, end up in one partition: the respondent clusters
are whole), reduces each partition with the function the in-process executor runs on its
chunks (:func:`txscore.scoring.chunked.chunk_sums`: a :class:`~txscore.scoring.sums.CellSums`
plus the file counts), merges the partial sums with a tree reduction
(:meth:`txscore.scoring.sums.CellSums.merge`, ``SPLIT_EVERY`` at a time) and derives the
tables on the client (:func:`txscore.scoring.chunked.result_from_parts`). What travels
between the workers and the client is O(cells x F^2) numbers per partition, never rows.

No cell keeps its rows: every cell, and every cluster stratum, draws its bootstrap from the
normal law of its sums, so the numbers equal :func:`txscore.score` with ``[report]
bootstrap_exact_max = 0`` to rounding (the sums are added in another order), whatever the
partitioning. A task that fails surfaces as a located :class:`~txscore.errors.InputDataError`
naming the partition (or the source, for a read), never a Dask traceback; a worker lost in
the middle of a run is replaced and its tasks rerun by Dask (the sums are pure functions of
the partitions, so the result is the same).
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from txscore.errors import InputDataError, Problem, TxscoreError, shorten
from txscore.ingest.parts import uncoded
from txscore.result import Result
from txscore.scoring.chunked import (
    SPLIT_EVERY,
    PartSums,
    chunk_sums,
    merge_parts,
    result_from_parts,
)
from txscore.scoring.pipeline import check_by
from txscore.scoring.study_engine import score_study
from txscore.study import Study

__all__ = ["WORKER_ENVIRONMENT", "DaskExecutor", "dask_client", "local_cluster",
           "read_source", "score_dask", "score_study_dask"]

#: the prefix of the partition tasks' keys (a lost worker's task is named in the error)
_KEY = "txscore-partition-"
#: columns read as text from a csv (ids and cell keys); items and weights are numbers
_TEXT = ("respondent_id", "population", "wave", "brand", "source_file", "source_sheet")


class _PartitionFailed(Exception):
    """A partition's failure, picklable from a worker: (where, message, problems)."""


def read_source(study: Study, source: str | Path, by: Sequence[str] = ()):
    """The source as a :class:`dask.dataframe.DataFrame`, its needed columns checked.

    Parameters
    ----------
    study : Study
    source : str or Path
        A parquet file or dataset folder (hive-partitioned, e.g. ``wave=2026 Q1/``, or not),
        or a csv file or glob (``"tracker/*.csv"``), in the layout of
        :attr:`Responses.data`; a URL (``s3://bucket/tracker/``) is read by the workers
        through fsspec.
    by : sequence of str
        Segment columns the scores are cut by (needed).

    Returns
    -------
    dask.dataframe.DataFrame
        Its columns needed for scoring only (and ``source_file``, for the file table).

    Raises
    ------
    InputDataError
        No file matches, or a needed column is absent (every one listed).

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> folder = tempfile.mkdtemp()
    >>> tx.load(study).data.to_parquet(folder, partition_cols=["wave"])
    >>> len(read_source(study, folder))
    12371
    """
    import dask.dataframe as dd

    text = str(source)
    is_csv = text.lower().endswith((".csv", ".csv.gz", ".txt")) or (
        any(ch in text for ch in "*?[") and ".csv" in text.lower())
    remote = "://" in text  # s3://, gs://, abfs://...: the cluster's storage, not checked here
    if not remote and not (glob.glob(text) if is_csv else Path(text).exists()):
        raise InputDataError(f"No data at {text}.", [Problem(
            "no file or folder matches the source.", text,
            "give a parquet dataset folder, a parquet file or a csv glob that exists.")])
    try:
        if is_csv:
            kinds = {**dict.fromkeys(["weight", *study.items], "float64"),
                     **dict.fromkeys([*_TEXT, *by], "str")}
            frame = dd.read_csv(text, dtype=kinds, blocksize="64MB")
        else:
            frame = dd.read_parquet(text)
    except Exception as err:  # a reader's own error, about the files
        raise InputDataError(f"Cannot read {text}: {err}", [Problem(
            f"the source cannot be read ({type(err).__name__}).", text,
            "check that every file is a valid parquet or csv file of Responses.data.")]) from None
    needed = ["respondent_id", "population", "wave", "brand", "weight", *by, *study.items]
    if absent := [c for c in needed if c not in frame.columns]:
        raise InputDataError(f"{text} lacks columns needed for scoring.", [Problem(
            f"column '{c}' is not in the source.", text,
            "give data in the layout of Responses.data (standard columns, segments and one "
            "column per item).") for c in absent])
    keep = [*needed, *(c for c in ("source_file",) if c in frame.columns)]
    return frame[list(dict.fromkeys(keep))]  # only what the sums read travels in the shuffle


def partition_sums(data: pd.DataFrame, study: Study, by: Sequence[str], index: int) -> PartSums:
    """One partition's sums (run on a worker): :func:`chunk_sums` of its rows.

    Hive partition keys come back as categoricals: they are made text first, as in memory
    (on a copy: a task's input is never changed, so a rerun finds it as it was). Any failure
    is raised naming the partition (``index`` from 0).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> partition_sums(tx.load(study).data.iloc[:10], study, (), 0).sums.rows
    10
    """
    where = f"partition {index + 1}"

    def sums() -> PartSums:
        text = {col: uncoded(data[col]).astype("str").where(data[col].notna())
                for col in data.columns if isinstance(data[col].dtype, pd.CategoricalDtype)}
        return chunk_sums(study, data.assign(**text) if text else data, by, where=where)

    return _guarded(sums, where)


@contextlib.contextmanager
def dask_client(client=None, scheduler: str | None = None) -> Iterator:
    """The client to run on: ``client`` as given, a connection to ``scheduler``, or a
    :class:`distributed.LocalCluster` of one single-threaded worker process per core,
    closed on exit.

    Examples
    --------
    >>> with dask_client(scheduler=None) as client:  # doctest: +SKIP
    ...     client.ncores()
    """
    import distributed

    if client is not None:
        yield client
        return
    if scheduler:
        try:
            connected = distributed.Client(scheduler, timeout="30s")
        except (OSError, TimeoutError) as err:
            raise InputDataError(f"Cannot reach the Dask scheduler at {scheduler}.", [Problem(
                f"no scheduler answered ({type(err).__name__}).", scheduler,
                "start the scheduler, or check its address (tcp://host:8786).")]) from None
        with connected:
            yield connected
        return
    with local_cluster() as cluster, distributed.Client(cluster) as local:
        yield local


#: the workers' allocator: arrays up to 64 MiB are taken from (and given back to) the heap
#: rather than mapped afresh each time. Dask sets ``MALLOC_TRIM_THRESHOLD_``, which fixes
#: glibc's mmap threshold at 128 KiB: every temporary array of a bucket task was then
#: mapped and zeroed page by page (the sums took 1.5 times as long as in one process).
WORKER_ENVIRONMENT = {"MALLOC_MMAP_THRESHOLD_": 64 * 2**20}


def local_cluster(workers: int | None = None):
    """A :class:`distributed.LocalCluster` of ``workers`` single-threaded worker processes
    (default one per core) with :data:`WORKER_ENVIRONMENT`, silent; use it as a context
    manager.

    On a cluster of your own, give the workers the same environment (the Dask setting
    ``distributed.nanny.pre-spawn-environ``, or the variable itself in the workers'
    environment).

    Examples
    --------
    >>> import distributed
    >>> with local_cluster(2) as cluster, distributed.Client(cluster) as client:  # doctest: +SKIP
    ...     len(client.nthreads())
    2
    """
    import dask
    import distributed

    environ = {f"distributed.nanny.pre-spawn-environ.{k}": v
               for k, v in WORKER_ENVIRONMENT.items()}
    with dask.config.set(environ):  # read when the nannies are made
        return distributed.LocalCluster(
            n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
            dashboard_address=":0", silence_logs=logging.CRITICAL)


def _graph(study: Study, frame, by: Sequence[str], partitions: int | None):
    """The delayed tree: shuffle on the id, one sums task per partition, merges."""
    import dask

    frame = frame.shuffle(on="respondent_id", npartitions=partitions)
    level = [dask.delayed(partition_sums, pure=True)(part, study, tuple(by), i,
                                                     dask_key_name=f"{_KEY}{i}")
             for i, part in enumerate(frame.to_delayed())]
    depth = 0
    while len(level) > 1:
        depth += 1
        level = [dask.delayed(merge_parts, pure=True)(
            study, tuple(by), *level[at:at + SPLIT_EVERY],
            dask_key_name=f"txscore-merge-{depth}-{at // SPLIT_EVERY}")
            for at in range(0, len(level), SPLIT_EVERY)]
    return level[0]


def _located(err: BaseException, source: str) -> InputDataError:
    """A failed task's error as a located txscore error."""
    if isinstance(err, _PartitionFailed):
        where, message, problems = err.args
        return InputDataError(f"{source}, {where}: {message}", [
            Problem(m, f"{source}, {w}" if w.startswith("partition") else w, f)
            for m, w, f in problems] or [Problem(
                message, f"{source}, {where}",
                "check the partition's rows (layout of Responses.data).")])
    key = str(getattr(err, "task", "") or getattr(err, "key", ""))
    where = f"{source}, partition {int(key.rsplit('-', 1)[1]) + 1}" if key.startswith(
        _KEY) else source
    if type(err).__name__ == "KilledWorker":
        return InputDataError(f"The Dask cluster lost the workers running {where}.", [Problem(
            "the task's workers died too many times (memory, or killed).", where,
            "give the workers more memory or the source more partitions, then rerun.")])
    said = shorten(str(err).strip().split("\n")[0], 200)
    return InputDataError(f"Scoring {source} on Dask failed: {type(err).__name__}: {said}", [
        Problem(f"a task failed ({type(err).__name__}).", where,
                "check that every file of the source is readable and in the layout of "
                "Responses.data.")])


def score_dask(study: Study, source: str | Path, *, client=None, scheduler: str | None = None,
               by: Sequence[str] = (), progress: bool | None = None,
               partitions: int | None = None) -> Result:
    """Score a study's tracker on Dask, from per-partition sufficient statistics.

    Parameters
    ----------
    study : Study
        The spec (its ``[report]`` settings: confidence, bootstrap, seed, base thresholds).
    source : str or Path
        A parquet dataset (folder, hive-partitioned by wave or not), a parquet file or a csv
        glob, in the layout of :attr:`Responses.data` (:func:`read_source`).
    client : distributed.Client, optional
        Run on this client's cluster (left open).
    scheduler : str, optional
        Else connect to this scheduler (``tcp://host:8786``); without either, a
        :class:`distributed.LocalCluster` of one worker process per core is started and
        closed.
    by : sequence of str
        Segment columns to cut every score by.
    progress : bool, optional
        Dask's progress bar; None (default) shows it on a terminal only.
    partitions : int, optional
        Partitions after the shuffle on ``respondent_id`` (default: the source's).

    Returns
    -------
    Result
        As :func:`txscore.scoring.chunked.score_chunks` gives it (key drivers included):
        every number of the scores, items and reliability tables equals
        :func:`txscore.score` with ``bootstrap_exact_max = 0`` to rounding.

    Raises
    ------
    InputDataError
        The source is absent or lacks columns, a partition cannot be scored (named), the
        workers died, or no rows.
    StudySpecError
        A ``by`` column that is not a segment.

    Examples
    --------
    >>> import tempfile, txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> folder = tempfile.mkdtemp()
    >>> tx.load(study).data.to_parquet(folder, partition_cols=["wave"])
    >>> result = score_dask(study, folder)  # doctest: +SKIP
    >>> result.meta.rows  # doctest: +SKIP
    12371
    """
    import distributed

    by = check_by(study, by)
    frame = read_source(study, source, by)
    root = _graph(study, frame, by, partitions)
    show = sys.stdout.isatty() if progress is None else progress
    with dask_client(client, scheduler) as run:
        future = run.compute(root)
        try:
            if show:
                distributed.progress(future)
            part = future.result()
        except Exception as err:
            raise _located(err, str(source)) from None
        finally:
            future.release()
    result = result_from_parts(study, part, by=by)
    return result


def _guarded(fn, where: str, *args):
    """Run a task, its failure raised as a picklable :class:`_PartitionFailed` naming it."""
    try:
        return fn(*args)
    except TxscoreError as err:
        raise _PartitionFailed(where, str(err).split("\n")[0], [
            (p.message, p.where, p.fix) for p in err.problems]) from None
    except Exception as err:
        said = shorten(str(err).strip().split("\n")[0], 200)
        raise _PartitionFailed(where, f"{type(err).__name__}: {said}", []) from None


class DaskExecutor:
    """The study engine's executor on a Dask cluster (:mod:`txscore.scoring.study_engine`):
    each task a future, its value kept on its worker until a later task reads it.

    A failed task surfaces as a located :class:`~txscore.errors.InputDataError` naming the
    task (``file 3 (customers_w1.csv)``, ``bucket 5``); a task whose workers died is rerun by
    Dask, and when it cannot be, the error says so.

    Examples
    --------
    >>> with dask_client() as client:  # doctest: +SKIP
    ...     run = DaskExecutor(client)
    ...     run.gather([run.submit(len, "abc", key="n")])
    [3]
    """

    def __init__(self, client, *, progress: bool = False, where: str = "the study") -> None:
        import uuid

        self.client, self.progress, self.where = client, progress, where
        self.run = uuid.uuid4().hex[:8]  # task keys unique to this run

    def submit(self, fn, *args, key: str):
        """``fn(*args)`` as a task on the cluster (arguments may be futures)."""
        return self.client.submit(_guarded, fn, key, *args, key=f"txscore-{key}-{self.run}",
                                  pure=False)

    def gather(self, handles: list) -> list:
        """The tasks' values, here; a failure located."""
        import distributed

        try:
            if self.progress:
                distributed.progress(handles)
            return self.client.gather(handles)
        except Exception as err:
            raise _located(err, self.where) from None


def score_study_dask(study: Study, *, client=None, scheduler: str | None = None,
                     by: Sequence[str] = (), buckets: int | None = None,
                     progress: bool | None = None, say=None) -> Result:
    """Score a study's source files on Dask: the study engine
    (:func:`txscore.scoring.study_engine.score_study`) with a :class:`DaskExecutor`.

    Parameters
    ----------
    study : Study
    client : distributed.Client, optional
        Run on this client's cluster (left open).
    scheduler : str, optional
        Else connect to this scheduler (``tcp://host:8786``); without either a
        :class:`distributed.LocalCluster` of one worker process per core is started and
        closed.
    by : sequence of str
        Segment columns to cut every score by.
    buckets : int, optional
        Parts the rows are spread into by respondent id (default eight per worker thread).
    progress : bool, optional
        Dask's progress bars; None (default) shows them on a terminal only.
    say : callable, optional
        Called with a short message at each stage.

    Returns
    -------
    Result
        As :func:`txscore.score` gives it but the banner tables: with
        ``bootstrap_exact_max = 0``, the same numbers to rounding, the same ledger and file
        table.

    Raises
    ------
    InputDataError
        Every problem of every file at once, a task that failed (named), workers lost.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> score_study_dask(study).meta.engine  # doctest: +SKIP
    'dask'
    """
    show = sys.stdout.isatty() if progress is None else progress
    with dask_client(client, scheduler) as run:
        # eight buckets a worker thread (10M rows on 2 workers: 53 s and 1.6 GB a worker
        # with 16; 52 s but 2.1 GB with 8; 120 s with one per file, 80: tiny part tasks)
        n = buckets or 8 * max(sum(run.nthreads().values()), 1)
        return score_study(study, DaskExecutor(run, progress=show, where=study.name),
                           by=by, buckets=n, say=say, engine="dask")
