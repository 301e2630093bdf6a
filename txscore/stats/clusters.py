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
    frame = pd.DataFrame({"g": np.zeros(len(y), int) if group is None else np.asarray(group),
                          "c": np.asarray(cluster), "y": y, "w": w})[keep]
    frame["wy"] = frame["w"] * frame["y"]
    by_group = frame.groupby("g", sort=True)
    sw = by_group["w"].sum()
    mean = by_group["wy"].sum() / sw
    frame["u"] = frame["w"] * (frame["y"] - frame["g"].map(mean).to_numpy())  # w (y - ybar)
    per_cluster = frame.groupby(["g", "c"], sort=False)["u"].sum()
    n_c = per_cluster.groupby(level=0).size()
    n_r = by_group.size()
    sum_z2 = (per_cluster**2).groupby(level=0).sum()
    sum_u2 = (frame["u"] ** 2).groupby(frame["g"]).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        var = (n_c / (n_c - 1)).where(n_c > 1) * sum_z2 / sw**2
        var_rows = (n_r / (n_r - 1)).where(n_r > 1) * sum_u2 / sw**2
        deff = (var / var_rows).where(var_rows > 0)
        n_eff = sw**2 / (frame["w"] ** 2).groupby(frame["g"]).sum()
    out = pd.DataFrame({"mean": mean, "variance": var, "variance_rows": var_rows,
                        "deff_cluster": deff, "n_rows": n_r, "n_clusters": n_c, "sum_w": sw,
                        "n_eff": n_eff})
    out.index.name = "group"
    return out
