"""Ranks and growth-grid quadrants with their probability, from the bootstrap replicates.

The composites are computed on the sample and on every bootstrap replicate at once
(:mod:`txscore.scoring.composites`: arrays of shape (1 + n_boot, cells), row 0 the sample).
Ranking the brands within each replicate says how sure a ranking is:

* ``rank``: the brand's rank on the sample among the brands of its wave (and segments)
  whose cell is not suppressed, 1 = highest (ties share the better rank);
* ``p_first``: the share of the replicates in which it ranks first (ties for first count
  for every brand tied, so the shares of one wave may add to slightly more than 1);
* ``rank_low``, ``rank_high``: the ``[report] confidence`` percentile interval of its
  replicate ranks (the lower and higher order statistics, so both are whole ranks).

The growth-grid quadrant of a replicate applies :func:`quadrant_codes`, the one quadrant
rule (also the sample's, in :mod:`txscore.scoring.tables`), to the replicate's C and N
against the replicate's peer averages; ``p_leading`` ... ``p_lagging`` are the shares of
the replicates in each quadrant (they add to 1).  Without bootstrap (``bootstrap = 0``)
every probability and rank interval is NaN; the sample ranks are still given.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from txscore.scoring.composites import Composites
from txscore.scoring.engine import Cells

__all__ = ["QUADRANTS", "QUADRANT_PROBABILITIES", "RANK_COLUMNS", "RANK_MEASURES",
           "quadrant_codes", "quadrant_shares", "rank_table", "replicate_ranks"]

#: growth-grid quadrant codes: (customer score vs peers, non-customer score vs peers) =
#: (above, above), (above, below), (below, above), (below, below); "above" includes equal
QUADRANTS = ("Leading", "Plateauing", "Churning", "Lagging")
#: the growth grid's columns of quadrant probabilities, in the order of :data:`QUADRANTS`
QUADRANT_PROBABILITIES = ("p_leading", "p_plateauing", "p_churning", "p_lagging")
#: the measures ranked, each in its population
RANK_MEASURES = (("tx", "all"), ("customer_score", "customer"),
                 ("non_customer_score", "non_customer"), ("cx", "customer"),
                 ("bx_customers", "customer"), ("bx_non_customers", "non_customer"))
#: the columns of the ranks table (segment columns come after ``brand``)
RANK_COLUMNS = ["wave", "measure", "population", "brand", "rank", "p_first", "rank_low",
                "rank_high", "flag"]


def quadrant_codes(c: np.ndarray, n: np.ndarray, peer_c: np.ndarray,
                   peer_n: np.ndarray) -> np.ndarray:
    """The growth-grid quadrant (an index into :data:`QUADRANTS`) of customer scores ``c``
    and non-customer scores ``n`` against the peer averages (arrays broadcast); -1 where a
    number is missing.

    Examples
    --------
    >>> quadrant_codes(np.array([60., 60., 40., 40.]), np.array([50., 30., 50., 30.]),
    ...                np.array(50.), np.array(40.)).tolist()
    [0, 1, 2, 3]
    """
    c, n, peer_c, peer_n = np.broadcast_arrays(*(np.asarray(x, float)
                                                 for x in (c, n, peer_c, peer_n)))
    code = np.where(n >= peer_n, 0, 1) + np.where(c >= peer_c, 0, 2)
    known = np.isfinite(c) & np.isfinite(n) & np.isfinite(peer_c) & np.isfinite(peer_n)
    return np.where(known, code, -1)


def quadrant_shares(c_reps: np.ndarray, n_reps: np.ndarray,
                    in_peer: np.ndarray) -> np.ndarray:
    """(cells, 4) shares of the bootstrap replicates (rows 1.. of the (1 + n_boot, cells)
    arrays) in which each cell falls in each quadrant, its C and N against the replicate's
    mean of the ``in_peer`` columns; NaN without replicates or peers.

    Examples
    --------
    >>> c = np.array([[60., 40.], [61., 39.], [59., 41.]])
    >>> quadrant_shares(c, c, np.array([0, 1])).tolist()
    [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
    """
    m = c_reps.shape[1]
    if len(c_reps) < 2 or len(in_peer) < 2:
        return np.full((m, len(QUADRANTS)), np.nan)
    reps_c, reps_n = c_reps[1:], n_reps[1:]
    codes = quadrant_codes(reps_c, reps_n, reps_c[:, in_peer].mean(axis=1, keepdims=True),
                           reps_n[:, in_peer].mean(axis=1, keepdims=True))
    counts = np.stack([(codes == q).sum(axis=0) for q in range(len(QUADRANTS))], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return counts / counts.sum(axis=1, keepdims=True)


def replicate_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks within each row of ``values`` (replicates x brands), 1 = highest; ties share
    the better rank; NaN values are not ranked (NaN).

    Examples
    --------
    >>> replicate_ranks(np.array([[70., 80., 75.], [80., 80., np.nan]])).tolist()
    [[3.0, 1.0, 2.0], [1.0, 1.0, nan]]
    """
    v = np.asarray(values, float)
    above = (v[:, None, :] > v[:, :, None]).sum(axis=2) + 1.0
    return np.where(np.isfinite(v), above, np.nan)


def _rank_columns(reps: np.ndarray, confidence: float) -> dict[str, np.ndarray]:
    """rank, p_first, rank_low, rank_high of the columns of one (1 + n_boot, m) array."""
    ranks = replicate_ranks(reps)
    m = reps.shape[1]
    if len(reps) < 2:
        nan = np.full(m, np.nan)
        return {"rank": ranks[0], "p_first": nan, "rank_low": nan, "rank_high": nan.copy()}
    boot = ranks[1:]
    valid = np.isfinite(boot)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_first = (boot == 1).sum(axis=0) / valid.sum(axis=0)
    alpha = (1 - confidence) / 2
    low, high = np.full(m, np.nan), np.full(m, np.nan)
    for j in np.flatnonzero(valid.any(axis=0)):  # a loop over brands
        x = boot[valid[:, j], j]
        low[j] = np.quantile(x, alpha, method="lower")
        high[j] = np.quantile(x, 1 - alpha, method="higher")
    return {"rank": ranks[0], "p_first": p_first, "rank_low": low, "rank_high": high}


def rank_table(comp: Composites, cells: Cells, scores: pd.DataFrame, confidence: float,
               by: Sequence[str] = ()) -> pd.DataFrame:
    """Each brand's rank, probability of ranking first and rank interval, per wave (and
    segments) and ranked measure (:data:`RANK_MEASURES`).

    Parameters
    ----------
    comp : Composites
    cells : Cells
    scores : DataFrame
        The scores table: its ``flag`` decides which brands are ranked (not "suppressed",
        with a number) and is the row's flag.
    confidence : float
        The level of the rank interval.
    by : sequence of str
        The segment columns of the cells.

    Returns
    -------
    DataFrame
        :data:`RANK_COLUMNS` (segment columns after ``brand``), one row per ranked brand.

    Examples
    --------
    >>> import txscore as tx
    >>> result = tx.score(tx.load(tx.read_study("surveys/sample/study.toml")
    ...                           .with_settings(bootstrap=50)))
    >>> result.ranks.columns.tolist()
    ['wave', 'measure', 'population', 'brand', 'rank', 'p_first', 'rank_low', 'rank_high', \
'flag']
    """
    keys = ["wave", "brand", *by]
    columns = [*RANK_COLUMNS[:4], *by, *RANK_COLUMNS[4:]]
    brand_keys = cells.keys.iloc[:cells.n_brand_cells].reset_index(drop=True)
    frames = []
    for measure, pop in RANK_MEASURES:
        if (pop, measure) not in comp.arrays or not len(brand_keys):
            continue
        reps = comp.arrays[(pop, measure)][:, :cells.n_brand_cells]
        rows = scores[(scores["measure"] == measure) & (scores["population"] == pop)]
        flag = brand_keys.merge(rows[[*keys, "flag"]], on=keys, how="left")["flag"]
        shown = (flag.fillna("suppressed") != "suppressed").to_numpy() & np.isfinite(reps[0])
        for members in brand_keys.groupby(["wave", *by], sort=False).indices.values():
            members = members[shown[members]]
            if not len(members):
                continue
            f = brand_keys.iloc[members].reset_index(drop=True)
            f.insert(1, "measure", measure)
            f.insert(2, "population", pop)
            frames.append(f.assign(**_rank_columns(reps[:, members], confidence),
                                   flag=flag.to_numpy(object)[members]))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=float if c in RANK_COLUMNS[4:8] else object)
                             for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]
