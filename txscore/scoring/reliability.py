"""Reliability of every construct of a study, overall and per population, from moments.

Units (methodology.md, "Reliability"): each construct with 2+ items (CX dimensions, BX
pillars, preference, plain scales) and the loyalty composite (all loyalty items together).
Each unit is checked per population that answers it, and on both populations pooled
("all") when both do.  The statistics come from the complete cases' moments of the unit
(n, sum w, sum w^2, sum w u, sum w u u', u the items minus their scale midpoints), which
:class:`txscore.scoring.sums.CellSums` accumulates chunk by chunk, through
:func:`txscore.stats.reliability.reliability_from_moments`.  Each row's ``flag`` comes from
the Kish effective base of its complete cases; a suppressed row carries no number.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from txscore.scoring.engine import cell_flags
from txscore.stats.inference import kish_n_eff, suppress
from txscore.stats.reliability import ITEM_COLUMNS, reliability_from_moments
from txscore.study import Study

__all__ = ["LOYALTY_COMPOSITE", "midpoints", "reliability_tables", "reliability_units"]

LOYALTY_COMPOSITE = "loyalty"


def reliability_units(study: Study) -> dict[str, tuple[str, list[str], tuple[str, ...]]]:
    """unit name -> (label, item columns, populations).

    Examples
    --------
    >>> import txscore as tx
    >>> units = reliability_units(tx.read_study("surveys/sample/study.toml"))
    >>> units["loyalty"][0], units["loyalty"][2]
    ('Loyalty composite', ('customer',))
    """
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


def midpoints(study: Study, cols: list[str]) -> np.ndarray:
    """The scale midpoints of some items: the centre of their moment sums.

    Examples
    --------
    >>> import txscore as tx
    >>> midpoints(tx.read_study("surveys/sample/study.toml"), ["eff_1"])  # a 1-7 scale
    array([4.])
    """
    scales = [study.scales[study.items[c].scale] for c in cols]
    return np.array([(s.min + s.max) / 2 for s in scales], dtype=float)


def reliability_tables(moments: Mapping[tuple[str, str], tuple], study: Study,
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Construct-level and item-level reliability tables for a study.

    Parameters
    ----------
    moments : mapping
        (unit, population) -> (n, sum w, sum w^2, sum w u, sum w u u') of the unit's
        complete cases, u the items minus their :func:`midpoints`; a population that
        answers the unit but is absent has no entry.
    study : Study

    Returns
    -------
    constructs : DataFrame
        construct, label, population, n_items, n_complete, alpha, ci_low, ci_high,
        std_alpha, average_r, omega_total, first_eigen_share, verdict, notes (codes of
        :mod:`txscore.stats.reliability`), n_eff (Kish, of the complete cases), flag.
        A suppressed row has no statistic (its verdict and notes are "").
    items : DataFrame
        construct, population, item, n, mean, sd, item_rest_r, alpha_if_deleted, flags,
        flag.

    Examples
    --------
    >>> import txscore as tx
    >>> from txscore.scoring.sums import CellSums
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> acc = CellSums(responses.study)
    >>> acc.add(responses.data)
    >>> rel, items = reliability_tables(acc.collect().moments, responses.study)
    >>> rel.loc[rel["construct"] == "trust", ["population", "verdict", "flag"]].iloc[0].tolist()
    ['customer', 'questionable', 'ok']
    """
    conf = study.report.confidence
    rows, item_rows = [], []
    for name, (label, cols, pops) in reliability_units(study).items():
        groups = [p for p in pops if (name, p) in moments]
        if len(groups) > 1:
            groups.append("all")
        for pop in groups:
            parts = [moments[(name, p)] for p in (groups[:-1] if pop == "all" else [pop])]
            n, sw, sw2, sx, sxx = (sum(a[i] for a in parts) for i in range(5))
            stats, its = reliability_from_moments(n, sw, sw2, sx, sxx, items=cols,
                                                  centre=midpoints(study, cols),
                                                  confidence=conf)
            n_eff = float(kish_n_eff(sw, sw2))
            flag = cell_flags(np.array([n_eff]), study)[0]
            rows.append({"construct": name, "label": label, "population": pop,
                         **stats.to_dict(), "n_eff": n_eff, "flag": flag})
            item_rows.append(its.assign(flag=flag).reindex(
                columns=["construct", "population", *ITEM_COLUMNS, "flag"]).assign(
                    construct=name, population=pop))
    if not rows:
        return pd.DataFrame(), pd.DataFrame()
    text = ("verdict", "notes")
    return (suppress(pd.DataFrame(rows), text=text),
            suppress(pd.concat(item_rows, ignore_index=True), text=("flags",)))
