"""Ingest in parts: a study's files read one task each, their rows spread by respondent id.

The engine that scores a study on several processes (:mod:`txscore.scoring.study_engine`,
in process or on Dask) runs :func:`txscore.ingest.load.file_rows` on each source file as one
task, then spreads the rows into *buckets* by a hash of the respondent id
(:func:`spread_rows`): every row carrying one id, in any file, lands in one bucket, so the
duplicate test and the respondent clusters are whole there. Each bucket is split into
scored rows and the ledger by :func:`txscore.ingest.quality.split_excluded`, the in-memory
function, on its rows in the in-memory order (files in the spec's order, rows in file order):
the first row of a repeated id wins exactly as in memory. The per-file reconciliation is
a sum of per-bucket counts (:func:`bucket_counts`, :func:`reconcile_counts`): a file row
(one respondent, all its brands) is in one bucket.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from txscore.ingest import quality as qc
from txscore.study import Study

__all__ = ["ORDER", "bucket_counts", "compact", "reconcile_counts", "restore", "split_bucket",
           "spread_rows", "uncoded"]

#: the column holding a row's place in the in-memory order (file index, row in file)
ORDER = "_order"
#: an item code held in one byte: no answer
_NA8 = -128


def compact(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows held between tasks in less memory: every text column but the respondent id as
    a categorical of its values in order of appearance (a brand, a wave, a file name or an
    empty check detail is a code of one or two bytes, not a string a row), item codes
    (``Int16``) in one byte when they fit, no index; :func:`restore` gives the columns back
    as they were read.

    Examples
    --------
    >>> rows = pd.DataFrame({"respondent_id": ["a", "b"], "brand": ["Acme", None]})
    >>> small = compact(rows)
    >>> str(small["brand"].dtype), restore(small)["brand"].tolist()
    ('category', ['Acme', nan])
    >>> restore(small)["brand"].dtype == rows["brand"].dtype
    True
    """
    text = [c for c in rows.columns if c != "respondent_id" and (
        rows[c].dtype == object or pd.api.types.is_string_dtype(rows[c].dtype))
        and not isinstance(rows[c].dtype, pd.CategoricalDtype)]
    coded = {}
    for col in text:
        codes, uniques = pd.factorize(rows[col], use_na_sentinel=True)
        coded[col] = pd.Categorical.from_codes(codes, categories=uniques)  # uniques: its dtype
    for col in rows.columns:  # item codes: one byte, -128 for no answer, when they fit
        if rows[col].dtype == "Int16":
            values = rows[col].to_numpy(dtype=np.int16, na_value=_NA8)
            if len(values) and (values.min() < _NA8 or values.max() > 127 or (
                    (values == _NA8) != rows[col].isna().to_numpy()).any()):
                continue
            coded[col] = values.astype(np.int8)
    out = rows.assign(**coded) if coded else rows
    return out.reset_index(drop=True)  # no index of 8 bytes a row


def restore(rows: pd.DataFrame) -> pd.DataFrame:
    """The categorical columns of :func:`compact` as text columns again (the in-memory
    dtypes: what the checks and sums read)."""
    coded = {c: uncoded(rows[c]) for c in rows.columns
             if isinstance(rows[c].dtype, pd.CategoricalDtype)}
    for col in rows.columns:
        if rows[col].dtype == np.int8:
            values = rows[col].to_numpy()
            coded[col] = pd.arrays.IntegerArray(values.astype(np.int16), values == _NA8)
    return rows.assign(**coded) if coded else rows


def uncoded(column: pd.Series) -> pd.Series:
    """A categorical column as its categories' values (missing where no category), by one
    take on the categories (``astype`` takes 12 times as long).

    >>> uncoded(pd.Series(["b", None, "a"], dtype="category")).tolist()
    ['b', nan, 'a']
    """
    cats = column.cat.categories.array
    return pd.Series(cats.take(column.cat.codes.to_numpy(), allow_fill=True),
                     index=column.index, name=column.name)


def spread_rows(rows: pd.DataFrame, buckets: int, file_index: int,
                start: int = 0) -> list[pd.DataFrame]:
    """One file's rows in ``buckets`` parts by a hash of the respondent id (a missing id is
    one value: those rows go together), each row marked with its place in the in-memory
    order (``file_index`` * 2**40 + position in the file; ``start``: the position of the
    first row, for a piece of a file).

    The hash is pandas' stable hash of the id as text: the same id lands in the same bucket
    from every file, on every machine.

    Examples
    --------
    >>> rows = pd.DataFrame({"respondent_id": ["a", "b", "a", None]})
    >>> parts = spread_rows(rows, 3, 0)
    >>> [sorted(p["respondent_id"].fillna("-")) for p in parts if len(p)]  # "a" together
    [['a', 'a'], ['-', 'b']]
    """
    ids = rows["respondent_id"].astype("string").fillna("\0")
    hashed = pd.util.hash_pandas_object(ids, index=False).to_numpy()
    which = (hashed % np.uint64(buckets)).astype(np.int64)
    marked = rows.assign(**{ORDER: np.int64(file_index) * 2**40 + start
                            + np.arange(len(rows))})
    order = np.argsort(which, kind="stable")
    bounds = np.searchsorted(which[order], np.arange(buckets + 1))
    marked = compact(marked)
    return [marked.iloc[order[bounds[b]:bounds[b + 1]]] for b in range(buckets)]


def split_bucket(study: Study, parts: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One bucket's rows from every file, in the in-memory order, split into the scored
    rows and the ledger (:func:`txscore.ingest.quality.split_excluded`).

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.ingest.load import file_rows, read_file
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> built = file_rows(study, study.sources[0], read_file(study, study.sources[0]))
    >>> kept, ledger = split_bucket(study, spread_rows(built.frame, 1, 0))
    >>> len(kept) + len(ledger) == len(built.frame)
    True
    """
    from txscore.ingest.load import conform_rows

    rows = conform_rows(study, [restore(p) for p in parts if len(p)]
                        or [restore(p) for p in parts[:1]])
    if ORDER in rows:
        rows = rows.sort_values(ORDER, kind="stable").drop(columns=ORDER)
    return qc.split_excluded(rows.reset_index(drop=True), study, list(study.items))


def bucket_counts(files: pd.DataFrame, kept: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """A bucket's additive part of the reconciliation: per file, the rows scored and
    excluded per reason, and the respondents (file rows) seen, scored and ledgered per reason
    (:func:`txscore.ingest.quality.reconcile` on the bucket's rows).

    Examples
    --------
    >>> prov = ["source_file", "source_sheet", "source_row"]
    >>> files = pd.DataFrame({"source_file": ["a.csv"], "source_sheet": [""],
    ...                       "file_rows": [2], "rows_in": [2]})
    >>> kept = pd.DataFrame([["a.csv", "", 2]], columns=prov)
    >>> ledger = pd.DataFrame([["a.csv", "", 3, "speeder"]], columns=[*prov, "reason"])
    >>> bucket_counts(files, kept, ledger)[["scored", "excluded", "speeder"]].iloc[0].tolist()
    [1, 1, 1]
    """
    table = qc.reconcile(files, kept, ledger)
    key = ["source_file", "source_sheet"]
    counts = ["scored", "excluded", "respondents_scored", "respondents_excluded",
              *qc.REASONS, *(f"{r}_respondents" for r in qc.REASONS)]
    return table[[*key, *counts]]


def reconcile_counts(files: pd.DataFrame, parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The file table of :func:`txscore.ingest.quality.reconcile` from the buckets' counts
    (:func:`bucket_counts`), summed: the same table as in memory.

    Examples
    --------
    >>> prov = ["source_file", "source_sheet", "source_row"]
    >>> files = pd.DataFrame({"source_file": ["a.csv"], "source_sheet": [""],
    ...                       "file_rows": [2], "rows_in": [2]})
    >>> one = bucket_counts(files, pd.DataFrame([["a.csv", "", 2]], columns=prov),
    ...                     pd.DataFrame(columns=[*prov, "reason"]))
    >>> two = bucket_counts(files, pd.DataFrame(columns=prov),
    ...                     pd.DataFrame([["a.csv", "", 3, "speeder"]], columns=[*prov, "reason"]))
    >>> out = reconcile_counts(files, [one, two]).iloc[0]
    >>> int(out["scored"]), int(out["excluded"]), bool(out["reconciles"])
    (1, 1, True)
    """
    key = ["source_file", "source_sheet"]
    whole = qc.reconcile(files, files.iloc[:0].assign(source_row=0), pd.DataFrame(
        columns=[*key, "source_row", "reason"]))
    summed = pd.concat(parts, ignore_index=True).groupby(key, dropna=False, sort=False).sum(
        numeric_only=True) if parts else None
    counts = [c for c in parts[0].columns if c not in key] if parts else []
    if summed is not None:
        at = pd.MultiIndex.from_frame(whole[key])
        whole[counts] = summed.reindex(at, fill_value=0)[counts].to_numpy()
    whole["reconciles"] = ((whole["rows_in"] == whole["scored"] + whole["excluded"])
                           & (whole["respondents_in"]
                              == whole["respondents_scored"] + whole["respondents_excluded"]))
    return whole
