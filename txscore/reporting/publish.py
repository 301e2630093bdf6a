"""Where the report goes: the output checks, the file names, and the all-or-nothing publish.

:func:`check_output` refuses an output folder holding the study's inputs (easily mixed up
with them, or sent with them) unless allowed, or holding other files than a txscore report.
:func:`publish` writes every file of a new report into a new *version* folder, then makes
the output folder a symbolic link to it with one atomic rename (:func:`os.replace`)::

    reports/sample -> .sample.txscore/20260501-093000-4242-a1b2c3    (the link)
    reports/.sample.txscore/                  txscore's versions folder, holding
        txscore-versions.txt                  the marker: this folder is txscore's
        20260501-093000-4242-a1b2c3/          the report shown (and the one it replaced)

``reports/sample/Sample TX Study.xlsx`` stays the workbook's path. Whatever the moment of a
Ctrl-C or a kill, the folder shows exactly the old report or exactly the new one; a version
holds only its own files (charts of renamed waves disappear). The version replaced is kept
until the next run, which removes it and whatever killed runs left (only entries of a
folder holding the marker). Concurrent runs each publish a complete report, the last switch
wins; a lock per version keeps a run from removing another's.

A real folder that is empty or holds only a txscore report (workbook, charts, staging
folders of older versions) is exchanged for the link in one atomic step (``renameat2`` on
Linux, ``renamex_np`` on macOS; elsewhere two renames: a kill between them leaves no folder
until the next run puts the old one back). A folder shared with the inputs
(``allow_input_folder``), Windows and file systems without symbolic links get the files
moved in one by one: each file is old or new, the set is not switched at once.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from txscore.errors import OutputError, Problem
from txscore.reporting.versions import (
    MARKER,
    Version,
    foreign_entries,
    foreign_versions,
    holds_cwd,
    is_version_link,
    step,
    target_of,
    versions_folder,
)

__all__ = ["PublishInterrupted", "check_output", "file_stem", "input_folders", "key_slug",
           "publish"]

_INTERRUPTED = {
    "old": "interrupted: the new report was not published; {out} is as it was (any "
           "previous report is unchanged).",
    "new": "interrupted after the new report was published: {out} holds the new report, "
           "complete.",
    "mixed": "interrupted while the files were moved into {out} one by one: some are new, "
             "some are from the previous report. Run the report again.",
}
_FAILED = {"old": "nothing was published: the folder is as it was.",
           "new": "the new report was published, complete.",
           "mixed": "some files are new, some are from the previous report: run the report "
                    "again."}


class PublishInterrupted(KeyboardInterrupt):
    """Ctrl-C while a report was written or published; ``str()`` says what ``out`` holds:
    ``state`` "old" (as it was), "new" (the new report, complete) or "mixed" (a shared
    folder interrupted while the files were moved in one by one).

    Examples
    --------
    >>> str(PublishInterrupted("reports/sample", "new"))
    'interrupted after the new report was published: reports/sample holds the new report, complete.'
    """

    def __init__(self, out: str | Path, state: str) -> None:
        self.out, self.state = Path(out), state
        super().__init__(_INTERRUPTED[state].format(out=out))


#: the longest workbook name (in UTF-8 bytes) taken from a study name: room is left for
#: " exclusions.csv" and the temporary-file affixes within the 255 bytes of a file name
MAX_STEM_BYTES = 120


def file_stem(text: str) -> str:
    """A file name from a title, as the reader wrote it: letters, digits, spaces, dots,
    dashes and underscores kept, the rest replaced by "_" (the workbook's name).

    >>> file_stem("Sample TX Study"), file_stem("Brand: A/B test?")
    ('Sample TX Study', 'Brand_ A_B test_')
    >>> len(file_stem("x" * 300).encode("utf-8")) <= MAX_STEM_BYTES + 3  # cut, with "…"
    True
    """
    stem = re.sub(r"[^\w .-]", "_", text).strip() or "report"
    if len(stem.encode("utf-8")) > MAX_STEM_BYTES:  # file systems take 255 bytes a name
        cut = stem.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore")
        stem = (cut.rsplit(" ", 1)[0] if " " in cut[40:] else cut).rstrip(" .-_") + "…"
    return stem


def key_slug(text: str) -> str:
    """A short lower-case key for chart file names: runs of other characters become "-".

    >>> key_slug("2026 Q2"), key_slug("Non customer")
    ('2026-q2', 'non-customer')
    """
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"


def input_folders(study: Any) -> set[Path]:
    """The folders holding the study file and its sources (resolved)."""
    folders = {Path(s.path).resolve().parent for s in study.sources}
    if getattr(study, "spec_path", None) is not None:
        folders.add(Path(study.spec_path).resolve().parent)
    return folders


def check_output(target: str | Path, study: Any, *, allow_input_folder: bool = False,
                 is_file: bool = False, out_option: str = "out_dir",
                 allow_option: str = "allow_input_folder=True") -> None:
    """Refuse an output that would land among the study's inputs, or cannot be a folder.

    Parameters
    ----------
    target : str or Path
        The output folder (or file, with ``is_file``).
    study : Study
        Its sources and study file are the inputs.
    allow_input_folder : bool, default False
        Allow a folder that holds input files (the report's files are then moved in one by
        one, see :func:`publish`).
    is_file : bool, default False
        ``target`` is a file (an export): its folder is checked, and it may not be an input.
    out_option, allow_option : str
        How the messages name the output and the permission (the command line says
        ``--out`` and ``--allow-input-folder``).

    Raises
    ------
    OutputError
        With one :class:`~txscore.errors.Problem` per reason: the folder holds the inputs,
        holds other files than a txscore report, is a file, is the root, or is one of
        txscore's version folders.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> check_output("reports/sample", study)  # fine: nothing raised
    >>> check_output("surveys/sample", study)
    Traceback (most recent call last):
    ...
    txscore.errors.OutputError: Cannot write to surveys/sample...output folder holds...
    """
    target = Path(target)
    folder = target.parent if is_file else target
    problems = []
    holds_inputs = folder.resolve() in input_folders(study)
    if not allow_input_folder and holds_inputs:
        problems.append(Problem(
            "the output folder holds the study's input files; reports written next to the "
            "survey data are easily mixed up with it (or sent with it).",
            str(folder.resolve()),
            f"choose another folder with {out_option} (e.g. reports/{folder.resolve().name}), "
            f"or pass {allow_option} if this is really intended."))
    if is_file and target.resolve() in {Path(s.path).resolve() for s in study.sources}:
        problems.append(Problem("the output file is one of the study's input files.",
                                str(target), f"choose another file name with {out_option}."))
    if folder.exists() and not folder.is_dir():
        problems.append(Problem("this is a file, not a folder.", str(folder),
                                f"choose a folder with {out_option}."))
    elif not is_file:
        problems += _folder_problems(folder, out_option, allow_input_folder or holds_inputs)
        stem = target_of(folder) / file_stem(getattr(study, "name", ""))
        foreign = foreign_entries(stem.parent)
        for suffix, what in ((".xlsx", "workbook"), (".pptx", "deck")):
            if stem.name + suffix in foreign:
                problems.append(Problem(
                    f"the report's {what} would replace this file, which txscore did not "
                    "write.", f"{stem}{suffix}",
                    f"rename the study or choose another folder with {out_option}."))
    if problems:
        raise OutputError(f"Cannot write to {target}", problems)


def _folder_problems(folder: Path, out_option: str, shared_ok: bool) -> list[Problem]:
    """A report folder must be a folder of its own: not the root, not one of txscore's
    version folders, not a folder holding other files (unless sharing is allowed)."""
    real = target_of(folder)
    if real.name in ("", ".", ".."):
        return [Problem("a report needs a folder of its own, below this one.", str(folder),
                        f"choose a folder with {out_option} (e.g. reports/study).")]
    store = real.parent / f".{real.name}.txscore"
    if foreign_versions(store):
        return [Problem(f"{store.name} beside it holds files that are not txscore's (txscore "
                        "keeps the versions of this report there).", str(store),
                        "rename or move that folder, or choose another folder.")]
    for inside in (real, real.parent):
        if (inside / MARKER).is_file():
            shown = inside.parent / inside.name.removeprefix(".").removesuffix(".txscore")
            return [Problem("this is where txscore keeps the versions of a report, not a "
                            "report folder.", str(folder),
                            f"use the report folder: {out_option} {shown}.")]
    if (stop := _read_only(real)) is not None:
        return [Problem("the folder is read-only: txscore cannot publish the report there.",
                        str(stop), f"make it writable (chmod u+w '{stop}') or choose "
                        f"another folder with {out_option}.")]
    if shared_ok or not real.is_dir() or is_version_link(real):
        return []
    foreign = foreign_entries(real)
    if not foreign and holds_cwd(real):
        return [Problem("the output folder is the current folder (or holds it): publishing "
                        "replaces the folder by a link to the report's version.", str(folder),
                        f"run txscore from another folder, or choose a folder of its own "
                        f"with {out_option} (e.g. {out_option} report).")]
    if not foreign:
        return []
    shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5
                                      else "")
    return [Problem(
        f"the output folder holds files that are not a txscore report ({shown}). A report "
        "is published by switching the whole folder at once (never a mix of old and new "
        "files), so it needs a folder of its own; txscore does not touch these files.",
        str(folder), f"choose a new or empty folder with {out_option} (e.g. "
        f"{folder / 'report'}), or move those files elsewhere.")]


def _read_only(real: Path) -> Path | None:
    """The read-only folder in the way: the report folder itself when it is a real folder,
    else the nearest existing folder above it (where the versions and the link go)."""
    probe = real if real.is_dir() and not real.is_symlink() else real.parent
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        writable = os.access(probe, os.W_OK | os.X_OK) and probe.stat().st_mode & 0o222
    except OSError:
        return None
    return None if writable else probe


def publish(out: str | Path, write: Callable[[Path], dict[str, Path]]) -> dict[str, Path]:
    """Let ``write(folder)`` write every file into a new version folder, then publish it all
    at once as ``out``; return ``{key: path in out}``.

    ``out`` becomes (or stays) a symbolic link to the version folder, switched by one atomic
    rename: whatever the moment of an error, a Ctrl-C or a kill, ``out`` shows exactly the
    previous report or exactly the new one, with no stray file. The versions live beside
    ``out`` in ``.<name>.txscore`` (see the module's notes for the first run on a real
    folder, folders shared with other files, and systems without symbolic links).

    Parameters
    ----------
    out : str or Path
        The output folder (created when missing).
    write : callable
        Writes the files into the folder it is given and returns ``{key: path}``.

    Returns
    -------
    dict of str to Path

    Raises
    ------
    OutputError
        When the folder cannot be created or written (a full disk, no rights); nothing is
        published then.
    PublishInterrupted
        On Ctrl-C (a :class:`KeyboardInterrupt`), saying what ``out`` holds.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "report"
    >>> def write(folder):
    ...     (folder / "note.txt").write_text("hi")
    ...     return {"note": folder / "note.txt"}
    >>> paths = publish(out, write)
    >>> paths["note"].read_text(), sorted(p.name for p in out.iterdir()), out.is_symlink()
    ('hi', ['note.txt'], True)
    """
    target, version = target_of(out), None
    if foreign_versions(versions_folder(target)):
        raise OutputError(f"Cannot write the report to {out}",
                          _folder_problems(target, "out_dir", True))
    try:
        version = Version(target)
        version.clean()
        files = write(version.path)
        step("written")
        version.publish(files)
        return {key: Path(out) / path.name for key, path in files.items()}
    except KeyboardInterrupt:
        raise PublishInterrupted(out, version.state() if version else "old") from None
    except OSError as exc:
        state = version.state() if version else "old"
        fix = {errno.ENAMETOOLONG: "choose a shorter --out path (or study name).",
               errno.ENOSPC: "free some disk space, or write the report elsewhere.",
               errno.EACCES: "check your rights on the folder, or write the report "
                             "elsewhere.",
               errno.EROFS: "the disk is read-only: write the report elsewhere."}.get(
            exc.errno or 0, "check the free space and your rights on the folder, and that "
            "the workbook is not open in Excel.")
        where = str(exc.filename) if getattr(exc, "filename", None) else str(out)
        raise OutputError(f"Cannot write the report to {out}", [Problem(
            f"{exc.strerror or exc}; {_FAILED[state]}", where, fix)]) from None
    finally:
        if version is not None:
            with suppress(OSError):
                version.close()
