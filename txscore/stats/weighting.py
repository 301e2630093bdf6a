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

import difflib
import json
import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from txscore.errors import Problem, TxscoreWarning, WeightingError

__all__ = ["RakeResult", "WeightingSettings", "apply_weighting", "design_effect", "effective_base",
           "effective_base_by", "parse_weighting", "rake"]

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


def _rake_where(variable: str) -> str:
    return f"rake() targets[{variable!r}]"


def _margin(data: pd.DataFrame, variable: str, given: Any, problems: list[Problem],
            target_where: Callable[[str], str] = _rake_where,
            locate: Callable[[np.ndarray, str], str] | None = None):
    where = target_where(variable)
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
    no_target = column[(codes < 0) & column.notna().to_numpy()].value_counts()
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
                                    "it", where, _did_you_mean(category, unmatched)
                                    + "remove the target, or merge the category "
                                    "with a neighbour in both data and targets"))
        elif count > 0 and value == 0:
            problems.append(Problem(f"the target of {label} is 0 but {count} respondent(s) "
                                    "have it", where, "drop them or merge the category"))
    if column.isna().any():
        missing = column.isna().to_numpy()
        problems.append(Problem(f"{int(missing.sum())} respondent(s) have no value for "
                                f"variable {variable!r} and cannot be weighted",
                                locate(missing, variable) if locate else
                                f"data column {variable!r}",
                                "impute or drop them, or give them a category with a target"))
    for category, count in no_target.items():
        hint = _did_you_mean(category, [str(c) for c in categories])
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
    return _rake(data, targets, base_weight=base_weight, cap=cap, max_iter=max_iter, tol=tol,
                 scale=scale)


def _rake(data, targets, *, base_weight, cap, max_iter, tol, scale, spec_where: str = "rake()",
          target_where: Callable[[str], str] = _rake_where,
          locate: Callable[[np.ndarray, str], str] | None = None) -> RakeResult:
    """:func:`rake`, with the places its problems are reported at (spec table, file rows)."""
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
    margins = [_margin(data, v, given, problems, target_where, locate)
               for v, given in targets.items()]
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
            spec_where, "give every variable counts with the same total, or shares")])
    for m, s, share in zip(margins, sums, shares, strict=True):
        if share and abs(s - 1) > 1e-9:
            warnings.warn(f"The targets of variable {m.variable!r} sum to {s:g}: read as shares "
                          "and rescaled to sum to 1.", TxscoreWarning, stacklevel=3)
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
                f"cannot rake: {why} {free_sweeps} iterations; largest relative margin error "
                f"{_worst(free_w, margins)}", spec_where,
                "merge small categories (some combinations have too few respondents), "
                "drop a variable, or raise max_iter")])
        warnings.warn(f"With cap={cap:g} the margins can be met only approximately: largest "
                      f"relative margin error {_worst(w, margins)}. Raise the cap or merge "
                      "small categories to meet them exactly.", TxscoreWarning, stacklevel=3)

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


# ---------------------------------------------------------------------- spec-driven weighting

#: the [weighting] keys, and where targets can apply
WEIGHTING_KEYS = ("method", "base_weight", "cap", "max_iter", "tol", "scale", "by_wave",
                  "targets")
WEIGHTING_METHODS = ("column", "rake", "none")
TARGET_SCOPES = ("customer", "non_customer", "all")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_REPORT_COLUMNS = ["population", "wave", "variable", "category", "target", "achieved",
                   "unweighted_n", "difference", "converged", "iterations", "n", "n_eff", "deff",
                   "min_weight", "max_weight", "capped"]

Targets = Mapping[str, Mapping[Any, float]]


@dataclass(frozen=True)
class WeightingSettings:
    """The ``[weighting]`` table of a study spec (see :func:`parse_weighting`).

    ``method``: ``"column"`` keeps the weight column of ``[columns]`` as it is, ``"rake"``
    rakes to ``targets``, ``"none"`` analyses unweighted. ``base_weight``: the column raking
    starts from (``"weight"`` is the ``[columns]`` weight column), else 1. ``targets`` maps
    ``(scope, wave)`` to ``{variable: {category: share or count}}``; scope is a population
    or ``"all"`` (both), wave ``None`` means every wave. ``cap``: largest weight over the
    mean weight (None: no cap). ``by_wave``: rake each population x wave group separately.
    """

    method: Literal["column", "rake", "none"] = "none"
    base_weight: str | None = None
    targets: Mapping[tuple[str, str | None], Targets] = field(default_factory=dict)
    cap: float | None = 5.0
    max_iter: int = 1000
    tol: float = 1e-10
    scale: Literal["mean1", "targets"] = "mean1"
    by_wave: bool = True

    def targets_for(self, population: str, wave: str | None) -> tuple[str, Targets] | None:
        """The most specific target set of a group and its spec table, or None.

        Population and wave, then population, then ``all`` and wave, then ``all``: a more
        specific table replaces a more general one as a whole (variables are not mixed).

        >>> s = WeightingSettings("rake", targets={("all", None): {"region": {"N": 1.0}}})
        >>> s.targets_for("customer", "W1")
        ('targets.all', {'region': {'N': 1.0}})
        """
        for scope, w in ((population, wave), (population, None), ("all", wave), ("all", None)):
            if (scope, w) in self.targets:
                return _table_name(scope, w), self.targets[(scope, w)]
        return None


def _toml_key(key: Any) -> str:
    key = str(key)
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _table_name(scope: str, wave: str | None) -> str:
    return f"targets.{scope}" + ("" if wave is None else f".waves.{_toml_key(wave)}")


def _sub(where: str, table: str) -> str:
    """``"study.toml [weighting]"``, ``"targets.all"``: ``"study.toml [weighting.targets.all]"``."""
    return f"{where[:-1]}.{table}]" if where.endswith("]") else f"{where} [{table}]"


def _did_you_mean(value: Any, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=1)
    return f"did you mean {close[0]!r}? " if close else ""


def _parse_target_set(body: Mapping[str, Any], where: str, segments: Sequence[str] | None,
                      problems: list[Problem]) -> dict[str, dict[str, float]]:
    """``{variable: {category: value}}`` of one targets table; problems appended."""
    out: dict[str, dict[str, float]] = {}
    totals: dict[str, float] = {}
    for variable, given in body.items():
        at = f"{where} {variable}"
        if segments is not None and variable not in segments:
            problems.append(Problem(
                f"variable {variable!r} is not a segment column", at,
                f"{_did_you_mean(variable, segments)}targets need a column listed in [columns] "
                "segments: add it there, or correct the name"))
        if not isinstance(given, Mapping) or not given:
            problems.append(Problem(
                f"the targets of variable {variable!r} must be a table of category = share or "
                f"count. Got {given!r}", at,
                f'write {variable} = {{ North = 0.3, South = 0.7 }} (shares) or counts'))
            continue
        values: dict[str, float] = {}
        for category, value in given.items():
            label = f"the target of category {category!r} of variable {variable!r}"
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.append(Problem(f"{label} is not a number (got {value!r})", at,
                                        "give a share (0.3) or a count (300), without quotes"))
            elif not math.isfinite(value) or value <= 0:
                what = "zero" if value == 0 else "negative" if value < 0 else "not finite"
                problems.append(Problem(
                    f"{label} is {what} ({value:g})", at,
                    "targets are positive shares or counts: remove a category nobody belongs "
                    "to, or merge it with a neighbour in both the data and the targets"))
            else:
                values[str(category)] = float(value)
        if len(values) < len(given):
            continue
        total = sum(values.values())
        if all(v < 1 for v in values.values()) and abs(total - 1) > _SHARE_TOL:
            problems.append(Problem(
                f"the shares of variable {variable!r} sum to {total:.4g}, not 1", at,
                "correct the shares so that they sum to 1 (a category may be missing), or give "
                "counts"))
        elif abs(total - 1) > _SHARE_TOL:
            totals[variable] = total
        out[variable] = values
    if totals and max(totals.values()) - min(totals.values()) > _TOTAL_TOL * max(totals.values()):
        problems.append(Problem(
            "the count targets imply different population totals: "
            + ", ".join(f"{v} {t:g}" for v, t in totals.items()), where,
            "give every variable counts with the same total (the population size), or give "
            "shares that sum to 1 (percentages: the same total of 100 everywhere)"))
    if not body:
        problems.append(Problem("the targets table is empty", where,
                                "add variables: region = { North = 0.5, South = 0.5 }"))
    return out


def parse_weighting(
    raw: Mapping[str, Any] | None,
    *,
    where: str = "[weighting]",
    segments: Sequence[str] | None = None,
    weight_column: str | None = None,
    waves: Sequence[str] | None = None,
) -> tuple[WeightingSettings, list[Problem]]:
    """Read the ``[weighting]`` table of a study spec, listing every problem.

    Keys: ``method`` (``"rake"`` when there are targets, else ``"column"`` when the spec
    has a weight column, else ``"none"``), ``base_weight``, ``cap`` (default 5; ``false``
    for none), ``max_iter`` (1000), ``tol`` (1e-10, relative margin error), ``scale``
    (``"mean1"``: weights of mean 1 per population x wave; ``"targets"``: summing to the
    count targets), ``by_wave`` (true: rake each wave separately) and ``targets``:
    ``[weighting.targets.customer]``, ``.non_customer`` or ``.all`` (both populations), each
    ``variable = { category = share or count }``, and per wave
    ``[weighting.targets.all.waves."2026 Q2"]``. Shares sum to 1 (+-1%); counts of the
    variables of one table must have the same total.

    Parameters
    ----------
    raw : mapping or None
        The parsed TOML table (None or ``{}`` when the spec has none).
    where : str
        How messages name the table, e.g. ``"study.toml [weighting]"``.
    segments, weight_column, waves : optional
        The spec's ``[columns] segments`` and ``weight`` and its waves. When ``segments`` is
        given, target variables must be segments and ``weight_column`` (None: the spec has
        none) decides the default method and whether ``method = "column"`` is possible;
        ``base_weight`` equal to it becomes ``"weight"``, the respondent table's column.
        When ``waves`` is given, wave tables must name one of them.

    Returns
    -------
    (WeightingSettings, list of Problem)
        The settings (defaults where a value is wrong) and every problem found.

    Examples
    --------
    >>> raw = {"method": "rake", "cap": 4, "targets": {"customer": {
    ...     "region": {"North": 0.3, "South": 0.7}, "age": {"young": 400, "old": 600}}}}
    >>> settings, problems = parse_weighting(raw)
    >>> settings.cap, settings.targets[("customer", None)]["age"], problems
    (4.0, {'young': 400.0, 'old': 600.0}, [])
    >>> _, problems = parse_weighting({"methd": "rake"})
    >>> print(problems[0])
    [weighting]: unknown key 'methd'. Fix: did you mean 'method'?
    """
    problems: list[Problem] = []

    def add(message: str, fix: str, at: str = where) -> None:
        problems.append(Problem(message, at, fix))

    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        add(f"must be a table. Got {raw!r}", 'write [weighting] with method = "rake" and '
            "[weighting.targets.all] tables")
        raw = {}
    for key in raw:
        if key not in WEIGHTING_KEYS:
            add(f"unknown key {key!r}.", _did_you_mean(key, WEIGHTING_KEYS).strip()
                or "allowed keys: " + ", ".join(WEIGHTING_KEYS) + ".")
    targets_raw = raw.get("targets")
    method = raw.get("method", "rake" if targets_raw else "column" if weight_column else "none")
    if method not in WEIGHTING_METHODS:
        add(f"The 'method' setting must be one of 'column', 'rake', 'none'. Got {method!r}.",
            _did_you_mean(method, WEIGHTING_METHODS) + 'set method = "rake" (or "column", '
            '"none")')
        method = "none"
    defaults = WeightingSettings()

    def number(key: str, ok: Callable[[float], bool], expected: str, default: Any,
               kind: type = Real) -> Any:
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, kind) or not ok(value):
            add(f"The {key!r} setting must be {expected}. Got {value!r}.",
                f"set {key} = {default!r} (the default) or another {expected}")
            return default
        return float(value) if kind is Real else int(value)

    cap = raw.get("cap", defaults.cap)
    if cap is False:
        cap = None
    else:
        cap = number("cap", lambda v: v > 1, "a number above 1 (the largest weight over the "
                     "mean weight), or false for no cap", defaults.cap)
    max_iter = number("max_iter", lambda v: v >= 1, "a whole number >= 1", defaults.max_iter,
                      Integral)
    tol = number("tol", lambda v: 0 < v < 0.01, "a number between 0 and 0.01", defaults.tol)
    scale = raw.get("scale", defaults.scale)
    if scale not in ("mean1", "targets"):
        add(f"The 'scale' setting must be one of 'mean1', 'targets'. Got {scale!r}.",
            'set scale = "mean1" (weights of mean 1 in each population and wave)')
        scale = defaults.scale
    by_wave = raw.get("by_wave", defaults.by_wave)
    if not isinstance(by_wave, bool):
        add(f"The 'by_wave' setting must be true or false. Got {by_wave!r}.",
            "set by_wave = true (rake each wave separately) or false")
        by_wave = defaults.by_wave

    base_weight = raw.get("base_weight")
    if base_weight is not None and not isinstance(base_weight, str):
        add(f"The 'base_weight' setting must be a column name. Got {base_weight!r}.",
            'set base_weight = "<column>" or remove it to start from weights of 1')
        base_weight = None
    if base_weight is not None and method != "rake":
        add(f"base_weight is used only when raking (method is {method!r}).",
            'remove base_weight, or set method = "rake"')
    elif base_weight is not None and segments is not None:
        if base_weight == weight_column:
            base_weight = "weight"
        elif base_weight not in segments:
            add(f"base_weight {base_weight!r} is neither the [columns] weight column "
                f"({weight_column!r}) nor a segment column.",
                "declare it as weight (or a segment) in [columns], or correct the name")
    if method == "column" and segments is not None and weight_column is None:
        add("method is 'column' but [columns] has no weight column.",
            'add weight = "<column>" to [columns], or set method = "none" or "rake"')

    targets: dict[tuple[str, str | None], dict[str, dict[str, float]]] = {}
    if targets_raw is not None and method != "rake":
        add(f"targets are used only when raking (method is {method!r}).",
            'set method = "rake", or remove the [weighting.targets] tables')
    if method == "rake" and not targets_raw:
        add("method is 'rake' but there are no targets.",
            "add [weighting.targets.all] (or .customer, .non_customer) with "
            "variable = { category = share }")
    if targets_raw is not None and not isinstance(targets_raw, Mapping):
        add(f"'targets' must be a table. Got {targets_raw!r}",
            "write [weighting.targets.all] tables", _sub(where, "targets"))
        targets_raw = {}
    for scope, table in (targets_raw or {}).items():
        at = _sub(where, _table_name(scope, None))
        if scope not in TARGET_SCOPES:
            add(f"unknown population {scope!r}.", _did_you_mean(scope, TARGET_SCOPES)
                + "targets apply to 'customer', 'non_customer' or 'all' (both)", at)
            continue
        if not isinstance(table, Mapping):
            add(f"must be a table of variable = {{ category = share }}. Got {table!r}", "", at)
            continue
        body = {k: v for k, v in table.items() if k != "waves"}
        if body or "waves" not in table:
            targets[(scope, None)] = _parse_target_set(body, at, segments, problems)
        per_wave = table.get("waves", {})
        if not isinstance(per_wave, Mapping):
            add(f"'waves' must be a table of wave tables. Got {per_wave!r}",
                f'write [weighting.{_table_name(scope, "2026 Q2")}]', at)
            continue
        if per_wave and not by_wave:
            add("wave targets need by_wave = true.", "set by_wave = true, or remove them", at)
        for wave, body in per_wave.items():
            wave_at = _sub(where, _table_name(scope, wave))
            if waves is not None and str(wave) not in waves:
                add(f"wave {str(wave)!r} is not a wave of the study's sources.",
                    _did_you_mean(wave, waves) + "use a wave label of [[sources]]: "
                    + ", ".join(map(repr, waves)), wave_at)
            if not isinstance(body, Mapping):
                add(f"must be a table of variable = {{ category = share }}. Got {body!r}", "",
                    wave_at)
                continue
            targets[(scope, str(wave))] = _parse_target_set(body, wave_at, segments, problems)
    settings = WeightingSettings(method, base_weight, targets, cap, max_iter, tol, scale,
                                 by_wave)
    return settings, [Problem(_sentence(p.message), p.where, _sentence(p.fix)) for p in problems]


def _sentence(text: str) -> str:
    return text if not text or text.endswith((".", "?")) else text + "."


def _locator(frame: pd.DataFrame) -> Callable[[np.ndarray, str], str] | None:
    """Where rows of the respondent table come from: file, sheet, rows as seen, column."""
    if not {"source_file", "source_row"} <= set(frame.columns):
        return None
    sheets = (frame["source_sheet"].fillna("") if "source_sheet" in frame
              else pd.Series("", index=frame.index))

    def locate(mask: np.ndarray, column: str) -> str:
        hits = pd.DataFrame({"file": frame["source_file"].to_numpy()[mask],
                             "sheet": sheets.to_numpy()[mask],
                             "row": frame["source_row"].to_numpy()[mask]})
        parts = []
        for (file, sheet), rows in hits.groupby(["file", "sheet"], sort=False)["row"]:
            r = rows.to_numpy()
            shown = ", ".join(map(str, r[:5].tolist())) + (
                f" and {r.size - 5} more" if r.size > 5 else "")
            parts.append(f"{file}{f', sheet {sheet!r}' if sheet else ''}, "
                         f"row{'s' if r.size > 1 else ''} {shown}, column {column!r}")
        return "; ".join(parts)

    return locate


def _respondents(rows: pd.DataFrame, columns: list[str], group: str,
                 locate: Callable[[np.ndarray, str], str] | None,
                 problems: list[Problem]) -> tuple[np.ndarray, np.ndarray]:
    """First row of each respondent and each row's respondent (rows are respondent x brand).

    A respondent who rated several brands has one row per brand but counts once in the
    margins. Their raking variables must agree across those rows.
    """
    n = len(rows)
    if "respondent_id" not in rows or not rows["respondent_id"].duplicated().any():
        return np.arange(n), np.arange(n)
    row = pd.Series(np.arange(n), index=rows.index).astype("string")
    ids = rows["respondent_id"].astype("string").fillna("\0row " + row)  # no id: alone
    wave = rows["wave"].astype("string") if "wave" in rows else ""
    codes = pd.factorize((wave + "\x1f" + ids).to_numpy())[0]  # in order of first appearance
    first = np.flatnonzero(~pd.Series(codes).duplicated().to_numpy())
    for column in columns:
        if column in rows:
            differs = (rows[column].astype(object).groupby(codes).transform("nunique")
                       .to_numpy() > 1)
            if differs.any():
                problems.append(Problem(
                    f"{group}: {int(np.unique(codes[differs]).size)} respondent(s) have "
                    f"different values of {column!r} on their rows (one row per brand rated)",
                    locate(differs, column) if locate else f"data column {column!r}",
                    "give each respondent one value on every row"))
    return first, codes


def _summary_row(w: np.ndarray, population: Any, wave: Any) -> dict[str, Any]:
    n_eff = float(w.sum() ** 2 / np.dot(w, w)) if w.sum() > 0 else 0.0
    return {"population": population, "wave": wave, "n": w.size, "n_eff": n_eff,
            "deff": w.size / n_eff if n_eff > 0 else np.nan,
            "min_weight": float(w.min()), "max_weight": float(w.max())}


def apply_weighting(data: pd.DataFrame, settings: WeightingSettings, *,
                    variables_where: str = "") -> tuple[np.ndarray, pd.DataFrame]:
    """Weights of the respondent table under the study's ``[weighting]`` settings.

    With ``method = "rake"`` each population is raked to its targets (the most specific
    table of :meth:`WeightingSettings.targets_for`), separately in each wave by default
    (``by_wave``): a wave is its own sample of the population, and raking waves together
    would leave differences in their make-up inside wave-over-wave changes. A respondent
    with several rows (one per brand rated) counts once. A population without targets
    keeps its base weights (or 1), rescaled to mean 1. ``"column"`` keeps ``data.weight``;
    ``"none"`` gives 1.

    Parameters
    ----------
    data : DataFrame
        The respondent table: ``population``, ``wave``, ``weight``, the segment columns and,
        when present, ``respondent_id``, ``source_file``, ``source_sheet``, ``source_row``
        (used to locate problems in the input files).
    settings : WeightingSettings
        From :func:`parse_weighting`.
    variables_where : str
        How messages name the ``[weighting]`` table, e.g. ``"study.toml [weighting]"``.

    Returns
    -------
    weights : ndarray
        One weight per row of ``data``, in its order.
    report : DataFrame
        Per population x wave (wave None when ``by_wave`` is false) and target category:
        population, wave, variable, category, target, achieved, unweighted_n, difference
        (targets and achieved on the weights' scale), then the group's converged,
        iterations, n (respondents), n_eff, deff, min_weight, max_weight, capped. Groups
        that are not raked have one row with no variable.

    Raises
    ------
    WeightingError
        Every problem of every group at once, each naming population, wave, variable and
        category: target categories absent from the data, data categories without a target,
        missing values, targets that cannot be met together. A cap that makes the targets
        unreachable is a :class:`TxscoreWarning` (``converged`` False), not an error.

    Examples
    --------
    >>> data = pd.DataFrame({"population": "customer", "wave": "W1", "weight": 1.0,
    ...                      "region": ["N", "N", "N", "S"]})
    >>> settings, _ = parse_weighting({"targets": {"all": {"region": {"N": 0.5, "S": 0.5}}}})
    >>> weights, report = apply_weighting(data, settings)
    >>> weights.round(4).tolist()  # N: 2 / 3 each (sum 2), S: 2; n_eff 16 / (4/3 + 4) = 3
    [0.6667, 0.6667, 0.6667, 2.0]
    >>> report[["variable", "category", "target", "achieved", "n_eff"]].round(2)
      variable category  target  achieved  n_eff
    0   region        N     2.0       2.0    3.0
    1   region        S     2.0       2.0    3.0
    """
    where = variables_where or "[weighting]"
    raking = settings.method == "rake"
    keys = ["population", "wave"] if settings.by_wave or not raking else ["population"]
    if absent := [c for c in [*keys, "weight"] if c not in data.columns]:
        raise WeightingError("Cannot weight: the respondent table lacks columns.", [Problem(
            f"column {c!r} is not in the respondent table", "apply_weighting()",
            "pass the data of txscore.load") for c in absent])
    n = len(data)
    out = data["weight"].to_numpy(dtype="float64", copy=True) if settings.method == "column" \
        else np.ones(n)
    group_of = data.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    rows_out: list[pd.DataFrame] = []
    problems: list[Problem] = []
    for g in range(int(group_of.max()) + 1 if n else 0):  # a loop over population x wave
        pos = np.flatnonzero(group_of == g)
        rows = data.iloc[pos]
        pop = rows["population"].iat[0]
        wave = rows["wave"].iat[0] if "wave" in keys else None
        found = settings.targets_for(pop, wave) if raking else None
        if found is None:
            if raking:
                base = (rows[settings.base_weight].to_numpy(dtype="float64")
                        if settings.base_weight in rows else np.ones(len(rows)))
                out[pos] = base / base.mean()
            rows_out.append(pd.DataFrame([_summary_row(out[pos], pop, wave)]))
            continue
        table, targets = found
        at = _sub(where, table)
        group = f"population {pop!r}" + ("" if wave is None else f", wave {wave!r}")
        first, back = _respondents(rows, [*targets, *filter(None, [settings.base_weight])],
                                   group, _locator(rows), problems)
        frame = rows.iloc[first]
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                res = _rake(frame, targets, base_weight=settings.base_weight, cap=settings.cap,
                            max_iter=settings.max_iter, tol=settings.tol, scale=settings.scale,
                            spec_where=at, target_where=lambda v, at=at: f"{at} {v}",
                            locate=_locator(frame))
        except WeightingError as exc:
            problems += [Problem(f"{group}: {p.message}", p.where, p.fix)
                         for p in exc.problems] or [Problem(f"{group}: {exc}", at)]
            continue
        for c in caught:
            text = f"{group}: {c.message}" if issubclass(c.category, TxscoreWarning) \
                else str(c.message)
            warnings.warn(text, c.category, stacklevel=2)
        out[pos] = res.weights.to_numpy()[back]
        rows_out.append(res.margins.assign(
            population=pop, wave=wave, converged=res.converged, iterations=res.iterations,
            n=res.n, n_eff=res.n_eff, deff=res.deff, min_weight=res.min_weight,
            max_weight=res.max_weight, capped=res.capped))
    if problems:
        raise WeightingError(f"Cannot weight the respondents as {where} asks.", problems)
    report = (pd.concat(rows_out, ignore_index=True) if rows_out else pd.DataFrame())
    report = report.reindex(columns=_REPORT_COLUMNS).astype(
        {"converged": "boolean", "iterations": "Int64", "unweighted_n": "Int64",
         "capped": "Int64", "n": "int64"})
    return out, report
