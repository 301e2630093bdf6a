"""The engine's vocabulary: cells, the layout of a population's items, per-respondent features.

A *cell* is one brand x wave (x segment) group of respondents; the all-brands totals are
cells too, whose sums are the sums of their brand cells (:func:`with_totals`: a bootstrap
stratified by brand).  A population's :class:`Layout` says what its respondents contribute
to the per-cell sums (:mod:`txscore.scoring.sums`):

- per item and answer code, the respondents, sum of weights and of squared weights
  (:func:`item_counts`): items, distributions and NPS derive from them
  (:mod:`txscore.scoring.items`);
- per respondent, the composite *features* (:func:`features`): ``w * [s100 | answered]``
  per item, ``w * [top box | bottom box]`` per item of a CX quality dimension, and the
  cross-products ``w * complete * [1, v, v_i v_j]`` of each loyalty or preference
  regression.  Their sums per cell give every composite (:mod:`txscore.scoring.composites`),
  their cross-products the normal-sum bootstrap.

Method: docs/methodology.md, "Scales and item scores" and "Uncertainty and significance".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from txscore.stats.inference import base_flag
from txscore.study import Study
from txscore.study.vocabulary import TOTAL

__all__ = ["Cells", "Layout", "cell_flags", "cell_order", "cells_from_keys", "complete_count",
           "distinct_keys", "features", "item_codes", "item_counts", "population_layout",
           "population_rows", "with_totals"]


# ---------------------------------------------------------------------- cells
@dataclass(frozen=True)
class Cells:
    """The cells of a study's tables, in report order.

    Attributes
    ----------
    keys : DataFrame
        One row per cell: ``wave``, ``brand``, then the segment columns; the brand cells in
        report order (study wave order, then the other keys as text), then the all-brands
        totals (``brand == TOTAL``).
    n_brand_cells : int
        How many of the rows are brand cells.
    to_total : ndarray of shape (n_totals, n_brand_cells)
        1.0 where a brand cell belongs to a total.
    """

    keys: pd.DataFrame
    n_brand_cells: int
    to_total: np.ndarray


def cell_order(keys: pd.DataFrame, study: Study) -> np.ndarray:
    """Positions of distinct (wave, brand, *by) rows in report order.

    Study wave order first, then the other keys compared as text.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> keys = pd.DataFrame({"wave": ["2026 Q2", "2026 Q1", "2026 Q1"], "brand": ["B", "B", "A"]})
    >>> cell_order(keys, study).tolist()
    [2, 1, 0]
    """
    names = list(keys.columns)
    wave_rank = {w: i for i, w in enumerate(study.waves)}
    ranked = keys.reset_index(drop=True).assign(_w=keys["wave"].map(wave_rank).to_numpy())
    ranked = ranked.sort_values(["_w", *names[1:]],
                                key=lambda s: s if s.name == "_w" else s.astype(str))
    return ranked.index.to_numpy()


def cells_from_keys(keys: pd.DataFrame, study: Study, by: Sequence[str]) -> Cells:
    """The cells (brand cells in report order, then the all-brands totals) of distinct keys.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> keys = pd.DataFrame({"wave": ["2026 Q1", "2026 Q1"], "brand": ["B", "A"]})
    >>> cells_from_keys(keys, study, []).keys["brand"].tolist()
    ['A', 'B', 'All brands']
    """
    names = ["wave", "brand", *by]
    uniq = keys[names].astype(object).reset_index(drop=True)
    uniq = uniq.iloc[cell_order(uniq, study)].reset_index(drop=True)
    tot_keys = uniq.drop(columns="brand").drop_duplicates().reset_index(drop=True)
    tot_index = uniq.drop(columns="brand").merge(
        tot_keys.assign(_t=np.arange(len(tot_keys))), on=["wave", *by], how="left")["_t"]
    to_total = np.zeros((len(tot_keys), len(uniq)))
    to_total[tot_index.to_numpy(int), np.arange(len(uniq))] = 1.0
    totals = tot_keys.assign(brand=TOTAL)[names]
    return Cells(pd.concat([uniq, totals], ignore_index=True), len(uniq), to_total)


def distinct_keys(data: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct rows of ``data[keys]`` (first occurrences) and each row's position among them.

    Factorises each key column (fast on strings and categoricals) instead of hashing rows of
    Python objects; missing values form their own level.

    Examples
    --------
    >>> data = pd.DataFrame({"wave": ["Q1", "Q1", "Q2"], "brand": ["A", "A", "B"]})
    >>> uniq, inverse = distinct_keys(data, ["wave", "brand"])
    >>> len(uniq), inverse.tolist()
    (2, [0, 0, 1])
    """
    codes, sizes = [], []
    for k in keys:
        c, u = pd.factorize(data[k], use_na_sentinel=False)
        codes.append(c.astype(np.int64))
        sizes.append(max(len(u), 1))
    combined = np.ravel_multi_index(codes, sizes) if codes and len(data) else np.zeros(
        len(data), np.int64)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    return data[keys].iloc[first].reset_index(drop=True), inverse.ravel()


def with_totals(arr: np.ndarray, cells: Cells) -> np.ndarray:
    """Append the total cells (sums over brands) along the cell axis (axis -2).

    Examples
    --------
    >>> cells = Cells(pd.DataFrame(), 2, np.array([[1.0, 1.0]]))
    >>> with_totals(np.array([[1.0, 2.0], [3.0, 4.0]]), cells).tolist()
    [[1.0, 2.0], [3.0, 4.0], [4.0, 6.0]]
    """
    lead, (n_cells, width) = arr.shape[:-2], arr.shape[-2:]
    flat = np.moveaxis(arr, -2, 0).reshape(n_cells, -1)  # one matrix product, not one a row
    tot = np.moveaxis((cells.to_total @ flat).reshape(-1, *lead, width), 0, -2)
    return np.concatenate([arr, tot], axis=-2)


def cell_flags(n_eff: np.ndarray, study: Study) -> np.ndarray:
    """The flag of each cell under the study's ``[report]`` base thresholds.

    :func:`txscore.stats.inference.base_flag` decides; this only reads the thresholds.

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")  # 30, 50, 100
    >>> cell_flags(np.array([10.0, 75.0, 400.0]), study).tolist()
    ['suppressed', 'caution', 'ok']
    """
    r = study.report
    return base_flag(n_eff, suppress_below=r.suppress_below, low_base_below=r.low_base_below,
                     caution_below=r.caution_below)


# ---------------------------------------------------------------------- layout and features
@dataclass(frozen=True)
class Layout:
    """What one population's respondents contribute to the per-cell sums.

    Per respondent, the composite *features* are ``w * [s100 | answered]`` for each of the
    I items (0 when unanswered), ``w * [top box | bottom box]`` for the J items of the CX
    quality dimensions (their nets make the classic-net CX), then for each loyalty or
    preference regression the cross-products ``w * complete * [1, v, v_i v_j]``.  Their
    sums per cell give every composite; their cross-products give the normal-sum bootstrap
    (whose cost grows with F^2: hence no box features for items no composite nets).
    """

    population: str
    items: tuple[str, ...]
    lo: np.ndarray  # (I,) scale minimum
    span: np.ndarray  # (I,) scale maximum - minimum
    points: np.ndarray  # (I,) number of codes
    top: np.ndarray  # (I, K + 1) 1.0 where code - min is a top-box code; column K: missing
    bottom: np.ndarray  # (I, K + 1)
    net: np.ndarray  # (J,) positions among the items of those with box features
    reg: dict[str, tuple[np.ndarray, np.ndarray]]  # name -> driver (I, p), outcome (I,) masks
    complete: np.ndarray  # (I, c) constructs every respondent must answer for the CX weights

    @property
    def kmax(self) -> int:
        """The most codes of any item (the column of an unanswered item)."""
        return self.top.shape[1] - 1

    @property
    def boxes(self) -> int:
        """Columns of the item features: s100 and answered per item, boxes per CX item."""
        return 2 * len(self.items) + 2 * len(self.net)

    @property
    def reg_slices(self) -> dict[str, slice]:
        """The feature columns of each regression's cross-products."""
        out, start = {}, self.boxes
        for key, (drivers, _) in self.reg.items():
            p = drivers.shape[1] + 1
            width = 1 + p + p * (p + 1) // 2
            out[key] = slice(start, start + width)
            start += width
        return out

    @property
    def width(self) -> int:
        """F, the number of features."""
        return max([self.boxes] + [s.stop for s in self.reg_slices.values()])


def _member(study: Study, items: Sequence[str], constructs: Sequence[str]) -> np.ndarray:
    """(I, c) indicator: item i belongs to construct j."""
    return np.array([[study.items[c].construct == name for name in constructs] for c in items],
                    dtype=float).reshape(len(items), len(constructs))


def population_layout(study: Study, pop: str, items: Sequence[str] | None = None) -> Layout:
    """The layout of a population's items (or of some of them: then no regressions).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> lay = population_layout(study, "customer")
    >>> lay.items[:2], sorted(lay.reg)
    (('eff_1', 'eff_2'), ['cx'])
    """
    asked = study.items_for(pop)
    subset = items is not None
    items = tuple(asked if items is None else [c for c in items if c in asked])
    scales = [study.scales[study.items[c].scale] for c in items]
    points = np.array([s.max - s.min + 1 for s in scales], dtype=int)
    kmax = int(points.max()) if len(points) else 1
    top, bottom = np.zeros((len(items), kmax + 1)), np.zeros((len(items), kmax + 1))
    for i, s in enumerate(scales):
        top[i, [c - s.min for c in s.top_box if s.min <= c <= s.max]] = 1.0
        bottom[i, [c - s.min for c in s.bottom_box if s.min <= c <= s.max]] = 1.0
    cx_dims = [c.name for c in study.constructs_with_role("cx_quality")]
    loyalty = [c.name for c in study.constructs_with_role("loyalty")]
    pillars = [c.name for c in study.constructs_with_role("bx_pillar")]
    preference = [c.name for c in study.constructs_with_role("preference")]
    reg = {}
    if subset:
        cx_dims = loyalty = pillars = []
    if pop == "customer" and cx_dims and loyalty:
        reg["cx"] = (_member(study, items, cx_dims), _member(study, items, loyalty).sum(1))
    if pillars and preference and study.index.bx_method == "preference_weighted":
        reg["bx"] = (_member(study, items, pillars), _member(study, items, preference).sum(1))
    complete = _member(study, items, cx_dims + loyalty) if pop == "customer" else np.zeros(
        (len(items), 0))
    net = np.flatnonzero(_member(study, items, cx_dims).sum(1)) if pop == "customer" else (
        np.zeros(0, int))
    return Layout(pop, items, np.array([s.min for s in scales], dtype=float),
                  np.array([s.max - s.min for s in scales], dtype=float), points, top, bottom,
                  net, reg, complete)


def population_rows(data: pd.DataFrame, row_cell: np.ndarray, pop: str) -> np.ndarray:
    """Positions of one population's rows, grouped by cell (stable within a cell).

    Examples
    --------
    >>> data = pd.DataFrame({"population": ["customer", "non_customer", "customer"]})
    >>> population_rows(data, np.array([1, 0, 0]), "customer").tolist()
    [2, 0]
    """
    rows = np.flatnonzero((data["population"] == pop).to_numpy(dtype=bool, na_value=False))
    return rows[np.argsort(row_cell[rows], kind="stable")]


def item_codes(data: pd.DataFrame, layout: Layout, rows: np.ndarray) -> np.ndarray:
    """(n, I) item codes of some rows as floats, NaN when unanswered.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> lay = population_layout(responses.study, "customer")
    >>> item_codes(responses.data, lay, np.array([0, 1])).shape == (2, len(lay.items))
    True
    """
    x = np.empty((len(rows), len(layout.items)), order="F")  # column by column: contiguous
    for j, col in enumerate(layout.items):
        x[:, j] = data[col].to_numpy(dtype=float, na_value=np.nan)[rows]
    return x


def _code_index(x: np.ndarray, lay: Layout, cols: np.ndarray | None = None) -> np.ndarray:
    """(n, I) code - scale minimum, with ``lay.kmax`` for an unanswered item (``cols``: the
    layout's items that are the columns of x, default all)."""
    cols = np.arange(len(lay.items)) if cols is None else cols
    lo, points = lay.lo[cols], lay.points[cols]
    with np.errstate(invalid="ignore"):
        valid = (x >= lo) & (x <= lo + points - 1)
    return np.where(valid, x - lo, lay.kmax).astype(np.intp)


def item_counts(x: np.ndarray, w: np.ndarray, g: np.ndarray, n_cells: int,
                layout: Layout) -> np.ndarray:
    """(I, n_cells, K + 1, 3) respondents, sum of weights and of squared weights per item,
    cell and code (the last code column counts the unanswered).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> lay = population_layout(study, "customer", ["eff_1"])  # a 7-point item
    >>> c = item_counts(np.array([[7.0], [7.0], [np.nan]]), np.array([1.0, 2.0, 1.0]),
    ...                 np.array([0, 0, 0]), 1, lay)
    >>> c[0, 0, 6].tolist(), c[0, 0, 7].tolist()  # code 7: 2 answers, sum w 3, sum w^2 5
    ([2.0, 3.0, 5.0], [1.0, 1.0, 1.0])
    """
    k1 = layout.kmax + 1
    out = np.empty((len(layout.items), n_cells, k1, 3))
    base = g.astype(np.intp) * k1
    for j in range(len(layout.items)):  # a loop over items, not respondents
        flat = base + _code_index(x[:, j:j + 1], layout, np.array([j]))[:, 0]
        for m, wt in enumerate((None, w, w * w)):
            out[j, :, :, m] = np.bincount(flat, weights=wt, minlength=n_cells * k1).reshape(
                n_cells, k1)
    return out


def features(x: np.ndarray, w: np.ndarray, layout: Layout) -> np.ndarray:
    """(n, F) composite features of some respondents (see :class:`Layout`).

    Examples
    --------
    >>> import txscore as tx
    >>> study = tx.read_study("surveys/sample/study.toml")
    >>> lay = population_layout(study, "customer", ["eff_1"])  # 1..7: s100 = 100 (x - 1) / 6
    >>> features(np.array([[7.0], [np.nan]]), np.array([2.0, 1.0]), lay).tolist()
    [[200.0, 2.0], [0.0, 0.0]]
    """
    n, n_items = x.shape
    ok = ~np.isnan(x)
    okf = ok.astype(float)
    with np.errstate(invalid="ignore"):
        s100 = np.where(ok, 100 * (x - layout.lo) / layout.span, 0.0)
    out = np.empty((n, layout.width))
    wc = w[:, None]
    np.multiply(wc, s100, out=out[:, :n_items])
    np.multiply(wc, okf, out=out[:, n_items:2 * n_items])
    if len(layout.net):
        net = layout.net
        idx = _code_index(x[:, net], layout, net)
        j, start = len(net), 2 * n_items
        np.multiply(wc, layout.top[net, idx], out=out[:, start:start + j])
        np.multiply(wc, layout.bottom[net, idx], out=out[:, start + j:start + 2 * j])
    slices = layout.reg_slices
    for key, (drivers, outcome) in layout.reg.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = (s100 @ drivers) / (okf @ drivers)  # mean of the answered items
            y = (s100 @ outcome) / (okf @ outcome)
        out[:, slices[key]] = _regression_features(scores, y, w)
    return out


def _regression_features(scores: np.ndarray, outcome: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per respondent: w * complete * [1, v, v_i v_j (i <= j)] for v = (drivers, outcome)."""
    v = np.column_stack([scores, outcome])
    complete = ~np.isnan(v).any(axis=1)
    v = np.where(complete[:, None], v, 0.0)
    iu = np.triu_indices(v.shape[1])
    cross = v[:, iu[0]] * v[:, iu[1]]
    return (w * complete)[:, None] * np.column_stack([np.ones(len(v)), v, cross])


def complete_count(x: np.ndarray, layout: Layout) -> int:
    """Respondents who answered at least one item of every CX dimension and loyalty
    construct (the base of ``min_customers_for_weights``).

    Examples
    --------
    >>> import txscore as tx
    >>> lay = population_layout(tx.read_study("surveys/sample/study.toml"), "customer")
    >>> complete_count(np.full((3, len(lay.items)), 4.0), lay)
    3
    """
    if not layout.complete.shape[1]:
        return 0
    ok = np.ones(len(x), dtype=bool)
    for member in layout.complete.T.astype(bool):  # a loop over constructs
        ok &= ~np.isnan(x[:, member]).all(axis=1) if member.any() else False
    return int(ok.sum())
