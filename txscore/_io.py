"""Writing files safely: the one atomic write every output goes through (workbook, charts,
csv and parquet exports), and the one csv writer that keeps respondent text from becoming
a formula.

A file is written to a temporary file in the same folder, then renamed over the target
with :func:`os.replace` (atomic on one file system): a reader sees the old file or the new
one, never a half-written one, and a failure leaves no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

__all__ = ["FORMULA_STARTS", "atomic_write", "csv_text", "neutralise"]

#: first characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def atomic_write(path: str | Path, data: bytes, *, fsync: bool = True) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    Parameters
    ----------
    path : str or Path
        The file to write; its folder is created when missing.
    data : bytes
        The whole content.
    fsync : bool
        Flush the data to the disk before the rename (a crash then cannot leave an empty
        file under the final name). Charts, rewritten at every run, skip it for speed.

    Returns
    -------
    Path
        ``path``. The file gets the usual rights (``0o666`` less the umask), not the
        ``0o600`` of a temporary file.

    Examples
    --------
    >>> import tempfile; p = Path(tempfile.mkdtemp()) / "a.bin"
    >>> atomic_write(p, b"xy").read_bytes()
    b'xy'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def neutralise(values: pd.Series) -> pd.Series:
    """Text cells that a spreadsheet would run as a formula, with a leading ``'``.

    Cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a ``'``
    in front (the OWASP advice for CSV injection); other cells, missing values and
    non-text columns are returned unchanged, so numbers stay numbers.

    Examples
    --------
    >>> neutralise(pd.Series(["=1+2", "Acme", "-x", "@SUM(A1)"])).tolist()
    ["'=1+2", 'Acme', "'-x", "'@SUM(A1)"]
    >>> neutralise(pd.Series([-1.5, 2.0])).tolist()
    [-1.5, 2.0]
    """
    if not (pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values)
            or isinstance(values.dtype, pd.CategoricalDtype)):
        return values
    try:  # the .str accessor gives NaN for cells that are not text (numbers stay numbers)
        starts = values.astype(object).str.startswith(FORMULA_STARTS)
    except AttributeError:  # no text at all in the column (e.g. only numbers)
        return values
    risky = starts.fillna(False).to_numpy(bool)
    if not risky.any():
        return values
    out = values.to_numpy(object, copy=True)
    out[risky] = ["'" + v for v in out[risky]]  # only the few risky cells
    return pd.Series(out, index=values.index, name=values.name)


def csv_text(frame: pd.DataFrame, **to_csv: object) -> str:
    r"""A frame as csv text with every text cell (and column name) :func:`neutralise`-d.

    Keyword arguments go to :meth:`pandas.DataFrame.to_csv` (``index=False`` by default).

    Examples
    --------
    >>> csv_text(pd.DataFrame({"brand": ["=HYPERLINK(1)", "Ac\rme"], "n": [1, -2]}))
    'brand,n\r\n\'=HYPERLINK(1),1\r\n"Ac\rme",-2\r\n'
    """
    safe = frame.apply(neutralise)
    safe.columns = neutralise(pd.Series([str(c) for c in frame.columns], dtype=object)).tolist()
    to_csv.setdefault("index", False)
    # CRLF records (RFC 4180): a carriage return or line feed inside a cell is then quoted,
    # never a record break
    to_csv.setdefault("lineterminator", "\r\n")
    return safe.to_csv(**to_csv)  # type: ignore[arg-type]
