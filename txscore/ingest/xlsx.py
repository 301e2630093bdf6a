"""Reading Excel workbooks (.xlsx, .xlsm) into a :class:`~txscore.ingest.table.RawTable`.

fastexcel (calamine) reads every cell of the sheet as text in one parse: fastexcel guesses
column types from a sample of rows and would turn a late text answer into a null.  Before
any reader sees a sheet, its XML is streamed by :mod:`txscore.ingest.sheetxml`: a sheet
whose cells lie beyond Excel's limits, far below the data (stray cells) or span more cells
than its size can fill (one value at XFD1048576 would make calamine allocate 512 GB and
abort the process) is refused with a located message, as is a DTD in the workbook's XML;
formula cells without a cached value are named in a warning; and Excel error cells
(``#N/A``, ``#DIV/0!``), which calamine reads as blanks, send the sheet to openpyxl, which
reads their text.  Other hostile files are refused with a located message rather than a
traceback: a workbook that is not a zip (truncated, password-protected, an old .xls or a
csv renamed: :func:`file_kind` says what it is) and a zip whose entries declare more than
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
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem, shorten
from txscore.ingest import layouts
from txscore.ingest.sheetxml import SheetScan, bound_problems, formula_note, scan_sheet
from txscore.ingest.table import SAMPLE_RECORDS, RawTable, assemble, bad_header_row, cell_text

__all__ = ["MAX_UNZIPPED_MB", "file_kind", "max_unzipped_mb", "read_xlsx"]

#: A workbook whose zip entries declare more than this many MB once expanded is refused
#: before it is opened (a "zip bomb" expands a few kB into gigabytes).  The environment
#: variable ``TXSCORE_MAX_UNZIPPED_MB`` overrides it for one run.
MAX_UNZIPPED_MB = 2048
_CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2 compound file: .xls, encrypted .xlsx


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
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark
        head = head[2:].decode("utf-16", errors="replace").encode("utf-8")
    buf = np.frombuffer(head, dtype=np.uint8)
    control = (buf < 32) & ~np.isin(buf, (9, 10, 12, 13))
    return len(buf) > 0 and not control.any()


#: the first bytes of the files most often given another file's extension
_MAGIC = ((b"PAR1", "a parquet file", ".parquet"), (b"$FL2", "an SPSS data file", ".sav"),
          (b"$FL3", "an SPSS data file", ".sav"), (b"%PDF", "a PDF document", None),
          (b"\x1f\x8b", "a gzip-compressed file", None),
          (b"SQLite format 3\x00", "an SQLite database", None),
          (b"{\\rtf", "an RTF (Word) document", None))
_ZIPS = (("xl/workbook.xml", "an Excel workbook (.xlsx)", ".xlsx"),
         ("xl/workbook.bin", "an Excel binary workbook (.xlsb)", None),
         ("content.xml", "an OpenDocument spreadsheet or text (.ods, .odt)", None),
         ("word/document.xml", "a Word document (.docx)", None),
         ("ppt/presentation.xml", "a PowerPoint presentation (.pptx)", None))


def file_kind(raw: bytes) -> tuple[str, str | None]:
    """What a file is, from its bytes: (what, the extension txscore reads it under, or None
    when it cannot read it).  For messages about a file named like another kind.

    >>> file_kind(b"PAR1\\x15\\x04"), file_kind(b"id,q1\\nr1,4\\n")[1]
    (('a parquet file', '.parquet'), '.csv')
    """
    for magic, what, suffix in _MAGIC:
        if raw.startswith(magic):
            return what, suffix
    if raw.startswith(_CFB_MAGIC):
        return ("an old Excel .xls workbook or a password-protected workbook (an OLE2 "
                "compound document)", None)
    if raw.startswith(b"PK"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(raw)).namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            return "a damaged or truncated zip archive (an xlsx workbook cut short?)", None
        return next(((w, x) for n, w, x in _ZIPS if n in names), ("a zip archive", None))
    if raw.lstrip()[:1] == b"<":
        return "HTML or XML text (a web page)", None
    if _looks_like_text(raw[:4096]):
        return "plain text (a csv export?)", ".csv"
    return "binary data of an unknown kind", None


def _not_a_workbook(file: str, raw: bytes) -> InputDataError:
    """Why bytes named .xlsx are not an xlsx workbook, and what to do about it."""
    what, suffix = file_kind(raw)
    fix = "open it in Excel and save it again as Excel Workbook (.xlsx)."
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
    elif raw.startswith(b"PK") and suffix is None and "damaged" in what:
        what = (f"the workbook is truncated or damaged: its {len(raw):,} bytes end before "
                "the zip directory (a download or copy cut short).")
        fix = "copy or download the file again, or export it again from the survey platform."
    elif what.startswith("HTML"):
        what = ("the file is HTML or XML text, not an xlsx (zip) workbook (some platforms "
                "export web pages named .xls or .xlsx).")
        fix = "open it in Excel and save it as Excel Workbook (.xlsx), or export a csv."
    else:
        what = f"the file is {what}, not an xlsx workbook."
        if suffix:
            fix = (f"rename it with the {suffix} extension and change its path in the study "
                   "spec to match, or open it in Excel and save it as .xlsx.")
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


def _sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str | None]]:
    """Every worksheet's name and zip entry, in workbook order, from workbook.xml and its
    relationships ([] when they cannot be read; None for an entry not found).

    Read with regular expressions rather than an XML parser: the files come from outside,
    and a regex cannot be made to expand entities.
    """
    try:
        book = zf.read("xl/workbook.xml").decode("utf-8", errors="replace")
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", errors="replace")
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError):
        return []
    targets = {a.get("Id"): a.get("Target", "") for a in map(_attributes, re.findall(
        r"<(?:\w+:)?Relationship\b([^>]*)>", rels))}
    entries, parts = set(zf.namelist()), []
    for attrs in map(_attributes, _SHEET_TAG.findall(book)):
        target = targets.get(attrs.get("id"), "") or ""
        found = [c for c in (posixpath.normpath("xl/" + target), target.lstrip("/"))
                 if target and c in entries]
        parts.append((attrs.get("name", ""), found[0] if found else None))
    return parts


def _checked_sheet(zf: zipfile.ZipFile, raw: bytes, file: str,
                   sheet: str | None) -> tuple[str | None, SheetScan]:
    """The sheet to read (``sheet``, else the first) once its XML is within bounds, and
    what the stream over it found; a located error when it is not within bounds.

    When the workbook does not say which entry holds the sheet, every entry that may be a
    worksheet is checked: no reader sees a sheet that was not checked.
    """
    names = _sheet_parts(zf)
    if not names and "xl/workbook.xml" not in zf.namelist():
        raise _not_a_workbook(file, raw)
    target = sheet if sheet is not None or not names else names[0][0]
    part = dict(names).get(target) if target is not None else None
    if names and target not in dict(names):
        raise _no_sheet(file, str(target), [n for n, _ in names])
    skip = ("[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/sharedStrings.xml")
    infos = [zf.getinfo(part)] if part else [
        i for i in zf.infolist() if i.filename.endswith(".xml") and i.filename not in skip
        and not i.filename.startswith(("docProps/", "xl/theme/", "customXml/"))]
    where = file + (f", sheet '{shorten(target)}'" if target else "")
    for name in {"xl/workbook.xml", "xl/sharedStrings.xml"} & set(zf.namelist()):
        try:  # both readers parse these too: a DTD there is refused as in a sheet
            head = zf.open(name).read(65_536)
        except (zlib.error, zipfile.BadZipFile, OSError, EOFError, ValueError):
            continue  # the readers report a damaged workbook
        if re.search(rb"<!(?:DOCTYPE|ENTITY)", head, re.IGNORECASE):
            raise InputDataError(f"{file}: the workbook cannot be read safely", bound_problems(
                SheetScan(0, dtd=True), f"{file} ({name})"))
    scans = []
    for info in infos:  # a loop over a workbook's parts (one, or a few dozen at most)
        try:
            scan = scan_sheet(zf, raw, info)
        except (zlib.error, zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise InputDataError(f"{file}: the workbook is damaged", [Problem(
                f"the data of '{shorten(info.filename)}' cannot be decompressed "
                f"({shorten(exc, 100)}): the file is damaged.", where,
                "copy or download the file again, or export it again.")]) from None
        problems = bound_problems(scan, where if part else f"{where} ({info.filename})")
        if problems:
            raise InputDataError(f"{where}: the sheet cannot be read safely", problems)
        scans.append(scan)
    return target, scans[0] if part else SheetScan(0, errors=any(s.errors for s in scans))


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
    target, scan = _checked_sheet(zf, raw, path.name, sheet)
    grid, reader_name, why = None, "fastexcel", ""
    if scan.errors:  # calamine reads an error cell ('#N/A') as a blank: a silent missing
        why = cause = "the sheet holds Excel error values"
    else:
        try:
            import fastexcel

            reader = fastexcel.read_excel(raw)
            names = reader.sheet_names
            target = target if target is not None else names[0]
            if target not in names:
                raise _no_sheet(path.name, target, names)
            # header_row=None + skip_rows=0: every row from Excel row 1, blank ones
            # included, so grid row i is Excel row i + 1; all cells as strings: fastexcel
            # guesses types from a sample of rows and would turn a late text answer into a
            # null (a typed second pass after locating the header costs a second parse of
            # the sheet: slower, measured)
            grid = reader.load_sheet(target, header_row=None, skip_rows=0,
                                     dtypes="string").to_pandas()
        except InputDataError:
            raise
        except Exception as exc:  # fastexcel cannot read it: fall back, say so in provenance
            why = f"fastexcel failed: {type(exc).__name__}"
            cause = shorten(exc, 200)
    if grid is None:
        grid, target = _read_xlsx_openpyxl(path, target, raw, cause)
        reader_name = f"openpyxl ({why})"
    top = [[cell_text(v) for v in row]
           for row in grid.iloc[:SAMPLE_RECORDS].itertuples(index=False, name=None)]
    row_of = np.arange(1, len(grid) + 1, dtype=np.int64)
    index = None if header_row is None else header_row - 1
    if index is not None and not 0 <= index < max(len(grid), 1):
        raise bad_header_row(path.name, target, header_row)
    where = path.name + (f", sheet '{shorten(target)}'" if target else "")
    table = assemble(grid, layouts.locate(top, format, index, where), path.name, target,
                     reader_name, row_of)
    notes = formula_note(scan, where)
    return replace(table, notes=table.notes + notes) if notes else table


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
    target = sheet
    try:
        target = sheet if sheet is not None else wb.sheetnames[0]
        if target not in wb.sheetnames:
            raise _no_sheet(path.name, target, wb.sheetnames)
        ws = wb[target]
        # the rows as written, not padded to the declared dimension (checked, but it may
        # still be wider than the cells); error cells come back as their text ('#N/A')
        ws.reset_dimensions()
        rows = list(ws.iter_rows(min_row=1, values_only=True))
    except InputDataError:
        raise
    except Exception as exc:
        raise InputDataError(f"{path.name} cannot be read", [Problem(
            f"neither fastexcel ({cause}) nor openpyxl ({shorten(exc, 200)}) can read the "
            f"sheet '{shorten(target)}'.", path.name,
            "open it in Excel and save it again as .xlsx.")]) from None
    finally:
        wb.close()
    # trailing blank rows are not part of the sheet (as with calamine)
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max(map(len, rows), default=0)
    return pd.DataFrame([(*r, *(None,) * (width - len(r))) for r in rows],
                        columns=range(width), dtype=object), target
