"""Weighting the scored rows: the study's ``[weighting]`` applied to its respondents.

With ``method = "rake"`` each population is raked (:func:`txscore.stats.weighting.rake`) to
its targets, separately in each wave by default; a respondent with several rows (one per
brand rated) counts once.  Problems name the population, wave, spec table, variable and
category, and the file, sheet and rows of the respondents concerned.  The settings are the
typed :class:`~txscore.study.WeightingSettings` read by
:func:`txscore.study.parse_weighting`.

When the rows are spread over partitions (a cluster), each partition counts its respondents
by cell of everything raking reads (:func:`weighting_cells`), the counts are added
(:func:`merge_cells`), the small table is raked (:func:`weights_from_cells`, with
:func:`rake`'s ``counts``) and each row gets its cell's weight (:func:`apply_cell_weights`):
the weights and report of :func:`weight_rows`, to rounding.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from txscore.errors import Problem, TxscoreWarning, WeightingError
from txscore.stats.inference import kish_n_eff
from txscore.stats.weighting import RakeLocations, RakeResult, cross_classify, rake
from txscore.study import Study, WeightingSettings
from txscore.study.model import spec_table

__all__ = ["CELL_COUNT", "CELL_DIFFERS", "CELL_SEP", "CELL_WEIGHT", "REPORT_COLUMNS",
           "apply_cell_weights", "apply_weighting", "merge_cells", "weight_rows",
           "weighting_cells", "weights_from_cells"]

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
    return out, _report(rows_out)


def _report(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The groups' report rows as one table of :data:`REPORT_COLUMNS`."""
    report = (pd.concat(parts, ignore_index=True) if parts else pd.DataFrame())
    return report.reindex(columns=REPORT_COLUMNS).astype(
        {"converged": "boolean", "iterations": "Int64", "unweighted_n": "Int64",
         "capped": "Int64", "n": "int64"})


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
    return [_margin_rows(res, pop, wave)]


def _margin_rows(res: RakeResult, population: Any, wave: Any) -> pd.DataFrame:
    """The report rows of a raked group: its margins, then the group's statistics."""
    return res.margins.assign(
        population=population, wave=wave, converged=res.converged, iterations=res.iterations,
        n=res.n, n_eff=res.n_eff, deff=res.deff, min_weight=res.min_weight,
        max_weight=res.max_weight, capped=res.capped)


def _rake_group(rows: pd.DataFrame, settings: WeightingSettings, at: str,
                targets: Any, group: str,
                problems: list[Problem]) -> tuple[RakeResult, np.ndarray] | None:
    """Rake one population (x wave) on its respondents: the result and each row's
    respondent, or None with the problems (prefixed with the group) appended."""
    first, back = _respondents(rows, [*targets, *filter(None, [settings.base_weight])],
                               group, _locator(rows), problems)
    frame = rows.iloc[first]
    res = _rake_frame(frame, settings, at, targets, group, problems, _locator(frame))
    return None if res is None else (res, back)


def _rake_frame(frame: pd.DataFrame, settings: WeightingSettings, at: str, targets: Any,
                group: str, problems: list[Problem], locate: _Locate | None,
                counts: np.ndarray | None = None, stacklevel: int = 5) -> RakeResult | None:
    """:func:`rake` of one group's respondents (or cells of ``counts`` respondents); its
    problems and warnings prefixed with the group."""
    locations = RakeLocations(at, lambda v: f"{at} {v}", locate)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = rake(frame, targets, base_weight=settings.base_weight, cap=settings.cap,
                       max_iter=settings.max_iter, tol=settings.tol, scale=settings.scale,
                       locations=locations, counts=counts)
    except WeightingError as exc:
        problems += [Problem(f"{group}: {p.message}", p.where, p.fix)
                     for p in exc.problems] or [Problem(f"{group}: {exc}", at)]
        return None
    for c in caught:
        text = f"{group}: {c.message}" if issubclass(c.category, TxscoreWarning) \
            else str(c.message)
        warnings.warn(text, c.category, stacklevel=stacklevel)
    return res


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
                problems.append(_differs_problem(
                    group, int(np.unique(codes[differs]).size), column,
                    locate(differs, column) if locate else f"data column {column!r}"))
    return first, codes


def _differs_problem(group: str, respondents: int, column: str, where: str) -> Problem:
    return Problem(f"{group}: {respondents} respondent(s) have different values of "
                   f"{column!r} on their rows (one row per brand rated)", where,
                   "give each respondent one value on every row")


def _summary_row(w: np.ndarray, population: Any, wave: Any,
                 counts: np.ndarray | None = None) -> dict[str, Any]:
    """The report row of a group that is not raked (``counts``: rows per weight)."""
    n = w.size if counts is None else int(counts.sum())
    n_eff = float(kish_n_eff(w.sum(), w @ w) if counts is None
                  else kish_n_eff((w * counts).sum(), (w * w * counts).sum()))
    return {"population": population, "wave": wave, "n": n, "n_eff": n_eff,
            "deff": n / n_eff if n_eff > 0 else np.nan,
            "min_weight": float(w.min()), "max_weight": float(w.max())}


# ------------------------------------------------------------- raking from cell counts
#: a cell table's last columns: raking columns that differ across a respondent's rows
#: (joined by CELL_SEP, "" for none), respondents; a cell's weight (weights_from_cells)
CELL_DIFFERS, CELL_COUNT, CELL_WEIGHT = "differs", "count", "cell_weight"
CELL_SEP = "\x1f"


def _settings_of(given: Study | WeightingSettings | None) -> WeightingSettings | None:
    return given.weighting if isinstance(given, Study) else given


def _raking_columns(settings: WeightingSettings, kept: pd.DataFrame) -> list[str]:
    """Every column raking reads that the rows have: each target variable, the base weight."""
    names = [v for targets in settings.targets.values() for v in targets]
    return [c for c in dict.fromkeys([*names, *filter(None, [settings.base_weight])])
            if c in kept.columns and c not in ("population", "wave")]


def _row_cells(settings: WeightingSettings, kept: pd.DataFrame
               ) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Each row's cell, whether the row is counted in it, and the cells (key values).

    Raked groups: a respondent counts once, on their first row, and all their rows are in
    its cell (as :func:`apply_weighting`); another population's target variable is blank.
    Groups without targets: every row counts, in the cell of its own base weight.
    """
    if absent := [c for c in ("population", "wave") if c not in kept.columns]:
        raise WeightingError("Cannot weight: the respondent table lacks columns.", [Problem(
            f"column {c!r} is not in the respondent table", "weighting_cells()",
            "pass the data of txscore.load") for c in absent])
    columns = _raking_columns(settings, kept)
    if taken := [c for c in columns if c in (CELL_DIFFERS, CELL_COUNT, CELL_WEIGHT)]:
        raise WeightingError("Cannot weight on a cluster: a raking column has a reserved name.",
                             [Problem(f"column {c!r} is read by raking", "weighting_cells()",
                                      "rename the column") for c in taken])
    names = ["population", "wave", *columns]
    found = [pd.factorize(kept[c]) for c in names]
    codes = [np.asarray(f[0], dtype=np.int64) for f in found]
    group, first_of_group = cross_classify(codes[:2])
    uses = np.zeros((first_of_group.size, len(columns)), bool)
    raked = np.zeros(first_of_group.size, bool)
    for g, row in enumerate(first_of_group):  # a loop over population x wave groups
        pop, wave = kept["population"].iat[row], kept["wave"].iat[row]
        targets = settings.targets_for(pop, wave if settings.by_wave else None)
        used = {*(targets[1] if targets else ()), settings.base_weight}
        uses[g], raked[g] = [c in used for c in columns], targets is not None
    blank = ~uses[group]  # a column the group's raking does not read
    codes[2:] = [np.where(blank[:, j], -1, c) for j, c in enumerate(codes[2:])]
    counted, differs = ~raked[group], np.zeros(len(kept), np.int64)
    if (rows := np.flatnonzero(raked[group])).size:
        who, first = cross_classify([codes[0][rows], codes[1][rows], _ids(kept, rows)])
        counted[rows[first]] = True
        if first.size < rows.size:  # respondents with several rows
            for j in range(2, len(names)):
                differs[rows] |= _mixed(codes[j][rows], who) << (j - 2)
            source = rows[first[who]]
            for c in codes[2:]:
                c[rows] = c[source]
    cell, first_of_cell = cross_classify([*codes, differs])
    cells = pd.DataFrame({c: np.append(np.asarray(f[1], dtype=object), None)[  # -1: None
        codes[i][first_of_cell]] for i, (c, f) in enumerate(zip(names, found, strict=True))})
    bits = differs[first_of_cell]
    cells[CELL_DIFFERS] = [CELL_SEP.join(c for j, c in enumerate(columns) if b >> j & 1)
                           for b in bits.tolist()]
    return cell, counted, cells


def _ids(kept: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Respondent id codes of ``rows``; a row without an id is a respondent of its own."""
    if "respondent_id" not in kept:
        return np.arange(rows.size)
    ids = pd.factorize(kept["respondent_id"])[0][rows]
    return np.where(ids < 0, ids.max(initial=0) + 1 + np.arange(rows.size), ids)


def _mixed(codes: np.ndarray, who: np.ndarray) -> np.ndarray:
    """1 on the rows of a respondent whose values (blanks aside) differ across their rows."""
    valid = codes >= 0
    low = np.full(int(who.max(initial=-1)) + 1, np.iinfo(np.int64).max)
    high = np.full(low.size, -1)
    np.minimum.at(low, who[valid], codes[valid])
    np.maximum.at(high, who[valid], codes[valid])
    return (high > low)[who].astype(np.int64)


def weighting_cells(study_or_settings: Study | WeightingSettings | None,
                    kept: pd.DataFrame) -> pd.DataFrame:
    """One partition's respondents counted by cell of everything raking reads.

    A cell is a population, wave, value of each target variable of the population (blank
    for a variable of another population's targets), base weight value and the raking
    columns whose values differ across a respondent's rows (``differs``, "" for none);
    ``count`` is its respondents (a respondent with several rows counts once: all rows of a
    respondent must be in the same partition) or, in a group without targets, its rows.
    Tables of several partitions add up (:func:`merge_cells`); raking the sum
    (:func:`weights_from_cells`) gives the weights of :func:`weight_rows` on all the rows.

    ``kept``: scored rows, as :func:`weight_rows` takes them. The table's columns:
    population, wave, the raking columns the rows have (target variables, base weight),
    ``differs`` and ``count``; it has no rows unless the method is ``"rake"``.

    Examples
    --------
    >>> from txscore.study import parse_weighting
    >>> settings, _ = parse_weighting({"targets": {"all": {"region": {"N": 0.5, "S": 0.5}}}})
    >>> rows = pd.DataFrame({"respondent_id": ["a", "a", "b", "c"], "population": "customer",
    ...                      "wave": "W1", "region": ["N", "N", "N", "S"]})
    >>> weighting_cells(settings, rows)
      population wave region differs  count
    0   customer   W1      N              2
    1   customer   W1      S              1
    """
    settings = _settings_of(study_or_settings)
    if settings is None or settings.method != "rake" or kept.empty:
        columns = [] if settings is None else _raking_columns(settings, kept)
        return pd.DataFrame({c: pd.Series(dtype=object) for c in
                             ["population", "wave", *columns, CELL_DIFFERS]}).assign(
            **{CELL_COUNT: pd.Series(dtype="int64")})
    cell, counted, cells = _row_cells(settings, kept)
    count = np.bincount(cell[counted], minlength=len(cells))
    return cells.assign(**{CELL_COUNT: count})[count > 0].reset_index(drop=True)


def merge_cells(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The cell tables of several partitions as one: counts of equal cells added.

    Cells come out in one order whatever the partitions (sorted on the text of their keys),
    so the weights raked from them do not depend on how the rows were split.

    Examples
    --------
    >>> a = pd.DataFrame({"population": ["customer"], "wave": ["W1"], "region": ["N"],
    ...                   "differs": [""], "count": [2]})
    >>> merge_cells([a, a.assign(region="S"), a])["count"].tolist()
    [4, 2]
    """
    if not tables:
        return pd.DataFrame()
    frame = pd.concat(tables, ignore_index=True)
    codes = [_sorted_codes(frame[c]) for c in frame.columns if c != CELL_COUNT]
    cell, first = cross_classify(codes)
    count = np.bincount(cell, weights=frame[CELL_COUNT].to_numpy(dtype="float64"),
                        minlength=first.size)
    order = np.lexsort([c[first] for c in reversed(codes)])  # by the keys' sorted values
    return frame.iloc[first[order]].assign(**{CELL_COUNT: count[order].astype(np.int64)}
                                           ).reset_index(drop=True)


def _sorted_codes(column: pd.Series) -> np.ndarray:
    """Codes of a column's values in their sorted order (by their text if they do not
    sort, e.g. numbers and text mixed); -1 for a blank."""
    try:
        return pd.factorize(column, sort=True)[0]
    except TypeError:
        codes, uniques = pd.factorize(column)
        rank = np.argsort(np.argsort([str(v) for v in uniques], kind="stable"))
        return np.where(codes >= 0, rank[codes], -1)


def weights_from_cells(study: Study, cells: pd.DataFrame, problems: list[Problem]
                       ) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Rake the merged cell table: each cell's weight, and the weighting report.

    The same weights, report (:data:`REPORT_COLUMNS`) and problems as :func:`weight_rows` on
    all the rows, from :func:`merge_cells` of every partition's :func:`weighting_cells`:
    raking a cell of ``count`` identical respondents (:func:`rake` with ``counts``) is raking
    each of them. Groups come in the order of the spec's sources, the order ``weight_rows``
    meets them in the rows :func:`txscore.load` reads. Problems are located at the spec
    table, or the data column, not at file rows (the cells have none); their messages are
    those of ``weight_rows``.

    Parameters
    ----------
    study : Study
    cells : DataFrame
        All the respondents' cells (:func:`merge_cells`).
    problems : list of Problem
        Problems so far, the weighting's appended; none weighted after an error (as
        :func:`weight_rows`).

    Returns
    -------
    cell_weights : DataFrame or None
        The cells' key columns (not ``differs``) and ``cell_weight``, for
        :func:`apply_cell_weights`; None: the rows keep their weights (no raking, a problem).
    report : DataFrame
        The weighting report (empty when nothing is raked).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")  # no [weighting]: nothing to do
    >>> weights_from_cells(study, pd.DataFrame(), [])[0] is None
    True
    """
    settings = study.weighting
    if settings is None or settings.method != "rake" or cells.empty or any(
            p.severity == "error" for p in problems):
        return None, pd.DataFrame()
    spec = study.spec_path.name if study.spec_path else "study"
    where = f"{spec} [weighting]"
    keys = ["population", "wave"] if settings.by_wave else ["population"]
    weights = np.full(len(cells), np.nan)
    found: list[Problem] = []
    order = cells.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    report_parts = []
    for g in _group_order(study, cells.drop_duplicates(keys)[keys]):
        pos = np.flatnonzero(order == g)
        report_parts += _weight_cell_group(cells.iloc[pos], settings, where, "wave" in keys,
                                           weights, pos, found)
    if found:
        problems.extend(found)
        return None, pd.DataFrame()
    return (cells.drop(columns=[CELL_DIFFERS, CELL_COUNT]).assign(**{CELL_WEIGHT: weights})
            .reset_index(drop=True)), _report(report_parts)


def _group_order(study: Study, heads: pd.DataFrame) -> list[int]:
    """The groups (rows of ``heads``) in the order the in-memory rows first have them: the
    spec's sources' order (files are read in it), then any other group by its text."""
    spec = list(dict.fromkeys((s.population, s.wave)[:heads.shape[1]] for s in study.sources))
    place = {key: i for i, key in enumerate(spec)}
    keys = list(heads.itertuples(index=False, name=None))
    return sorted(range(len(keys)), key=lambda g: (place.get(keys[g], len(spec)),
                                                   [str(v) for v in keys[g]]))


def _weight_cell_group(cells: pd.DataFrame, settings: WeightingSettings, where: str,
                       by_wave: bool, out: np.ndarray, pos: np.ndarray,
                       problems: list[Problem]) -> list[pd.DataFrame]:
    """Weights of one population (x wave)'s cells written into ``out[pos]``; its report
    rows (as :func:`_weight_group` on its rows)."""
    pop = cells["population"].iat[0]
    wave = cells["wave"].iat[0] if by_wave else None
    count = cells[CELL_COUNT].to_numpy(dtype="float64")
    found = settings.targets_for(pop, wave)
    if found is None:
        base = (cells[settings.base_weight].to_numpy(dtype="float64")
                if settings.base_weight in cells else np.ones(len(cells)))
        out[pos] = base / ((base * count).sum() / count.sum())
        return [pd.DataFrame([_summary_row(out[pos], pop, wave, count)])]
    group = f"population {pop!r}" + ("" if wave is None else f", wave {wave!r}")
    flagged = cells[CELL_DIFFERS].astype(str).to_numpy()
    flagged = {i: names.split(CELL_SEP) for i, names in enumerate(flagged) if names}
    for column in [*found[1], *filter(None, [settings.base_weight])]:
        if mixed := [i for i, names in flagged.items() if column in names]:
            problems.append(_differs_problem(group, int(count[mixed].sum()), column,
                                             f"data column {column!r}"))
    at = spec_table(where, found[0])
    res = _rake_frame(cells.reset_index(drop=True), settings, at, found[1], group, problems,
                      None, count, stacklevel=4)
    if res is None:
        return []
    out[pos] = res.weights.to_numpy()
    return [_margin_rows(res, pop, wave)]


def apply_cell_weights(study_or_settings: Study | WeightingSettings | None,
                       kept: pd.DataFrame, cell_weights: pd.DataFrame | None) -> pd.DataFrame:
    """A partition's rows with the weight of their cell, as :func:`weight_rows` gives them.

    Each row is looked up (vectorised) in ``cell_weights`` by the cell
    :func:`weighting_cells` counted it in (a respondent's rows by their first row's).
    ``method = "none"`` gives 1; no raking, or ``cell_weights`` None, keeps the rows.

    Raises
    ------
    WeightingError
        A row whose cell is not in ``cell_weights`` (the cells came from other rows).

    Examples
    --------
    >>> from txscore.study import parse_weighting
    >>> settings, _ = parse_weighting({"targets": {"all": {"region": {"N": 0.5, "S": 0.5}}}})
    >>> rows = pd.DataFrame({"respondent_id": ["a", "a", "b", "c"], "population": "customer",
    ...                      "wave": "W1", "region": ["N", "N", "N", "S"]})
    >>> weights = pd.DataFrame({"population": "customer", "wave": "W1", "region": ["N", "S"],
    ...                         "cell_weight": [0.75, 1.5]})  # 3 people: N 1.5 / 2, S 1.5
    >>> apply_cell_weights(settings, rows, weights)["weight"].tolist()
    [0.75, 0.75, 0.75, 1.5]
    """
    settings = _settings_of(study_or_settings)
    if settings is not None and settings.method == "none":
        return kept.assign(weight=1.0)
    if settings is None or settings.method != "rake" or cell_weights is None or kept.empty:
        return kept
    cell, _, cells = _row_cells(settings, kept)
    keys = cells.drop(columns=CELL_DIFFERS)  # the partition's cells: few rows
    columns, m = list(keys.columns), len(cell_weights)
    joint = (pd.concat([cell_weights[columns], keys], ignore_index=True)
             .groupby(columns, dropna=False, sort=False).ngroup().to_numpy())
    lookup = np.full(int(joint.max()) + 1, np.nan)
    known = np.zeros(lookup.size, bool)
    lookup[joint[:m]] = cell_weights[CELL_WEIGHT].to_numpy(dtype="float64")
    known[joint[:m]] = True
    if not known[joint[m:]][cell].all():
        lost = kept[~known[joint[m:]][cell]]
        raise WeightingError("Some rows have no cell weight.", [Problem(
            f"{len(lost)} row(s) are in no cell of the weights (first: population "
            f"{lost['population'].iat[0]!r}, wave {lost['wave'].iat[0]!r})",
            "apply_cell_weights()", "give the cell weights raked from these rows' cells")])
    return kept.assign(weight=lookup[joint[m:]][cell])
