"""The ``[engine]`` table of a study: where its files are scored, typed.

Keys (all optional):

* ``kind``: ``"memory"`` (default: every row in this process, :func:`txscore.load` then
  :func:`txscore.score`), ``"process"`` (the study engine in this process: files as tasks,
  per-cell sums; memory bounded by a file and a bucket) or ``"dask"`` (the same tasks on a
  Dask cluster);
* ``scheduler``: the Dask scheduler's address (``"tcp://10.0.0.5:8786"``); without it a
  local cluster of one worker process per core is started;
* ``buckets``: the parts the rows are spread into by respondent id (default: eight per
  worker thread; in process 4).

``txscore score|report --engine dask --scheduler ADDRESS`` overrides them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from txscore.errors import did_you_mean
from txscore.study.collector import Collector

__all__ = ["ENGINES", "ENGINE_KEYS", "EngineSettings", "parse_engine"]

#: where a study is scored
ENGINES = ("memory", "process", "dask")
#: the ``[engine]`` keys
ENGINE_KEYS = ("kind", "scheduler", "buckets")


@dataclass(frozen=True)
class EngineSettings:
    """What ``[engine]`` asks for.

    Examples
    --------
    >>> EngineSettings().kind, EngineSettings().scheduler
    ('memory', None)
    """

    kind: str = "memory"
    scheduler: str | None = None
    buckets: int | None = None


def parse_engine(c: Collector, raw: Any) -> EngineSettings:
    """The ``[engine]`` settings (the defaults when the spec has none); problems go to
    ``c``, each located as ``<spec> [engine]`` with its fix.

    Examples
    --------
    >>> c = Collector("study.toml")
    >>> parse_engine(c, {"kind": "dask", "scheduler": "tcp://h:8786"}).kind
    'dask'
    >>> parse_engine(c, {"kind": "spark"}).kind, c.problems[-1].message[:30]
    ('memory', "[engine] kind must be one of '")
    """
    if raw is None:
        return EngineSettings()
    where = "engine"
    if not isinstance(raw, Mapping):
        c.add(where, f"[engine] must be a table, like [engine] with kind = \"dask\". Got "
              f"{raw!r}.", "write [engine], then kind = ... on the line below.")
        return EngineSettings()
    for key in raw:
        if key not in ENGINE_KEYS:
            c.add(where, f"unknown key '{key}' in [engine].",
                  did_you_mean(key, ENGINE_KEYS) or "keys: " + ", ".join(ENGINE_KEYS) + ".")
    kind = raw.get("kind", "memory")
    if kind not in ENGINES:
        c.add(where, f"[engine] kind must be one of {', '.join(map(repr, ENGINES))}. Got "
              f"{kind!r}.", did_you_mean(str(kind), ENGINES)
              or 'use "memory" (one process), "process" (tasks in one process) or "dask".')
        kind = "memory"
    scheduler = raw.get("scheduler")
    if scheduler is not None and (not isinstance(scheduler, str) or "://" not in scheduler):
        c.add(where, f"[engine] scheduler must be an address such as \"tcp://host:8786\". "
              f"Got {scheduler!r}.", "give the Dask scheduler's address, or remove the key "
              "to start a local cluster.")
        scheduler = None
    buckets = raw.get("buckets")
    if buckets is not None and (isinstance(buckets, bool) or not isinstance(buckets, int)
                                or not 1 <= buckets <= 100_000):
        c.add(where, f"[engine] buckets must be a whole number from 1 to 100000. Got "
              f"{buckets!r}.", "e.g. buckets = 64 (about one per 250,000 rows), or remove "
              "the key for the default.")
        buckets = None
    return EngineSettings(kind, scheduler, buckets)
