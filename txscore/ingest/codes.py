"""Answers to scale codes.

One function, :func:`map_answers`, turns a column as read (numbers, numeric strings, text
labels, missing codes, blanks) into scale codes.  It works on the *distinct* values of the
column (a survey column has a handful), then maps them back to the rows in one vectorised
step, so its cost does not depend on how many respondents answered.

Rules (methodology.md, "Scales and item scores"):

* numbers and numeric strings are codes; a code listed as missing (99 = "Don't know")
  becomes missing, never zero;
* text matches any of the scale's labels (synonyms, every language) ignoring case, spaces
  and accents (:func:`txscore.study.normalise_label`); a missing label becomes missing;
* a number outside ``min..max`` that is not a missing code is *out of range*;
* text that matches no label is *unknown*: reported with its row count and first rows;
  :func:`describe_unknown` says when it is an Excel error value (``#N/A``) or a date
  rather than an answer, and :func:`excel_errors` finds error values in any column.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from txscore.errors import Problem, StudySpecError, shorten
from txscore.study import Scale, normalise_label

VALID, MISSING, OUT_OF_RANGE, UNKNOWN = 0, 1, 2, 3

#: what a cell shows when its formula failed (Excel, LibreOffice, Google Sheets)
EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!",
                "#UNKNOWN!", "#ERROR!")
_EXCEL_ERROR = re.compile("|".join(re.escape(e) for e in EXCEL_ERRORS), re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                   r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?: \d{1,2}:\d{2}(?::\d{2})?)?")


def is_excel_error(text: object) -> bool:
    """True for an Excel error value such as ``#N/A`` or ``#DIV/0!``.

    >>> is_excel_error(" #n/a"), is_excel_error("#DIV/0!"), is_excel_error("#1")
    (True, True, False)
    """
    return bool(_EXCEL_ERROR.fullmatch(str(text).strip()))


def excel_errors(values: pd.Series) -> np.ndarray:
    """Row positions holding an Excel error value (tested on the distinct values).

    >>> excel_errors(pd.Series(["4", "#N/A", None, "#DIV/0!", "#N/A"])).tolist()
    [1, 3, 4]
    """
    if pd.api.types.is_numeric_dtype(values):
        return np.zeros(0, dtype=np.int64)
    if isinstance(values.dtype, pd.CategoricalDtype):  # on the distinct values only
        bad = np.zeros(len(values.cat.categories) + 1, bool)
        bad[excel_errors(pd.Series(values.cat.categories, dtype=object))] = True
        return np.flatnonzero(bad[values.cat.codes.to_numpy()])  # code -1 (blank) -> False
    text = values if values.dtype == "str" else values.astype("string")
    maybe = text.str.contains("#", regex=False).fillna(False).to_numpy(bool)  # pre-filter
    if not maybe.any():
        return np.zeros(0, dtype=np.int64)
    codes, uniques = pd.factorize(values.to_numpy(dtype=object)[maybe])
    bad = np.array([is_excel_error(u) for u in uniques], dtype=bool)
    return np.flatnonzero(maybe)[bad[codes]]


def describe_unknown(text: str, scale: Scale) -> tuple[str, str]:
    """What an answer that matches no label is, and how to fix it: (message, fix).

    The message starts with the value (cut to 60 characters) and ends before the rows.

    >>> agree = Scale("agree5", 5, 1, 5, {1: "Disagree", 5: "Agree"})
    >>> describe_unknown("#N/A", agree)[0]
    "'#N/A' is an Excel error value, not an answer of scale 'agree5'"
    >>> describe_unknown("2026-01-05 00:00:00", agree)[0]
    "'2026-01-05 00:00:00' is a date, not an answer of scale 'agree5'"
    >>> describe_unknown("ann@example.com", agree)[0]  # personal data is never quoted
    "'<an e-mail address, hidden>' matches no label of scale 'agree5'"
    >>> describe_unknown("Agreed", agree)[1][60:120]  # a synonym of the closest label
    ' as a synonym: if it means 5, write 5 = ["Agree", "Agreed"] '
    """
    from txscore.ingest.privacy import redact

    shown = shorten(redact(text))
    if is_excel_error(text):
        return (f"'{shown}' is an Excel error value, not an answer of scale '{scale.name}'",
                "a formula failed in the workbook: correct it, or paste the answers as "
                "values; clear the cell if there is no answer.")
    if _DATE.fullmatch(text.strip()):
        return (f"'{shown}' is a date, not an answer of scale '{scale.name}'",
                "the cell is formatted as a date (Excel turns '1-5' into a date) or the "
                "column is not this question: format the column as Number and enter the "
                "code, or check which column the item names in [items].")
    labels = {normalise_label(t): (c, t) for c, t in [*scale.labels.items(),
                                                      *scale.missing.items()]}
    close = difflib.get_close_matches(normalise_label(text), list(labels), n=1, cutoff=0.75)
    code, label = labels[close[0]] if close else ("<code>", "<its label>")
    synonym = f'{code} = ["{label}", "{shorten(redact(text), 30)}"]'
    return (f"'{shown}' matches no label of scale '{scale.name}'",
            f"correct the answer in the file, or add it to [scales.{scale.name}] as a synonym"
            + (f": if it means {code}, write {synonym}" if close else f" of its code: "
               f"{synonym}") + " under labels (or under missing if it means no answer).")


@dataclass(frozen=True)
class MappedAnswers:
    """Codes (float, NaN for missing) and a status per row."""

    codes: np.ndarray
    status: np.ndarray  # int8: VALID, MISSING, OUT_OF_RANGE, UNKNOWN
    unknown: dict[str, np.ndarray]  # distinct unknown text -> row positions
    raw: pd.Series
    blank: np.ndarray | None = None  # True where the cell is empty (not even "Don't know")

    def out_of_range_rows(self) -> np.ndarray:
        """Row positions whose answer is outside the scale."""
        return np.flatnonzero(self.status == OUT_OF_RANGE)


def _label_lookup(scale: Scale) -> dict[str, float]:
    """Normalised label -> code (NaN for missing labels), over every accepted label
    (synonyms and translations: :attr:`Scale.accepted`, :attr:`Scale.missing_accepted`).

    Two codes whose labels normalise alike ("Agree" / "agree ", "Très" / "Tres") would make
    the mapping a silent pick: that is a spec error (read_study reports it for TOML specs;
    this catches specs built in Python).
    """
    lookup: dict[str, float] = {}
    codes: dict[str, int] = {}
    entries = [(c, t, float(c)) for c, ts in scale.accepted.items() for t in ts]
    entries += [(c, t, np.nan) for c, ts in scale.missing_accepted.items() for t in ts]
    for code, text, value in entries:
        key = normalise_label(text)
        if key in codes and codes[key] != code:
            raise StudySpecError(f"Scale '{scale.name}' has ambiguous labels", [Problem(
                f"label '{text}' is used for codes {codes[key]} and {code} (labels are "
                "compared ignoring case, spaces and accents).", f"[scales.{scale.name}]",
                "give each code its own label.")])
        codes[key] = code
        lookup[key] = value
    return lookup


_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def _parse_number(text: str) -> float | None:
    """A plain decimal number ("6", "6.0", "6,0"); not "nan", "inf" or "1e3"."""
    return float(text.replace(",", ".")) if _NUMBER.match(text) else None


def classify(value: object, scale: Scale, lookup: dict[str, float]) -> tuple[float, int]:
    """Code and status of one distinct answer value."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return np.nan, MISSING
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number: float | None = float(value)
    else:
        text = str(value).strip()
        if not text:
            return np.nan, MISSING
        number = _parse_number(text)
        if number is None:
            key = normalise_label(text)
            if key in lookup:
                code = lookup[key]
                return code, MISSING if np.isnan(code) else VALID
            return np.nan, UNKNOWN
    if number in scale.missing:
        return np.nan, MISSING
    if number.is_integer() and scale.min <= number <= scale.max:
        return number, VALID
    return np.nan, OUT_OF_RANGE


def map_answers(column: pd.Series, scale: Scale, *, reversed_item: bool = False) -> MappedAnswers:
    """Map one column of answers to the codes of ``scale``.

    Parameters
    ----------
    column : pandas.Series
        The answers as read: numbers, numeric text, labels or blanks.
    scale : Scale
        The item's scale.
    reversed_item : bool
        Recode valid answers as ``min + max - x`` (a negatively worded item).

    Returns
    -------
    MappedAnswers

    Examples
    --------
    >>> from txscore.study import Scale
    >>> agree = Scale("agree5", 5, 1, 5, {1: "Disagree", 5: "Agree"}, {99: "Don't know"})
    >>> m = map_answers(pd.Series(["5", " agree ", 99, "Don't know", 7, None]), agree)
    >>> m.codes.tolist()
    [5.0, 5.0, nan, nan, nan, nan]
    >>> m.status.tolist()  # 0 valid, 1 missing, 2 out of range
    [0, 0, 1, 1, 2, 1]
    >>> fr = Scale("fr5", 5, 1, 5, {5: "Agree"}, {99: "Don't know"},
    ...            accepted={5: ("Tout à fait d'accord",)}, missing_accepted={99: ("NSP",)})
    >>> map_answers(pd.Series(["TOUT A FAIT  d'accord", "nsp"]), fr).codes.tolist()
    [5.0, nan]
    """
    if _plain_numbers(column):
        return _map_numbers(column, scale, reversed_item)
    lookup = _label_lookup(scale)
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes_idx = column.cat.codes.to_numpy()
        uniques = column.cat.categories.to_numpy(dtype=object)
    else:  # string columns factorise on their own (Arrow) storage: no Python objects
        codes_idx, uniques = pd.factorize(column, use_na_sentinel=True)
        codes_idx = np.asarray(codes_idx)
        uniques = np.asarray(uniques, dtype=object)
    table = [classify(u, scale, lookup) for u in uniques]  # loop over distinct values only
    code_of = np.array([c for c, _ in table] + [np.nan], dtype=float)
    status_of = np.array([s for _, s in table] + [MISSING], dtype=np.int8)
    codes = code_of[codes_idx]  # sentinel -1 picks the appended "missing" entry
    status = status_of[codes_idx]
    blank_of = np.array([isinstance(u, str) and not u.strip() for u in uniques] + [True])
    blank = blank_of[codes_idx]
    if reversed_item:
        codes = scale.min + scale.max - codes
    unknown = {str(u): np.flatnonzero(codes_idx == k)
               for k, (u, (_, st)) in enumerate(zip(uniques, table, strict=True))
               if st == UNKNOWN}
    return MappedAnswers(codes, status, unknown, column, blank)


def _plain_numbers(column: pd.Series) -> bool:
    """A numeric column (numpy or nullable integers / floats, not booleans)."""
    dtype = column.dtype
    return (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
            and not isinstance(dtype, pd.CategoricalDtype))


def _map_numbers(column: pd.Series, scale: Scale, reversed_item: bool) -> MappedAnswers:
    """:func:`map_answers` for a numeric column: the same rules as :func:`classify`, as
    array operations (no distinct-value table, no Python objects)."""
    if pd.api.types.is_integer_dtype(column.dtype) and not column.hasnans and len(column):
        ints = column.to_numpy()
        low, high = int(ints.min()), int(ints.max())
        if high - low < 4096:  # a table of the few codes present, indexed by the answer
            table = _map_numbers(pd.Series(np.arange(low, high + 1, dtype=float)), scale,
                                 reversed_item)
            at = ints - low
            return MappedAnswers(table.codes[at], table.status[at], {}, column,
                                 np.zeros(len(ints), bool))
    values = column.to_numpy(dtype=float, na_value=np.nan)
    absent = np.isnan(values)
    declared_missing = np.isin(values, np.array(list(scale.missing), dtype=float))
    valid = ((values >= scale.min) & (values <= scale.max) & (values == np.floor(values))
             & ~declared_missing)
    status = np.full(len(values), OUT_OF_RANGE, dtype=np.int8)
    status[valid] = VALID
    status[absent | declared_missing] = MISSING
    codes = np.where(valid, values, np.nan)
    if reversed_item:
        codes = scale.min + scale.max - codes
    return MappedAnswers(codes, status, {}, column, absent)
