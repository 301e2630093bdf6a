"""The table every reader returns (:class:`RawTable`), and how header rows name its columns.

Shared by the readers of each format (:mod:`txscore.ingest.xlsx`,
:mod:`txscore.ingest.delimited`, :mod:`txscore.ingest.readers`): a grid of cells with its
header row(s) located by :mod:`txscore.ingest.layouts` becomes a :class:`RawTable` whose
columns are named from the header, whose text is NFC-normalised (``é`` typed as one
character or as ``e`` + a combining accent is the same answer, column name and brand) and
whose every data row keeps the row number the user sees.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem
from txscore.ingest import layouts

__all__ = ["SAMPLE_RECORDS", "RawTable", "assemble", "bad_header_row", "cell_text",
           "fieldwork_dates", "named_table", "nfc"]

#: records of a file looked at to find its header and layout
SAMPLE_RECORDS = 40


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
    renamed : mapping
        Column -> the file's own name, for the columns :func:`txscore.ingest.roles.apply_roles`
        renamed (a source's id, weight, item aliases...): messages name the file's column.
    absent : frozenset of str
        Columns the spec needs that are not in the file, already reported (by
        :func:`~txscore.ingest.roles.apply_roles`).
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
    renamed: Mapping[str, str] = field(default_factory=dict)
    absent: frozenset[str] = frozenset()

    def rows(self) -> np.ndarray:
        """The user-visible row number of every data row."""
        if self.row_numbers is not None:
            return np.asarray(self.row_numbers, dtype=np.int64)
        return np.arange(self.first_row, self.first_row + len(self.frame), dtype=np.int64)

    def column_for(self, role: str) -> str | None:
        """The first column playing ``role`` (e.g. ``"duration"``), or None."""
        return next((c for c, r in self.roles.items() if r == role), None)

    def where(self, row_pos: int | None = None, column: str | None = None) -> str:
        """Human location: ``customers.xlsx, sheet 'Responses', row 17, column 'eff_1'``
        (the column as the file names it, see :meth:`shown`)."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if row_pos is not None:
            parts.append(f"row {int(self.rows()[row_pos])}")
        if column is not None:
            parts.append(f"column '{self.shown(column)}'")
        return ", ".join(parts)

    def shown(self, column: str) -> str:
        """A column's name as the file has it (before a source's roles renamed it).

        >>> t = RawTable(pd.DataFrame(), "a.csv", None, 2, "csv", renamed={"resp_id": "ID"})
        >>> t.shown("resp_id"), t.shown("q1")
        ('ID', 'q1')
        """
        return self.renamed.get(column, column)


def assemble(grid: pd.DataFrame, found: layouts.Located, file: str, sheet: str | None,
             reader: str, row_of: np.ndarray) -> RawTable:
    """Name the columns from the header rows ``found`` in ``grid``; keep the data rows.

    ``row_of[i]`` is the user-visible row of grid row ``i``.

    >>> grid = pd.DataFrame([["Survey", None], ["id", "q1"], ["r1", "4"]], dtype=object)
    >>> t = assemble(grid, layouts.locate([["Survey", None], ["id", "q1"]], "auto", None),
    ...              "a.csv", None, "csv", np.arange(1, 4))
    >>> t.frame.to_dict("list"), t.rows().tolist(), t.header_row
    ({'id': ['r1'], 'q1': ['4']}, [3], 2)
    """
    where = file + (f", sheet '{sheet}'" if sheet else "")
    if found.header_index >= len(grid):
        raise InputDataError(f"{where}: no header row", [Problem(
            "the file has no row with column names.", where,
            "check that the file is not empty, and header_row in the source if set.")])
    head = grid.iloc[found.header_index:found.header_index + found.n_header_rows]
    header_rows = [[cell_text(v) for v in row] for row in head.itertuples(index=False, name=None)]
    data_start = found.header_index + found.n_header_rows
    return named_table(header_rows, grid.iloc[data_start:].reset_index(drop=True),
                       found.layout, file, sheet, reader, row_of[data_start:],
                       int(row_of[found.header_index]))


def named_table(header_rows: list[list[str | None]], data: pd.DataFrame, layout: str,
                file: str, sheet: str | None, reader: str, data_rows: np.ndarray, header: int,
                *, ascii_only: bool = False) -> RawTable:
    """A RawTable from the header rows (cells as text) and the data rows below them.

    ``data_rows[i]`` is the user-visible row of data row ``i``; ``header`` the row of the
    (first) header row; ``ascii_only``: the file holds no non-ASCII byte, so no text needs
    NFC normalising.

    >>> t = named_table([["id", "q1"]], pd.DataFrame([["r1", "4"]]), "plain", "a.csv", None,
    ...                 "csv", np.array([2]), 1)
    >>> t.frame.columns.tolist(), t.first_row
    (['id', 'q1'], 2)
    """
    where = file + (f", sheet '{sheet}'" if sheet else "")
    names, question_text, notes = layouts.column_names(header_rows, layout, where)
    frame = data.set_axis(names, axis=1)
    if not ascii_only:
        frame = nfc(frame)
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


def cell_text(value: Any) -> str | None:
    """A header or sample cell as text: stripped, NFC, None when blank.

    >>> cell_text("  Nestle\u0301 "), cell_text(float("nan")), cell_text(" ")
    ('Nestlé', None, None)
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = unicodedata.normalize("NFC", str(value).strip())
    return text or None


def nfc(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells in Unicode NFC, so that 'é' as one character and 'e' + combining accent
    are the same id, brand or answer.

    Works on the distinct values of each text column (a loop over distinct values, not
    rows); columns with no non-ASCII text (tested in one vectorised pass) are left untouched.

    >>> nfc(pd.DataFrame({"b": ["Nestle\u0301", "Nestl\u00e9", 1]}))["b"].tolist()
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


def bad_header_row(file: str, sheet: str | None, header_row: int) -> InputDataError:
    """The error of a ``header_row`` that is not a row of the file.

    >>> print(bad_header_row("a.csv", None, 9).problems[0].message)
    header_row = 9 is not a row of the file.
    """
    where = file + (f", sheet '{sheet}'" if sheet else "")
    return InputDataError(f"{where}: header_row {header_row} is not in the file", [Problem(
        f"header_row = {header_row} is not a row of the file.", where,
        "set header_row to the row holding the column names (as numbered in Excel or a "
        "text editor), or remove it to detect the header.")])


def fieldwork_dates(table: RawTable) -> tuple[str, str]:
    """The first start and the last end time of a file's interviews as ISO dates (the
    start and end columns of its roles; either alone will do); ``("", "")`` when the file
    has neither or no date can be read there.

    Examples
    --------
    >>> from txscore.ingest.readers import read_table
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> fieldwork_dates(read_table(study.sources[0].path, "Responses"))
    ('', '')
    """
    frame = table.frame
    times = []
    for role in ("start", "end"):
        column = table.column_for(role)
        if column is not None and column in frame:
            with warnings.catch_warnings():  # "could not infer format": each cell alone
                warnings.simplefilter("ignore", UserWarning)
                parsed = pd.to_datetime(frame[column], errors="coerce")
            if isinstance(parsed.dtype, pd.DatetimeTZDtype):
                parsed = parsed.dt.tz_localize(None)
            if pd.api.types.is_datetime64_dtype(parsed.dtype):
                times.append(parsed.dropna())
    found = pd.concat(times) if times else pd.Series(dtype="datetime64[ns]")
    if found.empty:
        return "", ""
    return found.min().date().isoformat(), found.max().date().isoformat()
