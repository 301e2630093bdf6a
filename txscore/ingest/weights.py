"""Weighting the scored rows: the study's ``[weighting]`` applied to its respondents.

With ``method = "rake"`` each population is raked (:func:`txscore.stats.weighting.rake`) to
its targets, separately in each wave by default; a respondent with several rows (one per
brand rated) counts once.  Problems name the population, wave, spec table, variable and
category, and the file, sheet and rows of the respondents concerned.  The settings are the
typed :class:`~txscore.study.WeightingSettings` read by
:func:`txscore.study.parse_weighting`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from txscore.errors import Problem, TxscoreWarning, WeightingError
from txscore.stats.inference import kish_n_eff
from txscore.stats.weighting import RakeLocations, RakeResult, rake
from txscore.study import Study, WeightingSettings
from txscore.study.model import spec_table

__all__ = ["REPORT_COLUMNS", "apply_weighting", "weight_rows"]

#: the columns of the weighting report (:attr:`txscore.Responses.weighting`)
REPORT_COLUMNS = ["population", "wave", "variable", "category", "target", "achieved",
                  "unweighted_n", "difference", "converged", "iterations", "n", "n_eff", "deff",
                  "min_weight", "max_weight", "capped"]

_Locate = Callable[[np.ndarray, str], str]


def weight_rows(study: Study, kept: pd.DataFrame,
                problems: list[Problem]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scored rows with the weights the spec asks for, and the weighting report.

    Raking runs after the exclusions (only the respondents who are scored are weighted to
    the targets) and only when the data have no error; its problems are appended.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")  # no [weighting]: kept as read
    >>> rows = pd.DataFrame({"weight": [1.5]})
    >>> weight_rows(study, rows, [])[0] is rows
    True
    """
    settings = study.weighting
    if settings is not None and settings.method == "none":
        return kept.assign(weight=1.0), pd.DataFrame()
    if settings is None or settings.method != "rake" or kept.empty or any(
            p.severity == "error" for p in problems):
        return kept, pd.DataFrame()
    spec = study.spec_path.name if study.spec_path else "study"
    try:
        weights, report = apply_weighting(kept, settings, variables_where=f"{spec} [weighting]")
    except WeightingError as exc:
        problems.extend(exc.problems)
        return kept, pd.DataFrame()
    return kept.assign(weight=weights), report


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
        From :func:`txscore.study.parse_weighting`.
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
    >>> from txscore.study import parse_weighting
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
        rows_out += _weight_group(data.iloc[pos], settings, where, "wave" in keys, out, pos,
                                  problems)
    if problems:
        raise WeightingError(f"Cannot weight the respondents as {where} asks.", problems)
    report = (pd.concat(rows_out, ignore_index=True) if rows_out else pd.DataFrame())
    report = report.reindex(columns=REPORT_COLUMNS).astype(
        {"converged": "boolean", "iterations": "Int64", "unweighted_n": "Int64",
         "capped": "Int64", "n": "int64"})
    return out, report


def _weight_group(rows: pd.DataFrame, settings: WeightingSettings, where: str, by_wave: bool,
                  out: np.ndarray, pos: np.ndarray,
                  problems: list[Problem]) -> list[pd.DataFrame]:
    """Weights of one population (x wave) written into ``out[pos]``; its report rows."""
    raking = settings.method == "rake"
    pop = rows["population"].iat[0]
    wave = rows["wave"].iat[0] if by_wave else None
    found = settings.targets_for(pop, wave) if raking else None
    if found is None:
        if raking:
            base = (rows[settings.base_weight].to_numpy(dtype="float64")
                    if settings.base_weight in rows else np.ones(len(rows)))
            out[pos] = base / base.mean()
        return [pd.DataFrame([_summary_row(out[pos], pop, wave)])]
    raked = _rake_group(rows, settings, spec_table(where, found[0]), found[1],
                        f"population {pop!r}" + ("" if wave is None else f", wave {wave!r}"),
                        problems)
    if raked is None:
        return []
    res, back = raked
    out[pos] = res.weights.to_numpy()[back]
    return [res.margins.assign(
        population=pop, wave=wave, converged=res.converged, iterations=res.iterations,
        n=res.n, n_eff=res.n_eff, deff=res.deff, min_weight=res.min_weight,
        max_weight=res.max_weight, capped=res.capped)]


def _rake_group(rows: pd.DataFrame, settings: WeightingSettings, at: str,
                targets: Any, group: str,
                problems: list[Problem]) -> tuple[RakeResult, np.ndarray] | None:
    """Rake one population (x wave) on its respondents: the result and each row's
    respondent, or None with the problems (prefixed with the group) appended."""
    first, back = _respondents(rows, [*targets, *filter(None, [settings.base_weight])],
                               group, _locator(rows), problems)
    frame = rows.iloc[first]
    locations = RakeLocations(at, lambda v: f"{at} {v}", _locator(frame))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = rake(frame, targets, base_weight=settings.base_weight, cap=settings.cap,
                       max_iter=settings.max_iter, tol=settings.tol, scale=settings.scale,
                       locations=locations)
    except WeightingError as exc:
        problems += [Problem(f"{group}: {p.message}", p.where, p.fix)
                     for p in exc.problems] or [Problem(f"{group}: {exc}", at)]
        return None
    for c in caught:
        text = f"{group}: {c.message}" if issubclass(c.category, TxscoreWarning) \
            else str(c.message)
        warnings.warn(text, c.category, stacklevel=4)
    return res, back


def _locator(frame: pd.DataFrame) -> _Locate | None:
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
                 locate: _Locate | None,
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
    n_eff = float(kish_n_eff(w.sum(), w @ w))
    return {"population": population, "wave": wave, "n": w.size, "n_eff": n_eff,
            "deff": w.size / n_eff if n_eff > 0 else np.nan,
            "min_weight": float(w.min()), "max_weight": float(w.max())}
