"""Scores: item statistics, construct scores, CX / BX / TX indices, changes, growth grid.

Method (methodology.md): an item's ``score100`` is ``100 (weighted mean - min) / (max -
min)``; top box and net from its scale's boxes; a dimension or pillar is the mean of its
items' score100.  CX = sum_q w_q S_q over the quality dimensions (``loyalty_weighted``:
Johnson's relative weights of the dimensions on the loyalty composite, estimated once on
all customers pooled; ``equal``: 1/3), ``classic_net`` is the mean of the dimensions' net
scores.  BX = mean of the pillars (or preference-weighted), computed separately for
customers and non-customers.  C = lambda CX + (1 - lambda) BX_customers, N =
BX_non_customers, TX = share_nc N + (1 - share_nc) C.

Engine: every statistic derives from per-cell *sums* (sum w x, sum w over answered items,
sum w over top and bottom boxes, and the cross-products the loyalty regression needs),
and items and NPS from weighted answer counts per code, so the same derivations serve the
in-memory path and chunked scoring (:mod:`txscore.scoring.chunked`).  The point estimate uses each
respondent once; bootstrap replicate ``r`` resamples respondents within population x cell:
in a cell of at most ``[report] bootstrap_exact_max`` respondents by multinomial counts
(replicate sums = ``counts @ features``), in a larger cell by drawing the replicate sums
from the normal law with exactly the mean and covariance of the multinomial resample sums
(n times the mean and population covariance of the feature rows), which costs O(F^2) per
replicate whatever the cell size.  Every composite (CX with re-estimated weights, C, TX,
changes, peer gaps) is then computed on all replicates at once.  Totals ("All brands") add
the brand cells' sums, i.e. a bootstrap stratified by brand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from txscore.responses import Responses
from txscore.stats.inference import (
    base_flag,
    benjamini_hochberg,
    kish_n_eff,
    net_interval,
    net_variance,
    normal_p,
    normal_resample_sums,
    percentile_interval,
    wilson,
    worst_flag,
    z_value,
)
from txscore.study import Study
from txscore.study.vocabulary import (
    INDEX_MEASURES,
    MEASURE_LABELS,
    NPS_DETRACTORS,
    NPS_PROMOTERS,
    POPULATIONS,
    TOTAL,
)

if TYPE_CHECKING:
    from txscore.result import Result




@dataclass(frozen=True)
class _Cells:
    keys: pd.DataFrame  # one row per cell: wave, brand, *by (brand cells then totals)
    row_cell: np.ndarray  # per data row: its brand cell
    n_brand_cells: int
    to_total: np.ndarray  # (n_totals, n_brand_cells) indicator


def _cell_order(uniq: pd.DataFrame, study: Study) -> np.ndarray:
    """Positions of distinct (wave, brand, *by) rows in report order: study wave order, then
    the other keys as text."""
    keys = list(uniq.columns)
    wave_rank = {w: i for i, w in enumerate(study.waves)}
    ranked = uniq.reset_index(drop=True).assign(_w=uniq["wave"].map(wave_rank).to_numpy())
    ranked = ranked.sort_values(["_w", *keys[1:]],
                                key=lambda s: s if s.name == "_w" else s.astype(str))
    return ranked.index.to_numpy()


def _cells_from_keys(uniq: pd.DataFrame, study: Study, by: Sequence[str]) -> _Cells:
    """Cells (brand cells in report order, then the all-brands totals) from distinct keys."""
    keys = ["wave", "brand", *by]
    uniq = uniq[keys].astype(object).reset_index(drop=True)
    uniq = uniq.iloc[_cell_order(uniq, study)].reset_index(drop=True)
    tot_keys = uniq.drop(columns="brand").drop_duplicates().reset_index(drop=True)
    tot_index = uniq.drop(columns="brand").merge(
        tot_keys.assign(_t=np.arange(len(tot_keys))), on=["wave", *by], how="left")["_t"]
    to_total = np.zeros((len(tot_keys), len(uniq)))
    to_total[tot_index.to_numpy(int), np.arange(len(uniq))] = 1.0
    totals = tot_keys.assign(brand=TOTAL)[keys]
    return _Cells(pd.concat([uniq, totals], ignore_index=True), np.zeros(0, np.intp),
                  len(uniq), to_total)


def _distinct_keys(data: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Distinct rows of ``data[keys]`` (first occurrences) and each row's position among them.

    Factorises each key column (fast on strings and categoricals) instead of hashing rows of
    Python objects; missing values form their own level.
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


def _cells(data: pd.DataFrame, study: Study, by: Sequence[str]) -> _Cells:
    keys = ["wave", "brand", *by]
    uniq, inverse = _distinct_keys(data, keys)
    order = _cell_order(uniq[keys].astype(object), study)
    rank = np.empty(len(order), np.intp)
    rank[order] = np.arange(len(order))
    cells = _cells_from_keys(uniq, study, by)
    return _Cells(cells.keys, rank[inverse], cells.n_brand_cells, cells.to_total)


def _with_totals(arr: np.ndarray, cells: _Cells) -> np.ndarray:
    """Append total cells (sums over brands) along the cell axis (axis -2)."""
    lead, (n_cells, width) = arr.shape[:-2], arr.shape[-2:]
    flat = np.moveaxis(arr, -2, 0).reshape(n_cells, -1)  # one matrix product, not one a row
    tot = np.moveaxis((cells.to_total @ flat).reshape(-1, *lead, width), 0, -2)
    return np.concatenate([arr, tot], axis=-2)


def _flags(n_eff: np.ndarray, study: Study) -> np.ndarray:
    r = study.report
    return base_flag(n_eff, suppress_below=r.suppress_below, low_base_below=r.low_base_below,
                     caution_below=r.caution_below)


# ---------------------------------------------------------------------- the engine
@dataclass(frozen=True)
class _Layout:
    """What one population's respondents contribute to the per-cell sums.

    Per respondent, the composite *features* are ``w * [s100 | answered]`` for each of the
    I items (0 when unanswered), ``w * [top box | bottom box]`` for the J items of the CX
    quality dimensions (their nets make the classic-net CX), then for each loyalty or
    preference regression the cross-products ``w * complete * [1, v, v_i v_j]``
    (:func:`_regression_features`).  Their sums per cell give every composite; their
    cross-products give the normal-sum bootstrap (whose cost grows with F^2: hence no box
    features for items no composite nets).
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
        return self.top.shape[1] - 1

    @property
    def boxes(self) -> int:
        """Columns of the item features: s100 and answered per item, boxes per CX item."""
        return 2 * len(self.items) + 2 * len(self.net)

    @property
    def reg_slices(self) -> dict[str, slice]:
        out, start = {}, self.boxes
        for key, (drivers, _) in self.reg.items():
            p = drivers.shape[1] + 1
            width = 1 + p + p * (p + 1) // 2
            out[key] = slice(start, start + width)
            start += width
        return out

    @property
    def width(self) -> int:
        return max([self.boxes] + [s.stop for s in self.reg_slices.values()])


def _member(study: Study, items: Sequence[str], constructs: Sequence[str]) -> np.ndarray:
    """(I, c) indicator: item i belongs to construct j."""
    return np.array([[study.items[c].construct == name for name in constructs] for c in items],
                    dtype=float).reshape(len(items), len(constructs))


def _layout(study: Study, pop: str, items: Sequence[str] | None = None) -> _Layout:
    """The layout of a population's items (or of some of them: then no regressions)."""
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
    return _Layout(pop, items, np.array([s.min for s in scales], dtype=float),
                   np.array([s.max - s.min for s in scales], dtype=float), points, top, bottom,
                   net, reg, complete)


def _pop_rows(data: pd.DataFrame, row_cell: np.ndarray, pop: str) -> np.ndarray:
    """Positions of one population's rows, grouped by cell (stable within a cell)."""
    rows = np.flatnonzero((data["population"] == pop).to_numpy(dtype=bool, na_value=False))
    return rows[np.argsort(row_cell[rows], kind="stable")]


def _codes(data: pd.DataFrame, lay: _Layout, rows: np.ndarray) -> np.ndarray:
    """(n, I) item codes of some rows as floats, NaN when unanswered."""
    x = np.empty((len(rows), len(lay.items)), order="F")  # column by column: contiguous
    for j, col in enumerate(lay.items):
        x[:, j] = data[col].to_numpy(dtype=float, na_value=np.nan)[rows]
    return x


def _code_index(x: np.ndarray, lay: _Layout, cols: np.ndarray | None = None) -> np.ndarray:
    """(n, I) code - scale minimum, with ``lay.kmax`` for an unanswered item (``cols``: the
    layout's items that are the columns of x, default all)."""
    cols = np.arange(len(lay.items)) if cols is None else cols
    lo, points = lay.lo[cols], lay.points[cols]
    with np.errstate(invalid="ignore"):
        valid = (x >= lo) & (x <= lo + points - 1)
    return np.where(valid, x - lo, lay.kmax).astype(np.intp)


def _item_counts(x: np.ndarray, w: np.ndarray, g: np.ndarray, n_cells: int,
                 lay: _Layout) -> np.ndarray:
    """(I, n_cells, K + 1, 3) respondents, sum of weights and of squared weights per item,
    cell and code (the last code column counts the unanswered)."""
    k1 = lay.kmax + 1
    out = np.empty((len(lay.items), n_cells, k1, 3))
    base = g.astype(np.intp) * k1
    for j in range(len(lay.items)):  # a loop over items, not respondents
        flat = base + _code_index(x[:, j:j + 1], lay, np.array([j]))[:, 0]
        for m, wt in enumerate((None, w, w * w)):
            out[j, :, :, m] = np.bincount(flat, weights=wt, minlength=n_cells * k1).reshape(
                n_cells, k1)
    return out


def _features(x: np.ndarray, w: np.ndarray, lay: _Layout) -> np.ndarray:
    """(n, F) composite features of some respondents (layout in :class:`_Layout`)."""
    n, n_items = x.shape
    ok = ~np.isnan(x)
    okf = ok.astype(float)
    with np.errstate(invalid="ignore"):
        s100 = np.where(ok, 100 * (x - lay.lo) / lay.span, 0.0)
    out = np.empty((n, lay.width))
    wc = w[:, None]
    np.multiply(wc, s100, out=out[:, :n_items])
    np.multiply(wc, okf, out=out[:, n_items:2 * n_items])
    if len(lay.net):
        lay_net = lay.net
        idx = _code_index(x[:, lay_net], lay, lay_net)
        j, start = len(lay_net), 2 * n_items
        np.multiply(wc, lay.top[lay_net, idx], out=out[:, start:start + j])
        np.multiply(wc, lay.bottom[lay_net, idx], out=out[:, start + j:start + 2 * j])
    slices = lay.reg_slices
    for key, (drivers, outcome) in lay.reg.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            scores = (s100 @ drivers) / (okf @ drivers)  # mean of the answered items
            y = (s100 @ outcome) / (okf @ outcome)
        out[:, slices[key]] = _regression_features(scores, y, w)
    return out


def _complete_count(x: np.ndarray, lay: _Layout) -> int:
    """Respondents who answered at least one item of every CX dimension and loyalty
    construct (the base of ``min_customers_for_weights``)."""
    if not lay.complete.shape[1]:
        return 0
    ok = np.ones(len(x), dtype=bool)
    for member in lay.complete.T.astype(bool):  # a loop over constructs
        ok &= ~np.isnan(x[:, member]).all(axis=1) if member.any() else False
    return int(ok.sum())


def _resample_counts(rng: np.random.Generator, n: int, n_boot: int) -> np.ndarray:
    """(n_boot, n) multinomial(n, 1/n) counts: how often each respondent is drawn.

    Drawn as n uniform indices per replicate and counted with one bincount, which is the
    same distribution as ``rng.multinomial`` and an order of magnitude faster.
    """
    draws = rng.integers(0, n, size=(n_boot, n)) + (np.arange(n_boot) * n)[:, None]
    return np.bincount(draws.ravel(), minlength=n_boot * n).reshape(n_boot, n).astype(float)


@dataclass
class _PopSums:
    """One population's sufficient statistics for the composites, per brand cell."""

    layout: _Layout
    base: np.ndarray  # (G, 3): respondents, sum w, sum w^2
    reps: np.ndarray  # (1 + n_boot, G, F): row 0 the feature sums, then replicate sums
    complete_n: int  # respondents with every CX dimension and loyalty construct answered


def _pop_replicates(x: np.ndarray, w: np.ndarray, bounds: np.ndarray, lay: _Layout,
                    n_boot: int, exact_max: int, rng: np.random.Generator) -> _PopSums:
    """Feature sums and bootstrap replicate sums of one population, cell by cell.

    Rows are grouped by cell (cell g is rows ``bounds[g]:bounds[g + 1]``).  A cell of at
    most ``exact_max`` respondents is resampled exactly (multinomial counts times its
    features); a larger one by :func:`normal_resample_sums` from its feature cross-products.  Only
    one cell's features are in memory at a time.
    """
    n_cells = len(bounds) - 1
    reps = np.zeros((1 + n_boot, n_cells, lay.width))
    base = np.zeros((n_cells, 3))
    for g, block, wg in _cell_features(x, w, bounds, lay):
        reps[0, g] = block.sum(axis=0)
        base[g] = len(wg), wg.sum(), wg @ wg
        if not n_boot:
            continue
        if len(wg) <= exact_max:
            reps[1:, g] = _resample_counts(rng, len(wg), n_boot) @ block
        else:
            reps[1:, g] = normal_resample_sums(reps[0, g], block.T @ block, len(wg), n_boot, rng)
    return _PopSums(lay, base, reps, _complete_count(x, lay))


def _cell_features(x: np.ndarray, w: np.ndarray, bounds: np.ndarray,
                   lay: _Layout) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
    """(cell, features, weights) of each non-empty cell, rows grouped by cell (cell g is
    rows ``bounds[g]:bounds[g + 1]``); one cell's features in memory at a time."""
    for g in range(len(bounds) - 1):  # loop over cells (brand x wave), not respondents
        lo, hi = bounds[g], bounds[g + 1]
        if hi > lo:
            yield g, _features(x[lo:hi], w[lo:hi], lay), w[lo:hi]


# ---------------------------------------------------------------------- items (analytic)
def item_statistics(responses: Responses, *, by: Sequence[str] = (),
                    cells: _Cells | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per item and cell: n, n_eff, mean, score100, top box, net, with analytic intervals.

    All of it derives from the weighted answer counts per item, cell and code
    (:func:`_items_from_counts`), which chunked scoring accumulates the same way.

    Returns
    -------
    items : DataFrame
        One row per population x cell x item.
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
    study, data = responses.study, responses.data
    cells = cells if cells is not None else _cells(data, study, by)
    return _items_from_counts(_counts_by_population(data, study, cells), cells, study)


def _counts_by_population(data: pd.DataFrame, study: Study, cells: _Cells,
                          items: Sequence[str] | None = None) -> dict[str, tuple[
                              _Layout, np.ndarray]]:
    """Per population present: its layout and its :func:`_item_counts`."""
    w = data["weight"].to_numpy(float)
    out = {}
    for pop in POPULATIONS:
        rows = _pop_rows(data, cells.row_cell, pop)
        if not len(rows):
            continue
        lay = _layout(study, pop, items)
        if not lay.items:
            continue
        out[pop] = (lay, _item_counts(_codes(data, lay, rows), w[rows], cells.row_cell[rows],
                                      cells.n_brand_cells, lay))
    return out


def _items_from_counts(counts: dict[str, tuple[_Layout, np.ndarray]], cells: _Cells,
                       study: Study) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The items and distributions tables from per-cell answer counts.

    Numbers are computed item by item (arrays over cells); each table is built once.
    """
    z = z_value(study.report.confidence)
    n_cells = len(cells.keys)
    parts: list[dict[str, np.ndarray]] = []
    dist_parts: list[dict[str, np.ndarray]] = []
    for pop, (lay, c) in counts.items():
        for j, col in enumerate(lay.items):
            item = study.items[col]
            scale = study.scales[item.scale]
            k_count = scale.points
            n_k, w_k, w2_k = (_with_totals(c[j, :, :k_count, m], cells) for m in range(3))
            cols = _item_columns(scale, n_k, w_k, w2_k, z, study)
            parts.append({"_cell": np.arange(n_cells), "population": np.full(n_cells, pop),
                          "item": np.full(n_cells, col),
                          "construct": np.full(n_cells, item.construct),
                          "text": np.full(n_cells, item.text),
                          "reversed": np.full(n_cells, item.reversed), **cols})
            sw = w_k.sum(1, keepdims=True)
            codes = np.arange(scale.min, scale.max + 1)
            labels = np.array([scale.labels.get(code, str(code)) for code in codes], object)
            hidden = np.repeat(cols["flag"] == "suppressed", k_count)
            dist_parts.append({
                "_cell": np.repeat(np.arange(n_cells), k_count),
                "population": np.full(n_cells * k_count, pop),
                "item": np.full(n_cells * k_count, col), "code": np.tile(codes, n_cells),
                "label": np.tile(labels, n_cells),
                "count": np.where(hidden, np.nan, n_k.ravel()).astype(float),
                "share": np.where(hidden, np.nan, (w_k / np.where(sw > 0, sw, np.nan)).ravel())})
    return _frame(parts, cells), _frame(dist_parts, cells)


def _frame(parts: list[dict[str, np.ndarray]], cells: _Cells) -> pd.DataFrame:
    """One table from column arrays: population, the cell keys, then the other columns."""
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    keys = cells.keys.iloc[cols.pop("_cell")].reset_index(drop=True)
    keys.insert(0, "population", cols.pop("population"))
    return pd.concat([keys, pd.DataFrame(cols)], axis=1)


def _item_columns(scale, n_k, w_k, w2_k, z, study) -> dict[str, np.ndarray]:
    """Per cell: n, n_eff, mean, score100 (linearised se and interval), top box (Wilson),
    bottom box, net (its interval; adjusted Wald on 0-10 scales), flag."""
    codes = np.arange(scale.min, scale.max + 1, dtype=float)
    n = n_k.sum(1)
    sw = w_k.sum(1)
    n_eff = kish_n_eff(sw, w2_k.sum(1))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = w_k / sw[:, None]
        mean = (p * codes).sum(1)
        ss = (w2_k * (codes[None, :] - mean[:, None]) ** 2).sum(1)
        se = np.sqrt(n / (n - 1) * ss / sw**2)
    span = scale.max - scale.min
    top_i = np.isin(codes, scale.top_box)
    bot_i = np.isin(codes, scale.bottom_box)
    top, bottom = p[:, top_i].sum(1), p[:, bot_i].sum(1)
    tlo, thi = wilson(top, n_eff, z)
    nlo, nhi = net_interval(top, bottom, n_eff, z, adjusted_wald=scale.points == 11)
    s100 = 100 * (mean - scale.min) / span
    flag = _flags(n_eff, study)
    numbers = {
        "mean": mean, "score100": s100, "se": 100 * se / span,
        "ci_low": np.clip(s100 - z * 100 * se / span, 0, 100),
        "ci_high": np.clip(s100 + z * 100 * se / span, 0, 100),
        "top_box": 100 * top, "top_box_ci_low": 100 * tlo, "top_box_ci_high": 100 * thi,
        "bottom_box": 100 * bottom, "net": 100 * (top - bottom), "net_ci_low": nlo,
        "net_ci_high": nhi}
    hide = flag == "suppressed"
    return {"n": n.astype(int), "n_eff": n_eff,
            **{k: np.where(hide, np.nan, v) for k, v in numbers.items()}, "flag": flag}


def nps_table(responses: Responses, cells: _Cells) -> pd.DataFrame:
    """The NPS index per population and cell: % promoters (9-10) - % detractors (0-6).

    Rows in the layout of :attr:`Result.scores` (``measure = "nps"``, level ``"nps"``, range
    -100..100, no band), with the adjusted-Wald interval on the effective base (Rocks 2016)
    and ``se`` from the net-score variance.  Empty when the spec sets no ``nps_item``.

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))  # nps_item = "recommend"
    >>> nps = nps_table(responses, _cells(responses.data, responses.study, []))
    >>> nps.loc[nps["brand"] == "All brands", ["wave", "value", "ci_low", "ci_high"]].round(1)
           wave  value  ci_low  ci_high
    12  2026 Q1   10.6     7.5     13.7
    13  2026 Q2    5.4     2.4      8.3
    """
    study = responses.study
    col = study.index.nps_item
    if col is None or col not in responses.data:
        return pd.DataFrame()
    counts = _counts_by_population(responses.data, study, cells, [col])
    return _nps_from_counts({pop: c[0] for pop, (_, c) in counts.items()}, cells, study)


def _nps_from_counts(counts: dict[str, np.ndarray], cells: _Cells,
                     study: Study) -> pd.DataFrame:
    """NPS rows from the nps item's (cells, K + 1, 3) answer counts per population."""
    scale = study.scales[study.items[study.index.nps_item].scale]
    codes = np.arange(scale.min, scale.max + 1)
    z = z_value(study.report.confidence)
    frames = []
    for pop, c in counts.items():
        n_k, w_k, w2_k = (c[:, :scale.points, m] for m in range(3))
        if not n_k.sum():
            continue
        sums = np.column_stack([n_k.sum(1), w_k.sum(1), w2_k.sum(1),
                                w_k[:, np.isin(codes, NPS_PROMOTERS)].sum(1),
                                w_k[:, np.isin(codes, NPS_DETRACTORS)].sum(1)])
        n, sw, sw2, sp, sd = _with_totals(sums, cells).T
        n_eff = kish_n_eff(sw, sw2)
        with np.errstate(invalid="ignore", divide="ignore"):
            top, bottom = sp / sw, sd / sw
        lo, hi = net_interval(top, bottom, n_eff, z, adjusted_wald=True)
        f = cells.keys.copy()
        f.insert(0, "measure", "nps")
        f.insert(1, "population", pop)
        f = f.assign(label=MEASURE_LABELS["nps"], level="nps", value=100 * (top - bottom),
                     ci_low=lo, ci_high=hi, se=np.sqrt(net_variance(top, bottom, n_eff)),
                     n=n.astype(int), n_eff=n_eff, flag=_flags(n_eff, study), band="")
        frames.append(f)
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    out.loc[out["flag"] == "suppressed", ["value", "ci_low", "ci_high", "se"]] = np.nan
    return out


def _nps_changes(nps: pd.DataFrame, cells: _Cells, study: Study,
                 by: Sequence[str]) -> pd.DataFrame:
    """Wave-over-wave NPS differences: independent samples, analytic SE."""
    if nps.empty:
        return pd.DataFrame()
    conf = study.report.confidence
    z = z_value(conf)
    waves = study.waves
    keys = ["population", "brand", *by]
    frame = nps.assign(_w=nps["wave"].map({w: i for i, w in enumerate(waves)}))
    prev = frame.assign(_w=frame["_w"] + 1)
    both = frame.merge(prev, on=[*keys, "_w"], suffixes=("", "_prev"))
    if both.empty:
        return pd.DataFrame()
    diff = both["value"] - both["value_prev"]
    se = np.sqrt(both["se"] ** 2 + both["se_prev"] ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = normal_p(diff / se)
    flag = worst_flag(both["flag"].to_numpy(object), both["flag_prev"].to_numpy(object))
    hidden = flag == "suppressed"
    out = both[["population", "wave", "brand", *by]].assign(
        comparison="wave", measure="nps", versus=both["wave_prev"],
        difference=np.where(hidden, np.nan, diff), ci_low=np.where(hidden, np.nan, diff - z * se),
        ci_high=np.where(hidden, np.nan, diff + z * se), p_value=np.where(hidden, np.nan, p),
        flag=flag)
    out["significant"] = np.isfinite(out["p_value"]) & (out["p_value"] < 1 - conf)
    return out



# ---------------------------------------------------------------------- composites (bootstrap)
def _respondent_scores(data: pd.DataFrame, study: Study, constructs: list[str]) -> np.ndarray:
    """Respondent-level score100 of each construct (mean of answered items), (n, c)."""
    out = np.empty((len(data), len(constructs)))
    for j, name in enumerate(constructs):
        cols = study.items_of(name)
        block = np.column_stack([_s100(data[c], study, c) for c in cols])
        with np.errstate(invalid="ignore"), _quiet():
            out[:, j] = np.nanmean(block, axis=1)
    return out


def _items_mean(data: pd.DataFrame, study: Study, constructs: list[str]) -> np.ndarray:
    """Respondent-level mean score100 of all the items of some constructs (a composite)."""
    cols = [c for name in constructs for c in study.items_of(name)]
    block = np.column_stack([_s100(data[c], study, c) for c in cols])
    with np.errstate(invalid="ignore"), _quiet():
        return np.nanmean(block, axis=1)


def _s100(column: pd.Series, study: Study, col: str) -> np.ndarray:
    scale = study.scales[study.items[col].scale]
    x = column.to_numpy(dtype=float, na_value=np.nan)
    return 100 * (x - scale.min) / (scale.max - scale.min)


class _quiet:
    def __enter__(self):
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        self._w.__exit__(*exc)


def _regression_features(scores: np.ndarray, outcome: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per respondent: w * complete * [1, v, v_i v_j (i <= j)] for v = (drivers, outcome)."""
    v = np.column_stack([scores, outcome])
    complete = ~np.isnan(v).any(axis=1)
    v = np.where(complete[:, None], v, 0.0)
    iu = np.triu_indices(v.shape[1])
    cross = v[:, iu[0]] * v[:, iu[1]]
    return (w * complete)[:, None] * np.column_stack([np.ones(len(v)), v, cross])


def _cov_from_sums(sums: np.ndarray, p: int) -> np.ndarray:
    """(R, 1 + p + p(p+1)/2) sums -> (R, p, p) covariance matrices."""
    sw = sums[:, 0:1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums[:, 1:1 + p] / sw
        iu = np.triu_indices(p)
        exy = np.zeros((len(sums), p, p))
        exy[:, iu[0], iu[1]] = sums[:, 1 + p:] / sw
        exy = exy + np.triu(exy, 1).transpose(0, 2, 1)
        return exy - mean[:, :, None] * mean[:, None, :]


def _importance_weights(cov: np.ndarray) -> np.ndarray:
    """Johnson's relative weights normalised to sum to 1, per replicate."""
    from txscore.stats.drivers import relative_weights_from_cov

    raw = relative_weights_from_cov(cov)[0]
    return raw / raw.sum(axis=-1, keepdims=True)


@dataclass
class _Boot:
    """Replicate arrays (R, n_cells) per population and measure; row 0 = point estimate."""

    arrays: dict[tuple[str, str], np.ndarray]
    n: dict[str, np.ndarray]
    n_eff: dict[str, np.ndarray]
    weights: dict[str, pd.DataFrame]


def _bootstrap(responses: Responses, cells: _Cells, n_boot: int, seed: int) -> _Boot:
    """Every composite with its bootstrap replicates, resampling within population x cell.

    Cells of at most ``[report] bootstrap_exact_max`` respondents are resampled exactly, larger
    ones through the normal law of their resample sums (:func:`normal_resample_sums`).
    """
    study, data = responses.study, responses.data
    rng = np.random.default_rng(seed)
    w = data["weight"].to_numpy(float)
    pops = {}
    for pop in POPULATIONS:
        rows = _pop_rows(data, cells.row_cell, pop)
        if not len(rows):
            continue
        lay = _layout(study, pop)
        bounds = np.searchsorted(cells.row_cell[rows], np.arange(cells.n_brand_cells + 1))
        pops[pop] = _pop_replicates(_codes(data, lay, rows), w[rows], bounds, lay, n_boot,
                                    study.report.bootstrap_exact_max, rng)
    return _composites(pops, cells, study)


def _composites(pops: dict[str, _PopSums], cells: _Cells, study: Study) -> _Boot:
    """Every composite on the sample (row 0) and on each replicate, from feature sums."""
    arrays: dict[tuple[str, str], np.ndarray] = {}
    n, n_eff, weights = {}, {}, {}
    reg_sums: dict[str, np.ndarray] = {}
    cx_dims = [c.name for c in study.constructs_with_role("cx_quality")]
    loyalty = [c.name for c in study.constructs_with_role("loyalty")]
    pillars = [c.name for c in study.constructs_with_role("bx_pillar")]
    per_pop = {}
    r_count = 1
    for pop, ps in pops.items():
        ns = _with_totals(ps.base, cells)
        n[pop], n_eff[pop] = ns[:, 0], kish_n_eff(ns[:, 1], ns[:, 2])
        for key, sl in ps.layout.reg_slices.items():
            reg_sums[f"{key}:{pop}"] = ps.reps[:, :, sl].sum(axis=1)
        per_pop[pop] = _with_totals(ps.reps[:, :, :ps.layout.boxes], cells)
        r_count = len(ps.reps)
    # pooled importance weights (same for every brand and wave), per replicate
    w_cx = np.full((r_count, len(cx_dims)), 1 / max(len(cx_dims), 1))
    cx_method = study.index.cx_method
    if cx_method == "loyalty_weighted" and "cx:customer" in reg_sums:
        sums = reg_sums["cx:customer"]
        if sums[0, 0] > 0 and pops["customer"].complete_n >= \
                study.index.min_customers_for_weights:
            w_cx = _importance_weights(_cov_from_sums(sums, len(cx_dims) + 1))
            if not np.isfinite(w_cx[0]).all():  # a dimension or loyalty without variance
                import warnings

                from txscore.errors import TxscoreWarning

                warnings.warn("CX loyalty weights cannot be estimated (a quality dimension or "
                              "the loyalty composite has no variance among customers): equal "
                              "weights are used.", TxscoreWarning, stacklevel=3)
                w_cx = np.full_like(w_cx, 1 / len(cx_dims))
                cx_method = "equal (loyalty weights not estimable: no variance)"
        else:
            cx_method = "equal (fewer customers than min_customers_for_weights)"
    weights["cx"] = _weights_frame(cx_dims, w_cx, study.report.confidence, cx_method)
    w_bx = np.full((r_count, len(pillars)), 1 / max(len(pillars), 1))
    if study.index.bx_method == "preference_weighted":
        pooled = sum(v for k, v in reg_sums.items() if k.startswith("bx:"))
        w_bx = _importance_weights(_cov_from_sums(pooled, len(pillars) + 1))
    weights["bx"] = _weights_frame(pillars, w_bx, study.report.confidence,
                                   study.index.bx_method)
    for pop, sums in per_pop.items():
        lay = pops[pop].layout
        k, net_at = len(lay.items), {c: i for i, c in enumerate(np.array(lay.items)[lay.net])}
        j = {c: i for i, c in enumerate(lay.items)}
        with np.errstate(invalid="ignore", divide="ignore"):
            valid = sums[:, :, k:2 * k]
            s100 = sums[:, :, :k] / valid
            box = sums[:, :, 2 * k:]
            net = 100 * (box[:, :, :len(lay.net)] - box[:, :, len(lay.net):]) / valid[
                :, :, lay.net]
        cons_s = {}
        for cons in study.constructs.values():
            idx = [j[c] for c in study.items_of(cons.name) if c in j]
            if not idx:
                continue
            with _quiet():
                cons_s[cons.name] = np.nanmean(s100[:, :, idx], axis=2)
            arrays[(pop, cons.name)] = cons_s[cons.name]
        if pop == "customer" and cx_dims:
            dims = np.stack([cons_s[c] for c in cx_dims], axis=2)
            with _quiet():  # a dimension's net: the mean of its items' nets
                dim_nets = [np.nanmean(net[:, :, [net_at[c] for c in study.items_of(name)
                                                  if c in net_at]], axis=2) for name in cx_dims]
            arrays[(pop, "cx_classic_net")] = np.mean(np.stack(dim_nets, axis=2), axis=2)
            arrays[(pop, "cx")] = (arrays[(pop, "cx_classic_net")] if cx_method == "classic_net"
                                   else np.einsum("rgq,rq->rg", dims, w_cx))
        if pop == "customer" and loyalty:  # the composite: mean of all loyalty items
            idx = [j[c] for name in loyalty for c in study.items_of(name) if c in j]
            with _quiet():
                arrays[(pop, "loyalty")] = np.nanmean(s100[:, :, idx], axis=2)
        if pillars and all(p in cons_s for p in pillars):
            bx = np.einsum("rgq,rq->rg", np.stack([cons_s[p] for p in pillars], 2), w_bx)
            arrays[(pop, "bx_customers" if pop == "customer" else "bx_non_customers")] = bx
    _combine(arrays, study)
    return _Boot(arrays, n, n_eff, weights)


def _combine(arrays: dict[tuple[str, str], np.ndarray], study: Study) -> None:
    lam, share = study.index.lam, study.index.share_non_customer
    cx, bxc = arrays.get(("customer", "cx")), arrays.get(("customer", "bx_customers"))
    bxn = arrays.get(("non_customer", "bx_non_customers"))
    if cx is not None and bxc is not None:
        arrays[("customer", "customer_score")] = lam * cx + (1 - lam) * bxc
    if bxn is not None:
        arrays[("non_customer", "non_customer_score")] = bxn
    if bxc is not None and bxn is not None:
        arrays[("all", "bx_gap")] = bxc - bxn
    c = arrays.get(("customer", "customer_score"))
    if c is not None and bxn is not None:
        arrays[("all", "tx")] = share * bxn + (1 - share) * c


def _weights_frame(names: list[str], reps: np.ndarray, confidence: float,
                   method: str) -> pd.DataFrame:
    lo, hi = percentile_interval(reps[1:], confidence) if len(reps) > 1 else (
        np.full(len(names), np.nan),) * 2
    return pd.DataFrame({"dimension": names, "weight": reps[0], "ci_low": lo, "ci_high": hi,
                         "method": method})


# ---------------------------------------------------------------------- assembling tables
def _measure_meta(study: Study) -> dict[str, tuple[str, str]]:
    """measure -> (label, level)."""
    meta = {m: (MEASURE_LABELS[m], "index") for m in INDEX_MEASURES}
    meta.update({"cx_classic_net": (MEASURE_LABELS["cx_classic_net"], "comparator"),
                 "bx_gap": (MEASURE_LABELS["bx_gap"], "gap"),
                 "loyalty": (MEASURE_LABELS["loyalty"], "outcome")})
    for cons in study.constructs.values():
        level = {"cx_quality": "dimension", "bx_pillar": "pillar", "loyalty": "outcome",
                 "preference": "outcome"}.get(cons.role or "", "construct")
        meta[cons.name] = (cons.title, level)
    return meta


def _cell_base(boot: _Boot, pop: str, study: Study) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if pop == "all":
        n = boot.n["customer"] + boot.n["non_customer"]
        n_eff = boot.n_eff["customer"] + boot.n_eff["non_customer"]
        flag = worst_flag(_flags(boot.n_eff["customer"], study),
                          _flags(boot.n_eff["non_customer"], study))
        return n, n_eff, flag
    return boot.n[pop], boot.n_eff[pop], _flags(boot.n_eff[pop], study)


def _score_table(boot: _Boot, cells: _Cells, study: Study) -> pd.DataFrame:
    meta = _measure_meta(study)
    conf = study.report.confidence
    frames = []
    order = list(INDEX_MEASURES) + ["bx_gap", "cx_classic_net", "loyalty"] + list(
        study.constructs)
    keys = sorted(boot.arrays, key=lambda k: (order.index(k[1]) if k[1] in order else 99,
                                              k[0]))
    for pop, measure in keys:
        reps = boot.arrays[(pop, measure)]
        n, n_eff, flag = _cell_base(boot, pop, study)
        lo, hi = percentile_interval(reps[1:], conf) if len(reps) > 1 else (
            np.full(reps.shape[1], np.nan),) * 2
        label, level = meta.get(measure, (measure, "construct"))
        f = cells.keys.copy()
        f.insert(0, "measure", measure)
        f.insert(1, "population", pop)
        f = f.assign(label=label, level=level, value=reps[0], ci_low=lo, ci_high=hi,
                     se=np.nanstd(reps[1:], axis=0, ddof=1) if len(reps) > 2 else np.nan,
                     n=n.astype(int), n_eff=n_eff, flag=flag)
        frames.append(f)
    scores = pd.concat(frames, ignore_index=True)
    scores["band"] = ""
    with np.errstate(invalid="ignore", divide="ignore"):
        scores["deff"] = scores["n"] / scores["n_eff"]
    banded = scores["level"].isin(["index", "dimension", "pillar"]) & ~(
        (scores["measure"] == "cx") & (study.index.cx_method == "classic_net"))
    scores.loc[banded, "band"] = scores.loc[banded, "value"].map(
        lambda v: _band(v, study))
    hide = scores["flag"] == "suppressed"
    scores.loc[hide, ["value", "ci_low", "ci_high", "se"]] = np.nan
    scores.loc[hide, "band"] = ""
    return scores


def _band(value: float, study: Study) -> str:
    if not np.isfinite(value):
        return ""
    # composites such as (50 + 50 + 50) / 3 land a rounding error below the threshold
    return next(name for name, lo in study.index.bands if value >= lo - 1e-9)


def _peer_mask(boot: _Boot, pop: str, cells: _Cells, study: Study) -> np.ndarray:
    n_eff = (np.minimum(boot.n_eff["customer"], boot.n_eff["non_customer"]) if pop == "all"
             else boot.n_eff[pop])
    brand_cell = np.arange(len(cells.keys)) < cells.n_brand_cells
    shown = _cell_base(boot, pop, study)[2] != "suppressed"  # never a hidden number
    return brand_cell & shown & (n_eff >= study.report.peer_min_base)


def _groups(cells: _Cells, by: Sequence[str]) -> dict[tuple, np.ndarray]:
    """Brand cells grouped by wave and segments."""
    brand_keys = cells.keys.iloc[:cells.n_brand_cells]
    keys = ["wave", *by]
    groups = brand_keys.groupby(keys if by else "wave", sort=False).groups
    return {k: v.to_numpy() for k, v in groups.items()} if len(brand_keys) else {}


def _changes(boot: _Boot, cells: _Cells, study: Study, by: Sequence[str]) -> pd.DataFrame:
    """Wave over wave per brand (and total) and brand vs peer average, per measure.

    Each comparison is a difference of replicate arrays; the differences of one measure
    are summarised together (:func:`_diff_rows`).
    """
    keys = cells.keys
    waves = study.waves
    index_of = {tuple(r): i for i, r in enumerate(keys.itertuples(index=False))}
    # (cell, previous wave's cell) pairs, and (cell, its peer group's members) pairs
    pairs = []
    for i, row in enumerate(keys.itertuples(index=False)):
        w = waves.index(row.wave) if row.wave in waves else 0
        prev = index_of.get((waves[w - 1], *tuple(row)[1:])) if w > 0 else None
        if prev is not None:
            pairs.append((i, prev))
    cur = np.array([a for a, _ in pairs], dtype=int)
    prev = np.array([b for _, b in pairs], dtype=int)
    versus = keys["wave"].to_numpy(object)[prev]
    groups = list(_groups(cells, by).values())
    frames = []
    for (pop, measure), reps in boot.arrays.items():
        _, _, flag = _cell_base(boot, pop, study)
        if len(cur):
            frames.append(_diff_rows("wave", measure, pop, cells, cur, versus,
                                     reps[:, cur] - reps[:, prev], flag[cur], flag[prev],
                                     study))
        peers = _peer_mask(boot, pop, cells, study)
        for members in groups:
            in_peer = members[peers[members]]
            if len(in_peer) < 2:
                continue
            avg = reps[:, in_peer].mean(axis=1, keepdims=True)
            frames.append(_diff_rows("peer", measure, pop, cells, members,
                                     np.full(len(members), "peer average", object),
                                     reps[:, members] - avg, flag[members],
                                     np.full(len(members), ""), study))
    if not frames:
        return pd.DataFrame()
    # one frame from every comparison's columns (not a frame per comparison, then concat)
    joined = {k: np.concatenate([f[k] for f in frames]) for k in frames[0]}
    out = cells.keys.iloc[joined.pop("at")].reset_index(drop=True).infer_objects()
    for i, name in enumerate(("comparison", "measure", "population")):
        out.insert(i, name, joined.pop(name))
    return out.assign(**joined)


CHANGE_COLUMNS = ["comparison", "measure", "population", "wave", "brand", "versus",
                  "difference", "ci_low", "ci_high", "p_value", "p_adjusted", "significant",
                  "flag"]


def _adjust(changes: pd.DataFrame, study: Study) -> pd.DataFrame:
    """``p_adjusted`` (Benjamini-Hochberg within each table when asked) and ``significant``.

    A table is one comparison x measure x population (e.g. TX change vs the previous wave
    across every brand and wave): the cells a reader scans together.
    """
    if changes.empty:  # one wave, one brand: no comparison, but the same columns
        by = [c for c in changes.columns if c not in CHANGE_COLUMNS]
        return pd.DataFrame(columns=[*CHANGE_COLUMNS[:5], *by, *CHANGE_COLUMNS[5:]])
    changes = changes.reset_index(drop=True)
    changes["p_adjusted"] = changes["p_value"].astype(float)
    if study.report.multiple_testing == "bh":
        for _, idx in changes.groupby(["comparison", "measure", "population"],
                                      sort=False).groups.items():
            changes.loc[idx, "p_adjusted"] = benjamini_hochberg(
                changes.loc[idx, "p_value"].to_numpy(float))
    p = changes["p_adjusted"]
    changes["significant"] = (np.isfinite(p) & (p < 1 - study.report.confidence)).astype(bool)
    order = ["comparison", "measure", "population", "wave", "brand", *[
        c for c in changes.columns if c not in {
            "comparison", "measure", "population", "wave", "brand", "versus", "difference",
            "ci_low", "ci_high", "p_value", "p_adjusted", "significant", "flag"}],
        "versus", "difference", "ci_low", "ci_high", "p_value", "p_adjusted", "significant",
        "flag"]
    return changes[order]


def _diff_rows(kind: str, measure: str, pop: str, cells: _Cells, at: np.ndarray,
               versus: np.ndarray, diff: np.ndarray, flag_a: np.ndarray, flag_b: np.ndarray,
               study: Study) -> dict[str, np.ndarray]:
    """Columns of the changes table for the differences ``diff`` (R, m) at cells ``at``:
    the sample difference, the bootstrap percentile interval, the normal p-value from the
    bootstrap se, the worse flag; nothing but "suppressed" for a hidden cell.  ``at`` is
    returned too (the cells' keys are looked up once for every comparison)."""
    conf = study.report.confidence
    reps = diff[1:]
    with np.errstate(invalid="ignore", divide="ignore"), _quiet():
        se = np.nanstd(reps, axis=0, ddof=1) if len(reps) > 2 else np.full(diff.shape[1],
                                                                           np.nan)
        lo, hi = percentile_interval(reps, conf) if len(reps) > 1 else (
            np.full(diff.shape[1], np.nan),) * 2
        # replicates that differ by rounding only (a cell of identical answers): no test
        ok = np.isfinite(se) & (se > 1e-9)
        p = np.where(ok, normal_p(np.where(ok, diff[0] / np.where(ok, se, 1.0), np.nan)),
                     np.nan)
    flag = worst_flag(np.asarray(flag_a, object), np.asarray(flag_b, object))
    hidden = (flag_a == "suppressed") | (flag_b == "suppressed") | ~np.isfinite(diff[0])
    flag = np.where(hidden, "suppressed", flag).astype(object)
    nan = np.where(hidden, np.nan, 1.0)
    m = len(at)
    return {"at": np.asarray(at, dtype=np.int64),
            "comparison": np.full(m, kind, object), "measure": np.full(m, measure, object),
            "population": np.full(m, pop, object), "versus": np.asarray(versus, object),
            "difference": diff[0] * nan, "ci_low": lo * nan, "ci_high": hi * nan,
            "p_value": p * nan,
            "significant": ~hidden & np.isfinite(p) & (p < 1 - conf), "flag": flag}


def _growth_grid(scores: pd.DataFrame, boot: _Boot, cells: _Cells, study: Study,
                 by: Sequence[str]) -> pd.DataFrame:
    need = {("customer", "customer_score"), ("non_customer", "non_customer_score")}
    if not need <= set(boot.arrays):
        return pd.DataFrame()
    c = boot.arrays[("customer", "customer_score")][0]
    nn = boot.arrays[("non_customer", "non_customer_score")][0]
    flag = _cell_base(boot, "all", study)[2]
    peers = _peer_mask(boot, "all", cells, study)
    rows = []
    for _, members in _groups(cells, by).items():
        in_peer = members[peers[members]]
        # a peer average needs at least two brands (one brand would be its own benchmark)
        peer_c = c[in_peer].mean() if len(in_peer) >= 2 else np.nan
        peer_n = nn[in_peer].mean() if len(in_peer) >= 2 else np.nan
        for i in members:
            hidden = flag[i] == "suppressed"
            quadrant = "" if hidden or not np.isfinite(peer_c) else (
                ("Leading" if nn[i] >= peer_n else "Plateauing") if c[i] >= peer_c else
                ("Churning" if nn[i] >= peer_n else "Lagging"))
            rows.append({**cells.keys.iloc[i].to_dict(),
                         "non_customer_score": np.nan if hidden else nn[i],
                         "customer_score": np.nan if hidden else c[i],
                         "peer_non_customer": peer_n, "peer_customer": peer_c,
                         "quadrant": quadrant, "in_peer_average": bool(peers[i]),
                         "flag": flag[i]})
    return pd.DataFrame(rows)


def _tables(boot: _Boot, nps: pd.DataFrame, cells: _Cells, study: Study,
            by: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Scores (composites and NPS), changes and the growth grid from the composites.

    The steps of :func:`score` after the statistics, shared with chunked scoring.
    """
    scores = _score_table(boot, cells, study)
    if not nps.empty:
        nps = nps.copy()
        with np.errstate(invalid="ignore", divide="ignore"):
            nps["deff"] = nps["n"] / nps["n_eff"]
        scores = pd.concat([scores, nps[scores.columns]], ignore_index=True)
    changes = _changes(boot, cells, study, by)
    nps_changes = _nps_changes(nps, cells, study, by)
    if not nps_changes.empty:
        changes = pd.concat([changes, nps_changes], ignore_index=True)
    changes = _adjust(changes, study)
    return scores, changes, _growth_grid(scores, boot, cells, study, by)


#: Above this many rows, reliability comes from per-unit sums and cross-products
#: (:func:`txscore.scoring.chunked.reliability_from_sums`: the same tables to rounding, about 5x
#: faster at a million rows); below, from the respondents (the reference implementation).
_RELIABILITY_FROM_SUMS_ABOVE = 200_000


def score(responses: Responses, *, by: Sequence[str] = (),
          progress: Callable[[str], None] | None = None) -> Result:
    """Score a study: items, constructs, CX, BX, TX, intervals, changes and reliability.

    Parameters
    ----------
    responses : Responses
        From :func:`txscore.load`.
    by : sequence of str
        Segment columns to cut every score by (in addition to wave and brand).
    progress : callable, optional
        Called with a short message at each stage.

    Returns
    -------
    Result

    Examples
    --------
    >>> import txscore as tx
    >>> responses = tx.load(tx.read_study("surveys/sample/study.toml"))
    >>> result = tx.score(responses)
    >>> sorted(result.scores["measure"].unique())[:3]
    ['advocacy', 'bx_customers', 'bx_gap']
    """
    from txscore.result import Result
    from txscore.scoring.drivers import standard_drivers
    from txscore.scoring.reliability import reliability_tables

    study = responses.study
    by = list(by)
    missing = [b for b in by if b not in responses.data.columns]
    if missing:
        from txscore.errors import StudySpecError

        raise StudySpecError(f"Cannot cut by {missing}: not segment columns. Segments: "
                             f"{list(study.columns.segments)}.")
    say = progress or (lambda _msg: None)
    cells = _cells(responses.data, study, by)
    say("item statistics")
    items, dists = item_statistics(responses, by=by, cells=cells)
    say(f"bootstrap ({study.report.bootstrap} resamples)")
    boot = _bootstrap(responses, cells, study.report.bootstrap, study.report.seed)
    scores = _score_table(boot, cells, study)
    nps = nps_table(responses, cells)
    if not nps.empty:
        with np.errstate(invalid="ignore", divide="ignore"):
            nps["deff"] = nps["n"] / nps["n_eff"]
        scores = pd.concat([scores, nps[scores.columns]], ignore_index=True)
    say("changes and growth grid")
    changes = _changes(boot, cells, study, by)
    nps_changes = _nps_changes(nps, cells, study, by)
    if not nps_changes.empty:
        changes = pd.concat([changes, nps_changes], ignore_index=True)
    changes = _adjust(changes, study)
    grid = _growth_grid(scores, boot, cells, study, by)
    say("reliability")
    if len(responses.data) > _RELIABILITY_FROM_SUMS_ABOVE:
        from txscore.scoring.chunked import reliability_from_sums

        rel, rel_items = reliability_from_sums(responses)
    else:
        rel, rel_items = reliability_tables(responses)
    say("key drivers")
    drivers = standard_drivers(responses)
    return Result(study=study, scores=scores, items=items, distributions=dists, grid=grid,
                  changes=changes, reliability=rel, reliability_items=rel_items,
                  cx_weights=boot.weights["cx"], bx_weights=boot.weights["bx"],
                  exclusions=responses.exclusions, files=responses.files, drivers=drivers,
                  by=tuple(by), meta={"weighting": responses.weighting})
