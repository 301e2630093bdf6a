"""Writing respondent-level rows for re-analysis: :func:`export` (``txscore export``).

The only output that holds rows per respondent, and only on explicit request: the rows of
:func:`txscore.ingest.privacy.export_frame` (respondent ids replaced by HMAC-SHA256 hashes
keyed with a secret salt, no personal or file columns) written as csv or parquet through
the one atomic write of :func:`txscore._io.atomic_write` (a reader sees the old file or the
new one, never half of one).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from txscore._io import atomic_write, csv_text
from txscore.errors import OutputError, Problem
from txscore.ingest.privacy import export_frame
from txscore.reporting.publish import check_output

if TYPE_CHECKING:
    import pandas as pd

    from txscore.responses import Responses

__all__ = ["EXPORT_SUFFIXES", "MIN_SALT_CHARS", "export", "salt_problem", "suffix_problem"]

#: a shorter salt could be guessed, and with it every respondent id
MIN_SALT_CHARS = 16
#: the file types an export can be written as
EXPORT_SUFFIXES = (".csv", ".parquet")


def salt_problem(salt: object, *, where: str = "export(salt=...)") -> Problem | None:
    """The :class:`Problem` of a salt too short to keep the ids secret, or None.

    Examples
    --------
    >>> salt_problem("0123456789abcdef") is None
    True
    >>> print(salt_problem("short").message)
    the salt is only 5 characters long: hashing respondent ids needs a secret of at least 16.
    """
    if isinstance(salt, str) and len(salt) >= MIN_SALT_CHARS:
        return None
    what = ("missing" if not salt else f"only {len(salt)} characters long"
            if isinstance(salt, str) else f"not text ({type(salt).__name__})")
    return Problem(f"the salt is {what}: hashing respondent ids needs a secret of at least "
                   f"{MIN_SALT_CHARS}.", where, "pass a long random secret, e.g. from python "
                   "-c \"import secrets; print(secrets.token_hex(32))\", and keep it to hash "
                   "later waves alike (it is never written anywhere).")


def suffix_problem(path: str | Path) -> Problem | None:
    """The :class:`Problem` of a file name that is not a supported export type, or None.

    Examples
    --------
    >>> suffix_problem("rows.parquet") is None
    True
    >>> suffix_problem("rows.xlsx").fix
    'name the file .csv or .parquet.'
    """
    path = Path(path)
    if path.suffix.lower() in EXPORT_SUFFIXES:
        return None
    return Problem(f"'{path.suffix or path.name}' is not a supported export type.", str(path),
                   "name the file .csv or .parquet.")


def export(responses: Responses, path: str | Path, *, salt: str,
           allow_input_folder: bool = False) -> pd.DataFrame:
    """Write the scored respondent-level rows, ids hashed, to a csv or parquet file.

    Parameters
    ----------
    responses : Responses
        From :func:`txscore.load`.
    path : str or Path
        The file to write: ``.csv`` (numbers with 10 significant digits, UTF-8) or
        ``.parquet``. Its folder is created when missing; it may not be one of the study's
        input files, nor (unless ``allow_input_folder``) in a folder holding them.
    salt : str
        The secret key of the hashes, at least :data:`MIN_SALT_CHARS` characters. The same
        salt gives the same hashes in every export; it is never written anywhere.
    allow_input_folder : bool, default False
        Allow a folder that holds the study's input files (as :func:`txscore.report`).

    Returns
    -------
    DataFrame
        The rows as written: ``respondent_hash``, ``population``, ``wave``, ``brand``,
        ``weight``, the segments and the item codes.

    Raises
    ------
    OutputError
        When the salt is too short, the file type unsupported, the file among the inputs
        (:func:`txscore.reporting.publish.check_output`), or the file cannot be written;
        every reason at once, and nothing is written then.

    Examples
    --------
    >>> import tempfile
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> out = Path(tempfile.mkdtemp()) / "rows.csv"
    >>> rows = tx.export(responses, out, salt="a long secret salt")
    >>> len(rows) == len(responses.data), out.read_text()[:30]
    (True, 'respondent_hash,population,wav')
    """
    path = Path(path)
    problems = [p for p in (salt_problem(salt), suffix_problem(path)) if p is not None]
    try:
        check_output(path, responses.study, allow_input_folder=allow_input_folder,
                     is_file=True)
    except OutputError as exc:
        problems += exc.problems
    if problems:
        raise OutputError("Cannot export", problems)
    frame = export_frame(responses, salt)
    if path.suffix.lower() == ".parquet":
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        data = buf.getvalue()
    else:
        data = csv_text(frame, float_format="%.10g").encode("utf-8")
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise OutputError(f"Cannot write {path}", [Problem(
            f"{exc.strerror or exc}.", str(path), "choose a file you can write.")]) from None
    return frame
