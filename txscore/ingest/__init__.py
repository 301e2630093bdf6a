"""Ingest: read every source of a study, map answers to codes, check respondents.

:func:`load` is the only stage that reads files.  It reads each source, drops the columns
declared personal at once (they never enter :class:`Responses`), checks that the spec's
columns exist, maps answers to codes, and collects *every* problem across all files before
raising one :class:`~txscore.errors.InputDataError`.  Rows that fail a respondent check go
to the exclusions ledger with their reason (:mod:`txscore.quality`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem
from txscore.ingest.codes import OUT_OF_RANGE, map_answers
from txscore.ingest.readers import RawTable, read_table
from txscore.quality import reconcile, split_excluded
from txscore.responses import Responses
from txscore.study import Source, Study

__all__ = ["load", "read_table"]

_MAX_ROWS_LISTED = 5


def _rows_text(table: RawTable, positions: np.ndarray) -> str:
    shown = ", ".join(str(table.first_row + int(p)) for p in positions[:_MAX_ROWS_LISTED])
    more = len(positions) - _MAX_ROWS_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _text(column: pd.Series) -> pd.Series:
    """Stripped text with blanks as missing; whole numbers read as floats print as ints."""
    if pd.api.types.is_float_dtype(column) and (column.dropna() % 1 == 0).all():
        column = column.astype("Int64")
    text = column.astype("string").str.strip()
    return text.mask(text == "")


def _unknown_labels(mapped, table: RawTable, col: str, scale, problems: list[Problem]) -> None:
    """One problem per distinct unknown answer: the value, its row count and first rows."""
    for text, pos in mapped.unknown.items():
        problems.append(Problem(
            f"'{text}' matches no label of scale '{scale.name}' ({len(pos)} row"
            f"{'s' if len(pos) > 1 else ''}: {_rows_text(table, pos)}).",
            table.where(column=col),
            f"correct the answer in the file, or add it to [scales.{scale.name}] labels "
            "(or missing, if it means no answer)."))


def _weights(frame: pd.DataFrame, column: str, table: RawTable,
             problems: list[Problem]) -> np.ndarray:
    """The weight column as floats; a problem lists rows whose weight is not positive."""
    w = frame[column]
    if not pd.api.types.is_numeric_dtype(w):
        w = _text(w).str.replace(",", ".", regex=False)
    w = pd.to_numeric(w, errors="coerce")
    bad = np.flatnonzero((w.isna() | (w <= 0)).to_numpy() & frame.notna().any(axis=1).to_numpy())
    if len(bad):
        values = sorted({str(frame[column].iloc[p]) for p in bad[:20]})
        problems.append(Problem(
            f"{len(bad)} rows have a weight that is missing, not a number, zero or negative "
            f"(values: {', '.join(values[:5])}; rows {_rows_text(table, bad)}).",
            table.where(column=column),
            "weights must be positive numbers: correct them, or remove weight from [columns] "
            "to analyse unweighted."))
    return w.to_numpy(float)


def _required_columns(study: Study, source: Source) -> list[str]:
    cols = study.columns
    need = [cols.respondent_id]
    if source.brand is None and cols.brand:
        need.append(cols.brand)
    if cols.weight:
        need.append(cols.weight)
    need += list(cols.segments)
    return need + study.items_for(source.population)


def _source_frame(study: Study, source: Source, table: RawTable,
                  problems: list[Problem]) -> pd.DataFrame | None:
    """Standard columns + item codes for one source; problems appended, not raised."""
    frame = table.frame.drop(columns=[c for c in study.columns.personal
                                      if c in table.frame.columns])
    required = _required_columns(study, source)
    missing = [c for c in required if c not in frame.columns]
    unused = [str(c) for c in frame.columns if c not in set(required) | set(study.items)]
    for col in missing:
        close = difflib.get_close_matches(col, unused, n=1)
        problems.append(Problem(
            f"column '{col}' is not in the file.", table.where(),
            f"did you mean '{close[0]}'? Rename the column in the spec or the file."
            if close else "add the column to the file, or correct the column name in the "
            "study spec."))
    cols = study.columns
    weight = _weights(frame, cols.weight, table, problems) if cols.weight in frame.columns else (
        None)
    if missing:  # still map the columns that exist, so all their problems show in one run
        for col in study.items_for(source.population):
            if col in frame.columns:
                item = study.items[col]
                _unknown_labels(map_answers(frame[col], study.scales[item.scale]), table, col,
                                study.scales[item.scale], problems)
        return None
    n = len(frame)
    out = pd.DataFrame({
        "respondent_id": _text(frame[cols.respondent_id]),
        "population": source.population,
        "wave": source.wave,
        "brand": source.brand if source.brand is not None else _text(frame[cols.brand]),
        "source_file": table.file,
        "source_sheet": table.sheet or "",
        "source_row": np.arange(table.first_row, table.first_row + n, dtype=np.int64),
    })
    out["weight"] = weight if weight is not None else 1.0
    for seg in cols.segments:
        out[seg] = frame[seg].astype(object).to_numpy()
    oor_detail = np.full(n, "", dtype=object)
    for col in study.items_for(source.population):
        item = study.items[col]
        scale = study.scales[item.scale]
        mapped = map_answers(frame[col], scale, reversed_item=item.reversed)
        _unknown_labels(mapped, table, col, scale, problems)
        oor = mapped.status == OUT_OF_RANGE
        if oor.any():
            raw = frame[col].to_numpy(dtype=object)[oor]
            note = np.array([f"{col} = {v}" for v in raw], dtype=object)
            has = oor_detail[oor] != ""
            oor_detail[oor] = np.where(has, oor_detail[oor] + "; " + note, note)
        out[col] = pd.array(mapped.codes, dtype="Float64").astype("Int16")
    out["_blank"] = table.frame.isna().all(axis=1).to_numpy() if n else np.zeros(0, bool)
    out["_out_of_range"] = oor_detail
    return out


def load(study: Study, *, progress: Callable[[str], None] | None = None) -> Responses:
    """Read, map and check every source of a study.

    Parameters
    ----------
    study : Study
        The validated spec.
    progress : callable, optional
        Called with a short message as each file is read (the CLI shows a progress bar).

    Returns
    -------
    Responses
        One row per respondent x brand with standard columns and item codes, the
        exclusions ledger and the per-file reconciliation.

    Raises
    ------
    InputDataError
        With every problem found in every file (missing columns, unknown labels, bad
        weights, unreadable files), each with its location and a fix.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> bool(responses.files["reconciles"].all())
    True
    """
    problems: list[Problem] = []
    frames, files = [], []
    for source in study.sources:
        if progress:
            progress(source.name)
        try:
            table = read_table(source.path, source.sheet)
        except InputDataError as exc:
            problems.extend(exc.problems)
            continue
        frame = _source_frame(study, source, table, problems)
        files.append({"source_file": table.file, "source_sheet": table.sheet or "",
                      "population": source.population, "wave": source.wave,
                      "rows_in": len(table.frame), "reader": table.reader,
                      "sha256": table.sha256})
        if frame is not None:
            frames.append(frame)
    if problems:
        n = len(problems)
        raise InputDataError(f"{n} problem{'s' if n > 1 else ''} in the input files", problems)
    items = list(study.items)
    rows = pd.concat(frames, ignore_index=True)
    for col in items:  # an item asked of one population only is missing for the other
        if col not in rows:
            rows[col] = pd.array([pd.NA] * len(rows), dtype="Int16")
    kept, ledger = split_excluded(rows, study, items)
    file_table = reconcile(pd.DataFrame(files), kept, ledger)
    return Responses(study, kept, ledger, file_table)
