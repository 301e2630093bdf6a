"""Survey weights: raking to population margins with a cap, and Kish's effective base.

Owns the "Weighting" part of the methodology and the n_eff / deff of "Uncertainty":

- :func:`rake`: iterative proportional fitting (Deming and Stephan 1940) of base weights to
  one-way margins, with trim-and-rerake at a cap on the mean-1 weights (Battaglia, Hoaglin
  and Frankel 2009; Kolenikov 2014). Each sweep adjusts every margin in turn, then trims the
  weights above ``cap`` times their mean and lets the next sweep re-rake, until margins and
  cap both hold. Every step is a ``np.bincount`` over category codes: no loop over respondents.
- :func:`effective_base`, :func:`design_effect`, :func:`effective_base_by`: Kish (1965)
  n_eff = (sum w)^2 / sum w^2 and deff = n / n_eff, the base of every variance in txscore.

``rake(..., counts=...)`` rakes a table of cells, each standing for ``counts`` identical
respondents (every sum, mean, trim and count weighs the row that many times): raking the
cross-classification of everything raking reads gives each respondent the weight raking
the respondents one by one gives (:func:`cross_classify` numbers the cells). On a cluster
the cells are counted per partition and added (:mod:`txscore.ingest.weights`).

Study-free: weighting the scored rows of a study under its ``[weighting]`` table is
:func:`txscore.ingest.weights.apply_weighting`, which calls :func:`rake` per population and
wave with :class:`RakeLocations` naming the spec tables and file rows in its messages.

Checked in ``tests/test_weighting.py`` against R ``survey::rake`` on the api data
(``tests/data/validation/weighting``): the same weights, mean api00 641.23, total enroll
3647280.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from txscore.errors import (
    Problem,
    TxscoreWarning,
    WeightingError,
    choice_problem,
    did_you_mean,
    scalar_problem,
)
from txscore.stats.inference import kish_n_eff

__all__ = ["SHARE_TOLERANCE", "TOTAL_TOLERANCE", "RakeLocations", "RakeResult",
           "cross_classify", "design_effect", "effective_base", "effective_base_by", "rake"]

#: targets summing to 1 +- 1% are shares
SHARE_TOLERANCE = 0.01
#: count targets of different variables must imply the same total (relative)
TOTAL_TOLERANCE = 1e-6


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


def _in_rake(variable: str) -> str:
    return f"rake() targets[{variable!r}]"


@dataclass(frozen=True)
class RakeLocations:
    """How :func:`rake` names the places of its problems in messages.

    By default a problem is located at ``rake()``'s own arguments; when raking a study's
    respondents, :func:`txscore.ingest.weights.apply_weighting` names the spec table of the
    targets and the file rows of the respondents instead.

    Attributes
    ----------
    targets : str
        Where the target set is declared (``"study.toml [weighting.targets.all]"``).
    variable : callable
        ``variable(name)``: where one variable's targets are declared.
    rows : callable, optional
        ``rows(mask, column)``: the file, sheet and rows of the respondents selected by a
        boolean ``mask``, e.g. ``"customers.xlsx, sheet 'R', rows 4, 9, column 'region'"``;
        None: the data column is named.

    Examples
    --------
    >>> RakeLocations().variable("region")
    "rake() targets['region']"
    """

    targets: str = "rake()"
    variable: Callable[[str], str] = _in_rake
    rows: Callable[[np.ndarray, str], str] | None = None


class _Margin(NamedTuple):
    variable: str
    categories: list[Any]
    targets: np.ndarray  # (k,) on the scale of the target total
    codes: np.ndarray  # (n,) category index of each respondent


def _check_weights(values: pd.Series, name: str, where: str, *, allow_zero: bool,
                   counts: np.ndarray | None = None) -> list[Problem]:
    """One problem per kind of bad weight (non-numeric, missing, negative, zero); with
    ``counts``, each row stands for that many respondents in the number of rows."""
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
            many = int(bad.sum() if counts is None else counts[bad].sum())
            problems.append(Problem(
                f"{name} {what} in {many} row(s) (rows {rows}"
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
    return float(kish_n_eff(w.sum(), w @ w))


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
        n_eff = kish_n_eff(sums["sum_w"].to_numpy(), sums["sum_w2"].to_numpy())
        deff = np.where(n_eff > 0, sums["n"] / n_eff, np.nan)
    return sums.drop(columns="sum_w2").assign(n_eff=n_eff, deff=deff).reset_index()


def _codes(column: pd.Series, categories: list[Any]) -> np.ndarray:
    """Index of each respondent's category in ``categories``; -1 when it has no target.

    Values match by equality, then by text for what is left, so that the string keys of a
    TOML spec ("1") meet integer codes in the data (1, or 1.0 as spreadsheets store it).
    """
    codes = pd.Index(categories, dtype=object).get_indexer(column.astype(object))
    left = (codes < 0) & column.notna().to_numpy()
    unused = np.bincount(codes[codes >= 0], minlength=len(categories)) == 0
    by_text = {_text_key(categories[i]): i for i in np.flatnonzero(unused)}
    if left.any() and len(by_text) == unused.sum():
        values = pd.Series(column.to_numpy(dtype=object)[left])
        texts = values.map({v: _text_key(v) for v in pd.unique(values)})  # per distinct value
        codes[left] = texts.map(by_text).fillna(-1).to_numpy(dtype="int64")
    return codes


def _text_key(value: Any) -> str:
    """How a category reads as text: 1.0 as "1", surrounding spaces dropped."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _hint(value: Any, choices: list[str]) -> str:
    hint = did_you_mean(value, choices)
    return f"{hint} " if hint else ""


def _margin(data: pd.DataFrame, variable: str, given: Any, problems: list[Problem],
            at: RakeLocations, freq: np.ndarray | None = None) -> _Margin | None:
    """One variable's targets as category codes of the respondents; problems appended.
    ``freq``: respondents per row (None: one), in every count of the messages."""
    where, locate = at.variable(variable), at.rows
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
    counts = _count(codes, len(categories), freq)
    stray = (codes < 0) & column.notna().to_numpy()
    no_target = (column[stray].value_counts() if freq is None else pd.Series(
        freq[stray], index=column.index[stray]).groupby(column[stray], observed=True, sort=False)
        .sum().round().astype("int64").sort_values(ascending=False, kind="stable"))
    no_target = no_target[no_target > 0]  # > 0: unused categorical levels need no target
    unmatched = [str(c) for c in no_target.index]
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
                                    "it", where, _hint(category, unmatched)
                                    + "remove the target, or merge the category "
                                    "with a neighbour in both data and targets"))
        elif count > 0 and value == 0:
            problems.append(Problem(f"the target of {label} is 0 but {count} respondent(s) "
                                    "have it", where, "drop them or merge the category"))
    if column.isna().any():
        missing = column.isna().to_numpy()
        many = int(missing.sum() if freq is None else freq[missing].sum())
        problems.append(Problem(f"{many} respondent(s) have no value for "
                                f"variable {variable!r} and cannot be weighted",
                                locate(missing, variable) if locate else
                                f"data column {variable!r}",
                                "impute or drop them, or give them a category with a target"))
    for category, count in no_target.items():
        hint = _hint(category, [str(c) for c in categories])
        problems.append(Problem(
            f"category {category!r} of variable {variable!r} has {count} respondent(s) but no "
            "target: they cannot be weighted",
            f"{where}; {locate((column == category).to_numpy(), variable)}" if locate else where,
            (f"{hint}Correct the data or the target, or " if hint else "")
            + "add a target for it, or merge it into a category that has one"))
    keep = counts > 0
    recode = np.cumsum(keep) - 1
    return _Margin(variable, [c for c, k in zip(categories, keep, strict=True) if k],
                   values[keep], np.where(codes >= 0, recode[codes], -1))


def _count(codes: np.ndarray, size: int, freq: np.ndarray | None) -> np.ndarray:
    """Respondents per category (codes -1 left out); ``freq``: respondents per row."""
    if freq is None:
        return np.bincount(codes[codes >= 0], minlength=size)
    inside = codes >= 0
    return np.rint(np.bincount(codes[inside], weights=freq[inside], minlength=size)
                   ).astype(np.int64)


def _sum(w: np.ndarray, freq: np.ndarray | None) -> float:
    """Sum of the weights of the respondents: each row ``freq`` times (None: once)."""
    return w.sum() if freq is None else (w * freq).sum()


def _trim(w: np.ndarray, cap: float, freq: np.ndarray | None = None) -> np.ndarray:
    """Clip w at U where U = cap * mean(min(w, U)): afterwards max(w) / mean(w) <= cap.

    With the k largest weights at U, U = cap * rest_k / (n - cap * k); the right k is the one
    whose U falls between the k-th and (k+1)-th largest weight (unique: the gap is convex in U).
    With ``freq`` a row is that many respondents of one weight: k runs over whole rows.
    """
    if freq is None:
        n, total = w.size, w.sum()
        if w.max() <= cap * w.mean():
            return w
        s = np.sort(w)[::-1]
        k = np.arange(1, n + 1)
        rest = total - np.cumsum(s)
    else:
        n, total = freq.sum(), (w * freq).sum()
        if w.max() <= cap * (total / n):
            return w
        order = np.argsort(-w, kind="stable")
        s, k = w[order], np.cumsum(freq[order])
        rest = total - np.cumsum(s * freq[order])
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(n - cap * k > 0, cap * rest / (n - cap * k), np.inf)
    fits = (s >= u * (1 - 1e-12)) & (np.append(s[1:], 0.0) <= u * (1 + 1e-12))
    return np.minimum(w, u[np.argmax(fits)])


def _errors(w: np.ndarray, margins: list[_Margin],
            freq: np.ndarray | None = None) -> list[np.ndarray]:
    """Relative margin errors |achieved - target| / target, one array per variable."""
    wf = w if freq is None else w * freq
    return [np.abs(np.bincount(m.codes, weights=wf, minlength=m.targets.size) / m.targets - 1)
            for m in margins]


def _ipf(w, margins, cap, max_iter, tol, freq=None) -> tuple[np.ndarray, int, float, str]:
    """Sweeps of IPF (then trim): weights, sweeps, max error, converged|stalled|max_iter.
    ``freq``: respondents per row (None: one), in every sum."""
    err = np.inf
    for sweep in range(1, max_iter + 1):
        previous = w
        for m in margins:
            wf = w if freq is None else w * freq
            w = w * (m.targets / np.bincount(m.codes, weights=wf, minlength=m.targets.size)
                     )[m.codes]
        if cap is not None:  # trim, then restore the total (the cap is relative to the mean)
            w = _trim(w, cap, freq)
            w = w * (margins[0].targets.sum() / _sum(w, freq))
        err = float(max(e.max() for e in _errors(w, margins, freq)))
        if err <= tol:
            return w, sweep, err, "converged"
        change = float(np.max(np.abs(w / previous - 1)))
        if change < min(tol, 1e-3 * err):  # weights no longer move but the margins are off
            return w, sweep, err, "stalled"
    return w, max_iter, err, "max_iter"


def _worst(w: np.ndarray, margins: list[_Margin], freq: np.ndarray | None = None) -> str:
    errors = _errors(w, margins, freq)
    i = int(np.argmax([e.max() for e in errors]))
    return (f"{errors[i].max():.3g} (variable {margins[i].variable!r}, category "
            f"{margins[i].categories[int(np.argmax(errors[i]))]!r})")


def _option_problems(cap, max_iter, tol, scale) -> list[Problem]:
    found = [
        choice_problem(scale, "scale", ("mean1", "targets"), where="rake()",
                       fix="pass scale='mean1' (weights of mean 1) or 'targets'."),
        None if cap is None else scalar_problem(
            cap, "cap", min_val=1, include_boundaries="neither", where="rake()",
            fix="pass cap= as the largest weight over the mean weight (e.g. 5), or None."),
        scalar_problem(max_iter, "max_iter", Integral, min_val=1, where="rake()",
                       fix="pass max_iter= as a number of sweeps (e.g. 1000)."),
        scalar_problem(tol, "tol", Real, min_val=0, include_boundaries="neither",
                       where="rake()", fix="pass tol= as a relative margin error (e.g. 1e-10)."),
    ]
    return [p for p in found if p is not None]


def rake(
    data: pd.DataFrame,
    targets: Mapping[str, Mapping[Any, float]],
    *,
    base_weight: str | np.ndarray | pd.Series | None = None,
    cap: float | None = 5.0,
    max_iter: int = 1000,
    tol: float = 1e-10,
    scale: Literal["mean1", "targets"] = "mean1",
    locations: RakeLocations | None = None,
    counts: np.ndarray | pd.Series | None = None,
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
    problem of the data and targets, or when raking does not converge in ``max_iter`` sweeps;
    ``locations`` says how those messages name the places of the targets and respondents
    (default: the arguments of ``rake()``).

    ``counts`` (one whole number >= 1 per row, by position) makes each row that many
    identical respondents: every margin, total, mean, trim at the cap, ``n``, ``n_eff``,
    ``deff``, ``capped`` and count in a message counts the row that many times, so raking a
    table of cells with their respondent counts gives each cell the weight each of its
    respondents gets when they are raked one by one. The weights are per row (per
    respondent of the row); ``min_weight`` and ``max_weight`` are over the rows.

    >>> df = pd.DataFrame({"a": list("xxxyyy"), "b": list("pqrpqr")})
    >>> res = rake(df, {"a": {"x": 60, "y": 40}, "b": {"p": 50, "q": 30, "r": 20}},
    ...            scale="targets")  # R: survey::rake(design, list(~a, ~b), list(pa, pb))
    >>> res.weights.round(6).tolist()  # 100 * share_a * share_b
    [30.0, 18.0, 12.0, 20.0, 12.0, 8.0]
    >>> cells = pd.DataFrame({"a": ["x", "y", "y"], "b": ["p", "p", "q"]})  # 2, 1, 1 people
    >>> res = rake(cells, {"a": {"x": 0.25, "y": 0.75}}, counts=[2, 1, 1])
    >>> res.weights.tolist(), res.n, res.margins["unweighted_n"].tolist()  # x: 4 * 0.25 / 2
    ([0.5, 1.5, 1.5], 4, [2, 2])
    """
    at = locations or RakeLocations()
    if problems := _option_problems(cap, max_iter, tol, scale):
        raise WeightingError("Invalid rake() settings.", problems)
    if not isinstance(data, pd.DataFrame):
        raise WeightingError(f"data must be a pandas DataFrame. Got {type(data).__name__}.")
    freq = _frequencies(counts, len(data))
    n = len(data) if freq is None else int(freq.sum())
    if n == 0 or not targets:
        raise WeightingError("Nothing to rake: no respondents or no targets.")
    base = _base_weights(data, base_weight, problems, freq)
    margins = [_margin(data, v, given, problems, at, freq) for v, given in targets.items()]
    if problems:
        raise WeightingError(f"Cannot rake the {n} respondents to the targets.", problems)
    margins, total = _common_total(margins, _sum(base, freq), at.targets)
    start = base * (total / _sum(base, freq))
    w, sweeps, status = _fit(start, margins, cap, max_iter, tol, at.targets, freq)
    w = w * (n / _sum(w, freq) if scale == "mean1" else 1.0)
    wf = w if freq is None else w * freq
    margins_table = pd.concat([pd.DataFrame({
        "variable": m.variable,
        "category": pd.Series(m.categories, dtype=object),
        "target": m.targets * (n / total if scale == "mean1" else 1.0),
        "achieved": np.bincount(m.codes, weights=wf, minlength=m.targets.size),
        "unweighted_n": _count(m.codes, m.targets.size, freq),
    }) for m in margins], ignore_index=True)
    margins_table["difference"] = margins_table["achieved"] - margins_table["target"]
    n_eff = float(kish_n_eff(w.sum(), w @ w) if freq is None
                  else kish_n_eff((w * freq).sum(), (w * w * freq).sum()))
    error = float((margins_table["difference"].abs() / margins_table["target"]).max())
    capped = 0
    if cap is not None:  # respondents at the cap
        mean = w.mean() if freq is None else (w * freq).sum() / n
        at_cap = w >= cap * mean * (1 - 1e-9)
        capped = int(at_cap.sum() if freq is None else freq[at_cap].sum())
    return RakeResult(pd.Series(w, index=data.index, name="weight"), status == "converged",
                      sweeps, error, margins_table, n, n_eff, n / n_eff, float(w.min()),
                      float(w.max()), capped)


def cross_classify(codes: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The cell of each row in the cross-classification of code columns, and each cell's
    first row.

    ``codes``: k arrays of n integer codes (-1 for a blank, itself a value). Cells are
    numbered in the order of their first row; no overflow whatever k (the mixed-radix code
    is renumbered after each column).

    >>> cells, first = cross_classify([np.array([0, 1, 0, 0]), np.array([2, -1, 2, 0])])
    >>> cells.tolist(), first.tolist()
    ([0, 1, 0, 2], [0, 1, 3])
    """
    out = np.zeros(codes[0].size if codes else 0, np.int64)
    for column in codes:
        out = pd.factorize(out * (int(column.max(initial=-1)) + 2) + column + 1)[0]
    return out, np.flatnonzero(~pd.Series(out).duplicated().to_numpy())


def _frequencies(counts: Any, n: int) -> np.ndarray | None:
    """The respondents of each row as floats (None: one each); an error unless they are
    ``n`` whole numbers >= 1."""
    if counts is None:
        return None
    values = pd.to_numeric(pd.Series(np.ravel(np.asarray(counts, dtype=object))),
                           errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    if values.size != n or not (np.isfinite(values).all() and (values >= 1).all()
                                and (values == np.round(values)).all()):
        raise WeightingError("Invalid rake() counts.", [Problem(
            f"counts must be {n} whole numbers >= 1, one per row of the data", "rake(counts=...)",
            "give each row the number of identical respondents it stands for")])
    return values


def _base_weights(data: pd.DataFrame, base_weight: Any, problems: list[Problem],
                  freq: np.ndarray | None = None) -> np.ndarray:
    """The base weights as floats (1 when None); problems appended."""
    n = len(data)
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
    problems += _check_weights(base, name, where, allow_zero=False, counts=freq)
    return base.to_numpy(dtype="float64", na_value=np.nan) if not problems else np.ones(n)


def _common_total(margins: list[_Margin], base_total: float,
                  where: str) -> tuple[list[_Margin], float]:
    """Every variable's targets on one total: the count targets' (all equal), else the sum
    of the base weights when all are shares."""
    sums = [float(m.targets.sum()) for m in margins]
    shares = [abs(s - 1) <= SHARE_TOLERANCE for s in sums]
    counts = [s for s, share in zip(sums, shares, strict=True) if not share]
    total = counts[0] if counts else float(base_total)
    if any(abs(c - total) > TOTAL_TOLERANCE * total for c in counts):
        raise WeightingError("The count targets imply different population totals.", [Problem(
            "totals: " + ", ".join(f"{m.variable!r} {s:g}" for m, s, share in
                                   zip(margins, sums, shares, strict=True) if not share),
            where, "give every variable counts with the same total, or shares")])
    for m, s, share in zip(margins, sums, shares, strict=True):
        if share and abs(s - 1) > 1e-9:
            warnings.warn(f"The targets of variable {m.variable!r} sum to {s:g}: read as shares "
                          "and rescaled to sum to 1.", TxscoreWarning, stacklevel=3)
    # One common total for all variables (this also removes rounding drift between them).
    return [m._replace(targets=m.targets * (total / s))
            for m, s in zip(margins, sums, strict=True)], total


def _fit(start: np.ndarray, margins: list[_Margin], cap: float | None, max_iter: int,
         tol: float, where: str, freq: np.ndarray | None = None) -> tuple[np.ndarray, int, str]:
    """Raked weights, sweeps and status; an error when the margins themselves cannot be met,
    a warning when only the cap stops them."""
    w, sweeps, _, status = _ipf(start, margins, cap, max_iter, tol, freq)
    if status == "converged":
        return w, sweeps, status
    free_w, free_sweeps, free_status = w, sweeps, status
    if cap is not None:  # is the cap the obstacle, or the margins themselves?
        free_w, free_sweeps, _, free_status = _ipf(start, margins, None, max_iter, tol, freq)
    if free_status != "converged":
        why = ("the margins cannot all be met: raking stalled after"
               if free_status == "stalled" else "raking did not converge within")
        raise WeightingError(f"Cannot rake: {why} {free_sweeps} iterations.", [Problem(
            f"cannot rake: {why} {free_sweeps} iterations; largest relative margin error "
            f"{_worst(free_w, margins, freq)}", where,
            "merge small categories (some combinations have too few respondents), "
            "drop a variable, or raise max_iter")])
    warnings.warn(f"With cap={cap:g} the margins can be met only approximately: largest "
                  f"relative margin error {_worst(w, margins, freq)}. Raise the cap or merge "
                  "small categories to meet them exactly.", TxscoreWarning, stacklevel=3)
    return w, sweeps, status
