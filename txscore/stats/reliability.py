"""Reliability of multi-item constructs: alpha, omega, item statistics and verdicts.

Owns the "Reliability" part of the methodology: Cronbach's alpha with the Feldt (1987)
interval, standardised alpha, McDonald's omega total from a one-factor model, item-rest r,
alpha if deleted, the first-eigenvalue share, and the verdict codes (:data:`VERDICTS`,
:data:`NOTES`, :data:`ITEM_FLAGS`). Everything derives from one (weighted) covariance
matrix of the items; with complete cases (listwise) it derives from five sums: n, sum w,
sum w^2, sum w x and sum w x x' (:func:`reliability_from_moments`, which scoring feeds with
sums accumulated chunk by chunk). Two alphas are compared in :mod:`.alpha_compare`.

Conventions (checked in ``tests/test_reliability.py`` against psych, via the SAQ values in
``tests/data/validation``, and against pingouin):

- Weights are frequency-style: C = sum_r w_r (x_r - m)(x_r - m)' / (W - 1), W = sum w. All-ones
  weights give the ordinary covariance, integer weights give the same result as duplicated
  rows. Alpha, correlations and omega do not depend on the denominator; only ``sd`` does (for
  survey weights scaled to mean 1, W - 1 = n - 1).
- The Feldt interval uses the number of complete cases after listwise deletion, or the Kish
  effective base (W^2 / sum w^2) when weighted; it is not rounded. pingouin 0.7 uses the row
  count before deletion and rounds to 3 decimals, so its interval differs when rows are dropped.

Codes, not sentences: a verdict is one of :data:`VERDICTS`; ``notes`` and an item's
``flags`` are ";"-joined codes ``code[:item][(value)]``, which reports translate."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from txscore.errors import (
    InputDataError,
    Problem,
    TxscoreWarning,
    check_choice,
    check_confidence,
)
from txscore.stats.inference import kish_n_eff

__all__ = ["FIELDS", "ITEM_COLUMNS", "ITEM_FLAGS", "MIN_CASES", "NOTES", "VERDICTS",
           "cronbach_alpha", "item_statistics", "omega_total", "reliability",
           "reliability_from_moments"]

NanPolicy = Literal["listwise", "pairwise"]
Weights = str | np.ndarray | pd.Series | None
#: fewer complete cases than this give no statistic (verdict "too_few_cases")
MIN_CASES = 3
#: A construct's verdict: "ok" (alpha >= ok_min), "questionable" (>= questionable_min),
#: "poor", "redundant" (alpha > redundant_above), "no_variance" (alpha undefined: the sum
#: of the items without variance), "too_few_cases" (fewer than MIN_CASES complete cases).
VERDICTS = ("ok", "questionable", "poor", "redundant", "no_variance", "too_few_cases")
#: Notes on a construct, each ``code:item(value)`` or ``code(value)``: "low_item_rest" (the
#: item's item-rest r is below the threshold given as value), "negative_item_rest" (its
#: item-rest r, given, is negative: a reversed item not recoded?), "raises_alpha" (deleting
#: it raises alpha by the value given), "two_dimensional" (4+ items and a second eigenvalue of
#: the correlations, given, above 1).
NOTES = ("low_item_rest", "negative_item_rest", "raises_alpha", "two_dimensional")
#: An item's flags: the item codes of :data:`NOTES` (no item name), and "too_few_cases".
ITEM_FLAGS = ("low_item_rest", "negative_item_rest", "raises_alpha", "too_few_cases")
#: The fields of :func:`cronbach_alpha`, in order.
FIELDS = ["n_items", "n_complete", "alpha", "ci_low", "ci_high", "std_alpha", "average_r",
          "omega_total", "first_eigen_share", "verdict", "notes"]
#: The columns of :func:`item_statistics`, in order.
ITEM_COLUMNS = ["item", "n", "mean", "sd", "item_rest_r", "alpha_if_deleted", "flags"]


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


class _Thresholds(NamedTuple):
    ok_min: float = 0.70
    questionable_min: float = 0.60
    redundant_above: float = 0.95
    min_item_rest_r: float = 0.30
    max_alpha_gain: float = 0.02


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
    check_choice(nan_policy, "nan_policy", ("listwise", "pairwise"))
    complete = ~np.isnan(x).any(axis=1)
    if nan_policy == "pairwise" and not complete.all():
        return _pairwise_moments(x, w, names)
    # listwise (or nothing missing): the complete cases' sums about their weighted mean
    # (sum w u = 0: no precision lost in E[uu'] - E[u]E[u]'), weights rescaled to sum n
    xc, wc = x[complete], w[complete]
    wc = wc * (len(wc) / wc.sum()) if len(wc) else wc
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = wc @ xc / wc.sum() if len(wc) else np.zeros(x.shape[1])
    u = xc - centre
    return _from_sums(len(wc), wc.sum(), wc @ wc, np.zeros(x.shape[1]),
                      (u * wc[:, None]).T @ u, centre, names)


def _from_sums(n: int, sw: float, sw2: float, sx: np.ndarray, sxx: np.ndarray,
               centre: np.ndarray, names: list[str]) -> _Moments:
    """Moments of the complete cases from their sums about ``centre``: weights in ratio
    only (scale-free), the n / (n - 1) correction on the count of respondents."""
    k, sw = len(names), np.float64(sw)  # numpy division: 0 / 0 is NaN, not an error
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sx / sw
        scale = sw * (n - 1) / n  # frequency weights rescaled to sum n: W - 1
        cov = (sxx - np.outer(sx, sx) / sw) / scale
        # an item constant up to the rounding of E[uu'] - E[u]E[u]' has no variance
        flat = np.diag(cov) <= 1e-10 * np.diag(sxx) / scale
        cov[flat, :] = cov[:, flat] = 0.0
        d = np.diag(cov).copy()
        corr = cov / np.sqrt(np.outer(d, d))
    np.fill_diagonal(corr, 1.0)
    _warn_constant(d, names)
    n_eff = float(kish_n_eff(sw, sw2))
    return _Moments(names, mean + centre, np.sqrt(d), np.full(k, n), cov, corr, n, n,
                    n_eff if n_eff > 0 else np.inf)


def _pairwise_moments(x: np.ndarray, w: np.ndarray, names: list[str]) -> _Moments:
    """Every sum over the respondents who answered both items i and j."""
    present = ~np.isnan(x)
    m = present.astype(float)
    wm = m * w[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (wm * np.nan_to_num(x)).sum(axis=0) / wm.sum(axis=0)
        xc = np.where(present, x - mean, 0.0)  # centring first keeps the sums accurate
        s = wm.T @ m
        cnt = m.T @ m  # respondents with both i and j: the n / (n - 1) correction
        corr_n = cnt / (cnt - 1) / s  # weights in ratio only (scale-free), as listwise
        sx = (wm * xc).T @ m  # sx_ij = sum of w x_i over the rows with i and j
        cov = ((wm * xc).T @ xc - sx * sx.T / s) * corr_n
        var_ij = ((wm * xc**2).T @ m - sx**2 / s) * corr_n  # var of i, rows with i and j
        n_eff = kish_n_eff(s, (wm * w[:, None]).T @ m)
        corr = cov / np.sqrt(var_ij * var_ij.T)
    np.fill_diagonal(corr, 1.0)
    d = np.diag(cov).copy()
    _warn_constant(d, names)
    n_eff = float(np.min(np.where(n_eff > 0, n_eff, np.inf)))
    return _Moments(names, mean, np.sqrt(d), present.sum(axis=0), cov, corr,
                    int(present.all(axis=1).sum()), int(cnt.min()), n_eff)


def _warn_constant(d: np.ndarray, names: list[str]) -> None:
    if (d[np.isfinite(d)] <= 0).any():
        flat = [c for c, v in zip(names, d, strict=True) if v <= 0]
        warnings.warn(f"Items without variance among the respondents used: {flat}.",
                      TxscoreWarning, stacklevel=4)


def _no_variance(var: np.ndarray, trace: np.ndarray) -> np.ndarray:
    """NaN where a sum of items (x and 6 - x) has no variance up to rounding."""
    return np.where(np.abs(var) <= 1e-12 * np.abs(trace), np.nan, var)


def _alpha(cov: np.ndarray) -> float:
    k = cov.shape[0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return k / (k - 1) * (1.0 - np.trace(cov) / _no_variance(cov.sum(), np.trace(cov)))


def _item_rest(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Item-rest correlation and raw alpha without each item, all items at once."""
    k = cov.shape[0]
    d, row, total = np.diag(cov), cov.sum(axis=1), cov.sum()
    # variance of the sum of the other items
    rest_var = _no_variance(total - 2 * row + d, np.trace(cov) - d)
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


def _item_codes(r_drop: np.ndarray, a_drop: np.ndarray, alpha: float,
                th: _Thresholds) -> list[list[tuple[str, str]]]:
    """Per item, its (flag code, value) pairs (see :data:`ITEM_FLAGS`)."""
    out = []
    for r, a in zip(r_drop, a_drop, strict=True):
        f = []
        if r < th.min_item_rest_r:
            f.append(("low_item_rest", f"{th.min_item_rest_r:.2f}"))
        if r <= -th.min_item_rest_r:
            f.append(("negative_item_rest", f"{r:.2f}"))
        if a - alpha > th.max_alpha_gain:
            f.append(("raises_alpha", f"{a - alpha:+.3f}"))
        out.append(f)
    return out


def _verdict(alpha: float, th: _Thresholds) -> str:
    if not np.isfinite(alpha):
        return "no_variance"
    if alpha > th.redundant_above:
        return "redundant"
    if alpha >= th.ok_min:
        return "ok"
    return "questionable" if alpha >= th.questionable_min else "poor"


def _statistics(m: _Moments, confidence: float,
                th: _Thresholds) -> tuple[pd.Series, pd.DataFrame]:
    """The construct's fields (:data:`FIELDS`) and its item table (:data:`ITEM_COLUMNS`)."""
    names, k = m.items, len(m.items)
    out = pd.Series(np.nan, index=FIELDS, dtype=object)
    out[["n_items", "n_complete", "notes"]] = [k, m.n_complete, ""]
    items = pd.DataFrame({"item": names, "n": m.n, "mean": m.mean, "sd": m.sd,
                          "item_rest_r": np.nan, "alpha_if_deleted": np.nan,
                          "flags": "too_few_cases"})
    if m.n_min < MIN_CASES:
        out["verdict"] = "too_few_cases"
        return out, items
    cov, corr = m.cov, m.corr
    alpha = _alpha(cov)
    rbar = corr[np.tril_indices(k, -1)].mean()
    eig = np.linalg.eigvalsh(corr)[::-1] if np.isfinite(corr).all() else np.full(k, np.nan)
    out["alpha"] = float(alpha)
    out["ci_low"], out["ci_high"] = _feldt(alpha, m.n_eff, k, confidence)
    out["std_alpha"], out["average_r"] = float(k * rbar / (1.0 + (k - 1) * rbar)), float(rbar)
    out["omega_total"] = _omega(corr)
    out["first_eigen_share"] = float(eig[0] / k)
    out["verdict"] = _verdict(alpha, th)
    r_drop, a_drop = _item_rest(cov)
    flags = _item_codes(r_drop, a_drop, alpha, th)
    notes = [f"{code}:{name}({value})" for name, f in zip(names, flags, strict=True)
             for code, value in f]
    if k >= 4 and eig[1] > 1.0:
        notes.append(f"two_dimensional({eig[1]:.2f})")
    out["notes"] = ";".join(notes)
    items["item_rest_r"], items["alpha_if_deleted"] = r_drop, a_drop
    items["flags"] = [";".join(f"{code}({value})" for code, value in f) for f in flags]
    return out, items


def reliability_from_moments(n: int, sum_w: float, sum_w2: float, sum_x: np.ndarray,
                             sum_xx: np.ndarray, *, items: Sequence[str] | None = None,
                             centre: np.ndarray | float = 0.0, confidence: float = 0.95,
                             ok_min: float = 0.70, questionable_min: float = 0.60,
                             redundant_above: float = 0.95, min_item_rest_r: float = 0.30,
                             max_alpha_gain: float = 0.02) -> tuple[pd.Series, pd.DataFrame]:
    """Every reliability statistic of one construct from its complete cases' moments.

    The one derivation behind :func:`cronbach_alpha` and :func:`item_statistics`
    (listwise) and behind the reliability tables of :func:`txscore.score`, which
    accumulates the five sums per construct and population chunk by chunk.

    Parameters
    ----------
    n : int
        Complete cases (respondents with every item answered).
    sum_w, sum_w2 : float
        Sums of their weights and squared weights (weights in ratio only).
    sum_x, sum_xx : arrays of shape (k,) and (k, k)
        ``sum w u`` and ``sum w u u'``, u = x - centre.
    items : sequence of str, optional
        Item names (default ``item_1 .. item_k``).
    centre : float or array of shape (k,)
        What was subtracted from the items before summing (e.g. their scale midpoints:
        small numbers keep the cross-products precise); added back to the means.
    confidence, ok_min, questionable_min, redundant_above, min_item_rest_r, max_alpha_gain
        As in :func:`cronbach_alpha`.

    Returns
    -------
    construct : pandas.Series
        The fields of :func:`cronbach_alpha` (:data:`FIELDS`).
    items : pandas.DataFrame
        The table of :func:`item_statistics` (:data:`ITEM_COLUMNS`).

    Notes
    -----
    With W = sum w, m = sum_x / W: ``C = (sum_xx - W m m') n / (W (n - 1))`` (weights
    rescaled to sum n); the Kish base ``W^2 / sum w^2`` is the n of the Feldt interval.

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 4, 4, 3], "q3": [2, 3, 3, 5, 4]})
    >>> x = df.to_numpy(float)
    >>> stats, items = reliability_from_moments(5, 5.0, 5.0, x.sum(0), x.T @ x,
    ...                                         items=list(df))
    >>> round(stats["alpha"], 4), stats["verdict"]  # as cronbach_alpha(df)
    (0.8628, 'ok')
    """
    check_confidence(confidence)
    sum_x = np.atleast_1d(np.asarray(sum_x, dtype=float))
    k = len(sum_x)
    names = [f"item_{j + 1}" for j in range(k)] if items is None else list(items)
    m = _from_sums(int(n), float(sum_w), float(sum_w2), sum_x,
                   np.asarray(sum_xx, dtype=float).reshape(k, k),
                   np.broadcast_to(np.asarray(centre, dtype=float), (k,)), names)
    return _statistics(m, confidence, _Thresholds(ok_min, questionable_min, redundant_above,
                                                  min_item_rest_r, max_alpha_gain))


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
        > .95 "redundant".
    min_item_rest_r, max_alpha_gain : float
        Name an item whose item-rest r is below .30, or whose deletion raises alpha by more
        than .02.

    Returns
    -------
    pandas.Series
        ``n_items``, ``n_complete`` (respondents with every item), ``alpha``, ``ci_low``,
        ``ci_high``, ``std_alpha``, ``average_r``, ``omega_total``, ``first_eigen_share``,
        ``verdict`` (one of :data:`VERDICTS`) and ``notes`` (";"-joined :data:`NOTES`
        codes: flagged items, two dimensions; "" when nothing to say). Fewer than 3
        complete cases give NaNs and the verdict "too_few_cases", not an error.

    Notes
    -----
    With C the k x k item covariance matrix and R the correlation matrix,

        alpha = k / (k - 1) * (1 - trace(C) / sum(C))
        std_alpha = k * rbar / (1 + (k - 1) * rbar),  rbar = mean off-diagonal of R

    Feldt interval, n complete cases (or the Kish effective base when weighted), F_p the
    p-quantile of F(n - 1, (n - 1)(k - 1)), c the confidence:

        ci_low = 1 - (1 - alpha) * F_{(1 + c)/2},  ci_high = 1 - (1 - alpha) * F_{(1 - c)/2}

    ``first_eigen_share`` is the first eigenvalue of R over k; with k >= 4 items and a second
    eigenvalue above 1 (Kaiser) the notes say the construct looks two-dimensional.

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16, 297-334. Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987).
    Statistical inference for coefficient alpha. Applied Psychological Measurement, 11, 93-103.

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 4, 4, 3], "q3": [2, 3, 3, 5, 4]})
    >>> res = cronbach_alpha(df)  # R: psych::alpha(df, use="complete.obs")
    >>> round(res["alpha"], 4), res["verdict"]
    (0.8628, 'ok')
    """
    check_confidence(confidence)
    names, x, w = _prepare(data, items, weights)
    th = _Thresholds(ok_min, questionable_min, redundant_above, min_item_rest_r, max_alpha_gain)
    return _statistics(_moments(x, w, nan_policy, names), confidence, th)[0]


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
        alpha of the other items; NaN with 2 items) and ``flags`` (";"-joined
        :data:`ITEM_FLAGS` codes, "" when nothing to say).

    Notes
    -----
    From the covariance matrix C, with c_i = sum_j C_ij and T = sum(C):

        item_rest_r_i = (c_i - C_ii) / sqrt(C_ii * (T - 2 c_i + C_ii))
        alpha_if_deleted_i = (k - 1)/(k - 2) * (1 - (trace(C) - C_ii) / (T - 2 c_i + C_ii))

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 4, 4, 3], "q3": [2, 3, 3, 5, 4]})
    >>> # R: psych::alpha(df, use="complete.obs")$alpha.drop$raw_alpha
    >>> item_statistics(df)["alpha_if_deleted"].round(4).tolist()
    [0.7895, 0.8824, 0.7273]
    """
    names, x, w = _prepare(data, items, weights)
    th = _Thresholds(min_item_rest_r=min_item_rest_r, max_alpha_gain=max_alpha_gain)
    return _statistics(_moments(x, w, nan_policy, names), 0.95, th)[1]


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
        :func:`cronbach_alpha`, then the policy behind them: ``nan_policy`` ("listwise":
        complete cases only, or "pairwise") and ``n_interval``, the n of the Feldt interval
        (the complete cases listwise, the smallest pairwise base pairwise; the Kish effective
        base of those respondents when weighted; NaN without a statistic). Item rows come
        from :func:`item_statistics`.

    Examples
    --------
    >>> df = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 4, 4, 3], "q3": [2, 3, 3, 5, 4]})
    >>> reliability(df, {"ease": ["q1", "q2", "q3"]}).iloc[:, [0, 10, 12, 13]]
      construct verdict nan_policy  n_interval
    0      ease      ok   listwise         5.0
    """
    groups = dict(items) if isinstance(items, Mapping) else {"construct": list(items)}
    for name, its in groups.items():
        if isinstance(its, str) or len(its) < 2:
            raise InputDataError(
                f"Construct {name!r} needs at least 2 items for reliability; got {its!r}. Fix: "
                "add items to it or leave it out of the reliability table.")
    check_confidence(confidence)
    th = _Thresholds(ok_min, questionable_min, redundant_above, min_item_rest_r, max_alpha_gain)
    rows, bases = [], []
    for its in groups.values():
        names, x, w = _prepare(data, its, weights)
        mom = _moments(x, w, nan_policy, names)
        rows.append(_statistics(mom, confidence, th)[0])
        bases.append(mom.n_eff if mom.n_min >= MIN_CASES else np.nan)
    table = pd.DataFrame(rows, columns=FIELDS).infer_objects()
    table.insert(0, "construct", list(groups))
    return table.assign(nan_policy=nan_policy, n_interval=np.asarray(bases, dtype=float))
