"""Item statistics, answer distributions and NPS, from weighted answer counts per cell.

Method (docs/methodology.md, "Scales and item scores" and "Uncertainty and significance"):
per item and cell, n, the Kish effective base, the weighted mean and its score100 with the
linearised (Taylor) standard error and a normal interval, the top box with its Wilson
interval on n_eff, the bottom box, the net score (adjusted Wald on 0-10 scales); NPS = %
promoters (9-10) - % detractors (0-6) with the adjusted-Wald interval (Rocks 2016).  Every
number derives from the respondents, sum of weights and of squared weights per item, cell
and answer code (:func:`txscore.scoring.engine.item_counts`), which both scoring paths
accumulate (:class:`txscore.scoring.sums.CellSums`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from txscore.responses import Responses
from txscore.scoring.clusters import cluster_deff
from txscore.scoring.engine import Cells, cell_flags, with_totals
from txscore.scoring.sums import CellSums, StudySums
from txscore.stats.inference import (
    kish_n_eff,
    net_interval,
    net_variance,
    suppress,
    wilson,
    z_value,
)
from txscore.study import Scale, Study
from txscore.study.vocabulary import MEASURE_LABELS, NPS_DETRACTORS, NPS_PROMOTERS

__all__ = ["item_statistics", "items_from_counts", "nps_from_counts", "nps_missing", "nps_table"]


def item_statistics(responses: Responses, *,
                    by: Sequence[str] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per item and cell: n, n_eff, mean, score100, top box, net, with analytic intervals.

    Parameters
    ----------
    responses : Responses
        From :func:`txscore.load`.
    by : sequence of str
        Segment columns to cut the cells by (in addition to wave and brand).

    Returns
    -------
    items : DataFrame
        One row per population x cell x item, with its ``flag``.
    distributions : DataFrame
        One row per population x cell x item x code: weighted share of each answer.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> items, dists = item_statistics(responses)
    >>> row = items.query("item == 'eff_1' and brand == 'All brands' and wave == '2026 Q1'")
    >>> int(row["n"].iloc[0]) == int(responses.data.query(
    ...     "wave == '2026 Q1' and population == 'customer'")["eff_1"].notna().sum())
    True
    """
    acc = CellSums(responses.study, tuple(by))
    acc.add(responses.data)
    return items_from_counts(acc.collect())


def items_from_counts(sums: StudySums) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The items and distributions tables from the per-cell answer counts.

    Numbers are computed item by item (arrays over cells); each table is built once.
    """
    study, cells = sums.study, sums.cells
    z = z_value(study.report.confidence)
    n_cells = len(cells.keys)
    parts: list[dict[str, np.ndarray]] = []
    dist_parts: list[dict[str, np.ndarray]] = []
    for pop, ps in sums.populations.items():
        for j, col in enumerate(ps.layout.items):
            item = study.items[col]
            scale = study.scales[item.scale]
            k_count = scale.points
            n_k, w_k, w2_k = (with_totals(ps.counts[j, :, :k_count, m], cells)
                              for m in range(3))
            deff = _totals_deff(ps.multi_items[:, j], scale, n_k, w_k, w2_k, cells)
            cols = _item_columns(scale, n_k, w_k, w2_k, z, study, deff)
            parts.append({"_cell": np.arange(n_cells), "population": np.full(n_cells, pop),
                          "item": np.full(n_cells, col),
                          "construct": np.full(n_cells, item.construct),
                          "text": np.full(n_cells, item.text),
                          "reversed": np.full(n_cells, item.reversed), **cols})
            sw = w_k.sum(1, keepdims=True)
            codes = np.arange(scale.min, scale.max + 1)
            labels = np.array([scale.labels.get(code, str(code)) for code in codes], object)
            dist_parts.append({
                "_cell": np.repeat(np.arange(n_cells), k_count),
                "population": np.full(n_cells * k_count, pop),
                "item": np.full(n_cells * k_count, col), "code": np.tile(codes, n_cells),
                "label": np.tile(labels, n_cells), "count": n_k.ravel().astype(float),
                "share": (w_k / np.where(sw > 0, sw, np.nan)).ravel(),
                "flag": np.repeat(cols["flag"], k_count)})
    keys = tuple(cells.keys.columns)
    return (suppress(_frame(parts, cells), keep=keys),
            suppress(_frame(dist_parts, cells), keep=keys))


def _frame(parts: list[dict[str, np.ndarray]], cells: Cells) -> pd.DataFrame:
    """One table from column arrays: population, the cell keys, then the other columns."""
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    keys = cells.keys.iloc[cols.pop("_cell")].reset_index(drop=True)
    keys.insert(0, "population", cols.pop("population"))
    return pd.concat([keys, pd.DataFrame(cols)], axis=1)


def _moments(scale: Scale, w_k: np.ndarray, w2_k: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per cell: sum of weights, weighted mean code, sum w^2 (x - mean)^2."""
    codes = np.arange(scale.min, scale.max + 1, dtype=float)
    sw = w_k.sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (w_k / sw[:, None] * codes).sum(1)  # shares first: one answer is exact
        ss = (w2_k * (codes[None, :] - mean[:, None]) ** 2).sum(1)
    return sw, mean, ss


def _totals_deff(extra: np.ndarray, scale: Scale, n_k: np.ndarray, w_k: np.ndarray,
                 w2_k: np.ndarray, cells: Cells) -> np.ndarray:
    """Per cell, the cluster design effect of the item's mean: 1 in the brand cells (one
    row per respondent), :func:`txscore.scoring.clusters.cluster_deff` in the totals."""
    deff = np.ones(len(n_k))
    tot = slice(cells.n_brand_cells, None)
    if len(extra) and np.any(extra[:, 6]):
        _, mean, ss = _moments(scale, w_k[tot], w2_k[tot])
        deff[tot] = cluster_deff(extra, mean, ss, n_k[tot].sum(1))
    return deff


def _item_columns(scale: Scale, n_k: np.ndarray, w_k: np.ndarray, w2_k: np.ndarray, z: float,
                  study: Study, deff: np.ndarray) -> dict[str, np.ndarray]:
    """Per cell: n, n_eff, mean, score100 (linearised se and interval), top box (Wilson),
    bottom box, net (its interval; adjusted Wald on 0-10 scales), flag. ``deff``: the cluster
    design effect of each cell's mean, applied to its variances (the shares' intervals use
    ``n_eff / deff``)."""
    codes = np.arange(scale.min, scale.max + 1, dtype=float)
    n = n_k.sum(1)
    n_eff = kish_n_eff(w_k.sum(1), w2_k.sum(1))
    sw, mean, ss = _moments(scale, w_k, w2_k)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = w_k / sw[:, None]
        se = np.sqrt(n / (n - 1) * ss / sw**2 * deff)
        n_eff_ci = n_eff / deff
    span = scale.max - scale.min
    top_i = np.isin(codes, scale.top_box)
    bot_i = np.isin(codes, scale.bottom_box)
    top, bottom = p[:, top_i].sum(1), p[:, bot_i].sum(1)
    tlo, thi = wilson(top, n_eff_ci, z)
    nlo, nhi = net_interval(top, bottom, n_eff_ci, z, adjusted_wald=scale.points == 11)
    s100 = 100 * (mean - scale.min) / span
    return {"n": n.astype(int), "n_eff": n_eff, "mean": mean, "score100": s100,
            "se": 100 * se / span, "ci_low": np.clip(s100 - z * 100 * se / span, 0, 100),
            "ci_high": np.clip(s100 + z * 100 * se / span, 0, 100),
            "top_box": 100 * top, "top_box_ci_low": 100 * tlo, "top_box_ci_high": 100 * thi,
            "bottom_box": 100 * bottom, "net": 100 * (top - bottom), "net_ci_low": nlo,
            "net_ci_high": nhi, "deff_cluster": deff, "flag": cell_flags(n_eff, study)}


def nps_table(responses: Responses, *, by: Sequence[str] = ()) -> pd.DataFrame:
    """The NPS index per population and cell: % promoters (9-10) - % detractors (0-6).

    Rows in the layout of :attr:`Result.scores` (``measure = "nps"``, level ``"nps"``, range
    -100..100, no band), with the adjusted-Wald interval on the effective base (Rocks 2016)
    and ``se`` from the net-score variance.  Empty when the spec sets no ``nps_item``.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))  # nps_item = "recommend"
    >>> nps = nps_table(responses)
    >>> nps.loc[nps["brand"] == "All brands", ["wave", "value", "ci_low", "ci_high"]].round(1)
           wave  value  ci_low  ci_high
    12  2026 Q1   10.6     7.5     13.7
    13  2026 Q2    5.4     2.4      8.3
    """
    acc = CellSums(responses.study, tuple(by))
    acc.add(responses.data)
    return nps_from_counts(acc.collect())


def nps_from_counts(sums: StudySums) -> pd.DataFrame:
    """NPS rows from the nps item's answer counts per population and cell."""
    study, cells = sums.study, sums.cells
    col = study.index.nps_item
    if col is None:
        return pd.DataFrame()
    scale = study.scales[study.items[col].scale]
    codes = np.arange(scale.min, scale.max + 1)
    z = z_value(study.report.confidence)
    frames = []
    for pop, ps in sums.populations.items():
        if col not in ps.layout.items:
            continue
        j = ps.layout.items.index(col)
        c = ps.counts[j]
        n_k, w_k, w2_k = (c[:, :scale.points, m] for m in range(3))
        if not n_k.sum():
            continue
        deff = _totals_deff(ps.multi_items[:, j], scale, *(with_totals(a, cells)
                                                            for a in (n_k, w_k, w2_k)), cells)
        sums_k = np.column_stack([n_k.sum(1), w_k.sum(1), w2_k.sum(1),
                                  w_k[:, np.isin(codes, NPS_PROMOTERS)].sum(1),
                                  w_k[:, np.isin(codes, NPS_DETRACTORS)].sum(1)])
        n, sw, sw2, sp, sd = with_totals(sums_k, cells).T
        n_eff = kish_n_eff(sw, sw2)
        with np.errstate(invalid="ignore", divide="ignore"):
            top, bottom = sp / sw, sd / sw
        lo, hi = net_interval(top, bottom, n_eff / deff, z, adjusted_wald=True)
        f = cells.keys.copy()
        f.insert(0, "measure", "nps")
        f.insert(1, "population", pop)
        frames.append(f.assign(
            label=MEASURE_LABELS["nps"], level="nps", value=100 * (top - bottom), ci_low=lo,
            ci_high=hi, se=np.sqrt(net_variance(top, bottom, n_eff / deff)), n=n.astype(int),
            n_eff=n_eff, flag=cell_flags(n_eff, study), band=""))
    if not frames:
        return pd.DataFrame()
    return suppress(pd.concat(frames, ignore_index=True), keep=tuple(cells.keys.columns),
                    text=("band",))


def nps_missing(sums: StudySums, nps: pd.DataFrame) -> str | None:
    """Why the NPS index is not computed (a code of
    :data:`txscore.scoring.composites.NOT_COMPUTED`), or None when ``nps`` has rows.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml").with_settings(
    ...     nps_item=None))
    >>> acc = CellSums(responses.study)
    >>> acc.add(responses.data)
    >>> nps_missing(acc.collect(), pd.DataFrame())
    'no_nps_item'
    """
    study = sums.study
    col = study.index.nps_item
    if not nps.empty:
        return None
    if col is None or col not in study.items:
        return "no_nps_item"
    cons = study.constructs.get(study.items[col].construct)
    asked = cons.populations if cons is not None else ()
    sourced = {s.population for s in study.sources}
    if asked and not sourced & set(asked):  # no source of any population asked it
        return f"no_{asked[0]}_source"
    return "no_scored_rows"
