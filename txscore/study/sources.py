"""Sources whose ``path`` names a folder: a dataset of part files, maybe hive-partitioned.

:func:`data_files` lists the data files under a folder (recursively, sorted by their path
below it, without the bookkeeping files Spark and pyarrow write beside them);
:func:`partition_values` reads the hive partition keys of a file's folders
(``wave=2026%20Q1/population=customer/part-0.parquet``); :func:`folder_sources` gives each
file its population and wave, from the ``[[sources]]`` table or from its folders, and
locates every problem (a folder and the table disagreeing, an unknown population, a wave
given by neither, a folder with no data file) with its fix.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote

from txscore.errors import did_you_mean
from txscore.study.collector import Collector
from txscore.study.vocabulary import POPULATIONS

__all__ = ["DATA_SUFFIXES", "PARTITION_KEYS", "FolderFiles", "data_files", "folder_sources",
           "partition_values"]

#: the suffixes of the files the readers know (:mod:`txscore.ingest.readers`, which this
#: layer cannot import: tests/test_source_folders.py checks that the two agree)
DATA_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt", ".parquet", ".sav")
#: the partition keys that give a source's settings (other keys are left alone)
PARTITION_KEYS = ("wave", "population")
#: how Hive, Spark and pyarrow write a missing (null) partition value
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"

_FIXES = {"wave": 'add wave = "2026 Q1" (any label)',
          "population": 'add population = "customer" or "non_customer"'}


class FolderFiles(NamedTuple):
    """What :func:`data_files` found under a folder (paths relative to it)."""

    #: the data files, sorted by their path below the folder
    files: list[Path]
    #: files and folders left out: hidden, ``_``-prefixed, of another kind, symbolic links
    #: to folders
    skipped: list[Path]
    #: folders that could not be listed, with the reason
    unreadable: list[tuple[Path, str]]


def data_files(folder: Path) -> FolderFiles:
    """The data files under ``folder``, recursively, sorted by their path below it.

    Hidden files and folders (``.`` prefix) and ``_``-prefixed ones (Spark's ``_SUCCESS``,
    ``_metadata``, ``_temporary/``) are skipped, and so are files of a kind the readers do
    not know (``.crc`` checksums, notes): see :data:`DATA_SUFFIXES`.

    Parameters
    ----------
    folder : Path
        The folder of a source.

    Returns
    -------
    FolderFiles
        The data files, what was skipped and the folders that could not be listed, each
        relative to ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ("wave=B/p-0.parquet", "wave=A/p-0.parquet", "wave=A/.p-0.parquet.crc",
    ...              "_SUCCESS", "_temporary/0/p-1.parquet"):
    ...     (root / name).parent.mkdir(parents=True, exist_ok=True)
    ...     (root / name).touch()
    >>> found = data_files(root)
    >>> [p.as_posix() for p in found.files]
    ['wave=A/p-0.parquet', 'wave=B/p-0.parquet']
    >>> sorted(p.as_posix() for p in found.skipped)
    ['_SUCCESS', '_temporary', 'wave=A/.p-0.parquet.crc']
    """
    files, skipped, unreadable = [], [], []

    def refused(exc: OSError) -> None:
        where = Path(exc.filename or folder)
        unreadable.append((where.relative_to(folder) if where.is_relative_to(folder)
                           else where, exc.strerror or str(exc)))

    for top, dirs, names in os.walk(folder, onerror=refused):
        here = Path(top).relative_to(folder)
        kept = [d for d in dirs if not d.startswith((".", "_"))
                and not os.path.islink(os.path.join(top, d))]
        skipped += [here / d for d in dirs if d not in kept]
        dirs[:] = kept
        for name in names:
            hidden = name.startswith((".", "_"))
            known = Path(name).suffix.lower() in DATA_SUFFIXES
            (files if known and not hidden else skipped).append(here / name)
    return FolderFiles(sorted(files, key=lambda p: p.parts), skipped, unreadable)


def partition_values(relative: Path) -> dict[str, str]:
    """The hive partition keys of the folders of a file: each ``key=value`` folder of
    ``relative`` (the file's path below the source folder), keys and values URL-unquoted
    as pyarrow and Spark escape them. A null value (``__HIVE_DEFAULT_PARTITION__``) or a
    blank one gives none; when a key repeats, the innermost folder wins.

    Parameters
    ----------
    relative : Path
        A data file's path below the folder of its source.

    Returns
    -------
    dict
        ``{key: value}`` of every partition folder (also keys txscore does not use).

    Examples
    --------
    >>> partition_values(Path("wave=2026%20Q1/region=north/population=customer/p.parquet"))
    {'wave': '2026 Q1', 'region': 'north', 'population': 'customer'}
    >>> partition_values(Path("2026/wave=__HIVE_DEFAULT_PARTITION__/p.parquet"))
    {}
    """
    out = {}
    for segment in relative.parts[:-1]:
        key, equals, value = segment.partition("=")
        if equals and key and unquote(value).strip() and value != HIVE_NULL:
            out[unquote(key)] = unquote(value)
    return out


def folder_sources(c: Collector, where: str, folder: Path, shown: str,
                   given: Mapping[str, str | None]) -> list[tuple[Path, str, str]]:
    """``(file, population, wave)`` of each data file under the folder of a source.

    A file takes the population and wave the ``[[sources]]`` table gives (``given``, None
    when it gives none) or, failing that, those of its ``population=...`` and
    ``wave=...`` folders. Each of these is a problem added to ``c``, once per value with
    the number of files and one of them: a folder that says another value than the table,
    a population that is not one the spec accepts, a key given by neither, a folder with no
    data file, a folder that cannot be listed. Files with a problem are left out.

    Parameters
    ----------
    c : Collector
        Where problems go.
    where : str
        The source table, e.g. ``"sources #2"``.
    folder : Path
        The folder, resolved against the study file's folder.
    shown : str
        The path as the spec writes it (for messages).
    given : mapping
        ``{"population": ..., "wave": ...}`` as the table gives them (None: not given).

    Returns
    -------
    list of (Path, str, str)

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for wave in ("2026%20Q1", "2026%20Q2"):
    ...     (root / f"wave={wave}").mkdir()
    ...     (root / f"wave={wave}" / "part-0.parquet").touch()
    >>> c = Collector("study.toml")
    >>> found = folder_sources(c, "sources #1", root, "tracker/",
    ...                        {"population": "customer", "wave": None})
    >>> [(p.parent.name, pop, wave) for p, pop, wave in found]
    [('wave=2026%20Q1', 'customer', '2026 Q1'), ('wave=2026%20Q2', 'customer', '2026 Q2')]
    >>> c.problems
    []
    """
    found = data_files(folder)
    for sub, reason in found.unreadable:
        c.add(where, f"the folder '{sub.as_posix()}' under '{shown}' cannot be listed "
              f"({reason}): its files would be left out.",
              "make it readable (e.g. chmod u+rx), or move the data somewhere you can read.")
    if not found.files and not found.unreadable:
        left = ", ".join(sorted(p.as_posix() for p in found.skipped)[:3])
        c.add(where, f"no data file in folder '{shown}'" + (
            f" (skipped: {left}{', ...' if len(found.skipped) > 3 else ''})." if left
            else "."), "put the data files (" + ", ".join(DATA_SUFFIXES) + ") in it, or "
            "check the path (relative to the study file's folder).")
        return []
    issues: dict[tuple[str, str, str | None], list[Path]] = {}
    out = []
    for rel in found.files:
        parts = partition_values(rel)
        values = {key: given[key] or parts.get(key) for key in PARTITION_KEYS}
        wrong = [("differs", k, parts[k]) for k in PARTITION_KEYS
                 if given[k] and parts.get(k, given[k]) != given[k]]
        wrong += [("missing", k, None) for k in PARTITION_KEYS if not values[k]]
        if values["population"] not in (*POPULATIONS, None):
            wrong.append(("unknown", "population", values["population"]))
        for issue in wrong:
            issues.setdefault(issue, []).append(rel)
        if not wrong:
            out.append((folder / rel, values["population"], values["wave"]))
    for (kind, key, value), files in issues.items():
        _problem(c, where, shown, kind, key, value, given.get(key), files, len(found.files))
    return out


def _problem(c: Collector, where: str, shown: str, kind: str, key: str, value: str | None,
             table: str | None, files: list[Path], total: int) -> None:
    """The located problem of the ``files`` (of ``total``) that share one issue."""
    n = len(files)
    some = f"{n} of the {total} files" if n < total else (
        f"the {n} files" if n > 1 else "the file")
    example = f"(e.g. '{files[0].as_posix()}')" if n > 1 else f"('{files[0].as_posix()}')"
    folder = f"'{_segment(files[0], key)}'"
    if kind == "differs":
        c.add(where, f"this table says {key} = {table!r} but the folder {folder} says "
              f"{value!r} for {some} under '{shown}' {example}.",
              f"remove {key} from this table (each file then takes the {key} of its "
              f"folder), or set path to a folder holding only {key} {table!r}.")
    elif kind == "missing":
        c.add(where, f"'{key}' is required: this table gives none, and {some} under "
              f"'{shown}' {example} {'is' if n == 1 else 'are'} in no {key}=... folder.",
              f"{_FIXES[key]} to this table, or put the files in folders named "
              f"{key}=<value> (hive partitions).")
    else:
        hint = did_you_mean(value, POPULATIONS)
        c.add(where, f"the folder {folder} gives {some} under '{shown}' {example} "
              f"population {value!r}: it must be one of "
              + ", ".join(repr(p) for p in POPULATIONS) + ".",
              (hint + " " if hint else "") + "rename the folder population=customer or "
              "population=non_customer, or set population in this table for the files "
              "of a folder that holds one population only.")


def _segment(relative: Path, key: str) -> str:
    """The (innermost) folder of ``relative`` that gives partition ``key``, as named."""
    return next((s for s in reversed(relative.parts[:-1])
                 if unquote(s.partition("=")[0]) == key and "=" in s), "")
