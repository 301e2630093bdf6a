"""Respondents as clusters: their rows move together in the bootstrap, and the all-brands
totals' analytic variances treat them as one unit.

A brand study's respondent may have several rows in a wave: one per brand rated, as a
customer of one brand and a non-customer of others (docs/methodology.md, "Respondents as
clusters"). With ``[report] clusters = "respondent"`` (the default):

- **Bootstrap.** A respondent with one row in the wave is resampled within its population
  x brand cell, exactly as before. The respondents with several rows are resampled as
  whole clusters, within strata of wave x the populations they appear in: each replicate
  draws as many of them as the stratum has, with replacement, and every row of a drawn
  respondent (each brand, each population) counts once more. Their contribution to the
  replicate feature sums is drawn exactly (multinomial counts) while the stratum has at
  most ``bootstrap_exact_max`` respondents, else from the normal law of the resample sums,
  with the covariance of the respondents' feature totals across all the cells they rated.
  Every composite, total, wave and peer difference, rank and quadrant computed on the
  replicates then carries the covariance of a respondent's rows.
- **Analytic intervals of the all-brands totals** (items, NPS): the linearised variance of
  the weighted mean with respondents as primary sampling units
  (:func:`txscore.stats.clusters.clustered_mean` is the row-level statement of it); here
  it comes from per-cluster sums accumulated chunk by chunk (a respondent's rows are in
  one chunk), so the chunked path computes it too. Its ratio to the row-wise variance is
  the cluster design effect; shares and net scores use ``n_eff / deff``.

When every respondent has one row per wave, nothing changes (no cluster stratum, every
design effect 1). ``clusters = "row"`` treats every row as independent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from txscore.stats.inference import normal_resample_sums, resample_counts

__all__ = ["ClusterRunning", "Stratum", "cluster_deff", "cluster_replicates",
           "item_cluster_sums", "multi_row_clusters"]

#: a stratum's cluster totals are summed into its cross-products this many at a time
_BLOCK = 4096


@dataclass(frozen=True)
class Stratum:
    """The respondents with several rows of one wave and set of populations.

    Attributes
    ----------
    key : tuple
        (wave, populations joined by "+").
    n : int
        Respondents (clusters).
    slots : tuple of (population, cell, offset, width)
        Where each cell's features sit in a cluster's total vector (cells in report order).
    s1, s2 : ndarray
        Sum and cross-products of the clusters' total vectors (length D; D x D).
    rows : ndarray or None
        The clusters' total vectors (n x D), for exact resampling; None when the stratum
        has more than ``exact_max`` clusters.
    """

    key: tuple
    n: int
    slots: tuple[tuple[str, int, int, int], ...]
    s1: np.ndarray
    s2: np.ndarray
    rows: np.ndarray | None


def multi_row_clusters(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
    """The rows of respondents with several rows in their wave.

    Returns
    -------
    cluster : ndarray of int
        Per row, its cluster's number (0..m-1, in order of first row) when the respondent
        has several rows in the wave, else -1.
    stratum : ndarray of int
        Per row, its cluster's stratum number (-1 for single rows).
    keys : list of tuple
        The strata: (wave, populations joined by "+").

    Examples
    --------
    >>> data = pd.DataFrame({"respondent_id": ["a", "a", "b", "c", "c"],
    ...                      "wave": ["Q1"] * 5,
    ...                      "population": ["customer", "non_customer", "customer",
    ...                                     "non_customer", "non_customer"]})
    >>> cluster, stratum, keys = multi_row_clusters(data)
    >>> cluster.tolist(), stratum.tolist(), keys
    ([0, 0, -1, 1, 1], [1, 1, -1, 0, 0], [('Q1', 'non_customer'), ('Q1', 'customer+non_customer')])
    """
    wave_code, waves = pd.factorize(data["wave"].astype(str), use_na_sentinel=False)
    id_code, ids = pd.factorize(data["respondent_id"].astype(str), use_na_sentinel=False)
    codes = np.unique(wave_code.astype(np.int64) * max(len(ids), 1) + id_code,
                      return_inverse=True)[1].ravel()
    sizes = np.bincount(codes)
    multi = sizes[codes] > 1
    cluster = np.full(len(data), -1, np.int64)
    stratum = np.full(len(data), -1, np.int64)
    if not multi.any():
        return cluster, stratum, []
    cluster[multi] = pd.factorize(codes[multi])[0]
    m_cluster = cluster[multi]
    n_clusters = int(m_cluster.max()) + 1
    pop = data["population"].to_numpy(object)[multi]
    pop_names = sorted(set(pop.tolist()))
    seen = np.column_stack([np.bincount(m_cluster, weights=pop == p, minlength=n_clusters) > 0
                            for p in pop_names])  # (clusters, populations)
    pop_sets = np.array(["+".join(np.array(pop_names)[row]) for row in np.unique(
        seen, axis=0)], dtype=object)
    _, set_code = np.unique(seen, axis=0, return_inverse=True)
    first = np.full(n_clusters, -1)
    first[m_cluster[::-1]] = np.flatnonzero(multi)[::-1]  # each cluster's first row
    pairs = wave_code[first].astype(np.int64) * len(pop_sets) + set_code.ravel()
    s_pairs, s_codes = np.unique(pairs, return_inverse=True)
    stratum[multi] = s_codes.ravel()[m_cluster]
    keys = [(str(waves[p // len(pop_sets)]), str(pop_sets[p % len(pop_sets)]))
            for p in s_pairs.tolist()]
    return cluster, stratum, keys


class ClusterRunning:
    """Running sums of the multi-row clusters, stratum by stratum, chunk by chunk."""

    def __init__(self, exact_max: int) -> None:
        self.exact_max = exact_max
        self.strata: dict[tuple, dict] = {}

    def add(self, key: tuple, n_new: int,
            parts: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]) -> None:
        """Add ``n_new`` clusters of one stratum: per population, each row's running cell,
        its cluster (0..n_new-1) and its features."""
        st = self.strata.setdefault(key, {"n": 0, "slots": {}, "width": 0,
                                          "s1": np.zeros(0), "s2": np.zeros((0, 0)),
                                          "kept": []})
        for pop, cell, _, feats in parts:  # new slots first: the total vectors' layout
            for g in np.unique(cell).tolist():
                if (pop, g) not in st["slots"]:
                    st["slots"][(pop, g)] = (st["width"], feats.shape[1])
                    st["width"] += feats.shape[1]
        d = st["width"]
        grow = d - len(st["s1"])
        if grow:
            st["s1"] = np.concatenate([st["s1"], np.zeros(grow)])
            s2 = np.zeros((d, d))
            s2[:d - grow, :d - grow] = st["s2"]
            st["s2"] = s2
        offsets = []
        for pop, cell, _, _ in parts:  # each row's slot offset (a lookup over cells)
            uniq, inverse = np.unique(cell, return_inverse=True)
            offsets.append(np.array([st["slots"][(pop, g)][0] for g in uniq.tolist()],
                                    dtype=np.intp)[inverse.ravel()])
        st["n"] += n_new
        keep = st["kept"] is not None and st["n"] <= self.exact_max
        for lo in range(0, n_new, _BLOCK):  # totals of a block of clusters at a time
            hi = min(lo + _BLOCK, n_new)
            tot = np.zeros((hi - lo, d))
            for (_, _, clus, feats), off in zip(parts, offsets, strict=True):
                at = (clus >= lo) & (clus < hi)
                cols = off[at, None] + np.arange(feats.shape[1])
                np.add.at(tot, (clus[at, None] - lo, cols), feats[at])
            st["s1"] += tot.sum(axis=0)
            st["s2"] += tot.T @ tot
            if keep:
                st["kept"].append(tot)
        if not keep:
            st["kept"] = None

    def collect(self, position: np.ndarray) -> tuple[Stratum, ...]:
        """The strata, sorted by key, cells renumbered to report order (``position[running
        cell]``)."""
        out = []
        for key in sorted(self.strata):
            st = self.strata[key]
            slots = tuple((pop, int(position[g]), off, width)
                          for (pop, g), (off, width) in st["slots"].items())
            rows = None
            if st["kept"] is not None:  # blocks of totals, padded to the final width
                rows = np.zeros((st["n"], st["width"]))
                at = 0
                for block in st["kept"]:
                    rows[at:at + len(block), :block.shape[1]] = block
                    at += len(block)
            out.append(Stratum(key, st["n"], slots, st["s1"].copy(), st["s2"].copy(), rows))
        return tuple(out)


def cluster_replicates(strata: tuple[Stratum, ...], reps: dict[str, np.ndarray], n_boot: int,
                       rng: np.random.Generator) -> None:
    """Add each stratum's resampled cluster sums to the replicate rows of ``reps`` (per
    population, (1 + n_boot, G, F); row 0, the sample, already holds every row)."""
    for st in strata:
        if not n_boot or not st.n:
            continue
        if st.rows is not None:
            draws = resample_counts(rng, st.n, n_boot).astype(float) @ st.rows
        else:
            draws = normal_resample_sums(st.s1, st.s2, st.n, n_boot, rng)
        for pop, cell, off, width in st.slots:
            reps[pop][1:, cell] += draws[:, off:off + width]


def item_cluster_sums(x: np.ndarray, w: np.ndarray, cluster: np.ndarray, group: np.ndarray,
                      n_groups: int) -> np.ndarray:
    """Per group and item, what the clustered variance of an item mean adds to the row-wise
    one, from the rows of respondents with several rows (``cluster`` >= 0).

    With ``a = w x`` and ``b = w`` on the answered rows, and A, B their sums over a
    cluster's rows in the group, returns (n_groups, I, 7): sum_c A^2, sum_c A B,
    sum_c B^2, the same three summed over rows instead of clusters, and (clusters that
    answered) - (rows that answered). Sums over chunks add up (a respondent's rows are in
    one chunk).

    Examples
    --------
    One respondent with two answered rows (x = 1 and 3, weights 1) in group 0:

    >>> out = item_cluster_sums(np.array([[1.0], [3.0]]), np.ones(2), np.array([0, 0]),
    ...                         np.array([0, 0]), 1)
    >>> out[0, 0].tolist()  # A = 4, B = 2; rows: 1 + 9, 1 + 3, 1 + 1; 1 cluster - 2 rows
    [16.0, 8.0, 4.0, 10.0, 4.0, 2.0, -1.0]
    """
    out = np.zeros((n_groups, x.shape[1], 7))
    multi = cluster >= 0
    if not multi.any():
        return out
    x, w, g = x[multi], w[multi], group[multi]
    ok = ~np.isnan(x)
    a = np.where(ok, w[:, None] * np.nan_to_num(x), 0.0)
    b = np.where(ok, w[:, None], 0.0)
    key = np.unique(g.astype(np.int64) * (int(cluster.max()) + 1) + cluster[multi],
                    return_inverse=True)
    first = np.zeros(len(key[0]), np.int64)
    first[key[1].ravel()] = g  # each (group, cluster)'s group
    per = np.zeros((len(key[0]), x.shape[1], 3))
    np.add.at(per, key[1].ravel(), np.stack([a, b, ok.astype(float)], axis=-1))
    big_a, big_b, answered = per[..., 0], per[..., 1], per[..., 2] > 0
    for col, values, at in ((0, big_a**2, first), (1, big_a * big_b, first),
                            (2, big_b**2, first), (3, a**2, g), (4, a * b, g),
                            (5, b**2, g)):
        np.add.at(out[..., col], at, values)
    np.add.at(out[..., 6], first, answered.astype(float))
    np.add.at(out[..., 6], g, -ok.astype(float))
    return out


def cluster_deff(extra: np.ndarray, mean: np.ndarray, rows_ss: np.ndarray,
                 n_rows: np.ndarray) -> np.ndarray:
    """The cluster design effect of item means from :func:`item_cluster_sums`.

    Parameters
    ----------
    extra : ndarray (..., 7)
        Sums of :func:`item_cluster_sums` for each mean.
    mean : ndarray
        The weighted means.
    rows_ss : ndarray
        sum_i w_i^2 (x_i - mean)^2 over every answered row (the row-wise numerator).
    n_rows : ndarray
        Rows answered.

    Returns
    -------
    ndarray
        ``Var_clusters / Var_rows`` (1 where no respondent has several rows, and where the
        rows do not vary).

    Examples
    --------
    The three-respondent example of :func:`txscore.stats.clusters.clustered_mean` (x =
    1, 3 for respondent a; 2 for b; 6 for c; mean 3): 1.3125 / (4/3 * 14 / 16)

    >>> ext = item_cluster_sums(np.array([[1.0], [3.0]]), np.ones(2), np.array([0, 0]),
    ...                         np.array([0, 0]), 1)[0, 0]
    >>> round(float(cluster_deff(ext, np.array(3.0), np.array(14.0), np.array(4))), 6)
    1.125
    """
    m = mean
    sum_c = extra[..., 0] - 2 * m * extra[..., 1] + m**2 * extra[..., 2]
    sum_r = extra[..., 3] - 2 * m * extra[..., 4] + m**2 * extra[..., 5]
    n_c = n_rows + extra[..., 6]
    with np.errstate(invalid="ignore", divide="ignore"):
        num_c = rows_ss - sum_r + sum_c
        ratio = (n_c / (n_c - 1)) / (n_rows / (n_rows - 1)) * num_c / rows_ss
    # no variance between the rows (or one row): nothing for clustering to change
    defined = (extra[..., 6] != 0) & np.isfinite(ratio) & (rows_ss > 1e-12 * (
        extra[..., 3] + 1.0))
    return np.where(defined, np.maximum(ratio, 0.0), 1.0)
