"""File readers: every format comes back as a table of cells plus provenance.

All readers return a :class:`RawTable`: a DataFrame of the cells as read (text or numbers),
the user-visible row of every data row (Excel row, physical line of a text file even when a
quoted answer spans several lines, SPSS case number), the platform layout it was exported
in, the question text, SPSS value labels and user-missing values, and the columns that
play a metadata role (duration, finished, status, start, end, personal data).

Item cells stay as read on purpose: codes and labels are mapped in one place
(:mod:`txscore.ingest.codes`), and no reader silently coerces a column (fastexcel guesses
column types from a sample of rows and would turn a late text answer into a null, so every
sheet is read as strings).  Headers are located by :mod:`txscore.ingest.layouts` (title
rows above the header, Qualtrics / SurveyMonkey multi-row headers).

Hostile files are refused with a located message rather than a traceback: an empty file,
a workbook that is not a zip (truncated, password-protected, an old .xls renamed), a zip
whose entries declare more than :data:`MAX_UNZIPPED_MB` once expanded (checked on the
central directory, before anything is decompressed), NUL bytes in a text file.  Excel
error cells (``#N/A``, ``#DIV/0!``) are read as their error text, never as blanks, so that
:mod:`txscore.ingest` can name them.  Text is NFC-normalised (``é`` typed as one character
or as ``e`` + a combining accent is the same answer, column name and brand).
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import itertools
import os
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem, shorten
from txscore.ingest import layouts

XLSX_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_SAMPLE_BYTES = 262_144
_SAMPLE_RECORDS = 40
#: A workbook whose zip entries declare more than this many MB once expanded is refused
#: before it is opened (a "zip bomb" expands a few kB into gigabytes).  The environment
#: variable ``TXSCORE_MAX_UNZIPPED_MB`` overrides it for one run.
MAX_UNZIPPED_MB = 2048
_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2 compound file: .xls, encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
_ERROR_CELL = (b't="e"', b"t='e'")  # <c r="B2" t="e"><v>#N/A</v></c>
# csv's default field limit (128 KiB) would reject one long comment in the sniffed sample;
# the sample itself is bounded, so the limit only has to exceed it
csv.field_size_limit(max(csv.field_size_limit(), 4 * _SAMPLE_BYTES))


@dataclass(frozen=True, eq=False)
class RawTable:
    """One sheet or file as read, before any mapping.

    Attributes
    ----------
    frame : DataFrame
        One row per data row of the file, columns named by the header (for Qualtrics, the
        export tag of row 1), cells as read.
    file, sheet : str
        Where it came from (the file name as shown to users).
    first_row : int
        The user-visible row of the first data row.
    reader : str
        The engine and settings used (provenance).
    sha256 : str
        Of the bytes the reader parsed.
    row_numbers : ndarray of int, optional
        The user-visible row (Excel row, text line, case number) of every data row; when
        absent, rows are numbered consecutively from ``first_row``.
    layout : str
        ``"plain"``, ``"qualtrics"``, ``"qualtrics-legacy"``, ``"surveymonkey"``,
        ``"google-forms"``, ``"spss"`` or ``"parquet"``.
    question_text : mapping
        Column -> question text (second Qualtrics header row, SPSS variable label, ...).
    value_labels : mapping
        Column -> {code: label} (SPSS value labels).
    user_missing : mapping
        Column -> user-missing values and ranges as ``(lo, hi)`` pairs (SPSS); such cells
        are read as missing.
    roles : mapping
        Column -> metadata role: ``"id"``, ``"duration"``, ``"finished"``, ``"status"``,
        ``"start"``, ``"end"`` or ``"personal"``.
    notes : tuple of Problem
        What the reader noticed (renamed duplicated headers, ...), usually warnings.
    header_row : int
        The user-visible row of the (first) header row.
    """

    frame: pd.DataFrame
    file: str
    sheet: str | None
    first_row: int
    reader: str
    sha256: str = ""
    row_numbers: np.ndarray | None = None
    layout: str = "plain"
    question_text: Mapping[str, str] = field(default_factory=dict)
    value_labels: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    user_missing: Mapping[str, tuple] = field(default_factory=dict)
    roles: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[Problem, ...] = ()
    header_row: int = 1

    def rows(self) -> np.ndarray:
        """The user-visible row number of every data row."""
        if self.row_numbers is not None:
            return np.asarray(self.row_numbers, dtype=np.int64)
        return np.arange(self.first_row, self.first_row + len(self.frame), dtype=np.int64)

    def column_for(self, role: str) -> str | None:
        """The first column playing ``role`` (e.g. ``"duration"``), or None."""
        return next((c for c, r in self.roles.items() if r == role), None)

    def where(self, row_pos: int | None = None, column: str | None = None) -> str:
        """Human location: ``customers.xlsx, sheet 'Responses', row 17, column 'eff_1'``."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if row_pos is not None:
            parts.append(f"row {int(self.rows()[row_pos])}")
        if column is not None:
            parts.append(f"column '{column}'")
        return ", ".join(parts)


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
        Workbooks are always read as text (one parse of the sheet; see ``_read_xlsx``).

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
    if not path.is_file():
        raise InputDataError(f"Input file not found: {path}", [Problem(
            "file not found.", str(path), "check the source path in the study spec (paths are "
            "relative to the study file).")])
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise InputDataError(f"{path.name} is empty", [Problem(
            "the file is empty (0 bytes).", path.name,
            "export the survey data again (the download or copy may have failed), or "
            "remove the source from the study spec.")])
    if suffix == ".sav":  # pyreadstat reads from a path, so the checksum needs its own read
        table = _read_sav(path)
        return replace(table, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if suffix in XLSX_SUFFIXES:
        return replace(_read_xlsx(path, sheet, raw, format, header_row), sha256=digest)
    if suffix in TEXT_SUFFIXES:
        return replace(_read_text(path, raw, format, header_row, encoding, delimiter,
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


# ---------------------------------------------------------------------- assembling
def _assemble(grid: pd.DataFrame, found: layouts.Located, file: str, sheet: str | None,
              reader: str, row_of: np.ndarray) -> RawTable:
    """Name the columns from the header rows ``found`` in ``grid``; keep the data rows.

    ``row_of[i]`` is the user-visible row of grid row ``i``.
    """
    where = file + (f", sheet '{sheet}'" if sheet else "")
    if found.header_index >= len(grid):
        raise InputDataError(f"{where}: no header row", [Problem(
            "the file has no row with column names.", where,
            "check that the file is not empty, and header_row in the source if set.")])
    head = grid.iloc[found.header_index:found.header_index + found.n_header_rows]
    header_rows = [[_cell(v) for v in row] for row in head.itertuples(index=False, name=None)]
    data_start = found.header_index + found.n_header_rows
    return _named(header_rows, grid.iloc[data_start:].reset_index(drop=True), found.layout,
                  file, sheet, reader, row_of[data_start:], int(row_of[found.header_index]))


def _named(header_rows: list[list[str | None]], data: pd.DataFrame, layout: str, file: str,
           sheet: str | None, reader: str, data_rows: np.ndarray, header: int, *,
           ascii_only: bool = False) -> RawTable:
    """A RawTable from the header rows (cells as text) and the data rows below them.

    ``data_rows[i]`` is the user-visible row of data row ``i``; ``header`` the row of the
    (first) header row; ``ascii_only``: the file holds no non-ASCII byte, so no text needs
    NFC normalising.
    """
    where = file + (f", sheet '{sheet}'" if sheet else "")
    names, question_text, notes = layouts.column_names(header_rows, layout, where)
    frame = data.set_axis(names, axis=1)
    if not ascii_only:
        frame = _nfc(frame)
    # unnamed columns with no data at all (trailing separators, empty Excel columns) go
    unnamed = [n for n in names if n.startswith(layouts.UNNAMED)]
    if unnamed:
        empty = [n for n in unnamed if frame[n].isna().all()]
        frame = frame.drop(columns=empty)
        notes += tuple(Problem(f"a column without a name holds data; it is read as '{n}'.",
                               where, "give the column a name in the file.", "warning")
                       for n in unnamed if n not in empty)
    rows = np.asarray(data_rows[:len(frame)], dtype=np.int64)
    return RawTable(frame, file, sheet, int(rows[0]) if len(rows) else
                    header + len(header_rows), reader, row_numbers=rows,
                    layout=layout, question_text=question_text,
                    roles=layouts.roles_for(list(frame.columns), layout), notes=notes,
                    header_row=header)


def _cell(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = unicodedata.normalize("NFC", str(value).strip())
    return text or None


def _nfc(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells in Unicode NFC, so that 'é' as one character and 'e' + combining accent
    are the same id, brand or answer.

    Works on the distinct values of each text column (a loop over distinct values, not
    rows); columns with no non-ASCII text (tested in one vectorised pass) are left untouched.

    >>> _nfc(pd.DataFrame({"b": ["Nestle\u0301", "Nestl\u00e9", 1]}))["b"].tolist()
    ['Nestlé', 'Nestlé', 1]
    """
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
            import pyarrow as pa
            import pyarrow.compute as pc

            if pc.all(pc.string_is_ascii(pa.array(values.array))).as_py() is not False:
                continue  # the usual case: plain ASCII, nothing to rewrite
        if all(not isinstance(u, str) or unicodedata.is_normalized("NFC", u)
               for u in values.unique()):
            continue  # nothing to rewrite
        codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
        fixed = np.array([unicodedata.normalize("NFC", u) if isinstance(u, str) else u
                          for u in uniques] + [None], dtype=object)
        out = values.to_numpy(dtype=object).copy()
        hit = codes >= 0
        out[hit] = fixed[codes[hit]]
        frame[col] = out
    return frame


# ---------------------------------------------------------------------- xlsx
def max_unzipped_mb() -> float:
    """The decompression limit in MB: ``TXSCORE_MAX_UNZIPPED_MB`` or :data:`MAX_UNZIPPED_MB`.

    >>> max_unzipped_mb() == float(os.environ.get("TXSCORE_MAX_UNZIPPED_MB", MAX_UNZIPPED_MB))
    True
    """
    text = os.environ.get("TXSCORE_MAX_UNZIPPED_MB", "").strip()
    if not text:
        return float(MAX_UNZIPPED_MB)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise InputDataError("TXSCORE_MAX_UNZIPPED_MB is not a number of MB", [Problem(
            f"the environment variable TXSCORE_MAX_UNZIPPED_MB is {shorten(text)!r}.",
            "environment", "set it to a positive number of MB (e.g. 4096), or unset it for "
            f"the default {MAX_UNZIPPED_MB}.")])
    return value


def _looks_like_text(head: bytes) -> bool:
    """No byte a text export never holds (NUL and the C0 controls but tab, CR, LF, FF)."""
    buf = np.frombuffer(head, dtype=np.uint8)
    control = (buf < 32) & ~np.isin(buf, (9, 10, 12, 13))
    return len(buf) > 0 and not control.any()


def _not_a_workbook(file: str, raw: bytes) -> InputDataError:
    """Why bytes named .xlsx are not an xlsx workbook, and what to do about it."""
    if raw.startswith(_CFB_MAGIC[:4]):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            what = ("the workbook is password-protected (encrypted), so it cannot be read.")
            fix = ("open it in Excel, remove the password (File > Info > Protect Workbook > "
                   "Encrypt with Password: clear it) and save it again.")
        else:
            what = ("the file is not an xlsx (zip) workbook but an OLE2 compound document: "
                    "an old .xls renamed .xlsx, or a password-protected workbook.")
            fix = ("open it in Excel and save it as Excel Workbook (.xlsx), without a "
                   "password.")
    elif raw.startswith(b"PK"):
        what = (f"the workbook is truncated or damaged: its {len(raw):,} bytes end before "
                "the zip directory (a download or copy cut short).")
        fix = "copy or download the file again, or export it again from the survey platform."
    elif raw.lstrip()[:1] == b"<":
        what = ("the file is HTML or XML text, not an xlsx (zip) workbook (some platforms "
                "export web pages named .xls or .xlsx).")
        fix = "open it in Excel and save it as Excel Workbook (.xlsx), or export a csv."
    elif _looks_like_text(raw[:4096]):
        what = "the file is plain text (a csv export?), not an xlsx (zip) workbook."
        fix = "give it the .csv extension, or open it in Excel and save it as .xlsx."
    else:
        what = ("the file is not an xlsx (zip) workbook: it may be truncated, "
                "password-protected, or an old .xls renamed.")
        fix = "open it in Excel and save it again as Excel Workbook (.xlsx)."
    return InputDataError(f"{file} is not a valid .xlsx workbook", [Problem(what, file, fix)])


def _open_zip(file: str, raw: bytes) -> zipfile.ZipFile:
    """The workbook's zip, refused when not a zip or when it would expand too much.

    The sizes are those the central directory declares (nothing is decompressed to find
    them); a reader that decompresses an entry stops at its declared size.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _not_a_workbook(file, raw) from None
    limit = max_unzipped_mb()
    total = sum(info.file_size for info in infos)  # a loop over zip entries (a few dozen)
    if total > limit * 2**20:
        big = max(infos, key=lambda info: info.file_size)
        raise InputDataError(f"{file} would expand beyond {limit:,.0f} MB", [Problem(
            f"the workbook's zip entries declare {total / 2**20:,.0f} MB once expanded "
            f"('{shorten(big.filename)}': {big.file_size / 2**20:,.0f} MB from "
            f"{big.compress_size:,} bytes), above the limit of {limit:,.0f} MB; it was not "
            "opened.", file,
            "if the workbook is genuine, export the data as csv or raise the limit (environment "
            "variable TXSCORE_MAX_UNZIPPED_MB); if not, it may be a zip bomb: do not open "
            "it.")])
    return zf


_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR = re.compile(r"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attributes(text: str) -> dict[str, str]:
    """XML attributes by local name (``r:id`` -> ``id``), entities decoded."""
    import html

    return {m.group(1).split(":")[-1]: html.unescape(
        m.group(2) if m.group(2) is not None else m.group(3)) for m in _ATTR.finditer(text)}


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip entry holding worksheet ``sheet``, from workbook.xml and its relationships.

    Read with regular expressions rather than an XML parser: the files come from outside,
    and a regex cannot be made to expand entities.
    """
    try:
        book = zf.read("xl/workbook.xml").decode("utf-8", errors="replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
        return None
    rid = next((a.get("id") for a in map(_attributes, _SHEET_TAG.findall(book))
                if a.get("name") == sheet), None)
    target = next((a.get("Target") for a in map(_attributes, re.findall(
        r"<(?:\w+:)?Relationship\b([^>]*)>", rels)) if rid and a.get("Id") == rid), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        "xl/" + target)


def _has_error_cells(zf: zipfile.ZipFile, sheet: str) -> bool:
    """True when worksheet ``sheet`` holds Excel error values (``t="e"`` cells).

    The part is streamed (1 MiB at a time, bounded by its declared size): no second copy
    of a large sheet is held in memory.
    """
    part = _sheet_part(zf, sheet)
    if part is None:
        return False
    tail = b""
    try:
        with zf.open(part) as fh:
            while chunk := fh.read(2**22):
                # the marks are searched in the chunk and across its start: no copy of it
                if any(mark in chunk or mark in tail + chunk[:16] for mark in _ERROR_CELL):
                    return True
                tail = chunk[-16:]
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
        return False  # the readers below report a damaged workbook
    return False


def _read_xlsx(path: Path, sheet: str | None, raw: bytes, format: str,
               header_row: int | None) -> RawTable:
    zf = _open_zip(path.name, raw)
    grid, target, reader_name, why = None, sheet, "fastexcel", ""
    try:
        import fastexcel

        reader = fastexcel.read_excel(raw)
        names = reader.sheet_names
        target = sheet if sheet is not None else names[0]
        if target not in names:
            raise _no_sheet(path.name, target, names)
        # calamine reads an error cell as a blank: a '#N/A' would be a silent missing, so
        # the sheet's XML is scanned for error cells, in a thread while fastexcel parses
        # the sheet (it releases the GIL: the scan's ~0.4 s on 100k rows is hidden)
        with ThreadPoolExecutor(1) as pool:
            has_errors = pool.submit(_has_error_cells, zf, target)
            # header_row=None + skip_rows=0: every row from Excel row 1, blank ones
            # included, so grid row i is Excel row i + 1; all cells as strings: fastexcel
            # guesses types from a sample of rows and would turn a late text answer into a
            # null (a typed second pass after locating the header costs a second parse of
            # the sheet: slower, measured)
            grid = reader.load_sheet(target, header_row=None, skip_rows=0,
                                     dtypes="string").to_pandas()
            if has_errors.result():
                why, grid = "the sheet holds Excel error values", None
    except InputDataError:
        raise
    except Exception as exc:  # fastexcel cannot read it: fall back, and say so in provenance
        why = f"fastexcel failed: {type(exc).__name__}"
        cause = shorten(exc, 200)
    else:
        cause = why
    if grid is None:
        grid, target = _read_xlsx_openpyxl(path, sheet, raw, cause)
        reader_name = f"openpyxl ({why})"
    top = [[_cell(v) for v in row]
           for row in grid.iloc[:_SAMPLE_RECORDS].itertuples(index=False, name=None)]
    row_of = np.arange(1, len(grid) + 1, dtype=np.int64)
    index = None if header_row is None else header_row - 1
    if index is not None and not 0 <= index < max(len(grid), 1):
        raise _bad_header_row(path.name, target, header_row)
    return _assemble(grid, layouts.locate(top, format, index), path.name, target,
                     reader_name, row_of)


def _no_sheet(file: str, target: str, names: list[str]) -> InputDataError:
    close = difflib.get_close_matches(target, names, n=1)
    return InputDataError(f"{file}: sheet '{shorten(target)}' not found", [Problem(
        f"there is no sheet '{shorten(target)}'. Sheets: {', '.join(names)}.", file,
        (f"did you mean '{close[0]}'? " if close else "")
        + "set sheet = \"...\" in the source to one of these names.")])


def _bad_header_row(file: str, sheet: str | None, header_row: int) -> InputDataError:
    where = file + (f", sheet '{sheet}'" if sheet else "")
    return InputDataError(f"{where}: header_row {header_row} is not in the file", [Problem(
        f"header_row = {header_row} is not a row of the file.", where,
        "set header_row to the row holding the column names (as numbered in Excel or a "
        "text editor), or remove it to detect the header.")])


def _read_xlsx_openpyxl(path: Path, sheet: str | None, raw: bytes,
                        cause: str) -> tuple[pd.DataFrame, str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:
        raise InputDataError(f"{path.name} cannot be read", [Problem(
            f"neither fastexcel ({cause}) nor openpyxl ({shorten(exc, 200)}) can read the "
            "workbook.", path.name, "open it in Excel and save it again as .xlsx.")]) from None
    try:
        target = sheet if sheet is not None else wb.sheetnames[0]
        if target not in wb.sheetnames:
            raise _no_sheet(path.name, target, wb.sheetnames)
        # error cells come back as their text ('#N/A'), dates as datetimes
        rows = list(wb[target].iter_rows(min_row=1, values_only=True))
    finally:
        wb.close()
    # trailing blank rows are not part of the sheet (as with calamine)
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return pd.DataFrame(rows, dtype=object), target


# ---------------------------------------------------------------------- text
def sniff_encoding(raw: bytes, truncated: bool = False) -> str:
    """The encoding of a text export.

    UTF-16 with a BOM (Excel's "Unicode text"), UTF-8 with or without BOM when it decodes,
    else cp1252 (Excel's Western-European export, a superset of latin-1's printable range).

    >>> sniff_encoding("é".encode("utf-8")), sniff_encoding("é".encode("cp1252"))
    ('utf-8', 'cp1252')
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        # a sample cut inside a multi-byte character is still utf-8
        if truncated and exc.start >= len(raw) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"
        return "cp1252"


def record_starts(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Where each CSV record starts: its physical line (1-based) and its byte offset.

    A line break ends a record unless it is inside quotes, i.e. unless an odd number of
    quote characters precede it (doubled quotes ``""`` keep the parity), so the count is
    two vectorised passes over the bytes, whatever the number of rows.

    >>> lines, offsets = record_starts(b'id,text\\nr1,"two\\nlines"\\nr2,x\\n')
    >>> lines.tolist(), offsets.tolist()
    ([1, 2, 4, 5], [0, 8, 23, 28])
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(buf == 10)
    if b"\r" in data:  # universal newlines, as pandas and editors: \n, \r\n, a lone \r
        cr = np.flatnonzero(buf == 13)
        lone_cr = cr[(cr + 1 >= len(buf)) | (buf[np.minimum(cr + 1, len(buf) - 1)] != 10)]
        if len(lone_cr):
            nl = np.union1d(nl, lone_cr)
    if b'"' in data:
        quotes = np.flatnonzero(buf == 34)
        ends = np.flatnonzero(np.searchsorted(quotes, nl) % 2 == 0)  # indices into nl
    else:  # no quotes: every line break ends a record
        ends = np.arange(len(nl))
    lines = np.concatenate([[1], ends + 2]).astype(np.int64)
    offsets = np.concatenate([[0], nl[ends] + 1]).astype(np.int64)
    return lines, offsets


def _sniff_delimiter(records_text: str, suffix: str) -> str:
    """The delimiter giving the most records with the same (largest) number of fields."""
    best, best_score = ("\t" if suffix == ".tsv" else ","), (0, 0)
    for delim in (",", ";", "\t", "|"):
        counts = [len(r) for r in csv.reader(io.StringIO(records_text), delimiter=delim)][
            :_SAMPLE_RECORDS]
        counts = [c for c in counts if c > 1]
        if not counts:
            continue
        mode = max(set(counts), key=lambda c: (counts.count(c), c))
        score = (counts.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def _refuse_nul_bytes(file: str, raw: bytes) -> None:
    """NUL bytes never occur in a text export: name their lines, or spot BOM-less UTF-16."""
    if b"\x00" not in raw:
        return
    buf = np.frombuffer(raw, dtype=np.uint8)
    nul = np.flatnonzero(buf == 0)
    if len(nul) * 4 > len(buf):  # every other byte NUL: UTF-16 text without its BOM
        raise InputDataError(f"{file} looks like UTF-16 text without a byte-order mark", [
            Problem(f"{len(nul):,} of its {len(buf):,} bytes are NUL, as in UTF-16 text.",
                    file, 'set encoding = "utf-16-le" (or "utf-16-be") in the source, or '
                    "save the file as UTF-8.")])
    lines = np.unique(np.searchsorted(np.flatnonzero(buf == 10), nul) + 1)
    shown = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more"
                                              if len(lines) > 5 else "")
    raise InputDataError(f"{file} contains NUL bytes", [Problem(
        f"{len(nul):,} NUL byte{'s' if len(nul) > 1 else ''} (\\x00) on line"
        f"{'s' if len(lines) > 1 else ''} {shown}: a text export never holds them, so the "
        "file is damaged or is not text.", f"{file}, row {lines[0]}",
        "export the data again; or open the file in a text editor and delete the NUL "
        "characters; a UTF-16 file needs encoding = \"utf-16-le\" in the source.")])


def _read_text(path: Path, raw: bytes, format: str, header_row: int | None,
               encoding: str | None, delimiter: str | None,
               numeric: Callable[[str], bool] | None = None) -> RawTable:
    enc = encoding or sniff_encoding(raw[:_SAMPLE_BYTES * 4], len(raw) > _SAMPLE_BYTES * 4)
    try:
        if enc.lower().replace("_", "-") in ("utf-16", "utf-16-le", "utf-16-be"):
            raw, enc = raw.decode(enc).encode("utf-8"), "utf-8"  # count lines on 8-bit data
        sample = raw[:_SAMPLE_BYTES].decode(enc, errors="replace")
    except (LookupError, UnicodeDecodeError) as exc:
        raise InputDataError(f"{path.name} cannot be decoded", [Problem(
            f"the file cannot be read as {enc}: {exc}.", path.name,
            "set encoding = \"utf-8\" (or \"cp1252\", \"latin-1\") in the source, or save "
            "the file as UTF-8.")]) from None
    _refuse_nul_bytes(path.name, raw)
    lines, offsets = record_starts(raw)
    hint = re.match(r"^\ufeff?sep=(.)\r?\n", sample)  # Excel's "sep=;" first line
    skip = 1 if hint else 0
    delim = delimiter or (hint.group(1) if hint else _sniff_delimiter(
        "\n".join(sample.splitlines()[skip:skip + 4 * _SAMPLE_RECORDS]), path.suffix.lower()))
    records = itertools.islice(csv.reader(io.StringIO(sample), delimiter=delim), skip,
                               _SAMPLE_RECORDS + skip)
    top = [[_cell(v) for v in rec] for rec in records]
    index = None
    if header_row is not None:
        hits = np.flatnonzero(lines == header_row)
        if not len(hits):
            raise _bad_header_row(path.name, None, header_row)
        index = int(hits[0]) - skip
    found = layouts.locate(top, format, index)
    first = found.header_index + skip  # record index of the header
    # the header row(s) define the columns: a longer data line is an error, not a column
    n_fields = max([len(r) for r in top[found.header_index:found.header_index
                                        + found.n_header_rows]] + [1])
    reader = f"csv ({enc}, '{delim}')".replace("'\t'", "tab")
    header_rows = [r + [None] * (n_fields - len(r))
                   for r in top[found.header_index:found.header_index + found.n_header_rows]]
    start = first + found.n_header_rows  # record index of the first data row
    if len(header_rows) == found.n_header_rows and start <= len(offsets):
        data = _read_csv_arrow(raw[offsets[start]:] if start < len(offsets) else b"",
                               delim, enc, layouts.column_names(
                                   header_rows, found.layout, path.name)[0],
                               bool(len(lines) > 1 and (np.diff(lines) > 1).any()), numeric)
        if data is not None:
            return _named(header_rows, data, found.layout, path.name, None,
                          reader, lines[start:], int(lines[first]),
                          ascii_only=codec_is_ascii_safe(enc) and raw.isascii())
    try:
        grid = pd.read_csv(io.BytesIO(raw[offsets[first]:] if first < len(offsets) else b""),
                           sep=delim, header=None, names=range(n_fields), dtype=str,
                           keep_default_na=False, na_values=[""], skip_blank_lines=False,
                           encoding=enc, encoding_errors="replace", index_col=False)
    except pd.errors.EmptyDataError:
        grid = pd.DataFrame(columns=range(n_fields), dtype=object)
    except (pd.errors.ParserError, ValueError) as exc:
        message = str(exc).strip()
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
        if m and first + int(m.group(2)) - 1 < len(lines):
            line = int(lines[first + int(m.group(2)) - 1])
            message = (f"line {line} has {m.group(3)} fields where the header has "
                       f"{m.group(1)}.")
            where = f"{path.name}, row {line}"
        else:
            where = path.name
        raise InputDataError(f"{path.name} cannot be parsed", [Problem(
            message, where, "check that every line has the same number of fields, "
            f"separated by '{delim}', and that quotes are closed.")]) from None
    if delim == ";":  # Excel's French/German csv: decimal comma in numbers
        grid = grid.apply(lambda s: s.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True))
    grid = grid.astype(object).where(grid.notna(), None)
    # the grid starts at the header record
    return _assemble(grid, replace(found, header_index=0), path.name, None, reader,
                     lines[first:])


def codec_is_ascii_safe(encoding: str) -> bool:
    """True when ASCII bytes decode to the same characters (not UTF-16 / UTF-32)."""
    return "16" not in encoding and "32" not in encoding


def _read_csv_arrow(data: bytes, delim: str, enc: str, names: list[str], multiline: bool,
                    numeric: Callable[[str], bool] | None) -> pd.DataFrame | None:
    """The data records of a text export read by pyarrow's multi-threaded CSV reader.

    Columns for which ``numeric(name)`` is true (item, weight and duration columns) get
    pyarrow's type inference, so whole numbers arrive as integers; every other column is
    read as text (an id "007" stays "007").  Only an empty cell is missing ("NA", "N/A"
    and "null" are text, as in the pandas reader).  Returns None when pyarrow does not
    read the records exactly (a line with too few or too many fields, a blank line, an
    encoding it does not know): the pandas reader then reads the file and locates the
    problem.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if not data.strip():
        return pd.DataFrame({str(i): pd.Series(dtype=object) for i in range(len(names))})
    keys = [str(i) for i in range(len(names))]
    text = {k: pa.string() for k, name in zip(keys, names, strict=True)
            if numeric is None or not numeric(name)}
    codec = "utf8" if enc.lower().replace("_", "-") in ("utf-8", "utf-8-sig", "utf8") else enc
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=keys, encoding=codec),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=multiline,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=text, null_values=[""], true_values=[], false_values=[],
                strings_can_be_null=True, quoted_strings_can_be_null=True,
                timestamp_parsers=[]))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, LookupError, ValueError):
        return None
    frame = table.to_pandas()
    frame.columns = range(len(names))
    if delim == ";":  # Excel's French/German csv: decimal comma in numbers
        for col in frame.columns:
            if isinstance(frame[col].dtype, pd.StringDtype):
                frame[col] = frame[col].str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
    return frame


# ---------------------------------------------------------------------- sav
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
