"""File readers: every format comes back as a table of text cells plus provenance.

All readers return a :class:`RawTable`: a DataFrame of the cells as read (text or numbers),
the sheet name and the number of the first data row *as the user sees it* (Excel row or
text-file line), so every later message can point at the exact cell.  Item cells stay as
read on purpose: codes and labels are mapped in one place (:mod:`txscore.ingest.codes`),
and no reader silently coerces a column (fastexcel guesses column types from a sample of
rows and would turn a late text answer into a null).
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from txscore.errors import InputDataError, Problem

XLSX_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class RawTable:
    """One sheet or text file as read, before any mapping."""

    frame: pd.DataFrame
    file: str
    sheet: str | None
    first_row: int  # row/line number of the first data row as the user sees it
    reader: str
    sha256: str = ""  # of the bytes the reader parsed (the file is read once)

    def where(self, row_pos: int | None = None, column: str | None = None) -> str:
        """Human location: ``customers.xlsx, sheet 'Responses', row 17, column 'eff_1'``."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if row_pos is not None:
            parts.append(f"row {self.first_row + row_pos}")
        if column is not None:
            parts.append(f"column '{column}'")
        return ", ".join(parts)


def read_table(path: Path, sheet: str | None = None) -> RawTable:
    """Read one input file as text cells.

    Parameters
    ----------
    path : Path
        xlsx/xlsm, csv/tsv/txt, parquet or SPSS .sav.
    sheet : str, optional
        Sheet name for workbooks (default: the first sheet).

    Raises
    ------
    InputDataError
        When the file is missing, of an unknown type, or cannot be read; the message says
        which file and what to do.
    """
    if not path.is_file():
        raise InputDataError(f"Input file not found: {path}", [Problem(
            "file not found.", str(path), "check the source path in the study spec (paths are "
            "relative to the study file).")])
    suffix = path.suffix.lower()
    if suffix == ".sav":  # pyreadstat reads from a path, so the checksum needs its own read
        table = _read_sav(path)
        return replace(table, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if suffix in XLSX_SUFFIXES:
        return replace(_read_xlsx(path, sheet, raw), sha256=digest)
    if suffix in TEXT_SUFFIXES:
        return replace(_read_text(path, raw), sha256=digest)
    if suffix == ".parquet":
        frame = pd.read_parquet(io.BytesIO(raw))
        return RawTable(frame, path.name, None, 2, "pyarrow", digest)
    raise InputDataError(f"Unsupported file type: {path.name}", [Problem(
        f"files of type '{suffix}' cannot be read.", path.name,
        "export the data as .xlsx, .csv, .parquet or SPSS .sav.")])


def _check_header(columns: list, file: str, sheet: str | None) -> list[str]:
    names = [str(c).strip() if c is not None else "" for c in columns]
    problems = []
    seen: dict[str, int] = {}
    for pos, name in enumerate(names):
        if name in seen and name:
            problems.append(Problem(f"column name '{name}' appears twice (columns "
                                    f"{seen[name] + 1} and {pos + 1}).",
                                    f"{file}" + (f", sheet '{sheet}'" if sheet else ""),
                                    "rename one of them in the file."))
        seen.setdefault(name, pos)
    if problems:
        raise InputDataError(f"{file}: duplicated column names", problems)
    return names


def _read_xlsx(path: Path, sheet: str | None, raw: bytes) -> RawTable:
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise InputDataError(f"{path.name} is not a valid .xlsx workbook", [Problem(
            "the file is not an xlsx (zip) workbook: it may be truncated, password-protected, "
            "or an old .xls renamed.", path.name, "open it in Excel and save it again as "
            "Excel Workbook (.xlsx).")])
    try:
        import fastexcel

        reader = fastexcel.read_excel(raw)
        names = reader.sheet_names
        target = sheet if sheet is not None else names[0]
        if target not in names:
            raise InputDataError(f"{path.name}: sheet '{target}' not found", [Problem(
                f"there is no sheet '{target}'. Sheets: {', '.join(names)}.", path.name,
                "set sheet = \"...\" in the source to one of these names.")])
        frame = reader.load_sheet(target, dtypes="string").to_pandas()
        reader_name = "fastexcel"
    except InputDataError:
        raise
    except Exception as exc:  # fastexcel cannot read it: fall back, and say so in provenance
        frame, target = _read_xlsx_openpyxl(path, sheet, raw, exc)
        reader_name = "openpyxl (fastexcel failed: " + type(exc).__name__ + ")"
    frame.columns = _check_header(list(frame.columns), path.name, target)
    return RawTable(frame, path.name, target, 2, reader_name)


def _read_xlsx_openpyxl(path: Path, sheet: str | None, raw: bytes, cause: Exception) -> tuple[
        pd.DataFrame, str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:
        raise InputDataError(f"{path.name} cannot be read", [Problem(
            f"neither fastexcel ({cause}) nor openpyxl ({exc}) can read the workbook.",
            path.name, "open it in Excel and save it again as .xlsx.")]) from None
    try:
        target = sheet if sheet is not None else wb.sheetnames[0]
        if target not in wb.sheetnames:
            raise InputDataError(f"{path.name}: sheet '{target}' not found", [Problem(
                f"there is no sheet '{target}'. Sheets: {', '.join(wb.sheetnames)}.",
                path.name, "set sheet = \"...\" in the source to one of these names.")])
        rows = list(wb[target].iter_rows(values_only=True))
    finally:
        wb.close()
    if not rows:
        return pd.DataFrame(), target
    return pd.DataFrame(rows[1:], columns=list(rows[0])), target


def sniff_encoding(raw: bytes) -> str:
    """utf-8 (with or without BOM) when it decodes, else cp1252 (Excel's Western export)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _read_text(path: Path, raw: bytes) -> RawTable:
    encoding = sniff_encoding(raw)
    text = raw.decode(encoding, errors="replace")
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            na_values=[""], skip_blank_lines=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputDataError(f"{path.name} cannot be parsed", [Problem(
            str(exc).strip() + ".", path.name, "check that every line has the same number of "
            f"fields, separated by '{delimiter}'.")]) from None
    frame.columns = _check_header(list(frame.columns), path.name, None)
    if delimiter == ";":  # Excel's French/German csv: decimal comma in numbers
        frame = frame.apply(lambda s: s.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True))
    return RawTable(frame.astype(object).where(frame.notna(), None), path.name, None, 2,
                    f"csv ({encoding}, '{delimiter}')")


def _read_sav(path: Path) -> RawTable:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(path, apply_value_formats=False)
    except Exception as exc:
        raise InputDataError(f"{path.name} cannot be read as SPSS", [Problem(
            str(exc), path.name, "save it again from SPSS as .sav.")]) from None
    return RawTable(frame, path.name, None, 1, "pyreadstat")
