"""File readers: every format comes back as a table of cells plus provenance.

:func:`read_table` reads any input file into a :class:`~txscore.ingest.table.RawTable`: a
DataFrame of the cells as read (text or numbers), the user-visible row of every data row
(Excel row, physical line of a text file even when a quoted answer spans several lines,
SPSS case number), the platform layout it was exported in, the question text, SPSS value
labels and user-missing values, and the columns that play a metadata role (duration,
finished, status, start, end, personal data).  Workbooks are read by
:mod:`txscore.ingest.xlsx`, text exports by :mod:`txscore.ingest.delimited`; parquet and
SPSS files here.

Item cells stay as read on purpose: codes and labels are mapped in one place
(:mod:`txscore.ingest.codes`), and no reader silently coerces a column.  Headers are
located by :mod:`txscore.ingest.layouts` (title rows above the header, Qualtrics /
SurveyMonkey multi-row headers).  Hostile files (empty, truncated, encrypted, zip bombs,
NUL bytes) are refused with a located message rather than a traceback, and so are sources
that are not regular files (a folder, a named pipe, a device: examined before they are
opened, so nothing waits or reads forever), that the system refuses (permission denied, a
name too long) and files named like another kind (a workbook named .csv says it is one).
"""

from __future__ import annotations

import difflib
import errno
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem, shorten
from txscore.ingest import layouts
from txscore.ingest.delimited import read_text, record_starts, sniff_encoding
from txscore.ingest.table import RawTable
from txscore.ingest.xlsx import file_kind, max_unzipped_mb, read_xlsx

__all__ = ["TEXT_SUFFIXES", "XLSX_SUFFIXES", "RawTable", "max_unzipped_mb", "read_source",
           "read_table", "record_starts", "sniff_encoding"]

XLSX_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def read_table(path: Path, sheet: str | None = None, *, format: str = "auto",
               header_row: int | None = None, encoding: str | None = None,
               delimiter: str | None = None,
               numeric: Callable[[str], bool] | None = None,
               row_groups: tuple[int, int] | None = None) -> RawTable:
    """Read one input file.

    Parameters
    ----------
    path : Path
        xlsx/xlsm, csv/tsv/txt, parquet or SPSS .sav.
    sheet : str, optional
        Sheet name for workbooks (default: the first sheet).
    format : str
        Platform layout: ``"auto"`` (detected), ``"plain"``, ``"qualtrics"``,
        ``"qualtrics-legacy"``, ``"surveymonkey"`` or ``"google-forms"``.
    header_row : int, optional
        The row (as the user sees it: Excel row, text line) holding the column names;
        default: detected (title rows above the header are skipped).
    encoding, delimiter : str, optional
        Override the sniffed encoding / delimiter of a text file.
    numeric : callable, optional
        ``numeric(column name)`` is true for columns that may be read as numbers (items,
        weight, duration): a text file's other columns are always read as text, so an
        id such as "007" keeps its zeros.  Default: every column is read as text.
        Workbooks are always read as text (one parse of the sheet; see
        :func:`txscore.ingest.xlsx.read_xlsx`).
    row_groups : (int, int), optional
        Parquet row groups ``[first, last)`` only (rows keep their case numbers).

    Returns
    -------
    RawTable

    Raises
    ------
    InputDataError
        When the file is missing, empty, a folder, a pipe or a device, refused by the
        system (permission denied, a name too long), of an unknown type or of another
        kind than its name says (a workbook named .csv), not a workbook (truncated,
        encrypted, an .xls renamed), would expand beyond :func:`max_unzipped_mb`, has
        cells far beyond its data or a DTD (:mod:`txscore.ingest.sheetxml`), holds NUL
        bytes, or cannot be read; the message says which file (and sheet, cell or line)
        and what to do.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_bytes("Survey 2026\\nid;q1\\nr1;Tout à fait\\n"
    ...                                   .encode("cp1252"))
    >>> table = read_table(folder / "a.csv")
    >>> table.frame.to_dict("list"), table.rows().tolist(), table.reader
    ({'id': ['r1'], 'q1': ['Tout à fait']}, [3], "csv (cp1252, ';')")
    """
    path = Path(path)
    suffix = path.suffix.lower()
    raw, digest = _contents(path, suffix, row_groups)
    if suffix == ".sav":  # pyreadstat reads from a path
        return replace(_read_sav(path), sha256=digest)
    if suffix in XLSX_SUFFIXES:
        return replace(read_xlsx(path, sheet, raw, format, header_row), sha256=digest)
    if suffix in TEXT_SUFFIXES:
        return replace(read_text(path, raw, format, header_row, encoding, delimiter,
                                 numeric), sha256=digest)
    if suffix == ".parquet":
        try:
            frame, first = _read_parquet(raw, row_groups)
        except Exception as exc:
            raise InputDataError(f"{path.name} cannot be read as parquet", [Problem(
                f"{type(exc).__name__}: {exc}.", path.name,
                "write the file again (e.g. DataFrame.to_parquet).")]) from None
        frame.columns = [str(c) for c in frame.columns]
        return RawTable(frame, path.name, None, first, "pyarrow", digest, layout="parquet",
                        roles=layouts.roles_for(list(frame.columns), "plain"), header_row=0)
    raise InputDataError(f"Unsupported file type: {path.name}", [Problem(
        f"files of type '{suffix}' cannot be read.", path.name,
        "export the data as .xlsx, .csv, .parquet or SPSS .sav.")])


def _contents(path: Path, suffix: str, row_groups: tuple[int, int] | None
              ) -> tuple[Any, str]:
    """The file's bytes and their sha256, its kind checked against its name; for a later
    piece of a parquet file, the path alone (checked as :func:`read_source` does) and no
    hash: it reads its row groups only, the first piece reads and hashes the file."""
    if suffix == ".parquet" and row_groups is not None and row_groups[0] > 0:
        try:
            _refuse_special(path, os.stat(path))
        except OSError as exc:
            raise _os_error(path, exc) from None
        return path, ""
    raw = read_source(path)
    _refuse_another_kind(path, raw, suffix)
    return raw, hashlib.sha256(raw).hexdigest()


def read_source(path: Path) -> bytes:
    """The bytes of an input file; a located error naming the path and the fix when it is
    missing, empty, a folder, a pipe, a device, unreadable or its name too long.

    The path is examined before it is opened (opening a named pipe would wait for a writer,
    reading a device such as /dev/zero would never end), and what was opened is checked
    again before it is read.

    >>> import tempfile, pathlib
    >>> try:
    ...     read_source(pathlib.Path(tempfile.mkdtemp()))
    ... except InputDataError as exc:
    ...     print(exc.problems[0].message)
    the source is a folder, not a file.
    """
    try:
        _refuse_special(path, os.stat(path))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(
            os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            _refuse_special(path, os.fstat(fh.fileno()))
            raw = fh.read()
    except OSError as exc:
        raise _os_error(path, exc) from None
    if not raw:
        raise InputDataError(f"{path.name} is empty", [Problem(
            "the file is empty (0 bytes).", path.name,
            "export the survey data again (the download or copy may have failed), or "
            "remove the source from the study spec.")])
    return raw


def _refuse_special(path: Path, st: os.stat_result) -> None:
    """A located error when ``path`` is a folder, a pipe, a device or a socket."""
    if stat.S_ISREG(st.st_mode):
        return
    if stat.S_ISDIR(st.st_mode):
        inside = sorted(p for p in _names_in(path) if Path(p).suffix.lower() in (
            *XLSX_SUFFIXES, *TEXT_SUFFIXES, ".parquet", ".sav"))[:3]
        what, fix = "a folder, not a file", "give the path of a data file inside it" + (
            f" (e.g. {', '.join(inside)})" if inside else "") + " in the study spec."
    else:
        what = ("a named pipe (FIFO), not a file: reading it would wait for another program"
                if stat.S_ISFIFO(st.st_mode) else "a device, not a file" if stat.S_ISCHR(
                    st.st_mode) or stat.S_ISBLK(st.st_mode) else "a socket, not a file"
                if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        fix = "save the data to a regular file (.xlsx, .csv, .parquet, .sav) and give its path."
    raise InputDataError(f"{path} is {what.split(':')[0]}", [Problem(
        f"the source is {what}.", str(path), fix)])


def _names_in(folder: Path) -> list[str]:
    """The names in a folder ([] when it cannot be listed)."""
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _os_error(path: Path, exc: OSError) -> InputDataError:
    """The located error of a source path the system refuses, with the fix."""
    if isinstance(exc, FileNotFoundError):
        names = _names_in(path.parent)
        near = difflib.get_close_matches(path.name, names, n=1)
        what = "file not found." if names or os.path.isdir(path.parent) else (
            f"file not found: the folder '{path.parent}' does not exist.")
        fix = (f"did you mean '{near[0]}'? " if near else "") + (
            "check the source path in the study spec (paths are relative to the study "
            "file).")
    elif isinstance(exc, PermissionError):
        what = ("permission denied: this account may not read the file (or open a folder on "
                "its path).")
        fix = ("make it readable (e.g. chmod u+r on the file, or ask its owner), or copy it "
               "to a folder of yours and give that path.")
    elif exc.errno == errno.ENAMETOOLONG:
        longest = max(path.parts, key=len)
        what = (f"the path is too long for the file system (a name of {len(longest):,} "
                f"characters; the usual limit is 255 per name, 4,096 in all).")
        fix = "rename the file (or its folder) to a shorter name and change the path in the spec."
    elif exc.errno == errno.ENOTDIR:
        what = "a part of the path is a file, not a folder."
        fix = "check the source path in the study spec."
    elif exc.errno == errno.ELOOP:
        what = "the path is a symbolic link that loops back on itself."
        fix = "point the link at the data file, or give the file's real path."
    else:
        what = f"the file cannot be read: {exc.strerror or exc}."
        fix = "check the disk or network share, copy the file locally and give that path."
    return InputDataError(f"{shorten(path, 200)}: {what.split(':')[0].rstrip('.')}", [
        Problem(what, str(path), fix)])


def _refuse_another_kind(path: Path, raw: bytes, suffix: str) -> None:
    """A located error when the bytes are another kind of file than the extension says
    (a workbook named .csv, a csv named .parquet...); .xlsx has its own, finer diagnosis,
    and bytes of an unknown kind are left to the reader (which names what it finds)."""
    if suffix in XLSX_SUFFIXES or suffix not in (*TEXT_SUFFIXES, ".parquet", ".sav"):
        return
    what, right = file_kind(raw)
    expected = ".csv" if suffix in TEXT_SUFFIXES else suffix
    if right == expected or what.startswith("binary data") or (
            suffix in TEXT_SUFFIXES and what.startswith("HTML")):
        return  # the text reader explains NUL bytes and UTF-16 without a byte-order mark
    if right:
        fix = f"rename it '{path.stem}{right}' and change its path in the study spec to match."
    elif what.startswith("a gzip"):
        fix = "decompress it (e.g. gunzip) and give the path of the file inside."
    elif "Excel" in what or "OpenDocument" in what:
        fix = "open it in Excel (or LibreOffice) and save it as .xlsx or .csv."
    else:
        fix = "export the data from the survey platform as .xlsx, .csv, .parquet or .sav."
    raise InputDataError(f"{path.name} is not a {suffix} file", [Problem(
        f"the file is {what}, not a {suffix} file as its name says.", path.name, fix)])


def _read_parquet(raw: bytes | Path, row_groups: tuple[int, int] | None = None
                  ) -> tuple[pd.DataFrame, int]:
    """A parquet file (its bytes, or its path for a piece) or its row groups ``[first,
    last)`` as a DataFrame, and the case number of its first row; text columns of few
    distinct values as categoricals (decided on the whole file, so that every piece of a
    file is read alike).

    Parquet stores text dictionary-encoded: reading the dictionary and the codes as they are
    (a pandas Categorical) skips building one string per row, and mapping answers then
    works on the few distinct values directly (:func:`txscore.ingest.codes.map_answers`).
    A text column is read so when its pages take under 4 bytes a row (answers, brands,
    regions); ids, e-mail addresses and comments are read as text.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    def source() -> Any:
        return pa.BufferReader(raw) if isinstance(raw, bytes) else str(raw)

    file = pq.ParquetFile(source())
    meta = file.metadata
    size: dict[str, float] = {}
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for c in range(group.num_columns):
            chunk = group.column(c)
            size[chunk.path_in_schema] = (size.get(chunk.path_in_schema, 0)
                                          + chunk.total_uncompressed_size)
    rows = max(meta.num_rows, 1)
    few = [f.name for f in file.schema_arrow
           if (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
           and size.get(f.name, np.inf) / rows < 4]
    if row_groups is None:
        return pq.read_table(source(), read_dictionary=few or None).to_pandas(), 1
    start, stop = row_groups
    before = sum(meta.row_group(g).num_rows for g in range(start))
    piece = pq.ParquetFile(source(), read_dictionary=few or None)
    return piece.read_row_groups(list(range(start, stop))).to_pandas(), before + 1


def _read_sav(path: Path) -> RawTable:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(path, apply_value_formats=False, user_missing=True)
    except Exception as exc:
        raise InputDataError(f"{path.name} cannot be read as SPSS", [Problem(
            str(exc), path.name, "save it again from SPSS as .sav.")]) from None
    ranges = {col: tuple((r["lo"], r["hi"]) for r in spec)
              for col, spec in (meta.missing_ranges or {}).items() if spec}
    for col, spans in ranges.items():  # user-missing values and ranges are missing
        values = frame[col]
        hit = np.zeros(len(frame), dtype=bool)
        for lo, hi in spans:
            hit |= ((values >= lo) & (values <= hi)).to_numpy(bool) if (
                pd.api.types.is_numeric_dtype(values)) else (values == lo).to_numpy(bool)
        if hit.any():
            frame[col] = values.mask(hit)
    text = {c: str(t) for c, t in (meta.column_names_to_labels or {}).items() if t}
    labels = {c: dict(v) for c, v in (meta.variable_value_labels or {}).items()}
    return RawTable(frame, path.name, None, 1, f"pyreadstat ({meta.file_encoding})",
                    row_numbers=np.arange(1, len(frame) + 1, dtype=np.int64), layout="spss",
                    question_text=text, value_labels=labels, user_missing=ranges,
                    roles=layouts.roles_for(list(frame.columns), "spss"), header_row=0)
