"""Respondent checks and the exclusions ledger.

Every input row ends up either in the scored data or in the ledger with one reason (the
first that applies, in the order of :data:`REASONS`) and a detail.  Checks are vectorised
masks over the combined rows of all files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from txscore.study import Study

#: Exclusion reasons in the order they are tested; a row gets the first that applies.
REASONS = {
    "blank_row": "Blank row (no cell filled)",
    "missing_id": "Respondent id missing",
    "missing_brand": "Brand missing",
    "duplicate_id": "Duplicate respondent id (first kept)",
    "out_of_range": "Answer code outside the scale",
    "no_answers": "No scored answer",
}

LEDGER_COLUMNS = ["source_file", "source_sheet", "source_row", "population", "wave",
                  "respondent_id", "brand", "reason", "reason_text", "detail"]


def exclusion_masks(rows: pd.DataFrame, study: Study, items: list[str]) -> dict[str, np.ndarray]:
    """One boolean mask per reason (before precedence is applied).

    ``rows`` holds the standard columns, the item codes, ``_blank`` (no cell in the input
    row) and ``_out_of_range`` (text detail, empty when none).
    """
    q = study.quality
    rid = rows["respondent_id"]
    masks = {
        "blank_row": rows["_blank"].to_numpy(bool),
        "missing_id": (rid.isna() | (rid.astype(str).str.strip() == "")).to_numpy(),
        "missing_brand": (rows["brand"].isna() | (rows["brand"].astype(str).str.strip() == ""))
        .to_numpy(),
    }
    if q.duplicates:
        key = ["population", "wave", "respondent_id", "brand"]
        masks["duplicate_id"] = rows.duplicated(subset=key, keep="first").to_numpy() & ~(
            masks["missing_id"] | masks["blank_row"])
    if q.out_of_range:
        masks["out_of_range"] = (rows["_out_of_range"] != "").to_numpy()
    if q.no_answers and items:
        masks["no_answers"] = rows[items].isna().all(axis=1).to_numpy()
    return masks


def split_excluded(rows: pd.DataFrame, study: Study, items: list[str]) -> tuple[
        pd.DataFrame, pd.DataFrame]:
    """Split rows into the kept data and the ledger.

    Returns
    -------
    kept : DataFrame
        Rows that pass every check (helper columns dropped).
    ledger : DataFrame
        One line per excluded row: provenance, id, reason code, reason text, detail.
    """
    masks = exclusion_masks(rows, study, items)
    reason = pd.Series("", index=rows.index, dtype=object)
    for name in REASONS:  # precedence: first reason wins
        if name in masks:
            reason = reason.where((reason != "") | ~masks[name], name)
    excluded = (reason != "").to_numpy()
    detail = pd.Series("", index=rows.index, dtype=object)
    oor = reason == "out_of_range"
    detail[oor] = rows.loc[oor, "_out_of_range"]
    dup = reason == "duplicate_id"
    if dup.any():
        key = ["population", "wave", "respondent_id", "brand"]
        first = rows.loc[~rows.duplicated(subset=key, keep="first")]
        first_at = first.set_index(key)[["source_file", "source_row"]]
        hit = rows.loc[dup, key].merge(first_at, left_on=key, right_index=True, how="left")
        detail[dup] = ("same id as " + hit["source_file"].astype(str) + " row "
                       + hit["source_row"].astype(str)).to_numpy()
    ledger = rows.loc[excluded, ["source_file", "source_sheet", "source_row", "population",
                                 "wave", "respondent_id", "brand"]].copy()
    ledger["reason"] = reason[excluded].to_numpy()
    ledger["reason_text"] = ledger["reason"].map(REASONS)
    ledger["detail"] = detail[excluded].to_numpy()
    kept = rows.loc[~excluded].drop(columns=["_blank", "_out_of_range"])
    return kept.reset_index(drop=True), ledger.reset_index(drop=True)[LEDGER_COLUMNS]


def reconcile(files: pd.DataFrame, kept: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """Per-file reconciliation: rows in = scored + excluded, with a count per reason.

    ``files`` has one row per source with ``source_file``, ``source_sheet``, ``population``,
    ``wave`` and ``rows_in``.
    """
    key = ["source_file", "source_sheet"]
    out = files.copy()
    scored = kept.groupby(key, dropna=False).size().rename("scored")
    out = out.merge(scored, left_on=key, right_index=True, how="left")
    counts = ledger.groupby(key + ["reason"], dropna=False).size().unstack("reason")
    counts = counts.reindex(columns=list(REASONS), fill_value=0)
    out = out.merge(counts, left_on=key, right_index=True, how="left")
    cols = ["scored", *REASONS]
    out[cols] = out[cols].fillna(0).astype(int)
    out["excluded"] = out[list(REASONS)].sum(axis=1)
    out["reconciles"] = out["rows_in"] == out["scored"] + out["excluded"]
    return out
