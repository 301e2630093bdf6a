"""``tx.score``: a study or its loaded responses scored by the engine the spec or caller asks.

:func:`score` takes :class:`~txscore.responses.Responses` (scored in memory by
:func:`txscore.scoring.pipeline.score`) or a :class:`~txscore.study.Study`, which is scored
where ``engine`` (or the spec's ``[engine] kind``) says: ``"memory"`` (load, then score),
``"process"`` (the study engine in this process, :mod:`txscore.scoring.study_engine`) or
``"dask"`` (the same tasks on a Dask cluster, :mod:`txscore.scoring.dask_engine`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from txscore.errors import ParameterError, Problem
from txscore.responses import Responses
from txscore.result import Result
from txscore.scoring import pipeline
from txscore.study import Study
from txscore.study.engine import ENGINES

__all__ = ["score"]


def score(data: Responses | Study, *, by: Sequence[str] = (),
          progress: Callable[[str], None] | None = None, engine: str | None = None,
          client=None, scheduler: str | None = None, buckets: int | None = None) -> Result:
    """Score a study: items, constructs, CX, BX, TX, intervals, changes and reliability.

    Parameters
    ----------
    data : Responses or Study
        Loaded responses (:func:`txscore.load`: scored in memory), or a study, whose files
        are read and scored by ``engine``.
    by : sequence of str
        Segment columns to cut every score by (in addition to wave and brand).
    progress : callable, optional
        Called with a short message at each stage.
    engine : {"memory", "process", "dask"}, optional
        For a study: where to score it (default: its ``[engine] kind``, else "memory").
        ``"process"`` and ``"dask"`` run the study engine: every file one task, rows spread
        by respondent id, every number from per-cell sums (the bootstrap draws from the
        normal law of the sums: the numbers of ``"memory"`` with ``bootstrap_exact_max =
        0``), no banner tables.
    client : distributed.Client, optional
        With ``engine="dask"`` (implied when given): run on this client's cluster.
    scheduler : str, optional
        With ``engine="dask"`` (implied when given): connect to this scheduler; without a
        client or scheduler (here or in the spec) a local cluster is started.
    buckets : int, optional
        The study engine's parts (default: the spec's ``[engine] buckets``, else eight per
        worker thread).

    Returns
    -------
    Result

    Raises
    ------
    StudySpecError
        A ``by`` column that is not a segment.
    InputDataError
        Problems in the files (every one), or no row left to score.
    ParameterError
        An unknown engine, or an engine or cluster given with responses.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> a = tx.score(tx.load(study))
    >>> b = tx.score(study, engine="process")
    >>> b.meta.engine, len(b.exclusions) == len(a.exclusions)
    ('process', True)
    """
    if isinstance(data, Responses):
        if engine not in (None, "memory") or client is not None or scheduler is not None:
            raise ParameterError("Responses are scored in memory.", [Problem(
                "an engine or a Dask cluster is given with loaded responses.", "score()",
                "pass the study itself (tx.score(study, engine='dask')) to score its files "
                "on another engine.")])
        return pipeline.score(data, by=by, progress=progress)
    settings = data.engine
    kind = engine or ("dask" if client is not None or scheduler else None) or (
        settings.kind if settings is not None else "memory")
    if kind not in ENGINES:
        raise ParameterError(f"Unknown engine {kind!r}.", [Problem(
            f"engine must be one of {', '.join(map(repr, ENGINES))}.", "score(engine=...)",
            "use engine='memory', 'process' or 'dask'.")])
    buckets = buckets or (settings.buckets if settings is not None else None)
    if kind == "memory":
        from txscore.ingest import load

        return pipeline.score(load(data, progress=progress), by=by, progress=progress)
    if kind == "process":
        from txscore.scoring.study_engine import InProcess, score_study

        return score_study(data, InProcess(), by=by, buckets=buckets or 4, say=progress)
    from txscore.scoring.dask_engine import score_study_dask

    address = scheduler or (settings.scheduler if settings is not None else None)
    return score_study_dask(data, client=client, scheduler=address, by=by, buckets=buckets,
                            say=progress)
