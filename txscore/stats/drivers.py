"""Key-driver analysis: how much of the outcome's explained variance each driver carries.

This module owns the two decompositions of a linear model's R^2 that txscore reports
(methodology.md, "Key drivers"), and the loyalty weights of the CX-Index-style score:

- Johnson's relative weights (Johnson 2000), the default: fast for any number of drivers.
- Shapley value / LMG decomposition (Lindeman, Merenda & Gold 1980; Groemping 2006):
  the average increase in R^2 from adding a driver, over all orders of entry (up to 15
  drivers; its cost doubles with each driver).

Both work on a covariance matrix, with the outcome in the last row and column, batched over
leading axes, so that a bootstrap of 2,000 resamples is one call on a (2000, p+1, p+1) stack
built by matrix products (:func:`txscore.stats.moments.bootstrap_cov`) instead of 2,000
model fits.  The guards against unstable importances return codes
(:data:`DRIVER_WARNINGS`); :func:`driver_importance` also issues them as warnings.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd

from txscore.errors import (
    InputDataError,
    ParameterError,
    TxscoreWarning,
    check_choice,
    check_confidence,
    check_scalar,
)
from txscore.stats.inference import kish_n_eff, percentile_interval, resample_counts
from txscore.stats.moments import bootstrap_cov, complete_cases, weighted_cov

__all__ = ["DRIVER_WARNINGS", "METHODS", "boot_interval", "decomposition", "driver_importance",
           "importance_from_cov", "point_importance", "relative_weights_from_cov",
           "shapley_from_cov", "warning_message"]

MAX_SHAPLEY_DRIVERS = 15
MIN_N_PER_DRIVER = 20
NEAR_DUPLICATE_R = 0.90
# lambda_max / lambda_min of the driver correlations; 1,000 is a condition index of ~32,
# just past Belsley, Kuh & Welsch's (1980) threshold of 30 for harmful collinearity.
MAX_CONDITION = 1_000.0
#: The decompositions of R^2.
METHODS = ("relative_weights", "shapley")
#: Warnings about a driver analysis, as codes ``code[:subject](value)`` (";"-joined in a
#: table; reports translate them, :func:`warning_message` says them in English):
#: "few_cases_per_driver(13.3)": fewer than MIN_N_PER_DRIVER complete cases per driver
#: (value: cases per driver); "near_duplicate:trust~fit(.97)": two drivers correlate beyond
#: NEAR_DUPLICATE_R (value: r); "singular(1234)": a near-singular driver correlation matrix
#: (value: its condition number, above MAX_CONDITION); "degenerate_resamples(12/2000)":
#: bootstrap resamples with a constant driver or outcome, left out of the interval.
DRIVER_WARNINGS = ("few_cases_per_driver", "near_duplicate", "singular",
                   "degenerate_resamples")


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


def decomposition(method: str) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray,
                                                                np.ndarray]]:
    """The decomposition of R^2 of a method of :data:`METHODS`: (raw, r2, coefs) from
    covariance matrices.

    Examples
    --------
    >>> decomposition("shapley") is shapley_from_cov
    True
    """
    return relative_weights_from_cov if method == "relative_weights" else shapley_from_cov


def _fmt_r(r: float) -> str:
    """'.97', '-.93'; three decimals when two would round a near-duplicate up to 1.00."""
    text = f"{abs(r):.2f}" if abs(r) < 0.995 else f"{abs(r):.3f}"
    return ("-" if r < 0 else "") + (text[1:] if text.startswith("0") else text)


def _guards(cov: np.ndarray, names: list[str], n: int) -> list[str]:
    """Raise on unusable driver sets; the codes of those that make importances unstable."""
    p = len(names)
    codes = []
    if n / p < MIN_N_PER_DRIVER:
        codes.append(f"few_cases_per_driver({n / p:.1f})")
    rxx, _ = _split_corr(cov)
    i, j = np.triu_indices(p, 1)
    dup = np.abs(rxx[i, j]) > NEAR_DUPLICATE_R
    e = np.linalg.eigvalsh(rxx)
    if e[0] <= 1e-10 * e[-1]:
        raise InputDataError(
            f"drivers {names} are linearly dependent (one is an exact combination of others), "
            "so their importances are not defined. Fix: drop or merge the redundant drivers.")
    codes += [f"near_duplicate:{names[a]}~{names[b]}({_fmt_r(rxx[a, b])})"
              for a, b in zip(i[dup], j[dup], strict=True)]
    if not dup.any() and e[-1] / e[0] > MAX_CONDITION:
        codes.append(f"singular({e[-1] / e[0]:.0f})")
    return codes


def warning_message(code: str) -> str:
    """One :data:`DRIVER_WARNINGS` code said in English (for Python warnings).

    Examples
    --------
    >>> warning_message("near_duplicate:trust~fit(.97)")[:48]
    'near-duplicate drivers: trust and fit, r = .97. '
    """
    name, _, value = code.partition("(")
    name, _, subject = name.partition(":")
    value = value.removesuffix(")")
    if name == "few_cases_per_driver":
        return (f"low n per driver: {value} complete cases per driver (at least "
                f"{MIN_N_PER_DRIVER} recommended). Importances will be unstable.")
    if name == "near_duplicate":
        a, _, b = subject.partition("~")
        return (f"near-duplicate drivers: {a} and {b}, r = {value}. Their importances split "
                "shared variance arbitrarily. Fix: merge the pair into one score or drop one "
                "of them.")
    if name == "singular":
        return (f"near-singular driver correlation matrix (condition number "
                f"{float(value):,.0f} > {MAX_CONDITION:,.0f}): some driver is nearly a "
                "combination of the others, so importances are unstable. Fix: merge or drop "
                "redundant drivers.")
    done, _, total = value.partition("/")
    return (f"{done} of {total} bootstrap resamples were degenerate (a driver or the outcome "
            "constant within the resample) and were left out of the interval.")


def point_importance(X: np.ndarray, w: np.ndarray | None, drivers: Sequence[str], *,
                     outcome: str = "outcome",
                     method: str = "relative_weights") -> tuple[pd.DataFrame, list[str]]:
    """The point estimate of a driver analysis, and the codes of its guards.

    Parameters
    ----------
    X : array of shape (n, p + 1)
        The drivers' columns, then the outcome's; rows with a missing value or a missing or
        zero weight are left out.
    w : array of shape (n,), optional
        Weights (None: 1 each).
    drivers : sequence of str
        The p drivers' names.
    outcome : str
        The outcome's name (for messages).
    method : {"relative_weights", "shapley"}

    Returns
    -------
    table : DataFrame
        One row per driver: ``driver``, ``raw_weight``, ``importance``, ``sign``,
        ``coefficient``, ``r2``, ``n``, ``n_eff``, ``method`` (as :func:`driver_importance`).
    warnings : list of str
        :data:`DRIVER_WARNINGS` codes ("few_cases_per_driver", "near_duplicate",
        "singular"), nothing issued.

    Raises
    ------
    InputDataError
        n <= p + 1, a constant driver or outcome, linearly dependent drivers, zero R^2.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 2))
    >>> X = np.column_stack([x, x @ [0.8, 0.2] + rng.normal(size=200)])
    >>> table, codes = point_importance(X, None, ["a", "b"])
    >>> table["importance"].round(1).tolist(), codes
    ([82.5, 17.5], [])
    """
    X, w = complete_cases(X, w)
    drivers = list(drivers)
    n = len(X)
    cov = weighted_cov(X, w) if n > len(drivers) + 1 else None
    raw, r2, coefs, codes = importance_from_cov(cov, n, np.abs(X).max(axis=0), drivers,
                                                outcome=outcome, method=method)
    return pd.DataFrame({
        "driver": drivers, "raw_weight": raw, "importance": 100 * raw / r2,
        "sign": np.where(coefs < 0, -1, 1), "coefficient": coefs, "r2": float(r2), "n": n,
        "n_eff": float(kish_n_eff(w.sum(), w @ w)), "method": method}), codes


def importance_from_cov(cov: np.ndarray | None, n: int, scale: np.ndarray,
                        drivers: Sequence[str], *, outcome: str = "outcome",
                        method: str = "relative_weights",
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """The point importances of a driver analysis from the covariance of its ``n`` complete
    cases, with the guards of :func:`point_importance` (the one place they are decided,
    whether the covariance comes from rows or from moment sums).

    Parameters
    ----------
    cov : array of shape (p + 1, p + 1), or None
        The weighted covariance, the outcome last (None when n <= p + 1: not needed).
    n : int
        The complete cases.
    scale : array of shape (p + 1,)
        Each column's largest |x| over the complete cases: a variance below
        ``(1e-10 scale)^2`` is rounding error, the column constant.
    drivers, outcome, method
        As for :func:`point_importance`.

    Returns
    -------
    raw, r2, coefs : ndarray
        Of the method's decomposition (:func:`decomposition`).
    codes : list of str
        :data:`DRIVER_WARNINGS` codes of the guards.

    Raises
    ------
    InputDataError
        n <= p + 1, a constant column, linearly dependent drivers, zero R^2.

    Examples
    --------
    >>> cov = np.array([[1.0, 0.2, 0.5], [0.2, 1.0, 0.3], [0.5, 0.3, 1.0]])
    >>> raw, r2, coefs, codes = importance_from_cov(cov, 100, np.ones(3), ["a", "b"])
    >>> # two drivers: Shapley/LMG by hand, R^2 = (.25 + .09 - .06) / .96, a's share
    >>> # (.25 + R^2 - .09) / 2 / R^2 = 77.4%
    >>> (100 * raw / r2).round(1).tolist(), codes
    ([77.4, 22.6], [])
    """
    drivers = list(drivers)
    p = len(drivers)
    if n <= p + 1 or cov is None:
        raise InputDataError(f"{n} complete cases for {p} drivers: the regression needs more "
                             f"than p + 1 = {p + 1}. Fix: use fewer drivers or more respondents.")
    # Relative to each column's own scale: a constant column leaves only rounding error.
    constant = [c for c, v, top in zip([*drivers, outcome], np.diag(cov), scale, strict=True)
                if v <= (1e-10 * top) ** 2]
    if constant:
        raise InputDataError(f"columns {constant} have zero variance over the {n} complete "
                             "cases, so they cannot drive or be driven. Fix: drop them.")
    codes = _guards(cov, drivers, n)
    raw, r2, coefs = decomposition(method)(cov)
    if not r2 > 1e-12:
        raise InputDataError(f"R^2 of {outcome!r} on the drivers is zero: importances are "
                             "not defined.")
    return raw, r2, coefs, codes


def boot_interval(boot: np.ndarray | None, confidence: float,
                  p: int) -> tuple[np.ndarray, np.ndarray, str | None]:
    """The percentile interval of each of ``p`` importances over their bootstrap replicates
    (the replicates with a NaN left out), and the warning code when some are degenerate.

    >>> lo, hi, warn = boot_interval(np.array([[1.0], [np.nan], [3.0]]), 0.5, 1)
    >>> lo.tolist(), hi.tolist(), warn
    ([1.5], [2.5], 'degenerate_resamples(1/3)')
    """
    lo = hi = np.full(p, np.nan)
    warn = None
    if boot is not None:
        ok = np.isfinite(boot).all(axis=1)
        if not ok.all():
            warn = f"degenerate_resamples({(~ok).sum()}/{len(boot)})"
        if ok.any():
            lo, hi = percentile_interval(boot[ok], confidence)
    return lo, hi, warn


def _interval(X: np.ndarray, w: np.ndarray, method: str, n_boot: int, seed: int,
              confidence: float, codes: list[str]) -> np.ndarray:
    """(2, p) percentile interval of the importances of multinomial resamples of the
    complete cases (NaN without resamples); degenerate resamples left out, with a code."""
    p = X.shape[1] - 1
    if n_boot <= 0:
        return np.full((2, p), np.nan)
    decompose = decomposition(method)
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    per_matrix = 1 if method == "relative_weights" else max(
        math.comb(p, k) * k * k for k in range(1, p + 1))
    chunk = max(1, min(n_boot, 2**22 // n, 2**22 // per_matrix))  # <= 32 MB of counts
    boot = np.empty((n_boot, p))
    for start in range(0, n_boot, chunk):
        size = min(chunk, n_boot - start)
        b_raw, b_r2, _ = decompose(bootstrap_cov(X, resample_counts(rng, n, size), w))
        with np.errstate(invalid="ignore", divide="ignore"):
            boot[start : start + size] = 100 * b_raw / b_r2[:, None]
    ok = np.isfinite(boot).all(axis=1)
    if not ok.any():
        raise InputDataError("every bootstrap resample was degenerate (a constant driver "
                             "or outcome); no interval can be given.")
    if not ok.all():
        codes.append(f"degenerate_resamples({(~ok).sum()}/{n_boot})")
    tail = (1 - confidence) / 2
    return np.quantile(boot[ok], [tail, 1 - tail], axis=0)


def driver_importance(data: pd.DataFrame, outcome: str, drivers: Sequence[str], *,
                      weights: str | np.ndarray | None = None,
                      method: Literal["relative_weights", "shapley"] = "relative_weights",
                      n_boot: int = 2000, seed: int = 0,
                      confidence: float = 0.95) -> pd.DataFrame:
    """Relative importance of drivers of an outcome, with bootstrap intervals.

    The R^2 of the weighted linear regression of ``outcome`` on ``drivers`` (complete cases)
    is split into one share per driver: Johnson's relative weights (default) or the
    Shapley/LMG decomposition.  With raw weights eps_j (sum_j eps_j = R^2) and b_j the
    standardized regression coefficient::

        importance_j = 100 eps_j / R^2        sign_j = sign(b_j)

    The interval is the bootstrap percentile interval of importance_j: respondents are
    resampled with multinomial counts (times their weights), ``n_boot`` times, from ``seed``.

    Parameters
    ----------
    data : DataFrame
        One row per respondent; ``outcome`` and ``drivers`` name its columns (at most 15
        drivers for ``method="shapley"``).
    weights : str or array of shape (len(data),), optional
        Weight column name or weights.  Rows with a missing or zero weight are left out.
    method : {"relative_weights", "shapley"}
    n_boot, seed : int
        Bootstrap resamples (0: no interval, NaN) and their seed.
    confidence : float
        Coverage of the percentile interval.

    Returns
    -------
    DataFrame
        One row per driver, in the order given: ``driver``, ``raw_weight`` (R^2 units),
        ``importance`` (sums to 100), ``sign``, ``coefficient``, ``ci_low``, ``ci_high``,
        ``rank`` (1 = first), ``r2``, ``n`` (complete cases), ``n_eff`` (Kish), ``method``.

    Raises
    ------
    ParameterError
        An unknown method, a negative ``n_boot``, a confidence outside (0.5, 1).
    InputDataError
        Unknown or non-numeric columns, negative weights, n <= p + 1, constant or linearly
        dependent columns, zero R^2.

    Warns
    -----
    TxscoreWarning
        Each :data:`DRIVER_WARNINGS` code, in English (:func:`warning_message`).

    References
    ----------
    Johnson, J. W. (2000). Multivariate Behavioral Research, 35(1), 1-19.  Lindeman,
    Merenda & Gold (1980).  Groemping, U. (2006). J. Stat. Softw., 17(1), 1-27.

    Examples
    --------
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
    drivers = [drivers] if isinstance(drivers, str) else list(drivers)
    _check_arguments(data, outcome, drivers, weights, method, n_boot, confidence)
    w = data[weights].astype(float).to_numpy() if isinstance(weights, str) else weights
    X, w = complete_cases(data[[*drivers, outcome]].astype(float).to_numpy(), w)
    point, codes = point_importance(X, w, drivers, outcome=outcome, method=method)
    ci = _interval(X, w, method, n_boot, seed, confidence, codes)
    for code in codes:
        warnings.warn(warning_message(code), TxscoreWarning, stacklevel=2)
    rank = point["importance"].rank(ascending=False, method="min").astype(int)
    return point.assign(ci_low=ci[0], ci_high=ci[1], rank=rank)[
        ["driver", "raw_weight", "importance", "sign", "coefficient", "ci_low", "ci_high",
         "rank", "r2", "n", "n_eff", "method"]]


def _check_arguments(data: pd.DataFrame, outcome: str, drivers: list[str], weights: object,
                     method: object, n_boot: object, confidence: object) -> None:
    """The arguments of :func:`driver_importance` (settings, then columns)."""
    check_choice(method, "method", METHODS, fix="use 'relative_weights' or 'shapley'.")
    check_scalar(n_boot, "n_boot", int, min_val=0, fix="give a number of resamples, or 0.")
    check_confidence(confidence)
    if not drivers or len(set(drivers)) != len(drivers) or outcome in drivers:
        raise ParameterError(f"drivers must be distinct, non-empty and exclude the outcome "
                             f"{outcome!r}; got {drivers}.")
    wcol = [weights] if isinstance(weights, str) else []
    missing = [c for c in [*drivers, outcome, *wcol] if c not in data.columns]
    if missing:
        raise InputDataError(f"columns not in the data: {missing}. Fix: check the names "
                             f"against the data's columns.")
    bad = [c for c in [*drivers, outcome, *wcol]
           if not pd.api.types.is_numeric_dtype(data[c])]
    if bad:
        raise InputDataError(f"columns {bad} are not numeric. Fix: map answer labels to "
                             "codes (and weights to numbers) before the driver analysis.")
