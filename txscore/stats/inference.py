"""Confidence intervals, base-size flags and multiple-testing control.

Methods (methodology.md, "Uncertainty and significance"):

* means and score100: linearised (Taylor) standard error of a weighted mean,
  ``se^2 = n/(n-1) * sum w_i^2 (x_i - xbar)^2 / (sum w)^2``, normal interval;
* shares (top box): Wilson interval on the Kish effective base ``n_eff``;
* net scores: ``Var = 100^2 [(p + d) - (p - d)^2] / n_eff``, normal interval; for NPS-type
  items (0-10) the adjusted-Wald interval of Rocks (2016): add 3 to n and 3/4 to the
  promoter and detractor counts;
* composites: percentile bootstrap (see :mod:`txscore.scoring`);
* differences of independent estimates: ``z = d / sqrt(v1 + v2)``, two-sided p;
* Benjamini-Hochberg (1995) step-up adjustment across the cells of one table.
"""

from __future__ import annotations

import math

import numpy as np


def z_value(confidence: float) -> float:
    """Two-sided normal quantile, e.g. 1.959964 for 0.95."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + confidence / 2)


def normal_p(z: np.ndarray | float) -> np.ndarray:
    """Two-sided p-value of a standard normal statistic."""
    z = np.abs(np.asarray(z, dtype=float))
    return np.array([math.erfc(v / math.sqrt(2)) if np.isfinite(v) else np.nan
                     for v in z.ravel()]).reshape(z.shape)


def kish_n_eff(sum_w: np.ndarray, sum_w2: np.ndarray) -> np.ndarray:
    """Kish effective base ``(sum w)^2 / sum w^2`` (0 where there is no weight)."""
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
    """Variance of a net score (in points, -100..100) from its top and bottom shares."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return 100.0**2 * ((top + bottom) - (top - bottom) ** 2) / n_eff


def net_interval(top: np.ndarray, bottom: np.ndarray, n_eff: np.ndarray, z: float, *,
                 adjusted_wald: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Interval of a net score; adjusted-Wald (Rocks 2016) for NPS-type items.

    Adjusted Wald: ``n' = n + 3``, ``p' = (p n + 3/4) / n'``, ``d' = (d n + 3/4) / n'``,
    interval ``100 (p' - d') +/- z sqrt(Var')`` with Var' from the adjusted shares.
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
    """Reporting flag per cell: "suppressed", "low base", "caution" or "".

    >>> base_flag(np.array([25.0, 40, 80, 500]), suppress_below=30, low_base_below=50,
    ...           caution_below=100).tolist()
    ['suppressed', 'low base', 'caution', '']
    """
    n = np.asarray(n_eff, float)
    return np.select([~(n >= suppress_below), n < low_base_below, n < caution_below],
                     ["suppressed", "low base", "caution"], default="").astype(object)


FLAG_ORDER = {"": 0, "caution": 1, "low base": 2, "suppressed": 3}


def worst_flag(*flags: np.ndarray) -> np.ndarray:
    """The most severe of several flag arrays, cell by cell."""
    ranks = np.max([np.vectorize(FLAG_ORDER.get, otypes=[int])(f) for f in flags], axis=0)
    names = np.array(list(FLAG_ORDER), dtype=object)
    return names[ranks]


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
    """Percentile bootstrap interval along axis 0 (NaN where replicates are missing)."""
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
    e.g. every respondent answered) are held at their sum; 1e-10 on the diagonal keeps the
    factor of exactly collinear features (e.g. unweighted "answered" counts) defined.  The
    factor is a continuous function of the sums, so sums accumulated in another order
    (chunks) give the same replicates to rounding.  One (n_boot, F) block of normal draws is
    taken per call whatever the features, so the random stream does not depend on them.

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
    corr = (corr + corr.T) / 2 + 1e-10 * np.eye(len(live))
    try:
        factor = np.linalg.cholesky(corr).T
    except np.linalg.LinAlgError:  # rounding made it indefinite: the symmetric root instead
        e, v = np.linalg.eigh(corr)
        factor = (v * np.sqrt(np.clip(e, 0.0, None))) @ v.T
    out[:, live] += (z[:, live] @ factor) * (np.sqrt(n) * sd)
    return out
