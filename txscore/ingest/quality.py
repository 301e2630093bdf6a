"""Respondent checks and the exclusions ledger.

Every input row ends up either in the scored data or in the ledger with one reason (the
first that applies, in the order of :data:`REASONS`) and a detail.  The checks are
vectorised over rows; each ``*_detail`` function returns one detail per row, empty when the
row passes, so the ledger can say *why* (``"duration_below(42<60)"``).

Reasons and details are codes, never sentences: :mod:`txscore.reporting.text` puts them
into English or French words (the workbook's Exclusions sheet, ``txscore validate``); the
machine-readable outputs (``Responses.exclusions``, ``txscore score --format csv|json``)
keep the codes.  A detail is one or more codes of :data:`DETAILS`, ";"-joined, each
``code[:subject][(arguments)]`` -- the notation of the statistics' codes:

* ``subject`` names a column, a grid or a file; ``arguments`` are separated by ``<``
  (below), ``*`` (times), ``/`` (of) or ``,`` and read in that order; ``|`` separates the
  alternatives of one argument (the expected answers of an attention check);
* numbers are written with a ``.`` decimal point; answers and cells are quoted *as written*
  in the file, as text;
* ``%``, ``;``, ``(``, ``)`` and control characters in a subject, and those plus ``<``,
  ``*``, ``/``, ``,`` and ``|`` in an argument, are written ``%XX`` (their code point in
  hex), so any file name, column name or answer parses back exactly.  A detail starts with
  a code name (a letter), so no spreadsheet takes a csv cell of it for a formula.

=========================================  ==============================================
``answer:Status(Survey Preview)``          the column holds that answer (as written)
``blank:attn``                             the column is blank
``expected:attn(Agree|4)``                 the answers an attention check accepts
``same_id_as:customers_w1.xlsx(17)``       the earlier row of that file that has the id
``duration_below(42<60)``                  duration 42 s, below the limit of 60 s
``duration_below_median(80<0.5*190)``      duration 80 s, below 0.5 x the median 190 s
``straightline:agree5(4,3/4)``             the same answer 4 on 3 answered of 4 items
``outside_scale:fit_2(77)``                an answer code outside the scale (as written)
``answered_share(2/9<0.5)``                2 of 9 required items answered, below 50%
``not_finished``                           the export's Finished column says not finished
=========================================  ==============================================

A test response's detail is ``answer`` (or ``blank``), a failed attention check's ``answer``
or ``blank`` followed by ``expected``; out-of-range rows have one ``outside_scale`` per
cell.

Checks (each switchable in the spec's ``[quality]`` table, methodology.md "Data quality"):

* test / preview responses (Qualtrics Status = Survey Preview, or a column and values);
* duplicate respondent ids within population x wave x brand: the first row in file order
  keeps the id, even when it is excluded for another reason, and later rows are duplicates;
* speeders: duration below an absolute limit, or below a share of the file's median;
* failed attention checks (an answer outside the expected ones; blank fails);
* straight-liners: the same answer on every answered item of a grid of at least N items;
* out-of-range codes;
* incomplete: too small a share of the required items answered, or not finished;
* no scored answer at all.

Reconciliation is per file and per *input row of the scored table*: for a brand loop
(one file row per respondent, columns per brand) a file row becomes one row per brand of
the loop, so ``rows_in = file_rows x brands``; the brands a respondent did not rate are
ledgered as ``brand_not_rated``.  Either way, ``rows_in = scored + excluded``.  The same
account is kept in *respondents* (distinct file rows): ``respondents_in =
respondents_scored + respondents_excluded``, where a respondent is scored when at least one
of their rows is, and excluded when every one is (:func:`reconcile`).  The ledger keeps one
line per excluded row, so 5 duplicated respondents of a 3-brand loop are 15 lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from txscore.study import Study, normalise_label

#: Exclusion reasons (codes) in the order they are tested; a row gets the first that applies.
REASONS = ("blank_row", "missing_id", "missing_brand", "brand_not_rated", "test_response",
           "duplicate_id", "speeder", "attention_check", "straightliner", "out_of_range",
           "incomplete", "no_answers")

#: The codes a ledger detail is made of (module docstring: the notation and arguments).
DETAILS = ("answer", "blank", "expected", "same_id_as", "duration_below",
           "duration_below_median", "straightline", "outside_scale", "answered_share",
           "not_finished")

#: Helper column of the combined rows holding the detail of each check ("" = passes).
DETAIL_COLUMNS = {"test_response": "_test", "speeder": "_speeder",
                  "attention_check": "_attention", "straightliner": "_straightline",
                  "out_of_range": "_out_of_range", "incomplete": "_incomplete"}

LEDGER_COLUMNS = ["source_file", "source_sheet", "source_row", "population", "wave",
                  "respondent_id", "brand", "reason", "detail"]

#: Qualtrics Status values of test responses (text export, numeric export).
QUALTRICS_TEST_STATUS = ("Survey Preview", "Survey Test", "1", "2")

_KEY = ["population", "wave", "respondent_id", "brand"]


# ---------------------------------------------------------------------- helpers
def _number_text(values: pd.Series) -> pd.Series:
    """Numbers printed without a useless ".0" (42.0 -> "42", 42.5 -> "42.5")."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    whole = np.isfinite(v) & (v % 1 == 0)
    out = v.round(1).astype(str)
    out[whole] = v[whole].astype(np.int64).astype(str)
    return out


def _number(value: float) -> str:
    """A limit or a median in a detail: 60 -> "60", 0.5 -> "0.5", 1234567.0 -> "1234567".

    >>> _number(60.0), _number(0.333), _number(1234567.0)
    ('60', '0.333', '1234567')
    """
    return str(int(value)) if float(value).is_integer() else f"{value:.10g}"


_SUBJECT_RESERVED = re.compile(r"[%;()\x00-\x1f\x7f]")
_ARG_RESERVED = re.compile(r"[%;()<*/,|\x00-\x1f\x7f]")


def _hex(match: re.Match) -> str:
    return f"%{ord(match[0]):02X}"


def quote_subject(text: object) -> str:
    """A column, grid or file name as the subject of a detail code (module docstring).

    >>> quote_subject("customers (1).xlsx")
    'customers %281%29.xlsx'
    """
    return _SUBJECT_RESERVED.sub(_hex, str(text))


def quote_arg(text: object) -> str:
    """A text (an answer as written) as an argument of a detail code.

    >>> quote_arg("=1/2; or (3)")
    '=1%2F2%3B or %283%29'
    """
    return _ARG_RESERVED.sub(_hex, str(text))


def _quoted_args(values: pd.Series) -> pd.Series:
    """:func:`quote_arg` of each value, worked out once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    table = np.array([quote_arg(u) for u in uniques] + [""], dtype=object)
    return pd.Series(table[np.asarray(codes)], index=values.index, dtype=object)


def normalised_answers(values: pd.Series) -> np.ndarray:
    """Each answer in comparable form: numbers as "5", text via normalise_label, blank "".

    Works on the distinct values, then maps back (cost independent of the row count).

    >>> normalised_answers(pd.Series([" Survey PREVIEW", 1.0, "2", None])).tolist()
    ['survey preview', '1', '2', '']
    """
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    table = []
    for u in uniques:  # a loop over distinct values only
        text = str(u).strip()
        try:
            number = float(text.replace(",", "."))
            table.append(f"{number:g}" if np.isfinite(number) else normalise_label(text))
        except ValueError:
            table.append(normalise_label(text))
    return np.array([*table, ""], dtype=object)[codes]


def _detail(flag: np.ndarray, text: pd.Series | str, n: int) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    if flag.any():
        out[flag] = text[flag].to_numpy(dtype=object) if isinstance(text, pd.Series) else text
    return out


def merge_details(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Keep ``first`` where it says something, else ``second``."""
    return np.where(first != "", first, second)


# ---------------------------------------------------------------------- checks
def speeder_detail(duration: pd.Series, min_seconds: float | None = None,
                   median_share: float | None = None) -> np.ndarray:
    """Rows whose duration is below ``min_seconds`` or below ``median_share`` x median.

    The median is over the rows given (one file); a missing duration never flags.

    Examples
    --------
    >>> speeder_detail(pd.Series([30, 300, 500, 80.0]), 60, 0.5).tolist()
    ['duration_below(30<60)', '', '', 'duration_below_median(80<0.5*190)']
    """
    d = pd.to_numeric(duration, errors="coerce").astype(float)
    n = len(d)
    out = np.full(n, "", dtype=object)
    if min_seconds is not None:
        out = _detail((d < min_seconds).to_numpy(),
                      "duration_below(" + _number_text(d) + f"<{_number(min_seconds)})", n)
    if median_share is not None and d.notna().any():
        median = float(d.median())
        rel = _detail((d < median_share * median).to_numpy(),
                      "duration_below_median(" + _number_text(d)
                      + f"<{_number(median_share)}*{_number(median)})", n)
        out = merge_details(out, rel)
    return out


def straightliner_detail(codes: pd.DataFrame, grids: dict[str, list[str]],
                         min_items: int) -> np.ndarray:
    """Rows giving the same answer to every answered item of a grid of >= ``min_items``.

    ``codes`` holds the answers as codes *before* reversal (a straight-liner ticks the
    same box whatever the wording), NaN for no answer.

    Examples
    --------
    >>> codes = pd.DataFrame({"a": [4, 4, 4], "b": [4, 2, None], "c": [4, 4, 4.0]})
    >>> straightliner_detail(codes, {"agree5": ["a", "b", "c"]}, 3).tolist()
    ['straightline:agree5(4,3/3)', '', '']
    """
    n = len(codes)
    out = np.full(n, "", dtype=object)
    for name, cols in grids.items():  # a loop over grids, not respondents
        if len(cols) < min_items:
            continue
        x = codes[cols].to_numpy(dtype=float)
        answered = np.isfinite(x)
        k = answered.sum(axis=1)
        hi = np.where(answered, x, -np.inf).max(axis=1)
        lo = np.where(answered, x, np.inf).min(axis=1)
        flag = (k >= min_items) & (hi == lo)
        text = (f"straightline:{quote_subject(name)}(" + _number_text(pd.Series(hi)) + ","
                + pd.Series(k).astype(str) + f"/{len(cols)})")
        out = merge_details(out, _detail(flag, text, n))
    return out


def incomplete_detail(answered: np.ndarray, min_share: float,
                      finished: np.ndarray | None = None) -> np.ndarray:
    """Rows answering less than ``min_share`` of the required items, or not finished.

    ``answered`` is rows x required items (True where the cell holds any answer,
    "Don't know" included); ``finished`` is False where the export says not finished.

    Examples
    --------
    >>> answered = np.array([[True, True, False, False], [True, True, True, False]])
    >>> incomplete_detail(answered, 0.75, np.array([True, False])).tolist()
    ['answered_share(2/4<0.75)', 'not_finished']
    """
    n = answered.shape[0]
    k = answered.sum(axis=1)
    total = answered.shape[1]
    out = np.full(n, "", dtype=object)
    if total:
        share = k / total
        text = ("answered_share(" + pd.Series(k).astype(str) + f"/{total}<{_number(min_share)})")
        out = _detail(share < min_share - 1e-12, text, n)
    if finished is not None:
        out = merge_details(out, _detail(~np.asarray(finished, bool), "not_finished", n))
    return out


def value_in_detail(values: pd.Series, accepted: set[str], column: str, *,
                    flag_if_in: bool, expected: Sequence[object] = (),
                    compare: np.ndarray | None = None) -> np.ndarray:
    """Rows whose answer is (or is not) one of ``accepted`` (normalised forms).

    Used for test responses (``flag_if_in=True``: the value marks a test) and attention
    checks (``flag_if_in=False``: any other answer, blank included, fails).  ``compare``
    replaces the normalised answers in the test (e.g. answers mapped to scale codes);
    the detail always quotes the answer as written (``answer:<column>(<answer>)``, or
    ``blank:<column>``), followed by ``expected:<column>(<a>|<b>)`` when ``expected``
    (the answers as the spec gives them) is given.

    >>> value_in_detail(pd.Series(["Survey Preview", "IP Address"]), {"survey preview"},
    ...                 "Status", flag_if_in=True).tolist()
    ['answer:Status(Survey Preview)', '']
    >>> value_in_detail(pd.Series(["No", None]), {"agree"}, "attn", flag_if_in=False,
    ...                 expected=["Agree", 4]).tolist()
    ['answer:attn(No);expected:attn(Agree|4)', 'blank:attn;expected:attn(Agree|4)']
    """
    norm = normalised_answers(values) if compare is None else compare
    hit = np.isin(norm, list(accepted))
    flag = hit if flag_if_in else ~hit
    shown = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    subject = quote_subject(column)
    then = (f";expected:{subject}(" + "|".join(quote_arg(e) for e in expected) + ")"
            if len(expected) else "")
    text = f"answer:{subject}(" + _quoted_args(shown) + ")" + then
    return _detail(flag, text.where(shown != "", f"blank:{subject}{then}"), len(values))


def out_of_range_detail(column: str, shown: Sequence[str]) -> np.ndarray:
    """``outside_scale:<column>(<cell as written>)`` for each out-of-range cell of a column.

    >>> out_of_range_detail("eff_1", ["8", "77"]).tolist()
    ['outside_scale:eff_1(8)', 'outside_scale:eff_1(77)']
    """
    subject = quote_subject(column)
    return np.array([f"outside_scale:{subject}({quote_arg(v)})" for v in shown], dtype=object)


def finished_flags(values: pd.Series) -> np.ndarray:
    """True where an export's Finished column says finished (or is blank / unknown).

    >>> finished_flags(pd.Series(["True", "0", 1.0, "FALSE", None])).tolist()
    [True, False, True, False, True]
    """
    norm = normalised_answers(values)
    return ~np.isin(norm, ["false", "0", "no", "non", "faux"])


# ---------------------------------------------------------------------- ledger
def exclusion_masks(rows: pd.DataFrame, study: Study, items: list[str],
                    details: dict[str, pd.Series] | None = None) -> dict[str, np.ndarray]:
    """One boolean mask per reason (before precedence is applied).

    ``rows`` holds the standard columns, the item codes, ``_blank`` (no cell in the input
    row), ``_not_rated`` (a brand the respondent did not rate, in a brand loop) and the
    detail columns of :data:`DETAIL_COLUMNS` (detail codes, empty when the row passes).  When
    ``details`` is given, it receives the duplicate detail (``same_id_as:<file>(<row>)``).
    """
    q = study.quality
    rid = rows["respondent_id"]
    n = len(rows)
    masks = {
        "blank_row": rows["_blank"].to_numpy(bool),
        "missing_id": _blank_text(rid),
        "missing_brand": _blank_text(rows["brand"]),
        "brand_not_rated": rows["_not_rated"].to_numpy(bool) if "_not_rated" in rows
        else np.zeros(n, bool),
    }
    switches = {"test_response": q.test_responses, "speeder": q.speeders,
                "attention_check": bool(q.attention_checks),
                "straightliner": q.straightliners, "out_of_range": q.out_of_range,
                "incomplete": q.incomplete}
    for reason, col in DETAIL_COLUMNS.items():
        if switches[reason] and col in rows:
            masks[reason] = (rows[col] != "").to_numpy()
    if q.duplicates:
        masks["duplicate_id"], dup_detail = _duplicates(rows, masks)
        if details is not None:
            details["duplicate_id"] = dup_detail
    if q.no_answers and items:
        masks["no_answers"] = np.logical_and.reduce(
            [rows[c].isna().to_numpy() for c in items])
    return masks


def _blank_text(values: pd.Series) -> np.ndarray:
    """True where a cell is missing or only spaces (tested on the distinct values).

    >>> _blank_text(pd.Series(["a", " ", None, "a"])).tolist()
    [False, True, True, False]
    """
    if isinstance(values.dtype, pd.StringDtype):  # vectorised on the string storage
        return (values.isna() | values.str.strip().eq("")).to_numpy(bool)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    blank = np.array([not str(u).strip() for u in uniques] + [True], dtype=bool)
    return blank[np.asarray(codes)]


def _group_codes(rows: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One integer per distinct combination of ``columns`` (missing is a value of its own).

    Each column is factorised once; codes are combined arithmetically and compacted only
    when the product of the cardinalities nears the int64 range.

    >>> _group_codes(pd.DataFrame({"a": ["x", "x", "y"], "b": [1, 1, 1]}), ["a", "b"]).tolist()
    [0, 0, 1]
    """
    code = np.zeros(len(rows), dtype=np.int64)
    size = 1
    for col in columns:
        part, uniques = pd.factorize(rows[col], use_na_sentinel=False)
        m = len(uniques)
        if m <= 1:
            continue
        if size * m >= 2**62:
            code, kept = pd.factorize(code)
            size = len(kept)
        code = code * m + np.asarray(part, dtype=np.int64)
        size *= m
    return code


def _duplicates(rows: pd.DataFrame, masks: dict[str, np.ndarray]) -> tuple[
        np.ndarray, pd.Series]:
    """Later rows repeating an id (same population, wave, brand), and the detail.

    Rows already out for an earlier reason (blank, no id, a brand not rated, a test
    response) neither count as the first nor as a repeat.  The key columns are factorised
    to one integer per row, so the test is a pass over integers whatever the id type.
    """
    n = len(rows)
    gone = masks["blank_row"] | masks["missing_id"] | masks["brand_not_rated"] | masks.get(
        "test_response", np.zeros(n, bool))
    eligible = np.flatnonzero(~gone)
    key = pd.factorize(_group_codes(rows, _KEY)[eligible])[0]
    dup = pd.Series(key).duplicated(keep="first").to_numpy()
    out = np.zeros(n, bool)
    out[eligible[dup]] = True
    if not dup.any():
        return out, pd.Series([], index=rows.index[:0], dtype=object)
    first_of = np.empty(key.max() + 1, dtype=np.int64)
    first_of[key[~dup][::-1]] = eligible[~dup][::-1]  # the earliest row of each key wins
    first = first_of[key[dup]]
    files = rows["source_file"].iloc[first].to_numpy(dtype=object)  # the few repeated
    lines = rows["source_row"].to_numpy()[first]
    detail = [f"same_id_as:{quote_subject(f)}({r})" for f, r in zip(files, lines, strict=True)]
    return out, pd.Series(detail, index=rows.index[out], dtype=object)


def split_excluded(rows: pd.DataFrame, study: Study, items: list[str]) -> tuple[
        pd.DataFrame, pd.DataFrame]:
    """Split rows into the kept data and the ledger.

    Returns
    -------
    kept : DataFrame
        Rows that pass every check (helper columns, named ``_...``, dropped).
    ledger : DataFrame
        One line per excluded row (:data:`LEDGER_COLUMNS`): provenance, respondent id,
        brand, ``reason`` (a code of :data:`REASONS`) and ``detail`` (codes of
        :data:`DETAILS`, "" for the reasons that need none).  Codes, not words: the
        ledger is machine-readable as it is (csv, json); :mod:`txscore.reporting.text`
        gives its words (``words_for(language).reason_texts``, ``.detail(...)``).
    """
    dup_detail: dict[str, pd.Series] = {}
    masks = exclusion_masks(rows, study, items, dup_detail)
    names = list(REASONS)
    first = np.full(len(rows), len(names), dtype=np.int64)  # precedence: first reason wins
    for i in range(len(names) - 1, -1, -1):
        if names[i] in masks:
            first[masks[names[i]]] = i
    excluded = first < len(names)
    at = np.flatnonzero(excluded)
    reason = np.array(names, dtype=object)[first[at]]
    detail = np.full(len(at), "", dtype=object)
    for name, col in DETAIL_COLUMNS.items():
        hit = reason == name
        if hit.any():
            detail[hit] = rows[col].to_numpy(dtype=object)[at[hit]]
    dup = reason == "duplicate_id"
    if dup.any():
        detail[dup] = dup_detail["duplicate_id"].reindex(rows.index[at[dup]]).to_numpy()
    ledger = rows.iloc[at][["source_file", "source_sheet", "source_row", "population",
                            "wave", "respondent_id", "brand"]].copy()
    ledger["reason"] = reason
    ledger["detail"] = detail
    helpers = [c for c in rows.columns if str(c).startswith("_")]
    kept = rows.drop(columns=helpers)
    if len(at):
        kept = kept.iloc[np.flatnonzero(~excluded)]
    return kept.reset_index(drop=True), ledger.reset_index(drop=True)[LEDGER_COLUMNS]


def reconcile(files: pd.DataFrame, kept: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Per-file reconciliation in rows and in respondents, with counts per reason.

    A *row* is a respondent x brand row of the scored table; a *respondent* is a distinct
    file row (``source_file``, ``source_sheet``, ``source_row``): in a brand loop one
    respondent gives one row per brand, elsewhere a respondent is one row.

    Parameters
    ----------
    files : DataFrame
        One row per source: ``source_file``, ``source_sheet``, ``population``, ``wave``,
        ``rows_in`` (for a brand loop, file rows x brands) and, when known, ``file_rows``
        (the respondents read; else the distinct file rows of ``kept`` and ``ledger``).
    kept, ledger : DataFrame
        The scored rows and the ledger (:func:`split_excluded`), with the provenance
        columns.

    Returns
    -------
    DataFrame
        ``files`` with ``scored``, ``excluded`` (rows), ``respondents_in``,
        ``respondents_scored`` (at least one row scored), ``respondents_excluded`` (every
        row excluded), one row count per reason of :data:`REASONS` (columns named by the
        reason) and one respondent count per reason (``<reason>_respondents``: respondents
        with at least one row excluded for it; one respondent can count under several
        reasons, and a brand loop respondent partly scored counts there too), then
        ``reconciles``: rows_in = scored + excluded and respondents_in =
        respondents_scored + respondents_excluded.

    Examples
    --------
    >>> prov = ["source_file", "source_sheet", "source_row"]
    >>> kept = pd.DataFrame([["a.csv", "", 2], ["a.csv", "", 2]], columns=prov)
    >>> ledger = pd.DataFrame([["a.csv", "", 2, "brand_not_rated"],
    ...                        ["a.csv", "", 3, "duplicate_id"],
    ...                        ["a.csv", "", 3, "duplicate_id"],
    ...                        ["a.csv", "", 3, "duplicate_id"]], columns=[*prov, "reason"])
    >>> files = pd.DataFrame({"source_file": ["a.csv"], "source_sheet": [""],
    ...                       "file_rows": [2], "rows_in": [6]})
    >>> out = reconcile(files, kept, ledger).iloc[0]
    >>> out[["rows_in", "scored", "excluded", "duplicate_id"]].astype(int).tolist()
    [6, 2, 4, 3]
    >>> out[["respondents_in", "respondents_scored", "respondents_excluded",
    ...      "duplicate_id_respondents", "brand_not_rated_respondents"]].astype(int).tolist()
    [2, 1, 1, 1, 1]
    >>> bool(out["reconciles"])
    True
    """
    key = ["source_file", "source_sheet"]
    out = files.copy()
    scored = kept.groupby(key, dropna=False).size().rename("scored")
    out = out.merge(scored, left_on=key, right_index=True, how="left")
    counts = ledger.groupby(key + ["reason"], dropna=False).size().unstack("reason")
    counts = counts.reindex(columns=list(REASONS), fill_value=0)
    out = out.merge(counts, left_on=key, right_index=True, how="left")
    out = out.merge(_respondents(kept, ledger), left_on=key, right_index=True, how="left")
    per_reason = [f"{r}_respondents" for r in REASONS]
    cols = ["scored", *REASONS, "_seen", "respondents_scored", *per_reason]
    out[cols] = out[cols].fillna(0).astype(int)
    out["excluded"] = out[list(REASONS)].sum(axis=1)
    out["respondents_in"] = out["file_rows"].astype(int) if "file_rows" in out else out["_seen"]
    out["respondents_excluded"] = out["_seen"] - out["respondents_scored"]
    out["reconciles"] = ((out["rows_in"] == out["scored"] + out["excluded"])
                         & (out["respondents_in"]
                            == out["respondents_scored"] + out["respondents_excluded"]))
    first = [c for c in out.columns if c not in [*cols, "excluded", "respondents_in",
                                                 "respondents_excluded", "reconciles"]]
    return out[[*first, "scored", "excluded", "respondents_in", "respondents_scored",
                "respondents_excluded", *REASONS, *per_reason, "reconciles"]]


def _respondents(kept: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Per file (source_file, source_sheet): the file rows seen (``_seen``), those with a
    row kept (``respondents_scored``) and, per reason, those with a row ledgered for it."""
    key = ["source_file", "source_sheet"]
    row = [*key, "source_row"]
    seen = pd.concat([kept[row], ledger[row]], ignore_index=True)
    # one integer per file row: whether any of its rows was kept, and its file, as arrays
    code = _group_codes(seen, row)
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    anyone = np.bincount(inverse, weights=np.arange(len(seen)) < len(kept),
                         minlength=len(first)) > 0
    people = seen.iloc[first][key].assign(_kept=anyone).groupby(key, dropna=False).agg(
        _seen=("_kept", "size"), respondents_scored=("_kept", "sum"))
    by_reason = (ledger[[*row, "reason"]].drop_duplicates()
                 .groupby(key + ["reason"], dropna=False).size().unstack("reason")
                 .reindex(columns=list(REASONS), fill_value=0))
    by_reason.columns = [f"{r}_respondents" for r in REASONS]
    return people.join(by_reason, how="outer")
