"""Confidence intervals, base-size flags, suppression, resampling and multiple testing.

Methods (methodology.md, "Uncertainty and significance"):

* means and score100: linearised (Taylor) standard error of a weighted mean,
  ``se^2 = n/(n-1) * sum w_i^2 (x_i - xbar)^2 / (sum w)^2``, normal interval;
* shares (top box): Wilson interval on the Kish effective base ``n_eff``;
* net scores: ``Var = 100^2 [(p + d) - (p - d)^2] / n_eff``, normal interval; for NPS-type
  items (0-10) the adjusted-Wald interval of Rocks (2016): add 3 to n and 3/4 to the
  promoter and detractor counts;
* composites: percentile bootstrap (see :mod:`txscore.scoring`), from multinomial resample
  counts (:func:`resample_counts`) or the normal law of the resample sums
  (:func:`normal_resample_sums`);
* differences of independent estimates: ``z = d / sqrt(v1 + v2)``, two-sided p;
* Benjamini-Hochberg (1995) step-up adjustment across the cells of one table.

Base sizes: :func:`base_flag` decides every row's ``flag`` (one of :data:`FLAGS`) from its
Kish effective base, and :func:`suppress` blanks the numbers of the rows flagged
"suppressed", for every table alike.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["BASE_COLUMNS", "FLAGS", "base_flag", "benjamini_hochberg", "difference_z",
           "kish_n_eff", "two_proportion_z",
           "net_interval", "net_variance", "normal_p", "normal_resample_sums",
           "percentile_interval", "resample_counts", "suppress", "wilson", "worst_flag",
           "z_value"]

#: The reporting flags of a row, from the least to the most severe: "ok" (a base of at
#: least ``caution_below``), "caution" (below ``caution_below``), "low_base" (below
#: ``low_base_below``), "suppressed" (below ``suppress_below``: the row carries no number).
FLAGS = ("ok", "caution", "low_base", "suppressed")
#: Columns that describe a row's base rather than an estimate: shown even when suppressed.
BASE_COLUMNS = ("n", "n_eff", "deff", "n_items", "n_complete", "code")


def z_value(confidence: float) -> float:
    """Two-sided normal quantile of a confidence level.

    Examples
    --------
    >>> round(z_value(0.95), 6)
    1.959964
    """
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + confidence / 2)


def normal_p(z: np.ndarray | float) -> np.ndarray:
    """Two-sided p-value of a standard normal statistic (NaN stays NaN).

    Examples
    --------
    >>> normal_p(np.array([1.959964, np.nan])).round(4).tolist()
    [0.05, nan]
    """
    z = np.abs(np.asarray(z, dtype=float))
    return np.array([math.erfc(v / math.sqrt(2)) if np.isfinite(v) else np.nan
                     for v in z.ravel()]).reshape(z.shape)


def kish_n_eff(sum_w: np.ndarray | float, sum_w2: np.ndarray | float) -> np.ndarray:
    """Kish effective base ``(sum w)^2 / sum w^2`` (0 where there is no weight).

    Parameters
    ----------
    sum_w, sum_w2 : array_like
        Sums of the weights and of the squared weights (of one group, or one per group).

    Returns
    -------
    ndarray
        Same shape as the inputs (a 0-d array for scalars: ``float()`` it).

    Examples
    --------
    >>> w = np.array([0.5, 1.0, 1.5, 2.0])
    >>> float(kish_n_eff(w.sum(), w @ w))  # 5^2 / 7.5
    3.3333333333333335
    """
    sum_w = np.asarray(sum_w, float)
    sum_w2 = np.asarray(sum_w2, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(sum_w2 > 0, sum_w**2 / sum_w2, 0.0)


def wilson(p: np.ndarray, n_eff: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a share ``p`` on an effective base ``n_eff``.

    >>> lo, hi = wilson(np.array([0.5]), np.array([100.0]), 1.959964)
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.4038, 0.5962)
    """
    p = np.asarray(p, float)
    n = np.asarray(n_eff, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return centre - half, centre + half


def net_variance(top: np.ndarray, bottom: np.ndarray, n_eff: np.ndarray) -> np.ndarray:
    """Variance of a net score (in points, -100..100) from its top and bottom shares.

    Examples
    --------
    >>> float(net_variance(0.5, 0.2, 100.0))  # 100^2 (0.7 - 0.3^2) / 100
    61.0
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        return 100.0**2 * ((top + bottom) - (top - bottom) ** 2) / n_eff


def net_interval(top: np.ndarray, bottom: np.ndarray, n_eff: np.ndarray, z: float, *,
                 adjusted_wald: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Interval of a net score; adjusted-Wald (Rocks 2016) for NPS-type items.

    Adjusted Wald: ``n' = n + 3``, ``p' = (p n + 3/4) / n'``, ``d' = (d n + 3/4) / n'``,
    interval ``100 (p' - d') +/- z sqrt(Var')`` with Var' from the adjusted shares.

    Examples
    --------
    >>> lo, hi = net_interval(0.5, 0.2, 100.0, 1.959964)
    >>> round(float(lo), 2), round(float(hi), 2)
    (14.69, 45.31)
    """
    top = np.asarray(top, float)
    bottom = np.asarray(bottom, float)
    n = np.asarray(n_eff, float)
    if adjusted_wald:
        n2 = n + 3
        top, bottom, n = (top * n + 0.75) / n2, (bottom * n + 0.75) / n2, n2
    centre = 100 * (top - bottom)
    half = z * np.sqrt(net_variance(top, bottom, n))
    return np.clip(centre - half, -100, 100), np.clip(centre + half, -100, 100)


def base_flag(n_eff: np.ndarray, *, suppress_below: float, low_base_below: float,
              caution_below: float) -> np.ndarray:
    """The reporting flag of each row from its effective base: one of :data:`FLAGS`.

    The one place the thresholds are compared with a base; every table's ``flag`` column
    comes from here, and reports only read it.  A missing base (NaN) is "suppressed".

    Examples
    --------
    >>> base_flag(np.array([25.0, 40, 80, 500]), suppress_below=30, low_base_below=50,
    ...           caution_below=100).tolist()
    ['suppressed', 'low_base', 'caution', 'ok']
    """
    n = np.asarray(n_eff, float)
    return np.select([~(n >= suppress_below), n < low_base_below, n < caution_below],
                     ["suppressed", "low_base", "caution"], default="ok").astype(object)


_FLAG_RANK = {flag: rank for rank, flag in enumerate(FLAGS)}


def worst_flag(*flags: np.ndarray) -> np.ndarray:
    """The most severe of several flag arrays, row by row (a difference of two cells).

    Examples
    --------
    >>> worst_flag(np.array(["ok", "caution"]), np.array(["low_base", "ok"])).tolist()
    ['low_base', 'caution']
    """
    ranks = np.max([np.vectorize(_FLAG_RANK.__getitem__, otypes=[int])(np.asarray(f, object))
                    for f in flags], axis=0)
    return np.array(FLAGS, dtype=object)[ranks]


def suppress(table: pd.DataFrame, *, keep: tuple[str, ...] = (),
             text: tuple[str, ...] = ()) -> pd.DataFrame:
    """Blank the numbers of the rows flagged "suppressed": no number on a base too small.

    The one suppression rule of every table: in each row whose ``flag`` is "suppressed",
    every float column becomes NaN except the bases (:data:`BASE_COLUMNS`) and ``keep``,
    and every column in ``text`` (words derived from the numbers: a band, a verdict)
    becomes "".

    Parameters
    ----------
    table : DataFrame
        With a ``flag`` column of :data:`FLAGS` codes.
    keep : tuple of str
        Further float columns shown anyway (e.g. a peer average, which is not the row's).
    text : tuple of str
        Text columns to empty.

    Returns
    -------
    DataFrame
        A copy (the input is not changed).

    Examples
    --------
    >>> t = pd.DataFrame({"value": [61.5, 48.0], "n": [400, 12], "band": ["good", "poor"],
    ...                   "flag": ["ok", "suppressed"]})
    >>> suppress(t, text=("band",))
       value    n  band        flag
    0   61.5  400  good          ok
    1    NaN   12        suppressed
    """
    out = table.copy()
    if out.empty or "flag" not in out:
        return out
    hidden = (out["flag"] == "suppressed").to_numpy(bool)
    if not hidden.any():
        return out
    shown = set(BASE_COLUMNS) | set(keep)
    numbers = [c for c in out.columns if c not in shown
               and pd.api.types.is_float_dtype(out[c])]
    out.loc[hidden, numbers] = np.nan
    for col in text:
        if col in out:
            out.loc[hidden, col] = ""
    return out


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (NaN kept, not counted).

    >>> benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.20])).round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.2]
    """
    p = np.asarray(p, float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m == 0:
        return out
    vals = p[ok]
    order = np.argsort(vals)
    ranked = vals[order] * m / np.arange(1, m + 1)
    adj = np.minimum.accumulate(ranked[::-1])[::-1]
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


def percentile_interval(reps: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval along axis 0 (NaN where replicates are missing).

    Examples
    --------
    >>> lo, hi = percentile_interval(np.arange(101.0)[:, None], 0.90)
    >>> lo.round(6).tolist(), hi.round(6).tolist()
    ([5.0], [95.0])
    """
    alpha = (1 - confidence) / 2
    with np.errstate(invalid="ignore"):
        lo, hi = np.nanquantile(reps, [alpha, 1 - alpha], axis=0)
    return lo, hi


def normal_resample_sums(s1: np.ndarray, s2: np.ndarray, n: float, n_boot: int,
                 rng: np.random.Generator) -> np.ndarray:
    """(n_boot, F) bootstrap replicate sums of n feature rows, drawn from the normal law.

    A multinomial resample of n rows f_i has sums with mean ``s1 = sum f_i`` and covariance
    ``n Sigma``, Sigma the population covariance of the rows (``s2 / n - m m'``, ``s2 = sum
    f_i f_i'``, ``m = s1 / n``).  For large n the sums are normal (central limit theorem), so
    a replicate is ``s1 + sqrt(n) (z L') * sd`` with z standard normal and L the Cholesky
    factor of the features' correlation matrix: O(F^2) per replicate whatever n.

    Features whose variance is below 1e-9 of their mean square (constant up to rounding,
    e.g. every respondent answered) are held at their sum.  When the correlation matrix is
    (nearly) singular (a pivot of its Cholesky factor at most 1e-8: exactly collinear
    features such as unweighted "answered" counts, or a stratum with fewer respondents than
    features) the factor is the symmetric square root of its range (eigenvalues below 1e-8
    of the largest dropped) instead of the Cholesky factor: a Cholesky factor of a singular
    matrix magnifies rounding in the sums a million-fold, the range's root does not.  Either
    factor is a continuous function of the sums, so sums accumulated in another order
    (chunks, partitions) give the same replicates to rounding.  One (n_boot, F) block of
    normal draws is taken per call whatever the features, so the random stream does not
    depend on them.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> f = rng.normal(size=(500, 2)) @ np.array([[1.0, 0.5], [0.0, 1.0]])
    >>> reps = normal_resample_sums(f.sum(0), f.T @ f, len(f), 20_000, np.random.default_rng(2))
    >>> bool(np.allclose(np.cov(reps.T, bias=True) / len(f), np.cov(f.T, bias=True), rtol=0.05))
    True
    """
    z = rng.standard_normal((n_boot, len(s1)))
    m = s1 / n
    second = np.diag(s2) / n
    cov = s2 / n - np.outer(m, m)
    var = np.diag(cov)
    live = np.flatnonzero(var > 1e-9 * second)
    out = np.broadcast_to(s1, z.shape).copy()
    if not len(live):
        return out
    sd = np.sqrt(var[live])
    corr = cov[np.ix_(live, live)] / np.outer(sd, sd)
    corr = (corr + corr.T) / 2
    factor = None
    try:  # well conditioned (no pivot near 0): the Cholesky factor, as always
        chol = np.linalg.cholesky(corr + 1e-10 * np.eye(len(live)))
        if np.diagonal(chol).min() ** 2 > 1e-8:
            factor = chol.T
    except np.linalg.LinAlgError:  # rounding made it indefinite
        pass
    if factor is None:  # (nearly) collinear features: the symmetric root of the range
        e, v = np.linalg.eigh(corr)
        keep = e > 1e-8 * e[-1]
        factor = (v[:, keep] * np.sqrt(e[keep])) @ v[:, keep].T
    out[:, live] += (z[:, live] @ factor) * (np.sqrt(n) * sd)
    return out


def resample_counts(rng: np.random.Generator, sizes: int | np.ndarray, n_boot: int, *,
                    dtype: type = np.int64) -> np.ndarray:
    """(n_boot, n) bootstrap resample counts: how often each respondent is drawn.

    The respondents are ``n = sum(sizes)`` rows in consecutive strata of the given sizes
    (one stratum: an int).  Each resample draws, in every stratum, as many respondents
    with replacement as it has (a multinomial(n_s, 1/n_s) count per respondent, the same
    law as ``rng.multinomial``), as uniform indices counted by a bincount per block of
    resamples small enough to stay in cache: an order of magnitude faster than
    ``rng.multinomial``.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of the draws.
    sizes : int or array of int
        Stratum sizes, in the order of the rows.
    n_boot : int
        Resamples.
    dtype : {numpy.int64, numpy.int32}
        Width of the uniform draws.  The random stream depends on it: the composite scores
        draw 64-bit indices, the key-driver analyses 32-bit ones (the fastest); each
        keeps its own so that its numbers do not change.

    Returns
    -------
    ndarray of shape (n_boot, n)
        Float counts; each stratum's columns sum to its size in every row.

    Examples
    --------
    >>> counts = resample_counts(np.random.default_rng(0), np.array([3, 2]), 4)
    >>> counts.shape, counts[:, :3].sum(axis=1).tolist(), counts[:, 3:].sum(axis=1).tolist()
    ((4, 5), [3.0, 3.0, 3.0, 3.0], [2.0, 2.0, 2.0, 2.0])
    """
    sizes = np.atleast_1d(np.asarray(sizes, dtype=np.int64))
    n = int(sizes.sum())
    if len(sizes) == 1:
        draws = rng.integers(0, n, (n_boot, n), dtype=dtype)
    else:
        draws = np.empty((n_boot, n), dtype=dtype)
        start = 0
        for size in sizes:  # a loop over strata (brands), not respondents
            draws[:, start:start + size] = rng.integers(start, start + size, (n_boot, size),
                                                        dtype=dtype)
            start += size
    counts = np.empty((n_boot, n))
    block = max(1, min(n_boot, 2**16 // max(n, 1)))
    offset = (np.arange(block, dtype=dtype) * n)[:, None]  # < 2**16 + n: no overflow
    for b in range(0, n_boot, block):
        d = draws[b:b + block]
        d += offset[:len(d)]  # resample r of the block counts into bins r n .. r n + n - 1
        counts[b:b + len(d)] = np.bincount(d.ravel(), minlength=d.size).reshape(d.shape)
    return counts


def difference_z(d: np.ndarray | float, var_a: np.ndarray | float, var_b: np.ndarray | float,
                 cov: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """z-test of the difference ``d = a - b`` of two estimates: ``z = d / sqrt(var_a +
    var_b - 2 cov)``, two-sided normal p (NaN where the variance is not positive).

    ``cov`` is the covariance of the two estimates (0 for independent samples; with the
    same respondents on both sides, their clustered covariance).

    Examples
    --------
    >>> z, p = difference_z(3.0, 1.5, 2.5)  # 3 / sqrt(4)
    >>> float(z), round(float(p), 4)
    (1.5, 0.1336)
    >>> float(difference_z(3.0, 1.5, 2.5, cov=1.0)[0])  # 3 / sqrt(2)
    2.1213203435596424
    """
    d = np.asarray(d, float)
    var = np.asarray(var_a, float) + np.asarray(var_b, float) - 2 * np.asarray(cov, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(var > 0, d / np.sqrt(np.where(var > 0, var, 1.0)), np.nan)
    return z, normal_p(z)


def two_proportion_z(p_a: np.ndarray | float, p_b: np.ndarray | float,
                     n_a: np.ndarray | float, n_b: np.ndarray | float,
                     cov: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Two-proportion z-test on effective bases, with the pooled share under the null.

    ``pbar = (n_a p_a + n_b p_b) / (n_a + n_b)``, ``z = (p_a - p_b) / sqrt(pbar (1 - pbar)
    (1/n_a + 1/n_b) - 2 cov)``, two-sided normal p. Shares are fractions (0..1); ``n_a``,
    ``n_b`` effective bases (Kish n_eff, divided by the cluster design effect when rows are
    clustered); ``cov`` the covariance of the two shares when the groups share
    respondents (0 for independent groups). The column-proportions test of tab software
    (SPSS Custom Tables, Q) on effective bases.

    Examples
    --------
    >>> z, p = two_proportion_z(0.60, 0.45, 200, 150)
    >>> round(float(z), 4), round(float(p), 4)  # pbar = 0.5357; R: prop.test(correct = FALSE)
    (2.7846, 0.0054)
    """
    p_a, p_b = np.asarray(p_a, float), np.asarray(p_b, float)
    n_a, n_b = np.asarray(n_a, float), np.asarray(n_b, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        pbar = (n_a * p_a + n_b * p_b) / (n_a + n_b)
        var = pbar * (1 - pbar) * (1 / n_a + 1 / n_b)
    return difference_z(p_a - p_b, var, 0.0, cov)
