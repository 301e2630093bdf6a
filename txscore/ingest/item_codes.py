"""A file's answers as item codes: every item's column mapped by its scale
(:func:`txscore.ingest.codes.map_answers`; whole-number columns by one table lookup),
reversed items turned round, out-of-range answers noted for the ledger and unknown answers
reported with their rows. :func:`txscore.ingest.rows.source_rows` runs it on each file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from txscore.errors import Problem
from txscore.ingest import quality as qc
from txscore.ingest.codes import OUT_OF_RANGE, describe_unknown, map_answers
from txscore.ingest.table import RawTable
from txscore.study import Study

__all__ = ["Coded", "int16_codes", "item_codes", "rows_text", "shown_value", "unknown_labels"]

_MAX_ROWS_LISTED = 5
_MAX_VALUES_LISTED = 10  # distinct unknown answers listed per column (free text has many)


def rows_text(rows: np.ndarray, positions: np.ndarray) -> str:
    """The first file rows of ``positions`` (``rows``: each position's file row), and how
    many more.

    >>> rows_text(np.arange(2, 12), np.arange(7))
    '2, 3, 4, 5, 6 and 2 more'
    """
    shown = ", ".join(str(int(rows[p])) for p in positions[:_MAX_ROWS_LISTED])
    more = len(positions) - _MAX_ROWS_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def shown_value(value: object) -> str:
    """A cell as the user wrote it (a whole number read as float without ".0")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def unknown_labels(mapped, table: RawTable, col: str, scale, problems: list[Problem]) -> None:
    """One problem per distinct unknown answer: the value (an Excel error, a date, text),
    its row count and first rows; past ten distinct values, one problem for the rest."""
    entries = list(mapped.unknown.items())
    for text, pos in entries[:_MAX_VALUES_LISTED]:
        what, fix = describe_unknown(text, scale)
        problems.append(Problem(
            f"{what} ({len(pos)} row{'s' if len(pos) > 1 else ''}: "
            f"{rows_text(table.rows(), pos)}).", table.where(column=col), fix))
    rest = entries[_MAX_VALUES_LISTED:]
    if rest:
        rows = np.sort(np.concatenate([pos for _, pos in rest]))
        problems.append(Problem(
            f"{len(rest)} more distinct answers match no label of scale '{scale.name}' "
            f"({len(rows)} rows: {rows_text(table.rows(), rows)}); so many different "
            "answers suggest a free-text column.", table.where(column=col),
            "check that [items] names the right column for this question; otherwise "
            f"correct the answers or add them to [scales.{scale.name}] labels."))


@dataclass(frozen=True)
class Coded:
    """A file's item codes, by item (rows: file rows x brand blocks)."""

    codes: dict[str, pd.arrays.IntegerArray]  # item -> final codes (reversed turned round)
    raw: dict[str, np.ndarray]  # item -> codes as answered (for straight-lining)
    answered: dict[str, np.ndarray]  # item -> not blank
    rated_brand: np.ndarray  # (k,) some row answered an item of the brand
    out_of_range: np.ndarray  # (n, k) "outside_scale:column(value);..." details


def item_codes(study: Study, items: list[str], table: RawTable, frame: pd.DataFrame,
                blocks: list, problems: list[Problem]) -> Coded:
    """Every item's answers mapped to codes, brand block by brand block."""
    n, k = len(frame), max(len(blocks), 1)
    oor = np.full((n, k), "", dtype=object)
    codes_out, answered, raw_codes = {}, {}, {}
    rated_brand = np.zeros(k, bool)
    keep_raw = study.quality.straightliners
    for item in items:
        spec = study.items[item]
        scale = study.scales[spec.scale]
        cols = [mapping.get(item) for _, mapping in blocks]
        if k == 1 and cols[0] is not None and (
                fast := _integer_codes(frame[cols[0]], scale, spec.reversed)) is not None:
            final, absent, raw, bad = fast  # a column of whole numbers: one table lookup
            codes_out[item] = pd.arrays.IntegerArray(final, absent)
            answered[item] = np.ones(n, bool)  # a number is never blank
            rated_brand |= n > 0
            if keep_raw:
                raw_codes[item] = raw()
            if bad is not None:
                _note_out_of_range(oor, bad, 0, frame[cols[0]], table.shown(cols[0]))
            continue
        codes = np.full((n, k), np.nan)
        given = np.zeros((n, k), bool)
        for b, col in enumerate(cols):
            if col is None:
                continue
            mapped = map_answers(frame[col], scale)
            unknown_labels(mapped, table, col, scale, problems)
            codes[:, b] = mapped.codes
            given[:, b] = ~mapped.blank
            bad = mapped.status == OUT_OF_RANGE
            if bad.any():
                _note_out_of_range(oor, bad, b, frame[col], table.shown(col))
        raw_codes[item] = codes.ravel()
        answered[item] = given.ravel()
        rated_brand |= given.any(axis=0)
        final = scale.min + scale.max - codes if spec.reversed else codes
        codes_out[item] = int16_codes(final.ravel())
    return Coded(codes_out, raw_codes, answered, rated_brand, oor)


def _note_out_of_range(oor: np.ndarray, bad: np.ndarray, b: int, column: pd.Series,
                       shown: str) -> None:
    """The out-of-range detail of the rows ``bad`` of brand block ``b`` (as written)."""
    raw = column.iloc[np.flatnonzero(bad)].astype(object).to_numpy()  # few rows
    note = qc.out_of_range_detail(shown, [shown_value(v) for v in raw])
    has = oor[bad, b] != ""
    oor[bad, b] = np.where(has, oor[bad, b] + ";" + note, note)


def _integer_codes(column: pd.Series, scale, reversed_item: bool):
    """An integer column with no blank and few distinct values mapped by one lookup in a
    table of the values from its least to its greatest: the final codes (``int16``, 0 where
    absent), where absent, the codes as answered (a function: floats, only when asked) and
    the out-of-range rows (None when none); None when the column is not such a column.

    >>> from txscore.study import Scale
    >>> s = Scale("s5", 5, 1, 5, {1: "No", 5: "Yes"}, {99: "Don't know"})
    >>> final, absent, raw, bad = _integer_codes(pd.Series([1, 5, 99, 7]), s, True)
    >>> final.tolist(), absent.tolist(), raw().tolist(), bad.tolist()
    ([5, 1, 0, 0], [False, False, True, True], [1.0, 5.0, nan, nan], [False, False, False, True])
    """
    dtype = column.dtype
    if not (isinstance(dtype, np.dtype) and dtype.kind in "iu") or not len(column):
        return None
    ints = column.to_numpy()
    low, high = min(int(ints.min()), 0), int(ints.max())  # from 0 when no code is below
    if high - low >= 4096:
        return None
    table = map_answers(pd.Series(np.arange(low, high + 1, dtype=float)), scale)
    at = (ints - low if low else ints).astype(np.intp, copy=False)
    given = np.bincount(at, minlength=len(table.codes)) > 0  # the values answered
    gone = np.isnan(table.codes)
    final = scale.min + scale.max - table.codes if reversed_item else table.codes
    final = np.where(gone, 0, final).astype(np.int16)
    outside = given & (table.status == OUT_OF_RANGE)
    return (np.take(final, at),
            np.take(gone, at) if (given & gone).any() else np.zeros(len(at), bool),
            lambda: np.take(table.codes, at),
            np.take(outside, at) if outside.any() else None)


def int16_codes(codes: np.ndarray) -> pd.arrays.IntegerArray:
    """Float codes (NaN for missing) as a nullable Int16 array, built from its parts.

    >>> int16_codes(np.array([3.0, np.nan])).tolist()
    [3, <NA>]
    """
    absent = np.isnan(codes)
    return pd.arrays.IntegerArray(np.where(absent, 0, codes).astype(np.int16), absent)
