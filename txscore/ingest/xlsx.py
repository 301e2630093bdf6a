"""Reading Excel workbooks (.xlsx, .xlsm) into a :class:`~txscore.ingest.table.RawTable`.

fastexcel (calamine) reads every cell of the sheet as text in one parse: fastexcel guesses
column types from a sample of rows and would turn a late text answer into a null.  Excel
error cells (``#N/A``, ``#DIV/0!``) are read as their error text, never as blanks (the
sheet's XML is scanned for them; openpyxl reads such a sheet).  Hostile files are refused
with a located message rather than a traceback: a workbook that is not a zip (truncated,
password-protected, an old .xls renamed) and a zip whose entries declare more than
:data:`MAX_UNZIPPED_MB` once expanded, checked on the central directory before anything is
decompressed.
"""

from __future__ import annotations

import difflib
import io
import os
import posixpath
import re
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem, shorten
from txscore.ingest import layouts
from txscore.ingest.table import SAMPLE_RECORDS, RawTable, assemble, bad_header_row, cell_text

__all__ = ["MAX_UNZIPPED_MB", "max_unzipped_mb", "read_xlsx"]

#: A workbook whose zip entries declare more than this many MB once expanded is refused
#: before it is opened (a "zip bomb" expands a few kB into gigabytes).  The environment
#: variable ``TXSCORE_MAX_UNZIPPED_MB`` overrides it for one run.
MAX_UNZIPPED_MB = 2048
_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2 compound file: .xls, encrypted .xlsx
_ERROR_CELL = (b't="e"', b"t='e'")  # <c r="B2" t="e"><v>#N/A</v></c>


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


def read_xlsx(path: Path, sheet: str | None, raw: bytes, format: str,
              header_row: int | None) -> RawTable:
    """A workbook's sheet as a :class:`RawTable` (the arguments of
    :func:`txscore.ingest.readers.read_table`, ``raw`` the file's bytes).

    Examples
    --------
    >>> path = Path("surveys/sample/customers_w1.xlsx")
    >>> table = read_xlsx(path, "Responses", path.read_bytes(), "auto", None)
    >>> table.sheet, table.reader, int(table.rows()[0])
    ('Responses', 'fastexcel', 2)
    """
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
    top = [[cell_text(v) for v in row]
           for row in grid.iloc[:SAMPLE_RECORDS].itertuples(index=False, name=None)]
    row_of = np.arange(1, len(grid) + 1, dtype=np.int64)
    index = None if header_row is None else header_row - 1
    if index is not None and not 0 <= index < max(len(grid), 1):
        raise bad_header_row(path.name, target, header_row)
    return assemble(grid, layouts.locate(top, format, index), path.name, target,
                    reader_name, row_of)


def _no_sheet(file: str, target: str, names: list[str]) -> InputDataError:
    close = difflib.get_close_matches(target, names, n=1)
    return InputDataError(f"{file}: sheet '{shorten(target)}' not found", [Problem(
        f"there is no sheet '{shorten(target)}'. Sheets: {', '.join(names)}.", file,
        (f"did you mean '{close[0]}'? " if close else "")
        + "set sheet = \"...\" in the source to one of these names.")])



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


