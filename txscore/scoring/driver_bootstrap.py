"""The key-driver bootstrap: resample respondents within brand, importances per resample.

One resample per population and wave is shared by the analyses of those respondents.  A
replicate's covariance matrix is a function of its sums of the moment features
``w [1, x, x_i x_j]`` (:func:`txscore.stats.moments.moment_features`).  A brand of at most
``[report] bootstrap_exact_max`` respondents is resampled exactly: multinomial counts times
its features (all brands small: :func:`txscore.stats.moments.bootstrap_cov`, one matrix
product).  A larger brand draws its replicate sums from their normal law, with exactly the
mean and covariance of multinomial resample sums
(:func:`txscore.stats.inference.normal_resample_sums`, as the composite scores' bootstrap
does), at O(F^2) per replicate whatever its size, so the cost stays flat in n.  Every
replicate's importances then come from one batched decomposition.

Random stream, per population and wave: first one block of standard normal draws per large
brand, in brand order; then, per chunk of replicates, the multinomial draws of the small
brands, brand by brand (32-bit draws).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from txscore.stats.drivers import relative_weights_from_cov, shapley_from_cov
from txscore.stats.inference import normal_resample_sums, resample_counts
from txscore.stats.moments import (
    bootstrap_cov,
    cov_from_moments,
    moment_features,
    recentre_moments,
)

__all__ = ["Fit", "bootstrap_importances", "cluster_strata", "mixed_replicate_sums"]

_CELLS = 2**22  # counts per bootstrap chunk (32 MB): few, large matrix products


@dataclass
class Fit:
    """What the bootstrap reads of one analysis in one population and wave.

    Attributes
    ----------
    X : ndarray of shape (n, p + 1)
        The population and wave's rows: drivers kept, then the outcome; incomplete rows 0.
    w : ndarray of shape (n,)
        Weights, 0 for incomplete rows.
    drivers : list of int
        The columns of the analysis' drivers kept (their number is p).
    """

    X: np.ndarray = field(repr=False)
    w: np.ndarray = field(repr=False)
    drivers: list[int]


def bootstrap_importances(fits: Sequence[Fit], strata: np.ndarray, method: str, n_boot: int,
                          exact_max: int, rng: np.random.Generator,
                          units: np.ndarray | None = None) -> list[np.ndarray]:
    """(n_boot, p) bootstrap importances of every fit of one population and wave.

    Respondents are resampled within strata (``strata``: codes, the brands). If no stratum
    has more than ``exact_max`` respondents, each chunk of resamples draws multinomial
    counts for every stratum (:func:`txscore.stats.inference.resample_counts`, 32-bit) and
    :func:`txscore.stats.moments.bootstrap_cov` turns them into covariance matrices;
    otherwise the larger strata's resample sums come from their normal law
    (:func:`mixed_replicate_sums`, drawn first) and are added to the counts' sums.

    Parameters
    ----------
    fits : sequence of Fit
        The analyses of one population and wave (rows ``X``, weights ``w``, ``drivers``).
    strata : array of int
        Each row's stratum (brand) code.
    method : {"relative_weights", "shapley"}
    n_boot : int
    exact_max : int
        Strata of more respondents draw normal sums.
    rng : numpy.random.Generator
    units : array of int, optional
        Each row's respondent: one with several rows (brands) is resampled whole, in a
        stratum of its own kind (:func:`cluster_strata`); None: rows are respondents.

    Returns
    -------
    list of arrays of shape (n_boot, p)
        Per fit, the importances of each resample (a row of NaN: degenerate).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(300, 2))
    >>> fit = Fit(np.column_stack([x, x @ [1.0, 0.5] + rng.normal(size=300)]), np.ones(300),
    ...           [0, 1])
    >>> boot = bootstrap_importances([fit], np.arange(300) % 3, "relative_weights", 200, 2000,
    ...                              np.random.default_rng(1))[0]
    >>> boot.shape, bool(np.allclose(boot.sum(axis=1), 100))
    ((200, 2), True)
    """
    decompose = relative_weights_from_cov if method == "relative_weights" else shapley_from_cov
    if units is not None and len(units) and np.bincount(_first_codes(units)).max() > 1:
        return _clustered(fits, strata, _first_codes(units), n_boot, exact_max, rng, decompose)
    # a stable sort of 16-bit codes is a radix sort: O(n)
    order = np.argsort(strata.astype(np.int16) if strata.max() < 2**15 else strata,
                       kind="stable")
    sizes = np.bincount(strata)
    sizes = sizes[sizes > 0]
    big = sizes > exact_max
    n = int(sizes[~big].sum())  # respondents resampled by counts
    widest = max(len(f.drivers) for f in fits)
    per_matrix = 1 if method == "relative_weights" else max(
        math.comb(widest, k) * k * k for k in range(1, widest + 1))
    chunk = max(1, min(n_boot, _CELLS // max(n, 1), _CELLS // per_matrix))
    if big.any():
        members = np.split(order, np.cumsum(sizes)[:-1])  # row numbers, stratum by stratum
        normal, exact, full_var = mixed_replicate_sums([(f.X, f.w) for f in fits], members,
                                                       big, n_boot, rng)
    else:
        data = [(f.X[order], f.w[order]) for f in fits]
    out = [np.empty((n_boot, len(f.drivers))) for f in fits]
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        counts = resample_counts(rng, sizes[~big], size, dtype=np.int32) if n else None
        for i, boot in enumerate(out):
            if big.any():
                sums = normal[i][start:start + size]
                if counts is not None:
                    sums = sums + counts @ exact[i]
                cov = cov_from_moments(sums, fits[i].X.shape[1], full_var[i])
            else:
                cov = bootstrap_cov(data[i][0], counts, data[i][1])
            raw, r2, _ = decompose(cov)
            with np.errstate(invalid="ignore", divide="ignore"):
                boot[start:start + size] = 100 * raw / r2[:, None]
    return out


def _first_codes(values: np.ndarray) -> np.ndarray:
    """Codes 0..m-1 of any values, in order of first appearance."""
    _, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.ravel()]


def cluster_strata(strata: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The units' strata, units renumbered stratum by stratum (a unit's stratum: its row's
    brand when it has one row, else one extra stratum, the respondents rating several
    brands); and each row's renumbered unit.

    Examples
    --------
    >>> s, u = cluster_strata(np.array([0, 1, 0, 1]), np.array([0, 0, 1, 2]))
    >>> s.tolist(), u.tolist()  # unit 0 rated both brands: stratum 2, renumbered last
    ([0, 1, 2], [2, 2, 0, 1])
    """
    size = np.bincount(units)
    unit_stratum = np.full(len(size), int(strata.max()) + 1, np.int64)
    single = size[units] == 1
    unit_stratum[units[single]] = strata[single]
    order = np.argsort(unit_stratum, kind="stable")  # units stratum by stratum
    renumber = np.empty(len(order), np.int64)
    renumber[order] = np.arange(len(order))
    return unit_stratum[order], renumber[units]


def _clustered(fits: Sequence[Fit], strata: np.ndarray, units: np.ndarray, n_boot: int,
               exact_max: int, rng: np.random.Generator, decompose: Any) -> list[np.ndarray]:
    """:func:`bootstrap_importances` with respondents of several rows as clusters: every
    unit's moment features are the sum of its rows', resampled by counts per stratum (or
    from their normal law when the stratum has more than ``exact_max`` units)."""
    unit_stratum, unit = cluster_strata(strata, units)
    sizes = np.bincount(unit_stratum)
    sizes = sizes[sizes > 0]
    big = sizes > exact_max
    bounds = np.r_[0, np.cumsum(sizes)]
    members = [np.arange(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    normal, exact, full_var = mixed_replicate_sums([(f.X, f.w) for f in fits], members, big,
                                                   n_boot, rng, units=unit)
    n = int(sizes[~big].sum())
    chunk = max(1, min(n_boot, _CELLS // max(n, 1)))
    out = [np.empty((n_boot, len(f.drivers))) for f in fits]
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        counts = resample_counts(rng, sizes[~big], size, dtype=np.int32) if n else None
        for i, boot in enumerate(out):
            sums = normal[i][start:start + size]
            if counts is not None:
                sums = sums + counts @ exact[i]
            raw, r2, _ = decompose(cov_from_moments(sums, fits[i].X.shape[1], full_var[i]))
            with np.errstate(invalid="ignore", divide="ignore"):
                boot[start:start + size] = 100 * raw / r2[:, None]
    return out


def _feature_sums(own: list[tuple[np.ndarray, np.ndarray]], centres: list[np.ndarray],
                  edges: np.ndarray, unit: np.ndarray | None, n_units: int,
                  step: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum and cross-products of one stratum's moment features (all fits side by side),
    per row, or per unit when ``unit`` is given (a unit's rows in one block)."""
    s1, s2 = np.zeros(edges[-1]), np.zeros((edges[-1], edges[-1]))
    n_rows = len(own[0][0])
    block = step if unit is None else max(n_rows, 1)
    for a in range(0, n_rows, block):
        Zt = np.empty((edges[-1], min(block, n_rows - a)))  # features x respondents
        for (Xs, ws), c, lo, hi in zip(own, centres, edges[:-1], edges[1:], strict=True):
            moment_features(Xs[a:a + block], ws[a:a + block], c, out=Zt[lo:hi].T)
        if unit is not None:
            Zt = _by_unit(Zt.T, unit, n_units).T
        s1 += Zt.sum(axis=1)
        s2 += Zt @ Zt.T
    return s1, s2


def _stratum_rows(members: list[np.ndarray], units: np.ndarray | None,
                  ) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """Per stratum, its rows and (with units) each row's unit within the stratum; without
    units, ``members`` are the rows themselves."""
    if units is None:
        return [(m, None) for m in members]
    sort = np.argsort(units, kind="stable")
    starts = np.searchsorted(units[sort], [m[0] if len(m) else 0 for m in members])
    ends = np.searchsorted(units[sort], [m[-1] + 1 if len(m) else 0 for m in members])
    out = []
    for m, a, b in zip(members, starts, ends, strict=True):
        rows = sort[a:b]
        out.append((rows, units[rows] - (m[0] if len(m) else 0)))
    return out


def _by_unit(features: np.ndarray, unit: np.ndarray | None, n_units: int) -> np.ndarray:
    """Rows' features summed per unit (units numbered 0..n_units-1); None: rows as they are."""
    if unit is None:
        return features
    out = np.zeros((n_units, features.shape[1]))
    np.add.at(out, unit, features)
    return out


def mixed_replicate_sums(data: list[tuple[np.ndarray, np.ndarray]], members: list[np.ndarray],
                         big: np.ndarray, n_boot: int, rng: np.random.Generator,
                         units: np.ndarray | None = None,
                         ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Resample sums of the large strata, and the features the small strata's counts take.

    Every fit's respondent features are :func:`txscore.stats.moments.moment_features` of
    its drivers and outcome, about the weighted mean c of the population and wave.  A large
    stratum (``big``) draws its (n_boot, F) resample sums from their normal law
    (:func:`txscore.stats.inference.normal_resample_sums`), its features taken about its own
    weighted mean (a variable constant in the stratum then has features of zero variance,
    held at their sum), the sums then moved to c
    (:func:`txscore.stats.moments.recentre_moments`).  All fits' features of a stratum are
    drawn together, so the analyses share one resample of the respondents.  The other
    strata's sums are ``counts @ features`` of their rows.  Random stream: one (n_boot, sum
    of the fits' F) block of standard normal draws per large stratum, in stratum order.

    Parameters
    ----------
    data : list of (X, w)
        Per fit, its rows (drivers and outcome; incomplete rows 0) and weights (0 for
        incomplete rows).
    members : list of arrays
        Per stratum, in stratum order, the numbers of its rows.
    big : array of shape (n_strata,)
        The strata resampled through the normal law.
    n_boot : int
        Resamples.
    rng : Generator
        Source of the normal draws.
    units : array of int, optional
        Each row's unit (respondent), numbered stratum by stratum: ``members`` then hold
        units, whose features sum their rows' (:func:`cluster_strata`).

    Returns
    -------
    normal : list of arrays of shape (n_boot, F)
        Per fit, the large strata's resample sums added up, about c.
    exact : list of arrays of shape (n_small, F)
        Per fit, the features about c of the small strata's rows, stratum by stratum (the
        columns of their counts).
    full_var : list of arrays of shape (k,)
        Per fit, its variables' weighted variance over all rows (for the degeneracy test of
        :func:`txscore.stats.moments.cov_from_moments`).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, w = rng.normal(size=(100, 3)), np.ones(100)
    >>> members = [np.arange(0, 60), np.arange(60, 100)]  # a large and a small stratum
    >>> normal, exact, _ = mixed_replicate_sums([(X, w)], members, np.array([True, False]),
    ...                                         50, np.random.default_rng(1))
    >>> normal[0].shape, exact[0].shape  # 50 resample sums; the small stratum's 40 rows
    ((50, 11), (40, 11))"""
    centre = [(w @ X) / w.sum() for X, w in data]
    full_var = [(w @ (X - c) ** 2) / w.sum() for (X, w), c in zip(data, centre, strict=True)]
    widths = [2 + X.shape[1] + X.shape[1] * (X.shape[1] + 1) // 2 for X, _ in data]
    edges = np.r_[0, np.cumsum(widths)]
    normal = [np.zeros((n_boot, f)) for f in widths]
    step = max(1, _CELLS // int(edges[-1]))  # rows per block of features (<= 32 MB)
    strata = _stratum_rows(members, units)
    for s in np.flatnonzero(big):  # a loop over strata (brands), not respondents
        rows, unit = strata[s]
        own = [(X[rows], w[rows]) for X, w in data]
        own_centre = [(ws @ Xs) / ws.sum() if ws.sum() > 0 else np.zeros(Xs.shape[1])
                      for Xs, ws in own]
        s1, s2 = _feature_sums(own, own_centre, edges, unit, len(members[s]), step)
        sums = normal_resample_sums(s1, s2, len(members[s]), n_boot, rng)
        for i, (c_s, c) in enumerate(zip(own_centre, centre, strict=True)):
            normal[i] += recentre_moments(sums[:, edges[i]:edges[i + 1]], len(c), c_s - c)
    exact = [np.concatenate([_by_unit(moment_features(X[strata[s][0]], w[strata[s][0]], c),
                                      strata[s][1], len(members[s]))
                             for s in np.flatnonzero(~big)] or [np.zeros((0, f))])
             for (X, w), c, f in zip(data, centre, widths, strict=True)]
    return normal, exact, full_var
