"""Reliability of every construct of a study, overall and per population.

Units (methodology.md, "Reliability"): each construct with 2+ items (CX dimensions, BX
pillars, preference, plain scales) and the loyalty composite (all loyalty items together).
Each unit is checked per population that answers it, and on both populations pooled
("all") when both do.  The statistics come from :mod:`txscore.stats.reliability`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from txscore.responses import Responses
from txscore.stats.reliability import cronbach_alpha, item_statistics

LOYALTY_COMPOSITE = "loyalty"


def reliability_units(responses: Responses) -> dict[str, tuple[str, list[str], tuple[str, ...]]]:
    """unit name -> (label, item columns, populations)."""
    study = responses.study
    units = {}
    for cons in study.constructs.values():
        cols = study.items_of(cons.name)
        if len(cols) >= 2:
            units[cons.name] = (cons.title, cols, cons.populations)
    loyalty = [c for cons in study.constructs_with_role("loyalty") for c in
               study.items_of(cons.name)]
    if len(loyalty) >= 2 and LOYALTY_COMPOSITE not in units:
        units[LOYALTY_COMPOSITE] = ("Loyalty composite", loyalty, ("customer",))
    return units


def suppress_small(stats: pd.Series, items: pd.DataFrame, n_eff: float,
                   suppress_below: float) -> None:
    """Blank every statistic (in place) when the complete cases' n_eff is below the
    suppression threshold: no number on a base too small to trust."""
    if n_eff >= suppress_below:
        return
    numbers = [f for f in stats.index if f not in ("n_items", "n_complete", "verdict")]
    stats[numbers] = np.nan
    stats["verdict"] = (f"suppressed: effective base of complete cases {n_eff:.0f} < "
                        f"{suppress_below:g}")
    items.loc[:, [c for c in items.columns if c not in ("item", "n", "flags")]] = np.nan
    items["flags"] = "suppressed"


def reliability_tables(responses: Responses) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Construct-level and item-level reliability tables for a study.

    Returns
    -------
    constructs : DataFrame
        construct, label, population, n_items, n_complete, alpha, ci_low, ci_high,
        std_alpha, average_r, omega_total, first_eigen_share, verdict, n_eff (Kish, of the
        complete cases).  Below ``[report] suppress_below`` every statistic is blank and
        the verdict says so (no number on a base too small to trust).
    items : DataFrame
        construct, population, item, n, mean, sd, item_rest_r, alpha_if_deleted, flags.
    """
    data = responses.data
    conf = responses.study.report.confidence
    suppress_below = responses.study.report.suppress_below
    rows, item_rows = [], []
    present = [p for p in ("customer", "non_customer") if (data["population"] == p).any()]
    for name, (label, cols, pops) in reliability_units(responses).items():
        groups = [p for p in pops if p in present]
        if len(groups) > 1:
            groups.append("all")
        for pop in groups:
            block = data if pop == "all" else data.loc[data["population"] == pop]
            frame = block[cols].astype("Float64").astype(float)
            w = block["weight"].to_numpy(float)
            complete = frame.notna().all(axis=1).to_numpy()
            wc = w[complete]
            n_eff = float(wc.sum() ** 2 / (wc @ wc)) if complete.any() else 0.0
            stats = cronbach_alpha(frame, cols, weights=w, confidence=conf)
            its = item_statistics(frame, cols, weights=w)
            suppress_small(stats, its, n_eff, suppress_below)
            rows.append({"construct": name, "label": label, "population": pop,
                         **stats.to_dict(), "n_eff": n_eff})
            its.insert(0, "population", pop)
            its.insert(0, "construct", name)
            item_rows.append(its)
    return pd.DataFrame(rows), pd.concat(item_rows, ignore_index=True) if item_rows else (
        pd.DataFrame())
