"""Survey weights: raking to population margins with a cap, and Kish's effective base.

Owns the "Weighting" part of the methodology and the n_eff / deff of "Uncertainty":

- :func:`rake`: iterative proportional fitting (Deming and Stephan 1940) of base weights to
  one-way margins, with trim-and-rerake at a cap on the mean-1 weights (Battaglia, Hoaglin
  and Frankel 2009; Kolenikov 2014). Each sweep adjusts every margin in turn, then trims the
  weights above ``cap`` times their mean and lets the next sweep re-rake, until margins and
  cap both hold. Every step is a ``np.bincount`` over category codes: no loop over respondents.
- :func:`effective_base`, :func:`design_effect`, :func:`effective_base_by`: Kish (1965)
  n_eff = (sum w)^2 / sum w^2 and deff = n / n_eff, the base of every variance in txscore.

Checked in ``tests/test_weighting.py`` against R ``survey::rake`` on the api data
(``shared/validation/weighting``): the same weights, mean api00 641.23, total enroll 3647280.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from .errors import Problem, TxscoreWarning, WeightingError

__all__ = ["RakeResult", "design_effect", "effective_base", "effective_base_by", "rake"]

_SHARE_TOL = 0.01  # targets summing to 1 +- 1% are shares
_TOTAL_TOL = 1e-6  # count targets of different variables must imply the same total


@dataclass(frozen=True)
class RakeResult:
    """Raked weights and their report. Weights and margins are on the returned ``scale``.

    ``converged`` is True when every margin is met to ``tol`` (relative) and the cap holds.
    It is False only when the cap makes the margins unreachable: the weights then respect the
    cap and meet the margins approximately (``max_margin_error``, ``margins``). ``margins`` has
    the columns variable, category, target, achieved, unweighted_n, difference; ``capped``
    counts the weights held at the cap.
    """

    weights: pd.Series = field(repr=False)
    converged: bool
    iterations: int
    max_margin_error: float
    margins: pd.DataFrame = field(repr=False)
    n: int
    n_eff: float
    deff: float
    min_weight: float
    max_weight: float
    capped: int


class _Margin(NamedTuple):
    variable: str
    categories: list[Any]
    targets: np.ndarray  # (k,) on the scale of the target total
    codes: np.ndarray  # (n,) category index of each respondent


def _check_weights(values: pd.Series, name: str, where: str, *, allow_zero: bool
                   ) -> list[Problem]:
    """One problem per kind of bad weight (non-numeric, missing, negative, zero)."""
    num = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    kinds = {
        "is not a number": values.notna().to_numpy() & np.isnan(num),
        "is missing or infinite": values.isna().to_numpy() | np.isinf(num),
        "is negative": num < 0,
        "is zero": np.zeros(num.size, bool) if allow_zero else num == 0,
    }
    problems = []
    for what, bad in kinds.items():
        if bad.any():
            rows = ", ".join(map(repr, values.index[bad][:5].tolist()))
            problems.append(Problem(
                f"{name} {what} in {int(bad.sum())} row(s) (rows {rows}"
                f"{', ...' if bad.sum() > 5 else ''})", where,
                f"weights must be numbers {'>= 0' if allow_zero else 'above 0'}"))
    return problems


def effective_base(weights: Any) -> float:
    """Kish effective base n_eff = (sum w)^2 / sum w^2 (0.0 when the weights sum to 0).

    >>> effective_base([1, 1, 2, 4])  # 8^2 / (1 + 1 + 4 + 16) = 64 / 22
    2.909090909090909
    """
    values = weights if isinstance(weights, pd.Series) else pd.Series(np.ravel(weights))
    if problems := _check_weights(values, "a weight", "weights", allow_zero=True):
        raise WeightingError("Invalid weights.", problems)
    w = values.to_numpy(dtype="float64")
    total = w.sum()
    return float(total**2 / np.dot(w, w)) if total > 0 else 0.0


def design_effect(weights: Any) -> float:
    """Kish design effect of unequal weighting, deff = n / n_eff (NaN when n_eff is 0).

    >>> design_effect([1, 1, 2, 4])  # 4 / (64 / 22)
    1.375
    """
    n_eff = effective_base(weights)
    return float(np.size(weights) / n_eff) if n_eff > 0 else float("nan")


def effective_base_by(df: pd.DataFrame, by: list[str] | str, weight: str) -> pd.DataFrame:
    """n, sum_w, n_eff and deff per group of ``by`` (missing group keys form their own group).

    >>> df = pd.DataFrame({"brand": ["A", "A", "A", "A", "B"], "w": [1, 1, 2, 4, 3]})
    >>> effective_base_by(df, ["brand"], "w")
      brand  n  sum_w     n_eff   deff
    0     A  4    8.0  2.909091  1.375
    1     B  1    3.0  1.000000  1.000
    """
    by = [by] if isinstance(by, str) else list(by)
    if problems := [Problem(f"column {c!r} is not in the data", "effective_base_by()",
                            "check the column name") for c in [*by, weight] if c not in df]:
        raise WeightingError("Cannot compute effective bases.", problems)
    if problems := _check_weights(df[weight], f"weight {weight!r}", f"data column {weight!r}",
                                  allow_zero=True):
        raise WeightingError("Invalid weights.", problems)
    w = df[weight].to_numpy(dtype="float64")
    sums = (pd.DataFrame({"n": 1, "sum_w": w, "sum_w2": w * w}, index=df.index)
            .groupby([df[c] for c in by], dropna=False, observed=True, sort=True).sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        n_eff = np.where(sums["sum_w"] > 0, sums["sum_w"] ** 2 / sums["sum_w2"], 0.0)
        deff = np.where(n_eff > 0, sums["n"] / n_eff, np.nan)
    return sums.drop(columns="sum_w2").assign(n_eff=n_eff, deff=deff).reset_index()


def _codes(column: pd.Series, categories: list[Any]) -> np.ndarray:
    """Index of each respondent's category in ``categories``; -1 when it has no target.

    Values match by equality, then by text for what is left, so that the string keys of a
    TOML spec ("1") meet integer codes in the data (1).
    """
    codes = pd.Index(categories, dtype=object).get_indexer(column.astype(object))
    left = (codes < 0) & column.notna().to_numpy()
    unused = np.bincount(codes[codes >= 0], minlength=len(categories)) == 0
    by_text = {str(categories[i]): i for i in np.flatnonzero(unused)}
    if left.any() and len(by_text) == unused.sum():
        texts = pd.Series(column.to_numpy(dtype=object)[left]).astype(str)
        codes[left] = texts.map(by_text).fillna(-1).to_numpy(dtype="int64")
    return codes


def _margin(data: pd.DataFrame, variable: str, given: Any, problems: list[Problem]):
    where = f"rake() targets[{variable!r}]"
    absent = variable not in data.columns
    if absent or not hasattr(given, "items") or len(given) == 0:
        what = ("has targets but is not a column of the data" if absent
                else "needs its targets as a mapping of category to count or share")
        problems.append(Problem(f"variable {variable!r} {what}", where,
                                "check the column name and the targets"))
        return None
    given = dict(given.items())
    categories = list(given)
    raw = pd.Series(list(given.values()), dtype=object)
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    column = data[variable]
    codes = _codes(column, categories)
    counts = np.bincount(codes[codes >= 0], minlength=len(categories))
    for category, value, text, count in zip(categories, values, raw, counts, strict=True):
        label = f"category {category!r} of variable {variable!r}"
        if not np.isfinite(value):
            problems.append(Problem(f"the target of {label} is not a number (got {text!r})",
                                    where, "give a count or a share"))
        elif value < 0:
            problems.append(Problem(f"the target of {label} is negative ({value:g})", where,
                                    "targets are counts or shares, never negative"))
        elif count == 0 and value > 0:
            problems.append(Problem(f"target {label} has no respondents: remove it or merge "
                                    "it", where, "remove the target, or merge the category "
                                    "with a neighbour in both data and targets"))
        elif count > 0 and value == 0:
            problems.append(Problem(f"the target of {label} is 0 but {count} respondent(s) "
                                    "have it", where, "drop them or merge the category"))
    if column.isna().any():
        problems.append(Problem(f"{int(column.isna().sum())} respondent(s) have no value for "
                                f"variable {variable!r} and cannot be weighted",
                                f"data column {variable!r}",
                                "impute or drop them, or give them a category with a target"))
    no_target = column[(codes < 0) & column.notna().to_numpy()].value_counts()
    for category, count in no_target[no_target > 0].items():  # > 0: unused categorical levels
        problems.append(Problem(
            f"category {category!r} of variable {variable!r} has {count} respondent(s) but no "
            "target: they cannot be weighted", where,
            "add a target for it, or merge it into a category that has one"))
    keep = counts > 0
    recode = np.cumsum(keep) - 1
    return _Margin(variable, [c for c, k in zip(categories, keep, strict=True) if k],
                   values[keep], np.where(codes >= 0, recode[codes], -1))


def _trim(w: np.ndarray, cap: float) -> np.ndarray:
    """Clip w at U where U = cap * mean(min(w, U)): afterwards max(w) / mean(w) <= cap.

    With the k largest weights at U, U = cap * rest_k / (n - cap * k); the right k is the one
    whose U falls between the k-th and (k+1)-th largest weight (unique: the gap is convex in U).
    """
    n = w.size
    if w.max() <= cap * w.mean():
        return w
    s = np.sort(w)[::-1]
    k = np.arange(1, n + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(n - cap * k > 0, cap * (w.sum() - np.cumsum(s)) / (n - cap * k), np.inf)
    fits = (s >= u * (1 - 1e-12)) & (np.append(s[1:], 0.0) <= u * (1 + 1e-12))
    return np.minimum(w, u[np.argmax(fits)])


def _errors(w: np.ndarray, margins: list[_Margin]) -> list[np.ndarray]:
    """Relative margin errors |achieved - target| / target, one array per variable."""
    return [np.abs(np.bincount(m.codes, weights=w, minlength=m.targets.size) / m.targets - 1)
            for m in margins]


def _ipf(w, margins, cap, max_iter, tol) -> tuple[np.ndarray, int, float, str]:
    """Sweeps of IPF (then trim): weights, sweeps, max error, converged|stalled|max_iter."""
    err = np.inf
    for sweep in range(1, max_iter + 1):
        previous = w
        for m in margins:
            w = w * (m.targets / np.bincount(m.codes, weights=w, minlength=m.targets.size))[m.codes]
        if cap is not None:  # trim, then restore the total (the cap is relative to the mean)
            w = _trim(w, cap)
            w = w * (margins[0].targets.sum() / w.sum())
        err = float(max(e.max() for e in _errors(w, margins)))
        if err <= tol:
            return w, sweep, err, "converged"
        change = float(np.max(np.abs(w / previous - 1)))
        if change < min(tol, 1e-3 * err):  # weights no longer move but the margins are off
            return w, sweep, err, "stalled"
    return w, max_iter, err, "max_iter"


def _worst(w: np.ndarray, margins: list[_Margin]) -> str:
    errors = _errors(w, margins)
    i = int(np.argmax([e.max() for e in errors]))
    return (f"{errors[i].max():.3g} (variable {margins[i].variable!r}, category "
            f"{margins[i].categories[int(np.argmax(errors[i]))]!r})")


def _option_problems(cap, max_iter, tol, scale) -> list[Problem]:
    checks = [
        (scale in ("mean1", "targets"), "scale", "one of 'mean1', 'targets'", scale),
        (cap is None or (isinstance(cap, Real) and cap > 1), "cap",
         "a number above 1 (the largest mean-1 weight) or None", cap),
        (isinstance(max_iter, Integral) and max_iter >= 1, "max_iter", "an integer >= 1",
         max_iter),
        (isinstance(tol, Real) and tol > 0, "tol", "a number above 0", tol),
    ]
    return [Problem(f"The {name!r} setting of rake() must be {expected}. Got {got!r}.",
                    "rake()", f"pass {name}= as {expected}") for ok, name, expected, got in checks
            if not ok]


def rake(
    data: pd.DataFrame,
    targets: Mapping[str, Mapping[Any, float]],
    *,
    base_weight: str | np.ndarray | pd.Series | None = None,
    cap: float | None = 5.0,
    max_iter: int = 1000,
    tol: float = 1e-10,
    scale: Literal["mean1", "targets"] = "mean1",
) -> RakeResult:
    """Rake base weights to the one-way margins ``targets`` (iterative proportional fitting).

    ``targets[variable][category]`` is a population count or share. A variable whose targets
    sum to 1 (+-1%) gives shares, scaled to the count total of the other variables, or to the
    sum of the base weights when all give shares; count targets must all imply the same total.
    With ``cap``, weights above ``cap`` times the mean are trimmed after each sweep and the
    next sweep re-rakes; when the cap makes the margins unreachable, a
    :class:`TxscoreWarning` says so and ``converged`` is False. ``scale="mean1"`` returns
    weights of mean 1 (report weights), ``"targets"`` weights that sum to the target total.
    ``tol`` bounds the relative margin error. Raises :class:`WeightingError` listing every
    problem of the data and targets, or when raking does not converge in ``max_iter`` sweeps.

    >>> df = pd.DataFrame({"a": list("xxxyyy"), "b": list("pqrpqr")})
    >>> res = rake(df, {"a": {"x": 60, "y": 40}, "b": {"p": 50, "q": 30, "r": 20}},
    ...            scale="targets")  # R: survey::rake(design, list(~a, ~b), list(pa, pb))
    >>> res.weights.round(6).tolist()  # 100 * share_a * share_b
    [30.0, 18.0, 12.0, 20.0, 12.0, 8.0]
    """
    if problems := _option_problems(cap, max_iter, tol, scale):
        raise WeightingError("Invalid rake() settings.", problems)
    if not isinstance(data, pd.DataFrame):
        raise WeightingError(f"data must be a pandas DataFrame. Got {type(data).__name__}.")
    n = len(data)
    if n == 0 or not targets:
        raise WeightingError("Nothing to rake: no respondents or no targets.")
    base, name, where = pd.Series(1.0, index=data.index), "base weight", "rake(base_weight=...)"
    if isinstance(base_weight, str):
        name, where = f"base weight {base_weight!r}", f"data column {base_weight!r}"
        if base_weight in data.columns:
            base = data[base_weight]
        else:
            problems.append(Problem(f"base weight column {base_weight!r} is not in the data",
                                    "rake(base_weight=...)", "check the column name"))
    elif isinstance(base_weight, pd.Series) and base_weight.index.is_unique:
        base = base_weight.reindex(data.index)  # align on the index, not on position
        where = "rake(base_weight=...), a Series aligned on the data's index"
    elif base_weight is not None and np.size(base_weight) == n:
        base = pd.Series(np.ravel(base_weight), index=data.index)
    elif base_weight is not None:
        problems.append(Problem(f"the base weights have {np.size(base_weight)} values for {n} "
                                "respondents", where, "give one weight per respondent"))
    problems += _check_weights(base, name, where, allow_zero=False)
    margins = [_margin(data, v, given, problems) for v, given in targets.items()]
    if problems:
        raise WeightingError(f"Cannot rake the {n} respondents to the targets.", problems)
    base = base.to_numpy(dtype="float64")

    sums = [float(m.targets.sum()) for m in margins]
    shares = [abs(s - 1) <= _SHARE_TOL for s in sums]
    counts = [s for s, share in zip(sums, shares, strict=True) if not share]
    total = counts[0] if counts else float(base.sum())
    if any(abs(c - total) > _TOTAL_TOL * total for c in counts):
        raise WeightingError("The count targets imply different population totals.", [Problem(
            "totals: " + ", ".join(f"{m.variable!r} {s:g}" for m, s, share in
                                   zip(margins, sums, shares, strict=True) if not share),
            "rake() targets", "give every variable counts with the same total, or shares")])
    for m, s, share in zip(margins, sums, shares, strict=True):
        if share and abs(s - 1) > 1e-9:
            warnings.warn(f"The targets of variable {m.variable!r} sum to {s:g}: read as shares "
                          "and rescaled to sum to 1.", TxscoreWarning, stacklevel=2)
    # One common total for all variables (this also removes rounding drift between them).
    margins = [m._replace(targets=m.targets * (total / s)) for m, s in zip(margins, sums,
                                                                            strict=True)]

    start = base * (total / base.sum())
    w, sweeps, err, status = _ipf(start, margins, cap, max_iter, tol)
    if status != "converged":
        free_w, free_sweeps, free_status = w, sweeps, status
        if cap is not None:  # is the cap the obstacle, or the margins themselves?
            free_w, free_sweeps, _, free_status = _ipf(start, margins, None, max_iter, tol)
        if free_status != "converged":
            why = ("the margins cannot all be met: raking stalled after"
                   if free_status == "stalled" else "raking did not converge within")
            raise WeightingError(f"Cannot rake: {why} {free_sweeps} iterations.", [Problem(
                f"largest relative margin error {_worst(free_w, margins)}", "rake()",
                "merge small categories (some combinations have too few respondents), "
                "drop a variable, or raise max_iter")])
        warnings.warn(f"With cap={cap:g} the margins can be met only approximately: largest "
                      f"relative margin error {_worst(w, margins)}. Raise the cap or merge "
                      "small categories to meet them exactly.", TxscoreWarning, stacklevel=2)

    w = w * (n / w.sum() if scale == "mean1" else 1.0)
    margins_table = pd.concat([pd.DataFrame({
        "variable": m.variable,
        "category": pd.Series(m.categories, dtype=object),
        "target": m.targets * (n / total if scale == "mean1" else 1.0),
        "achieved": np.bincount(m.codes, weights=w, minlength=m.targets.size),
        "unweighted_n": np.bincount(m.codes, minlength=m.targets.size),
    }) for m in margins], ignore_index=True)
    margins_table["difference"] = margins_table["achieved"] - margins_table["target"]
    n_eff = float(w.sum() ** 2 / np.dot(w, w))
    error = float((margins_table["difference"].abs() / margins_table["target"]).max())
    capped = 0 if cap is None else int((w >= cap * w.mean() * (1 - 1e-9)).sum())
    return RakeResult(pd.Series(w, index=data.index, name="weight"), status == "converged",
                      sweeps, error, margins_table, n, n_eff, n / n_eff, float(w.min()),
                      float(w.max()), capped)
