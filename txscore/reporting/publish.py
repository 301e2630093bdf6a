"""Where the report goes: the output checks, the file names, and the all-or-nothing publish.

:func:`check_output` refuses an output folder holding the study's inputs (reports written
next to the survey data are easily mixed up with it, or sent with it) unless allowed.
:func:`publish` writes every file into a hidden staging folder inside the output folder and
then moves each finished file into place with an atomic rename: an interrupted or failed
run leaves the previous report as it was and no temporary file, so a reader sees the old
report or the new one, never a half-written file. :func:`txscore.reporting.report` does
both, for the command line and notebooks alike.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from txscore.errors import OutputError, Problem

__all__ = ["check_output", "file_stem", "input_folders", "key_slug", "publish"]


def file_stem(text: str) -> str:
    """A file name from a title, as the reader wrote it: letters, digits, spaces, dots,
    dashes and underscores kept, the rest replaced by "_" (the workbook's name).

    >>> file_stem("Sample TX Study"), file_stem("Brand: A/B test?")
    ('Sample TX Study', 'Brand_ A_B test_')
    """
    return re.sub(r"[^\w .-]", "_", text).strip() or "report"


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
        Allow a folder that holds input files.
    is_file : bool, default False
        ``target`` is a file (an export): its folder is checked, and it may not be an input.
    out_option, allow_option : str
        How the messages name the output and the permission (the command line says
        ``--out`` and ``--allow-input-folder``).

    Raises
    ------
    OutputError
        With one :class:`~txscore.errors.Problem` per reason.

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
    if not allow_input_folder and folder.resolve() in input_folders(study):
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
    if problems:
        raise OutputError(f"Cannot write to {target}", problems)


def publish(out: str | Path, write: Callable[[Path], dict[str, Path]]) -> dict[str, Path]:
    """Let ``write(stage)`` write every file into a staging folder inside ``out``, then move
    each one into place; return ``{key: final path}``.

    Nothing in ``out`` changes until every file is complete; each move is an atomic rename
    on the same file system. On any failure or Ctrl-C the staging folder goes, ``out``
    keeps its previous files, and a folder created here is removed again.

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
        When the folder cannot be created or written (a full disk, no rights, a workbook
        open in Excel on Windows).

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "report"
    >>> def write(stage):
    ...     (stage / "note.txt").write_text("hi")
    ...     return {"note": stage / "note.txt"}
    >>> paths = publish(out, write)
    >>> paths["note"].read_text(), sorted(p.name for p in out.iterdir())
    ('hi', ['note.txt'])
    """
    out = Path(out)
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".txscore-", suffix=".tmp", dir=out))
    except OSError as exc:
        raise OutputError(f"Cannot write to {out}", [Problem(
            f"the folder cannot be created or written ({exc.strerror or exc}).", str(out),
            "choose a folder you can write to.")]) from None
    try:
        final = {}
        for key, path in write(stage).items():
            os.replace(path, out / path.name)
            final[key] = out / path.name
        return final
    except OSError as exc:
        raise OutputError(f"Cannot write the report to {out}", [Problem(
            f"{exc.strerror or exc}.", str(out), "check the free space and your rights on the "
            "folder, and that the workbook is not open in Excel.")]) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if created and out.is_dir() and not any(out.iterdir()):
            out.rmdir()
