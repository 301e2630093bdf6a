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
NUL bytes) are refused with a located message rather than a traceback.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem
from txscore.ingest import layouts
from txscore.ingest.delimited import read_text, record_starts, sniff_encoding
from txscore.ingest.table import RawTable
from txscore.ingest.xlsx import max_unzipped_mb, read_xlsx

__all__ = ["TEXT_SUFFIXES", "XLSX_SUFFIXES", "RawTable", "max_unzipped_mb", "read_table",
           "record_starts", "sniff_encoding"]

XLSX_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def read_table(path: Path, sheet: str | None = None, *, format: str = "auto",
               header_row: int | None = None, encoding: str | None = None,
               delimiter: str | None = None,
               numeric: Callable[[str], bool] | None = None) -> RawTable:
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

    Returns
    -------
    RawTable

    Raises
    ------
    InputDataError
        When the file is missing, empty, of an unknown type, not a workbook (truncated,
        encrypted, an .xls renamed), would expand beyond :func:`max_unzipped_mb`, holds
        NUL bytes, or cannot be read; the message says which file (and line) and what to
        do.

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
    _refuse_missing_or_empty(path)
    suffix = path.suffix.lower()
    if suffix == ".sav":  # pyreadstat reads from a path, so the checksum needs its own read
        table = _read_sav(path)
        return replace(table, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if suffix in XLSX_SUFFIXES:
        return replace(read_xlsx(path, sheet, raw, format, header_row), sha256=digest)
    if suffix in TEXT_SUFFIXES:
        return replace(read_text(path, raw, format, header_row, encoding, delimiter,
                                 numeric), sha256=digest)
    if suffix == ".parquet":
        try:
            frame = _read_parquet(raw)
        except Exception as exc:
            raise InputDataError(f"{path.name} cannot be read as parquet", [Problem(
                f"{type(exc).__name__}: {exc}.", path.name,
                "write the file again (e.g. DataFrame.to_parquet).")]) from None
        frame.columns = [str(c) for c in frame.columns]
        return RawTable(frame, path.name, None, 1, "pyarrow", digest, layout="parquet",
                        roles=layouts.roles_for(list(frame.columns), "plain"), header_row=0)
    raise InputDataError(f"Unsupported file type: {path.name}", [Problem(
        f"files of type '{suffix}' cannot be read.", path.name,
        "export the data as .xlsx, .csv, .parquet or SPSS .sav.")])


def _refuse_missing_or_empty(path: Path) -> None:
    if not path.is_file():
        raise InputDataError(f"Input file not found: {path}", [Problem(
            "file not found.", str(path), "check the source path in the study spec (paths are "
            "relative to the study file).")])
    if path.stat().st_size == 0:
        raise InputDataError(f"{path.name} is empty", [Problem(
            "the file is empty (0 bytes).", path.name,
            "export the survey data again (the download or copy may have failed), or "
            "remove the source from the study spec.")])


def _read_parquet(raw: bytes) -> pd.DataFrame:
    """A parquet file as a DataFrame; text columns of few distinct values as categoricals.

    Parquet stores text dictionary-encoded: reading the dictionary and the codes as they are
    (a pandas Categorical) skips building one string per row, and mapping answers then
    works on the few distinct values directly (:func:`txscore.ingest.codes.map_answers`).
    A text column is read so when its pages take under 4 bytes a row (answers, brands,
    regions); ids, e-mail addresses and comments are read as text.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    file = pq.ParquetFile(pa.BufferReader(raw))
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
    table = pq.read_table(pa.BufferReader(raw), read_dictionary=few or None)
    return table.to_pandas()


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
