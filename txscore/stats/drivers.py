"""Key-driver analysis: how much of the outcome's explained variance each driver carries.

This module owns the two decompositions of a linear model's R^2 that txscore reports
(methodology.md, "Key drivers"), and the loyalty weights of the CX-Index-style score:

- Johnson's relative weights (Johnson 2000), the default: fast for any number of drivers.
- Shapley value / LMG decomposition (Lindeman, Merenda & Gold 1980; Groemping 2006):
  the average increase in R^2 from adding a driver, over all orders of entry (up to 15
  drivers; its cost doubles with each driver).

Both work on a covariance matrix, with the outcome in the last row and column, batched over
leading axes, so that a bootstrap of 2,000 resamples is one call on a (2000, p+1, p+1) stack
built by matrix products (:func:`bootstrap_cov`) instead of 2,000 model fits.  A resample's
covariance is a function of its sums of the moment features ``w [1, u, u_i u_j (i <= j)]``
(:func:`moment_features`, :func:`cov_from_moments`), so resample sums drawn by any means
(counts times features, or their normal law for large strata, as
:mod:`txscore.scoring.drivers` does) give the covariance matrices the decompositions take.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, TxscoreWarning

__all__ = ["bootstrap_cov", "cov_from_moments", "driver_importance", "moment_features",
           "recentre_moments", "relative_weights_from_cov", "shapley_from_cov", "weighted_cov"]

MAX_SHAPLEY_DRIVERS = 15
MIN_N_PER_DRIVER = 20
NEAR_DUPLICATE_R = 0.90
# lambda_max / lambda_min of the driver correlations; 1,000 is a condition index of ~32,
# just past Belsley, Kuh & Welsch's (1980) threshold of 30 for harmful collinearity.
MAX_CONDITION = 1_000.0
_METHODS = ("relative_weights", "shapley")


def _complete_cases(X: np.ndarray, w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Rows of X (and w) with every value finite and a positive, finite weight."""
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
    """
    X, w = _complete_cases(X, w)
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


def _split_corr(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Driver correlations Rxx (..., p, p) and driver-outcome correlations rxy (..., p)."""
    cov = np.asarray(cov, dtype=float)
    if cov.ndim < 2 or cov.shape[-1] != cov.shape[-2] or cov.shape[-1] < 2:
        raise InputDataError(f"expected covariance matrices of shape (..., p+1, p+1); "
                             f"got {cov.shape}.")
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.sqrt(np.diagonal(cov, axis1=-2, axis2=-1))
        corr = cov / (sd[..., :, None] * sd[..., None, :])
    return corr[..., :-1, :-1], corr[..., :-1, -1]


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Batched solve of a x = b for vectors b (pseudo-inverse if some a is exactly singular)."""
    try:
        return np.linalg.solve(a, b[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return (np.linalg.pinv(a) @ b[..., None])[..., 0]


def relative_weights_from_cov(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Johnson's (2000) relative weights of p drivers, from covariance matrices.

    With the correlations Rxx = V diag(e) V' of the drivers and r_xy with the outcome::

        Lambda = V diag(sqrt e) V'        (drivers regressed on their orthogonal twins Z)
        beta   = Lambda^-1 r_xy           (outcome regressed on Z)
        raw_j  = sum_k Lambda_jk^2 beta_k^2,   sum_j raw_j = R^2 = beta' beta

    Parameters
    ----------
    cov : array of shape (..., p+1, p+1)
        Covariance (or correlation) matrices with the outcome last; any leading axes are
        batch axes (e.g. (2000, p+1, p+1) for 2,000 bootstrap resamples).

    Returns
    -------
    raw : ndarray (..., p)
        Raw relative weights, in R^2 units.
    r2 : ndarray (...,)
        Full-model R^2.
    coefs : ndarray (..., p)
        Standardized multiple-regression coefficients, solve(Rxx, r_xy).

    A matrix whose drivers are linearly dependent or constant gives NaN in its batch row.

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of predictor
    variables in multiple regression. Multivariate Behavioral Research, 35(1), 1-19.

    Examples
    --------
    >>> import numpy as np
    >>> cov = np.array([[1.0, 0.6, 0.3, 0.5], [0.6, 1.0, 0.2, 0.6],
    ...                 [0.3, 0.2, 1.0, 0.3], [0.5, 0.6, 0.3, 1.0]])  # outcome last
    >>> raw, r2, coefs = relative_weights_from_cov(cov)
    >>> print(raw.round(4), round(float(r2), 4))   # R: rwa::rwa(df, "y", c("x1", "x2", "x3"))
    [0.1228 0.2407 0.0488] 0.4124
    """
    rxx, rxy = _split_corr(cov)
    bad = ~(np.isfinite(rxx).all(axis=(-2, -1)) & np.isfinite(rxy).all(axis=-1))
    if bad.any():  # LAPACK's eigh raises on NaN (p >= 3): decompose I instead, keep NaN
        rxx = np.where(bad[..., None, None], np.eye(rxx.shape[-1]), rxx)
        rxy = np.where(bad[..., None], np.nan, rxy)
    e, V = np.linalg.eigh(rxx)
    with np.errstate(invalid="ignore", divide="ignore"):
        root = np.sqrt(np.where(e > 0, e, np.nan))
        lam = (V * root[..., None, :]) @ np.swapaxes(V, -1, -2)
        beta = ((V / root[..., None, :]) @ np.swapaxes(V, -1, -2) @ rxy[..., None])[..., 0]
    raw = (lam**2 @ (beta**2)[..., None])[..., 0]
    return raw, (beta**2).sum(axis=-1), _solve(rxx, rxy)


@lru_cache(maxsize=16)
def _subsets(p: int) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """For each size k = 1..p: driver indices (C(p,k), k) and bitmasks of those subsets."""
    out = []
    for k in range(1, p + 1):
        idx = np.array(list(itertools.combinations(range(p), k)), dtype=np.intp)
        out.append((idx, (1 << idx).sum(axis=1)))
    return tuple(out)


def shapley_from_cov(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shapley value / LMG decomposition of R^2 over p <= 15 drivers, from covariances.

    R^2(S) = r_S' R_SS^-1 r_S is computed for all 2^p - 1 subsets S of drivers (grouped by
    size, one batched solve per size), then::

        raw_j = sum over S not containing j of  |S|! (p - |S| - 1)! / p!  [R^2(S + j) - R^2(S)]

    the increase in R^2 from adding driver j averaged over all p! orders of entry; this is
    the general dominance weight of dominance analysis.

    Parameters
    ----------
    cov : array of shape (..., p+1, p+1)
        Covariance (or correlation) matrices with the outcome last; leading axes are batch
        axes (memory grows with batch size x sum_k C(p,k) k^2).

    Returns
    -------
    raw : ndarray (..., p)
        Shapley/LMG shares of R^2 (sum to R^2).
    r2 : ndarray (...,)
        Full-model R^2.
    coefs : ndarray (..., p)
        Standardized multiple-regression coefficients.

    References
    ----------
    Lindeman, R. H., Merenda, P. F., & Gold, R. Z. (1980). Introduction to bivariate and
    multivariate analysis. Glenview, IL: Scott, Foresman.
    Groemping, U. (2006). Relative importance for linear regression in R: the package
    relaimpo. Journal of Statistical Software, 17(1), 1-27.

    Examples
    --------
    >>> import numpy as np
    >>> cov = np.array([[1.0, 0.6, 0.3, 0.5], [0.6, 1.0, 0.2, 0.6],
    ...                 [0.3, 0.2, 1.0, 0.3], [0.5, 0.6, 0.3, 1.0]])  # outcome last
    >>> raw, r2, coefs = shapley_from_cov(cov)
    >>> print(raw.round(4), round(float(r2), 4))   # R: relaimpo::calc.relimp(cov, type="lmg")
    [0.1254 0.2399 0.047 ] 0.4124
    """
    rxx, rxy = _split_corr(cov)
    p = rxy.shape[-1]
    if p > MAX_SHAPLEY_DRIVERS:
        raise InputDataError(
            f"Shapley/LMG decomposition takes at most {MAX_SHAPLEY_DRIVERS} drivers; got {p}. "
            "Fix: use method='relative_weights', or group items into dimensions first."
        )
    r2_sub = np.zeros(rxy.shape[:-1] + (2**p,))
    for idx, masks in _subsets(p):
        r_s = rxy[..., idx]                                       # (..., M, k)
        r_ss = rxx[..., idx[:, :, None], idx[:, None, :]]        # (..., M, k, k)
        r2_sub[..., masks] = (r_s * _solve(r_ss, r_s)).sum(axis=-1)
    everything = np.arange(2**p)
    size = sum((everything >> b) & 1 for b in range(p))
    order_weight = np.array(
        [math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p) for k in range(p)]
    )
    raw = np.empty(rxy.shape)
    for j in range(p):
        without = everything[(everything >> j) & 1 == 0]
        gain = r2_sub[..., without | (1 << j)] - r2_sub[..., without]
        raw[..., j] = gain @ order_weight[size[without]]
    return raw, r2_sub[..., -1], _solve(rxx, rxy)


def _multinomial_counts(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """(size, n) counts of n draws with replacement from n respondents: Multinomial(n, 1/n)."""
    draws = rng.integers(0, n, size=(size, n))
    counts = np.empty((size, n))
    block = max(1, 2**18 // n)  # keeps each bincount's output in cache
    for start in range(0, size, block):
        d = draws[start : start + block]
        offset = (np.arange(len(d)) * n)[:, None]
        counts[start : start + block] = np.bincount(
            (d + offset).ravel(), minlength=len(d) * n
        ).reshape(len(d), n)
    return counts


def _fmt_r(r: float) -> str:
    """'.97', '-.93'; three decimals when two would round a near-duplicate up to 1.00."""
    text = f"{abs(r):.2f}" if abs(r) < 0.995 else f"{abs(r):.3f}"
    return ("-" if r < 0 else "") + (text[1:] if text.startswith("0") else text)


def _check_drivers(cov: np.ndarray, names: list[str], n: int) -> None:
    """Raise on unusable driver sets; warn on ones that make importances unstable."""
    p = len(names)
    if n / p < MIN_N_PER_DRIVER:
        warnings.warn(
            f"low n per driver: {n} complete cases for {p} drivers ({n / p:.1f} per driver; "
            f"at least {MIN_N_PER_DRIVER} recommended). Importances will be unstable.",
            TxscoreWarning, stacklevel=3)
    rxx, _ = _split_corr(cov)
    i, j = np.triu_indices(p, 1)
    dup = np.abs(rxx[i, j]) > NEAR_DUPLICATE_R
    e = np.linalg.eigvalsh(rxx)
    if e[0] <= 1e-10 * e[-1]:
        raise InputDataError(
            f"drivers {names} are linearly dependent (one is an exact combination of others), "
            "so their importances are not defined. Fix: drop or merge the redundant drivers.")
    pairs = "; ".join(f"{names[a]} and {names[b]}, r = {_fmt_r(rxx[a, b])}"
                      for a, b in zip(i[dup], j[dup], strict=True))
    cond = e[-1] / e[0]
    if pairs:
        warnings.warn(
            f"near-duplicate drivers: {pairs}. Their importances split shared variance "
            "arbitrarily. Fix: merge each pair into one score or drop one of them.",
            TxscoreWarning, stacklevel=3)
    elif cond > MAX_CONDITION:
        warnings.warn(
            f"near-singular driver correlation matrix (condition number {cond:,.0f} > "
            f"{MAX_CONDITION:,.0f}): some driver is nearly a combination of the others, so "
            "importances are unstable. Fix: merge or drop redundant drivers.",
            TxscoreWarning, stacklevel=3)


def driver_importance(
    data: pd.DataFrame,
    outcome: str,
    drivers: Sequence[str],
    *,
    weights: str | np.ndarray | None = None,
    method: Literal["relative_weights", "shapley"] = "relative_weights",
    n_boot: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Relative importance of drivers of an outcome, with bootstrap intervals.

    The R^2 of the weighted linear regression of ``outcome`` on ``drivers`` (complete cases)
    is split into one share per driver: Johnson's relative weights (default) or the
    Shapley/LMG decomposition.  With raw weights eps_j (sum_j eps_j = R^2)::

        importance_j = 100 eps_j / R^2        sign_j = sign(b_j)

    where b_j is the standardized multiple-regression coefficient.  The interval is the
    bootstrap percentile interval of importance_j: respondents are resampled with
    multinomial counts (times their weights), ``n_boot`` times, from ``seed``.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    outcome : str
        Outcome column (e.g. the loyalty composite).
    drivers : sequence of str
        Driver columns (dimensions or items); at most 15 for ``method="shapley"``.
    weights : str or array of shape (len(data),), optional
        Weight column name or weights.  Rows with a missing or zero weight are left out.
    method : {"relative_weights", "shapley"}
    n_boot : int
        Bootstrap resamples; 0 skips the bootstrap (ci_low and ci_high are NaN).
    seed : int
        Seed of the bootstrap resampling.
    confidence : float
        Coverage of the percentile interval.

    Returns
    -------
    DataFrame
        One row per driver, in the order given: ``driver``, ``raw_weight`` (share of R^2, in
        R^2 units), ``importance`` (sums to 100), ``sign`` (+1/-1), ``coefficient``
        (standardized regression coefficient), ``ci_low``, ``ci_high``, ``rank`` (1 = most
        important), ``r2``, ``n`` (complete cases), ``n_eff`` (Kish, (sum w)^2 / sum w^2),
        ``method``.

    Raises
    ------
    InputDataError
        Unknown columns or settings, non-numeric data, negative weights, n <= p + 1,
        a constant driver or outcome, linearly dependent drivers, zero R^2.

    Warns
    -----
    TxscoreWarning
        Fewer than 20 complete cases per driver; near-duplicate drivers (|r| > .90) or a
        near-singular driver correlation matrix (condition number > 1,000); degenerate
        bootstrap resamples left out of the interval.

    References
    ----------
    Johnson, J. W. (2000). Multivariate Behavioral Research, 35(1), 1-19.
    Lindeman, Merenda & Gold (1980); Groemping, U. (2006). J. Stat. Softw., 17(1), 1-27.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame(rng.normal(size=(1000, 3)), columns=["effectiveness", "ease", "emotion"])
    >>> df["loyalty"] = df @ [0.6, 0.4, 0.2] + rng.normal(size=1000)
    >>> res = driver_importance(df, "loyalty", ["effectiveness", "ease", "emotion"], n_boot=500)
    >>> # R: rwa::rwa(df, "loyalty", c("effectiveness", "ease", "emotion"), bootstrap = TRUE)
    >>> res[["driver", "importance", "ci_low", "ci_high", "rank"]].round(1)
              driver  importance  ci_low  ci_high  rank
    0  effectiveness        54.5    45.1     64.2     1
    1           ease        35.3    26.7     44.6     2
    2        emotion        10.2     5.4     16.2     3
    """
    if method not in _METHODS:
        raise InputDataError(f"The 'method' setting of driver_importance must be one of "
                             f"{', '.join(map(repr, _METHODS))}. Got {method!r}.")
    drivers = [drivers] if isinstance(drivers, str) else list(drivers)
    if not drivers or len(set(drivers)) != len(drivers) or outcome in drivers:
        raise InputDataError(f"drivers must be distinct, non-empty and exclude the outcome "
                             f"{outcome!r}; got {drivers}.")
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise InputDataError(f"n_boot must be a non-negative integer; got {n_boot!r}.")
    if not 0 < confidence < 1:
        raise InputDataError(f"confidence must be between 0 and 1; got {confidence!r}.")
    columns = [*drivers, outcome]
    wcol = [weights] if isinstance(weights, str) else []
    missing = [c for c in columns + wcol if c not in data.columns]
    if missing:
        raise InputDataError(f"columns not in the data: {missing}. Fix: check the names "
                             f"against the data's columns.")
    bad = [c for c in columns + wcol if not pd.api.types.is_numeric_dtype(data[c])]
    if bad:
        raise InputDataError(f"columns {bad} are not numeric. Fix: map answer labels to "
                             "codes (and weights to numbers) before the driver analysis.")
    w = data[weights].astype(float).to_numpy() if isinstance(weights, str) else weights
    X, w = _complete_cases(data[columns].astype(float).to_numpy(), w)
    n, p = len(X), len(drivers)
    if n <= p + 1:
        raise InputDataError(f"{n} complete cases for {p} drivers: the regression needs more "
                             f"than p + 1 = {p + 1}. Fix: use fewer drivers or more respondents.")
    cov = weighted_cov(X, w)
    # Relative to each column's own scale: a constant column leaves only rounding error.
    constant = [c for c, v, top in zip(columns, np.diag(cov), np.abs(X).max(axis=0), strict=True)
                if v <= (1e-10 * top) ** 2]
    if constant:
        raise InputDataError(f"columns {constant} have zero variance over the {n} complete "
                             "cases, so they cannot drive or be driven. Fix: drop them.")
    _check_drivers(cov, drivers, n)

    decompose = relative_weights_from_cov if method == "relative_weights" else shapley_from_cov
    raw, r2, coefs = decompose(cov)
    if not r2 > 1e-12:
        raise InputDataError(f"R^2 of {outcome!r} on the drivers is zero: importances are not "
                             "defined.")
    importance = 100 * raw / r2

    ci = np.full((2, p), np.nan)
    if n_boot > 0:
        rng = np.random.default_rng(seed)
        per_matrix = 1 if method == "relative_weights" else max(
            math.comb(p, k) * k * k for k in range(1, p + 1))
        chunk = max(1, min(n_boot, 2**22 // n, 2**22 // per_matrix))  # <= 32 MB of counts
        boot = np.empty((n_boot, p))
        for start in range(0, n_boot, chunk):
            size = min(chunk, n_boot - start)
            b_raw, b_r2, _ = decompose(bootstrap_cov(X, _multinomial_counts(rng, n, size), w))
            with np.errstate(invalid="ignore", divide="ignore"):
                boot[start : start + size] = 100 * b_raw / b_r2[:, None]
        ok = np.isfinite(boot).all(axis=1)
        if not ok.any():
            raise InputDataError("every bootstrap resample was degenerate (a constant driver "
                                 "or outcome); no interval can be given.")
        if not ok.all():
            warnings.warn(f"{(~ok).sum()} of {n_boot} bootstrap resamples were degenerate "
                          "(a driver constant within the resample) and were left out of the "
                          "interval.", TxscoreWarning, stacklevel=2)
        tail = (1 - confidence) / 2
        ci = np.quantile(boot[ok], [tail, 1 - tail], axis=0)

    rank = pd.Series(importance).rank(ascending=False, method="min").astype(int)
    return pd.DataFrame({
        "driver": drivers, "raw_weight": raw, "importance": importance,
        "sign": np.where(coefs < 0, -1, 1), "coefficient": coefs,
        "ci_low": ci[0], "ci_high": ci[1], "rank": rank, "r2": float(r2), "n": n,
        "n_eff": w.sum() ** 2 / (w**2).sum(), "method": method,
    })
