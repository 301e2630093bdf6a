"""Reliability of multi-item constructs: alpha, omega, item statistics and verdicts.

Owns the "Reliability" part of the methodology: Cronbach's alpha with the Feldt (1987)
interval, standardised alpha, McDonald's omega total from a one-factor model, the corrected
item-rest correlation, alpha if an item is deleted, the first-eigenvalue share, and the
verdicts (ok / questionable / poor / redundant items, flagged items, two dimensions).

Everything derives from one (weighted) covariance matrix of the items, so the cost is one
pass over the respondents; no loops over respondents.

Conventions (checked in ``tests/test_reliability.py`` against psych, via the SAQ values in
``shared/validation/README.md``, and against pingouin):

- Weights are frequency-style: C = sum_r w_r (x_r - m)(x_r - m)' / (W - 1), W = sum w. All-ones
  weights give the ordinary covariance, integer weights give the same result as duplicated
  rows. Alpha, correlations and omega do not depend on the denominator; only ``sd`` does (for
  survey weights scaled to mean 1, W - 1 = n - 1).
- The Feldt interval uses the number of complete cases after listwise deletion, or the Kish
  effective base (W^2 / sum w^2) when weighted; it is not rounded. pingouin 0.7 uses the row
  count before deletion and rounds to 3 decimals, so its interval differs when rows are dropped.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from txscore.errors import InputDataError, Problem, TxscoreError, TxscoreWarning

__all__ = ["cronbach_alpha", "item_statistics", "omega_total", "reliability"]

NanPolicy = Literal["listwise", "pairwise"]
Weights = str | np.ndarray | pd.Series | None
MIN_CASES = 3
_FIELDS = ["n_items", "n_complete", "alpha", "ci_low", "ci_high", "std_alpha", "average_r",
           "omega_total", "first_eigen_share", "verdict"]


class _Moments(NamedTuple):
    items: list[str]
    mean: np.ndarray  # (k,) weighted item means
    sd: np.ndarray  # (k,) weighted item SDs, W - 1 denominator
    n: np.ndarray  # (k,) respondents used per item
    cov: np.ndarray  # (k, k) covariance matrix
    corr: np.ndarray  # (k, k) correlation matrix
    n_complete: int  # respondents with every item answered
    n_min: int  # smallest number of respondents behind one covariance
    n_eff: float  # Kish effective base behind the Feldt interval (= n_min unweighted)


def _prepare(data, items, weights) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Check the inputs; return item names, the (n, k) float matrix and the weights."""
    if not isinstance(data, pd.DataFrame):
        raise InputDataError(f"data must be a pandas DataFrame. Got {type(data).__name__}.")
    wcol = weights if isinstance(weights, str) else None
    items = [items] if isinstance(items, str) else items
    names = [c for c in data.columns if c != wcol] if items is None else list(items)
    problems = [Problem(f"item column {c!r} is not in the data", fix="check the item names")
                for c in names if c not in data.columns]
    problems += [Problem(f"item column {c!r} is not numeric (dtype {data[c].dtype})",
                         fix="map text answers to codes first")
                 for c in names if c in data.columns and not pd.api.types.is_numeric_dtype(data[c])]
    if len(set(names)) != len(names):
        problems.append(Problem("an item is listed twice", fix="list each item once"))
    if problems:
        raise InputDataError("Cannot compute reliability.", problems)
    if len(names) < 2:
        raise InputDataError(
            f"A construct needs at least 2 items for reliability; got {len(names)} ({names}). "
            "Fix: add items to the construct or leave it out of the reliability table.")
    x = data[names].to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(x).any():
        raise InputDataError("Item values must be finite; found inf. Fix: recode them as missing.")
    if weights is None:
        return names, x, np.ones(len(data))
    if isinstance(weights, str):
        if weights not in data.columns:
            raise InputDataError(f"The weight column {weights!r} is not in the data.")
        weights = data[weights]
    if isinstance(weights, pd.Series) and not weights.index.equals(data.index):
        if weights.index.has_duplicates or data.index.has_duplicates:
            raise InputDataError("weights and data have different, non-unique indexes.")
        weights = weights.reindex(data.index)
    try:
        w = np.asarray(weights, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise InputDataError(f"Weights must be numeric: {exc}") from exc
    if w.shape != (len(data),):
        raise InputDataError(f"Got {w.size} weights for {len(data)} rows of data.")
    bad = ~(np.isfinite(w) & (w > 0))
    if bad.any():
        rows = list(data.index[bad][:5])
        raise InputDataError(
            f"{bad.sum()} weight(s) are missing, zero, negative or infinite (rows {rows}...). "
            "Fix: give every respondent a positive weight, or drop the respondents first.")
    return names, x, w


def _moments(x: np.ndarray, w: np.ndarray, nan_policy: str, names: list[str]) -> _Moments:
    """Weighted means, covariances and correlations of the items."""
    if nan_policy not in ("listwise", "pairwise"):
        raise TxscoreError(f"The 'nan_policy' setting must be one of 'listwise', 'pairwise'. "
                           f"Got {nan_policy!r}.")
    present = ~np.isnan(x)
    complete = present.all(axis=1)
    one_block = nan_policy == "listwise" or complete.all()
    if one_block:  # the same respondents behind every covariance
        if not complete.all():
            x, w = x[complete], w[complete]
        # sampling weights: only their ratios matter, so they are rescaled to mean 1 (sum n)
        # and the n / (n - 1) correction uses the count of respondents
        w = w * (len(w) / w.sum()) if len(w) else w
        n = np.full(x.shape[1], len(x))
        with np.errstate(invalid="ignore", divide="ignore"):
            s, mean = w.sum(), w @ x / w.sum()
            xc = x - mean
            cov = (xc * w[:, None]).T @ xc / (s - 1)
            var_ij = np.broadcast_to(np.diag(cov)[:, None], cov.shape)
            n_eff = s**2 / (w @ w)
    else:  # every sum over the respondents who answered both items i and j
        m = present.astype(float)
        wm = m * w[:, None]
        n = present.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (wm * np.nan_to_num(x)).sum(axis=0) / wm.sum(axis=0)
            xc = np.where(present, x - mean, 0.0)  # centring first keeps the sums accurate
            s = wm.T @ m
            cnt = m.T @ m  # respondents with both i and j: the n / (n - 1) correction
            corr_n = cnt / (cnt - 1) / s  # weights in ratio only (scale-free), as listwise
            sx = (wm * xc).T @ m  # sx_ij = sum of w x_i over the rows with i and j
            cov = ((wm * xc).T @ xc - sx * sx.T / s) * corr_n
            var_ij = ((wm * xc**2).T @ m - sx**2 / s) * corr_n  # var of i, rows with i and j
            n_eff = s**2 / ((wm * w[:, None]).T @ m)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.sqrt(var_ij * var_ij.T)
    np.fill_diagonal(corr, 1.0)
    d = np.diag(cov).copy()
    n_min = len(x) if one_block else int((m.T @ m).min())
    if (d[np.isfinite(d)] <= 0).any():
        flat = [c for c, v in zip(names, d, strict=True) if v <= 0]
        warnings.warn(f"Items without variance among the respondents used: {flat}.",
                      TxscoreWarning, stacklevel=3)
    n_eff = float(np.min(np.where(np.isfinite(n_eff), n_eff, np.inf)))
    return _Moments(names, mean, np.sqrt(d), n, cov, corr, int(complete.sum()), n_min, n_eff)


def _alpha(cov: np.ndarray) -> float:
    k = cov.shape[0]
    return k / (k - 1) * (1.0 - np.trace(cov) / cov.sum())


def _item_rest(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Item-rest correlation and raw alpha without each item, all items at once."""
    k = cov.shape[0]
    d, row, total = np.diag(cov), cov.sum(axis=1), cov.sum()
    rest_var = total - 2 * row + d  # variance of the sum of the other items
    with np.errstate(invalid="ignore", divide="ignore"):
        r_drop = (row - d) / np.sqrt(d * rest_var)
        if k < 3:
            return r_drop, np.full(k, np.nan)
        a_drop = (k - 1) / (k - 2) * (1.0 - (np.trace(cov) - d) / rest_var)
    return r_drop, a_drop


def _one_factor(corr: np.ndarray, tol: float = 1e-10, max_iter: int = 2000) -> np.ndarray:
    """Loadings of one factor by iterated principal axis factoring from SMC communalities."""
    k = corr.shape[0]
    try:
        h = 1.0 - 1.0 / np.diag(np.linalg.inv(corr))  # squared multiple correlations
    except np.linalg.LinAlgError:
        h = np.max(np.abs(corr - np.eye(k)), axis=1)
    h = np.clip(h, 0.0, 1.0)
    reduced = corr.copy()
    for _ in range(max_iter):
        np.fill_diagonal(reduced, h)
        vals, vecs = np.linalg.eigh(reduced)
        lam = vecs[:, -1] * np.sqrt(max(vals[-1], 0.0))
        h_new = np.minimum(lam**2, 1.0)
        done = np.max(np.abs(h_new - h)) < tol
        h = h_new
        if done:
            break
    else:
        warnings.warn("The one-factor model for omega did not converge.", TxscoreWarning,
                      stacklevel=3)
    if (lam**2 > 1.0 - 1e-8).any():
        warnings.warn("Heywood case in the one-factor model (a communality reached 1): "
                      "omega total is unreliable.", TxscoreWarning, stacklevel=3)
    return lam if lam.sum() >= 0 else -lam


def _omega(corr: np.ndarray) -> float:
    if not np.isfinite(corr).all():
        return np.nan
    lam = _one_factor(corr)
    common = lam.sum() ** 2
    return float(common / (common + np.sum(1.0 - lam**2)))


def _feldt(alpha: float, n: float, k: int, confidence: float) -> tuple[float, float]:
    from scipy.special import fdtri  # 0.2 s import, against ~1 s for scipy.stats

    df1, df2 = n - 1.0, (n - 1.0) * (k - 1)
    low = 1.0 - (1.0 - alpha) * fdtri(df1, df2, (1.0 + confidence) / 2.0)
    high = 1.0 - (1.0 - alpha) * fdtri(df1, df2, (1.0 - confidence) / 2.0)
    return float(low), float(high)


def _item_flags(r_drop, a_drop, alpha, min_item_rest_r, max_alpha_gain) -> list[str]:
    flags = []
    for r, a in zip(r_drop, a_drop, strict=True):
        f = []
        if r < min_item_rest_r:
            f.append(f"low item-rest r (<{min_item_rest_r:.2f})".replace("<0.", "<."))
        if r <= -min_item_rest_r:
            f.append(f"negative item-rest r ({r:.2f}): reversed item not recoded?")
        if a - alpha > max_alpha_gain:
            f.append(f"alpha rises if deleted (+{a - alpha:.3f})")
        flags.append("; ".join(f))
    return flags


def cronbach_alpha(data: pd.DataFrame, items: Sequence[str] | None = None, *,
                   weights: Weights = None, confidence: float = 0.95,
                   nan_policy: NanPolicy = "listwise", ok_min: float = 0.70,
                   questionable_min: float = 0.60, redundant_above: float = 0.95,
                   min_item_rest_r: float = 0.30, max_alpha_gain: float = 0.02) -> pd.Series:
    """Cronbach's alpha of one construct, with its interval, omega total and a verdict.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent, items as numeric columns (NaN or pd.NA = missing).
    items : sequence of str, optional
        Item columns; default all columns (except a weight column named by ``weights``).
    weights : str, array or Series, optional
        Weight column name or values; every weight must be positive. Frequency-style: see
        the module docstring.
    confidence : float
        Level of the Feldt interval (0.95).
    nan_policy : {"listwise", "pairwise"}
        Listwise keeps complete cases only (psych ``use="complete.obs"``); pairwise builds
        each covariance from the respondents who answered both items (the interval then uses
        the smallest pairwise base).
    ok_min, questionable_min, redundant_above : float
        Verdict bands: alpha >= .70 "ok", .60-.70 "questionable", < .60 "poor",
        > .95 "redundant items".
    min_item_rest_r, max_alpha_gain : float
        Name an item whose item-rest r is below .30, or whose deletion raises alpha by more
        than .02.

    Returns
    -------
    pandas.Series
        ``n_items``, ``n_complete`` (respondents with every item), ``alpha``, ``ci_low``,
        ``ci_high``, ``std_alpha``, ``average_r``, ``omega_total``, ``first_eigen_share``
        and ``verdict``: "ok", "questionable", "poor", "redundant items", "no variance" or
        "too few cases", then "; "-separated notes (flagged items, two dimensions). Fewer
        than 3 complete cases give NaNs, not an error.

    Notes
    -----
    With C the k x k item covariance matrix and R the correlation matrix,

        alpha = k / (k - 1) * (1 - trace(C) / sum(C))
        std_alpha = k * rbar / (1 + (k - 1) * rbar),  rbar = mean off-diagonal of R

    Feldt interval, n complete cases (or the Kish effective base when weighted), F_p the
    p-quantile of F(n - 1, (n - 1)(k - 1)), c the confidence:

        ci_low = 1 - (1 - alpha) * F_{(1 + c)/2},  ci_high = 1 - (1 - alpha) * F_{(1 - c)/2}

    ``first_eigen_share`` is the first eigenvalue of R over k; with k >= 4 items and a second
    eigenvalue above 1 (Kaiser) the verdict says the construct looks two-dimensional.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16, 297-334. Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987).
    Statistical inference for coefficient alpha. Applied Psychological Measurement, 11, 93-103.

    Examples
    --------
    >>> import pandas as pd
    >>> from txscore.stats.reliability import cronbach_alpha
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 4, 4, 3], "q3": [2, 3, 3, 5, 4]})
    >>> res = cronbach_alpha(df)  # R: psych::alpha(df, use="complete.obs")
    >>> round(res["alpha"], 4), res["verdict"]
    (0.8628, 'ok')
    """
    if not 0.0 < confidence < 1.0:
        raise TxscoreError(f"The 'confidence' setting must be between 0 and 1. Got {confidence}.")
    names, x, w = _prepare(data, items, weights)
    mom = _moments(x, w, nan_policy, names)
    k = len(names)
    out = pd.Series(np.nan, index=_FIELDS, dtype=object)
    out[["n_items", "n_complete"]] = [k, mom.n_complete]
    if mom.n_min < MIN_CASES:
        out["verdict"] = "too few cases"
        return out
    return _fill_alpha(out, names, mom.cov, mom.corr, mom.n_eff, confidence, ok_min,
                       questionable_min, redundant_above, min_item_rest_r, max_alpha_gain)


def _fill_alpha(out: pd.Series, names: list[str], cov: np.ndarray, corr: np.ndarray,
                n_eff: float, confidence: float, ok_min: float = 0.70,
                questionable_min: float = 0.60, redundant_above: float = 0.95,
                min_item_rest_r: float = 0.30, max_alpha_gain: float = 0.02) -> pd.Series:
    """Alpha, its Feldt interval, std alpha, average r, omega, first-eigenvalue share and
    the verdict from item covariances and correlations (shared by the in-memory path and
    chunked scoring, which gets the moments from sums)."""
    k = len(names)
    alpha = _alpha(cov)
    rbar = corr[np.tril_indices(k, -1)].mean()
    eig = np.linalg.eigvalsh(corr)[::-1] if np.isfinite(corr).all() else np.full(k, np.nan)
    out["alpha"] = float(alpha)
    out["ci_low"], out["ci_high"] = _feldt(alpha, n_eff, k, confidence)
    out["std_alpha"] = float(k * rbar / (1.0 + (k - 1) * rbar))
    out["average_r"] = float(rbar)
    out["omega_total"] = _omega(corr)
    out["first_eigen_share"] = float(eig[0] / k)

    if not np.isfinite(alpha):
        band = "no variance"
    elif alpha > redundant_above:
        band = "redundant items"
    elif alpha >= ok_min:
        band = "ok"
    else:
        band = "questionable" if alpha >= questionable_min else "poor"
    notes = [band]
    r_drop, a_drop = _item_rest(cov)
    for name, flag in zip(names, _item_flags(r_drop, a_drop, alpha, min_item_rest_r,
                                             max_alpha_gain), strict=True):
        if flag:
            notes.append(f"{name}: {flag}")
    if k >= 4 and eig[1] > 1.0:
        notes.append(f"looks two-dimensional (2nd eigenvalue {eig[1]:.2f} > 1)")
    out["verdict"] = "; ".join(notes)
    return out


def item_statistics(data: pd.DataFrame, items: Sequence[str] | None = None, *,
                    weights: Weights = None, nan_policy: NanPolicy = "listwise",
                    min_item_rest_r: float = 0.30, max_alpha_gain: float = 0.02) -> pd.DataFrame:
    """Per-item statistics of one construct: item-rest r and alpha if deleted.

    Parameters
    ----------
    data, items, weights, nan_policy
        As in :func:`cronbach_alpha`.
    min_item_rest_r, max_alpha_gain : float
        Thresholds of the ``flags`` column (.30 and .02).

    Returns
    -------
    pandas.DataFrame
        One row per item: ``item``, ``n`` (respondents used), ``mean``, ``sd`` (weighted,
        W - 1 denominator), ``item_rest_r`` (psych ``r.drop``), ``alpha_if_deleted`` (raw
        alpha of the other items; NaN with 2 items) and ``flags`` ("" when nothing to say).

    Notes
    -----
    From the covariance matrix C, with c_i = sum_j C_ij and T = sum(C):

        item_rest_r_i = (c_i - C_ii) / sqrt(C_ii * (T - 2 c_i + C_ii))
        alpha_if_deleted_i = (k - 1)/(k - 2) * (1 - (trace(C) - C_ii) / (T - 2 c_i + C_ii))

    Examples
    --------
    >>> import pandas as pd
    >>> from txscore.stats.reliability import item_statistics
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 4, 4, 3], "q3": [2, 3, 3, 5, 4]})
    >>> # R: psych::alpha(df, use="complete.obs")$alpha.drop$raw_alpha
    >>> item_statistics(df)["alpha_if_deleted"].round(4).tolist()
    [0.7895, 0.8824, 0.7273]
    """
    names, x, w = _prepare(data, items, weights)
    mom = _moments(x, w, nan_policy, names)
    if mom.n_min < MIN_CASES:
        r_drop = a_drop = np.full(len(names), np.nan)
        flags = ["too few cases"] * len(names)
    else:
        r_drop, a_drop = _item_rest(mom.cov)
        flags = _item_flags(r_drop, a_drop, _alpha(mom.cov), min_item_rest_r, max_alpha_gain)
    return pd.DataFrame({"item": names, "n": mom.n, "mean": mom.mean, "sd": mom.sd,
                         "item_rest_r": r_drop, "alpha_if_deleted": a_drop, "flags": flags})


def omega_total(data: pd.DataFrame, items: Sequence[str] | None = None, *,
                weights: Weights = None, nan_policy: NanPolicy = "listwise") -> float:
    """McDonald's omega total from a one-factor model of the item correlations.

    Parameters
    ----------
    data, items, weights, nan_policy
        As in :func:`cronbach_alpha`.

    Returns
    -------
    float
        Omega total; NaN with fewer than 3 complete cases.

    Notes
    -----
    One factor is fitted to the correlation matrix by iterated principal axis factoring,
    starting from squared multiple correlations, until communalities change by < 1e-10. Its
    fixed point solves the minres (unweighted least squares) equations, psych's default
    ``fm="minres"``. With loadings lambda,

        omega = (sum lambda)^2 / ((sum lambda)^2 + sum(1 - lambda^2))

    With two items the loadings are equal and omega equals standardised alpha; with three
    the model is just identified (lambda_1^2 = r_12 r_13 / r_23). psych::omega divides by the
    observed sum(R) instead, 1 - sum(1 - lambda^2) / sum(R): the two agree when the model
    reproduces the correlations.

    References
    ----------
    McDonald, R. P. (1999). Test theory: A unified approach. Mahwah, NJ: Erlbaum.

    Examples
    --------
    >>> import pandas as pd
    >>> from txscore.stats.reliability import omega_total
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 4, 4, 3], "q3": [2, 3, 3, 5, 4]})
    >>> # R: l <- psych::fa(df)$loadings; sum(l)^2 / (sum(l)^2 + sum(1 - l^2))
    >>> round(omega_total(df), 3)
    0.885
    """
    names, x, w = _prepare(data, items, weights)
    mom = _moments(x, w, nan_policy, names)
    return np.nan if mom.n_min < MIN_CASES else _omega(mom.corr)


def reliability(data: pd.DataFrame, items: Sequence[str] | Mapping[str, Sequence[str]], *,
                weights: Weights = None, confidence: float = 0.95,
                nan_policy: NanPolicy = "listwise", ok_min: float = 0.70,
                questionable_min: float = 0.60, redundant_above: float = 0.95,
                min_item_rest_r: float = 0.30, max_alpha_gain: float = 0.02) -> pd.DataFrame:
    """Construct-level reliability table, one row per construct.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per respondent.
    items : sequence of str or mapping of str to sequence of str
        The items of one construct, or ``{construct: items}`` for several.
    weights, confidence, nan_policy, ok_min, questionable_min, redundant_above
        As in :func:`cronbach_alpha`, as are ``min_item_rest_r`` and ``max_alpha_gain``.

    Returns
    -------
    pandas.DataFrame
        Column ``construct`` (``"construct"`` for a plain list of items), then the fields of
        :func:`cronbach_alpha`. Item rows come from :func:`item_statistics`.

    Examples
    --------
    >>> import pandas as pd
    >>> from txscore.stats.reliability import reliability
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 4, 4, 3], "q3": [2, 3, 3, 5, 4]})
    >>> reliability(df, {"ease": ["q1", "q2", "q3"]})[["construct", "n_complete", "verdict"]]
      construct  n_complete verdict
    0      ease           5      ok
    """
    groups = dict(items) if isinstance(items, Mapping) else {"construct": list(items)}
    for name, its in groups.items():
        if isinstance(its, str) or len(its) < 2:
            raise InputDataError(
                f"Construct {name!r} needs at least 2 items for reliability; got {its!r}. Fix: "
                "add items to it or leave it out of the reliability table.")
    rows = [cronbach_alpha(data, its, weights=weights, confidence=confidence,
                           nan_policy=nan_policy, ok_min=ok_min,
                           questionable_min=questionable_min, redundant_above=redundant_above,
                           min_item_rest_r=min_item_rest_r, max_alpha_gain=max_alpha_gain)
            for its in groups.values()]
    table = pd.DataFrame(rows, columns=_FIELDS).infer_objects()
    table.insert(0, "construct", list(groups))
    return table
