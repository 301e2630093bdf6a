"""One source file as standard rows: what :func:`txscore.ingest.load` builds per file.

:func:`source_rows` takes a file as read (a :class:`~txscore.ingest.readers.RawTable`) and
returns one row per respondent x brand with the standard columns (``respondent_id``,
``population``, ``wave``, ``brand``, ``source_file``, ``source_sheet``, ``source_row``,
``weight``, the segments), the item codes (mapped by :mod:`txscore.ingest.codes`, reversed
items turned round) and the details of the respondent checks of
:mod:`txscore.ingest.quality`.  Personal columns go first (:mod:`txscore.ingest.privacy`),
brand loops are reshaped (:mod:`txscore.ingest.loops`), and every problem is appended with
its file, sheet, row, column and value.
"""

from __future__ import annotations

import difflib
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from txscore.errors import Problem, shorten
from txscore.ingest import privacy
from txscore.ingest import quality as qc
from txscore.ingest.codes import excel_errors, map_answers
from txscore.ingest.item_codes import (
    Coded,
    item_codes,
    rows_text,
    unknown_labels,
)
from txscore.ingest.loops import find_loop
from txscore.ingest.readers import RawTable
from txscore.ingest.roles import rows_study
from txscore.study import Source, Study, normalise_label
from txscore.study.vocabulary import TOTAL

__all__ = ["SourceRows", "required_columns", "source_rows"]


def _text(column: pd.Series) -> pd.Series:
    """Stripped text with blanks as missing; whole numbers read as floats print as ints.

    >>> _text(pd.Series([" a ", "", None], dtype="category")).tolist()
    ['a', <NA>, <NA>]
    >>> _text(pd.Series([2.0, None])).tolist()
    ['2', <NA>]
    """
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":  # nothing to strip
        return column.astype("string")
    if isinstance(column.dtype, pd.CategoricalDtype):  # on the distinct values only
        text = _text(pd.Series(column.cat.categories))
        return pd.Series(text.array.take(column.cat.codes.to_numpy(), allow_fill=True),
                         index=column.index)
    if pd.api.types.is_float_dtype(column) and (column.dropna() % 1 == 0).all():
        column = column.astype("Int64")
    text = column.astype("string").str.strip()
    return text.mask(text == "")


def _numbers(column: pd.Series) -> pd.Series:
    """Numbers from numbers or text (a decimal comma is a decimal point)."""
    if pd.api.types.is_numeric_dtype(column):
        return column.astype(float)
    return pd.to_numeric(_text(column).str.replace(",", ".", regex=False), errors="coerce")


#: weights further than this factor from the file's median weight are refused: sums of
#: squares would overflow or underflow, and such a spread is a wrong column or unit
WEIGHT_SPREAD = 1e6


def _weights(frame: pd.DataFrame, column: str, table: RawTable,
             problems: list[Problem]) -> np.ndarray:
    """The weight column as floats; problems list rows whose weight is not positive, or so
    far from the median weight (:data:`WEIGHT_SPREAD`) that it cannot be a survey weight."""
    w = _numbers(frame[column])
    values_ = w.to_numpy(float, na_value=np.nan)
    valid = np.isfinite(values_) & (w > 0).to_numpy(bool, na_value=False)
    bad = np.flatnonzero(~valid)
    if len(bad):  # a row left blank throughout is not a weight problem
        bad = bad[frame.iloc[bad].notna().any(axis=1).to_numpy()]
    if len(bad):
        values = sorted({shorten(frame[column].iloc[p], 20) for p in bad[:20]})
        errors = [v for v in values if v.startswith("#")]
        problems.append(Problem(
            f"{len(bad)} rows have a weight that is missing, not a number, zero or negative, "
            f"or infinite (values: {', '.join(values[:5])}; rows {rows_text(table.rows(), bad)})"
            + (f"; {', '.join(errors[:3])}: Excel error value" if errors else "") + ".",
            table.where(column=column),
            "weights must be positive numbers: correct them, or remove the weight from "
            "[columns] (or the source's columns) to analyse unweighted."))
    if valid.any():
        median = float(np.median(values_[valid]))
        with np.errstate(over="ignore", divide="ignore"):
            ratio = values_ / median
        far = np.flatnonzero(valid & ((ratio > WEIGHT_SPREAD) | (ratio < 1 / WEIGHT_SPREAD)))
        if len(far):
            shown = sorted({shorten(frame[column].iloc[p], 20) for p in far[:20]})
            problems.append(Problem(
                f"{len(far)} rows have a weight more than {WEIGHT_SPREAD:.0e} times larger or "
                f"smaller than the median weight {median:.4g} (values: {', '.join(shown[:5])}; "
                f"rows {rows_text(table.rows(), far)}): no survey weight spreads that far.",
                table.where(column=column),
                "check that this is the weight column and its unit (a typing error, a "
                "population count or an id?); correct those rows."))
    return w.to_numpy(float)


def required_columns(study: Study, source: Source) -> list[str]:
    """The columns a source must have once its roles are applied
    (:func:`txscore.ingest.roles.apply_roles`, canonical names): id, brand (unless fixed or
    looped), weight (unless constant), segments, the columns the quality checks name, and
    the items (unless looped).

    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> required_columns(study, study.sources[0])[:4]
    ['resp_id', 'brand', 'weight', 'region']
    """
    return _required(rows_study(study, source), source)


def _required(study: Study, source: Source) -> list[str]:
    """:func:`required_columns` of the study as :func:`rows_study` gives it."""
    cols, q = study.columns, study.quality
    need = [cols.respondent_id]
    if source.brand is None and source.brand_pattern is None and cols.brand:
        need.append(cols.brand)
    if isinstance(cols.weight, str):
        need.append(cols.weight)
    need += list(cols.segments)
    if q.speeders and q.speeder_column:
        need.append(q.speeder_column)
    if q.test_responses and q.test_column:
        need.append(q.test_column)
    need += [a.column for a in q.attention_checks]
    if source.brand_pattern is None:
        need += study.items_for(source.population)
    return list(dict.fromkeys(need))


def _missing_columns(study: Study, source: Source, frame: pd.DataFrame, table: RawTable,
                     problems: list[Problem]) -> bool:
    """Problems for required columns absent (or duplicated) in the file; True if any.
    Those :func:`~txscore.ingest.roles.apply_roles` reported (``table.absent``) are not
    reported again."""
    required = _required(study, source)
    present = set(frame.columns)
    unused = [table.shown(str(c)) for c in frame.columns
              if c not in set(required) | set(study.items)]
    bad = False
    for col in required:
        if col in table.absent:
            bad = True
        elif col in present and f"{table.shown(col)}.1" in present:
            problems.append(Problem(
                f"column '{table.shown(col)}' appears more than once in the file, so it is "
                "not clear which one to use.", table.where(column=col),
                "rename or remove the other column(s) in the file."))
            bad = True
        elif col not in present:
            close = difflib.get_close_matches(col, unused, n=1)
            alias = (f' If this file names the item differently, add items = {{ {col} = '
                     f'"<its column>" }} to {source.table}.' if col in study.items else "")
            problems.append(Problem(
                f"column '{col}' is not in the file.", table.where(),
                (f"did you mean '{close[0]}'? Rename the column in the spec or the file."
                 if close else "add the column to the file, or correct the column name in "
                 "the study spec.") + alias))
            bad = True
    return bad


def _duration(study: Study, table: RawTable, frame: pd.DataFrame,
              problems: list[Problem]) -> pd.Series | None:
    """Seconds per file row: the speeder column, the export's duration, or end - start."""
    q = study.quality
    column = q.speeder_column or table.column_for("duration")
    if column is not None:
        return _numbers(frame[column]) if column in frame else None
    start, end = table.column_for("start"), table.column_for("end")
    if start in frame and end in frame:
        with warnings.catch_warnings():  # "could not infer format": each cell parsed alone
            warnings.simplefilter("ignore", UserWarning)
            t0 = pd.to_datetime(frame[start], errors="coerce")
            t1 = pd.to_datetime(frame[end], errors="coerce")
        return (t1 - t0).dt.total_seconds()
    problems.append(Problem(
        "the speeder check is on but the file has no duration column.", table.where(),
        'add duration = "<duration in seconds>" to [columns] (every file) or columns = { '
        'duration = "..." } (or start and end times) to this source, or switch the check '
        "off ([quality.speeders] enabled = false)."))
    return None


def _respondent_checks(study: Study, table: RawTable, frame: pd.DataFrame,
                       problems: list[Problem]) -> dict[str, np.ndarray]:
    """Checks on whole file rows: test responses, speeders, attention checks, finished."""
    q, n = study.quality, len(frame)
    out: dict[str, np.ndarray] = {}
    status = q.test_column or study.columns.status or (
        table.column_for("status") if table.layout.startswith("qualtrics") else None)
    if q.test_responses and status is not None and status in frame:
        values = q.test_values or qc.QUALTRICS_TEST_STATUS
        accepted = set(qc.normalised_answers(pd.Series(values, dtype=object)))
        out["_test"] = qc.value_in_detail(frame[status], accepted, status, flag_if_in=True)
    if q.speeders:
        seconds = _duration(study, table, frame, problems)
        if seconds is not None:
            out["_speeder"] = qc.speeder_detail(seconds, q.speeder_seconds,
                                                q.speeder_median_share)
    detail = np.full(n, "", dtype=object)
    for check in q.attention_checks:
        if check.column not in frame:
            continue
        values = frame[check.column]
        expected = pd.Series(check.expected, dtype=object)
        compare = None
        if check.scale is not None and check.scale in study.scales:
            scale = study.scales[check.scale]  # compare codes: "Agree" and 4 are one answer
            compare = qc.normalised_answers(pd.Series(map_answers(values, scale).codes))
            expected = pd.Series(map_answers(expected, scale).codes, dtype=object)
        accepted = set(qc.normalised_answers(expected)) - {""}
        detail = qc.merge_details(detail, qc.value_in_detail(
            values, accepted, check.column, flag_if_in=False, expected=check.expected,
            compare=compare))
    if q.attention_checks:
        out["_attention"] = detail
    finished = table.column_for("finished")
    if q.incomplete and q.incomplete_finished and finished in frame:
        out["_finished"] = qc.finished_flags(frame[finished])
    return out


@dataclass(frozen=True)
class SourceRows:
    """The standard rows of one source and what the reconciliation needs of it.

    Attributes
    ----------
    frame : DataFrame or None
        One row per respondent x brand; None when a required column is missing (the file
        is then listed as not checked).
    file_rows : int
        Data rows in the file.
    brands : int
        Brands per file row (the brand loop's; 1 otherwise).
    personal : list of str
        The columns removed as personal data.
    """

    frame: pd.DataFrame | None
    file_rows: int
    brands: int
    personal: list[str]


def _usable_frame(study: Study, source: Source, table: RawTable,
                  problems: list[Problem]) -> tuple[pd.DataFrame, list[str], list, bool]:
    """The file's columns without personal data, named as in the spec; the brand loop.

    Column names differing from the spec's only by Unicode normalisation (an accent typed
    as one character or two) take the spec's spelling.  Declared personal columns go
    first; then, with a warning each, columns that look personal (:mod:`txscore.ingest.privacy`)
    among those the spec does not use.  Returns the frame, the removed columns, the
    brand-loop blocks (brand, {item: column}) and whether the loop has an error.
    """
    cols, items = study.columns, study.items_for(source.population)
    required = _required(study, source)
    spec_names = [*required, *study.items, *cols.personal]
    nfc = {unicodedata.normalize("NFC", c): c for c in spec_names}
    frame = table.frame.rename(columns={c: nfc[c] for c in table.frame.columns
                                        if c in nfc and nfc[c] != c and nfc[c] not in
                                        table.frame.columns})
    declared = privacy.scan(frame.iloc[:0], declared=cols.personal, used=frame.columns)
    frame = frame.drop(columns=declared.removed)
    blocks: list = []
    loop_error = False
    if source.brand_pattern:
        loop, loop_problems = find_loop([str(c) for c in frame.columns], source.brand_pattern,
                                        items, source.brands, table.where(), source.items)
        problems += loop_problems
        blocks = list(loop.items())
        loop_error = any(p.severity == "error" for p in loop_problems)
    loop_columns = [c for _, m in blocks for c in m.values() if c is not None]
    metadata = [c for c, role in table.roles.items() if role != "personal"]
    used = [*required, *study.items, *loop_columns, *metadata]
    check_used = [c for c in [cols.respondent_id, cols.brand] if c]
    found = privacy.scan(frame, used=used, roles=table.roles, check_used=check_used)
    problems += found.problems(lambda col: table.where(column=col))
    problems += privacy.segment_problems(frame, [c for c in cols.segments if c in frame],
                                         lambda col: table.where(column=col))
    return (frame.drop(columns=found.removed), declared.removed + found.removed, blocks,
            loop_error)


def _hostile_cells(study: Study, source: Source, table: RawTable, frame: pd.DataFrame,
                   loop_brands: list[str], problems: list[Problem]) -> None:
    """Excel error values in the id, brand or segment columns; a brand named like the
    total (errors); a header with no data rows (a warning)."""
    cols = study.columns
    if frame.empty:  # a wave nobody answered yet is possible: say so, do not stop
        problems.append(Problem(
            f"the file has column names (row {table.header_row}) but no data rows below "
            "them: it adds nothing to the scores.", table.where(),
            "if responses were expected, export them again (the export may have been "
            "filtered to no responses); otherwise remove the source from the study spec.",
            "warning"))
    for col in dict.fromkeys(c for c in (cols.respondent_id, cols.brand, *cols.segments)
                             if c in frame):
        bad = excel_errors(frame[col])
        if len(bad):
            shown = sorted({shorten(frame[col].iloc[p], 20) for p in bad[:20]})
            problems.append(Problem(
                f"{', '.join(shown[:3])}: Excel error value{'s' if len(shown) > 1 else ''} "
                f"in {len(bad)} row{'s' if len(bad) > 1 else ''} "
                f"({rows_text(table.rows(), bad)}).", table.where(column=col),
                "a formula failed in the workbook: correct it, or paste the values."))
    total = normalise_label(TOTAL)
    fix = (f"rename the brand: '{TOTAL}' is the label of the total over all brands in every "
           "table and chart, so the two would be confused.")
    if source.brand is not None and normalise_label(source.brand) == total:
        problems.append(Problem(f"the source's brand is '{source.brand}'.", table.where(),
                                fix.replace("rename the brand", "change brand = ... of this "
                                            "source in the study spec")))
    elif source.brand_pattern:
        for name in loop_brands:  # named in brands = {...} or by the column names
            if normalise_label(name) == total:
                problems.append(Problem(f"the brand loop has a brand named '{name}'.",
                                        table.where(), fix.replace(
                                            "rename the brand", "map it to another name in "
                                            "the source's brands table")))
    elif cols.brand in frame:
        named = [b for b in frame[cols.brand].dropna().unique()  # distinct brands only
                 if normalise_label(b) == total]
        hit = np.flatnonzero(frame[cols.brand].isin(named).to_numpy(bool))
        if len(hit):
            text = frame[cols.brand].astype(object)
            problems.append(Problem(
                f"brand '{shorten(text.iloc[hit[0]])}' in {len(hit)} row"
                f"{'s' if len(hit) > 1 else ''} ({rows_text(table.rows(), hit)}).",
                table.where(column=cols.brand), fix + " Correct the file."))


def source_rows(study: Study, source: Source, table: RawTable,
                problems: list[Problem]) -> SourceRows:
    """Standard columns, item codes and check details for one source; problems appended.

    Parameters
    ----------
    study : Study
        The spec.
    source : Source
        The source the table was read from.
    table : RawTable
        The file as read.
    problems : list of Problem
        Where every problem found is appended (located in the file).

    Returns
    -------
    SourceRows

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.ingest.readers import read_table
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> source = study.sources[0]
    >>> built = source_rows(study, source, read_table(source.path, source.sheet), [])
    >>> built.file_rows, built.brands, built.frame["source_row"].iloc[0]
    (3099, 1, np.int64(2))
    """
    study = rows_study(study, source)  # the source's roles under their canonical names
    frame, personal, loop_blocks, loop_error = _usable_frame(study, source, table, problems)
    n, cols = len(frame), study.columns
    items = study.items_for(source.population)
    required = _required(study, source)
    for note in table.notes:  # a duplicated header the spec does not use is only a warning
        if not any(note.message.startswith(f"column name '{table.shown(c)}' appears")
                   for c in required):
            problems.append(note)
    missing = _missing_columns(study, source, frame, table, problems)
    if source.brand_pattern:
        blocks = loop_blocks
        missing = missing or loop_error
    else:
        blocks = [(source.brand, {c: c for c in items})]
    _hostile_cells(study, source, table, frame, [b for b, _ in loop_blocks], problems)
    k = max(len(blocks), 1)
    weight = (_weights(frame, cols.weight, table, problems)
              if isinstance(cols.weight, str) and cols.weight in frame else None)
    checks = _respondent_checks(study, table, frame, problems)
    if missing:  # still map the columns that exist, so all their problems show in one run
        for _, mapping in blocks:
            for item, col in mapping.items():
                if col in frame:
                    scale = study.scales[study.items[item].scale]
                    unknown_labels(map_answers(frame[col], scale), table, col, scale, problems)
        return SourceRows(None, n, k, personal)
    pos = np.repeat(np.arange(n), k)
    out = _standard_columns(study, source, table, frame, blocks, pos, weight)
    coded = item_codes(study, items, table, frame, blocks, problems)
    out.update(coded.codes)
    out["_blank"] = (table.frame.isna().all(axis=1).to_numpy() if n else np.zeros(0, bool))[pos]
    if source.brand_pattern:
        out["_not_rated"] = _not_rated(source, table, items, blocks, coded, n,
                                       out["_blank"], problems)
    for name, detail in _check_details(study, items, checks, coded, pos, k).items():
        if (detail != "").any():  # only when some row fails: check() fills the others
            out[name] = pd.array(detail, dtype=object)
    return SourceRows(pd.DataFrame(out, copy=False), n, k, personal)  # arrays made here


def _standard_columns(study: Study, source: Source, table: RawTable, frame: pd.DataFrame,
                      blocks: list, pos: np.ndarray,
                      weight: np.ndarray | None) -> dict[str, Any]:
    """respondent_id, population, wave, brand, source file/sheet/row, weight and the
    segments of each row (``pos``: the file row of each output row)."""
    cols, n, k = study.columns, len(frame), max(len(blocks), 1)

    def text_column(col: str) -> pd.api.extensions.ExtensionArray:
        # string storage (no Python objects per row), missing as NaN like the other columns
        values = _text(frame[col]).astype("str").array
        return values if k == 1 else values.take(pos)

    import pyarrow as pa  # pandas' string storage: here already

    def repeated(text: str) -> pd.api.extensions.ExtensionArray:
        # one value on every row, in string storage at once (pandas would copy it n times)
        return pd.array(pa.repeat(pa.scalar(text, pa.large_string()), n * k), dtype="str")

    out: dict[str, Any] = {  # columns gathered first, the frame built once at the end
        "respondent_id": text_column(cols.respondent_id),
        "population": repeated(source.population),
        "wave": repeated(source.wave),
        "brand": (np.tile(np.array([b for b, _ in blocks], dtype=object), n)
                  if source.brand_pattern else repeated(source.brand)
                  if source.brand is not None else text_column(cols.brand)),
        "source_file": repeated(table.file),
        "source_sheet": repeated(table.sheet or ""),
        "source_row": table.rows()[pos] if n else np.zeros(0, np.int64),
    }
    out["weight"] = weight[pos] if weight is not None else np.full(
        n * k, cols.weight if isinstance(cols.weight, float) else 1.0)
    for seg in cols.segments:
        values = frame[seg]
        if isinstance(values.dtype, pd.CategoricalDtype) and values.cat.categories.dtype == "str":
            codes = values.cat.codes.to_numpy()  # text as the frame would make it: no objects
            out[seg] = values.cat.categories.array.take(codes if k == 1 else codes[pos],
                                                        allow_fill=True)
        elif values.dtype == "str":
            out[seg] = values.array if k == 1 else values.array.take(pos)
        else:
            out[seg] = values.astype(object).to_numpy()[pos]
    return out


def _not_rated(source: Source, table: RawTable, items: list[str], blocks: list,
               coded: Coded, n: int, blank: np.ndarray,
               problems: list[Problem]) -> np.ndarray:
    """Rows of a brand loop where the brand was not rated; a warning per brand nobody rated."""
    if n:
        for (brand, _), rated in zip(blocks, coded.rated_brand, strict=True):
            if not rated:
                problems.append(Problem(
                    f"brand '{brand}' has columns but no respondent rated it: it has no "
                    "scores from this file.", table.where(),
                    "nothing to do if the brand was not asked in this wave; otherwise check "
                    "the export (a filter or a skip logic may have hidden the answers).",
                    "warning"))
    rated = (np.column_stack([coded.answered[i] for i in items]).any(axis=1) if items
             else np.ones(n * max(len(blocks), 1), bool))
    return ~rated & ~blank


def _check_details(study: Study, items: list[str], checks: dict[str, np.ndarray],
                   coded: Coded, pos: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Why each row fails each respondent check ("" when it passes)."""
    q = study.quality
    details = {"_out_of_range": coded.out_of_range.ravel()}
    for name, detail in checks.items():
        if name != "_finished":
            details[name] = detail if k == 1 else detail[pos]
    if q.straightliners:
        details["_straightline"] = qc.straightliner_detail(
            pd.DataFrame(coded.raw), _grids(study, items), q.straightline_min_items)
    if q.incomplete:
        required = [i for i in (q.incomplete_items or items) if i in coded.answered]
        matrix = (np.column_stack([coded.answered[i] for i in required]) if required
                  else np.zeros((len(pos), 0), bool))
        finished = checks["_finished"][pos] if "_finished" in checks else None
        details["_incomplete"] = qc.incomplete_detail(matrix, q.incomplete_min_share, finished)
    return {name: np.asarray(detail, dtype=object) for name, detail in details.items()}


def _grids(study: Study, items: list[str]) -> dict[str, list[str]]:
    """The grids checked for straight-lining: as given, else the items of each scale."""
    q = study.quality
    if q.grids:
        return {f"#{i + 1}": [c for c in g if c in items]
                for i, g in enumerate(q.grids)}
    grids: dict[str, list[str]] = {}
    for item in items:
        grids.setdefault(study.items[item].scale, []).append(item)
    return grids


