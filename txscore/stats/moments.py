"""Weighted covariance matrices from moment sums: of a sample and of its bootstrap resamples.

A weighted covariance matrix is a function of the sums of the per-row moment features
``w [1, u, u_i u_j (i <= j)]`` (u the row about some centre): :func:`moment_features`,
:func:`cov_from_moments`.  The sums of any resample of the rows come from resample counts
times the features (:func:`bootstrap_cov`, one matrix product for every resample) or from
their normal law for large strata (:func:`txscore.stats.inference.normal_resample_sums`), and
sums about different centres add up once moved to a common one (:func:`recentre_moments`).
The key-driver decompositions (:mod:`txscore.stats.drivers`) take these matrices, batched.
"""

from __future__ import annotations

import numpy as np

from txscore.errors import InputDataError

__all__ = ["bootstrap_cov", "complete_cases", "cov_from_moments", "moment_features",
           "recentre_moments", "weighted_cov"]


def complete_cases(X: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Rows of X (and w) with every value finite and a positive, finite weight.

    Raises
    ------
    InputDataError
        Shapes that do not match, a negative or infinite weight.

    Examples
    --------
    >>> X, w = complete_cases(np.array([[1.0, 2.0], [np.nan, 1.0], [3.0, 4.0]]),
    ...                       np.array([1.0, 1.0, 0.0]))
    >>> X.tolist(), w.tolist()
    ([[1.0, 2.0]], [1.0])
    """
    X = np.asarray(X, dtype=float)
    w = np.ones(len(X)) if w is None else np.asarray(w, dtype=float)
    if X.ndim != 2 or w.shape != (len(X),):
        raise InputDataError(f"expected data of shape (n, k) and weights of shape (n,); got "
                             f"{X.shape} and {w.shape}.")
    if np.any(w < 0) or np.any(np.isinf(w)):
        raise InputDataError("weights must be finite and non-negative. Fix: check the weights.")
    keep = np.isfinite(X).all(axis=1) & np.isfinite(w) & (w > 0)
    return X[keep], w[keep]


def weighted_cov(X: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """Weighted covariance matrix of the columns of ``X`` over complete cases.

    Rows with a missing (non-finite) value in any column, or a missing or zero weight, are
    dropped.  With m = sum(w), n the number of rows kept and xbar the weighted mean::

        cov = sum_i w_i (x_i - xbar)(x_i - xbar)' / (m (n - 1) / n)

    The denominator makes the result invariant to rescaling the weights (survey weights are
    relative) and equal to ``np.cov(X)`` (n - 1) for unit weights.  Correlations, and hence
    all driver importances, do not depend on the denominator.

    Parameters
    ----------
    X : array of shape (n, k)
    w : array of shape (n,), optional
        Non-negative weights; None gives every row weight 1.

    Returns
    -------
    ndarray of shape (k, k)

    Examples
    --------
    >>> X = np.array([[1.0, 2.0], [2.0, 2.5], [3.0, 4.5], [4.0, 5.0]])
    >>> bool(np.allclose(weighted_cov(X), np.cov(X.T)))  # unit weights: numpy's covariance
    True
    """
    X, w = complete_cases(X, w)
    n = len(X)
    if n < 2:
        raise InputDataError(f"weighted_cov needs at least 2 complete cases; found {n}.")
    m = w.sum()
    Xc = X - (w @ X) / m
    return (Xc.T * w) @ Xc / (m * (n - 1) / n)


def bootstrap_cov(X: np.ndarray, counts: np.ndarray, w: np.ndarray | None = None) -> np.ndarray:
    """Covariance matrices of B bootstrap resamples, from their resample counts.

    Resample b repeats row i ``counts[b, i]`` times; its covariance equals
    :func:`weighted_cov` of those repeated rows with their weights, i.e. row i has weight
    ``counts[b, i] * w[i]``.  All B matrices come from one matrix product
    ``counts @ [w, w x, w vec(x x')]``, with no loop over resamples or respondents.

    Parameters
    ----------
    X : array of shape (n, k)
        Complete cases only (no missing values).
    counts : array of shape (B, n)
        Resample counts (multinomial, each row summing to the resample size) or weights.
    w : array of shape (n,), optional
        Respondent weights.

    Returns
    -------
    ndarray of shape (B, k, k)
        All NaN for a resample in which some column is constant.

    Examples
    --------
    >>> X = np.array([[1.0, 2.0], [2.0, 2.5], [3.0, 4.5], [4.0, 5.0]])
    >>> counts = np.array([[1, 1, 1, 1], [2, 0, 1, 1.0]])  # the sample, then a resample
    >>> covs = bootstrap_cov(X, counts)
    >>> bool(np.allclose(covs[0], weighted_cov(X))), covs.shape
    (True, (2, 2, 2))
    """
    X = np.asarray(X, dtype=float)
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    n, k = X.shape
    if not np.isfinite(X).all():
        raise InputDataError("bootstrap_cov needs complete cases; X has missing values.")
    if counts.shape[1] != n:
        raise InputDataError(f"counts has {counts.shape[1]} columns; X has {n} rows.")
    w = np.ones(n) if w is None else np.asarray(w, dtype=float)
    # Centre on the full-sample mean first: the moments then stay small and the
    # subtraction E[xx'] - E[x]E[x]' loses no precision.
    Xc = X - (w @ X) / w.sum()
    Z = np.concatenate([np.ones((n, 1)), Xc, (Xc[:, :, None] * Xc[:, None, :]).reshape(n, -1)], 1)
    # last column: rows drawn with a positive weight (weighted_cov leaves w = 0 out of n)
    S = counts @ np.concatenate([Z * w[:, None], (w > 0)[:, None]], axis=1)
    s0 = S[:, :1]
    mean = S[:, 1 : 1 + k] / s0
    second = (S[:, 1 + k : -1] / s0).reshape(-1, k, k)
    size = S[:, -1, None, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = (second - mean[:, :, None] * mean[:, None, :]) * size / (size - 1)
    # A column constant within a resample leaves rounding noise, not zero: mark it NaN.
    full_var = (w @ Xc**2) / w.sum()
    cov[(np.diagonal(cov, axis1=1, axis2=2) <= 1e-10 * full_var).any(axis=1)] = np.nan
    return cov


def moment_features(X: np.ndarray, w: np.ndarray, centre: np.ndarray, *,
                    out: np.ndarray | None = None) -> np.ndarray:
    """Per row, the features whose sums give a weighted covariance: ``[w, w u, w u_i u_j, 1]``.

    With u = x - centre, row i's features are::

        w_i,   w_i u_i (k),   w_i u_ij u_il for j <= l (k (k + 1) / 2, np.triu_indices order),
        1 if w_i > 0 else 0

    F = 1 + k + k (k + 1) / 2 + 1 in all.  The sums of these features over any (re)sample
    of rows, each row taken ``c_i`` times, determine that resample's weighted covariance
    (:func:`cov_from_moments`); the last one counts the rows drawn with a positive weight,
    for the (n - 1) / n of :func:`weighted_cov`.

    Parameters
    ----------
    X : array of shape (n, k)
        Complete cases (rows of weight 0 may hold any finite value).
    w : array of shape (n,)
        Non-negative weights.
    centre : array of shape (k,)
        Subtracted from every row first; near the rows' mean keeps the moments small, so
        that no precision is lost in ``E[u u'] - E[u] E[u]'``.
    out : array of shape (n, F), optional
        Written in place (e.g. a column block of a wider feature matrix) and returned;
        fastest in column-major (Fortran) order, where each feature is one contiguous
        vector.

    Returns
    -------
    ndarray of shape (n, F)
        In column-major order unless ``out`` is given.

    Examples
    --------
    >>> moment_features(np.array([[1.0, 3.0]]), np.array([2.0]), np.zeros(2)).tolist()
    [[2.0, 2.0, 6.0, 2.0, 6.0, 18.0, 1.0]]
    """
    u = np.ascontiguousarray((np.asarray(X, dtype=float) - centre).T)  # (k, n)
    w = np.asarray(w, dtype=float)
    k, n = u.shape
    out = np.empty((2 + k + k * (k + 1) // 2, n)).T if out is None else out
    wu = u * w
    out[:, 0] = w
    out[:, 1:1 + k] = wu.T
    col = 1 + k
    for j in range(k):  # loops over pairs of variables, not respondents
        for m in range(j, k):
            np.multiply(wu[j], u[m], out=out[:, col])
            col += 1
    out[:, -1] = w > 0
    return out


def recentre_moments(S: np.ndarray, k: int, shift: np.ndarray) -> np.ndarray:
    """Sums of :func:`moment_features` about ``centre``, re-expressed about ``centre - shift``.

    With u' = u + shift (the rows' offsets from the new centre)::

        sum w u'         = sum w u + (sum w) shift
        sum w u'_j u'_l  = sum w u_j u_l + shift_l sum w u_j + shift_j sum w u_l
                           + (sum w) shift_j shift_l

    a linear map, so it applies to bootstrap replicate sums as well as to sample sums, and
    sums about different centres (one per stratum) can be added once on a common centre.

    Parameters
    ----------
    S : array of shape (..., F)
        Sums of :func:`moment_features` rows, F = 1 + k + k (k + 1) / 2 + 1.
    k : int
        Number of variables.
    shift : array of shape (k,)
        Old centre minus new centre.

    Returns
    -------
    ndarray of shape (..., F)

    Examples
    --------
    >>> X, w = np.array([[1.0, 3.0], [2.0, 5.0]]), np.array([1.0, 2.0])
    >>> S = moment_features(X, w, np.zeros(2)).sum(axis=0)
    >>> moved = recentre_moments(S, 2, np.array([-1.0, -3.0]))  # about (1, 3) instead
    >>> bool(np.allclose(moved, moment_features(X, w, np.array([1.0, 3.0])).sum(axis=0)))
    True
    """
    S = np.asarray(S, dtype=float)
    shift = np.asarray(shift, dtype=float)
    i, j = np.triu_indices(k)
    s0, s1 = S[..., :1], S[..., 1:1 + k]
    out = S.copy()
    out[..., 1:1 + k] += s0 * shift
    out[..., 1 + k:-1] += (s1[..., i] * shift[j] + shift[i] * s1[..., j]
                           + s0 * (shift[i] * shift[j]))
    return out


def cov_from_moments(S: np.ndarray, k: int, full_var: np.ndarray) -> np.ndarray:
    """Weighted covariance matrices from sums of :func:`moment_features`, one per row of S.

    With s0 = sum w, mean = sum w u / s0, and m the number of rows of positive weight::

        cov = (sum w u u' / s0 - mean mean') m / (m - 1)

    which is :func:`weighted_cov` of the rows summed (whatever the centre of the features).

    Parameters
    ----------
    S : array of shape (B, F)
        Feature sums of B (re)samples, F = 1 + k + k (k + 1) / 2 + 1.
    k : int
        Number of variables.
    full_var : array of shape (k,)
        The variables' variance in the full sample: a resample whose variance of some
        variable is at most 1e-10 of it (the variable constant within the resample, up to
        rounding) gets an all-NaN matrix, as in :func:`bootstrap_cov`.

    Returns
    -------
    ndarray of shape (B, k, k)

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, w = rng.normal(size=(50, 3)), rng.uniform(0.5, 2.0, 50)
    >>> S = moment_features(X, w, X.mean(axis=0)).sum(axis=0, keepdims=True)
    >>> bool(np.allclose(cov_from_moments(S, 3, np.ones(3))[0], weighted_cov(X, w)))
    True
    """
    S = np.atleast_2d(np.asarray(S, dtype=float))
    i, j = np.triu_indices(k)
    s0 = S[:, :1]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = S[:, 1:1 + k] / s0
        second = np.empty((len(S), k, k))
        second[:, i, j] = second[:, j, i] = S[:, 1 + k:-1] / s0
        size = S[:, -1, None, None]
        cov = (second - mean[:, :, None] * mean[:, None, :]) * size / (size - 1)
    cov[(np.diagonal(cov, axis1=1, axis2=2) <= 1e-10 * full_var).any(axis=1)] = np.nan
    return cov
