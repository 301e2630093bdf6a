"""Writing files safely: the one atomic write every output goes through (workbook, charts,
csv and parquet exports).

A file is written to a temporary file in the same folder, then renamed over the target
with :func:`os.replace` (atomic on one file system): a reader sees the old file or the new
one, never a half-written one, and a failure leaves no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write"]


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
