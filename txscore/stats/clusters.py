"""Respondents as clusters: the linearised variance of a weighted mean.

A brand study's respondent often has several rows: one per brand rated, as a customer of
one brand and a non-customer of others. Rows of one person are not independent, so the
variance of a mean pooled over brands treats the respondent as the primary sampling unit
(methodology.md, "Respondents as clusters"). For a weighted mean (a ratio estimator)
``ybar = sum w y / sum w`` over the rows of a group, each cluster ``c`` (respondent) has the
linearised total ``z_c = sum_{i in c} w_i (y_i - ybar) / sum w`` and

    Var(ybar) = n_c / (n_c - 1) * sum_c z_c^2

with ``n_c`` the clusters of the group (``sum_c z_c = 0``): the textbook Taylor
linearisation R's ``survey::svymean(~y, svydesign(ids = ~respondent, weights = ~w))``
computes (with-replacement first-stage sampling, one stratum). With every row its own
cluster it is the row-wise variance txscore uses elsewhere; ``deff_cluster`` is their
ratio, so an interval built on a Kish effective base ``n_eff`` is clustered by using
``n_eff / deff_cluster`` instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["clustered_mean"]


def clustered_mean(y: np.ndarray, w: np.ndarray, cluster: np.ndarray,
                   group: np.ndarray | None = None) -> pd.DataFrame:
    """Weighted mean of each group and its linearised variance with clusters.

    Parameters
    ----------
    y : array_like of float
        The values (NaN: the row is left out, as unanswered).
    w : array_like of float
        The rows' weights.
    cluster : array_like
        The cluster (respondent) of each row; any hashable values.
    group : array_like, optional
        The group of each row (one estimate per group); None: one group, ``0``.

    Returns
    -------
    DataFrame
        Indexed by group (sorted): ``mean``, ``variance`` (clusters), ``variance_rows``
        (every row its own cluster), ``deff_cluster`` (their ratio; NaN when the row-wise
        variance is 0), ``n_rows``, ``n_clusters``, ``sum_w``, ``n_eff`` (Kish, rows).
        A group with one cluster has NaN variances.

    Examples
    --------
    Three respondents, the first with two rows:

    >>> out = clustered_mean([1.0, 3.0, 2.0, 6.0], [1, 1, 1, 1], ["a", "a", "b", "c"])
    >>> row = out.iloc[0]
    >>> float(row["mean"]), int(row["n_clusters"])
    (3.0, 3)
    >>> round(float(row["variance"]), 6)  # 3/2 * ((-2 + 0)^2 + 1 + 9) / 16
    1.3125
    """
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    keep = ~np.isnan(y) & ~np.isnan(w)
    groups = np.zeros(len(y), int) if group is None else np.asarray(group)
    g, labels = pd.factorize(pd.Series(groups[keep]), sort=True)
    c = pd.factorize(pd.Series(np.asarray(cluster)[keep]))[0]
    y, w, k = y[keep], w[keep], len(labels)
    sw = np.bincount(g, weights=w, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(g, weights=w * y, minlength=k) / sw
    u = w * (y - mean[g])  # w (y - ybar): the rows' linearised values
    pair = np.unique(g.astype(np.int64) * (int(c.max(initial=0)) + 1) + c,
                     return_inverse=True)[1].ravel()
    z = np.bincount(pair, weights=u)  # per (group, cluster)
    pair_group = np.zeros(len(z), np.int64)
    pair_group[pair] = g
    n_c = np.bincount(pair_group, minlength=k).astype(float)
    n_r = np.bincount(g, minlength=k).astype(float)
    sum_z2 = np.bincount(pair_group, weights=z**2, minlength=k)
    sum_u2 = np.bincount(g, weights=u**2, minlength=k)
    sw2 = np.bincount(g, weights=w**2, minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = np.where(n_c > 1, n_c / (n_c - 1), np.nan) * sum_z2 / sw**2
        var_rows = np.where(n_r > 1, n_r / (n_r - 1), np.nan) * sum_u2 / sw**2
        deff = np.where(var_rows > 0, var / var_rows, np.nan)
        n_eff = sw**2 / sw2
    out = pd.DataFrame({"mean": mean, "variance": var, "variance_rows": var_rows,
                        "deff_cluster": deff, "n_rows": n_r.astype(int),
                        "n_clusters": n_c.astype(int), "sum_w": sw, "n_eff": n_eff},
                       index=pd.Index(labels))
    out.index.name = "group"
    return out
